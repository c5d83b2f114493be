// The `--format json` document: a stable contract, documented in docs/json-format.md.
import type { AuditResult } from "../audit.js";
import { allProblems } from "../audit.js";
import type { EnabledAt, Finding, FindingFix, PathStep } from "../engine/types.js";
import type { Problem } from "../problems.js";
import { displayPath, enabledAtOf, formatMessage } from "./message.js";

export const JSON_SCHEMA_VERSION = 1;

export interface JsonFinding {
  ruleId: string;
  severity: Finding["severity"];
  message: string;
  workspace: string;
  member: string;
  dependency: string;
  dependencyVersion: string;
  dependencyKey: string;
  /** The builds that reach the banned crate. */
  scope: Finding["scope"];
  /** The table that declares the dependency; wider than `scope` when only other tables' features bring native TLS. */
  declaredAs: Finding["declaredAs"];
  target: string | null;
  reaches: string[];
  path: PathStep[];
  manifest: string;
  line: number;
  column: number;
  inheritedFrom: { manifest: string; line: number; column: number } | null;
  /** Target triples the finding applies to, when not every known one; absent otherwise. */
  platforms?: string[];
  /** The path crosses a crate whose metadata was missing or partial. */
  unverified?: boolean;
  /** Only possible: found when crates without metadata are assumed to enable any feature. */
  possible?: boolean;
  /** With --all-features: the member features the finding needs. */
  condition?: { features: string[] };
  /** The members whose builds reach it (resolved modes). */
  builds?: string[];
  /** `member` is a path package outside the workspace's members. */
  pathPackage?: true;
  /** The local declaration that switched native TLS on, when it is not this finding's own line. */
  enabledAt?: EnabledAt;
  fix: FindingFix | null;
}

export interface JsonReport {
  schemaVersion: number;
  tool: { name: string; version: string };
  workspaces: {
    root: string;
    lockfile: string | null;
    lockfileVersion: number | null;
    members: string[];
    resolution: string;
    /** How many crates each metadata source described (resolved modes). */
    providers?: Record<string, number>;
    /** With --explain: the source of every crate the resolution touched. */
    sources?: { name: string; version: string; provider: string; origin?: string }[];
  }[];
  findings: JsonFinding[];
  problems: { severity: Problem["severity"]; code: string; message: string; file: string | null; line: number | null; column: number | null; hint: string | null }[];
  summary: { errors: number; warnings: number; problems: number; suppressed: number };
  /** With --write or --diff: what happened to the manifests (paths relative to the cwd). */
  write?: JsonWriteOutcome;
}

/** The outcome of --write (`written`, `failed`, `refused`) or --diff (`diffs`), as the CLI hands it to the report. */
export interface JsonWriteOutcome {
  mode: "write" | "diff";
  written: string[];
  failed: { path: string; reason: string }[];
  /** Why nothing was written at all (input errors), when that is the case. */
  refused?: string;
  /** --diff: one unified diff per manifest the fixes would change. */
  diffs?: { path: string; diff: string }[];
}

export function toJsonReport(result: AuditResult, tool: { name: string; version: string }, cwd: string, options: { explain?: boolean; write?: JsonWriteOutcome } = {}): JsonReport {
  const rel = (p: string) => displayPath(p, cwd);
  const findings = result.workspaces.flatMap((w) => w.findings);
  return {
    schemaVersion: JSON_SCHEMA_VERSION,
    tool,
    workspaces: result.workspaces.map((w) => {
      const entry: JsonReport["workspaces"][number] = {
        root: rel(w.workspace.root),
        lockfile: w.workspace.lockfilePath ? rel(w.workspace.lockfilePath) : null,
        lockfileVersion: w.workspace.lockfile?.version ?? null,
        members: w.workspace.members.map((m) => m.name),
        resolution: w.resolution,
      };
      if (w.sources) {
        entry.providers = {};
        for (const source of w.sources) entry.providers[source.provider] = (entry.providers[source.provider] ?? 0) + 1;
        if (options.explain) entry.sources = w.sources.map((s) => ({ ...s, origin: s.origin && (s.origin.startsWith("/") ? rel(s.origin) : s.origin) }));
      }
      return entry;
    }),
    findings: findings.map((f) => {
      const entry: JsonFinding = {
      ruleId: f.ruleId,
      severity: f.severity,
      message: formatMessage(f),
      workspace: rel(f.workspace),
      member: f.member,
      dependency: f.dependency,
      dependencyVersion: f.dependencyVersion,
      dependencyKey: f.dependencyKey,
      scope: f.scope,
      declaredAs: f.declaredAs,
      target: f.target,
      reaches: f.reaches,
      path: f.path.map((step) => (step.enabledAt ? { ...step, enabledAt: relativeEnabledAt(step.enabledAt, rel) } : step)),
      manifest: rel(f.manifest),
      line: f.line,
      column: f.column,
      inheritedFrom: f.inheritedFrom ? { ...f.inheritedFrom, manifest: rel(f.inheritedFrom.manifest) } : null,
      fix: f.fix && (f.fix.fixable ? { ...f.fix, changes: f.fix.changes.map((c) => ({ ...c, manifest: rel(c.manifest) })), edits: f.fix.edits.map((e) => ({ ...e, manifest: rel(e.manifest) })) } : f.fix),
      };
      if (f.platforms) entry.platforms = f.platforms;
      if (f.unverified) entry.unverified = true;
      if (f.possible) entry.possible = true;
      if (f.condition) entry.condition = f.condition;
      if (f.builds) entry.builds = f.builds;
      if (f.pathPackage) entry.pathPackage = true;
      const enabled = enabledAtOf(f);
      if (enabled) entry.enabledAt = relativeEnabledAt(enabled, rel);
      return entry;
    }),
    problems: allProblems(result).map((p) => ({
      severity: p.severity,
      code: p.code,
      message: p.message,
      file: p.file ? rel(p.file) : null,
      line: p.position?.line ?? null,
      column: p.position?.column ?? null,
      hint: p.hint ?? null,
    })),
    summary: {
      errors: findings.filter((f) => f.severity === "error").length,
      warnings: findings.filter((f) => f.severity === "warning").length,
      problems: allProblems(result).length,
      suppressed: result.workspaces.reduce((n, w) => n + w.suppressed.length, 0),
    },
    ...(options.write ? { write: { ...options.write, written: options.write.written.map(rel), failed: options.write.failed.map((f) => ({ ...f, path: rel(f.path) })), ...(options.write.diffs ? { diffs: options.write.diffs.map((d) => ({ ...d, path: rel(d.path) })) } : {}) } } : {}),
  };
}

function relativeEnabledAt(at: EnabledAt, rel: (path: string) => string): EnabledAt {
  // The documented key order, whatever order the finding's object has.
  const entry: EnabledAt = {
    package: at.package,
    dependency: at.dependency,
    ...(at.feature !== undefined ? { feature: at.feature } : {}),
    crate: at.crate,
    ...(at.dependentFeature !== undefined ? { dependentFeature: at.dependentFeature } : {}),
    manifest: rel(at.manifest),
    line: at.line,
    column: at.column,
  };
  if (at.inheritedFrom) entry.inheritedFrom = { manifest: rel(at.inheritedFrom.manifest), line: at.inheritedFrom.line, column: at.inheritedFrom.column };
  return entry;
}
