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
