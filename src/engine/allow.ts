// Allow-lists: [[allow]] entries from the configuration and `# tls-audit: allow(...)` comments on manifest lines.
import type { AllowEntry } from "../config/config.js";
import type { Problem } from "../problems.js";
import { satisfiesCargoReq } from "../util/cargo-semver.js";
import { enabledAtOf, type Finding } from "./types.js";

export interface Suppression {
  finding: Finding;
  reason: string;
  /** "config" for an [[allow]] entry, "inline" for a manifest comment. */
  by: "config" | "inline";
}

const INLINE = /#\s*tls-audit:\s*allow\(([^)]*)\)(?:\s*reason:\s*(.*))?$/;

/** Reads an inline allow on a manifest line: `reqwest = "0.11" # tls-audit: allow(native-tls) reason: …`. */
export function inlineAllow(line: string): { crates: string[]; reason?: string } | undefined {
  const match = INLINE.exec(line);
  if (!match) return undefined;
  const crates = match[1]!.split(",").map((c) => c.trim()).filter(Boolean);
  return { crates, reason: match[2]?.trim() || undefined };
}

/**
 * Whether an allow's names cover a finding: a crate on its why-path, a banned crate it reaches (the message names
 * those, not only the path's), or the rule's id.
 */
const covers = (names: string[], finding: Finding) =>
  names.length === 0 ||
  names.includes("*") ||
  names.includes(finding.ruleId) ||
  finding.reaches.some((name) => names.includes(name)) ||
  finding.path.some((step) => names.includes(step.name));

/**
 * Splits findings into kept and suppressed. An allow entry that suppresses nothing, or an inline allow without
 * a reason, becomes a warning, so allow-lists do not rot.
 */
export function applyAllows(findings: Finding[], allows: readonly AllowEntry[], texts: ReadonlyMap<string, string>): { kept: Finding[]; suppressed: Suppression[]; problems: Problem[] } {
  const kept: Finding[] = [];
  const suppressed: Suppression[] = [];
  const problems: Problem[] = [];
  const used = new Set<AllowEntry>();
  /** Inline allows that covered a finding, as `file\0line`. */
  const usedInline = new Set<string>();
  // Split once per manifest; one without an allow comment is not looked at, nor are its findings' positions.
  const lines = new Map<string, readonly string[] | null>();
  const linesOf = (file: string) => {
    let split = lines.get(file);
    if (split === undefined) {
      const text = texts.get(file) ?? "";
      lines.set(file, (split = text.includes("tls-audit") ? text.split(/\r?\n/) : null));
    }
    return split;
  };
  for (const finding of findings) {
    // The finding's own line, the entry it inherits, and the declaration that switched native TLS on (another
    // member's, say): an allow on the cause covers what it causes.
    const enabled = enabledAtOf(finding);
    const positions = [finding, finding.inheritedFrom, enabled, enabled?.inheritedFrom];
    const places = positions.flatMap((at) => (at ? [{ file: at.manifest, at }] : []));
    const inline = places
      .flatMap(({ file, at }) => {
        const split = linesOf(file);
        if (!split) return [];
        const line = at.line;
        return [{ file, line, allow: inlineAllow(split[line - 1] ?? "") }];
      })
      .find((p) => p.allow && covers(p.allow.crates, finding));
    // An inline allow on the line counts as used even when a config entry suppresses the finding first.
    if (inline) usedInline.add(`${inline.file}\0${inline.line}`);
    const entry = allows.find(
      (a) =>
        a.dependency === finding.dependency &&
        (a.member === undefined || a.member === finding.member) &&
        (a.version === undefined || satisfiesCargoReq(finding.dependencyVersion, a.version)) &&
        covers(a.crates, finding),
    );
    if (entry) {
      used.add(entry);
      suppressed.push({ finding, reason: entry.reason, by: "config" });
      continue;
    }
    if (inline?.allow) {
      if (!inline.allow.reason) {
        problems.push({ severity: "warning", code: "allow-without-reason", message: "inline `tls-audit: allow(...)` needs `reason: …`; the finding is reported anyway", file: inline.file, position: { line: inline.line, column: 1 } });
        kept.push(finding);
        continue;
      }
      suppressed.push({ finding, reason: inline.allow.reason, by: "inline" });
      continue;
    }
    kept.push(finding);
  }
  for (const entry of allows) {
    if (used.has(entry)) continue;
    problems.push({
      severity: "warning",
      code: "allow-unused",
      message: `this [[allow]] entry (dependency "${entry.dependency}"${entry.crates.length ? `, crates ${entry.crates.join(", ")}` : ""}) matches no finding any more; remove it`,
      file: entry.file,
      position: entry.position,
    });
  }
  // Inline allows rot as config entries do: one that covered no finding is reported the same way.
  for (const file of texts.keys()) {
    linesOf(file)?.forEach((line, index) => {
      const allow = inlineAllow(line);
      if (!allow || usedInline.has(`${file}\0${index + 1}`)) return;
      problems.push({
        severity: "warning",
        code: "allow-unused",
        message: `this inline allow(${allow.crates.join(", ")}) matches no finding on its line; remove it`,
        file,
        position: { line: index + 1, column: line.indexOf("#") + 1 },
      });
    });
  }
  return { kept, suppressed, problems };
}
