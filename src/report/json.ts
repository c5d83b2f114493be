// The `--format json` document: a stable contract, documented in docs/json-format.md.
import type { AuditResult } from "../audit.js";
import { allProblems } from "../audit.js";
import type { Finding, PathStep } from "../engine/types.js";
import type { Problem } from "../problems.js";
import { displayPath, formatMessage } from "./message.js";

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
  scope: Finding["scope"];
  target: string | null;
  reaches: string[];
  path: PathStep[];
  manifest: string;
  line: number;
  column: number;
  inheritedFrom: { manifest: string; line: number; column: number } | null;
  fix: null;
}

export interface JsonReport {
  schemaVersion: number;
  tool: { name: string; version: string };
  workspaces: { root: string; lockfile: string | null; lockfileVersion: number | null; members: string[]; resolution: string }[];
  findings: JsonFinding[];
  problems: { severity: Problem["severity"]; code: string; message: string; file: string | null; line: number | null; column: number | null; hint: string | null }[];
  summary: { errors: number; warnings: number; problems: number };
}

export function toJsonReport(result: AuditResult, tool: { name: string; version: string }, cwd: string): JsonReport {
  const rel = (p: string) => displayPath(p, cwd);
  const findings = result.workspaces.flatMap((w) => w.findings);
  return {
    schemaVersion: JSON_SCHEMA_VERSION,
    tool,
    workspaces: result.workspaces.map((w) => ({
      root: rel(w.workspace.root),
      lockfile: w.workspace.lockfilePath ? rel(w.workspace.lockfilePath) : null,
      lockfileVersion: w.workspace.lockfile?.version ?? null,
      members: w.workspace.members.map((m) => m.name),
      resolution: w.resolution,
    })),
    findings: findings.map((f) => ({
      ruleId: f.ruleId,
      severity: f.severity,
      message: formatMessage(f),
      workspace: rel(f.workspace),
      member: f.member,
      dependency: f.dependency,
      dependencyVersion: f.dependencyVersion,
      dependencyKey: f.dependencyKey,
      scope: f.scope,
      target: f.target,
      reaches: f.reaches,
      path: f.path,
      manifest: rel(f.manifest),
      line: f.line,
      column: f.column,
      inheritedFrom: f.inheritedFrom ? { ...f.inheritedFrom, manifest: rel(f.inheritedFrom.manifest) } : null,
      fix: f.fix,
    })),
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
    },
  };
}
