// --diff and --write end to end on a copy of the demo workspace: verified edits, atomic writes, idempotence.
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, readdirSync, statSync, chmodSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { JsonReport } from "../../src/report/json.js";
import { runCli } from "../helpers/run-cli.js";

const repo = join(import.meta.dirname, "../..");

function demoCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), "tls-audit-write-"));
  cpSync(join(repo, "fixtures/demo"), dir, { recursive: true });
  return dir;
}

const manifests = (dir: string) => ["Cargo.toml", "crates/bot/Cargo.toml", "crates/graph/Cargo.toml", "crates/notify/Cargo.toml"].map((f) => readFileSync(join(dir, f), "utf8"));

describe("--diff", () => {
  it("prints unified diffs and writes nothing", async () => {
    const dir = demoCopy();
    const before = manifests(dir);
    const run = await runCli(["--diff", "."], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("--- a/Cargo.toml\n+++ b/Cargo.toml");
    expect(run.stdout).toContain('-reqwest = "0.11"\n+reqwest = { version = "0.11", default-features = false, features = ["rustls-tls-native-roots"] }');
    expect(run.stdout).toContain('-ureq = { version = "2.6", features = ["json", "native-tls"] }\n+ureq = { version = "2.6", features = ["json"] }');
    expect(manifests(dir)).toEqual(before);
  });

  it("with -f json puts the diffs into the one JSON document", async () => {
    const dir = demoCopy();
    const run = await runCli(["--diff", "--format", "json", "."], { cwd: dir });
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as JsonReport;
    expect(report.write?.mode).toBe("diff");
    expect(report.write?.diffs?.map((d) => d.path).sort()).toEqual(["Cargo.toml", "crates/notify/Cargo.toml"]);
    expect(report.write?.diffs?.find((d) => d.path === "Cargo.toml")?.diff).toContain('+reqwest = { version = "0.11", default-features = false, features = ["rustls-tls-native-roots"] }');
    expect(report.findings.length).toBeGreaterThan(0);
  });

  it("with -f sarif is an error: a SARIF document cannot hold diffs", async () => {
    const run = await runCli(["--diff", "--format", "sarif", "."], { cwd: demoCopy() });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(/--diff prints unified diffs, which a SARIF document cannot hold/);
  });
});

describe("the stylish preview", () => {
  it("shows exactly the lines a fix changes, even when it edits two entries far apart, and never features = []", async () => {
    const dir = demoCopy();
    const notify = join(dir, "crates/notify/Cargo.toml");
    // A dev-dependency on the same ureq, twenty lines below: cargo unifies it, so the fix edits both entries.
    const padding = Array.from({ length: 20 }, (_, i) => `# note ${i}`).join("\n");
    writeFileSync(notify, `${readFileSync(notify, "utf8")}\n${padding}\n[dev-dependencies.ureq]\nversion = "2.6"\nfeatures = ["native-tls"]\n`);
    const run = await runCli(["."], { cwd: dir });
    const start = run.stdout.indexOf("fixable with --write: ureq");
    const preview = run.stdout.slice(start).split("\n").slice(1).filter((l) => /^\s+[-+] /.test(l));
    expect(preview).toEqual([
      '      - ureq = { version = "2.6", features = ["json", "native-tls"] }',
      '      + ureq = { version = "2.6", features = ["json"] }',
      '      - features = ["native-tls"]',
    ]);
    const written = await runCli(["--write", "."], { cwd: dir });
    expect(written.code).toBe(0);
    expect(readFileSync(notify, "utf8")).toMatch(/\[dev-dependencies\.ureq\]\nversion = "2\.6"\n$/);
  });
});

describe("--write", () => {
  it("writes no manifest when one it would change is read-only, even as root, and says which", async () => {
    const dir = demoCopy();
    chmodSync(join(dir, "crates/notify/Cargo.toml"), 0o444);
    const before = manifests(dir);
    const run = await runCli(["--write", "."], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("not written crates/notify/Cargo.toml: is read-only (make it writable to let tls-audit fix it)");
    expect(run.stderr).toContain("not written Cargo.toml: another manifest to change is read-only, and one fix can span manifests");
    expect(run.stderr).not.toMatch(/^fixed /m);
    expect(manifests(dir)).toEqual(before);
    expect(statSync(join(dir, "crates/notify/Cargo.toml")).mode & 0o777).toBe(0o444);
    // The report is still printed, and -f json is still one document, with the refusal in it.
    expect(run.stdout).toMatch(/fixable with --write/);
    const json = await runCli(["--write", "--format", "json", "."], { cwd: dir });
    expect(json.code).toBe(2);
    const report = JSON.parse(json.stdout) as JsonReport;
    expect(report.write).toMatchObject({ mode: "write", written: [] });
    expect(report.write?.failed.map((f) => f.path).sort()).toEqual(["Cargo.toml", "crates/notify/Cargo.toml"]);
    expect(report.findings.length).toBeGreaterThan(0);
  });

  it("writes nothing when the input has errors, says why, and still prints the report", async () => {
    const dir = demoCopy();
    const bot = join(dir, "crates/bot/Cargo.toml");
    writeFileSync(bot, `${readFileSync(bot, "utf8")}\n<<<<<<< HEAD\n=======\n>>>>>>> other\n`);
    const before = manifests(dir);
    const run = await runCli(["--write", "."], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("nothing written: the input has errors");
    expect(run.stdout).toMatch(/fixable with --write/);
    expect(manifests(dir)).toEqual(before);
  });

  it("fixes the demo, keeps everything else byte for byte, and a second run is a no-op", async () => {
    const dir = demoCopy();
    chmodSync(join(dir, "crates/notify/Cargo.toml"), 0o640);
    const [root, bot, graph, notify] = manifests(dir);
    const run = await runCli(["--write", "--format", "json", "."], { cwd: dir });
    expect(run.code).toBe(0);
    expect(run.stderr).toContain("fixed Cargo.toml");
    expect(run.stderr).toContain("fixed crates/notify/Cargo.toml");
    expect(run.stderr).toContain("cargo update -w");
    expect((JSON.parse(run.stdout) as JsonReport).findings).toEqual([]);
    const [root2, bot2, graph2, notify2] = manifests(dir);
    expect(root2).toBe(root!.replace('reqwest = "0.11"', 'reqwest = { version = "0.11", default-features = false, features = ["rustls-tls-native-roots"] }'));
    expect(notify2).toBe(notify!.replace('features = ["json", "native-tls"]', 'features = ["json"]'));
    expect(bot2).toBe(bot);
    expect(graph2).toBe(graph);
    expect(statSync(join(dir, "crates/notify/Cargo.toml")).mode & 0o777).toBe(0o640);
    expect(readdirSync(join(dir, "crates/notify")).filter((f) => f.includes(".tmp"))).toEqual([]);
    const again = await runCli(["--write", "."], { cwd: dir });
    expect(again.code).toBe(0);
    expect(again.stderr).toContain("nothing to fix");
    expect(manifests(dir)).toEqual([root2, bot2, graph2, notify2]);
  });

  it("leaves the original intact when the process dies in the middle of a write", () => {
    const dir = demoCopy();
    const before = manifests(dir);
    const run = spawnSync(process.execPath, [join(repo, "bin/tls-audit.js"), "--write", "."], { cwd: dir, env: { ...process.env, TLS_AUDIT_FAIL_POINT: "before-rename" }, encoding: "utf8" });
    expect(run.signal).toBe("SIGKILL");
    expect(manifests(dir)).toEqual(before);
  });

  it("keeps CRLF line endings and a BOM", async () => {
    const dir = demoCopy();
    const path = join(dir, "crates/notify/Cargo.toml");
    writeFileSync(path, `\uFEFF${readFileSync(path, "utf8").replace(/\n/g, "\r\n")}`);
    const run = await runCli(["--write", "."], { cwd: dir });
    expect(run.code).toBe(0);
    const after = readFileSync(path, "utf8");
    expect(after.startsWith("\uFEFF")).toBe(true);
    expect(after.replace(/\r\n/g, "")).not.toContain("\n");
    expect(after).toContain('ureq = { version = "2.6", features = ["json"] }\r\n');
  });
});

describe("writeFileAtomic", () => {
  it("refuses a file that changed since it was read, and a symlink that leaves the workspace", async () => {
    const { writeFileAtomic, HostWriteError } = await import("../../src/host/write.js");
    const { symlinkSync, mkdirSync } = await import("node:fs");
    const dir = mkdtempSync(join(tmpdir(), "tls-audit-atomic-"));
    const file = join(dir, "Cargo.toml");
    writeFileSync(file, "a = 1\n");
    expect(() => writeFileAtomic(file, "a = 2\n", { expected: "a = 0\n", within: dir })).toThrow(/changed since it was read/);
    expect(readFileSync(file, "utf8")).toBe("a = 1\n");
    const outside = mkdtempSync(join(tmpdir(), "tls-audit-outside-"));
    writeFileSync(join(outside, "Cargo.toml"), "b = 1\n");
    mkdirSync(join(dir, "member"));
    symlinkSync(join(outside, "Cargo.toml"), join(dir, "member", "Cargo.toml"));
    expect(() => writeFileAtomic(join(dir, "member", "Cargo.toml"), "b = 2\n", { expected: "b = 1\n", within: dir })).toThrow(HostWriteError);
    expect(readFileSync(join(outside, "Cargo.toml"), "utf8")).toBe("b = 1\n");
    writeFileAtomic(file, "a = 2\n", { expected: "a = 1\n", within: dir });
    expect(readFileSync(file, "utf8")).toBe("a = 2\n");
  });
});
