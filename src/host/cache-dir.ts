// Where cargo-tls-audit keeps its caches (runs, parsed crate manifests, online index responses), per platform conventions.
import { join } from "node:path";

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
