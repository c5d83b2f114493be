// Where cargo-tls-audit keeps its caches (runs, parsed crate manifests, online index responses), per platform conventions.
import { mkdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";

/**
 * `$TLS_AUDIT_CACHE_DIR`, else the platform's user cache dir: `$XDG_CACHE_HOME` or `~/.cache` on Linux and
 * other Unixes (XDG Base Directory spec), `~/Library/Caches` on macOS, `%LOCALAPPDATA%` on Windows.
 */
export function userCacheDir(env: Readonly<Record<string, string | undefined>>, platform: NodeJS.Platform, homedir: string): string {
  const override = env.TLS_AUDIT_CACHE_DIR;
  if (override) return override;
  if (platform === "darwin") return join(homedir, "Library", "Caches", "cargo-tls-audit");
  if (platform === "win32") return join(env.LOCALAPPDATA || join(homedir, "AppData", "Local"), "cargo-tls-audit");
  // XDG says a relative $XDG_CACHE_HOME is invalid and must be ignored.
  const xdg = env.XDG_CACHE_HOME;
  return join(xdg && xdg.startsWith("/") ? xdg : join(homedir, ".cache"), "cargo-tls-audit");
}

/**
 * Creates `dir` and its missing parents one at a time. Node's `mkdirSync(…, { recursive: true })` spins forever
 * where mkdir says ENOENT for a parent that exists (under /proc), so it is not used. Throws the failing call's error.
 */
export function makeDirectories(dir: string): void {
  const missing: string[] = [];
  for (let at = dir; ; at = dirname(at)) {
    try {
      if (statSync(at).isDirectory()) break;
      throw Object.assign(new Error(`${at} is not a directory`), { code: "ENOTDIR" });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT" || dirname(at) === at) throw error;
      missing.push(at);
    }
  }
  for (const at of missing.reverse()) {
    try {
      mkdirSync(at);
    } catch (error) {
      // Another run may have made it meanwhile.
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
  }
}

/**
 * The cache directory when it exists or can be made; otherwise why not, so that the run goes on without a cache
 * (`TLS_AUDIT_CACHE_DIR=/proc/x` must not stop even `--version`).
 */
export function usableCacheDir(env: Readonly<Record<string, string | undefined>>, platform: NodeJS.Platform, homedir: string): { dir: string; /** Why it cannot be used, as a warning's text. */ problem?: string } {
  const dir = userCacheDir(env, platform, homedir);
  try {
    makeDirectories(dir);
    return { dir };
  } catch (error) {
    return { dir, problem: `cannot use the cache directory ${dir} (${(error as Error).message}); running without a cache` };
  }
}
