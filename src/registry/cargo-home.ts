// Where cargo keeps its home and which of its per-registry directories may hold a lock source.
import { join, resolve } from "node:path";
import type { Host } from "../host/index.js";

/**
 * `$CARGO_HOME`, else `$HOME/.cargo` (`USERPROFILE` on Windows), as the `home` crate decides;
 * undefined when neither is set.
 */
export function cargoHomeDir(host: Host): string | undefined {
  const explicit = host.env("CARGO_HOME");
  if (explicit) return resolve(explicit);
  const home = host.env("HOME") || host.env("USERPROFILE");
  return home ? join(home, ".cargo") : undefined;
}

const CRATES_IO_SOURCES = new Set([
  "registry+https://github.com/rust-lang/crates.io-index",
  "sparse+https://index.crates.io/",
]);

/** True for a lock source served by a registry (git or sparse index), as opposed to git or path. */
export function isRegistrySource(source: string | null): source is string {
  return source !== null && (source.startsWith("registry+") || source.startsWith("sparse+"));
}

/**
 * Host names that cargo puts in front of the `-<hash>` of a registry's directory under
 * `registry/index`, `registry/src` and `registry/cache`. crates.io has lived at both
 * `github.com-…` (git index) and `index.crates.io-…` (sparse, the default since 1.70).
 */
export function registryHosts(source: string): string[] {
  if (CRATES_IO_SOURCES.has(source)) return ["index.crates.io", "github.com"];
  const url = source.replace(/^(registry|sparse)\+/, "");
  try {
    return [new URL(url).hostname];
  } catch {
    return [];
  }
}

/**
 * The registry directories under `root` to search for `source`, the ones named after its host
 * first. The others follow because source replacement (`replace-with`) keeps the lock's
 * crates-io source while cargo stores the files under the replacement's directory, and we cannot
 * recompute cargo's directory hash.
 */
function orderRegistryDirs(dirs: readonly string[], root: string, source: string): string[] {
  const hosts = registryHosts(source);
  const preferred = dirs.filter((dir) => hosts.some((h) => dir.startsWith(`${h}-`)));
  return [...preferred, ...dirs.filter((dir) => !preferred.includes(dir))].map((dir) => join(root, dir));
}

/**
 * For one provider's lifetime: the directory is listed once and each source's order computed once, since a
 * resolution asks for every one of a lockfile's packages (and a missing directory is costly to re-ask).
 */
export function registryDirsCache(host: Host, root: string): (source: string) => string[] {
  let dirs: string[] | undefined;
  const bySource = new Map<string, string[]>();
  return (source) => {
    let ordered = bySource.get(source);
    if (!ordered) {
      dirs ??= host.listDirs(root);
      bySource.set(source, (ordered = orderRegistryDirs(dirs, root, source)));
    }
    return ordered;
  };
}
