// Which locked packages can matter to an audit: those with a path to a crate it looks for.

/** Lock ids, as a membership byte per package. */
export type PackageSet = Uint8Array;

/** Calls `visit` with each package `id` depends on. */
export type DependencyVisitor = (id: number, visit: (to: number) => void) => void;

/**
 * Every package with a path, over `dependencies`, to a package `isTarget` accepts (targets included). Each dependent
 * of a package in the set is in it too, so the features of these packages depend only on each other: resolving the
 * set alone gives them exactly, and the thousands of other packages of a large build are never looked at.
 */
export function packagesReaching(count: number, dependencies: DependencyVisitor, isTarget: (id: number) => boolean): PackageSet {
  return dependentsIndex(count, dependencies).reaching(isTarget);
}

/**
 * The dependents of every package, indexed once, for several `packagesReaching` questions over the same graph (the
 * audited crates, the local packages).
 */
export function dependentsIndex(count: number, dependencies: DependencyVisitor): { reaching(isTarget: (id: number) => boolean): PackageSet } {
  // Dependents in two flat arrays (offsets, then ids): a 20,000-package lock made 20,000 small arrays otherwise.
  const offsets = new Int32Array(count + 1);
  for (let from = 0; from < count; from++) dependencies(from, (to) => offsets[to + 1]!++);
  for (let id = 0; id < count; id++) offsets[id + 1]! += offsets[id]!;
  const dependents = new Int32Array(offsets[count]!);
  const filled = offsets.slice(0, count);
  for (let from = 0; from < count; from++) dependencies(from, (to) => (dependents[filled[to]!++] = from));
  return { reaching: (isTarget) => reachingIn(count, offsets, dependents, isTarget) };
}

function reachingIn(count: number, offsets: Int32Array, dependents: Int32Array, isTarget: (id: number) => boolean): PackageSet {
  const within = new Uint8Array(count);
  const stack: number[] = [];
  for (let id = 0; id < count; id++) {
    if (!isTarget(id)) continue;
    within[id] = 1;
    stack.push(id);
  }
  while (stack.length > 0) {
    const id = stack.pop()!;
    for (let at = offsets[id]!; at < offsets[id + 1]!; at++) {
      const from = dependents[at]!;
      if (within[from] === 1) continue;
      within[from] = 1;
      stack.push(from);
    }
  }
  return within;
}
