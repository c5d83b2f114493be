// Fills a rule's message template with a finding's data.
import { relative } from "node:path";
import { RULES } from "../../rules/index.js";
import type { Finding } from "../engine/types.js";

export function formatMessage(finding: Finding): string {
  const template = RULES.find((r) => r.meta.id === finding.ruleId)?.meta.messages[finding.messageId] ?? finding.messageId;
  return template.replace(/\{(\w+)\}/g, (_, key: string) => finding.data[key] ?? "");
}

/** Path for display: relative to `cwd` when inside it, so reports never print more than needed. */
export function displayPath(path: string, cwd: string): string {
  return relative(cwd, path) || ".";
}
