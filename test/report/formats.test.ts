// SARIF, GitHub annotations, --output and --quiet through the CLI, on the demo workspace.
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type * as Sarif from "sarif";
import type { JsonReport } from "../../src/report/json.js";
import { runCli } from "../helpers/run-cli.js";
import { sarifErrors } from "./sarif-schema.js";

const repo = join(import.meta.dirname, "../..");
const demo = join(repo, "fixtures/demo");
const scratch = (name: string) => mkdtempSync(join(tmpdir(), `tls-audit-${name}-`));

/** A copy of the demo whose normal-scope findings are warnings, with a stale [[allow]] (a warning problem). */
function warningDemo(): string {
  const dir = scratch("quiet");
  cpSync(demo, dir, { recursive: true });
  writeFileSync(join(dir, "tls-audit.toml"), `[severity]\nnormal = "warning"\n\n[[allow]]\ndependency = "curl"\nreason = "stale"\n`);
  return dir;
}

describe("--format sarif", () => {
  it("is a schema-valid SARIF 2.1.0 log: one rule per id, results at the dependency key, related locations and fixes", async () => {
    const run = await runCli(["--format", "sarif", demo], { cwd: repo });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe("");
    const log = JSON.parse(run.stdout) as Sarif.Log;
    expect(sarifErrors(log)).toEqual([]);
    expect(log.version).toBe("2.1.0");
    const [sarifRun] = log.runs;
    const rules = sarifRun!.tool.driver.rules!;
    expect(rules.map((r) => r.id)).toEqual(["no-native-tls", "rustls-crypto-provider"]);
    for (const rule of rules) {
      expect(rule.helpUri).toMatch(new RegExp(`docs/rules/${rule.id}\\.md$`));
      expect(rule.shortDescription?.text.length).toBeGreaterThan(10);
    }
    const [reqwest, graphReqwest, ureq] = sarifRun!.results!;
    expect(reqwest).toMatchObject({ ruleId: "no-native-tls", ruleIndex: 0, level: "error" });
    expect(reqwest!.locations![0]!.physicalLocation).toEqual({
      artifactLocation: { uri: "fixtures/demo/crates/bot/Cargo.toml", uriBaseId: "%SRCROOT%" },
      region: { startLine: 15, startColumn: 1, endLine: 15, endColumn: 8 },
    });
    expect(reqwest!.relatedLocations![0]!.physicalLocation).toEqual({
      artifactLocation: { uri: "fixtures/demo/Cargo.toml", uriBaseId: "%SRCROOT%" },
      region: { startLine: 20, startColumn: 1, endLine: 20, endColumn: 8 },
    });
    expect(reqwest!.partialFingerprints!["tlsAuditFinding/v1"]).toMatch(/^[0-9a-f]{32}$/);
    // The fix is the same edit --write makes: replace `"0.11"` in the workspace entry.
    const change = reqwest!.fixes![0]!.artifactChanges[0]!;
    expect(change.artifactLocation.uri).toBe("fixtures/demo/Cargo.toml");
    const text = readFileSync(join(demo, "Cargo.toml"), "utf8");
    const [replacement] = change.replacements;
    const { charOffset, charLength } = replacement!.deletedRegion;
    expect(text.slice(charOffset!, charOffset! + charLength!)).toBe('"0.11"');
    expect(replacement!.insertedContent!.text).toBe('{ version = "0.11", default-features = false, features = ["rustls-tls-native-roots"] }');
    // graph's rustls-only reqwest links native-tls in bot's build: bot's declaration is the related location.
    expect(graphReqwest!.properties).toMatchObject({ member: "graph", dependency: "reqwest", builds: ["bot"] });
    expect(graphReqwest!.relatedLocations!.map((l) => [l.physicalLocation!.artifactLocation!.uri, l.physicalLocation!.region!.startLine, l.message!.text])).toEqual([
      ["fixtures/demo/crates/bot/Cargo.toml", 15, "native TLS switched on by reqwest's default features, enabled at fixtures/demo/crates/bot/Cargo.toml:15"],
    ]);
    expect(ureq!.properties).toMatchObject({ member: "notify", dependency: "ureq", dependencyVersion: "2.6.2", scope: "normal", reaches: ["native-tls", "openssl", "openssl-sys"] });
    expect(ureq!.properties!.path).toEqual(["notify@0.4.2", "ureq@2.6.2", "native-tls@0.2.11", "openssl-sys@0.9.80"]);
    expect(sarifRun!.invocations![0]!).toEqual({ executionSuccessful: true, toolExecutionNotifications: [] });
  });

  it("reports input errors as tool notifications and an unsuccessful execution", async () => {
    const run = await runCli(["--format", "sarif", "/definitely/not/here"], { cwd: repo });
    expect(run.code).toBe(2);
    const log = JSON.parse(run.stdout) as Sarif.Log;
    expect(sarifErrors(log)).toEqual([]);
    const invocation = log.runs[0]!.invocations![0]!;
    expect(invocation.executionSuccessful).toBe(false);
    expect(invocation.toolExecutionNotifications![0]).toMatchObject({ level: "error", descriptor: { id: "path-not-found" } });
  });

  it("stays complete under --quiet: warnings and warning problems are kept", async () => {
    const dir = warningDemo();
    const run = await runCli(["--quiet", "--format", "sarif", "."], { cwd: dir });
    expect(run.code).toBe(0);
    const log = JSON.parse(run.stdout) as Sarif.Log;
    expect(sarifErrors(log)).toEqual([]);
    expect(log.runs[0]!.results!.map((r) => r.level)).toEqual(["warning", "warning", "warning"]);
    expect(log.runs[0]!.invocations![0]!.toolExecutionNotifications!.map((n) => n.level)).toEqual(["warning"]);
  });
});

describe("--format github", () => {
  it("prints workflow-command annotations and the summary, and is chosen automatically under GitHub Actions", async () => {
    const auto = await runCli([demo], { cwd: repo, env: { GITHUB_ACTIONS: "true" } });
    const explicit = await runCli(["--format", "github", demo], { cwd: repo });
    expect(auto.stdout).toBe(explicit.stdout);
    expect(auto.code).toBe(1);
    const lines = explicit.stdout.trim().split("\n");
    expect(lines).toHaveLength(4);
    expect(lines[0]).toBe(
      "::error file=fixtures/demo/crates/bot/Cargo.toml,line=15,col=1,endColumn=8,title=no-native-tls%3A reqwest::reqwest 0.11.13 pulls in native-tls, openssl, openssl-sys%0Abot 0.4.2 → reqwest 0.11.13 → native-tls 0.2.11 → openssl-sys 0.9.80",
    );
    expect(lines[1]).toMatch(/^::error file=fixtures\/demo\/crates\/graph\/Cargo\.toml,line=12,col=1,endColumn=8,title=no-native-tls%3A reqwest::/);
    expect(lines[2]).toMatch(/^::error file=fixtures\/demo\/crates\/notify\/Cargo\.toml,line=12,col=1,endColumn=5,title=no-native-tls%3A ureq::/);
    expect(lines.at(-1)).toMatch(/^✖ 3 findings \(3 errors, 0 warnings, 3 fixable with --write\)/);
  });

  it("is not chosen when GITHUB_ACTIONS is anything but true, when --format says otherwise, or for a report file", async () => {
    expect((await runCli([demo], { cwd: repo, env: { GITHUB_ACTIONS: "false" } })).stdout).toMatch(/^error\[no-native-tls\]/);
    expect(JSON.parse((await runCli(["--format", "json", demo], { cwd: repo, env: { GITHUB_ACTIONS: "true" } })).stdout)).toHaveProperty("findings");
    const dir = scratch("gha-output");
    const run = await runCli(["--output", "report.txt", demo], { cwd: dir, env: { GITHUB_ACTIONS: "true" } });
    expect(run.stdout).toBe("");
    expect(readFileSync(join(dir, "report.txt"), "utf8")).toMatch(/^error\[no-native-tls\]/);
  });

  it("annotates problems as well, and --quiet leaves out warnings", async () => {
    const dir = warningDemo();
    const loud = await runCli(["--format", "github", "."], { cwd: dir });
    expect(loud.stdout.split("\n").filter((l) => l.startsWith("::warning "))).toHaveLength(4);
    expect(loud.stdout).toMatch(/^::warning file=tls-audit\.toml,line=\d+,col=\d+,title=allow-unused::/m);
    const quiet = await runCli(["--quiet", "--format", "github", "."], { cwd: dir });
    expect(quiet.stdout).not.toContain("::warning");
    expect(quiet.stdout.trim().split("\n")).toHaveLength(1);
    expect(quiet.code).toBe(0);
  });
});

describe("--output", () => {
  it("writes the report to a file relative to the cwd, atomically, and nothing to stdout", async () => {
    const dir = scratch("output");
    const run = await runCli(["--format", "sarif", "--output", "report.sarif", demo], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe("");
    const log = JSON.parse(readFileSync(join(dir, "report.sarif"), "utf8")) as Sarif.Log;
    expect(sarifErrors(log)).toEqual([]);
    expect(log.runs[0]!.results).toHaveLength(3);
    expect(readdirSync(dir)).toEqual(["report.sarif"]);
  });

  it("replaces an existing report whole, with the same text stdout would get (no colour)", async () => {
    const dir = scratch("output-replace");
    writeFileSync(join(dir, "report.txt"), "x".repeat(100_000));
    const run = await runCli(["-o", join(dir, "report.txt"), demo], { cwd: repo, isTTY: true });
    const stdout = await runCli([demo], { cwd: repo });
    expect(readFileSync(join(dir, "report.txt"), "utf8")).toBe(stdout.stdout);
    expect(run.code).toBe(stdout.code);
    expect(readdirSync(dir)).toEqual(["report.txt"]);
  });

  it("leaves stderr as it is: problems still go there", async () => {
    const dir = warningDemo();
    const toFile = await runCli(["--format", "json", "--output", "r.json", "."], { cwd: dir });
    const toStdout = await runCli(["--format", "json", "."], { cwd: dir });
    expect(toFile.stderr).toBe(toStdout.stderr);
    expect(toFile.stderr).toContain("matches no finding");
    expect(JSON.parse(readFileSync(join(dir, "r.json"), "utf8"))).toEqual(JSON.parse(toStdout.stdout) as JsonReport);
  });

  it("exits 2 with the file and the reason when the report cannot be written, leaving no temporary file", async () => {
    const dir = scratch("output-fail");
    mkdirSync(join(dir, "taken"));
    writeFileSync(join(dir, "taken/keep"), "");
    const intoDir = await runCli(["--format", "sarif", "--output", "taken", demo], { cwd: dir });
    expect(intoDir.code).toBe(2);
    expect(intoDir.stdout).toBe("");
    expect(intoDir.stderr).toMatch(/^tls-audit: cannot write the report to taken: /);
    expect(intoDir.stderr).not.toContain("internal error");
    expect(readdirSync(dir)).toEqual(["taken"]);
    expect(readdirSync(join(dir, "taken"))).toEqual(["keep"]);
    const missingDir = await runCli(["--output", "no/such/dir/report.txt", demo], { cwd: dir });
    expect(missingDir.code).toBe(2);
    writeFileSync(join(dir, "kept.txt"), "kept");
    chmodSync(join(dir, "kept.txt"), 0o444);
    const readOnly = await runCli(["--output", "kept.txt", demo], { cwd: dir });
    expect(readOnly.code).toBe(2);
    expect(readOnly.stderr).toBe("tls-audit: cannot write the report to kept.txt: cannot write: it is read-only\n");
    expect(readFileSync(join(dir, "kept.txt"), "utf8")).toBe("kept");
    // In words, and without the temporary file's name, which the user never asked for.
    expect(missingDir.stderr).toBe("tls-audit: cannot write the report to no/such/dir/report.txt: cannot write: its directory does not exist\n");
  });
});

describe("--quiet", () => {
  it("leaves warning findings and warning problems out of stylish output, keeping the summary line", async () => {
    const dir = warningDemo();
    const loud = await runCli(["."], { cwd: dir });
    const quiet = await runCli(["--quiet", "."], { cwd: dir });
    expect(loud.stdout).toContain("warning[no-native-tls]");
    expect(loud.stderr).toContain("matches no finding");
    expect(quiet.stdout).not.toContain("warning[no-native-tls]");
    expect(quiet.stdout.trim().split("\n")).toEqual([expect.stringMatching(/^⚠ 3 findings \(0 errors, 3 warnings, 3 fixable with --write\) · audited \. \(3 members/)]);
    expect(quiet.stderr).toBe("");
    expect(quiet.code).toBe(0);
    expect(loud.code).toBe(0);
  });

  it("keeps error findings, and JSON stays complete", async () => {
    const quiet = await runCli(["-q", demo], { cwd: repo });
    expect(quiet.stdout).toBe((await runCli([demo], { cwd: repo })).stdout);
    const dir = warningDemo();
    const json = JSON.parse((await runCli(["-q", "--format", "json", "."], { cwd: dir })).stdout) as JsonReport;
    expect(json.findings.map((f) => f.severity)).toEqual(["warning", "warning", "warning"]);
    expect(json.problems.map((p) => p.severity)).toEqual(["warning"]);
  });
});
