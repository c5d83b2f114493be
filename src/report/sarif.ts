// The `--format sarif` log (SARIF 2.1.0): one rule per rule id, results at the exact dependency line, fixes as edits.
import { createHash } from "node:crypto";
import type * as Sarif from "sarif";
import { RULES } from "../../rules/index.js";
import type { AuditResult } from "../audit.js";
import { allProblems } from "../audit.js";
import type { Finding } from "../engine/types.js";
import { displayPath, formatMessage } from "./message.js";

export const REPOSITORY_URL = "https://github.com/cargo-tls-audit/cargo-tls-audit";

/** 1-based line/column → end column of the dependency key on that line (what code scanning underlines). */
function keyRegion(text: string | undefined, line: number, column: number): Sarif.Region {
  const source = text?.split(/\r?\n/)[line - 1];
  const key = source === undefined ? undefined : /^\[?[^\s=.\]]+/.exec(source.slice(column - 1))?.[0];
  return key ? { startLine: line, startColumn: column, endLine: line, endColumn: column + key.length } : { startLine: line, startColumn: column };
}

/** Offsets (UTF-16, as the edits are) → SARIF charOffset/charLength, which count UTF-16 code units as well. */
function replacementsOf(finding: Finding, manifest: string): Sarif.Replacement[] {
  if (!finding.fix?.fixable) return [];
  return finding.fix.edits
    .filter((e) => e.manifest === manifest)
    .map((e) => ({ deletedRegion: { charOffset: e.start, charLength: e.end - e.start }, insertedContent: { text: e.text } }));
}

function fingerprint(finding: Finding): string {
  return createHash("sha256").update([finding.ruleId, finding.member, finding.dependency, finding.scope].join("\0")).digest("hex").slice(0, 32);
}

export interface SarifInput {
  result: AuditResult;
  sources: ReadonlyMap<string, string>;
  cwd: string;
  version: string;
}

export function toSarif({ result, sources, cwd, version }: SarifInput): Sarif.Log {
  const uri = (path: string) => displayPath(path, cwd).split("\\").join("/");
  const location = (path: string, region: Sarif.Region): Sarif.Location => ({
    physicalLocation: { artifactLocation: { uri: uri(path), uriBaseId: "%SRCROOT%" }, region },
  });
  const results: Sarif.Result[] = result.workspaces.flatMap((w) =>
    w.findings.map((finding) => {
      const entry: Sarif.Result = {
        ruleId: finding.ruleId,
        ruleIndex: RULES.findIndex((r) => r.meta.id === finding.ruleId),
        level: finding.severity === "error" ? "error" : "warning",
        message: { text: formatMessage(finding) },
        locations: [location(finding.manifest, keyRegion(sources.get(finding.manifest), finding.line, finding.column))],
        partialFingerprints: { "tlsAuditFinding/v1": fingerprint(finding) },
        properties: {
          member: finding.member,
          dependency: finding.dependency,
          dependencyVersion: finding.dependencyVersion,
          scope: finding.scope,
          reaches: finding.reaches,
          path: finding.path.map((s) => `${s.name}@${s.version}`),
          ...(finding.platforms ? { platforms: finding.platforms } : {}),
          ...(finding.unverified ? { unverified: true } : {}),
          ...(finding.possible ? { possible: true } : {}),
        },
      };
      if (finding.inheritedFrom) {
        const from = finding.inheritedFrom;
        entry.relatedLocations = [{ ...location(from.manifest, keyRegion(sources.get(from.manifest), from.line, from.column)), id: 1, message: { text: "inherited from [workspace.dependencies]" } }];
      }
      if (finding.fix?.fixable) {
        const manifests = [...new Set(finding.fix.edits.map((e) => e.manifest))];
        entry.fixes = [
          {
            description: { text: finding.fix.description },
            artifactChanges: manifests.map((m) => ({ artifactLocation: { uri: uri(m), uriBaseId: "%SRCROOT%" }, replacements: replacementsOf(finding, m) })),
          },
        ];
      }
      return entry;
    }),
  );
  const problems = allProblems(result);
  return {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "cargo-tls-audit",
            version,
            informationUri: REPOSITORY_URL,
            rules: RULES.map((rule) => ({
              id: rule.meta.id,
              name: rule.meta.id,
              shortDescription: { text: rule.meta.description },
              fullDescription: { text: rule.meta.description },
              help: { text: `${rule.meta.description}. See ${REPOSITORY_URL}/blob/main/${rule.meta.docs}`, markdown: `${rule.meta.description}. [Rule documentation](${REPOSITORY_URL}/blob/main/${rule.meta.docs})` },
              helpUri: `${REPOSITORY_URL}/blob/main/${rule.meta.docs}`,
              defaultConfiguration: { level: rule.meta.defaultSeverity === "error" ? "error" : "warning" },
            })),
          },
        },
        originalUriBaseIds: { "%SRCROOT%": { uri: `file://${cwd.endsWith("/") ? cwd : `${cwd}/`}` } },
        invocations: [
          {
            executionSuccessful: !problems.some((p) => p.severity === "error"),
            toolExecutionNotifications: problems.map((p) => ({
              level: p.severity === "error" ? "error" : "warning",
              message: { text: p.hint ? `${p.message} (${p.hint})` : p.message },
              descriptor: { id: p.code },
              ...(p.file ? { locations: [location(p.file, p.position ? { startLine: p.position.line, startColumn: p.position.column } : { startLine: 1 })] } : {}),
            })),
          },
        ],
        results,
      },
    ],
  };
}
