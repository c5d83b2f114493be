// Runs every rule over each workspace member's direct dependencies and collects findings.
import { tlsCrate } from "../../rules/data/tls-crates.js";
import { buildGraph } from "../graph/build.js";
import type { DependencyGraph } from "../graph/model.js";
import { findReachedCrates, type ReachedCrate } from "../graph/paths.js";
import type { Problem } from "../problems.js";
import type { MetadataLookup } from "../registry/model.js";
import type { TargetCfg } from "../resolve/cfg.js";
import type { FeatureRequest } from "../resolve/features.js";
import { currentPackageBeside, resolveWorkspace, type WorkspaceResolution } from "../resolve/workspace.js";
import { isFindingDependency } from "../resolve/analyze.js";
import { unknownFeatures } from "../resolve/feature-request.js";
import { localManifests, type LocalPackage, type Workspace } from "../workspace/model.js";
import type { Stage } from "../workspace/load.js";
import type { AllowEntry, ConfiguredSeverity, SeverityKey } from "../config/config.js";
import { applyAllows, type Suppression } from "./allow.js";
import { refreshLock, refreshProblems } from "../lockfile/refresh.js";
import { markUncertainFindings } from "./refreshed.js";
import type { DirectDependency, Finding, PathStep, ReachGroup, Rule, RuleContext, RuleReport, Scope, Severity } from "./types.js";

/** How the dependency graph behind the findings was obtained; see docs/json-format.md. */
export type Resolution = "exact" | "partial" | "lockfile" | "manifest" | "unlocked";

export interface ResolutionOptions {
  request: FeatureRequest;
  /** Null for every target. */
  targets: readonly TargetCfg[] | null;
  host: TargetCfg;
  metadata?: MetadataLookup;
  /** Only these members are resolved; the others get no findings (see `AuditRequest.members`). */
  members?: (member: LocalPackage) => boolean;
}

export interface AuditOptions {
  rules: readonly Rule[];
  timings?: { time<T>(stage: string, run: () => T): T };
  bannedCrates: readonly string[];
  /** Per-scope severity from the configuration; "off" drops the finding. */
  severity?: Partial<Record<SeverityKey, ConfiguredSeverity>>;
  /** [[allow]] entries; inline `# tls-audit: allow(...)` comments are always honoured. */
  allow?: readonly AllowEntry[];
  /** Feature resolution; without it the lockfile graph is used as is. */
  resolution?: ResolutionOptions;
  /** Findings left in the order rules report them, to check fixes against (`AuditRequest.unordered`). */
  unordered?: boolean;
}

export interface WorkspaceAudit {
  workspace: Workspace;
  resolution: Resolution;
  findings: Finding[];
  problems: Problem[];
  /** Resolved mode: which provider described each package the resolution touched. */
  sources?: { name: string; version: string; provider: string; origin?: string }[];
  /** Findings an allow entry or an inline allow took out, with the reason given. */
  suppressed: Suppression[];
  /**
   * Runs more rules' `memberBuild` over the builds this audit already resolved, reporting nothing: what a fix's
   * verification records of the builds before any edit, without resolving them again.
   */
  inspectBuilds(rules: readonly Rule[]): void;
}

const SCOPE_RANK: Record<Scope, number> = { normal: 0, build: 1, dev: 2 };
const widerScope = (a: Scope, b: Scope): Scope => (SCOPE_RANK[a] >= SCOPE_RANK[b] ? a : b);

/** The one place severities are decided: a rule's default applies to what ships; build and dev scopes warn. */
export function severityFor(rule: Rule, group: Pick<ReachGroup, "scope" | "possible">): Severity {
  return group.scope === "normal" && !group.possible ? rule.meta.defaultSeverity : "warning";
}

/** Role of a crate on a why-path. */
export function roleOf(name: string, banned: ReadonlySet<string>): PathStep["role"] {
  return banned.has(name) ? "banned" : tlsCrate(name)?.role === "tls-wrapper" ? "tls-wrapper" : undefined;
}

function stepOf(graph: DependencyGraph, id: number, banned: ReadonlySet<string>): PathStep {
  const pkg = graph.lockfile.packages[id]!;
  const role = roleOf(pkg.name, banned);
  return role ? { name: pkg.name, version: pkg.version, source: pkg.source, role } : { name: pkg.name, version: pkg.version, source: pkg.source };
}

/** The path to show: the narrowest scope first, then the deepest banned crate, preferring the `-sys` crate that links C. */
function pickPath(reached: ReachedCrate[], graph: DependencyGraph): ReachedCrate {
  const linksC = (r: ReachedCrate) => (graph.lockfile.packages[r.id]!.name.endsWith("-sys") ? 0 : 1);
  return [...reached].sort((a, b) => {
    if (a.scope !== b.scope) return a.scope === "normal" ? -1 : 1;
    return b.path.length - a.path.length || linksC(a) - linksC(b);
  })[0]!;
}

/** Reach over the lockfile graph: every locked edge counts, as if every feature and target were on. */
function lockfileReach(graph: DependencyGraph, banned: ReadonlySet<string>): RuleContext["reach"] {
  const cache = new Map<number, ReachedCrate[]>();
  return (dependency) => {
    if (dependency.lockId === undefined) return [];
    let reached = cache.get(dependency.lockId);
    if (!reached) {
      reached = findReachedCrates(graph, dependency.lockId, banned);
      cache.set(dependency.lockId, reached);
    }
    if (reached.length === 0) return [];
    const shown = pickPath(reached, graph);
    const memberStep: PathStep = { name: dependency.member.name, version: dependency.member.version ?? "", source: null };
    return [
      {
        scope: widerScope(dependency.decl.kind, shown.scope),
        reaches: [...new Set(reached.map((r) => graph.lockfile.packages[r.id]!.name))].sort(),
        path: [memberStep, ...shown.path.map((id) => stepOf(graph, id, banned))],
        decl: dependency.decl,
      },
    ];
  };
}

/** Without a lock only the declarations are known: a dependency on a banned crate or an always-native wrapper. */
function manifestReach(banned: ReadonlySet<string>): RuleContext["reach"] {
  return (dependency) => {
    const crate = tlsCrate(dependency.decl.package);
    const reaches = banned.has(dependency.decl.package) ? [dependency.decl.package] : (crate?.implies ?? []).filter((n) => banned.has(n));
    if (reaches.length === 0) return [];
    const memberStep: PathStep = { name: dependency.member.name, version: dependency.member.version ?? "", source: null };
    const step: PathStep = { name: dependency.decl.package, version: dependency.decl.version ?? "*", source: null };
    const role = roleOf(dependency.decl.package, banned);
    if (role) step.role = role;
    return [{ scope: dependency.decl.kind, reaches, path: [memberStep, step], decl: dependency.decl }];
  };
}

export function auditWorkspace(workspace: Workspace, options: AuditOptions): WorkspaceAudit {
  const problems = [...workspace.problems];
  const banned = new Set(options.bannedCrates);
  // Only --timings reads the clock: a plain run calls each stage directly.
  const timings = options.timings;
  const stage: Stage = timings ? (name, run) => timings.time(name, run) : (_name, run) => run();
  // A stale lock is refreshed in memory, and a missing one generated, as cargo would (lockfile/refresh.ts).
  // A lock that cannot be read is an error of its own (exit 2): its workspace keeps the manifests-only view.
  const noLock = !workspace.lockfile && workspace.problems.some((p) => p.code === "lockfile-missing");
  const audited = auditedCrates(banned, options.rules);
  // Under resolver 2 another member's features do not reach a member's build: a re-audit of a few members walks from them.
  const refresh = () => refreshLock(workspace, workspace.lockfile, options.resolution?.metadata, audited, options.resolution?.members);
  const refreshed = workspace.lockfile || (options.resolution && noLock) ? stage("refresh lock", refresh) : undefined;
  if (refreshed) problems.splice(0, problems.length, ...refreshProblems(problems, refreshed));
  const graph = refreshed ? buildGraph(workspace, refreshed.lockfile, problems) : undefined;
  let resolution: Resolution = "manifest";
  let reach = manifestReach(banned);
  let resolved: WorkspaceResolution | undefined;

  const findings = new Map<string, Finding>();
  // Rules are created first: which crates they look at in builds bounds what the resolution must cover.
  const rules = options.rules.map((rule) => {
    const context: RuleContext = {
      workspace,
      bannedCrates: banned,
      reach: (dependency) => reach(dependency),
      report(report: RuleReport) {
        const finding = toFinding(rule, report, workspace, graph);
        // One finding per (member, dependency, scope).
        const key = `${rule.meta.id}\0${report.dependency.member.dir}\0${report.dependency.lockId ?? report.dependency.decl.package}\0${finding.scope}`;
        if (!findings.has(key)) findings.set(key, finding);
      },
    };
    return rule.create(context);
  });

  if (options.resolution) {
    for (const message of unknownFeatures(options.resolution.request, workspace.members, currentPackageBeside(workspace))) {
      problems.push({ severity: "error", code: "feature-unknown", message: `requested features (--features or [resolve] features): ${message}`, hint: "cargo rejects the same request; the feature is ignored" });
    }
  }
  if (graph && options.resolution) {
    const settings = { ...options.resolution, audited };
    const run = () => resolveWorkspace(workspace, graph, banned, settings, problems);
    resolved = stage("resolve", run);
    problems.push(...(options.resolution.metadata?.problems ?? []));
    resolution = refreshed?.unlocked ? "unlocked" : resolved.complete ? "exact" : "partial";
    reach = resolved.reach;
  } else if (graph) {
    resolution = "lockfile";
    reach = lockfileReach(graph, banned);
  }

  const dependencies = directDependencies(workspace, graph, banned);
  const direct = new Map(dependencies.filter((d) => d.lockId !== undefined).map((d) => [`${graph?.localIds.get(d.member)}\0${d.lockId}`, d]));
  const memberBuilds = (handlers: ReturnType<Rule["create"]>, looked: Rule["meta"]["buildCrates"]) => {
    if (!handlers.memberBuild || !looked || !resolved) return;
    for (const member of workspace.members) {
      const built = resolved.built(member, looked === "all" ? undefined : new Set(looked)).flatMap((p) => {
        const dependency = direct.get(`${p.owner}\0${p.via}`);
        // `features` stays a getter: sorting every built crate's features would dominate large workspaces.
        return dependency ? [{ name: p.name, version: p.version, get features() { return p.features; }, exact: p.exact, dependency, path: p.path }] : [];
      });
      handlers.memberBuild(member, built);
    }
  };
  const runRules = () => {
    rules.forEach((handlers, index) => {
      if (handlers.directDependency) for (const dependency of dependencies) handlers.directDependency(dependency);
      memberBuilds(handlers, options.rules[index]!.meta.buildCrates);
    });
  };
  stage("rules", runRules);
  if (refreshed) markUncertainFindings(findings.values(), refreshed);
  const configured = [...findings.values()].flatMap((finding) => {
    const level = options.severity?.[finding.scope];
    if (level === "off") return [];
    // A configured level applies to what is known; a merely possible finding stays a warning.
    if (level) finding.severity = finding.possible ? "warning" : level;
    // `[severity] possible = "error"` (`--fail-on possible`): an undecided finding fails where a decided one would.
    if (finding.possible && options.severity?.possible === "error" && (level ?? (finding.scope === "normal" ? "error" : "warning")) === "error") finding.severity = "error";
    return [finding];
  });
  const texts = new Map(localManifests(workspace).map((m) => [m.file, m.text]));
  const { kept, suppressed, problems: allowProblems } = applyAllows(configured, options.allow ?? [], texts);
  problems.push(...allowProblems);
  // Ordering reads positions, and a manifest's positions cost a parse that checking a fix never needs.
  const sorted = options.unordered ? kept : kept.sort((a, b) => a.manifest.localeCompare(b.manifest) || a.line - b.line || SCOPE_RANK[a.scope] - SCOPE_RANK[b.scope]);
  const inspectBuilds = (more: readonly Rule[]) => {
    for (const rule of more) {
      const context: RuleContext = { workspace, bannedCrates: banned, reach: (dependency) => reach(dependency), report: () => {} };
      memberBuilds(rule.create(context), rule.meta.buildCrates);
    }
  };
  return { workspace, resolution, findings: sorted, problems, sources: resolved?.sources(), suppressed, inspectBuilds };
}

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
 * The direct dependencies of every local package (members, and the path packages the lock builds), local packages
 * excluded, one per locked package, in manifest order. A path package's dependencies matter in the builds of the
 * members that reach it: `cargo tree -p M -i openssl-sys` shows them.
 */
export function directDependencies(workspace: Workspace, graph: DependencyGraph | undefined, banned: ReadonlySet<string> = new Set()): DirectDependency[] {
  const memberDirs = new Set(workspace.members.map((m) => m.dir));
  const result: DirectDependency[] = [];
  if (!graph) {
    for (const member of workspace.members) {
      for (const decl of member.dependencies) {
        if (decl.pathDir === undefined || !memberDirs.has(decl.pathDir)) result.push({ member, decl });
      }
    }
    return result;
  }
  const localIds = new Set(graph.localIds.values());
  const isLocal = (id: number) => localIds.has(id);
  const bannedIds = new Set([...localIds].filter((id) => banned.has(graph.lockfile.packages[id]!.name)));
  for (const local of [...workspace.members, ...workspace.pathPackages]) {
    const id = graph.localIds.get(local);
    if (id === undefined) continue;
    const seen = new Set<number>();
    for (const edge of [...graph.edges[id]!].sort((a, b) => SCOPE_RANK[a.kind] - SCOPE_RANK[b.kind])) {
      if (!edge.decl || !isFindingDependency(edge.to, isLocal, bannedIds) || seen.has(edge.to)) continue;
      seen.add(edge.to);
      result.push({ member: local, decl: edge.decl, lockId: edge.to });
    }
  }
  return result;
}

/** A manifest position whose line and column are read through: a span's position costs a parse only when asked for. */
export function positionOf(manifest: string, span: { line: number; column: number }): { manifest: string; line: number; column: number } {
  return {
    manifest,
    get line() {
      return span.line;
    },
    get column() {
      return span.column;
    },
  };
}

function toFinding(rule: Rule, report: RuleReport, workspace: Workspace, graph: DependencyGraph | undefined): Finding {
  const { member, lockId } = report.dependency;
  const { group } = report;
  const decl = group.decl;
  const pkg = graph && lockId !== undefined ? graph.lockfile.packages[lockId] : undefined;
  const finding: Finding = {
    ruleId: rule.meta.id,
    severity: severityFor(rule, group),
    messageId: report.messageId,
    data: report.data,
    workspace: workspace.root,
    member: member.name,
    dependency: pkg?.name ?? decl.package,
    dependencyVersion: pkg?.version ?? decl.version ?? "",
    dependencyKey: decl.key,
    scope: group.scope,
    declaredAs: decl.kind,
    target: decl.target,
    reaches: group.reaches,
    path: group.path,
    manifest: member.manifest.file,
    // Read through: a declaration's position is found (a parse of its manifest with positions) only when asked for.
    get line() {
      return decl.span.line;
    },
    get column() {
      return decl.span.column;
    },
    inheritedFrom: decl.inheritedFrom && positionOf(decl.inheritedFrom.file, decl.inheritedFrom.span),
    decl,
    fix: null,
  };
  if (group.platforms) finding.platforms = group.platforms;
  if (group.unverified) finding.unverified = true;
  if (group.possible) finding.possible = true;
  if (group.condition) finding.condition = group.condition;
  if (group.builds) finding.builds = group.builds;
  if (!member.isMember) finding.pathPackage = true;
  return finding;
}
