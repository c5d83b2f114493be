// Loads the bundled CLI (dist/cli/cli.cjs) with V8's code cache: compiling half a megabyte of JavaScript, and then
// each function on its first call, is a large part of a short run. Node 22 has `module.enableCompileCache()`; on
// Node 20 the bytecode is kept by hand, in <user cache dir>/code/, one file per build (docs/decisions.md).
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, dirname } from "node:path";
import { Script } from "node:vm";
import { removeOldCacheFiles, writeCacheFile } from "../host/write.js";

/** How many other builds' code caches are kept besides the running one's. */
const KEEP_OTHER_BUILDS = 3;

export interface LoadedBundle {
  exports: unknown;
  /** Whether V8 compiled the bundle from the cache. */
  fromCache: boolean;
  /** Keeps the code compiled so far for the next run, when the cache had none that V8 accepted. Never throws. */
  save(): void;
}

/**
 * Runs a CommonJS bundle as `require` would, compiled from `cacheFile` when V8 accepts it (its own checks reject
 * a cache made by another V8 version or flags, or for other source). Without `cacheFile` nothing is read or kept.
 */
export function loadBundle(file: string, cacheFile: string | undefined): LoadedBundle {
  const source = readFileSync(file, "utf8");
  let cachedData: Buffer | undefined;
  if (cacheFile !== undefined) {
    try {
      cachedData = readFileSync(cacheFile);
    } catch {
      // none yet
    }
  }
  // The wrapper opens on the source's first line, so line numbers in stack traces stay the bundle's own.
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: file, cachedData });
  const module = { exports: {} as unknown };
  (script.runInThisContext() as (...args: unknown[]) => void)(module.exports, createRequire(file), module, file, dirname(file));
  const stale = cacheFile !== undefined && (cachedData === undefined || script.cachedDataRejected === true);
  return {
    exports: module.exports,
    fromCache: cachedData !== undefined && script.cachedDataRejected === false,
    save() {
      if (!stale || cacheFile === undefined) return;
      // After the run: the cache then also holds the functions the run compiled, not only the top level.
      if (!writeCacheFile(cacheFile, script.createCachedData())) return;
      // Older builds' files go, but not the few most recent: two installed versions used in turn (a global one and
      // a project's) would otherwise delete each other's at every run.
      removeOldCacheFiles(dirname(cacheFile), ".bin", KEEP_OTHER_BUILDS, basename(cacheFile));
    },
  };
}
