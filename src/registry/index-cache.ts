// Metadata from cargo's on-disk index cache: $CARGO_HOME/registry/index/<registry>-<hash>/.cache/<dep path>.
import { join } from "node:path";
import type { DependencyKind } from "../manifest/model.js";
import type { Host } from "../host/index.js";
import { cargoHomeDir, isRegistrySource, registryDirsCache } from "./cargo-home.js";
import type { CrateMetadata, MetaDependency, MetadataProvider } from "./model.js";

/**
 * The cache version this reader understands. cargo writes 3 since 1.54 and, like cargo
 * (`SummariesCache::parse`), we ignore files with any other first byte.
 * Source: rust-lang/cargo `src/cargo/sources/registry/index/cache.rs`, `CURRENT_CACHE_VERSION`.
 */
export const CACHE_VERSION = 3;

/**
 * The highest index schema (`v` field) cargo understands: `INDEX_V_MAX` in
 * `src/cargo/sources/registry/index/mod.rs`. Lines with a larger `v` are skipped, as cargo does.
 */
export const INDEX_V_MAX = 2;

/** One decoded `.cache` file. */
export interface IndexCacheFile {
  cacheVersion: number;
  /** The index schema version cargo stamped on the file (little-endian u32). */
  indexSchemaVersion: number;
  /** Git commit of the index, or an HTTP validator (`etag: …`, `last-modified: …`) for sparse ones. */
  revision: string;
  /** Version string (with build metadata) and the raw JSON index line, in file order. */
  entries: { version: string; json: string }[];
}

/**
 * The path of a crate's file inside an index (and its `.cache`), from the lower-cased name:
 * `1/a`, `2/ab`, `3/a/abc`, `ab/cd/abcd…`. Mirrors `cargo_util::registry::make_dep_path`.
 */
export function indexFilePath(name: string): string {
  const n = name.toLowerCase();
  const chars = [...n];
  if (chars.length === 1) return `1/${n}`;
  if (chars.length === 2) return `2/${n}`;
  if (chars.length === 3) return `3/${chars[0]}/${n}`;
  return `${chars.slice(0, 2).join("")}/${chars.slice(2, 4).join("")}/${n}`;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

function decode(bytes: Uint8Array): string | undefined {
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * Decodes cargo's binary index cache:
 * `u8 cache version | u32 LE index schema version | revision | 0`, then pairs of
 * `semver version | 0 | JSON line | 0`. Returns undefined for another cache version or a file
 * too short to hold the header; never throws. A pair that is not UTF-8 is dropped.
 */
export function parseIndexCache(bytes: Uint8Array): IndexCacheFile | undefined {
  if (bytes.length < 5 || bytes[0] !== CACHE_VERSION) return undefined;
  const indexSchemaVersion = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(1, true);
  const fields: Uint8Array[] = [];
  let start = 5;
  for (let i = 5; i < bytes.length; i++) {
    if (bytes[i] === 0) {
      fields.push(bytes.subarray(start, i));
      start = i + 1;
    }
  }
  // cargo splits on NUL and ignores what follows the last one; a file cut short loses its tail.
  if (fields.length === 0) return undefined;
  const revision = decode(fields[0]!);
  if (revision === undefined) return undefined;
  const entries: IndexCacheFile["entries"] = [];
  for (let i = 1; i + 1 < fields.length; i += 2) {
    const version = decode(fields[i]!);
    const json = decode(fields[i + 1]!);
    if (version !== undefined && json !== undefined) entries.push({ version, json });
  }
  return { cacheVersion: CACHE_VERSION, indexSchemaVersion, revision, entries };
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

function readFeatures(into: Record<string, string[]>, value: unknown): void {
  if (!isObject(value)) return;
  for (const [name, values] of Object.entries(value)) into[name] = strings(values);
}

function readKind(value: unknown): DependencyKind {
  return value === "dev" || value === "build" ? value : "normal";
}

function readIndexDep(value: unknown): MetaDependency | undefined {
  if (!isObject(value) || typeof value.name !== "string") return undefined;
  // In the index, `name` is what the depending crate calls it and `package` the real crate, when renamed.
  return {
    package: typeof value.package === "string" ? value.package : value.name,
    name: value.name,
    req: typeof value.req === "string" ? value.req : "*",
    kind: readKind(value.kind),
    target: typeof value.target === "string" ? value.target : null,
    optional: value.optional === true,
    defaultFeatures: value.default_features !== false,
    features: strings(value.features),
  };
}

/**
 * Turns one index line (`{name, vers, deps, features, features2?, v?}`) into CrateMetadata,
 * merging `features2` into `features`. Undefined for JSON that is not an index entry, or for an
 * entry with a schema `v` newer than cargo understands.
 */
export function metadataFromIndexLine(json: string, origin: string): CrateMetadata | undefined {
  let entry: unknown;
  try {
    entry = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (!isObject(entry) || typeof entry.name !== "string" || typeof entry.vers !== "string") return undefined;
  if (typeof entry.v === "number" && entry.v > INDEX_V_MAX) return undefined;
  const features: Record<string, string[]> = {};
  readFeatures(features, entry.features);
  readFeatures(features, entry.features2);
  const dependencies: MetaDependency[] = [];
  if (Array.isArray(entry.deps)) {
    for (const dep of entry.deps) {
      const meta = readIndexDep(dep);
      if (meta) dependencies.push(meta);
    }
  }
  return { name: entry.name, version: entry.vers, features, dependencies, provider: "index-cache", origin };
}

export interface IndexCacheOptions {
  /** Overrides `$CARGO_HOME` / `$HOME/.cargo`. */
  cargoHome?: string;
}

/** Answers for registry packages whose index entries cargo has cached locally (even offline, never unpacked). */
export function indexCacheProvider(host: Host, options: IndexCacheOptions = {}): MetadataProvider {
  const home = options.cargoHome ?? cargoHomeDir(host);
  const root = home === undefined ? undefined : join(home, "registry", "index");
  const dirsFor = root === undefined ? undefined : registryDirsCache(host, root);
  const files = new Map<string, IndexCacheFile | undefined>();

  function load(path: string): IndexCacheFile | undefined {
    if (files.has(path)) return files.get(path);
    let file: IndexCacheFile | undefined;
    if (host.kind(path) === "file") {
      try {
        file = parseIndexCache(host.readBytes(path));
      } catch {
        file = undefined;
      }
    }
    files.set(path, file);
    return file;
  }

  return {
    name: "index-cache",
    lookup(name, version, source): CrateMetadata | undefined {
      if (dirsFor === undefined || !isRegistrySource(source)) return undefined;
      const rel = indexFilePath(name);
      for (const dir of dirsFor(source)) {
        const path = join(dir, ".cache", rel);
        const file = load(path);
        const entry = file?.entries.find((e) => e.version === version);
        if (!entry) continue;
        const meta = metadataFromIndexLine(entry.json, path);
        if (meta && meta.name === name) return meta;
      }
      return undefined;
    },
    versions(name, source) {
      if (dirsFor === undefined || !isRegistrySource(source)) return [];
      const found = new Set<string>();
      for (const dir of dirsFor(source)) {
        // A fresh resolution never picks a yanked version (cargo's `cargo generate-lockfile` skips them too).
        for (const entry of load(join(dir, ".cache", indexFilePath(name)))?.entries ?? []) if (!/"yanked"\s*:\s*true/.test(entry.json)) found.add(entry.version);
      }
      return [...found];
    },
  };
}
