// Expands `workspace.members` patterns the way cargo's `glob` crate does: per path component, directories only.
import picomatch from "picomatch";
import { isAbsolute, join, relative } from "node:path";
import type { Host } from "../host/index.js";

const GLOB_CHARS = /[*?[\]{}]/;

/** Returns the absolute directories that `pattern` (relative to `root`) matches, sorted. */
export function expandMemberPattern(host: Host, root: string, pattern: string): string[] {
  const parts = pattern.split(/[\\/]+/).filter((p) => p !== "" && p !== ".");
  let dirs = [root];
  for (const part of parts) {
    if (part === "..") {
      dirs = dirs.map((d) => join(d, ".."));
    } else if (part === "**") {
      // Below a directory outside the root every match is an error anyway: `../../**` must not walk the disk.
      dirs = dirs.flatMap((d) => [d, ...(isInside(d, root) ? descendants(host, d, new Set([host.realPath(d)])) : [])]);
    } else if (GLOB_CHARS.test(part)) {
      // The glob crate's defaults: `*` matches leading dots too.
      const isMatch = picomatch(part, { dot: true });
      dirs = dirs.flatMap((d) => host.listDirs(d).filter((name) => isMatch(name)).map((name) => join(d, name)));
    } else {
      dirs = dirs.map((d) => join(d, part)).filter((d) => host.kind(d) === "dir");
    }
  }
  return [...new Set(dirs)].sort();
}

function isInside(dir: string, root: string): boolean {
  const rel = relative(root, dir);
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
}

export function hasGlob(pattern: string): boolean {
  return GLOB_CHARS.test(pattern);
}

/**
 * Every directory below `dir`, each real directory once: a symlink back to an ancestor (or two sibling links to
 * one directory) would otherwise make the walk exponential, and cargo would load such a member once anyway.
 */
function descendants(host: Host, dir: string, seen: Set<string>, depth = 0): string[] {
  if (depth > 32) return [];
  return host.listDirs(dir).flatMap((name) => {
    const child = join(dir, name);
    const real = host.realPath(child);
    if (seen.has(real)) return [];
    seen.add(real);
    return [child, ...descendants(host, child, seen, depth + 1)];
  });
}
