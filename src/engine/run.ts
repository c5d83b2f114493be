// Runs every rule over each workspace member's direct dependencies and collects findings.
import { tlsCrate } from "../../rules/data/tls-crates.js";
import { buildGraph } from "../graph/build.js";
import type { DependencyGraph } from "../graph/model.js";
import { findReachedCrates, type ReachedCrate } from "../graph/paths.js";
import type { Problem } from "../problems.js";
import type { Workspace } from "../workspace/model.js";
import type { DirectDependency, Finding, PathStep, Rule, RuleContext, RuleReport, Scope, Severity } from "./types.js";

/** How the dependency graph was obtained; see docs/json-format.md. */
export type Resolution = "lockfile" | "manifest";

export interface AuditOptions {
  rules: readonly Rule[];
  bannedCrates: readonly string[];
}

export interface WorkspaceAudit {
  workspace: Workspace;
  resolution: Resolution;
  findings: Finding[];
  problems: Problem[];
}

const SCOPE_RANK: Record<Scope, number> = { normal: 0, build: 1, dev: 2 };
const widerScope = (a: Scope, b: Scope): Scope => (SCOPE_RANK[a] >= SCOPE_RANK[b] ? a : b);

/** The one place severities are decided: a rule's default applies to what ships; build and dev scopes warn. */
export function severityFor(rule: Rule, scope: Scope): Severity {
  return scope === "normal" ? rule.meta.defaultSeverity : "warning";
}

function stepOf(graph: DependencyGraph, id: number, banned: ReadonlySet<string>): PathStep {
  const pkg = graph.lockfile.packages[id]!;
  const role = banned.has(pkg.name) ? "banned" : tlsCrate(pkg.name)?.role === "tls-wrapper" ? "tls-wrapper" : undefined;
  return role ? { name: pkg.name, version: pkg.version, source: pkg.source, role } : { name: pkg.name, version: pkg.version, source: pkg.source };
}

/** Picks the path to show: the narrowest scope first, then the deepest banned crate (the one that links the C library). */
function pickPath(reached: ReachedCrate[], graph: DependencyGraph): ReachedCrate {
  const linksC = (r: ReachedCrate) => (graph.lockfile.packages[r.id]!.name.endsWith("-sys") ? 0 : 1);
  return [...reached].sort((a, b) => {
    if (a.scope !== b.scope) return a.scope === "normal" ? -1 : 1;
    return b.path.length - a.path.length || linksC(a) - linksC(b);
  })[0]!;
}

export function auditWorkspace(workspace: Workspace, options: AuditOptions): WorkspaceAudit {
  const problems = [...workspace.problems];
  const banned = new Set(options.bannedCrates);
  const graph = workspace.lockfile ? buildGraph(workspace, workspace.lockfile, problems) : undefined;
  const resolution: Resolution = graph ? "lockfile" : "manifest";
  const reachCache = new Map<number, ReachedCrate[]>();

  const reach: RuleContext["reach"] = (dependency) => {
    const memberStep: PathStep = { name: dependency.member.name, version: dependency.member.version ?? "", source: null };
    if (!graph || dependency.lockId === undefined) {
      // Without a lock only the declaration itself is known.
      const crate = tlsCrate(dependency.decl.package);
      const reaches = banned.has(dependency.decl.package) ? [dependency.decl.package] : (crate?.implies ?? []).filter((n) => banned.has(n));
      if (reaches.length === 0) return undefined;
      const step: PathStep = { name: dependency.decl.package, version: dependency.decl.version ?? "*", source: null, role: crate?.role };
      return { scope: dependency.decl.kind, reaches, path: [memberStep, step] };
    }
    let reached = reachCache.get(dependency.lockId);
    if (!reached) {
      reached = findReachedCrates(graph, dependency.lockId, banned);
      reachCache.set(dependency.lockId, reached);
    }
    if (reached.length === 0) return undefined;
    const shown = pickPath(reached, graph);
    return {
      scope: widerScope(dependency.decl.kind, shown.scope),
      reaches: [...new Set(reached.map((r) => graph.lockfile.packages[r.id]!.name))].sort(),
      path: [memberStep, ...shown.path.map((id) => stepOf(graph, id, banned))],
    };
  };

  const findings = new Map<string, Finding>();
  for (const rule of options.rules) {
    const context: RuleContext = {
      workspace,
      bannedCrates: banned,
      reach,
      report(report: RuleReport) {
        const finding = toFinding(rule, report, workspace, graph);
        const key = `${rule.meta.id}\0${report.dependency.member.dir}\0${report.dependency.lockId ?? report.dependency.decl.package}`;
        const previous = findings.get(key);
        // One finding per (member, dependency): the narrowest scope wins, then the first declaration.
        if (!previous || SCOPE_RANK[finding.scope] < SCOPE_RANK[previous.scope]) findings.set(key, finding);
      },
    };
    const handlers = rule.create(context);
    if (!handlers.directDependency) continue;
    for (const dependency of directDependencies(workspace, graph)) handlers.directDependency(dependency);
  }
  return { workspace, resolution, findings: [...findings.values()], problems };
}

/** The members' direct dependencies, excluding other members, in manifest order. */
export function directDependencies(workspace: Workspace, graph: DependencyGraph | undefined): DirectDependency[] {
  const memberDirs = new Set(workspace.members.map((m) => m.dir));
  const result: DirectDependency[] = [];
  for (const member of workspace.members) {
    if (!graph) {
      for (const decl of member.dependencies) {
        if (decl.pathDir === undefined || !memberDirs.has(decl.pathDir)) result.push({ member, decl });
      }
      continue;
    }
    const id = graph.localIds.get(member);
    if (id === undefined) continue;
    for (const edge of graph.edges[id]!) {
      if (!edge.decl || graph.memberIds.has(edge.to)) continue;
      result.push({ member, decl: edge.decl, lockId: edge.to });
    }
  }
  return result;
}

function toFinding(rule: Rule, report: RuleReport, workspace: Workspace, graph: DependencyGraph | undefined): Finding {
  const { member, decl, lockId } = report.dependency;
  const pkg = graph && lockId !== undefined ? graph.lockfile.packages[lockId] : undefined;
  return {
    ruleId: rule.meta.id,
    severity: severityFor(rule, report.scope),
    messageId: report.messageId,
    data: report.data,
    workspace: workspace.root,
    member: member.name,
    dependency: pkg?.name ?? decl.package,
    dependencyVersion: pkg?.version ?? decl.version ?? "",
    dependencyKey: decl.key,
    scope: report.scope,
    target: decl.target,
    reaches: report.reaches,
    path: report.path,
    manifest: member.manifest.file,
    line: decl.span.line,
    column: decl.span.column,
    inheritedFrom: decl.inheritedFrom
      ? { manifest: decl.inheritedFrom.file, line: decl.inheritedFrom.span.line, column: decl.inheritedFrom.span.column }
      : undefined,
    fix: null,
  };
}
