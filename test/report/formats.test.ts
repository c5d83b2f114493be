// SARIF, GitHub annotations, --output and --quiet, on the demo workspace.
import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type * as Sarif from "sarif";
import { escapeData, escapeProperty } from "../../src/report/github.js";
import { runCli } from "../helpers/run-cli.js";

const repo = join(import.meta.dirname, "../..");
const demo = join(repo, "fixtures/demo");

describe("--format sarif", () => {
  it("is a SARIF 2.1.0 log with one rule per id, results at the dependency key, related locations and fixes", async () => {
    const run = await runCli(["--format", "sarif", demo], { cwd: repo });
    expect(run.code).toBe(1);
    const log = JSON.parse(run.stdout) as Sarif.Log;
    expect(log.version).toBe("2.1.0");
    const [sarifRun] = log.runs;
    const rules = sarifRun!.tool.driver.rules!;
    expect(rules.map((r) => r.id)).toEqual(["no-native-tls", "rustls-crypto-provider"]);
    for (const rule of rules) {
      expect(rule.helpUri).toMatch(new RegExp(`docs/rules/${rule.id}\\.md$`));
      expect(rule.shortDescription?.text.length).toBeGreaterThan(10);
    }
    const [reqwest, ureq] = sarifRun!.results!;
    expect(reqwest).toMatchObject({ ruleId: "no-native-tls", ruleIndex: 0, level: "error" });
    expect(reqwest!.locations![0]!.physicalLocation).toEqual({
      artifactLocation: { uri: "fixtures/demo/crates/bot/Cargo.toml", uriBaseId: "%SRCROOT%" },
      region: { startLine: 15, startColumn: 1, endLine: 15, endColumn: 8 },
    });
    expect(reqwest!.relatedLocations![0]!.physicalLocation!.artifactLocation!.uri).toBe("fixtures/demo/Cargo.toml");
    expect(reqwest!.partialFingerprints!["tlsAuditFinding/v1"]).toMatch(/^[0-9a-f]{32}$/);
    // The fix is the same edit --write makes: replace `"0.11"` in the workspace entry.
    const change = reqwest!.fixes![0]!.artifactChanges[0]!;
    expect(change.artifactLocation.uri).toBe("fixtures/demo/Cargo.toml");
    const text = readFileSync(join(demo, "Cargo.toml"), "utf8");
    const [replacement] = change.replacements;
    const { charOffset, charLength } = replacement!.deletedRegion;
    expect(text.slice(charOffset!, charOffset! + charLength!)).toBe('"0.11"');
    expect(replacement!.insertedContent!.text).toBe('{ version = "0.11", default-features = false, features = ["rustls-tls-native-roots"] }');
    expect(ureq!.properties).toMatchObject({ member: "notify", dependency: "ureq", scope: "normal", reaches: ["native-tls", "openssl", "openssl-sys"] });
    expect(sarifRun!.invocations![0]!.executionSuccessful).toBe(true);
  });

  it("reports input errors as tool notifications and an unsuccessful execution", async () => {
    const run = await runCli(["--format", "sarif", "/definitely/not/here"], { cwd: repo });
    expect(run.code).toBe(2);
    const invocation = (JSON.parse(run.stdout) as Sarif.Log).runs[0]!.invocations![0]!;
    expect(invocation.executionSuccessful).toBe(false);
    expect(invocation.toolExecutionNotifications![0]).toMatchObject({ level: "error", descriptor: { id: "path-not-found" } });
  });
});

describe("--format github", () => {
  it("prints workflow-command annotations and the summary, and is chosen automatically under GitHub Actions", async () => {
    const auto = await runCli([demo], { cwd: repo, env: { GITHUB_ACTIONS: "true" } });
    const explicit = await runCli(["--format", "github", demo], { cwd: repo });
    expect(auto.stdout).toBe(explicit.stdout);
    const lines = explicit.stdout.trim().split("\n");
    expect(lines[0]).toBe(
      "::error file=fixtures/demo/crates/bot/Cargo.toml,line=15,col=1,title=no-native-tls%3A reqwest::reqwest 0.11.13 pulls in native-tls, openssl, openssl-sys%0Abot 0.4.2 → reqwest 0.11.13 → native-tls 0.2.11 → openssl-sys 0.9.80",
    );
    expect(lines.at(-1)).toMatch(/^✖ 2 findings/);
  });

  it("escapes data and properties as GitHub requires", () => {
    expect(escapeData("50% done\r\nnext")).toBe("50%25 done%0D%0Anext");
    expect(escapeProperty("a:b,c")).toBe("a%3Ab%2Cc");
  });
});

describe("--output and --quiet", () => {
  it("writes the report to a file, atomically, and nothing to stdout", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tls-audit-output-"));
    const run = await runCli(["--format", "sarif", "--output", "report.sarif", demo], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect((JSON.parse(readFileSync(join(dir, "report.sarif"), "utf8")) as Sarif.Log).runs[0]!.results).toHaveLength(2);
    expect(readdirSync(dir)).toEqual(["report.sarif"]);
  });

  it("--quiet leaves out warnings", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tls-audit-quiet-"));
    const { cpSync, writeFileSync } = await import("node:fs");
    cpSync(demo, dir, { recursive: true });
    writeFileSync(join(dir, "tls-audit.toml"), `[severity]\nnormal = "warning"\n\n[[allow]]\ndependency = "curl"\nreason = "stale"\n`);
    const loud = await runCli(["."], { cwd: dir });
    const quiet = await runCli(["--quiet", "."], { cwd: dir });
    expect(loud.stdout).toContain("warning[no-native-tls]");
    expect(loud.stderr).toContain("matches no finding");
    expect(quiet.stdout).not.toContain("warning[no-native-tls]");
    expect(quiet.stderr).toBe("");
    expect(quiet.code).toBe(0);
  });
});
