// Finds, for one member's build, which direct dependencies of its local packages reach banned crates, and at which scope.
import type { DependencyKind } from "../manifest/model.js";
import type { ResolverVersion } from "../workspace/model.js";
import { ActiveGraph, type ActiveEdge } from "./active-graph.js";
import type { TargetCfg } from "./cfg.js";
import { FeaturesFor, resolveFeatures, type FeatureRequest, type ResolvedFeatures } from "./features.js";
import type { PackageSet } from "../graph/relevant.js";
import type { SummaryTable } from "./summary.js";

export type Scope = DependencyKind;

export interface MemberAnalysisOptions {
  request: FeatureRequest;
  resolver: ResolverVersion;
  /** The targets to build for; null for every target at once (cargo's ForceAllTargets). */
  targets: readonly TargetCfg[] | null;
  /** Each target is a build of its own (`--target all` as one build per target), not one build for them all. */
  separateTargets?: boolean;
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
  /** Whether a target key holds on a target; a key that cannot be parsed holds everywhere (the sound choice). */
  matches: (spec: string, target: TargetCfg) => boolean;
  /** Whether a lock id is a local package (a member or a path package): their dependencies are what findings are about. */
  isLocal: (id: number) => boolean;
  /** The packages with a locked path to a local package: only they can lead the build to another local package. */
  reachesLocal?: PackageSet;
  /**
   * Every (local package, non-local dependency) pair the lock lets the member's build contain, inside `within`: the
   * bound `lockReach` is checked over.
   */
  lockEdges: readonly LocalEdge[];
  /** The current package resolved beside the member (`ResolveOptions.current`). */
  current?: { id: number; request: FeatureRequest };
}

/** A local package's direct dependency that reaches a banned crate in one member's build. */
export interface ReachedBanned {
  /** The local package's edge to the direct dependency (`direct.from` is the local package). */
  direct: ActiveEdge;
  banned: number;
  scope: Scope;
  /** Edges from the local package to the banned crate, `direct` first. */
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

/** One (local package, direct dependency, banned crate) triple, whatever the scope and the names given the package. */
export const reachKey = (local: number, direct: number, banned: number): string => `${local}\0${direct}\0${banned}`;

/**
 * Whether a local package's dependency is one its findings are about: any non-local package, and a banned crate even
 * when vendored as a path package. Another local package's own dependencies are that package's findings.
 */
export const isFindingDependency = (id: number, isLocal: (id: number) => boolean, bannedIds: ReadonlySet<number>): boolean => !isLocal(id) || bannedIds.has(id);

/** A local package and one of its non-local direct dependencies, by lock id. */
export type LocalEdge = readonly [local: number, direct: number];

/**
 * True when `found` already holds every banned crate the lock lets each pair's dependency reach (`lockReach`, an
 * upper bound of what any resolution can find): a wider scope or a sound pass could add nothing.
 */
export function lockBoundFound(pairs: Iterable<LocalEdge>, lockReach: (id: number) => ReadonlySet<number>, found: { has(key: string): boolean }): boolean {
  for (const [local, direct] of pairs) for (const banned of lockReach(direct)) if (!found.has(reachKey(local, direct, banned))) return false;
  return true;
}

export interface MemberAnalysis {
  found: ReachedBanned[];
  /** What `cargo build -p <member>` compiles: the normal-scope graph (first requested target, or all). */
  build: ActiveGraph;
  buildFeatures: ResolvedFeatures;
  /**
   * Whether some resolution of the build reached a package without complete metadata that has an edge into the
   * resolved packages whose child's features are assumed. Sound summaries differ only there (the child may have any
   * feature); without such an edge, a pass over them would resolve exactly the same builds.
   */
  assumesFeatures: boolean;
}

const touchedKeys = new WeakMap<ResolvedFeatures, string[]>();
/**
 * The target keys of the declarations, other than build dependencies, of every package a resolution touched: all a
 * resolution for another target could see differently (build dependencies and host packages ask only the host).
 */
function targetKeysTouched(resolved: ResolvedFeatures, summaries: SummaryTable): string[] {
  let keys = touchedKeys.get(resolved);
  if (keys) return keys;
  const touched = new Set(resolved.built);
  for (const key of resolved.features.keys()) touched.add(key >> 1);
  for (const key of resolved.dependencies.keys()) touched.add(key >> 1);
  const found = new Set<string>();
  for (const id of touched) {
    const declared = summaries.get(id).dependencies;
    for (let i = 0; i < declared.length; i++) if (declared[i]!.target !== null && declared[i]!.kind !== "build") found.add(declared[i]!.target!);
  }
  touchedKeys.set(resolved, (keys = [...found]));
  return keys;
}

/**
 * Resolves `cargo build -p <member>` and finds, for every local package in that build (the member, and the members
 * and path packages it reaches), which of its non-local direct dependencies reach banned crates, and at which scope:
 * what `cargo tree -p <member> -i <banned>` shows. Features unify inside the build, so a package's findings depend on
 * the build it is in.
 */
export function analyzeMember(summaries: SummaryTable, root: number, options: MemberAnalysisOptions): MemberAnalysis {
  const { matches } = options;
  const targets = options.targets;
  const resolutionPlatform = targets && ((spec: string, forHost: boolean) => (forHost ? matches(spec, options.host) : targets.some((t) => matches(spec, t))));

  // Each target on its own (`--target all`) under the modern resolvers, whose features depend on the target; several
  // requested targets share one resolution, as `cargo build --target a --target b` does. Resolver 1 unifies across
  // targets either way.
  const separate = options.separateTargets === true && options.resolver !== "1";
  const resolutions = new Map<string, ResolvedFeatures>();
  // Dev-dependencies the resolution never enters (none inside `within`) change nothing but a name's record: one
  // resolution then serves every scope, and the dev scope walks the build scope's graph again (skipped below).
  const devDepsWithin = summaries.get(root).dependencies.some((d) => d.kind === "dev" && (options.within === undefined || options.within[d.to] === 1));
  const hasDevDeps = devDepsWithin && options.resolver !== "1";
  /** The target whose resolution another one replays, by `resolutions` key: its walks replay too. */
  const replayOf = new Map<string, TargetCfg>();
  /** Each target's own resolution, by whether dev units are built: what a later target may turn out to share. */
  const ownResolutions: { hasDevUnits: boolean; target: TargetCfg; resolved: ResolvedFeatures }[] = [];
  /**
   * Whether resolving for `target` would replay `earlier`'s resolution for `earlierTarget` step for step. The
   * resolver asks the platform only about the declarations of the packages it reaches, and asks of build
   * dependencies and host packages only the host: when every other platform-specific declaration of every package
   * the earlier resolution touched holds alike on both targets, each decision is the same, and so is the result
   * (features, dependencies and the causes recorded). Classes of targets differ somewhere in the workspace, but
   * often not in what one member's build reaches.
   */
  const replays = (earlier: ResolvedFeatures, earlierTarget: TargetCfg, target: TargetCfg): boolean => {
    const keys = targetKeysTouched(earlier, summaries);
    for (let i = 0; i < keys.length; i++) if (matches(keys[i]!, earlierTarget) !== matches(keys[i]!, target)) return false;
    return true;
  };
  /** Which resolution a scope and target use: one per target only when targets are built on their own. */
  const resolutionKey = (wantDevUnits: boolean, target: TargetCfg | null) => `${wantDevUnits && hasDevDeps}\0${separate && target !== null ? target.triple : ""}`;
  const resolutionFor = (wantDevUnits: boolean, target: TargetCfg | null) => {
    const hasDevUnits = wantDevUnits && hasDevDeps;
    const own = separate && target !== null;
    const key = resolutionKey(wantDevUnits, target);
    let resolved = resolutions.get(key);
    if (!resolved && own) {
      const earlier = ownResolutions.find((r) => r.hasDevUnits === hasDevUnits && replays(r.resolved, r.target, target));
      if (earlier) {
        resolved = earlier.resolved;
        resolutions.set(key, resolved);
        replayOf.set(key, earlier.target);
      }
    }
    if (!resolved) {
      const platformActive = own ? (spec: string, forHost: boolean) => matches(spec, forHost ? options.host : target) : (resolutionPlatform ?? undefined);
      const platformKey = platformActive && `${options.host.triple}\0${own ? target.triple : targets!.map((t) => t.triple).join(",")}`;
      resolved = resolveFeatures(summaries, root, options.request, { resolver: options.resolver, hasDevUnits, platformActive, platformKey, within: options.within, current: options.current });
      resolutions.set(key, resolved);
      if (own) ownResolutions.push({ hasDevUnits, target, resolved });
    }
    return resolved;
  };

  const found = new Map<string, ReachedBanned>();
  const bound = options.lockEdges;
  // Without another local package on a locked path to a banned crate, the member's own edges are all there is to walk.
  const othersInLock = bound.some(([local]) => local !== root);
  const boundMet = (): boolean => options.lockReach !== undefined && lockBoundFound(bound, options.lockReach, found);
  let build: ActiveGraph | undefined;
  for (const { scope, edgeKinds, hasDevUnits } of SCOPES) {
    if (hasDevUnits && !devDepsWithin) break;
    // Nothing a wider scope could add: its resolution and walk are skipped (the normal scope always runs: `build`).
    if (build && boundMet()) break;
    /** The triples each target's walk of this scope reached (found then or at a narrower scope). */
    const walked = new Map<string, string[]>();
    for (const target of targets ?? [null]) {
      const resolved = resolutionFor(hasDevUnits, target);
      const earlier = target && replayOf.get(resolutionKey(hasDevUnits, target));
      const earlierWalk = earlier && walked.get(earlier.triple);
      if (earlierWalk) {
        // Its platform holds alike on every declaration this build touches: the walk would reach the same triples.
        for (const key of earlierWalk) {
          const previous = found.get(key)!;
          if (previous.scope === scope && previous.targets && !previous.targets.includes(target.triple)) previous.targets.push(target.triple);
        }
        walked.set(target.triple, earlierWalk);
        continue;
      }
      const reached: string[] = [];
      if (target) walked.set(target.triple, reached);
      const platformActive = target ? (spec: string, forHost: boolean) => matches(spec, forHost ? options.host : target) : undefined;
      const graph = new ActiveGraph(summaries, resolved, root, { edgeKinds, platformActive, within: options.within });
      build ??= graph;
      // The member itself, then every local package its build reaches (dev-dependencies only of the member).
      const locals: [number, FeaturesFor][] = [[root, graph.rootFor]];
      if (othersInLock) for (const node of graph.reachableNodes(options.isLocal, options.reachesLocal)) if (node[0] !== root) locals.push(node);
      for (let l = 0; l < locals.length; l++) {
        const local = locals[l]![0];
        const edges = graph.edges(local, locals[l]![1]);
        for (let e = 0; e < edges.length; e++) {
          const direct = edges[e]!;
          if (!isFindingDependency(direct.to, options.isLocal, options.bannedIds)) continue;
          for (const banned of graph.reachedTargets(direct.to, direct.toFor, options.bannedIds)) {
            const key = reachKey(local, direct.to, banned);
            reached.push(key);
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
  }
  const buildFeatures = resolutionFor(false, targets?.[0] ?? null);
  const within = options.within;
  const assumed = (id: number) => summaries.get(id).dependencies.some((d) => d.anyFeatures !== undefined && (within === undefined || within[d.to] === 1));
  // A replayed resolution is listed under each target that uses it: each is looked at once.
  const assumesFeatures = [...new Set(resolutions.values())].some((resolved) => [...resolved.built].some(assumed));
  return { found: [...found.values()], build: build!, buildFeatures, assumesFeatures };
}
