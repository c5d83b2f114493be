// The default human format: compiler-style diagnostics with a code frame and the why-path as a tree.
import type { AuditResult } from "../audit.js";
import { allProblems } from "../audit.js";
import type { Finding, PathStep } from "../engine/types.js";
import type { TextEdit } from "../fix/model.js";
import type { Problem } from "../problems.js";
import { applyTextEdits } from "../fix/toml-edit.js";
import { dependencyNameRange } from "./key-token.js";
import { declarationLabel, describeBuilds, describeEnabledAt, displayPath, enabledAtOf, formatMessage } from "./message.js";

/** Colour functions; identity when colour is off. The CLI decides (TTY, NO_COLOR, FORCE_COLOR). */
export interface Palette {
  red(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

export const plainPalette: Palette = { red: (t) => t, yellow: (t) => t, cyan: (t) => t, dim: (t) => t, bold: (t) => t };

/** Escapes control characters so manifest strings cannot drive the terminal. */
export function escapeControl(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (c) => `\\u{${c.charCodeAt(0).toString(16)}}`);
}

export function formatProblem(problem: Problem, cwd: string, palette: Palette = plainPalette): string {
  const where = problem.file
    ? `${displayPath(problem.file, cwd)}${problem.position ? `:${problem.position.line}:${problem.position.column}` : ""}: `
    : "";
  const label = problem.severity === "error" ? palette.red("error") : palette.yellow("warning");
  const hint = problem.hint ? `\n  ${palette.dim(`hint: ${escapeControl(problem.hint)}`)}` : "";
  return `${escapeControl(where)}${label}: ${escapeControl(problem.message)} ${palette.dim(`[${problem.code}]`)}${hint}`;
}

function codeFrame(text: string, line: number, column: number, palette: Palette): string[] {
  const lines = text.split(/\r?\n/);
  const source = lines[line - 1];
  if (source === undefined) return [];
  const gutter = String(line).length;
  const pad = " ".repeat(gutter);
  // Under the dependency's name: in a `[target."cfg(…)".dependencies.x]` header, `x`, not `[target`.
  const [start, end] = dependencyNameRange(source, column - 1) ?? [column - 1, column];
  return [
    `${pad} ${palette.dim("|")}`,
    `${palette.dim(String(line))} ${palette.dim("|")} ${escapeControl(source)}`,
    `${pad} ${palette.dim("|")} ${" ".repeat(Math.max(0, start))}${palette.red("^".repeat(Math.max(1, end - start)))}`,
  ];
}

function stepLabel(step: PathStep, palette: Palette): string {
  const text = `${escapeControl(step.name)} ${escapeControl(step.version)}`;
  const by = step.enabledBy ? ` ${palette.dim(`(by ${escapeControl(step.enabledBy.name)}'s feature "${escapeControl(step.enabledBy.feature)}")`)}` : "";
  const features = step.features?.length ? ` ${palette.cyan(`feature ${step.features.map((f) => `"${escapeControl(f)}"`).join(" → ")}`)}${by}` : "";
  if (step.role === "banned") return `${palette.red(text)} ${palette.dim("(native TLS)")}${features}`;
  if (step.role === "tls-wrapper") return `${palette.yellow(text)} ${palette.dim("(TLS wrapper)")}${features}`;
  return `${text}${features}`;
}

/** Operating systems of a triple list, for a short "only on" note: linux, android, freebsd… */
function describePlatforms(triples: string[]): string {
  const systems = triples.map((t) => {
    const parts = t.split("-");
    if (t.includes("wasm")) return "wasm";
    if (t.includes("apple")) return parts[2] ?? "apple";
    if (t.includes("windows")) return "windows";
    if (t.includes("android")) return "android";
    return parts.find((p) => ["linux", "freebsd", "netbsd", "illumos", "openbsd", "solaris"].includes(p)) ?? t;
  });
  return [...new Set(systems)].join(", ");
}

function whyTree(path: PathStep[], palette: Palette): string[] {
  return path.map((step, depth) => (depth === 0 ? stepLabel(step, palette) : `${"    ".repeat(depth - 1)}└── ${stepLabel(step, palette)}`));
}

/**
 * The lines one group of edits changes: the whole lines they touch, before and after, less the lines that come out
 * the same at either end (an edit inside a multi-line entry leaves its other lines alone).
 */
function changedLines(text: string, edits: readonly TextEdit[]): { before: string[]; after: string[] } {
  const first = text.lastIndexOf("\n", Math.min(...edits.map((e) => e.start)) - 1) + 1;
  const lastEnd = Math.max(...edits.map((e) => e.end));
  // An edit that took whole lines ends just after a newline: the slice then keeps that newline.
  const nl = text.indexOf("\n", lastEnd);
  const end = lastEnd > first && text[lastEnd - 1] === "\n" ? lastEnd : nl === -1 ? text.length : nl;
  const slice = text.slice(first, end);
  const after = applyTextEdits(slice, edits.map((e) => ({ ...e, start: e.start - first, end: e.end - first })));
  const before = slice.split(/\r?\n/);
  const now = after.split(/\r?\n/);
  while (before.length > 0 && now.length > 0 && before[0] === now[0]) [before.shift(), now.shift()];
  while (before.length > 0 && now.length > 0 && before.at(-1) === now.at(-1)) [before.pop(), now.pop()];
  return { before, after: now };
}

/** `- old` / `+ new` lines of exactly the manifest lines a fix changes, one hunk per group of neighbouring edits. */
function fixPreview(finding: Finding, sources: ReadonlyMap<string, string>, cwd: string, palette: Palette): string[] {
  const fix = finding.fix;
  if (!fix?.fixable) return [];
  const out: string[] = [];
  for (const manifest of new Set(fix.edits.map((e) => e.manifest))) {
    const text = sources.get(manifest);
    if (text === undefined) continue;
    const edits = fix.edits.filter((e) => e.manifest === manifest).sort((x, y) => x.start - y.start);
    // Edits on lines of their own (two entries of one manifest) make separate hunks.
    const groups: TextEdit[][] = [];
    for (const edit of edits) {
      const last = groups.at(-1);
      const lastEnd = last ? Math.max(...last.map((e) => e.end)) : -1;
      if (last && !text.slice(lastEnd, edit.start).includes("\n")) last.push(edit);
      else groups.push([edit]);
    }
    out.push(`      ${palette.dim(escapeControl(displayPath(manifest, cwd)))}`);
    for (const group of groups) {
      const { before, after } = changedLines(text, group);
      for (const line of before) out.push(`      ${palette.red(`- ${escapeControl(line)}`)}`);
      for (const line of after) out.push(`      ${palette.cyan(`+ ${escapeControl(line)}`)}`);
    }
  }
  return out;
}

function formatFinding(finding: Finding, sources: ReadonlyMap<string, string>, cwd: string, palette: Palette): string {
  const label = finding.severity === "error" ? palette.red(palette.bold("error")) : palette.yellow(palette.bold("warning"));
  const out = [
    `${label}${palette.dim(`[${finding.ruleId}]`)}: ${palette.bold(escapeControl(formatMessage(finding)))}`,
    `  ${palette.cyan("-->")} ${escapeControl(displayPath(finding.manifest, cwd))}:${finding.line}:${finding.column}`,
  ];
  const text = sources.get(finding.manifest);
  if (text !== undefined) out.push(...codeFrame(text, finding.line, finding.column, palette).map((l) => `  ${l}`));
  const facts = [`${finding.pathPackage ? "path package" : "member"} ${escapeControl(finding.member)}`, escapeControl(declarationLabel(finding))];
  if (finding.target) facts.push(`declared for ${escapeControl(finding.target)}`);
  out.push(`  ${palette.dim("=")} ${facts.join(", ")}`);
  const builds = describeBuilds(finding);
  if (builds) out.push(`  ${palette.dim("=")} ${escapeControl(builds)}`);
  const enabled = enabledAtOf(finding);
  if (enabled) out.push(`  ${palette.dim("=")} native TLS switched on by ${escapeControl(describeEnabledAt(enabled, cwd))}`);
  const last = finding.path.at(-1);
  if (finding.platforms && last) out.push(`  ${palette.dim("=")} this path to ${escapeControl(last.name)} exists only on ${describePlatforms(finding.platforms)}`);
  if (finding.condition) out.push(`  ${palette.dim("=")} only with feature${finding.condition.features.length === 1 ? "" : "s"} ${finding.condition.features.map((f) => `"${escapeControl(f)}"`).join(", ")}`);
  if (finding.possible) {
    out.push(`  ${palette.dim("=")} ${palette.yellow("possible")}: a crate on the path has no metadata; native TLS follows only if it enables the features shown`);
  } else if (finding.unverified) {
    out.push(`  ${palette.dim("=")} ${palette.yellow("unverified")}: a crate on the path has no (complete) metadata; its locked edges were assumed active`);
  }
  if (finding.inheritedFrom) {
    const from = finding.inheritedFrom;
    const line = sources.get(from.manifest)?.split(/\r?\n/)[from.line - 1]?.trim();
    out.push(
      `  ${palette.dim("=")} inherited from ${escapeControl(displayPath(from.manifest, cwd))}:${from.line}:${from.column}${line ? `: ${escapeControl(line)}` : ""}`,
    );
  }
  out.push(`  ${palette.dim("=")} why:`);
  out.push(...whyTree(finding.path, palette).map((l) => `      ${l}`));
  if (finding.fix?.fixable) {
    out.push(`  ${palette.dim("=")} fixable with --write: ${escapeControl(finding.fix.description)}`);
    out.push(...fixPreview(finding, sources, cwd, palette));
  } else if (finding.fix) {
    out.push(`  ${palette.dim("=")} no automatic fix: ${escapeControl(finding.fix.reason)}`);
  }
  return out.join("\n");
}

export interface StylishInput {
  result: AuditResult;
  /** List which metadata source described each crate. */
  explain?: boolean;
  /** The whole result, when `result` is a filtered view (--quiet): the summary counts everything. */
  summaryOf?: AuditResult;
  /** Manifest texts by absolute path, for code frames. */
  sources: ReadonlyMap<string, string>;
  cwd: string;
  palette: Palette;
}

export function formatStylish({ result, sources, cwd, palette, explain, summaryOf }: StylishInput): string {
  const blocks: string[] = [];
  for (const ws of result.workspaces) {
    for (const finding of ws.findings) blocks.push(formatFinding(finding, sources, cwd, palette));
    if (explain && ws.sources) {
      const lines = ws.sources.map((s) => `  ${escapeControl(s.name)} ${escapeControl(s.version)}: ${s.provider}${s.origin ? palette.dim(` (${escapeControl(s.origin.startsWith("/") ? displayPath(s.origin, cwd) : s.origin)})`) : ""}`);
      blocks.push([`metadata sources for ${escapeControl(displayPath(ws.workspace.root, cwd))}:`, ...lines].join("\n"));
    }
  }
  blocks.push(formatSummary(summaryOf ?? result, cwd, palette));
  return `${blocks.join("\n\n")}\n`;
}

export function formatSummary(result: AuditResult, cwd: string, palette: Palette): string {
  const findings = result.workspaces.flatMap((w) => w.findings);
  const errors = findings.filter((f) => f.severity === "error").length;
  const warnings = findings.length - errors;
  const problems = allProblems(result).filter((p) => p.severity === "error").length;
  const modes = result.workspaces.map((w) => {
    const how = {
      exact: "features resolved as cargo does",
      partial: "features resolved; some crates lacked metadata",
      lockfile: "Cargo.lock: every feature, every target",
      manifest: "manifests only, no Cargo.lock",
      unlocked: "no Cargo.lock: resolved as `cargo generate-lockfile` would",
    }[w.resolution];
    return `${escapeControl(displayPath(w.workspace.root, cwd))} (${w.workspace.members.length} member${w.workspace.members.length === 1 ? "" : "s"}; ${how})`;
  });
  const audited = modes.length > 0 ? `audited ${modes.join(", ")}` : "no workspace audited";
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  // No workspace at all means nothing was looked at: "no native TLS found" would read as a clean result.
  if (result.workspaces.length === 0) return problems > 0 ? `${palette.red("✖")} nothing audited: ${plural(problems, "input error")}` : "nothing audited";
  // A stale lock was refreshed from what this machine knows: never a plain "✔".
  const stale = allProblems(result).some((p) => p.code === "lockfile-stale");
  const possible = findings.filter((f) => f.possible).length;
  // Undecided findings are counted with the way to decide them (docs: README "Offline and CI").
  const undecided = possible > 0 ? `\n${palette.yellow("⚠")} ${plural(possible, "possible finding")} could not be decided from the metadata on this machine: run \`cargo fetch\` first, or use --online (--fail-on possible makes them errors)` : "";
  if (findings.length === 0) {
    const mark = problems > 0 ? palette.red("✖") : stale ? palette.yellow("⚠") : "✔";
    const but = problems > 0 ? `, but ${plural(problems, "input error")} kept parts unaudited` : stale ? ", but Cargo.lock is stale: audited as if refreshed (run `cargo update -w` or any cargo build)" : "";
    return `${mark} no native TLS found${but} · ${audited}`;
  }
  const mark = errors > 0 ? palette.red("✖") : palette.yellow("⚠");
  const fixable = findings.filter((f) => f.fix?.fixable).length;
  const fixNote = fixable > 0 ? `, ${fixable} fixable with --write` : "";
  return `${mark} ${plural(findings.length, "finding")} (${plural(errors, "error")}, ${plural(warnings, "warning")}${fixNote}) · ${audited}${undecided}`;
}
