// Feature resolution for every member of a workspace, turned into reach groups the rules can report.
import { allTargetCfgs } from "../../rules/data/targets.js";
import type { PathStep, ReachGroup, Scope } from "../engine/types.js";
import type { DependencyGraph } from "../graph/model.js";
import type { Problem } from "../problems.js";
import type { MetadataLookup } from "../registry/model.js";
import type { LocalPackage, Workspace } from "../workspace/model.js";
import { analyzeMember, lockBoundFound, reachKey, type MemberAnalysis, type ReachedBanned } from "./analyze.js";
import { evalCfg, parseCfg, type TargetCfg } from "./cfg.js";
import { explainEdge, explainFeature } from "./explain.js";
import { activatedFeatures, FeaturesFor, type FeatureRequest } from "./features.js";
import { packagesReaching } from "../graph/relevant.js";
import { SummaryTable, type PackageSummary } from "./summary.js";
import type { DirectDependency } from "../engine/types.js";
import { roleOf } from "../engine/run.js";

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
  /** Lock id of the member's direct dependency that leads to it. */
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
  const badCfgs = new Set<string>();
  // Local manifests' bad keys are reported by the loader; one in a published crate's manifest is reported here.
  const onBadCfg = (spec: string, error: Error) => {
    if (badCfgs.has(spec) || workspace.problems.some((p) => p.code === "cfg-syntax" && p.message.startsWith(error.message))) return;
    badCfgs.add(spec);
    problems.push({ severity: "warning", code: "cfg-syntax", message: `${error.message}; the dependency is kept for every target`, hint: "cargo rejects this target key too" });
  };
  const audited = options.audited;
  const within =
    audited === "all"
      ? undefined
      : packagesReaching(
          packages.length,
          (id, visit) => {
            for (const edge of graph.edges[id]!) visit(edge.to);
          },
          (id) => audited.has(packages[id]!.name),
        );
  const analyse = (member: LocalPackage, request: FeatureRequest, table: SummaryTable) =>
    analyzeMember(table, graph.localIds.get(member)!, { request, resolver: workspace.resolver, targets: options.targets, host: options.host, bannedIds, onBadCfg, lockReach: reachInLock, within });

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
  const byMember = new Map<LocalPackage, ReachedBanned[]>();
  const builds = new Map<LocalPackage, MemberAnalysis>();
  const possible = new Set<ReachedBanned>();
  const defaultKeys = new Map<LocalPackage, Set<string>>();
  const keyOf = (r: ReachedBanned) => `${reachKey(r.direct.to, r.banned)}\0${r.scope}`;
  // A member with no locked path to a banned or inspected crate can produce no finding: it is not resolved.
  const members = workspace.members.filter((m) => graph.localIds.has(m) && (options.members?.(m) ?? true) && (within === undefined || within[graph.localIds.get(m)!] === 1));
  for (const member of members) {
    const analysis = analyse(member, options.request, summaries);
    builds.set(member, analysis);
    byMember.set(member, analysis.found);
    if (options.request.allFeatures) defaultKeys.set(member, new Set(analyse(member, DEFAULT_REQUEST, summaries).found.map(keyOf)));
  }
  const complete = summaries.touched().every((s) => !s.incomplete);
  if (!complete) {
    for (const member of members) {
      const likely = new Set(byMember.get(member)!.map((r) => reachKey(r.direct.to, r.banned)));
      // The lock bounds what the sound pass can find: skip it when the likely pass already found all of that.
      const directs = graph.edges[graph.localIds.get(member)!]!.map((edge) => edge.to).filter((to) => !graph.memberIds.has(to) && (within === undefined || within[to] === 1));
      if (lockBoundFound(directs, reachInLock, likely)) continue;
      for (const found of analyse(member, options.request, soundSummaries).found) {
        if (likely.has(reachKey(found.direct.to, found.banned))) continue;
        possible.add(found);
        byMember.get(member)!.push(found);
      }
    }
  }

  // Each member's findings by direct dependency: `reach` is asked once per direct dependency, hundreds on a large member.
  const byDirect = new Map<LocalPackage, Map<number, ReachedBanned[]>>();
  const foundVia = (member: LocalPackage): Map<number, ReachedBanned[]> => {
    let index = byDirect.get(member);
    if (!index) {
      byDirect.set(member, (index = new Map()));
      for (const found of byMember.get(member) ?? []) {
        const list = index.get(found.direct.to);
        if (list) list.push(found);
        else index.set(found.direct.to, [found]);
      }
    }
    return index;
  };

  const stepFor = (id: number): PathStep => {
    const pkg = packages[id]!;
    const step: PathStep = { name: pkg.name, version: pkg.version, source: pkg.source };
    const role = roleOf(pkg.name, banned);
    if (role) step.role = role;
    step.provider = summaries.get(id).provider;
    return step;
  };

  const toSteps = (member: LocalPackage, found: ReachedBanned): PathStep[] => {
    const steps: PathStep[] = [{ name: member.name, version: member.version ?? "", source: null }];
    for (const edge of found.path) steps.push(stepFor(edge.to));
    found.path.forEach((edge, index) => {
      const { features, origin } = explainEdge(found.resolved, edge);
      if (features.length > 0) {
        steps[index]!.features = features;
        steps[index]!.via = features[0];
        if (origin?.type === "dependent" && origin.feature) {
          steps[index]!.enabledBy = { name: packages[origin.from]!.name, feature: origin.feature, local: packages[origin.from]!.source === null };
        }
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

  const platformsOf = (found: ReachedBanned): string[] | undefined => {
    if (found.targets) return options.targets && found.targets.length < options.targets.length ? [...found.targets] : undefined;
    const specs = found.path.map((e) => e.dep.target).filter((t): t is string => t !== null);
    if (specs.length === 0) return undefined;
    const known = allTargetCfgs();
    let matching: string[];
    try {
      const exprs = specs.map((s) => parseCfg(s));
      matching = known.filter((t) => exprs.every((e) => evalCfg(e, t))).map((t) => t.triple);
    } catch {
      return undefined;
    }
    return matching.length === known.length ? undefined : matching;
  };

  return {
    complete,
    built(member, names) {
      const analysis = builds.get(member);
      if (!analysis) return [];
      return analysis.build.reachable(names && ((id) => names.has(packages[id]!.name))).map(({ id, fk, first, path }) => {
        const pkg = packages[id]!;
        const summary = summaries.get(id);
        return {
          name: pkg.name,
          version: pkg.version,
          // Computed when a rule asks: a rule looks at a few crates of builds of thousands.
          get features() {
            return [...activatedFeatures(analysis.buildFeatures, id, fk).keys()].sort();
          },
          exact: !summary.incomplete,
          via: first.to,
          path: () => [{ name: member.name, version: member.version ?? "", source: null }, ...path().map((e) => stepFor(e.to))],
        };
      });
    },
    reach(dependency) {
      const found = dependency.lockId === undefined ? [] : (foundVia(dependency.member).get(dependency.lockId) ?? []);
      const root = graph.localIds.get(dependency.member)!;
      const groups: ReachGroup[] = [];
      for (const scope of ["normal", "build", "dev"] as Scope[]) {
        // A banned crate reached at a narrower scope is not repeated at a wider one.
        const atScope = found.filter((r) => r.scope === scope);
        if (atScope.length === 0) continue;
        const shown = [...atScope].sort((a, b) => b.path.length - a.path.length || Number(!packages[a.banned]!.name.endsWith("-sys")) - Number(!packages[b.banned]!.name.endsWith("-sys")))[0]!;
        const group: ReachGroup = {
          scope,
          reaches: [...new Set(atScope.map((r) => packages[r.banned]!.name))].sort(),
          path: toSteps(dependency.member, shown),
          decl: shown.direct.dep.decl ?? dependency.decl,
        };
        const platforms = platformsOf(shown);
        if (platforms) group.platforms = platforms;
        if (atScope.some(isUnverified)) group.unverified = true;
        if (atScope.every((r) => possible.has(r))) group.possible = true;
        const defaults = defaultKeys.get(dependency.member);
        if (defaults && !group.possible && atScope.every((r) => !defaults.has(keyOf(r)))) group.condition = { features: rootFeatures(root, shown) };
        groups.push(group);
      }
      return groups.sort((a, b) => SCOPE_RANK[a.scope] - SCOPE_RANK[b.scope]);
    },
    sources() {
      return summaries
        .touched()
        .map((s) => ({ name: packages[s.id]!.name, version: packages[s.id]!.version, provider: s.provider, origin: s.origin }))
        .sort((a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version));
    },
  };
}
