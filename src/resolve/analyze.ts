// Finds, for one member, which direct dependencies reach banned crates in the build cargo really does, and at which scope.
import type { DependencyKind } from "../manifest/model.js";
import type { ResolverVersion } from "../workspace/model.js";
import { ActiveGraph, type ActiveEdge } from "./active-graph.js";
import { CfgParseError, evalCfg, parseCfg, type CfgExpr, type TargetCfg } from "./cfg.js";
import { FeaturesFor, resolveFeatures, type FeatureRequest, type ResolvedFeatures } from "./features.js";
import type { PackageSet } from "../graph/relevant.js";
import type { SummaryTable } from "./summary.js";

export type Scope = DependencyKind;

export interface MemberAnalysisOptions {
  request: FeatureRequest;
  resolver: ResolverVersion;
  /** The targets to build for; null for every target (`--target all`). */
  targets: readonly TargetCfg[] | null;
  /** The build machine, for build scripts and proc-macros. */
  host: TargetCfg;
  bannedIds: ReadonlySet<number>;
  /**
   * Banned packages reachable from a package over every locked edge: an upper bound of what any scope can find,
   * so wider scopes are skipped once everything within the bound is found.
   */
  lockReach?: (id: number) => ReadonlySet<number>;
  /** The packages worth resolving (`ResolveOptions.within`); undefined for all. */
  within?: PackageSet;
  /** Reports a target key that cannot be parsed (the dependency is then kept, which is the sound choice). */
  onBadCfg?: (spec: string, error: CfgParseError) => void;
}

/** A direct dependency of the member that reaches a banned crate. */
export interface ReachedBanned {
  /** The member's edge to the direct dependency. */
  direct: ActiveEdge;
  banned: number;
  scope: Scope;
  /** Edges from the member to the banned crate, `direct` first. */
  path: ActiveEdge[];
  /** The resolution the path was found in, to explain which features enabled each edge. */
  resolved: ResolvedFeatures;
  /** Triples where this holds; null when analysing every target at once. */
  targets: string[] | null;
}

const SCOPES: { scope: Scope; edgeKinds: ReadonlySet<DependencyKind>; hasDevUnits: boolean }[] = [
  { scope: "normal", edgeKinds: new Set(["normal"]), hasDevUnits: false },
  { scope: "build", edgeKinds: new Set(["normal", "build"]), hasDevUnits: false },
  { scope: "dev", edgeKinds: new Set(["normal", "build", "dev"]), hasDevUnits: true },
];

/** One (direct dependency, banned crate) pair, whatever the scope and whatever names the member gives the package. */
export const reachKey = (direct: number, banned: number): string => `${direct}\0${banned}`;

/**
 * True when `found` already holds every banned crate the lock lets each of `directs` reach (`lockReach`, an upper
 * bound of what any resolution can find): a wider scope or a sound pass could add nothing.
 */
export function lockBoundFound(directs: Iterable<number>, lockReach: (id: number) => ReadonlySet<number>, found: { has(key: string): boolean }): boolean {
  for (const direct of directs) for (const banned of lockReach(direct)) if (!found.has(reachKey(direct, banned))) return false;
  return true;
}

export interface MemberAnalysis {
  found: ReachedBanned[];
  /** What `cargo build -p <member>` compiles: the normal-scope graph (first requested target, or all). */
  build: ActiveGraph;
  buildFeatures: ResolvedFeatures;
}

export function analyzeMember(summaries: SummaryTable, root: number, options: MemberAnalysisOptions): MemberAnalysis {
  const parsedCfgs = new Map<string, CfgExpr | null>();
  const matches = (spec: string, target: TargetCfg): boolean => {
    let expr = parsedCfgs.get(spec);
    if (expr === undefined) {
      try {
        expr = parseCfg(spec);
      } catch (error) {
        if (!(error instanceof CfgParseError)) throw error;
        options.onBadCfg?.(spec, error);
        expr = null;
      }
      parsedCfgs.set(spec, expr);
    }
    return expr === null || evalCfg(expr, target);
  };
  const targets = options.targets;
  const resolutionPlatform = targets && ((spec: string, forHost: boolean) => (forHost ? matches(spec, options.host) : targets.some((t) => matches(spec, t))));

  const resolutions = new Map<boolean, ResolvedFeatures>();
  // Without dev-dependencies, building them changes nothing: one resolution serves every scope.
  const hasDevDeps = summaries.get(root).dependencies.some((d) => d.kind === "dev");
  const resolutionFor = (wantDevUnits: boolean) => {
    const hasDevUnits = wantDevUnits && hasDevDeps;
    let resolved = resolutions.get(hasDevUnits);
    if (!resolved) {
      resolved = resolveFeatures(summaries, root, options.request, { resolver: options.resolver, hasDevUnits, platformActive: resolutionPlatform ?? undefined, within: options.within });
      resolutions.set(hasDevUnits, resolved);
    }
    return resolved;
  };

  const found = new Map<string, ReachedBanned>();
  // A dependency outside `within` reaches no banned crate: only the others can leave the bound unmet.
  const rootDeps = [...new Set(summaries.get(root).dependencies.map((dep) => dep.to))].filter((to) => options.within === undefined || options.within[to] === 1);
  const boundMet = (): boolean => options.lockReach !== undefined && lockBoundFound(rootDeps, options.lockReach, found);
  let build: ActiveGraph | undefined;
  for (const { scope, edgeKinds, hasDevUnits } of SCOPES) {
    // Nothing a wider scope could add: its resolution and walk are skipped (the normal scope always runs: `build`).
    if (build && boundMet()) break;
    const resolved = resolutionFor(hasDevUnits);
    for (const target of targets ?? [null]) {
      const platformActive = target ? (spec: string, forHost: boolean) => matches(spec, forHost ? options.host : target) : undefined;
      const graph = new ActiveGraph(summaries, resolved, root, { edgeKinds, platformActive, within: options.within });
      build ??= graph;
      const rootFor = summaries.get(root).procMacro && options.resolver !== "1" ? FeaturesFor.Host : FeaturesFor.Normal;
      for (const direct of graph.edges(root, rootFor)) {
        const reached = graph.reachedTargets(direct.to, direct.toFor, options.bannedIds);
        for (const banned of reached) {
          const key = reachKey(direct.to, banned);
          const previous = found.get(key);
          if (previous) {
            if (previous.scope === scope && target && previous.targets && !previous.targets.includes(target.triple)) previous.targets.push(target.triple);
            continue;
          }
          const rest = graph.shortestPath(direct.to, direct.toFor, banned) ?? [];
          found.set(key, { direct, banned, scope, path: [direct, ...rest], resolved, targets: target ? [target.triple] : null });
        }
      }
    }
  }
  return { found: [...found.values()], build: build!, buildFeatures: resolutionFor(false) };
}
