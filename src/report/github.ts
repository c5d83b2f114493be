// `--format github`: GitHub Actions workflow commands, one annotation per finding and problem.
import type { AuditResult } from "../audit.js";
import { allProblems } from "../audit.js";
import { displayPath, formatMessage } from "./message.js";

/** Escaping of workflow-command data (%, CR, LF) and properties (also : and ,), as @actions/core does it. */
export function escapeData(text: string): string {
  return text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

function command(level: "error" | "warning", properties: Record<string, string | number | undefined>, message: string): string {
  const props = Object.entries(properties)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${escapeProperty(String(v))}`)
    .join(",");
  return `::${level} ${props}::${escapeData(message)}`;
}

export function formatGithub(result: AuditResult, cwd: string): string {
  const lines: string[] = [];
  for (const w of result.workspaces) {
    for (const f of w.findings) {
      const why = f.path.map((s) => `${s.name} ${s.version}`).join(" → ");
      lines.push(command(f.severity, { file: displayPath(f.manifest, cwd), line: f.line, col: f.column, title: `${f.ruleId}: ${f.dependency}` }, `${formatMessage(f)}\n${why}`));
    }
  }
  for (const p of allProblems(result)) {
    lines.push(command(p.severity, { file: p.file ? displayPath(p.file, cwd) : undefined, line: p.position?.line, col: p.position?.column, title: p.code }, p.message));
  }
  return lines.length > 0 ? `${lines.join("\n")}\n` : "";
}
