// Planning for --online, with no I/O: which index each lock source is fetched from, which crates to fetch, bodies → metadata.
import { createHash } from "node:crypto";
import { join } from "node:path";
import type { Problem } from "../problems.js";
import { indexFilePath, metadataFromIndexLine } from "./index-cache.js";
import type { CrateMetadata, MetadataProvider } from "./model.js";
import { CRATES_IO_LOCK_SOURCES, lockSourcesOf, mergeConfigTables, type CargoConfigFile, type MergedTables, type Setting } from "./vendor.js";

/** Where cargo fetches crates.io's index since 1.70, whichever of its two lock sources a lock names. */
export const CRATES_IO_SPARSE_INDEX = "https://index.crates.io/";
const CRATES_IO_GIT_INDEX = "https://github.com/rust-lang/crates.io-index";

/** An environment lookup (the CLI passes its `env`). */
export type Env = (name: string) => string | undefined;

/** A registry crate version as Cargo.lock names it. */
export interface CrateRef {
  name: string;
  version: string;
  source: string;
}

/** Where the index files of one lock source come from, or why they cannot be fetched. */
export type IndexLocation =
  | { kind: "sparse"; url: string }
  /** Not an error in the configuration: the registry just has no sparse index (a git index). */
  | { kind: "unsupported"; reason: string }
  /** The configuration is wrong; `problem` says where and how. */
  | { kind: "invalid"; problem: Problem };

/** One index file to fetch, and the locked versions it should describe. */
export interface IndexFileRequest {
  /** The sparse index's base URL, with its trailing slash. */
  registry: string;
  /** `indexFilePath` of the crate name: `1/a`, `3/s/syn`, `se/rd/serde`. */
  path: string;
  url: string;
  crates: CrateRef[];
}

export interface OnlinePlan {
  requests: IndexFileRequest[];
  /** Crates that will not be fetched, and why ("its index is a git repository…"). */
  skipped: { crate: CrateRef; reason: string; invalid?: boolean }[];
  /** Configuration problems (an invalid index URL), each once. */
  problems: Problem[];
}

/** The key of a crate version in maps of fetched metadata (the chain keys its own cache the same way). */
export function crateKey(name: string, version: string, source: string | null): string {
  return `${source ?? ""}\u0000${name}\u0000${version}`;
}

/**
 * Crate names cargo accepts (ASCII letters, digits, `-`, `_`; at most 64). A lock is input like any other:
 * a name such as `../../x` must never reach a URL or a cache path.
 */
export function isValidCrateName(name: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(name);
}

/** `CARGO_REGISTRIES_<NAME>_INDEX`: cargo upper-cases the name and turns `-` into `_`. */
export function registryIndexEnvVar(name: string): string {
  return `CARGO_REGISTRIES_${name.toUpperCase().replace(/-/g, "_")}_INDEX`;
}

interface Origin {
  /** The config key or environment variable that gave the URL, for messages. */
  key: string;
  file?: string;
}

function invalid(origin: Origin, message: string): IndexLocation {
  const where = origin.file ? `\`${origin.key}\`` : `environment variable ${origin.key}`;
  return {
    kind: "invalid",
    problem: {
      severity: "warning",
      code: "online-registry-invalid",
      message: `${where}: ${message}`,
      ...(origin.file ? { file: origin.file } : {}),
      hint: "--online skips the crates of this registry; fix the URL (a sparse index is written `sparse+https://host/path/`)",
    },
  };
}

/** An index URL as cargo writes it (`sparse+https://…/` or a git URL) → where its files are fetched. */
export function locationOfIndexUrl(raw: string, origin: Origin): IndexLocation {
  const sparse = raw.startsWith("sparse+");
  const text = sparse ? raw.slice("sparse+".length) : raw;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return invalid(origin, `"${raw}" is not a valid URL`);
  }
  if (!sparse) {
    // cargo fetches crates.io sparsely by default, whichever URL the lock keeps.
    if (text.replace(/\/$/, "") === CRATES_IO_GIT_INDEX) return { kind: "sparse", url: CRATES_IO_SPARSE_INDEX };
    return { kind: "unsupported", reason: `its index (${text}) is a git repository; only sparse indexes (sparse+https://…) can be fetched` };
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return invalid(origin, `"${raw}" is not an http(s) URL`);
  if (url.search || url.hash) return invalid(origin, `"${raw}" has a query or fragment, which an index URL cannot have`);
  const base = url.href.endsWith("/") ? url.href : `${url.href}/`;
  return { kind: "sparse", url: base };
}

/** The index URL of a registry named in `[registries.<name>]`, the environment winning over config files, as in cargo. */
function registryIndex(name: string, registries: MergedTables, env: Env): { value: unknown; origin: Origin } | undefined {
  const variable = registryIndexEnvVar(name);
  const fromEnv = env(variable);
  if (fromEnv) return { value: fromEnv, origin: { key: variable } };
  const setting = registries.get(name)?.get("index");
  return setting && { value: setting.value, origin: { key: `registries.${name}.index`, file: setting.file.path } };
}

/** Cargo's configuration as --online needs it: merged `[source]` and `[registries]` tables, and the environment. */
export interface RegistryConfig {
  sources: MergedTables;
  registries: MergedTables;
  env: Env;
}

export function readRegistryConfig(configs: readonly CargoConfigFile[], env: Env): RegistryConfig {
  return { sources: mergeConfigTables(configs, "source"), registries: mergeConfigTables(configs, "registries"), env };
}

/**
 * Where the index of a lock source is fetched from, following `[source]` replacement as cargo's
 * `SourceConfigMap::load` does: `replace-with` names a `[source.x]` or (RFC 3289) a `[registries.x]`.
 * A chain that ends at a `directory` or `local-registry` copy fetches from the original registry,
 * whose index describes the same crates.
 */
export function indexLocationFor(source: string, config: RegistryConfig): IndexLocation {
  const { sources } = config;
  const name = CRATES_IO_LOCK_SOURCES.includes(source) ? "crates-io" : [...sources].find(([n, keys]) => lockSourcesOf(n, keys).includes(source))?.[0];
  const original = () =>
    CRATES_IO_LOCK_SOURCES.includes(source)
      ? ({ kind: "sparse", url: CRATES_IO_SPARSE_INDEX } as const)
      : locationOfIndexUrl(source.replace(/^registry\+/, ""), { key: "Cargo.lock source" });
  if (name === undefined) return original();

  const visited = [name];
  let current = name;
  let via: Setting | undefined;
  for (;;) {
    const next = sources.get(current)?.get("replace-with");
    if (next === undefined) break;
    if (typeof next.value !== "string") return invalid({ key: `source.${current}.replace-with`, file: next.file.path }, "must be a string");
    // A cycle is reported by the vendor provider's notes already; nothing can be fetched for it.
    if (visited.includes(next.value)) return { kind: "unsupported", reason: `source replacement cycle: ${[...visited, next.value].join(" → ")}` };
    visited.push(next.value);
    current = next.value;
    via = next;
  }
  if (via === undefined) return original();

  const keys = sources.get(current);
  if (keys) {
    const registry = keys.get("registry");
    if (registry) {
      const origin = { key: `source.${current}.registry`, file: registry.file.path };
      return typeof registry.value === "string" ? locationOfIndexUrl(registry.value, origin) : invalid(origin, "must be a string");
    }
    if (keys.has("directory") || keys.has("local-registry")) return original();
    if (keys.has("git")) return { kind: "unsupported", reason: `it is replaced by the git source \`${current}\`` };
    if (current === "crates-io") return { kind: "sparse", url: CRATES_IO_SPARSE_INDEX };
  }
  const index = registryIndex(current, config.registries, config.env);
  if (index) return typeof index.value === "string" ? locationOfIndexUrl(index.value, index.origin) : invalid(index.origin, "must be a string");
  return invalid({ key: `source.${visited[visited.length - 2]}.replace-with`, file: via.file.path }, `names \`${current}\`, which is neither a [source.${current}] nor a [registries.${current}] table`);
}

/**
 * Groups the crates to fetch by index file (all versions of a crate share one file) and sets aside
 * those that cannot be fetched. Config problems are reported once each.
 */
export function planOnlineFetch(crates: readonly CrateRef[], config: RegistryConfig): OnlinePlan {
  const requests = new Map<string, IndexFileRequest>();
  const skipped: OnlinePlan["skipped"] = [];
  const problems = new Map<string, Problem>();
  const locations = new Map<string, IndexLocation>();
  const seen = new Set<string>();
  for (const crate of crates) {
    const key = crateKey(crate.name, crate.version, crate.source);
    if (seen.has(key)) continue;
    seen.add(key);
    if (!isValidCrateName(crate.name)) {
      skipped.push({ crate, reason: "not a valid crate name" });
      continue;
    }
    let location = locations.get(crate.source);
    if (!location) {
      location = indexLocationFor(crate.source, config);
      locations.set(crate.source, location);
    }
    if (location.kind === "invalid") {
      problems.set(`${location.problem.file}\u0000${location.problem.message}`, location.problem);
      skipped.push({ crate, reason: "invalid index URL", invalid: true });
      continue;
    }
    if (location.kind === "unsupported") {
      skipped.push({ crate, reason: location.reason });
      continue;
    }
    const path = indexFilePath(crate.name);
    const url = `${location.url}${path}`;
    const request = requests.get(url) ?? { registry: location.url, path, url, crates: [] };
    request.crates.push(crate);
    requests.set(url, request);
  }
  return { requests: [...requests.values()], skipped, problems: [...problems.values()] };
}

/** What an index file says about one locked version. */
export type IndexAnswer = { meta: CrateMetadata } | { reason: string };

/**
 * Finds the locked version in a sparse index file (one JSON object per line), as `metadataFromIndexLine`
 * reads it. The version must match exactly, build metadata included, as cargo's index cache keys it.
 * A malformed line is skipped; it is named as the reason only when the version is not found otherwise.
 */
export function metadataFromIndexFile(body: string, crate: Pick<CrateRef, "name" | "version">, origin: string): IndexAnswer {
  const quoted = JSON.stringify(crate.version);
  let malformed = 0;
  for (const raw of body.split("\n")) {
    const line = raw.trim();
    // Cheap filter first: a line for this version contains its quoted version string.
    if (line === "" || !line.includes(quoted)) continue;
    const meta = metadataFromIndexLine(line, origin);
    if (!meta) {
      malformed++;
      continue;
    }
    if (meta.version === crate.version && meta.name === crate.name) return { meta: { ...meta, provider: "online" } };
  }
  return { reason: malformed > 0 ? "malformed index entry" : "version not in the index" };
}

/**
 * Every version of one crate in a sparse index file, yanked ones left out (a fresh resolution never picks them):
 * what a refresh of a stale or missing lock chooses from. Malformed lines are skipped.
 */
export function allVersionsFromIndexFile(body: string, name: string, origin: string): CrateMetadata[] {
  const found: CrateMetadata[] = [];
  for (const raw of body.split("\n")) {
    const line = raw.trim();
    if (line === "" || /"yanked"\s*:\s*true/.test(line)) continue;
    const meta = metadataFromIndexLine(line, origin);
    if (meta && meta.name === name) found.push({ ...meta, provider: "online" });
  }
  return found;
}

/** A synchronous provider over metadata fetched before the audit, with the problems met while fetching. */
export interface OnlineProvider extends MetadataProvider {
  /** Collected by `createMetadataChain` into the workspace's problems. */
  notes: Problem[];
}

export function onlineProvider(found: ReadonlyMap<string, CrateMetadata>, notes: Problem[]): OnlineProvider {
  return {
    name: "online",
    notes,
    lookup: (name, version, source) => found.get(crateKey(name, version, source)),
    versions: (name, source) => [...found.values()].filter((meta) => meta.name === name && found.get(crateKey(name, meta.version, source)) === meta).map((meta) => meta.version),
  };
}

/** How one crate's fetch ended, as the CLI tallies it. */
export type CrateOutcome =
  | { crate: CrateRef; registry: string; status: "found"; from: "network" | "cache"; meta: CrateMetadata }
  | { crate: CrateRef; registry: string; status: "failed"; reason: string };

function tally(reasons: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const reason of reasons) counts.set(reason, (counts.get(reason) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([reason, n]) => `${reason} (${n})`).join(", ");
}

/**
 * The warnings of one workspace: per registry, how many of its crates could not be fetched and why
 * (`online-index-partial`); per lock source that cannot be fetched at all, why (`online-registry-unsupported`).
 */
export function onlineProblems(outcomes: readonly CrateOutcome[], skipped: OnlinePlan["skipped"], lockfile: string | undefined): Problem[] {
  const problems: Problem[] = [];
  const file = lockfile ? { file: lockfile } : {};
  const byRegistry = new Map<string, CrateOutcome[]>();
  for (const outcome of outcomes) byRegistry.set(outcome.registry, [...(byRegistry.get(outcome.registry) ?? []), outcome]);
  for (const [registry, list] of byRegistry) {
    const failed = list.filter((o): o is Extract<CrateOutcome, { status: "failed" }> => o.status === "failed");
    if (failed.length === 0) continue;
    problems.push({
      severity: "warning",
      code: "online-index-partial",
      message: `${failed.length} of ${list.length} crates could not be fetched from ${registry}: ${tally(failed.map((o) => o.reason))}`,
      ...file,
      hint: "those crates keep their locked edges (findings through them are marked unverified or possible); check the network or proxy (HTTPS_PROXY, CARGO_HTTP_PROXY) and run again",
    });
  }
  const bySource = new Map<string, string[]>();
  for (const skip of skipped) {
    if (skip.invalid) continue; // the configuration problem says it
    bySource.set(skip.crate.source, [...(bySource.get(skip.crate.source) ?? []), skip.reason]);
  }
  for (const [source, reasons] of bySource) {
    problems.push({
      severity: "warning",
      code: "online-registry-unsupported",
      message: `${reasons.length} ${reasons.length === 1 ? "crate" : "crates"} from ${source} not fetched: ${tally(reasons)}`,
      ...file,
    });
  }
  return problems;
}

/**
 * The cache file of an index file: `<root>/<host>[_port]-<hash of the index URL>/<index path>.json`,
 * named like cargo's `registry/index/<host>-<hash>` so that two registries on one host never share files.
 * Undefined for a path that is not a plain index path (never a file outside `root`).
 */
export function indexCacheFile(root: string, registry: string, path: string): string | undefined {
  if (!/^[a-z0-9_-]+(\/[a-z0-9_-]+){1,2}$/.test(path)) return undefined;
  const url = new URL(registry);
  const host = `${url.hostname}${url.port ? `_${url.port}` : ""}`.replace(/[^A-Za-z0-9._-]/g, "_");
  const hash = createHash("sha256").update(registry).digest("hex").slice(0, 16);
  return join(root, `${host}-${hash}`, ...`${path}.json`.split("/"));
}

/** Proxy settings for --online, in cargo's order of precedence. */
export interface ProxySettings {
  /** Proxy URL for http:// index URLs. */
  http?: string;
  /** Proxy URL for https:// index URLs. */
  https?: string;
  /** `NO_PROXY`: hosts reached directly. */
  noProxy?: string;
  /** Where the proxy came from, for messages. */
  from?: string;
}

function normaliseProxy(value: string, origin: Origin): { url: string } | { problem: Problem } {
  // cargo passes the value to curl, which takes `host:port` and assumes http://.
  const text = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`;
  try {
    const url = new URL(text);
    if (url.protocol === "http:" || url.protocol === "https:") return { url: text };
  } catch {
    // reported below
  }
  const where = origin.file ? `\`${origin.key}\`` : `environment variable ${origin.key}`;
  return {
    problem: {
      severity: "warning",
      code: "online-proxy-invalid",
      message: `${where}: "${value}" is not a valid proxy URL (http:// or https:// proxies are supported); --online fetched nothing`,
      ...(origin.file ? { file: origin.file } : {}),
    },
  };
}

/**
 * `CARGO_HTTP_PROXY`, else `[http] proxy` in cargo's configuration (both for every URL, as cargo hands
 * them to curl), else curl's variables: `http_proxy`/`HTTP_PROXY` for http, `https_proxy`/`HTTPS_PROXY`
 * for https, `ALL_PROXY` for either. `NO_PROXY` applies to all of them, as it does in curl.
 */
export function proxySettings(configs: readonly CargoConfigFile[], env: Env): { proxy: ProxySettings; problems: Problem[] } {
  const noProxy = env("no_proxy") || env("NO_PROXY");
  const configured = env("CARGO_HTTP_PROXY")
    ? { value: env("CARGO_HTTP_PROXY")!, origin: { key: "CARGO_HTTP_PROXY" } as Origin }
    : configs
        .filter((file) => file.error === undefined)
        .map((file) => {
          const http = file.value.http;
          const proxy = typeof http === "object" && http !== null ? (http as Record<string, unknown>).proxy : undefined;
          return typeof proxy === "string" && proxy !== "" ? { value: proxy, origin: { key: "http.proxy", file: file.path } as Origin } : undefined;
        })
        .find((entry) => entry !== undefined);
  const problems: Problem[] = [];
  const use = (value: string | undefined, origin: Origin): string | undefined => {
    if (!value) return undefined;
    const normalised = normaliseProxy(value, origin);
    if ("problem" in normalised) {
      problems.push(normalised.problem);
      return undefined;
    }
    return normalised.url;
  };
  if (configured) {
    const url = use(configured.value, configured.origin);
    return { proxy: { http: url, https: url, noProxy, from: configured.origin.file ?? configured.origin.key }, problems };
  }
  const fromEnv = (...names: string[]) => {
    const name = names.find((n) => env(n));
    return name === undefined ? undefined : use(env(name), { key: name });
  };
  const http = fromEnv("http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY");
  const https = fromEnv("https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY");
  return { proxy: { http, https, noProxy, from: "environment" }, problems };
}

/**
 * Whether `url` bypasses the proxy under a `NO_PROXY` list, as curl reads it: `*` for every host,
 * otherwise comma- or space-separated host names (a leading `.` or `*.` optional, matching sub-domains),
 * IP addresses, each with an optional `:port`.
 */
export function bypassesProxy(url: string, noProxy: string | undefined): boolean {
  if (!noProxy) return false;
  const target = new URL(url);
  const host = target.hostname.replace(/^\[|\]$/g, "").toLowerCase();
  const port = target.port || (target.protocol === "https:" ? "443" : "80");
  for (const raw of noProxy.split(/[,\s]+/)) {
    let entry = raw.trim().toLowerCase();
    if (entry === "") continue;
    if (entry === "*") return true;
    let entryPort: string | undefined;
    const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
    if (bracketed) {
      entry = bracketed[1]!;
      entryPort = bracketed[2];
    } else if (/^[^:]+:\d+$/.test(entry)) {
      [entry, entryPort] = entry.split(":") as [string, string];
    }
    if (entryPort !== undefined && entryPort !== port) continue;
    entry = entry.replace(/^\*?\./, "");
    if (host === entry || host.endsWith(`.${entry}`)) return true;
  }
  return false;
}
