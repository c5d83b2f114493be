// toSarif on hand-made findings: exact key regions, URIs, fixes as replacements, notifications; every log schema-valid.
import type * as Sarif from "sarif";
import { describe, expect, it } from "vitest";
import { keyRegion, toSarif } from "../../src/report/sarif.js";
import { fakeFinding, fakeResult } from "./fake-findings.js";
import { sarifErrors } from "./sarif-schema.js";

const member = ["[package]", 'name = "app"', 'version = "0.1.0"', "", "[dependencies]", 'reqwest = { workspace = true, features = ["json"] }', ""].join("\n");
const root = ["[workspace]", 'members = ["crates/*"]', "", "[workspace.dependencies]", 'reqwest = "0.11"', ""].join("\n");
const sources = new Map([
  ["/ws/crates/app/Cargo.toml", member],
  ["/ws/Cargo.toml", root],
]);

function sarif(findings = [fakeFinding({ line: 6 })], problems: Parameters<typeof fakeResult>[1] = []) {
  const log = toSarif({ result: fakeResult(findings, problems), sources, cwd: "/ws", version: "9.9.9" });
  expect(sarifErrors(log)).toEqual([]);
  return log;
}

describe("toSarif", () => {
  it("points at the dependency key, relative to %SRCROOT%, with a stable fingerprint and the finding's facts", () => {
    const log = sarif([fakeFinding({ line: 6, platforms: ["x86_64-unknown-linux-gnu"], unverified: true, target: "cfg(unix)" })]);
    const run = log.runs[0]!;
    expect(run.originalUriBaseIds).toEqual({ "%SRCROOT%": { uri: "file:///ws/" } });
    expect(run.tool.driver).toMatchObject({ name: "cargo-tls-audit", version: "9.9.9", informationUri: "https://github.com/cargo-tls-audit/cargo-tls-audit" });
    const [result] = run.results!;
    expect(result!.locations).toEqual([
      { physicalLocation: { artifactLocation: { uri: "crates/app/Cargo.toml", uriBaseId: "%SRCROOT%" }, region: { startLine: 6, startColumn: 1, endLine: 6, endColumn: 8 } } },
    ]);
    expect(result!.message.text).toBe("reqwest 0.11.27 pulls in native-tls, openssl-sys");
    expect(result!.properties).toEqual({
      member: "app",
      dependency: "reqwest",
      dependencyVersion: "0.11.27",
      scope: "normal",
      declaredAs: "normal",
      target: "cfg(unix)",
      reaches: ["native-tls", "openssl-sys"],
      path: ["app@0.1.0", "reqwest@0.11.27", "native-tls@0.2.12", "openssl-sys@0.9.104"],
      platforms: ["x86_64-unknown-linux-gnu"],
      unverified: true,
    });
    // The fingerprint follows the dependency, not its line; scope and member tell findings apart.
    const again = sarif([fakeFinding({ line: 40 })]).runs[0]!.results![0]!;
    expect(again.partialFingerprints).toEqual(result!.partialFingerprints);
    expect(sarif([fakeFinding({ scope: "dev" })]).runs[0]!.results![0]!.partialFingerprints).not.toEqual(result!.partialFingerprints);
    expect(sarif([fakeFinding({ member: "other" })]).runs[0]!.results![0]!.partialFingerprints).not.toEqual(result!.partialFingerprints);
  });

  it("adds the [workspace.dependencies] entry as a related location", () => {
    const [result] = sarif([fakeFinding({ line: 6, inheritedFrom: { manifest: "/ws/Cargo.toml", line: 5, column: 1 } })]).runs[0]!.results!;
    expect(result!.relatedLocations).toEqual([
      {
        id: 1,
        message: { text: "inherited from [workspace.dependencies] in Cargo.toml" },
        physicalLocation: { artifactLocation: { uri: "Cargo.toml", uriBaseId: "%SRCROOT%" }, region: { startLine: 5, startColumn: 1, endLine: 5, endColumn: 8 } },
      },
    ]);
  });

  it("emits no fixes without a fixable plan, and the planned edits as replacements with one", () => {
    expect(sarif([fakeFinding({ line: 6, fix: null })]).runs[0]!.results![0]!.fixes).toBeUndefined();
    expect(sarif([fakeFinding({ line: 6, fix: { fixable: false, reason: "git2 has no rustls option" } })]).runs[0]!.results![0]!.fixes).toBeUndefined();
    const start = root.indexOf('"0.11"');
    const edits = [
      { manifest: "/ws/Cargo.toml", start, end: start + 6, text: '{ version = "0.11", default-features = false, features = ["rustls-tls"] }' },
      { manifest: "/ws/crates/app/Cargo.toml", start: member.indexOf('"json"'), end: member.indexOf('"json"'), text: '"rustls-tls", ' },
    ];
    const fix = { fixable: true as const, description: "reqwest: default-features = false; add \"rustls-tls\"", changes: [], edits };
    const [result] = sarif([fakeFinding({ line: 6, fix })]).runs[0]!.results!;
    expect(result!.fixes).toEqual([
      {
        description: { text: 'reqwest: default-features = false; add "rustls-tls"' },
        artifactChanges: [
          {
            artifactLocation: { uri: "Cargo.toml", uriBaseId: "%SRCROOT%" },
            replacements: [{ deletedRegion: { charOffset: start, charLength: 6 }, insertedContent: { text: edits[0]!.text } }],
          },
          {
            artifactLocation: { uri: "crates/app/Cargo.toml", uriBaseId: "%SRCROOT%" },
            replacements: [{ deletedRegion: { charOffset: member.indexOf('"json"'), charLength: 0 }, insertedContent: { text: '"rustls-tls", ' } }],
          },
        ],
      },
    ]);
    // Applying the replacements gives what --write would write.
    const replacement = result!.fixes![0]!.artifactChanges[0]!.replacements[0]!;
    const offset = replacement.deletedRegion.charOffset!;
    expect(root.slice(0, offset) + replacement.insertedContent!.text + root.slice(offset + replacement.deletedRegion.charLength!)).toContain(
      'reqwest = { version = "0.11", default-features = false, features = ["rustls-tls"] }',
    );
  });

  it("maps warnings, possible findings and conditions", () => {
    const [result] = sarif([fakeFinding({ line: 6, severity: "warning", scope: "build", possible: true, condition: { features: ["tls"] } })]).runs[0]!.results!;
    expect(result!.level).toBe("warning");
    expect(result!.properties).toMatchObject({ scope: "build", possible: true, condition: { features: ["tls"] } });
    expect(result!.properties).not.toHaveProperty("unverified");
  });

  it("percent-encodes URIs, and uses absolute file: URIs outside the cwd", () => {
    const log = toSarif({
      result: fakeResult([
        fakeFinding({ manifest: "/ws/my crates/a#1/Cargo.toml" }),
        fakeFinding({ manifest: "/elsewhere/Cargo.toml", member: "far" }),
      ]),
      sources: new Map(),
      cwd: "/ws",
      version: "1.0.0",
    });
    expect(sarifErrors(log)).toEqual([]);
    const [inside, outside] = log.runs[0]!.results!;
    expect(inside!.locations![0]!.physicalLocation!.artifactLocation).toEqual({ uri: "my%20crates/a%231/Cargo.toml", uriBaseId: "%SRCROOT%" });
    expect(outside!.locations![0]!.physicalLocation!.artifactLocation).toEqual({ uri: "file:///elsewhere/Cargo.toml" });
    // Without the manifest text only the start is known.
    expect(inside!.locations![0]!.physicalLocation!.region).toEqual({ startLine: 5, startColumn: 1 });
  });

  it("turns problems into tool execution notifications; an error problem makes the execution unsuccessful", () => {
    const warning = sarif([], [{ severity: "warning", code: "allow-unused", message: "[[allow]] for curl matches no finding", file: "/ws/tls-audit.toml", position: { line: 3, column: 1 } }]);
    expect(warning.runs[0]!.invocations).toEqual([
      {
        executionSuccessful: true,
        toolExecutionNotifications: [
          {
            level: "warning",
            message: { text: "[[allow]] for curl matches no finding" },
            descriptor: { id: "allow-unused" },
            locations: [{ physicalLocation: { artifactLocation: { uri: "tls-audit.toml", uriBaseId: "%SRCROOT%" }, region: { startLine: 3, startColumn: 1 } } }],
          },
        ],
      },
    ]);
    const error = sarif([], [
      { severity: "error", code: "lockfile-conflict", message: "Cargo.lock contains git conflict markers", file: "/ws/Cargo.lock", hint: "run cargo update -w" },
      { severity: "error", code: "path-not-found", message: "no such file or directory" },
    ]);
    const [invocation] = error.runs[0]!.invocations!;
    expect(invocation!.executionSuccessful).toBe(false);
    expect(invocation!.toolExecutionNotifications![0]).toEqual({
      level: "error",
      message: { text: "Cargo.lock contains git conflict markers (run cargo update -w)" },
      descriptor: { id: "lockfile-conflict" },
      locations: [{ physicalLocation: { artifactLocation: { uri: "Cargo.lock", uriBaseId: "%SRCROOT%" } } }],
    });
    expect(invocation!.toolExecutionNotifications![1]).not.toHaveProperty("locations");
  });

  it("describes every rule, with help pointing at its docs page", () => {
    const rules = sarif([]).runs[0]!.tool.driver.rules!;
    expect(rules.map((r) => r.id)).toEqual(["no-native-tls", "rustls-crypto-provider"]);
    for (const rule of rules as Sarif.ReportingDescriptor[]) {
      expect(rule.helpUri).toBe(`https://github.com/cargo-tls-audit/cargo-tls-audit/blob/main/docs/rules/${rule.id}.md`);
      expect(rule.help!.text).toContain(rule.helpUri);
      expect(rule.fullDescription!.text.length).toBeGreaterThanOrEqual(rule.shortDescription!.text.length);
    }
    expect(rules.map((r) => r.defaultConfiguration!.level)).toEqual(["error", "warning"]);
  });
});

describe("the SARIF schema check", () => {
  it("is not vacuous: it rejects a log with a bad region, level or unknown property", () => {
    const log = sarif() as unknown as { runs: { results: Record<string, unknown>[] }[] };
    const result = log.runs[0]!.results[0]!;
    expect(sarifErrors({ ...log, runs: [{ ...log.runs[0], results: [{ ...result, level: "fatal" }] }] }).join("\n")).toContain("/runs/0/results/0/level");
    expect(sarifErrors({ ...log, runs: [{ ...log.runs[0], results: [{ ...result, line: 3 }] }] }).join("\n")).toContain("must NOT have additional properties");
    const badRegion = { ...result, locations: [{ physicalLocation: { artifactLocation: { uri: "a" }, region: { startLine: 0 } } }] };
    expect(sarifErrors({ ...log, runs: [{ ...log.runs[0], results: [badRegion] }] }).join("\n")).toContain("startLine");
    expect(sarifErrors({ version: "2.0.0", runs: [] })).not.toEqual([]);
  });
});

describe("keyRegion", () => {
  it.each([
    ['reqwest = "0.11"', 1, 8],
    ['reqwest.workspace = true', 1, 8],
    ['"reqwest" = "0.11"', 1, 10],
    ['"tokio.rs" = "1"', 1, 11],
    ["'my crate' = '1'", 1, 11],
    ['"a\\"b" = "1"', 1, 7],
    ["[dependencies.reqwest]", 1, 23],
    ["[target.'cfg(target_os = \"linux\")'.dependencies.openssl]", 1, 57],
    ['    http-client = { version = "1" }', 5, 16],
  ])("%s: from column %i to %i", (line, column, endColumn) => {
    expect(keyRegion(`[dependencies]\n${line}\n`, 2, column)).toEqual({ startLine: 2, startColumn: column, endLine: 2, endColumn });
  });

  it("gives only the start when the line is not there", () => {
    expect(keyRegion("a = 1\n", 9, 1)).toEqual({ startLine: 9, startColumn: 1 });
    expect(keyRegion(undefined, 2, 3)).toEqual({ startLine: 2, startColumn: 3 });
  });
});
