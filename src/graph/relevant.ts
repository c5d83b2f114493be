// Which locked packages can matter to an audit: those with a path to a crate it looks for.
import type { Rule } from "../engine/types.js";

/** Lock ids, as a membership byte per package. */
export type PackageSet = Uint8Array;

/** The crates an audit looks for: the banned ones, and those rules look at in builds ("all" for every crate). */
export function auditedCrates(banned: Iterable<string>, rules: readonly Rule[]): ReadonlySet<string> | "all" {
  const names = new Set(banned);
  for (const rule of rules) {
    const looked = rule.meta.buildCrates ?? [];
    if (looked === "all") return "all";
    for (const name of looked) names.add(name);
  }
  return names;
}

/**
 * Every package with a path, over `dependencies`, to a package `isTarget` accepts (targets included). Each dependent
 * of a package in the set is in it too, so the features of these packages depend only on each other: resolving the
 * set alone gives them exactly, and the thousands of other packages of a large build are never looked at.
 */
export function packagesReaching(count: number, dependencies: (id: number) => Iterable<number>, isTarget: (id: number) => boolean): PackageSet {
  const dependents: number[][] = Array.from({ length: count }, () => []);
  for (let from = 0; from < count; from++) for (const to of dependencies(from)) dependents[to]!.push(from);
  const within = new Uint8Array(count);
  const stack: number[] = [];
  for (let id = 0; id < count; id++) {
    if (!isTarget(id)) continue;
    within[id] = 1;
    stack.push(id);
  }
  while (stack.length > 0) {
    for (const from of dependents[stack.pop()!]!) {
      if (within[from] === 1) continue;
      within[from] = 1;
      stack.push(from);
    }
  }
  return within;
}
