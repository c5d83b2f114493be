// An on-disk cache of whole runs: the output of a run is reused when every file, directory listing and
// environment variable it read through the Host is unchanged (a depfile, as make and ccache keep).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileStamp, type Host } from "./index.js";
import { removeOldCacheFiles, writeCacheFile } from "./write.js";

/** One Host call of the recorded run and a digest of what it returned. */
export type Dependency = [op: keyof Host, arg: string, digest: string];

/** Stamps a file as of a time (`fileStamp` in ./index.ts); tests over in-memory hosts give their own. */
export type FileStamp = (path: string, recordedAt: number) => string | undefined;

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

const FORMAT = 2;
/** Beyond this many entries the oldest are removed when a new one is written, so the cache cannot grow without bound. */
const MAX_ENTRIES = 200;

/**
 * 64-bit FNV-1a (two 32-bit lanes) of a string: listings and environment values are compared through it. It only
 * detects change, so it needs no cryptographic strength, and it spares a cached run loading node:crypto.
 */
export function hash64(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x050c5d1f;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193) ^ (b >>> 13);
  }
  return (a >>> 0).toString(16).padStart(8, "0") + (b >>> 0).toString(16).padStart(8, "0");
}

/** Errors are part of the answer: a missing or unreadable file is a fact the run depended on too. */
const failure = (error: unknown) => `error:${(error as Error)?.message ?? String(error)}`;

/** What a Host call other than a read returned, reduced to a digest. */
function reduce(op: keyof Host, value: unknown): string {
  if (value === undefined) return "unset";
  if (op === "kind" || op === "realPath" || op === "stamp") return String(value);
  return hash64(Array.isArray(value) ? value.join("\0") : String(value));
}

const isRead = (op: keyof Host) => op === "readText" || op === "readBytes";

/**
 * A Host that forwards to `base` and records every call, to be replayed by `stillValid`. A successful read is
 * recorded as the file's stamp, taken before and after it. `dependencies()` is undefined when the run cannot be
 * replayed safely: a file changed while it was read, or was changed too recently to tell.
 */
export function recordingHost(base: Host, stamp: FileStamp = fileStamp, recordedAt = Date.now()): { host: Host; dependencies: () => Dependency[] | undefined } {
  const seen = new Map<string, Dependency>();
  let replayable = true;
  const call = <T>(op: keyof Host, arg: string): T => {
    const id = `${op}\0${arg}`;
    const first = !seen.has(id);
    let before: string | undefined;
    if (first && isRead(op)) {
      try {
        before = stamp(arg, recordedAt);
      } catch {
        before = undefined; // the read fails too, and its error is what gets recorded
      }
    }
    let value: T;
    try {
      value = (base[op] as (arg: string) => T)(arg);
    } catch (error) {
      if (first) seen.set(id, [op, arg, failure(error)]);
      throw error;
    }
    if (first) {
      let digest: string | undefined;
      if (!isRead(op)) digest = reduce(op, value);
      else {
        try {
          const after = stamp(arg, recordedAt);
          digest = after !== undefined && after === before ? after : undefined;
        } catch {
          digest = undefined;
        }
      }
      if (digest === undefined) replayable = false;
      seen.set(id, [op, arg, digest ?? ""]);
    }
    return value;
  };
  const host: Host = {
    readText: (path) => call("readText", path),
    readBytes: (path) => call("readBytes", path),
    kind: (path) => call("kind", path),
    listDirs: (path) => call("listDirs", path),
    listEntries: (path) => call("listEntries", path),
    realPath: (path) => call("realPath", path),
    env: (name) => call("env", name),
    ...(base.stamp && { stamp: (path: string) => call<string | undefined>("stamp", path) }),
  };
  return { host, dependencies: () => (replayable ? [...seen.values()] : undefined) };
}

/** True when every recorded call still returns what it returned then. */
export function stillValid(host: Host, dependencies: readonly Dependency[], stamp: FileStamp = fileStamp): boolean {
  return dependencies.every(([op, arg, recorded]) => {
    try {
      // A read that succeeded is checked by its stamp alone (no read, no decoding); one that failed must fail again
      // the same way. A stamp that matches is not racy now if it was not then.
      if (isRead(op) && !recorded.startsWith("error:")) return stamp(arg, Number.POSITIVE_INFINITY) === recorded;
      return reduce(op, (host[op] as (arg: string) => unknown)(arg)) === recorded;
    } catch (error) {
      return failure(error) === recorded;
    }
  });
}

/** The cache entry's file name for a key (the command line, directory, tool build and output-affecting settings). */
export function entryName(key: string): string {
  return `${hash64(key)}.json`;
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
  if (writeCacheFile(join(dir, entryName(key)), JSON.stringify(body))) removeOldCacheFiles(dir, ".json", MAX_ENTRIES);
}
