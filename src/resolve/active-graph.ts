// Walks the graph a member really builds, as `cargo tree -p M -e <kinds> --target <T>` does, and finds banned crates.
import type { DependencyKind } from "../manifest/model.js";
import { FeaturesFor, isDependencyActive, packageKey, type ResolvedFeatures } from "./features.js";
import type { PackageSet } from "../graph/relevant.js";
import type { SummaryDependency, SummaryTable } from "./summary.js";

export interface WalkOptions {
  edgeKinds: ReadonlySet<DependencyKind>;
  /** Undefined for every target. */
  platformActive?: (target: string, forHost: boolean) => boolean;
  /** The packages the resolution covered (`ResolveOptions.within`); edges to the others are not followed. */
  within?: PackageSet;
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
  /**
   * The root member's node: a proc-macro is built for the host, so its platform-specific dependencies are judged on
   * the host, as `cargo tree -p` does under every resolver (`FeaturesFor::from_for_host`); only its features are
   * stored apart from the target's under resolver 2 and later.
   */
  readonly rootFor: FeaturesFor;

  constructor(
    private readonly summaries: SummaryTable,
    private readonly resolved: ResolvedFeatures,
    readonly root: number,
    private readonly options: WalkOptions,
  ) {
    this.rootFor = summaries.get(root).procMacro ? FeaturesFor.Host : FeaturesFor.Normal;
  }

  /** Outgoing edges of a node, filtered as cargo tree's `add_pkg` filters them. */
  edges(id: number, fk: FeaturesFor): ActiveEdge[] {
    const key = packageKey(id, fk);
    const cached = this.edgeCache.get(key);
    if (cached) return cached;
    const edges: ActiveEdge[] = [];
    const summary = this.summaries.get(id);
    const declared = summary.dependencies;
    for (let i = 0; i < declared.length; i++) {
      const dep = declared[i]!;
      if (!this.isActive(id, fk, dep)) continue;
      edges.push({ from: id, fromFor: fk, to: dep.to, toFor: toForOf(fk, dep, this.summaries.get(dep.to).procMacro), dep });
    }
    this.edgeCache.set(key, edges);
    return edges;
  }

  /** Lock ids of the packages in `targets` reachable from a node (itself included). */
  reachedTargets(id: number, fk: FeaturesFor, targets: ReadonlySet<number>): ReadonlySet<number> {
    const { ids, masks } = this.reachIndex(targets);
    const key = packageKey(id, fk);
    let reached: Set<number> | undefined;
    masks.forEach((chunk, c) => {
      const mask = chunk.get(key);
      if (mask === undefined) return;
      for (let bit = 0; bit < 32 && c * 32 + bit < ids.length; bit++) if ((mask & bitOf(bit)) !== 0) (reached ??= new Set()).add(ids[c * 32 + bit]!);
    });
    return reached ?? EMPTY;
  }

  private reachIndexCache: { targets: ReadonlySet<number>; ids: number[]; masks: Map<number, number>[] } | undefined;

  /**
   * For every node with an active path to a target, which targets it reaches, as a bit per target (a 32-bit number
   * per node for each 32 targets: in practice one). Propagated backwards from the targets, so only their ancestors
   * are visited: a few hundred nodes where a forward walk visits the whole build, and each once per target it gains
   * rather than once per target. An edge is judged by its dependent's own features; a dependent the root never
   * reaches is harmless, as nothing asks for it.
   */
  private reachIndex(targets: ReadonlySet<number>): { ids: number[]; masks: Map<number, number>[] } {
    if (this.reachIndexCache?.targets === targets) return this.reachIndexCache;
    const ids = [...targets];
    const masks: Map<number, number>[] = [];
    for (let first = 0; first < Math.max(1, ids.length); first += 32) masks.push(this.propagate(ids.slice(first, first + 32)));
    this.reachIndexCache = { targets, ids, masks };
    return this.reachIndexCache;
  }

  /** `reachIndex` for up to 32 targets: node key → the bits of the targets it reaches. */
  private propagate(ids: readonly number[]): Map<number, number> {
    const masks = new Map<number, number>();
    const queue: number[] = [];
    const queued = new Set<number>();
    const gain = (key: number, from: number): void => {
      const mask = masks.get(key) ?? 0;
      const merged = mask | from;
      if (merged === mask && masks.has(key)) return;
      masks.set(key, merged);
      if (!queued.has(key)) {
        queued.add(key);
        queue.push(key);
      }
    };
    ids.forEach((target, bit) => {
      gain(packageKey(target, FeaturesFor.Normal), bitOf(bit));
      gain(packageKey(target, FeaturesFor.Host), bitOf(bit));
    });
    const built = this.resolved.built;
    for (let head = 0; head < queue.length; head++) {
      const key = queue[head]!;
      queued.delete(key);
      const mask = masks.get(key)!;
      const id = key >> 1;
      const fk: FeaturesFor = key & 1;
      const procMacro = this.summaries.get(id).procMacro;
      const incoming = this.summaries.incoming(id);
      for (let i = 0; i < incoming.length; i++) {
        const { from, dep } = incoming[i]!;
        // A dependent outside the build is never walked: the walk only follows edges the resolution activated.
        if (!built.has(from)) continue;
        for (let fromFor: FeaturesFor = FeaturesFor.Normal; fromFor <= FeaturesFor.Host; fromFor++) {
          if (toForOf(fromFor, dep, procMacro) !== fk || !this.isActive(from, fromFor, dep)) continue;
          gain(packageKey(from, fromFor), mask);
        }
      }
    }
    return masks;
  }

  /** Whether node `key` has an active path to package `target`, once `reachIndex` has run for a set holding it. */
  private reaches(key: number, target: number): boolean {
    const cache = this.reachIndexCache!;
    const index = cache.ids.indexOf(target);
    const mask = cache.masks[index >> 5]!.get(key);
    return mask !== undefined && (mask & bitOf(index & 31)) !== 0;
  }

  /** Whether cargo tree's `add_pkg` keeps this edge of a node. */
  private isActive(id: number, fk: FeaturesFor, dep: SummaryDependency): boolean {
    if (this.options.within && this.options.within[dep.to] !== 1) return false;
    if (!this.options.edgeKinds.has(dep.kind)) return false;
    if (dep.kind === "dev" && id !== this.root) return false;
    if (dep.target !== null && this.options.platformActive && !this.options.platformActive(dep.target, fk === FeaturesFor.Host || dep.kind === "build")) return false;
    return !dep.optional || isDependencyActive(this.resolved, id, fk, dep.name);
  }

  /**
   * The nodes reachable from the root that `keep` accepts, in the order `reachable` lists them, without their paths.
   * `leadsToKept` may narrow the walk to the packages with a locked path to one `keep` accepts: a package outside it
   * never discovers one inside, so what is kept, and its order, are the same.
   */
  reachableNodes(keep: (id: number) => boolean, leadsToKept?: PackageSet): [number, FeaturesFor][] {
    const rootKey = packageKey(this.root, this.rootFor);
    const seen = new Set<number>([rootKey]);
    const order: number[] = [rootKey];
    const kept: [number, FeaturesFor][] = [];
    for (let head = 0; head < order.length; head++) {
      const id = order[head]! >> 1;
      const fk: FeaturesFor = order[head]! & 1;
      if (head > 0 && keep(id)) kept.push([id, fk]);
      const declared = this.summaries.get(id).dependencies;
      for (let i = 0; i < declared.length; i++) {
        const dep = declared[i]!;
        if ((leadsToKept !== undefined && leadsToKept[dep.to] !== 1) || !this.isActive(id, fk, dep)) continue;
        const key = packageKey(dep.to, toForOf(fk, dep, this.summaries.get(dep.to).procMacro));
        if (seen.has(key)) continue;
        seen.add(key);
        order.push(key);
      }
    }
    return kept;
  }

  /** Every node reachable from the root (or those `keep` accepts), with the first edge path that reached it (breadth first). */
  reachable(keep: (id: number) => boolean = () => true): { id: number; fk: FeaturesFor; first: ActiveEdge; path(): ActiveEdge[] }[] {
    const rootFor = this.rootFor;
    const parent = new Map<number, ActiveEdge | null>([[packageKey(this.root, rootFor), null]]);
    const order: [number, FeaturesFor][] = [[this.root, rootFor]];
    // Edges are made only for the BFS tree, and not cached: a member's build graph stays in memory until the rules
    // have run, and caching every node's edges for every member was tens of megabytes on large workspaces.
    for (let head = 0; head < order.length; head++) {
      const [id, fk] = order[head]!;
      const declared = this.summaries.get(id).dependencies;
      for (let i = 0; i < declared.length; i++) {
        const dep = declared[i]!;
        if (!this.isActive(id, fk, dep)) continue;
        const toFor = toForOf(fk, dep, this.summaries.get(dep.to).procMacro);
        const key = packageKey(dep.to, toFor);
        if (parent.has(key)) continue;
        parent.set(key, { from: id, fromFor: fk, to: dep.to, toFor, dep });
        order.push([dep.to, toFor]);
      }
    }
    const pathTo = (id: number, fk: FeaturesFor) => {
      const path: ActiveEdge[] = [];
      for (let edge = parent.get(packageKey(id, fk)); edge; edge = parent.get(packageKey(edge.from, edge.fromFor))) path.push(edge);
      return path.reverse();
    };
    // The first hop is inherited down the BFS tree, so it costs one lookup per node.
    const first = new Map<number, ActiveEdge>();
    const kept: { id: number; fk: FeaturesFor; first: ActiveEdge; path(): ActiveEdge[] }[] = [];
    for (const [id, fk] of order.slice(1)) {
      const edge = parent.get(packageKey(id, fk))!;
      const head = edge.from === this.root ? edge : first.get(packageKey(edge.from, edge.fromFor))!;
      first.set(packageKey(id, fk), head);
      if (keep(id)) kept.push({ id, fk, first: head, path: () => pathTo(id, fk) });
    }
    return kept;
  }

  /** Shortest path of edges from a node to the package `target`, or undefined. */
  shortestPath(id: number, fk: FeaturesFor, target: number): ActiveEdge[] | undefined {
    // Once targets are indexed, nodes that cannot reach this one are not worth a visit.
    const indexed = this.reachIndexCache?.targets.has(target) ?? false;
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
        if (parent.has(key) || (indexed && !this.reaches(key, target))) continue;
        parent.set(key, edge);
        queue.push([edge.to, edge.toFor]);
      }
    }
    return undefined;
  }
}

const EMPTY: ReadonlySet<number> = new Set();

/** Bit `bit` of a mask kept in 32-bit words. */
const bitOf = (bit: number) => 1 << (bit & 31);

/** Build scripts and proc-macros are built for the host, and so is everything below a host node. */
function toForOf(fk: FeaturesFor, dep: SummaryDependency, childIsProcMacro: boolean): FeaturesFor {
  return fk !== FeaturesFor.Normal ? fk : dep.kind === "build" || childIsProcMacro ? FeaturesFor.Host : FeaturesFor.Normal;
}
