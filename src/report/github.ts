// `--format github`: GitHub Actions workflow commands, one annotation per finding and problem; pure, data in, text out.
import type { AuditResult } from "../audit.js";
import { allProblems } from "../audit.js";
import { displayPath, formatMessageWithScope } from "./message.js";
import { keyRegion } from "./sarif.js";

/** Escapes workflow-command data (the message): %, CR and LF, as @actions/core does, so no text can start a new command. */
export function escapeData(text: string): string {
  return text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

/** Escapes a workflow-command property value: the data escapes plus `:` and `,`, which delimit properties. */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

function command(level: "error" | "warning", properties: Record<string, string | number | undefined>, message: string): string {
  const props = Object.entries(properties)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${escapeProperty(String(v))}`)
    .join(",");
  return `::${level}${props ? ` ${props}` : ""}::${escapeData(message)}`;
}

/**
 * One `::error`/`::warning` annotation per finding (at the dependency key, titled with the rule and dependency,
 * the why-path on a second line) and per input problem. `sources` (manifest texts by absolute path) gives `endColumn`.
 */
export function formatGithub(result: AuditResult, cwd: string, sources: ReadonlyMap<string, string> = new Map()): string {
  const lines: string[] = [];
  for (const w of result.workspaces) {
    for (const f of w.findings) {
      const why = f.path.map((s) => `${s.name} ${s.version}`).join(" → ");
      const properties = {
        file: displayPath(f.manifest, cwd),
        line: f.line,
        col: f.column,
        endColumn: keyRegion(sources.get(f.manifest), f.line, f.column).endColumn,
        title: `${f.ruleId}: ${f.dependency}`,
      };
      lines.push(command(f.severity, properties, `${formatMessageWithScope(f)}\n${why}`));
    }
  }
  for (const p of allProblems(result)) {
    const message = p.hint ? `${p.message}\nhint: ${p.hint}` : p.message;
    lines.push(command(p.severity, { file: p.file ? displayPath(p.file, cwd) : undefined, line: p.position?.line, col: p.position?.column, title: p.code }, message));
  }
  return lines.length > 0 ? `${lines.join("\n")}\n` : "";
}
