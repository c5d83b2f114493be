// Expands `workspace.members` patterns the way cargo's `glob` crate does: per path component, directories only.
import picomatch from "picomatch";
import { join } from "node:path";
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
      dirs = dirs.flatMap((d) => [d, ...descendants(host, d)]);
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

export function hasGlob(pattern: string): boolean {
  return GLOB_CHARS.test(pattern);
}

function descendants(host: Host, dir: string, depth = 0): string[] {
  if (depth > 32) return []; // symlink loops
  return host.listDirs(dir).flatMap((name) => {
    const child = join(dir, name);
    return [child, ...descendants(host, child, depth + 1)];
  });
}
