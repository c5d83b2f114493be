// Feature resolution for every member of a workspace, turned into reach groups the rules can report.
import { allTargetCfgs } from "../../rules/data/targets.js";
import type { PathStep, ReachGroup, Scope } from "../engine/types.js";
import type { DependencyGraph } from "../graph/model.js";
import type { Problem } from "../problems.js";
import type { MetadataLookup } from "../registry/model.js";
import type { EffectiveDependency, LocalPackage, Workspace } from "../workspace/model.js";
import { analyzeMember, isFindingDependency, lockBoundFound, reachKey, type LocalEdge, type MemberAnalysis, type ReachedBanned } from "./analyze.js";
import type { ActiveEdge } from "./active-graph.js";
import { CfgParseError, evalCfg, parseCfg, type CfgExpr, type TargetCfg } from "./cfg.js";
import { explainEdge, explainFeature, type EdgeExplanation } from "./explain.js";
import { activatedFeatures, FeaturesFor, type FeatureRequest } from "./features.js";
import { dependentsIndex, type PackageSet } from "../graph/relevant.js";
import { SummaryTable, type PackageSummary } from "./summary.js";
import { featureRequestFor, oldBehaviourRequests } from "./feature-request.js";
import type { DirectDependency } from "../engine/types.js";
import { positionOf, roleOf } from "../engine/run.js";

export interface WorkspaceResolutionOptions {
  request: FeatureRequest;
  targets: readonly TargetCfg[] | null;
  host: TargetCfg;
  metadata?: MetadataLookup;
  /** Only these members are resolved (a fix's re-audit needs only the members it changes findings of). */
  members?: (member: LocalPackage) => boolean;
  /** The crates the audit looks for (`auditedCrates`): the resolution covers them and their dependents only. */
  audited: ReadonlySet<string> | "all";
}

/** A package the member's build compiles, with its features, reached through one of the member's direct dependencies. */
export interface BuiltPackage {
  name: string;
  version: string;
  features: string[];
  /** Whether real metadata described it (its features are then exact). */
  exact: boolean;
  /**
   * The local package whose direct dependency leads to it (the member, or a member or path package its build
   * reaches), and that dependency, as lock ids: the last step out of the build's local packages.
   */
  owner: number;
  via: number;
  /** The why-path, built on demand (most packages never need one). */
  path(): PathStep[];
}

export interface WorkspaceResolution {
  /** False when some package had no metadata and its locked edges were kept as possibly active. */
  complete: boolean;
  /** What a member's build compiles (normal scope); only the crates named in `names` when given. */
  built(member: LocalPackage, names?: ReadonlySet<string>): BuiltPackage[];
  reach(dependency: DirectDependency): ReachGroup[];
  sources(): { name: string; version: string; provider: string; origin?: string }[];
}

/** A local package's declaration that switched on a feature on a finding's path (`enablingDeclaration`). */
interface EnabledAt {
  local: LocalPackage;
  decl: EffectiveDependency;
  /** The crate whose feature was switched on, and the feature. */
  crate: string;
  feature: string | undefined;
  /** The local package's own feature that made the declaration ask for it (`native = ["net/git"]`). */
  dependentFeature: string | undefined;
}

const SCOPE_RANK: Record<Scope, number> = { normal: 0, build: 1, dev: 2 };
const DEFAULT_REQUEST: FeatureRequest = { features: [], allFeatures: false, defaultFeatures: true };

export function resolveWorkspace(
  workspace: Workspace,
  graph: DependencyGraph,
  banned: ReadonlySet<string>,
  options: WorkspaceResolutionOptions,
  problems: Problem[],
): WorkspaceResolution {
  // Crates without full metadata: their edges are kept, first enabling nothing on their children (the likely
  // build), then anything (the sound bound); what only the second finds is reported as possible.
  const completeSummaries = new Map<number, PackageSummary>();
  const summaries = new SummaryTable(graph, options.metadata, "none", completeSummaries);
  const soundSummaries = new SummaryTable(graph, options.metadata, "all", completeSummaries);
  const packages = graph.lockfile.packages;
  const bannedIds = new Set(packages.filter((p) => banned.has(p.name)).map((p) => p.id));
  // Each target key is parsed once for the whole workspace. Local manifests' bad keys are reported by the loader; one
  // in a published crate's manifest is reported here, once.
  const cfgs = new Map<string, CfgExpr | null>();
  const cfgOf = (spec: string): CfgExpr | null => {
    let expr = cfgs.get(spec);
    if (expr !== undefined) return expr;
    try {
      expr = parseCfg(spec);
    } catch (error) {
      if (!(error instanceof CfgParseError)) throw error;
      if (!workspace.problems.some((p) => p.code === "cfg-syntax" && p.message.startsWith(error.message))) {
        problems.push({ severity: "warning", code: "cfg-syntax", message: `${error.message}; the dependency is kept for every target`, hint: "cargo rejects this target key too" });
      }
      expr = null;
    }
    cfgs.set(spec, expr);
    return expr;
  };
  // Whether a key holds on a target, asked for every edge of every walk: decided once per (target, key).
  const matched = new Map<TargetCfg, Map<string, boolean>>();
  const matches = (spec: string, target: TargetCfg): boolean => {
    let byKey = matched.get(target);
    if (!byKey) matched.set(target, (byKey = new Map()));
    let holds = byKey.get(spec);
    if (holds === undefined) {
      const expr = cfgOf(spec);
      byKey.set(spec, (holds = expr === null || evalCfg(expr, target)));
    }
    return holds;
  };
  const audited = options.audited;
  const dependents = dependentsIndex(packages.length, (id, visit) => {
    const edges = graph.edges[id]!;
    for (let i = 0; i < edges.length; i++) visit(edges[i]!.to);
  });
  const within = audited === "all" ? undefined : dependents.reaching((id) => audited.has(packages[id]!.name));
  const localById = new Map<number, LocalPackage>();
  for (const [local, id] of graph.localIds) localById.set(id, local);
  const isLocal = (id: number) => localById.has(id);
  const reachesLocal = dependents.reaching(isLocal);
  // `--target all`: every known target is built on its own, one per class of targets the build's cfg keys cannot tell apart.
  const platforms = options.targets ? null : platformClasses(summaries, packages.length, within, cfgOf);
  const targets = options.targets ?? platforms!.representatives;
  const lockEdges = new Map<LocalPackage, LocalEdge[]>();
  const lockEdgesOf = (member: LocalPackage): LocalEdge[] => {
    let pairs = lockEdges.get(member);
    if (!pairs) lockEdges.set(member, (pairs = localEdgesInLock(graph, graph.localIds.get(member)!, isLocal, bannedIds, within, reachesLocal)));
    return pairs;
  };
  // Cargo's old command-line feature behaviour (resolver 1 and a root package): `cargo build -p M`, run from the root,
  // resolves the root package's features beside M's.
  const current = currentPackageBeside(workspace);
  const currentId = current && graph.localIds.get(current);
  const requestsFor = (member: LocalPackage, request: FeatureRequest): { request: FeatureRequest; current?: { id: number; request: FeatureRequest } } => {
    if (!current || currentId === undefined || member === current) return { request: featureRequestFor(member, request) };
    const split = oldBehaviourRequests(member, current, workspace.members, request);
    // A current package with no locked path to an audited crate cannot change what the member's build reaches.
    return within === undefined || within[currentId] === 1 ? { request: split.member, current: { id: currentId, request: split.current } } : { request: split.member };
  };
  const analyse = (member: LocalPackage, request: FeatureRequest, table: SummaryTable) =>
    analyzeMember(table, graph.localIds.get(member)!, {
      ...requestsFor(member, request),
      resolver: workspace.resolver,
      targets,
      separateTargets: platforms !== null,
      host: options.host,
      bannedIds,
      matches,
      lockReach: reachInLock,
      within,
      isLocal,
      reachesLocal,
      lockEdges: lockEdgesOf(member),
    });

  const lockReach = new Map<number, ReadonlySet<number>>();
  /** Banned packages reachable from a package over every locked edge (the lockfile's over-approximation, an upper bound). */
  const reachInLock = (id: number): ReadonlySet<number> => {
    const cached = lockReach.get(id);
    if (cached) return cached;
    const seen = new Set<number>([id]);
    const found = new Set<number>();
    const stack = [id];
    while (stack.length > 0) {
      const at = stack.pop()!;
      if (bannedIds.has(at)) found.add(at);
      for (const next of packages[at]!.dependencies) {
        // A package outside `within` has no locked path to a banned crate: the walk stays inside.
        if (!seen.has(next) && (within === undefined || within[next] === 1)) {
          seen.add(next);
          stack.push(next);
        }
      }
    }
    lockReach.set(id, found);
    return found;
  };
  /** What one member's build finds, for one local package of that build. */
  interface BuildFinding {
    build: LocalPackage;
    found: ReachedBanned;
  }
  const builds = new Map<LocalPackage, MemberAnalysis>();
  const possible = new Set<ReachedBanned>();
  /** Keys of what each build finds with default features, for `--all-features` conditions. */
  const defaultKeys = new Set<string>();
  const tripleKey = (r: ReachedBanned) => reachKey(r.direct.from, r.direct.to, r.banned);
  // A member with no locked path to a banned or inspected crate can produce no finding: it is not resolved.
  const members = workspace.members.filter((m) => graph.localIds.has(m) && (options.members?.(m) ?? true) && (within === undefined || within[graph.localIds.get(m)!] === 1));
  const foundBy = new Map<LocalPackage, ReachedBanned[]>();
  for (const member of members) {
    const analysis = analyse(member, options.request, summaries);
    builds.set(member, analysis);
    foundBy.set(member, analysis.found);
    if (options.request.allFeatures) for (const r of analyse(member, DEFAULT_REQUEST, summaries).found) defaultKeys.add(`${tripleKey(r)}\0${r.scope}`);
  }
  const complete = summaries.touched().every((s) => !s.incomplete);
  if (!complete) {
    for (const member of members) {
      const likely = new Set(foundBy.get(member)!.map(tripleKey));
      // The lock bounds what the sound pass can find: skip it when the likely pass already found all of that. When it
      // did not, the likely pass resolved every scope; if none of those builds assumed a child's features, the sound
      // pass would resolve the very same builds.
      if (lockBoundFound(lockEdgesOf(member), reachInLock, likely) || !builds.get(member)!.assumesFeatures) continue;
      for (const found of analyse(member, options.request, soundSummaries).found) {
        if (likely.has(tripleKey(found))) continue;
        possible.add(found);
        foundBy.get(member)!.push(found);
      }
    }
  }
  // Findings by local package, then by direct dependency: `reach` is asked once per direct dependency.
  const byLocal = new Map<number, Map<number, BuildFinding[]>>();
  for (const [build, list] of foundBy) {
    for (const found of list) {
      const { from, to } = found.direct;
      let byDirect = byLocal.get(from);
      if (!byDirect) byLocal.set(from, (byDirect = new Map()));
      const entries = byDirect.get(to);
      if (entries) entries.push({ build, found });
      else byDirect.set(to, [{ build, found }]);
    }
  }

  const stepFor = (id: number): PathStep => {
    const pkg = packages[id]!;
    const step: PathStep = { name: pkg.name, version: pkg.version, source: pkg.source };
    const role = roleOf(pkg.name, banned);
    if (role) step.role = role;
    step.provider = summaries.get(id).provider;
    return step;
  };

  /** The local declaration that switched an edge on, when one of the build's local packages asked for it. */
  const enablingDeclaration = (found: ReachedBanned, edge: ActiveEdge, explained: EdgeExplanation): EnabledAt | undefined => {
    let { features, origin } = explained;
    let feature = features[0];
    let of = edge.from;
    const seen = new Set<string>();
    while (origin?.type === "dependent") {
      const local = localById.get(origin.from);
      if (local) {
        const name = origin.dep;
        const decl = summaries.get(origin.from).dependencies.find((d) => d.name === name && d.decl)?.decl;
        return decl && { local, decl, crate: packages[of]!.name, feature, dependentFeature: origin.feature };
      }
      // A published crate's declaration asked for it: follow that crate's feature back, when a feature of it did.
      const key = `${origin.from}\0${origin.feature}`;
      if (origin.feature === undefined || seen.has(key)) return undefined;
      seen.add(key);
      of = origin.from;
      ({ features, origin } = explainFeature(found.resolved, origin.from, origin.fromFor, origin.feature));
      feature = features[0];
    }
    return undefined;
  };

  const toSteps = (found: ReachedBanned): PathStep[] => {
    const owner = localById.get(found.direct.from)!;
    const steps: PathStep[] = [{ name: owner.name, version: owner.version ?? "", source: null }];
    for (const edge of found.path) steps.push(stepFor(edge.to));
    found.path.forEach((edge, index) => {
      const explained = explainEdge(found.resolved, edge);
      const { features, origin } = explained;
      if (features.length > 0) {
        steps[index]!.features = features;
        steps[index]!.via = features[0];
        if (origin?.type === "dependent" && origin.feature) {
          steps[index]!.enabledBy = { name: packages[origin.from]!.name, feature: origin.feature, local: packages[origin.from]!.source === null };
        }
      }
      const enabling = enablingDeclaration(found, edge, explained);
      // Only a declaration other than the finding's own line needs naming: that line is where the finding points.
      if (enabling && !(enabling.local === owner && enabling.decl === found.direct.dep.decl)) {
        const inherited = enabling.decl.inheritedFrom;
        steps[index]!.enabledAt = Object.assign(positionOf(enabling.local.manifest.file, enabling.decl.span), {
          package: enabling.local.name,
          dependency: enabling.decl.key,
          ...(enabling.feature ? { feature: enabling.feature } : {}),
          crate: enabling.crate,
          ...(enabling.dependentFeature ? { dependentFeature: enabling.dependentFeature } : {}),
          ...(inherited ? { inheritedFrom: positionOf(inherited.file, inherited.span) } : {}),
        });
      }
    });
    return steps;
  };

  const assumedDep = (from: number, name: string) => summaries.get(from).dependencies.some((d) => d.name === name && d.assumed);
  const isUnverified = (found: ReachedBanned) =>
    possible.has(found) ||
    found.path.some((edge) => {
      if (edge.dep.assumed) return true;
      const { origin } = explainEdge(found.resolved, edge);
      return origin?.type === "dependent" && assumedDep(origin.from, origin.dep);
    });

  const rootFeatures = (root: number, found: ReachedBanned): string[] => {
    const names = new Set<string>();
    for (const edge of found.path) {
      const { features, origin } = explainEdge(found.resolved, edge);
      if (edge.from === root && features[0]) names.add(features[0]);
      if (origin?.type === "dependent" && origin.from === root && origin.feature) {
        const outer = explainFeature(found.resolved, root, FeaturesFor.Normal, origin.feature).features[0];
        if (outer) names.add(outer);
      }
    }
    if (names.size === 0) for (const name of activatedFeatures(found.resolved, root, FeaturesFor.Normal).keys()) names.add(name);
    return [...names].sort();
  };

  const known = allTargetCfgs();
  /**
   * The targets on which some build reaches the banned crate through the same local package and dependency: a build
   * whose root is a proc-macro judges its dependencies on the host, so another member's path can exist there on
   * targets where the member's own build does not have it. Undefined for every target.
   */
  const platformsOf = (found: readonly ReachedBanned[]): string[] | undefined => {
    const reached = found.flatMap((f) => f.targets ?? []);
    if (reached.length === 0 || found.some((f) => f.targets === null)) return undefined;
    const triples = platforms ? reached.flatMap((t) => platforms.classOf.get(t) ?? [t]) : reached;
    const distinct = [...new Set(triples)].sort();
    const total = platforms ? known.length : options.targets!.length;
    return distinct.length < total ? distinct : undefined;
  };

  return {
    complete,
    built(member, names) {
      const analysis = builds.get(member);
      if (!analysis) return [];
      return analysis.build.reachable(names && ((id) => names.has(packages[id]!.name))).map(({ id, fk, first, path }) => {
        const pkg = packages[id]!;
        const summary = summaries.get(id);
        // Through a path package or another member, the dependency that leads to it is that package's, not the member's.
        const edges = isLocal(first.to) ? path() : undefined;
        const exitAt = edges ? edges.findLastIndex((e) => isLocal(e.from)) : 0;
        const exit = edges ? edges[exitAt] : first;
        return {
          name: pkg.name,
          version: pkg.version,
          // Computed when a rule asks: a rule looks at a few crates of builds of thousands.
          get features() {
            return [...activatedFeatures(analysis.buildFeatures, id, fk).keys()].sort();
          },
          exact: !summary.incomplete,
          owner: exit?.from ?? first.from,
          via: exit?.to ?? first.to,
          // From the local package that owns the dependency, as a finding's why-path starts.
          path: () => {
            const owner = localById.get(exit?.from ?? first.from) ?? member;
            return [{ name: owner.name, version: owner.version ?? "", source: null }, ...(edges ?? path()).slice(exitAt).map((e) => stepFor(e.to))];
          },
        };
      });
    },
    reach(dependency) {
      const local = graph.localIds.get(dependency.member);
      const entries = dependency.lockId === undefined || local === undefined ? [] : (byLocal.get(local)?.get(dependency.lockId) ?? []);
      if (entries.length === 0) return [];
      // Each banned crate counts at the narrowest scope any build reaches it in.
      const narrowest = new Map<number, Scope>();
      for (const { found } of entries) {
        const known = narrowest.get(found.banned);
        if (known === undefined || SCOPE_RANK[found.scope] < SCOPE_RANK[known]) narrowest.set(found.banned, found.scope);
      }
      const groups: ReachGroup[] = [];
      for (const scope of ["normal", "build", "dev"] as Scope[]) {
        // A banned crate reached at a narrower scope is not repeated at a wider one.
        const atScope = entries.filter((e) => e.found.scope === scope && narrowest.get(e.found.banned) === scope);
        if (atScope.length === 0) continue;
        // The package's own build explains it best; otherwise the first build by name, for stable output.
        const own = atScope.filter((e) => e.build === dependency.member);
        const firstBuild = atScope.map((e) => e.build.name).sort()[0];
        const pool = own.length > 0 ? own : atScope.filter((e) => e.build.name === firstBuild);
        const shown = [...pool].sort(
          (a, b) => b.found.path.length - a.found.path.length || Number(!packages[a.found.banned]!.name.endsWith("-sys")) - Number(!packages[b.found.banned]!.name.endsWith("-sys")),
        )[0]!;
        const reaches = new Set(atScope.map((e) => packages[e.found.banned]!.name));
        const group: ReachGroup = {
          scope,
          reaches: [...reaches].sort(),
          path: toSteps(shown.found),
          decl: shown.found.direct.dep.decl ?? dependency.decl,
          builds: [...new Set(entries.filter((e) => reaches.has(packages[e.found.banned]!.name) && SCOPE_RANK[e.found.scope] <= SCOPE_RANK[scope]).map((e) => e.build.name))].sort(),
        };
        const platforms = platformsOf(atScope.filter((e) => e.found.banned === shown.found.banned).map((e) => e.found));
        if (platforms) group.platforms = platforms;
        if (atScope.some((e) => isUnverified(e.found))) group.unverified = true;
        if (atScope.every((e) => possible.has(e.found))) group.possible = true;
        if (options.request.allFeatures && !group.possible && atScope.every((e) => !defaultKeys.has(`${tripleKey(e.found)}\0${e.found.scope}`))) {
          group.condition = { features: rootFeatures(graph.localIds.get(shown.build)!, shown.found) };
        }
        groups.push(group);
      }
      return groups;
    },
    sources() {
      return summaries
        .touched()
        .map((s) => ({ name: packages[s.id]!.name, version: packages[s.id]!.version, provider: s.provider, origin: s.origin }))
        .sort((a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version));
    },
  };
}

/**
 * The package whose features every `cargo build -p M` run from the workspace root resolves beside M's, under cargo's
 * old command-line feature behaviour: the root package of a workspace under resolver 1 (`Workspace::
 * allows_new_cli_feature_behavior` is false). Undefined for a virtual workspace or resolver 2 and 3.
 */
export function currentPackageBeside(workspace: Workspace): LocalPackage | undefined {
  if (workspace.resolver !== "1" || !workspace.rootManifest.package) return undefined;
  return workspace.members.find((m) => m.manifest === workspace.rootManifest);
}

/**
 * Every (local package, non-local dependency) pair the lock lets a member's build contain: the member's own
 * dependencies of every kind, and the normal and build dependencies of the local packages it reaches over local
 * edges. Only pairs whose dependency is inside `within` can reach a banned crate.
 */
function localEdgesInLock(
  graph: DependencyGraph,
  root: number,
  isLocal: (id: number) => boolean,
  bannedIds: ReadonlySet<number>,
  within: PackageSet | undefined,
  /** Packages with a locked path to a local package: a `[patch]` puts a path package below a registry crate. */
  reachesLocal: PackageSet,
): LocalEdge[] {
  const pairs: LocalEdge[] = [];
  const seen = new Set([root]);
  const queue = [root];
  for (let head = 0; head < queue.length; head++) {
    const at = queue[head]!;
    for (const edge of graph.edges[at]!) {
      // Cargo builds the dev-dependencies of the member alone.
      if (edge.kind === "dev" && at !== root) continue;
      if (within !== undefined && within[edge.to] !== 1) continue;
      if (isLocal(at) && isFindingDependency(edge.to, isLocal, bannedIds)) pairs.push([at, edge.to]);
      if ((isLocal(edge.to) || reachesLocal[edge.to] === 1) && !seen.has(edge.to)) {
        seen.add(edge.to);
        queue.push(edge.to);
      }
    }
  }
  return pairs;
}

/** Known targets grouped by what the cfg keys of the audited packages say of them, with one representative each. */
interface PlatformClasses {
  representatives: TargetCfg[];
  /** Representative triple → every triple of its class. */
  classOf: Map<string, string[]>;
}

/**
 * Targets that every `[target.'…']` key on the audited packages' edges treats alike build the same graph: one
 * resolution and walk per class answers for all of them. The summaries read here are those the resolution reads anyway.
 */
function platformClasses(summaries: SummaryTable, count: number, within: PackageSet | undefined, cfgOf: (spec: string) => CfgExpr | null): PlatformClasses {
  const specs = new Map<string, CfgExpr | null>();
  for (let id = 0; id < count; id++) {
    if (within !== undefined && within[id] !== 1) continue;
    for (const dep of summaries.get(id).dependencies) {
      // A dependency outside `within` is neither resolved nor walked: its key cannot change an answer.
      if (dep.target === null || specs.has(dep.target) || (within !== undefined && within[dep.to] !== 1)) continue;
      specs.set(dep.target, cfgOf(dep.target));
    }
  }
  const exprs = [...specs.values()].filter((e): e is CfgExpr => e !== null);
  const classes = new Map<string, TargetCfg[]>();
  for (const target of allTargetCfgs()) {
    const key = exprs.map((e) => (evalCfg(e, target) ? "1" : "0")).join("");
    const members = classes.get(key);
    if (members) members.push(target);
    else classes.set(key, [target]);
  }
  const representatives: TargetCfg[] = [];
  const classOf = new Map<string, string[]>();
  for (const members of classes.values()) {
    representatives.push(members[0]!);
    classOf.set(members[0]!.triple, members.map((t) => t.triple));
  }
  return { representatives, classOf };
}
