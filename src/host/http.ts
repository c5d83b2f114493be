// The network for --online: concurrent, retried, revalidated GETs of sparse index files, cached on disk.
import { readFileSync } from "node:fs";
import { Agent, ProxyAgent, request, type Dispatcher } from "undici";
import { MAX_FILE_BYTES } from "./index.js";
import { writeCacheFile } from "./write.js";

/** One file to fetch. */
export interface FetchJob {
  url: string;
  /** Jobs of one group (a registry) share a circuit breaker: a registry that is down is not asked again and again. */
  group: string;
  /** Where the response is cached; none when undefined. */
  cacheFile?: string;
}

export type FetchOutcome =
  /** `from: "cache"`: the server answered 304, or could not be reached and a cached copy was used. */
  | { kind: "ok"; body: string; from: "network" | "cache" }
  /** 404, 410 or 451: cargo reads all three as "this crate does not exist here". */
  | { kind: "not-found"; status: number }
  | { kind: "failed"; reason: string };

export interface FetchOptions {
  /** Requests in flight at once, at most. */
  concurrency: number;
  /** Per attempt: connecting, headers and body together. */
  timeoutMs: number;
  /** Further attempts after a transient failure (5xx, 429, timeout, connection error). */
  retries: number;
  /** First delay between attempts; doubled each time, with jitter. */
  backoffMs: number;
  /** After this many failed requests in a row to a group, its remaining jobs are not attempted (nor retried). */
  breakerThreshold: number;
  proxy: { http?: string; https?: string };
  /** True when the URL must not go through the proxy (NO_PROXY). */
  bypassProxy: (url: string) => boolean;
  userAgent: string;
  /** Called after each job, with it. */
  onDone?: (job: FetchJob) => void;
}

/** The defaults: cargo's `net.retry` is 3 and its pool is wide; a bound of 8 keeps a registry happy over HTTP/1.1. */
export const DEFAULT_FETCH_OPTIONS = { concurrency: 8, timeoutMs: 10_000, retries: 2, backoffMs: 250, breakerThreshold: 3 } as const;

const NOT_FOUND = new Set([404, 410, 451]);

interface CacheEntry {
  format: 1;
  url: string;
  etag?: string;
  lastModified?: string;
  body: string;
}

/** A cached response, or undefined when there is none or it cannot be used (corrupt, another URL): never an error. */
function readCache(file: string | undefined, url: string): CacheEntry | undefined {
  if (!file) return undefined;
  try {
    const entry = JSON.parse(readFileSync(file, "utf8")) as Partial<CacheEntry>;
    if (entry?.format !== 1 || entry.url !== url || typeof entry.body !== "string") return undefined;
    if (entry.etag !== undefined && typeof entry.etag !== "string") return undefined;
    if (entry.lastModified !== undefined && typeof entry.lastModified !== "string") return undefined;
    return entry as CacheEntry;
  } catch {
    return undefined;
  }
}

/** Best effort: a cache that cannot be written only costs the next run a download. */
function writeCache(file: string | undefined, entry: CacheEntry): void {
  if (file) writeCacheFile(file, JSON.stringify(entry));
}

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** A network error in words, for the summary ("connection refused (12)"). */
function describeError(error: unknown, timedOut: boolean, timeoutMs: number): string {
  if (timedOut) return `timeout after ${timeoutMs >= 1000 ? `${+(timeoutMs / 1000).toFixed(1)} s` : `${timeoutMs} ms`}`;
  const err = error as { code?: string; message?: string; cause?: { code?: string } };
  const code = err?.code ?? err?.cause?.code;
  switch (code) {
    case "ECONNREFUSED":
      return "connection refused";
    case "ECONNRESET":
    case "EPIPE":
    case "UND_ERR_SOCKET":
    case "UND_ERR_CLOSED":
      return "connection reset";
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return "host not found";
    case "UND_ERR_CONNECT_TIMEOUT":
    case "UND_ERR_HEADERS_TIMEOUT":
    case "UND_ERR_BODY_TIMEOUT":
      return `timeout after ${+(timeoutMs / 1000).toFixed(1)} s`;
    case "UND_ERR_RES_EXCEEDED_MAX_SIZE":
      return "response too large";
    default:
      return (err?.message ?? String(error)).split("\n")[0]!;
  }
}

class TooLarge extends Error {}

async function readBody(body: Dispatcher.ResponseData["body"]): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += (chunk as Buffer).length;
    if (size > MAX_FILE_BYTES) {
      body.destroy();
      throw new TooLarge("response too large");
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Fetches every job with at most `concurrency` requests in flight. A cached copy is revalidated
 * (`If-None-Match`, `If-Modified-Since`); 304 reuses it. Transient failures are retried with backoff;
 * when every attempt failed, a cached copy is used if there is one. Never throws.
 */
export async function fetchAll(jobs: readonly FetchJob[], options: FetchOptions): Promise<Map<string, FetchOutcome>> {
  const connect = { timeout: options.timeoutMs };
  const direct = new Agent({ connections: options.concurrency, connect });
  const proxies = new Map<string, ProxyAgent>();
  const proxyFor = (uri: string) => {
    let agent = proxies.get(uri);
    if (!agent) {
      // Like curl (and so cargo): an http:// URL is sent to the proxy in absolute form, an https:// one through a CONNECT tunnel.
      agent = new ProxyAgent({ uri, connections: options.concurrency, connect, proxyTunnel: false });
      proxies.set(uri, agent);
    }
    return agent;
  };
  const dispatcherFor = (url: string): Dispatcher => {
    const proxy = url.startsWith("https:") ? options.proxy.https : options.proxy.http;
    return proxy && !options.bypassProxy(url) ? proxyFor(proxy) : direct;
  };

  const failuresInARow = new Map<string, number>();
  const outcomes = new Map<string, FetchOutcome>();

  async function attempt(job: FetchJob, cached: CacheEntry | undefined): Promise<FetchOutcome | { retry: string }> {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, options.timeoutMs);
    try {
      const headers: Record<string, string> = { "user-agent": options.userAgent, accept: "*/*" };
      if (cached?.etag) headers["if-none-match"] = cached.etag;
      else if (cached?.lastModified) headers["if-modified-since"] = cached.lastModified;
      const response = await request(job.url, { method: "GET", headers, signal: controller.signal, dispatcher: dispatcherFor(job.url) });
      const status = response.statusCode;
      if (status === 200) {
        const body = await readBody(response.body);
        const etag = header(response.headers, "etag");
        const lastModified = header(response.headers, "last-modified");
        writeCache(job.cacheFile, { format: 1, url: job.url, ...(etag ? { etag } : {}), ...(lastModified ? { lastModified } : {}), body });
        return { kind: "ok", body, from: "network" };
      }
      await response.body.dump();
      if (status === 304 && cached) return { kind: "ok", body: cached.body, from: "cache" };
      if (NOT_FOUND.has(status)) return { kind: "not-found", status };
      if (status === 429 || status >= 500) return { retry: `HTTP ${status}` };
      return { kind: "failed", reason: `HTTP ${status}` };
    } catch (error) {
      if (error instanceof TooLarge) return { kind: "failed", reason: "response too large" };
      return { retry: describeError(error, timedOut, options.timeoutMs) };
    } finally {
      clearTimeout(timer);
    }
  }

  async function fetchOne(job: FetchJob): Promise<FetchOutcome> {
    const cached = readCache(job.cacheFile, job.url);
    const threshold = options.breakerThreshold;
    // Failed requests in a row, across the group's jobs: an offline machine or a dead registry costs one timeout, not one per crate.
    const broken = () => (failuresInARow.get(job.group) ?? 0) >= threshold;
    const failed = () => failuresInARow.set(job.group, (failuresInARow.get(job.group) ?? 0) + 1);
    if (broken()) return cached ? { kind: "ok", body: cached.body, from: "cache" } : { kind: "failed", reason: `not attempted after ${threshold} failed requests in a row` };
    let reason = "";
    for (let tries = 0; tries <= options.retries; tries++) {
      if (tries > 0) {
        if (broken()) break;
        await sleep(options.backoffMs * 2 ** (tries - 1) * (0.75 + Math.random() * 0.5));
      }
      const result = await attempt(job, cached);
      if ("retry" in result) {
        failed();
        reason = result.retry;
        continue;
      }
      if (result.kind === "failed") failed();
      else failuresInARow.set(job.group, 0);
      return result;
    }
    // The registry could not be reached: an earlier copy of the file still describes the locked versions.
    return cached ? { kind: "ok", body: cached.body, from: "cache" } : { kind: "failed", reason };
  }

  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const job = jobs[next++]!;
      outcomes.set(job.url, await fetchOne(job));
      options.onDone?.(job);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(options.concurrency, jobs.length) }, worker));
  } finally {
    await Promise.all([direct, ...proxies.values()].map((agent) => agent.destroy().catch(() => undefined)));
  }
  return outcomes;
}
