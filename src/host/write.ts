// Safe writes for --write: temp file in the same directory, fsync, rename; refuses when the file changed under us.
import { closeSync, fstatSync, fsyncSync, lstatSync, openSync, readdirSync, readFileSync, readlinkSync, realpathSync, renameSync, statSync, unlinkSync, writeSync, type Stats } from "node:fs";
import { basename, dirname, join, relative, isAbsolute, resolve } from "node:path";
import { makeDirectories } from "./cache-dir.js";
import { describeFsError } from "./index.js";

export class HostWriteError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path}: ${reason}`);
    this.name = "HostWriteError";
  }
}

/** Why a manifest marked read-only is not written. */
export const READ_ONLY = "is read-only (make it writable to let tls-audit fix it)";
// By the mode bits, not access(2): root may write anything, but a file marked read-only was marked for a reason.
const readOnlyMode = (mode: number) => (mode & 0o222) === 0;

/** Whether `path` (through symlinks) is marked read-only for everyone; false when it cannot be read. */
export function isReadOnly(path: string): boolean {
  try {
    return readOnlyMode(statSync(path).mode);
  } catch {
    return false;
  }
}

export interface AtomicWriteOptions {
  /** The text the change was computed from; the write is refused if the file no longer holds it. */
  expected: string;
  /** A symlinked manifest that resolves outside this directory is refused. */
  within: string;
}

let temps = 0;

/**
 * A temporary file beside `path`, created with `wx` by the writers below. The pid, clock and a counter keep names
 * apart across processes and within one, without node:crypto, which the start-up module (a cached run) avoids loading.
 */
function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.tls-audit-${process.pid}-${Date.now()}-${++temps}.tmp`);
}

/** Test hook: the named point makes the process die there, to prove a crash mid-write leaves the original intact. */
const FAIL_POINT = "TLS_AUDIT_FAIL_POINT";

function inside(path: string, dir: string): boolean {
  const rel = relative(dir, path);
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
}

/**
 * Replaces `path` with `text` atomically: the file is either fully rewritten or untouched.
 * Keeps the file mode; writes through a symlink only when its target stays inside `within`.
 */
export function writeFileAtomic(path: string, text: string, options: AtomicWriteOptions): void {
  let target = path;
  try {
    if (lstatSync(path).isSymbolicLink()) {
      target = realpathSync(path);
      if (!inside(target, realpathSync(options.within))) {
        throw new HostWriteError(path, `is a symlink to ${target}, outside the workspace; not writing through it`);
      }
    }
  } catch (error) {
    if (error instanceof HostWriteError) throw error;
    throw new HostWriteError(path, `cannot read: ${(error as Error).message}`);
  }
  let current: string;
  let mode: number;
  try {
    current = readFileSync(target, "utf8");
    mode = statSync(target).mode & 0o7777;
  } catch (error) {
    throw new HostWriteError(path, `cannot read: ${(error as Error).message}`);
  }
  if (current !== options.expected) throw new HostWriteError(path, "changed since it was read; not overwriting it (run tls-audit again)");
  if (readOnlyMode(mode)) throw new HostWriteError(path, READ_ONLY);
  const temp = tempPathFor(target);
  let fd: number | undefined;
  try {
    fd = openSync(temp, "wx", mode);
    writeFully(fd, text);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    if (process.env[FAIL_POINT] === "before-rename") process.kill(process.pid, "SIGKILL");
    renameSync(temp, target);
  } catch (error) {
    if (fd !== undefined) closeSync(fd);
    try {
      unlinkSync(temp);
    } catch {
      // already gone
    }
    throw new HostWriteError(path, `cannot write: ${describeFsError(error, "write")}`);
  }
  try {
    const dir = openSync(dirname(target), "r");
    fsyncSync(dir);
    closeSync(dir);
  } catch {
    // Directory fsync is best effort (not supported everywhere).
  }
}

/**
 * Writes a cache file (run cache, crate manifests, online index), creating its directory; atomic like a report.
 * Best effort: false when it could not (a read-only or full cache dir only costs the next run its speed-up).
 */
export function writeCacheFile(path: string, text: string | Uint8Array): boolean {
  try {
    makeDirectories(dirname(path));
    replaceAtomically(path, text, 0o644, path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Keeps a cache directory bounded: of the files ending in `suffix`, all but the `keep` most recently written are
 * removed (`except` is never removed nor counted). Best effort: a file removed by a concurrent run stops it, and
 * the next write prunes again.
 */
export function removeOldCacheFiles(dir: string, suffix: string, keep: number, except?: string): void {
  try {
    const files = readdirSync(dir)
      .filter((name) => name.endsWith(suffix) && name !== except)
      .map((name) => ({ path: join(dir, name), written: statSync(join(dir, name)).mtimeMs }))
      .sort((a, b) => b.written - a.written);
    for (const { path } of files.slice(keep)) unlinkSync(path);
  } catch {
    // best effort
  }
}

/**
 * Writes a report where the user asked. A new or regular file is replaced through a temporary file and a rename, so
 * readers never see half of it; through a symlink, its target is replaced and the link kept. Anything else that
 * exists (`/dev/stdout`, a FIFO, a terminal) is written into, as a shell redirection would, and never replaced: as
 * root, a rename over `/dev/stdout` would replace the system's link with a file.
 */
export function writeReportFile(path: string, text: string | Uint8Array): void {
  let existing: Stats | undefined;
  try {
    existing = statSync(path);
  } catch {
    // a new file (or one we may not look at: the write says why)
  }
  if (existing?.isDirectory()) throw new HostWriteError(path, "cannot write: it is a directory");
  if (existing && !existing.isFile()) return writeInto(path, existing, text);
  if (existing && readOnlyMode(existing.mode)) throw new HostWriteError(path, "cannot write: it is read-only");
  replaceAtomically(existing ? realpathSync(path) : danglingTarget(path), text, existing ? existing.mode & 0o7777 : 0o644, path);
}

/**
 * Where a new file at `path` goes: through a symlink whose target does not exist yet (a chain of them, as the
 * kernel follows), the target is created and the link kept, as a shell's `>` does; otherwise `path` itself.
 */
function danglingTarget(path: string): string {
  let at = path;
  // The kernel gives up after 40 links (ELOOP); so does this.
  for (let hops = 0; hops < 40; hops++) {
    let link: string;
    try {
      if (!lstatSync(at).isSymbolicLink()) return at;
      link = readlinkSync(at);
    } catch {
      return at;
    }
    at = resolve(dirname(at), link);
  }
  throw new HostWriteError(path, "cannot write: too many levels of symbolic links");
}

function writeInto(path: string, stats: Stats, text: string | Uint8Array): void {
  // `/dev/stdout` and `/dev/fd/2` name our own output, which may be a socket that cannot be opened again (ENXIO).
  const own = [1, 2].find((fd) => {
    try {
      const out = fstatSync(fd);
      return out.dev === stats.dev && out.ino === stats.ino;
    } catch {
      return false;
    }
  });
  let fd: number | undefined;
  try {
    fd = own ?? openSync(path, "w");
    writeFully(fd, text);
  } catch (error) {
    // A reader that has gone (`--output /dev/stdout | head`) is not a failed write.
    if ((error as NodeJS.ErrnoException).code !== "EPIPE") throw new HostWriteError(path, `cannot write: ${describeFsError(error, "write")}`);
  } finally {
    if (fd !== undefined && fd !== own) closeSync(fd);
  }
}

const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * Writes all of `text` (UTF-8) to `fd`: a pipe may take less than asked at a time, and one that Node made
 * non-blocking (our own stdout, once its stream exists) says EAGAIN while full, so the write waits a moment and
 * goes on. Throws the write's error otherwise.
 */
export function writeFully(fd: number, text: string | Uint8Array): void {
  const bytes = typeof text === "string" ? Buffer.from(text, "utf8") : text;
  for (let written = 0; written < bytes.length; ) {
    try {
      written += writeSync(fd, bytes, written);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EAGAIN") throw error;
      Atomics.wait(pause, 0, 0, 5);
    }
  }
}

/** Replaces `target` with `text` through a temporary file beside it and a rename; errors name `shown`. */
function replaceAtomically(target: string, text: string | Uint8Array, mode: number, shown: string): void {
  const temp = tempPathFor(target);
  try {
    const fd = openSync(temp, "wx", mode);
    try {
      writeFully(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, target);
  } catch (error) {
    try {
      unlinkSync(temp);
    } catch {
      // nothing was created
    }
    throw new HostWriteError(shown, `cannot write: ${describeFsError(error, "write")}`);
  }
}
