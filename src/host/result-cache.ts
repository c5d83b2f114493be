// An on-disk cache of whole runs: the output of a run is reused when every file, directory listing and
// environment variable it read through the Host is unchanged (a depfile, as make and ccache keep).
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, readdirSync, renameSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Host } from "./index.js";

/** One Host call of the recorded run and a digest of what it returned. */
export type Dependency = [op: keyof Host, arg: string, digest: string];

export interface CachedRun {
  stdout: string;
  stderr: string;
  exitCode: number;
}

interface CacheFile extends CachedRun {
  format: typeof FORMAT;
  key: string;
  dependencies: Dependency[];
}

const FORMAT = 1;
/** Beyond this many entries the oldest are removed when a new one is written, so the cache cannot grow without bound. */
const MAX_ENTRIES = 200;

const digest = (data: string | Uint8Array) => createHash("sha256").update(data).digest("base64url");

/** What a Host call returned, reduced to a digest. */
function reduce(op: keyof Host, value: unknown): string {
  if (value === undefined) return "unset";
  if (op === "kind" || op === "realPath") return String(value);
  if (Array.isArray(value)) return digest(value.join("\0"));
  // File contents and environment values are hashed: an environment can hold tokens, and the cache is a file.
  return digest(value as string | Uint8Array);
}

/** Errors are part of the answer: a missing or unreadable file is a fact the run depended on too. */
const failure = (error: unknown) => `error:${(error as Error)?.message ?? String(error)}`;

function answer(host: Host, op: keyof Host, arg: string): string {
  try {
    // A text's digest is its UTF-8 bytes' digest: replaying reads the bytes and skips decoding them. A file that
    // failed to decode then gives a digest instead of the recorded error, which is a miss, never a false hit.
    if (op === "readText") return digest(host.readBytes(arg));
    return reduce(op, (host[op] as (arg: string) => unknown)(arg));
  } catch (error) {
    return failure(error);
  }
}

/** A Host that forwards to `base` and records every call, to be replayed by `stillValid`. */
export function recordingHost(base: Host): { host: Host; dependencies: () => Dependency[] } {
  const seen = new Map<string, Dependency>();
  const call = <T>(op: keyof Host, arg: string): T => {
    const id = `${op}\0${arg}`;
    try {
      const value = (base[op] as (arg: string) => T)(arg);
      if (!seen.has(id)) seen.set(id, [op, arg, reduce(op, value)]);
      return value;
    } catch (error) {
      if (!seen.has(id)) seen.set(id, [op, arg, failure(error)]);
      throw error;
    }
  };
  const host: Host = {
    readText: (path) => call("readText", path),
    readBytes: (path) => call("readBytes", path),
    kind: (path) => call("kind", path),
    listDirs: (path) => call("listDirs", path),
    listEntries: (path) => call("listEntries", path),
    realPath: (path) => call("realPath", path),
    env: (name) => call("env", name),
  };
  return { host, dependencies: () => [...seen.values()] };
}

/** True when every recorded call still returns what it returned then. */
export function stillValid(host: Host, dependencies: readonly Dependency[]): boolean {
  return dependencies.every(([op, arg, recorded]) => answer(host, op, arg) === recorded);
}

/** The cache entry's file name for a key (the command line, directory, tool build and output-affecting settings). */
export function entryName(key: string): string {
  return `${digest(key)}.json`;
}

/** A valid cached run for `key`, or undefined; a missing, unreadable or corrupt entry is a miss, never an error. */
export function lookupRun(dir: string, key: string, host: Host): CachedRun | undefined {
  let file: CacheFile;
  try {
    file = JSON.parse(readFileSync(join(dir, entryName(key)), "utf8")) as CacheFile;
  } catch {
    return undefined;
  }
  if (file?.format !== FORMAT || file.key !== key || !Array.isArray(file.dependencies)) return undefined;
  if (typeof file.stdout !== "string" || typeof file.stderr !== "string" || typeof file.exitCode !== "number") return undefined;
  if (!stillValid(host, file.dependencies)) return undefined;
  return { stdout: file.stdout, stderr: file.stderr, exitCode: file.exitCode };
}

/** Stores a run; best effort (a read-only or full cache dir only costs the next run its speed-up). */
export function storeRun(dir: string, key: string, dependencies: Dependency[], run: CachedRun): void {
  const body: CacheFile = { format: FORMAT, key, dependencies, ...run };
  try {
    mkdirSync(dir, { recursive: true });
    const target = join(dir, entryName(key));
    // Written beside the target and renamed over it, so a reader never sees half an entry.
    const temp = `${target}.${randomBytes(6).toString("hex")}.tmp`;
    writeFileSync(temp, JSON.stringify(body));
    renameSync(temp, target);
    prune(dir);
  } catch {
    // best effort
  }
}

function prune(dir: string): void {
  const entries = readdirSync(dir).filter((name) => name.endsWith(".json"));
  if (entries.length <= MAX_ENTRIES) return;
  const aged = entries.map((name) => ({ name, mtime: statSync(join(dir, name)).mtimeMs })).sort((a, b) => a.mtime - b.mtime);
  for (const { name } of aged.slice(0, entries.length - MAX_ENTRIES)) unlinkSync(join(dir, name));
}
