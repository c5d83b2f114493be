// The `--format sarif` log (SARIF 2.1.0) for GitHub code scanning and other SARIF viewers: pure, data in, log out.
import { pathToFileURL } from "node:url";
import type * as Sarif from "sarif";
import { RULES } from "../../rules/index.js";
import type { AuditResult } from "../audit.js";
import { allProblems } from "../audit.js";
import type { Finding } from "../engine/types.js";
import type { Problem } from "../problems.js";
import { readKeyToken } from "./key-token.js";
import { describeEnabledAt, displayPath, enabledAtOf, formatMessageWithScope } from "./message.js";

/** Where the project lives; rule help links point at its docs/rules pages. */
export const REPOSITORY_URL = "https://github.com/cargo-tls-audit/cargo-tls-audit";

/** The base every result URI is relative to; code scanning maps it to the checkout root. */
const SRCROOT = "%SRCROOT%";

/**
 * Length (UTF-16 code units, as columns are) of the TOML key or table header starting at `from`:
 * `reqwest`, `"reqwest"`, `'reqwest'`, or a whole `[dependencies.reqwest]` header.
 */
function keyLength(source: string, from: number): number {
  return readKeyToken(source, from).end - from;
}

/**
 * The region of the declaration at 1-based `line`/`column`: the dependency key (or `[dependencies.x]` header),
 * which code scanning underlines. Also used for GitHub annotations' `endColumn`.
 */
export function keyRegion(text: string | undefined, line: number, column: number): Sarif.Region {
  const source = text?.split(/\r?\n/)[line - 1];
  const length = source === undefined ? 0 : keyLength(source, column - 1);
  return length > 0 ? { startLine: line, startColumn: column, endLine: line, endColumn: column + length } : { startLine: line, startColumn: column };
}

/** SARIF fixes from the planner's text edits (UTF-16 offsets into the manifest text, as SARIF's charOffset counts here). */
function fixesOf(finding: Finding, artifact: (path: string) => Sarif.ArtifactLocation): Sarif.Fix[] | undefined {
  if (!finding.fix?.fixable || finding.fix.edits.length === 0) return undefined;
  const edits = finding.fix.edits;
  const manifests = [...new Set(edits.map((e) => e.manifest))];
  return [
    {
      description: { text: finding.fix.description },
      artifactChanges: manifests.map((manifest) => ({
        artifactLocation: artifact(manifest),
        replacements: edits
          .filter((e) => e.manifest === manifest)
          .map((e) => ({ deletedRegion: { charOffset: e.start, charLength: e.end - e.start }, insertedContent: { text: e.text } })),
      })),
    },
  ];
}

/** Identity of a finding across runs (not its line, which moves), so code scanning tracks one alert per dependency. */
function fingerprint(finding: Finding): string {
  // Loaded here: only SARIF reports need it, and node:crypto costs every start-up several milliseconds.
  const { createHash } = process.getBuiltinModule("node:crypto");
  return createHash("sha256").update([finding.ruleId, finding.member, finding.dependency, finding.scope].join("\0")).digest("hex").slice(0, 32);
}

function properties(finding: Finding): Sarif.PropertyBag {
  return {
    member: finding.member,
    dependency: finding.dependency,
    dependencyVersion: finding.dependencyVersion,
    scope: finding.scope,
    declaredAs: finding.declaredAs,
    ...(finding.target ? { target: finding.target } : {}),
    reaches: finding.reaches,
    path: finding.path.map((s) => `${s.name}@${s.version}`),
    ...(finding.platforms ? { platforms: finding.platforms } : {}),
    ...(finding.unverified ? { unverified: true } : {}),
    ...(finding.possible ? { possible: true } : {}),
    ...(finding.condition ? { condition: finding.condition } : {}),
    ...(finding.builds ? { builds: finding.builds } : {}),
  };
}

function notification(problem: Problem, artifact: (path: string) => Sarif.ArtifactLocation): Sarif.Notification {
  const position: Sarif.Region | undefined = problem.position && { startLine: problem.position.line, startColumn: problem.position.column };
  return {
    level: problem.severity === "error" ? "error" : "warning",
    message: { text: problem.hint ? `${problem.message} (${problem.hint})` : problem.message },
    descriptor: { id: problem.code },
    ...(problem.file ? { locations: [{ physicalLocation: { artifactLocation: artifact(problem.file), ...(position ? { region: position } : {}) } }] } : {}),
  };
}

/** What the SARIF log is made from: the audit, the manifest texts (for key regions), the cwd URIs are relative to. */
export interface SarifInput {
  result: AuditResult;
  /** Manifest texts by absolute path, as stylish gets them. */
  sources: ReadonlyMap<string, string>;
  /** Result URIs are relative to it (`%SRCROOT%`); run code scanning uploads from the checkout root. */
  cwd: string;
  version: string;
}

/**
 * The audit as a SARIF 2.1.0 log: one run, one rule per rule id, one result per finding at the dependency key,
 * the `[workspace.dependencies]` entry as a related location, the planned edit as a fix, input problems as
 * tool execution notifications. Warnings stay in (SARIF has levels; --quiet is for people reading a terminal).
 */
export function toSarif({ result, sources, cwd, version }: SarifInput): Sarif.Log {
  const srcroot = pathToFileURL(cwd).href.replace(/\/?$/, "/");
  // Inside the cwd: a relative, percent-encoded URI against %SRCROOT%; elsewhere an absolute file: URI.
  const artifact = (path: string): Sarif.ArtifactLocation => {
    const href = pathToFileURL(path).href;
    return href.startsWith(srcroot) ? { uri: href.slice(srcroot.length), uriBaseId: SRCROOT } : { uri: href };
  };
  const ruleIndex = new Map(RULES.map((rule, index) => [rule.meta.id, index]));
  const location = (path: string, region: Sarif.Region): Sarif.Location => ({ physicalLocation: { artifactLocation: artifact(path), region } });
  const results: Sarif.Result[] = result.workspaces.flatMap((w) =>
    w.findings.map((finding) => {
      const entry: Sarif.Result = {
        ruleId: finding.ruleId,
        ...(ruleIndex.has(finding.ruleId) ? { ruleIndex: ruleIndex.get(finding.ruleId) } : {}),
        level: finding.severity === "error" ? "error" : "warning",
        message: { text: formatMessageWithScope(finding) },
        locations: [location(finding.manifest, keyRegion(sources.get(finding.manifest), finding.line, finding.column))],
        partialFingerprints: { "tlsAuditFinding/v1": fingerprint(finding) },
        properties: properties(finding),
      };
      const related: Sarif.Location[] = [];
      if (finding.inheritedFrom) {
        const from = finding.inheritedFrom;
        related.push({
          ...location(from.manifest, keyRegion(sources.get(from.manifest), from.line, from.column)),
          id: related.length + 1,
          message: { text: `inherited from [workspace.dependencies] in ${displayPath(from.manifest, cwd)}` },
        });
      }
      const enabled = enabledAtOf(finding);
      if (enabled) {
        related.push({
          ...location(enabled.manifest, keyRegion(sources.get(enabled.manifest), enabled.line, enabled.column)),
          id: related.length + 1,
          message: { text: `native TLS switched on by ${describeEnabledAt(enabled, cwd)}` },
        });
      }
      if (related.length > 0) entry.relatedLocations = related;
      const fixes = fixesOf(finding, artifact);
      if (fixes) entry.fixes = fixes;
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
            rules: RULES.map((rule) => {
              const helpUri = `${REPOSITORY_URL}/blob/main/${rule.meta.docs}`;
              return {
                id: rule.meta.id,
                name: rule.meta.id,
                shortDescription: { text: rule.meta.description },
                fullDescription: { text: `${rule.meta.description}.${rule.meta.fixable ? " Fixable: `tls-audit --diff` shows the Cargo.toml edit, `tls-audit --write` makes it." : ""}` },
                help: { text: `${rule.meta.description}. See ${helpUri}`, markdown: `${rule.meta.description}. [Rule documentation](${helpUri})` },
                helpUri,
                defaultConfiguration: { level: rule.meta.defaultSeverity === "error" ? "error" : "warning" },
              };
            }),
          },
        },
        originalUriBaseIds: { [SRCROOT]: { uri: srcroot } },
        invocations: [
          {
            executionSuccessful: !problems.some((p) => p.severity === "error"),
            toolExecutionNotifications: problems.map((p) => notification(p, artifact)),
          },
        ],
        columnKind: "utf16CodeUnits",
        results,
      },
    ],
  };
}
