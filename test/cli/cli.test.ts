// The CLI end to end on the bundled demo workspace (cargo-generated lock, vendored manifests).
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { JsonReport } from "../../src/report/json.js";
import { runCli } from "../helpers/run-cli.js";

const repo = join(import.meta.dirname, "../..");
const demo = join(repo, "fixtures/demo");

async function json(...args: string[]) {
  const run = await runCli(["--format", "json", ...args], { cwd: repo });
  return { ...run, report: JSON.parse(run.stdout) as JsonReport };
}

describe("tls-audit on the demo workspace", () => {
  it("resolves features exactly from the vendored manifests and reports bot's reqwest, graph's reqwest in bot's build, and notify's ureq", async () => {
    const { code, report, stderr } = await json(demo);
    expect(stderr).toBe("");
    expect(code).toBe(1);
    expect(report.schemaVersion).toBe(1);
    expect(report.tool.name).toBe("cargo-tls-audit");
    expect(report.workspaces).toEqual([
      expect.objectContaining({ root: "fixtures/demo", lockfile: "fixtures/demo/Cargo.lock", lockfileVersion: 4, members: ["bot", "graph", "notify"], resolution: "exact" }),
    ]);
    expect(report.workspaces[0]!.providers).toMatchObject({ local: 3 });
    expect(report.findings.map((f) => [f.member, f.dependency, f.scope, f.severity, f.manifest, f.line])).toEqual([
      ["bot", "reqwest", "normal", "error", "fixtures/demo/crates/bot/Cargo.toml", 15],
      ["graph", "reqwest", "normal", "error", "fixtures/demo/crates/graph/Cargo.toml", 12],
      ["notify", "ureq", "normal", "error", "fixtures/demo/crates/notify/Cargo.toml", 12],
    ]);
    // graph is rustls-only in its own build; bot's build unifies bot's reqwest defaults into it (cargo-tree-bot-native-tls.txt).
    const graph = report.findings[1]!;
    expect(graph.builds).toEqual(["bot"]);
    expect(graph.enabledAt).toEqual({
      package: "bot",
      dependency: "reqwest",
      crate: "reqwest",
      feature: "default",
      manifest: "fixtures/demo/crates/bot/Cargo.toml",
      line: 15,
      column: 1,
      inheritedFrom: { manifest: "fixtures/demo/Cargo.toml", line: 20, column: 1 },
    });
    expect(report.findings[2]!.builds).toEqual(["bot", "notify"]);
    const [reqwest] = report.findings;
    expect(reqwest!.inheritedFrom).toEqual({ manifest: "fixtures/demo/Cargo.toml", line: 20, column: 1 });
    expect(reqwest!.path.map((s) => s.name)).toEqual(["bot", "reqwest", "native-tls", "openssl-sys"]);
    expect(reqwest!.path[1]).toMatchObject({ features: ["default", "default-tls", "native-tls-crate"], via: "default", provider: "vendor" });
    expect(reqwest!.platforms).toContain("x86_64-unknown-linux-gnu");
    expect(reqwest!.platforms).not.toContain("x86_64-pc-windows-msvc");
    expect(report.summary).toEqual({ errors: 3, warnings: 0, problems: 0, suppressed: 0 });
  });

  it("over-reports with --lockfile-only: the rustls-only member is flagged too", async () => {
    const { report } = await json("--lockfile-only", demo);
    expect(report.workspaces[0]!.resolution).toBe("lockfile");
    expect(report.findings.map((f) => `${f.member}:${f.dependency}`)).toEqual(["bot:reqwest", "graph:reqwest", "notify:ureq"]);
  });

  it("narrows to the requested targets", async () => {
    const windows = await json("--target", "x86_64-pc-windows-msvc", demo);
    expect(windows.report.findings.flatMap((f) => f.reaches)).not.toContain("openssl-sys");
    const linux = await json("--target", "x86_64-unknown-linux-gnu", "--target", "aarch64-apple-darwin", demo);
    expect(linux.report.findings.map((f) => f.platforms)).toEqual([["x86_64-unknown-linux-gnu"], ["x86_64-unknown-linux-gnu"], ["x86_64-unknown-linux-gnu"]]);
  });

  it.skipIf(spawnSync("rustc", ["--version"]).status !== 0)("asks rustc for the cfg of a triple the bundled table lacks", async () => {
    const { code, report } = await json("--target", "riscv32imac-unknown-none-elf", demo);
    expect(code).toBe(1);
    expect(report.findings.map((f) => [f.dependency, f.reaches.includes("openssl-sys")])).toEqual([["reqwest", true], ["reqwest", true], ["ureq", true]]);
  });

  it("takes cargo's --manifest-path, and -p/--package to audit selected members", async () => {
    const viaManifestPath = await runCli(["tls-audit", "--format", "json", "--manifest-path", "fixtures/demo/Cargo.toml"], { cwd: repo });
    expect(viaManifestPath.code).toBe(1);
    expect((JSON.parse(viaManifestPath.stdout) as JsonReport).findings.map((f) => f.dependency)).toEqual(["reqwest", "reqwest", "ureq"]);
    const one = await json("--manifest-path", "fixtures/demo/Cargo.toml", "-p", "notify");
    expect(one.report.findings.map((f) => `${f.member} ${f.dependency}`)).toEqual(["notify ureq"]);
    const both = await json("fixtures/demo", "--package", "notify,bot", "--lockfile-only");
    expect(both.report.findings.map((f) => f.member).sort()).toEqual(["bot", "notify"]);
    const clean = await json("fixtures/demo", "-p", "graph");
    expect([clean.code, clean.report.findings]).toEqual([0, []]);
  });

  it("refuses a --manifest-path that is not a Cargo.toml, and a --package no member has", async () => {
    const dir = await runCli(["--manifest-path", "fixtures/demo"], { cwd: repo });
    expect(dir.code).toBe(2);
    expect(dir.stderr).toBe("tls-audit: the manifest-path must be a path to a Cargo.toml file: fixtures/demo\n");
    const unknown = await json("fixtures/demo", "-p", "nope");
    expect(unknown.code).toBe(2);
    expect(unknown.report.findings).toEqual([]);
    expect(unknown.stderr).toMatch(/error: package `nope` not found in workspace .*fixtures\/demo \[package-not-found\]/);
  });

  it("accepts the argument cargo passes to a subcommand", async () => {
    const direct = await runCli(["--format", "json", demo], { cwd: repo });
    const viaCargo = await runCli(["tls-audit", "--format", "json", demo], { cwd: repo });
    expect(viaCargo).toEqual(direct);
  });

  it("prints a compiler-style report with a code frame and the why-path", async () => {
    const { stdout, code } = await runCli([demo], { cwd: repo });
    expect(code).toBe(1);
    expect(stdout).toContain("error[no-native-tls]: reqwest 0.11.13 pulls in native-tls, openssl, openssl-sys");
    expect(stdout).toContain("  --> fixtures/demo/crates/bot/Cargo.toml:15:1");
    expect(stdout).toContain('15 | reqwest = { workspace = true, features = ["json"] }');
    expect(stdout).toContain('└── reqwest 0.11.13 feature "default" → "default-tls" → "native-tls-crate"');
    expect(stdout).toMatch(/✖ 3 findings \(3 errors, 0 warnings, 3 fixable with --write\)/);
    expect(stdout).toContain("= fixable with --write: reqwest: default-features = false; add \"rustls-tls-native-roots\"");
    expect(stdout).not.toMatch(/\u001b\[/);
  });

  it("colours only on a TTY, and respects NO_COLOR and FORCE_COLOR", async () => {
    const ansi = /\u001b\[\d+m/;
    expect((await runCli([demo], { cwd: repo, isTTY: true })).stdout).toMatch(ansi);
    expect((await runCli([demo], { cwd: repo, isTTY: true, env: { NO_COLOR: "1" } })).stdout).not.toMatch(ansi);
    expect((await runCli([demo], { cwd: repo, isTTY: false, env: { FORCE_COLOR: "1" } })).stdout).toMatch(ansi);
    expect((await runCli(["--no-color", demo], { cwd: repo, isTTY: true })).stdout).not.toMatch(ansi);
  });

  it("has --help with examples and --version", async () => {
    const help = await runCli(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("Examples:");
    expect(help.stdout).toContain("cargo tls-audit");
    const version = await runCli(["--version"]);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe("tls-audit on bad input", () => {
  const scratch = () => mkdtempSync(join(tmpdir(), "tls-audit-cli-"));

  it("exits 2 for a path that does not exist, and for an unknown target or format", async () => {
    const missing = await runCli(["/definitely/not/here"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("/definitely/not/here: error: no such file or directory");
    expect((await runCli(["--target", "mips-unknown-nowhere", demo])).code).toBe(2);
    expect((await runCli(["--format", "xml", demo])).code).toBe(2);
  });

  it("rejects features no member has, as cargo does, and still reports the audit", async () => {
    const run = await runCli(["--format", "json", "-F", "nope,graph/nope", "-F", "reqwest/blocking", demo], { cwd: repo });
    expect(run.code).toBe(2);
    const report = JSON.parse(run.stdout) as JsonReport;
    expect(report.problems.map((p) => [p.code, p.severity, p.message])).toEqual([
      ["feature-unknown", "error", "requested features (--features or [resolve] features): none of the selected packages contains this feature: nope"],
      ["feature-unknown", "error", "requested features (--features or [resolve] features): the package 'graph' does not contain this feature: nope"],
    ]);
    expect(report.findings.map((f) => f.dependency)).toEqual(["reqwest", "reqwest", "ureq"]);
  });

  it("reports malformed TOML as file:line:col with exit 2, and still audits the other workspaces", async () => {
    const dir = scratch();
    mkdirSync(join(dir, "broken"));
    writeFileSync(join(dir, "broken/Cargo.toml"), '[package]\nname = "broken"\nversion = "0.1.0"\n\n[dependencies]\nreqwest = "0.11\n');
    const run = await runCli(["--format", "json", join(dir, "broken"), demo], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^broken\/Cargo\.toml:6:\d+: error: invalid TOML: Unterminated string/m);
    const report = JSON.parse(run.stdout) as JsonReport;
    expect(report.findings.length).toBe(3);
    expect(report.problems[0]).toMatchObject({ code: "toml-syntax", file: "broken/Cargo.toml", line: 6 });
  });

  it("never prints a stack trace", async () => {
    const dir = scratch();
    writeFileSync(join(dir, "Cargo.toml"), '[workspace]\nmembers = ["missing/*"]\n');
    writeFileSync(join(dir, "Cargo.lock"), "version = 4\n<<<<<<< HEAD\n");
    const run = await runCli([dir], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("Cargo.lock:2:1: error: Cargo.lock contains git conflict markers");
    expect(run.stderr).toContain("cargo update -w");
    expect(run.stderr).toContain('Cargo.toml:2:1: error: member pattern "missing/*" matches no directory');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});

describe("paths and summaries", () => {
  it("gives fix edits' manifests relative to the cwd, as every other path", async () => {
    const { report } = await json("fixtures/demo");
    const edits = report.findings.flatMap((f) => (f.fix?.fixable ? f.fix.edits : []));
    expect(edits.length).toBeGreaterThan(0);
    for (const edit of edits) expect(edit.manifest).toMatch(/^fixtures\/demo\/(crates\/\w+\/)?Cargo\.toml$/);
  });

  it("says that nothing was audited when no workspace was", async () => {
    const run = await runCli(["/definitely/not/here"]);
    expect(run.stdout.trim().split("\n").at(-1)).toBe("✖ nothing audited: 1 input error");
    expect(run.stdout).not.toContain("no native TLS found");
  });
});

describe("an unusable cache directory", () => {
  it("warns and runs without a cache instead of spinning (TLS_AUDIT_CACHE_DIR=/proc/x), even for --version", () => {
    const env = { ...process.env, TLS_AUDIT_CACHE_DIR: "/proc/tls-audit-cache" };
    const bin = join(repo, "bin/tls-audit.js");
    const version = spawnSync(process.execPath, [bin, "--version"], { env, encoding: "utf8", timeout: 20_000 });
    expect(version.status).toBe(0);
    expect(version.stdout.trim()).toBe("0.1.0");
    expect(version.stderr).toMatch(/^tls-audit: warning: cannot use the cache directory \/proc\/tls-audit-cache \(.*\); running without a cache\n$/);
    const run = spawnSync(process.execPath, [bin, "--format", "json", demo], { env, encoding: "utf8", timeout: 20_000 });
    expect(run.status).toBe(1);
    expect((JSON.parse(run.stdout) as JsonReport).findings).toHaveLength(3);
    expect(run.stderr.match(/cannot use the cache directory/g)).toHaveLength(1);
  });
});

describe("bin/tls-audit.js", () => {
  it("runs the built CLI as a process", () => {
    const run = spawnSync(process.execPath, [join(repo, "bin/tls-audit.js"), "--format", "json", "fixtures/demo"], { cwd: repo, encoding: "utf8" });
    expect(run.status).toBe(1);
    expect((JSON.parse(run.stdout) as JsonReport).findings).toHaveLength(3);
    expect(execFileSync(process.execPath, [join(repo, "bin/tls-audit.js"), "--version"], { encoding: "utf8" }).trim()).toBe("0.1.0");
  });
});

describe("--timings", () => {
  const stagesOf = (stderr: string) =>
    new Map(
      [...stderr.matchAll(/^ {2}(\S[^\n]*?) +(\d+\.\d) ms$/gm)].map((m) => [m[1]!.trim(), Number(m[2])] as const),
    );

  it("prints each stage's time on stderr and leaves the report as it is", async () => {
    const plain = await runCli(["--format", "json", demo]);
    const timed = await runCli(["--format", "json", "--timings", demo]);
    expect(timed.code).toBe(plain.code);
    expect(timed.stdout).toBe(plain.stdout);
    const stages = stagesOf(timed.stderr);
    for (const stage of ["read files", "parse lock", "parse manifests", "load workspace", "resolve", "rules", "plan and verify fixes", "report", "total"]) {
      expect(stages.get(stage), `${stage} in:\n${timed.stderr}`).toBeGreaterThanOrEqual(0);
    }
    // Nested stages cannot take longer than the stage around them (first audit only: re-audits add to both).
    expect(stages.get("parse lock")!).toBeLessThanOrEqual(stages.get("load workspace")!);
    expect(stages.get("total")!).toBeGreaterThanOrEqual(stages.get("resolve")!);
  });

  it("is also turned on by TLS_AUDIT_TIMINGS=1, and off without either", async () => {
    expect(stagesOf((await runCli(["--format", "json", demo], { env: { TLS_AUDIT_TIMINGS: "1" } })).stderr).has("resolve")).toBe(true);
    expect((await runCli(["--format", "json", demo])).stderr).not.toMatch(/timings/);
  });
});
