// Metadata from directory sources (`cargo vendor`, Debian's registry) named by .cargo/config source replacement.
import { dirname, join, resolve } from "node:path";
import { parse } from "smol-toml";
import { ancestors, type Host } from "../host/index.js";
import type { Problem } from "../problems.js";
import { cargoHomeDir } from "./cargo-home.js";
import type { CrateMetadata, MetadataProvider } from "./model.js";
import { readCrateManifest, type MetadataStore } from "./crate-manifest.js";

type Table = Record<string, unknown>;

function isTable(value: unknown): value is Table {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/** One cargo configuration file that exists, in cargo's precedence order. */
export interface CargoConfigFile {
  path: string;
  /**
   * The directory relative paths in this file resolve against: the parent of the directory
   * holding the file (`/ws` for `/ws/.cargo/config.toml`, `$HOME` for `$HOME/.cargo/config.toml`).
   */
  base: string;
  /** The parsed TOML; empty when the file could not be read or parsed. */
  value: Table;
  /** Why the file could not be used, when it could not. */
  error?: string;
}

/**
 * The file cargo reads in one config directory: the legacy extension-less `config` wins when
 * both exist (cargo warns and uses it), else `config.toml`. Mirrors `GlobalContext::get_file_path`.
 */
function configFileIn(host: Host, dir: string): string | undefined {
  for (const name of ["config", "config.toml"]) {
    const path = join(dir, name);
    if (host.kind(path) === "file") return path;
  }
  return undefined;
}

function readConfig(host: Host, path: string): CargoConfigFile {
  const base = dirname(dirname(path));
  try {
    const value = parse(host.readText(path));
    return { path, base, value: value as Table };
  } catch (error) {
    return { path, base, value: {}, error: (error as Error).message.split("\n")[0] ?? String(error) };
  }
}

/**
 * Finds the cargo configuration files that apply to `workspaceRoot`, highest precedence first:
 * `<dir>/.cargo/config(.toml)` for the root and each ancestor, then `$CARGO_HOME/config(.toml)`
 * unless the walk already passed it. Mirrors `GlobalContext::walk_tree`.
 */
export function discoverCargoConfig(host: Host, workspaceRoot: string): CargoConfigFile[] {
  const files: CargoConfigFile[] = [];
  const seen = new Set<string>();
  for (const dir of ancestors(workspaceRoot)) {
    const configDir = join(dir, ".cargo");
    seen.add(configDir);
    const path = configFileIn(host, configDir);
    if (path) files.push(readConfig(host, path));
  }
  const home = cargoHomeDir(host);
  if (home !== undefined && !seen.has(resolve(home))) {
    const path = configFileIn(host, home);
    if (path) files.push(readConfig(host, path));
  }
  return files;
}

/** A directory source that stands in for other sources through `replace-with`. */
export interface DirectorySource {
  /** The `[source.<name>]` that has the `directory` key. */
  name: string;
  /** Absolute path of the directory. */
  directory: string;
  /** Config file that set `directory`. */
  definedIn: string;
  /** Lock `source` strings it replaces (without the `#commit` of git sources). */
  replaces: string[];
}

/** A value of a `[source.x]` key together with the file that set it. */
export interface Setting {
  value: unknown;
  file: CargoConfigFile;
}

/** A table of named tables (`[source.x]`, `[registries.x]`) merged over config files: name → key → setting. */
export type MergedTables = Map<string, Map<string, Setting>>;

const CRATES_IO = "crates-io";
/** The lock sources cargo writes for crates.io: the git index URL (all cargo versions) and the sparse one. */
export const CRATES_IO_LOCK_SOURCES = ["registry+https://github.com/rust-lang/crates.io-index", "sparse+https://index.crates.io/"];

/**
 * Merges `[<key>.<name>]` tables key by key across config files, as cargo merges its configuration:
 * the first file (the deepest directory) wins for each key. Files that could not be read are skipped.
 */
export function mergeConfigTables(configs: readonly CargoConfigFile[], key: string): MergedTables {
  const merged: MergedTables = new Map();
  for (const file of configs) {
    if (file.error !== undefined) continue;
    const tables = file.value[key];
    if (!isTable(tables)) continue;
    for (const [name, table] of Object.entries(tables)) {
      if (!isTable(table)) continue;
      const keys = merged.get(name) ?? new Map<string, Setting>();
      for (const [k, value] of Object.entries(table)) if (!keys.has(k)) keys.set(k, { value, file });
      merged.set(name, keys);
    }
  }
  return merged;
}

/** Lock sources a `[source.x]` definition denotes, from its `registry` or `git` key. */
export function lockSourcesOf(name: string, keys: Map<string, Setting>): string[] {
  if (name === CRATES_IO) return CRATES_IO_LOCK_SOURCES;
  const registry = keys.get("registry")?.value;
  if (typeof registry === "string") return [registry.startsWith("sparse+") ? registry : `registry+${registry}`];
  const git = keys.get("git")?.value;
  if (typeof git === "string") {
    for (const ref of ["branch", "tag", "rev"]) {
      const value = keys.get(ref)?.value;
      if (typeof value === "string") return [`git+${git}?${ref}=${value}`];
    }
    return [`git+${git}`];
  }
  return [];
}

/** The directory sources in effect, from merged `[source]` tables, and what could not be used. */
export function readSourceReplacement(configs: CargoConfigFile[]): { directories: DirectorySource[]; notes: Problem[] } {
  const notes: Problem[] = configs
    .filter((file) => file.error !== undefined)
    .map((file) => ({ severity: "warning", code: "cargo-config-unreadable", message: `cannot read cargo config: ${file.error}`, file: file.path }));
  const sources = mergeConfigTables(configs, "source");

  const directories: DirectorySource[] = [];
  for (const [name, keys] of sources) {
    const replaces = lockSourcesOf(name, keys);
    if (replaces.length === 0 || !keys.has("replace-with")) continue;
    // Follow the replace-with chain to its end, as cargo's SourceConfigMap::load does.
    const visited = [name];
    let current = keys;
    for (;;) {
      const next = current.get("replace-with");
      if (next === undefined) break;
      if (typeof next.value !== "string") break;
      if (visited.includes(next.value)) {
        notes.push({
          severity: "warning",
          code: "source-replacement-cycle",
          message: `source replacement cycle: ${[...visited, next.value].join(" → ")}`,
          file: next.file.path,
        });
        current = new Map();
        break;
      }
      visited.push(next.value);
      current = sources.get(next.value) ?? new Map();
    }
    const last = visited[visited.length - 1]!;
    const directory = current.get("directory");
    if (directory && typeof directory.value === "string") {
      directories.push({ name: last, directory: resolve(directory.file.base, directory.value), definedIn: directory.file.path, replaces });
    } else if (current.has("local-registry")) {
      notes.push({
        severity: "warning",
        code: "local-registry-ignored",
        message: `source \`${last}\` is a local-registry (.crate archives); its crates' metadata is not read from it`,
        file: current.get("local-registry")!.file.path,
        hint: "other providers (registry cache, bundled knowledge) are consulted instead",
      });
    }
  }
  return { directories, notes };
}

/** Strips what a lock source has beyond what `[source.x]` can say: the `#commit` of a git source. */
function sourceKey(source: string): string {
  const hash = source.indexOf("#");
  return hash === -1 ? source : source.slice(0, hash);
}

/** A metadata provider over directory sources, with the sources it found and its notes. */
export interface VendorProvider extends MetadataProvider {
  directories: DirectorySource[];
  notes: Problem[];
}

/**
 * Reads crates from the directory sources that replace the lock's sources. A directory source
 * holds one sub-directory per crate version under any name (`<name>-<version>` for Debian and
 * `cargo vendor --versioned-dirs`; `<name>` for the newest of several versions with plain
 * `cargo vendor`); like cargo's DirectorySource, the `[package]` of each Cargo.toml decides.
 */
export function vendorProvider(host: Host, workspaceRoot: string, store?: MetadataStore): VendorProvider {
  const { directories, notes } = readSourceReplacement(discoverCargoConfig(host, workspaceRoot));
  const scans = new Map<string, Map<string, CrateMetadata>>();

  const read = (manifest: string) => readCrateManifest(host, manifest, "vendor", store);

  /** Every crate in the directory, read once, for names the quick guesses miss. */
  function scan(directory: string): Map<string, CrateMetadata> {
    let found = scans.get(directory);
    if (found) return found;
    found = new Map();
    for (const entry of host.listDirs(directory)) {
      if (entry.startsWith(".")) continue; // cargo skips hidden entries
      const meta = read(join(directory, entry, "Cargo.toml"));
      if (meta && !found.has(`${meta.name}@${meta.version}`)) found.set(`${meta.name}@${meta.version}`, meta);
    }
    scans.set(directory, found);
    return found;
  }

  return {
    name: "vendor",
    directories,
    notes,
    lookup(name, version, source) {
      if (source === null) return undefined;
      const key = sourceKey(source);
      for (const dir of directories) {
        if (!dir.replaces.includes(key)) continue;
        for (const guess of [`${name}-${version}`, name]) {
          const meta = read(join(dir.directory, guess, "Cargo.toml"));
          if (meta?.name === name && meta.version === version) return meta;
        }
        const meta = scan(dir.directory).get(`${name}@${version}`);
        if (meta) return meta;
      }
      return undefined;
    },
    versions(name, source) {
      if (source === null) return [];
      const key = sourceKey(source);
      const found = new Set<string>();
      for (const dir of directories) {
        if (!dir.replaces.includes(key)) continue;
        // `<name>-<version>` (Debian, `--versioned-dirs`) or `<name>` (plain `cargo vendor`); the manifest decides.
        for (const entry of host.listDirs(dir.directory)) {
          if (entry !== name && !(entry.startsWith(`${name}-`) && /^\d/.test(entry.slice(name.length + 1)))) continue;
          const meta = read(join(dir.directory, entry, "Cargo.toml"));
          if (meta?.name === name) found.add(meta.version);
        }
      }
      return [...found];
    },
  };
}
