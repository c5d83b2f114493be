// Walks the graph a member really builds, as `cargo tree -p M -e <kinds> --target <T>` does, and finds banned crates.
import type { DependencyKind } from "../manifest/model.js";
import { FeaturesFor, isDependencyActive, packageKey, type ResolvedFeatures } from "./features.js";
import type { SummaryDependency, SummaryTable } from "./summary.js";

export interface WalkOptions {
  edgeKinds: ReadonlySet<DependencyKind>;
  /** Undefined for every target. */
  platformActive?: (target: string, forHost: boolean) => boolean;
}

export interface ActiveEdge {
  from: number;
  fromFor: FeaturesFor;
  to: number;
  toFor: FeaturesFor;
  dep: SummaryDependency;
}

/** The active graph of one root member under one feature resolution and one edge/target filter. */
export class ActiveGraph {
  private readonly edgeCache = new Map<number, ActiveEdge[]>();
  private readonly reachCache = new Map<number, ReadonlySet<number>>();

  constructor(
    private readonly summaries: SummaryTable,
    private readonly resolved: ResolvedFeatures,
    readonly root: number,
    private readonly options: WalkOptions,
  ) {}

  /** Outgoing edges of a node, filtered as cargo tree's `add_pkg` filters them. */
  edges(id: number, fk: FeaturesFor): ActiveEdge[] {
    const key = packageKey(id, fk);
    const cached = this.edgeCache.get(key);
    if (cached) return cached;
    const edges: ActiveEdge[] = [];
    const summary = this.summaries.get(id);
    for (const dep of summary.dependencies) {
      if (!this.options.edgeKinds.has(dep.kind)) continue;
      if (dep.kind === "dev" && id !== this.root) continue;
      if (dep.target !== null && this.options.platformActive && !this.options.platformActive(dep.target, fk === FeaturesFor.Host || dep.kind === "build")) continue;
      if (dep.optional && !isDependencyActive(this.resolved, id, fk, dep.name)) continue;
      const toFor = fk !== FeaturesFor.Normal ? fk : dep.kind === "build" || this.summaries.get(dep.to).procMacro ? FeaturesFor.Host : FeaturesFor.Normal;
      edges.push({ from: id, fromFor: fk, to: dep.to, toFor, dep });
    }
    this.edgeCache.set(key, edges);
    return edges;
  }

  /** Lock ids of the packages in `targets` reachable from a node (itself included). */
  reachedTargets(id: number, fk: FeaturesFor, targets: ReadonlySet<number>): ReadonlySet<number> {
    const start = packageKey(id, fk);
    const cached = this.reachCache.get(start);
    if (cached) return cached;
    // Iterative post-order DFS; cargo's non-dev graph is acyclic, so an in-progress node contributes nothing.
    const stack: [number, FeaturesFor, number][] = [[id, fk, 0]];
    const inProgress = new Set<number>([start]);
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const [nodeId, nodeFor, index] = top;
      const edges = this.edges(nodeId, nodeFor);
      if (index < edges.length) {
        top[2]++;
        const edge = edges[index]!;
        const key = packageKey(edge.to, edge.toFor);
        if (!this.reachCache.has(key) && !inProgress.has(key)) {
          inProgress.add(key);
          stack.push([edge.to, edge.toFor, 0]);
        }
        continue;
      }
      stack.pop();
      const key = packageKey(nodeId, nodeFor);
      inProgress.delete(key);
      let reached: Set<number> | undefined = targets.has(nodeId) ? new Set([nodeId]) : undefined;
      for (const edge of edges) {
        const child = this.reachCache.get(packageKey(edge.to, edge.toFor));
        if (!child || child.size === 0) continue;
        reached ??= new Set();
        for (const t of child) reached.add(t);
      }
      this.reachCache.set(key, reached ?? EMPTY);
    }
    return this.reachCache.get(start)!;
  }

  /** Every node reachable from the root, with the first edge path that reached it (breadth first). */
  reachable(): { id: number; fk: FeaturesFor; first: ActiveEdge; path(): ActiveEdge[] }[] {
    const rootFor = FeaturesFor.Normal;
    const parent = new Map<number, ActiveEdge | null>([[packageKey(this.root, rootFor), null]]);
    const order: [number, FeaturesFor][] = [[this.root, rootFor]];
    for (let head = 0; head < order.length; head++) {
      const [id, fk] = order[head]!;
      for (const edge of this.edges(id, fk)) {
        const key = packageKey(edge.to, edge.toFor);
        if (parent.has(key)) continue;
        parent.set(key, edge);
        order.push([edge.to, edge.toFor]);
      }
    }
    const pathTo = (id: number, fk: FeaturesFor) => {
      const path: ActiveEdge[] = [];
      for (let edge = parent.get(packageKey(id, fk)); edge; edge = parent.get(packageKey(edge.from, edge.fromFor))) path.push(edge);
      return path.reverse();
    };
    // The first hop is inherited down the BFS tree, so it costs one lookup per node.
    const first = new Map<number, ActiveEdge>();
    return order.slice(1).map(([id, fk]) => {
      const edge = parent.get(packageKey(id, fk))!;
      const head = edge.from === this.root ? edge : first.get(packageKey(edge.from, edge.fromFor))!;
      first.set(packageKey(id, fk), head);
      return { id, fk, first: head, path: () => pathTo(id, fk) };
    });
  }

  /** Shortest path of edges from a node to the package `target`, or undefined. */
  shortestPath(id: number, fk: FeaturesFor, target: number): ActiveEdge[] | undefined {
    const parent = new Map<number, ActiveEdge | null>([[packageKey(id, fk), null]]);
    const queue: [number, FeaturesFor][] = [[id, fk]];
    for (let head = 0; head < queue.length; head++) {
      const [nodeId, nodeFor] = queue[head]!;
      if (nodeId === target) {
        const path: ActiveEdge[] = [];
        for (let edge = parent.get(packageKey(nodeId, nodeFor)); edge; edge = parent.get(packageKey(edge.from, edge.fromFor))) path.push(edge);
        return path.reverse();
      }
      for (const edge of this.edges(nodeId, nodeFor)) {
        const key = packageKey(edge.to, edge.toFor);
        if (parent.has(key)) continue;
        parent.set(key, edge);
        queue.push([edge.to, edge.toFor]);
      }
    }
    return undefined;
  }
}

const EMPTY: ReadonlySet<number> = new Set();
