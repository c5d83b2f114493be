// --write and --diff: turns a verified FixOutcome into diffs, atomic writes and a summary of what needs a human.
import { createTwoFilesPatch } from "diff";
import type { AuditResult } from "../audit.js";
import type { FixOutcome } from "../fix/run.js";
import { HostWriteError, isReadOnly, READ_ONLY, writeFileAtomic } from "../host/write.js";
import { displayPath } from "../report/message.js";
import { escapeControl, type Palette } from "../report/stylish.js";

/** One unified diff per verified rewrite, paths relative to the cwd (absolute `path` kept for the JSON report). */
export function diffsOf(outcome: FixOutcome, cwd: string): { path: string; diff: string }[] {
  return outcome.files.map((file) => {
    const path = displayPath(file.path, cwd);
    return { path: file.path, diff: createTwoFilesPatch(`a/${path}`, `b/${path}`, file.before, file.after, undefined, undefined, { context: 3 }) };
  });
}

/** Unified diffs of every verified rewrite, paths relative to the cwd. */
export function formatDiffs(outcome: FixOutcome, cwd: string): string {
  return diffsOf(outcome, cwd).map((d) => d.diff).join("");
}

export interface WriteReport {
  written: string[];
  failed: { path: string; reason: string }[];
  /** Why nothing was written at all, when the run's input had errors. */
  refused?: string;
}

/** Said for every manifest of a run whose input had errors: a fix planned over a half-read workspace is not trusted. */
export const INPUT_ERRORS =
  "the input has errors (listed above); a fix planned over a workspace that was not fully read could be wrong, so tls-audit writes nothing until they are fixed";

/** Whether the run's input errors reach a manifest to be written: an error in its workspace, or one outside any. */
function blockedByInputErrors(outcome: FixOutcome, result: AuditResult): boolean {
  if (result.problems.some((p) => p.severity === "error")) return true;
  return outcome.files.some((file) => result.workspaces.some((w) => w.problems.some((p) => p.severity === "error") && (file.path.startsWith(`${w.workspace.root}/`) || w.workspace.members.some((m) => m.manifest.file === file.path))));
}

/**
 * Writes each rewrite atomically; a file that changed since it was read is left alone. A read-only manifest stops
 * the whole write before anything is written: one fix can span a member's manifest and the root's.
 */
export function writeFixes(outcome: FixOutcome, result: AuditResult): WriteReport {
  const report: WriteReport = { written: [], failed: [] };
  if (outcome.files.length > 0 && blockedByInputErrors(outcome, result)) {
    for (const file of outcome.files) report.failed.push({ path: file.path, reason: INPUT_ERRORS });
    report.refused = INPUT_ERRORS;
    return report;
  }
  const readOnly = outcome.files.filter((file) => isReadOnly(file.path));
  if (readOnly.length > 0) {
    for (const file of outcome.files) {
      report.failed.push({ path: file.path, reason: readOnly.includes(file) ? READ_ONLY : "another manifest to change is read-only, and one fix can span manifests" });
    }
    return report;
  }
  const roots = result.workspaces.map((w) => w.workspace.root);
  for (const file of outcome.files) {
    const within = roots.find((root) => file.path.startsWith(`${root}/`)) ?? roots[0] ?? "/";
    try {
      writeFileAtomic(file.path, file.after, { expected: file.before, within });
      report.written.push(file.path);
    } catch (error) {
      if (!(error instanceof HostWriteError)) throw error;
      report.failed.push({ path: file.path, reason: error.reason });
    }
  }
  return report;
}

/** What --write did and what is left for a human, for stderr. */
export function formatFixSummary(outcome: FixOutcome, written: WriteReport | undefined, cwd: string, palette: Palette): string {
  const lines: string[] = [];
  const fixed = [...outcome.fixes].filter(([, fix]) => fix.fixable);
  const manual = [...outcome.fixes].filter(([, fix]) => !fix.fixable);
  if (written?.refused) lines.push(`${palette.red("nothing written")}: ${escapeControl(written.refused)}`);
  else if (written) {
    for (const path of written.written) lines.push(`${palette.bold("fixed")} ${escapeControl(displayPath(path, cwd))}`);
    for (const { path, reason } of written.failed) lines.push(`${palette.red("not written")} ${escapeControl(displayPath(path, cwd))}: ${escapeControl(reason)}`);
  }
  for (const [finding, fix] of fixed) {
    lines.push(`  ${palette.dim("•")} ${escapeControl(finding.member)}: ${escapeControl(fix.fixable ? fix.description : "")}`);
  }
  if (manual.length > 0) {
    lines.push(palette.yellow(`needs a human (${manual.length}):`));
    for (const [finding, fix] of manual) {
      lines.push(`  ${palette.dim("•")} ${escapeControl(finding.member)} → ${escapeControl(finding.dependency)} ${escapeControl(finding.dependencyVersion)}: ${escapeControl(fix.fixable ? "" : fix.reason)}`);
    }
  }
  if (written && written.written.length > 0) {
    lines.push(palette.dim("Cargo.lock is refreshed by the next `cargo build`, or now with `cargo update -w`; tls-audit never edits it."));
  }
  if (outcome.files.length === 0 && fixed.length === 0) lines.push("nothing to fix automatically");
  return `${lines.join("\n")}\n`;
}
