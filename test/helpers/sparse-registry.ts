// A sparse registry on 127.0.0.1 for --online tests (fixtures/online-index by default), and a loopback HTTP proxy.
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from "node:http";
import { connect, type AddressInfo, type Socket } from "node:net";
import { join } from "node:path";

export const onlineIndexDir = join(import.meta.dirname, "../../fixtures/online-index/index");

export interface RecordedRequest {
  path: string;
  ifNoneMatch?: string;
  ifModifiedSince?: string;
  userAgent?: string;
}

export interface RegistryOptions {
  /** Index files to serve instead of (or, with `null`, to remove from) the fixture's. */
  files?: Record<string, string | null>;
  /** Answer with this status instead, for the n-th request of a path (1-based); undefined to serve normally. */
  status?: (path: string, nth: number) => number | undefined;
  /** Never answer requests for these paths (the socket stays open). */
  hang?: (path: string) => boolean;
  /** Milliseconds before each answer. */
  delayMs?: number;
  /** After this many answered requests, stop listening and destroy every connection. */
  closeAfter?: number;
}

export interface Registry {
  /** `http://127.0.0.1:port/`, the sparse index URL. */
  url: string;
  requests: RecordedRequest[];
  /** Requests being answered at the same time, at most. */
  maxInFlight: number;
  /** 304 answers given. */
  notModified: number;
  close(): Promise<void>;
}

const etagOf = (body: string) => `"${createHash("sha256").update(body).digest("hex").slice(0, 16)}"`;

export async function startRegistry(options: RegistryOptions = {}): Promise<Registry> {
  const sockets = new Set<Socket>();
  const seen = new Map<string, number>();
  let inFlight = 0;
  let answered = 0;
  const state: Registry = { url: "", requests: [], maxInFlight: 0, notModified: 0, close: async () => undefined };
  const body = (path: string): string | undefined => {
    if (options.files && path in options.files) return options.files[path] ?? undefined;
    const file = join(onlineIndexDir, path);
    return /^[a-z0-9_/-]+$/.test(path) && existsSync(file) ? readFileSync(file, "utf8") : undefined;
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? "/", "http://127.0.0.1").pathname.slice(1);
    state.requests.push({
      path,
      ifNoneMatch: req.headers["if-none-match"],
      ifModifiedSince: req.headers["if-modified-since"],
      userAgent: req.headers["user-agent"],
    });
    const nth = (seen.get(path) ?? 0) + 1;
    seen.set(path, nth);
    if (options.hang?.(path)) return;
    inFlight++;
    state.maxInFlight = Math.max(state.maxInFlight, inFlight);
    const answer = () => {
      inFlight--;
      answered++;
      const forced = options.status?.(path, nth);
      const text = body(path);
      if (forced !== undefined) res.writeHead(forced).end();
      else if (text === undefined) res.writeHead(404).end();
      else {
        const etag = etagOf(text);
        if (req.headers["if-none-match"] === etag) {
          state.notModified++;
          res.writeHead(304, { etag }).end();
        } else res.writeHead(200, { etag, "content-type": "text/plain" }).end(text);
      }
      if (options.closeAfter !== undefined && answered >= options.closeAfter) {
        server.close();
        for (const socket of sockets) socket.destroy();
      }
    };
    if (options.delayMs) setTimeout(answer, options.delayMs);
    else answer();
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  state.close = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
      if (!server.listening) resolve();
    });
  return state;
}

export interface Proxy {
  /** `http://127.0.0.1:port` */
  url: string;
  /** `CONNECT host:port` tunnels opened, and absolute-URI requests forwarded. */
  tunnels: string[];
  forwarded: string[];
  close(): Promise<void>;
}

/** A forward proxy: CONNECT tunnels (what undici's ProxyAgent asks for) and absolute-URI GETs, both recorded. */
export async function startProxy(): Promise<Proxy> {
  const sockets = new Set<Socket>();
  const state: Proxy = { url: "", tunnels: [], forwarded: [], close: async () => undefined };
  const server = createServer((req, res) => {
    state.forwarded.push(req.url ?? "");
    const target = new URL(req.url ?? "");
    const upstream = httpRequest(target, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on("error", () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  server.on("connect", (req: IncomingMessage, client: Socket, head: Buffer) => {
    state.tunnels.push(req.url ?? "");
    const [host, port] = (req.url ?? "").split(":");
    const upstream = connect(Number(port), host!, () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on("error", () => client.destroy());
    client.on("error", () => upstream.destroy());
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
  return state;
}
