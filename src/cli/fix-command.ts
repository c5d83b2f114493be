// --write and --diff: turns a verified FixOutcome into diffs, atomic writes and a summary of what needs a human.
import { createTwoFilesPatch } from "diff";
import type { AuditResult } from "../audit.js";
import type { FixOutcome } from "../fix/run.js";
import { HostWriteError, isReadOnly, READ_ONLY, writeFileAtomic } from "../host/write.js";
import { displayPath } from "../report/message.js";
import { escapeControl, type Palette } from "../report/stylish.js";

/** Unified diffs of every verified rewrite, paths relative to the cwd. */
export function formatDiffs(outcome: FixOutcome, cwd: string): string {
  return outcome.files
    .map((file) => {
      const path = displayPath(file.path, cwd);
      return createTwoFilesPatch(`a/${path}`, `b/${path}`, file.before, file.after, undefined, undefined, { context: 3 });
    })
    .join("");
}

export interface WriteReport {
  written: string[];
  failed: { path: string; reason: string }[];
}

/**
 * Writes each rewrite atomically; a file that changed since it was read is left alone. A read-only manifest stops
 * the whole write before anything is written: one fix can span a member's manifest and the root's.
 */
export function writeFixes(outcome: FixOutcome, result: AuditResult): WriteReport {
  const report: WriteReport = { written: [], failed: [] };
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
  if (written) {
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
