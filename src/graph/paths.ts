// Shortest why-paths from a package to the banned crates it reaches, with the scope the path needs.
import type { DependencyGraph } from "./model.js";

/** `normal` when linked into the build; `build` when only reached through a build-dependency edge. */
export type PathScope = "normal" | "build";

export interface ReachedCrate {
  /** Lock id of the banned package reached. */
  id: number;
  scope: PathScope;
  /** Lock ids from the start package to the banned package, both included. */
  path: number[];
}

/**
 * Breadth-first search from `start` for packages whose name is in `targets`, first over normal edges,
 * then also over build edges, so each target gets the narrowest scope and the shortest path at that scope.
 * Workspace members are not entered: their own dependencies are reported at their own manifests.
 */
export function findReachedCrates(graph: DependencyGraph, start: number, targets: ReadonlySet<string>): ReachedCrate[] {
  const found = new Map<string, ReachedCrate>();
  for (const scope of ["normal", "build"] as const) {
    const parent = new Map<number, number>([[start, -1]]);
    const queue = [start];
    for (let head = 0; head < queue.length; head++) {
      const id = queue[head]!;
      const name = graph.lockfile.packages[id]!.name;
      if (targets.has(name) && !found.has(name)) {
        const path: number[] = [];
        for (let at = id; at !== -1; at = parent.get(at)!) path.push(at);
        found.set(name, { id, scope, path: path.reverse() });
      }
      for (const edge of graph.edges[id]!) {
        if (edge.kind === "dev" || (scope === "normal" && edge.kind === "build")) continue;
        if (parent.has(edge.to) || graph.memberIds.has(edge.to)) continue;
        parent.set(edge.to, id);
        queue.push(edge.to);
      }
    }
    if (found.size === targets.size) break;
  }
  return [...found.values()];
}
