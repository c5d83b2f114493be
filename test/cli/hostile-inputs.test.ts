// Hostile and broken inputs through the CLI: a precise message and exit 2 (or a warning and a sound partial
// result), never a stack trace, never a hang.
import { mkdirSync, mkdtempSync, symlinkSync, truncateSync, writeFileSync, cpSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import type { JsonReport } from "../../src/report/json.js";
import { runCli } from "../helpers/run-cli.js";

const repo = join(import.meta.dirname, "../..");
const pkg = (name: string, deps = "") => `[package]\nname = "${name}"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\n${deps}`;

function workspace(files: Record<string, string | Buffer>): string {
  const dir = mkdtempSync(join(tmpdir(), "tls-audit-hostile-"));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

async function audit(dir: string, ...args: string[]) {
  const run = await runCli(["--format", "json", ...args, "."], { cwd: dir });
  expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
  expect(run.stderr).not.toContain("internal error");
  return { ...run, report: JSON.parse(run.stdout) as JsonReport };
}

describe("file-system problems", () => {
  it("a symlink loop in members terminates, and members are found once", async () => {
    const dir = workspace({ "Cargo.toml": `[workspace]\nmembers = ["crates/**"]\n`, "crates/a/Cargo.toml": pkg("a") });
    symlinkSync("..", join(dir, "crates/a/loop"));
    const run = await audit(dir);
    expect(run.report.workspaces[0]!.members).toContain("a");
  });

  it("a directory where Cargo.lock should be", async () => {
    const dir = workspace({ "Cargo.toml": pkg("a") });
    mkdirSync(join(dir, "Cargo.lock"));
    const run = await audit(dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("Cargo.lock: error: cannot read file: is a directory, expected a file [file-unreadable]");
  });

  it("a directory where a member's Cargo.toml should be", async () => {
    const dir = workspace({ "Cargo.toml": `[workspace]\nmembers = ["a"]\n`, "Cargo.lock": "version = 4\n" });
    mkdirSync(join(dir, "a/Cargo.toml"), { recursive: true });
    const run = await audit(dir);
    expect(run.code).toBe(2);
    // As cargo: "failed to read `…/a/Cargo.toml`: Is a directory".
    expect(run.stderr).toContain("a/Cargo.toml: error: cannot read file: is a directory, expected a file [file-unreadable]");
  });

  it("empty Cargo.toml and empty Cargo.lock", async () => {
    const dir = workspace({ "Cargo.toml": "", "Cargo.lock": "" });
    const run = await audit(dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("Cargo.toml: error: manifest has neither `[package]` nor `[workspace]`");
    const lockOnly = await audit(workspace({ "Cargo.toml": pkg("a"), "Cargo.lock": "" }));
    expect(lockOnly.code).toBe(0);
    expect(lockOnly.report.workspaces[0]!.resolution).toBe("unlocked"); // an empty lock is resolved as no lock (lockfile/refresh.ts)
  });

  it("a 100 MB Cargo.lock is refused quickly without being read", async () => {
    const dir = workspace({ "Cargo.toml": pkg("a") });
    writeFileSync(join(dir, "Cargo.lock"), "");
    truncateSync(join(dir, "Cargo.lock"), 100 * 1024 * 1024);
    const started = performance.now();
    const run = await audit(dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/Cargo\.lock: error: cannot read file: file is too large \(104857600 bytes/);
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it("a manifest that is not UTF-8", async () => {
    const dir = workspace({ "Cargo.toml": Buffer.from([0x5b, 0x70, 0x61, 0xff, 0xfe, 0x5d, 0x0a]) });
    const run = await audit(dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("Cargo.toml:1:4: error: cannot read file: file is not valid UTF-8 (byte 0xff)");
  });
});

describe("lockfile and manifest problems", () => {
  it("a cyclic path dependency does not loop", async () => {
    const dir = workspace({
      "Cargo.toml": `[workspace]\nmembers = ["a", "b"]\n`,
      "a/Cargo.toml": pkg("a", `b = { path = "../b" }\n`),
      "b/Cargo.toml": pkg("b", `a = { path = "../a" }\n`),
      "Cargo.lock": `version = 4\n\n[[package]]\nname = "a"\nversion = "0.1.0"\ndependencies = ["b"]\n\n[[package]]\nname = "b"\nversion = "0.1.0"\ndependencies = ["a"]\n`,
    });
    const run = await audit(dir);
    expect(run.code).toBe(0);
    expect(run.report.workspaces[0]!.members).toEqual(["a", "b"]);
  });

  it("a malformed cfg() key is a warning and the dependency is kept for every target", async () => {
    const dir = workspace({
      "Cargo.toml": `[package]\nname = "a"\nversion = "0.1.0"\nedition = "2021"\n\n[target.'cfg(unix'.dependencies]\nopenssl-sys = "0.9"\n`,
      "Cargo.lock": `version = 4\n\n[[package]]\nname = "a"\nversion = "0.1.0"\ndependencies = ["openssl-sys"]\n\n[[package]]\nname = "openssl-sys"\nversion = "0.9.104"\nsource = "registry+https://github.com/rust-lang/crates.io-index"\n`,
    });
    const run = await audit(dir);
    expect(run.report.problems).toEqual([expect.objectContaining({ code: "cfg-syntax", severity: "warning", file: "Cargo.toml", line: 7, column: 1 })]);
    expect(run.report.findings.map((f) => f.dependency)).toEqual(["openssl-sys"]);
  });

  it("an unknown lockfile version, a dangling dependency string, duplicate packages", async () => {
    const unknown = await audit(workspace({ "Cargo.toml": pkg("a"), "Cargo.lock": "version = 9\n" }));
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("Cargo.lock:1:1: error: unsupported lockfile version 9 (supported: 1 to 4)");
    const dangling = await audit(workspace({ "Cargo.toml": pkg("a"), "Cargo.lock": `version = 4\n\n[[package]]\nname = "a"\nversion = "0.1.0"\ndependencies = ["ghost"]\n` }));
    expect(dangling.code).toBe(0);
    expect(dangling.stderr).toContain('dependency "ghost" names no package in the lock; ignoring it');
  });
});

describe("output safety", () => {
  it("escapes terminal control sequences from manifests in stylish output", async () => {
    // TOML forbids raw control characters, but a quoted key may carry them as escapes.
    const dir = workspace({
      "Cargo.toml": `[package]\nname = "a"\nversion = "0.1.0"\n\n[dependencies]\n"open\\u001b]0;pwned\\u0007" = { package = "openssl", version = "0.10" }\n`,
      "Cargo.lock": `version = 4\n\n[[package]]\nname = "a"\nversion = "0.1.0"\ndependencies = ["openssl"]\n\n[[package]]\nname = "openssl"\nversion = "0.10.68"\nsource = "registry+https://github.com/rust-lang/crates.io-index"\n`,
    });
    const run = await runCli(["."], { cwd: dir });
    expect(run.stdout).toContain("openssl 0.10.68 is itself a native TLS crate");
    expect(run.stdout).not.toContain("\u001b]");
  });

  it("escapeControl neutralises every C0/C1 control character but tab and newline", async () => {
    const { escapeControl } = await import("../../src/report/stylish.js");
    expect(escapeControl("a\u001b]0;x\u0007b\tc\nd\u009b")).toBe("a\\u{1b}]0;x\\u{7}b\tc\nd\\u{9b}");
  });

  it("reports paths relative to the current directory", async () => {
    const run = await runCli(["--format", "json", "fixtures/demo"], { cwd: repo });
    const report = JSON.parse(run.stdout) as JsonReport;
    for (const f of report.findings) expect(f.manifest.startsWith("/")).toBe(false);
  });

  it("never touches the network: fetch and sockets are not used without --online", async () => {
    const calls: string[] = [];
    const net = await import("node:net");
    const originalFetch = globalThis.fetch;
    const originalConnect = net.Socket.prototype.connect;
    globalThis.fetch = (async (input: unknown) => {
      calls.push(`fetch ${String(input)}`);
      throw new Error("network denied");
    }) as typeof fetch;
    net.Socket.prototype.connect = function (...args: unknown[]) {
      calls.push(`connect ${JSON.stringify(args[0])}`);
      throw new Error("network denied");
    } as typeof net.Socket.prototype.connect;
    try {
      const run = await runCli(["--format", "json", join(repo, "fixtures/demo")], { cwd: repo });
      expect(run.code).toBe(1);
    } finally {
      globalThis.fetch = originalFetch;
      net.Socket.prototype.connect = originalConnect;
    }
    expect(calls).toEqual([]);
  });

  it("an unexpected internal error is one line with the version, exit 2", async () => {
    const chunks: string[] = [];
    const { Writable } = await import("node:stream");
    const sink = new Writable({ write: (c, _e, done) => (chunks.push(String(c)), done()) });
    const dir = workspace({ "Cargo.toml": pkg("a") });
    // A cwd that is not a string makes path handling throw inside the audit: the catch-all must answer.
    const code = await main(["."], { stdout: sink, stderr: sink, env: {}, cwd: undefined as unknown as string, isTTY: false });
    expect(code).toBe(2);
    expect(chunks.join("")).toMatch(/^tls-audit: internal error, please report \(cargo-tls-audit \d+\.\d+\.\d+\): .+\n$/);
    expect(dir).toBeTruthy();
  });
});

describe("several workspaces", () => {
  it("a broken one does not stop the others", async () => {
    const good = mkdtempSync(join(tmpdir(), "tls-audit-good-"));
    cpSync(join(repo, "fixtures/demo"), good, { recursive: true });
    const bad = workspace({ "Cargo.toml": `[package\nname = "x"\n` });
    const run = await runCli(["--format", "json", bad, good], { cwd: tmpdir() });
    expect(run.code).toBe(2);
    const report = JSON.parse(run.stdout) as JsonReport;
    expect(report.findings).toHaveLength(3);
    expect(report.problems[0]).toMatchObject({ code: "toml-syntax", line: 2 });
  });
});
