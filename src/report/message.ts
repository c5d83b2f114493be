// Fills a rule's message template with a finding's data.
import { relative } from "node:path";
import { RULES } from "../../rules/index.js";
import type { EnabledAt, Finding } from "../engine/types.js";

export function formatMessage(finding: Finding): string {
  const template = RULES.find((r) => r.meta.id === finding.ruleId)?.meta.messages[finding.messageId] ?? finding.messageId;
  return template.replace(/\{(\w+)\}/g, (_, key: string) => finding.data[key] ?? "");
}

const BUILDS: Record<Exclude<Finding["scope"], "normal">, string> = { dev: "test and example builds", build: "build scripts" };

type Scoped = Pick<Finding, "scope" | "declaredAs" | "reaches">;

/** When the declaration's table is wider than the builds that reach the banned crate, those builds in words. */
function scopeNote(finding: Scoped): string | undefined {
  if (finding.scope === finding.declaredAs || finding.scope === "normal") return undefined;
  const what = finding.reaches.some((crate) => crate === "openssl" || crate === "openssl-sys") ? "OpenSSL" : finding.reaches.join(", ");
  return `reaches ${what} only in ${BUILDS[finding.scope]}`;
}

/**
 * The declaration's kind, then the builds that reach the banned crate when they are narrower: "normal dependency;
 * reaches OpenSSL only in test and example builds" for a `[dependencies]` line whose native TLS only a
 * dev-dependency's features turn on (feature unification).
 */
export function declarationLabel(finding: Scoped): string {
  const note = scopeNote(finding);
  return `${finding.declaredAs} dependency${note ? `; ${note}` : ""}`;
}

/** The message for one-line formats (SARIF, annotations), which show it on the declaration: with the label when a table alone would mislead. */
export function formatMessageWithScope(finding: Finding): string {
  return scopeNote(finding) ? `${formatMessage(finding)} (${declarationLabel(finding)})` : formatMessage(finding);
}

/** Path for display: relative to `cwd` when inside it, so reports never print more than needed. */
export function displayPath(path: string, cwd: string): string {
  return relative(cwd, path) || ".";
}

export { enabledAtOf } from "../engine/types.js";

/** "`git` feature of net, requested at core/Cargo.toml:7" or "curl's default features, enabled by bin/Cargo.toml:8". */
export function describeEnabledAt(at: EnabledAt, cwd: string): string {
  const where = `${displayPath(at.manifest, cwd)}:${at.line}`;
  const by = at.dependentFeature ? ` (by ${at.package}'s feature \`${at.dependentFeature}\`)` : "";
  if (at.feature === undefined || at.feature === "default") return `${at.crate}'s default features, enabled at ${where}${by}`;
  return `\`${at.feature}\` feature of ${at.crate}, requested at ${where}${by}`;
}

/** "in the builds of bin, core", when other members' builds are where the finding shows. */
export function describeBuilds(finding: Finding): string | undefined {
  const builds = finding.builds;
  if (!builds || builds.length === 0 || (builds.length === 1 && builds[0] === finding.member)) return undefined;
  return `in the build${builds.length === 1 ? "" : "s"} of ${builds.join(", ")}`;
}
