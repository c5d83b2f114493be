// The only module that touches the file system and the environment; everything else takes a Host.
import { closeSync, constants, fstatSync, openSync, readFileSync, readdirSync, realpathSync, statSync, type BigIntStats } from "node:fs";
import { dirname, resolve } from "node:path";
import type { SourcePosition } from "../problems.js";

/** "other": it exists but is no file or directory (a FIFO), or cannot be looked at (a symlink loop, no permission): reading it says why. */
export type EntryKind = "file" | "dir" | "missing" | "other";

/** File-system view that the core reads through, so tests and fuzzers can inject their own. */
export interface Host {
  /** Reads a UTF-8 text file; throws `HostReadError`. */
  readText(path: string): string;
  kind(path: string): EntryKind;
  /** Names of the sub-directories of `path`, sorted; empty when it is not a readable directory. */
  listDirs(path: string): string[];
  /** Canonical path, resolving symlinks; the input when it cannot be resolved. */
  realPath(path: string): string;
  /** Reads a file's bytes (for binary formats such as cargo's index cache); throws `HostReadError`. */
  readBytes(path: string): Uint8Array;
  /** Names of all entries (files and directories) in `path`, sorted; empty when unreadable. */
  listEntries(path: string): string[];
  /** An environment variable (CARGO_HOME, HOME, …). */
  env(name: string): string | undefined;
  /**
   * What identifies a regular file's content without reading it (`fileStamp`), for caches; undefined when the file
   * is missing, not regular, or written too recently to be told apart from a later write. Hosts may omit it.
   */
  stamp?(path: string): string | undefined;
}

/** A file modified less than this before it is stamped may change again within its timestamp's granularity. */
export const RACY_MS = 2_000;

/**
 * Device, inode, size, and modification and change times in nanoseconds, as git's index keeps them (any write, and
 * any `touch`, moves the change time); undefined for a file modified less than RACY_MS before `now` (git's
 * "racily clean" files). Throws when the file cannot be stat'ed.
 */
export function fileStamp(path: string, now: number): string | undefined {
  return stampOf(statSync(path, { bigint: true }), now);
}

function stampOf(stat: BigIntStats, now: number): string | undefined {
  if (Number(stat.mtimeMs) > now - RACY_MS || Number(stat.ctimeMs) > now - RACY_MS) return undefined;
  return `${stat.dev}:${stat.ino}:${stat.size}:${stat.mtimeNs}:${stat.ctimeNs}`;
}

export class HostReadError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
    /** Where in the file the problem is, when it is in the content (the first byte that is not UTF-8). */
    readonly position?: SourcePosition,
  ) {
    super(`${path}: ${reason}`);
    this.name = "HostReadError";
  }
}

/** Files above this size are refused rather than read: no real manifest or lockfile comes close. */
export const MAX_FILE_BYTES = 64 * 1024 * 1024;

// The BOM stays in the text so that offsets match the bytes on disk when a file is edited.
const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** Words shared by reads and writes for a file-system error's code. */
const FS_ERRORS: Record<string, string> = {
  EACCES: "permission denied",
  EPERM: "permission denied",
  // A link to itself, or a cycle of links; the OS only says "too many levels".
  ELOOP: "symbolic link loop (ELOOP: too many levels of symbolic links)",
  ENOTDIR: "a part of its path is not a directory",
  ENOSPC: "no space left on device",
  EDQUOT: "disk quota exceeded",
  EROFS: "read-only file system",
  EIO: "input/output error",
};

/**
 * A failed read or write in words. The raw message is a fallback only: for a write it names the temporary file,
 * which the user never asked for.
 */
export function describeFsError(error: unknown, action: "read" | "write"): string {
  const code = (error as NodeJS.ErrnoException).code ?? "";
  if (code === "ENOENT") return action === "read" ? "file not found" : "its directory does not exist";
  if (code === "EISDIR") return action === "read" ? "is a directory, expected a file" : "it is a directory";
  return FS_ERRORS[code] ?? (error as Error).message ?? String(error);
}

function countNewlines(bytes: Uint8Array, end: number): number {
  let count = 0;
  for (let i = bytes.indexOf(0x0a); i !== -1 && i < end; i = bytes.indexOf(0x0a, i + 1)) count++;
  return count;
}

/** Offset of the first byte that breaks UTF-8 (WHATWG's decoder rules: no overlongs, surrogates or values past U+10FFFF). */
function firstInvalidUtf8(bytes: Uint8Array): number {
  const inRange = (at: number, low: number, high: number) => at < bytes.length && bytes[at]! >= low && bytes[at]! <= high;
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    // [continuation bytes, allowed range of the first continuation byte]
    const [length, low, high] =
      b >= 0xc2 && b <= 0xdf ? [1, 0x80, 0xbf] :
      b === 0xe0 ? [2, 0xa0, 0xbf] :
      b === 0xed ? [2, 0x80, 0x9f] :
      b >= 0xe1 && b <= 0xef ? [2, 0x80, 0xbf] :
      b === 0xf0 ? [3, 0x90, 0xbf] :
      b === 0xf4 ? [3, 0x80, 0x8f] :
      b >= 0xf1 && b <= 0xf3 ? [3, 0x80, 0xbf] : [0, 0, 0];
    if (length === 0 || !inRange(i + 1, low, high)) return i;
    for (let k = 2; k <= length; k++) if (!inRange(i + k, 0x80, 0xbf)) return i;
    i += length + 1;
  }
  return bytes.length;
}

/**
 * A regular file's bytes. A FIFO would block a read forever and a device (/dev/zero) never ends, so the file is
 * opened without blocking and read only if it is regular: one open and fstat, no separate stat of the path (a run
 * over a large vendor directory reads tens of thousands of manifests).
 */
function readRegularFile(path: string): Buffer {
  let fd: number;
  try {
    fd = openSync(path, READ_WITHOUT_BLOCKING);
  } catch (error) {
    throw new HostReadError(path, describeFsError(error, "read"));
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw new HostReadError(path, "is a directory, expected a file");
    if (!stat.isFile()) throw new HostReadError(path, "is not a regular file");
    if (stat.size > MAX_FILE_BYTES) throw new HostReadError(path, `file is too large (${stat.size} bytes; the limit is ${MAX_FILE_BYTES})`);
    return readFileSync(fd);
  } catch (error) {
    if (error instanceof HostReadError) throw error;
    throw new HostReadError(path, describeFsError(error, "read"));
  } finally {
    closeSync(fd);
  }
}
// O_NONBLOCK is absent on Windows, where opening a pipe does not block.
const READ_WITHOUT_BLOCKING = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

export const nodeHost: Host = {
  readText(path) {
    const bytes = readRegularFile(path);
    try {
      return decoder.decode(bytes);
    } catch {
      const offset = firstInvalidUtf8(bytes);
      const lineStart = bytes.lastIndexOf(0x0a, offset - 1) + 1;
      const position = { line: countNewlines(bytes, offset) + 1, column: decoder.decode(bytes.subarray(lineStart, offset)).length + 1 };
      throw new HostReadError(path, `file is not valid UTF-8 (byte 0x${bytes[offset]?.toString(16).padStart(2, "0") ?? "??"})`, position);
    }
  },
  kind(path) {
    try {
      const stat = statSync(path);
      return stat.isFile() ? "file" : stat.isDirectory() ? "dir" : "other";
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      return code === "ENOENT" || code === "ENOTDIR" ? "missing" : "other";
    }
  },
  listDirs(path) {
    try {
      return readdirSync(path, { withFileTypes: true })
        .filter((entry) => entry.isDirectory() || (entry.isSymbolicLink() && nodeHost.kind(resolve(path, entry.name)) === "dir"))
        .map((entry) => entry.name)
        .sort();
    } catch {
      return [];
    }
  },
  readBytes: readRegularFile,
  listEntries(path) {
    try {
      return readdirSync(path).sort();
    } catch {
      return [];
    }
  },
  env: (name) => process.env[name],
  stamp(path) {
    try {
      const stat = statSync(path, { bigint: true });
      return stat.isFile() ? stampOf(stat, Date.now()) : undefined;
    } catch {
      return undefined;
    }
  },
  realPath(path) {
    try {
      return realpathSync(path);
    } catch {
      return resolve(path);
    }
  },
};

/** Walks from `start` up to the file-system root, yielding each directory. */
export function* ancestors(start: string): Generator<string> {
  let dir = resolve(start);
  for (;;) {
    yield dir;
    const parent = dirname(dir);
    if (parent === dir) return;
    dir = parent;
  }
}
