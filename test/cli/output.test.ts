// Where the report goes. Output that cannot be written, on a fresh run and on a replayed one: `tls-audit | head`,
// a reader that goes away, ends the output quietly (no EPIPE stack trace) with the audit's exit code; a full device
// (`> /dev/full`) is one line on standard error and exit 2. And `--output` into what is not a regular file
// (`/dev/stdout`, a FIFO) writes into it and never replaces it. Runs the built bin.
import { spawn, spawnSync } from "node:child_process";
import { createReadStream, existsSync, lstatSync, mkdtempSync, openSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync, chmodSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { corpusDir } from "../helpers/memory-host.js";

const repo = join(import.meta.dirname, "../..");
const bin = join(repo, "bin/tls-audit.js");
const demo = join(repo, "fixtures/demo");

/** Runs the bin with its stdout's reader closed at once; resolves with the exit code and what it wrote to stderr. */
function withClosedStdout(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, NO_COLOR: "1", ...env }, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.destroy();
    let stderr = "";
    child.stderr.on("data", (chunk) => (stderr += String(chunk)));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stderr }));
  });
}

describe("a closed output pipe", () => {
  it("ends a fresh run quietly, with the audit's exit code", async () => {
    for (const format of ["stylish", "json"]) {
      const run = await withClosedStdout(["--no-cache", "--format", format, demo], {});
      expect(run.stderr, format).not.toMatch(/EPIPE|Error|at /);
      expect(run.code, format).toBe(1);
    }
  });

  it("ends a replayed run quietly, with the stored exit code", async () => {
    const cache = mkdtempSync(join(tmpdir(), "tls-audit-pipe-cache-"));
    const env = { TLS_AUDIT_CACHE_DIR: cache };
    const first = await withClosedStdout(["--format", "json", demo], env);
    expect(first.code).toBe(1);
    // The first run was stored (its output is what the stream got), so the second is a replay.
    expect(readdirSync(join(cache, "runs")).filter((f) => f.endsWith(".json"))).toHaveLength(1);
    const replayed = await withClosedStdout(["--format", "json", demo], env);
    expect(replayed.stderr).not.toMatch(/EPIPE|Error|at /);
    expect(replayed.code).toBe(1);
  });
});

/** Runs the bin with its stdout on /dev/full, where every write fails with ENOSPC. */
function intoFullDevice(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, NO_COLOR: "1", ...env }, stdio: ["ignore", openSync("/dev/full", "w"), "pipe"] });
    let stderr = "";
    child.stderr!.on("data", (chunk) => (stderr += String(chunk)));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stderr }));
  });
}

describe.skipIf(!existsSync("/dev/full"))("a full output device", () => {
  const expected = "tls-audit: cannot write to standard output: no space left on device\n";

  it("is reported in one line, with exit code 2, on a fresh run", async () => {
    for (const format of ["stylish", "json"]) {
      const run = await intoFullDevice(["--no-cache", "--format", format, demo], {});
      expect(run.stderr, format).toBe(expected);
      expect(run.code, format).toBe(2);
    }
  });

  it("and on a replayed run", async () => {
    const cache = mkdtempSync(join(tmpdir(), "tls-audit-full-cache-"));
    expect((await withClosedStdout(["--format", "json", demo], { TLS_AUDIT_CACHE_DIR: cache })).code).toBe(1);
    expect(readdirSync(join(cache, "runs")).filter((f) => f.endsWith(".json"))).toHaveLength(1);
    const replayed = await intoFullDevice(["--format", "json", demo], { TLS_AUDIT_CACHE_DIR: cache });
    expect(replayed.stderr).toBe(expected);
    expect(replayed.code).toBe(2);
  });
});

describe("--output into what is not a new or regular file", () => {
  const json = (text: string) => (JSON.parse(text) as { findings: unknown[] }).findings.length;

  it.skipIf(!existsSync("/proc/self/fd/1"))("writes through a link to the standard output (as /dev/stdout is) and keeps the link", () => {
    // A link of our own, so that a regression replaces it and not the system's /dev/stdout.
    const dir = mkdtempSync(join(tmpdir(), "tls-audit-out-"));
    symlinkSync("/proc/self/fd/1", join(dir, "stdout"));
    const run = spawnSync(process.execPath, [bin, "--no-cache", "--format", "json", "--output", join(dir, "stdout"), demo], { encoding: "utf8" });
    expect(run.status).toBe(1);
    expect(json(run.stdout)).toBe(3);
    expect(lstatSync(join(dir, "stdout")).isSymbolicLink()).toBe(true);
    expect(readdirSync(dir)).toEqual(["stdout"]);
  });

  const vector = join(corpusDir, "vectordotdev__vector");
  it.skipIf(!existsSync("/proc/self/fd/1") || !existsSync(vector))("writes all of a report larger than a pipe's buffer into the standard output's pipe", () => {
    const dir = mkdtempSync(join(tmpdir(), "tls-audit-out-"));
    symlinkSync("/proc/self/fd/1", join(dir, "stdout"));
    const direct = spawnSync(process.execPath, [bin, "--no-cache", "--format", "json", vector], { encoding: "utf8", maxBuffer: 1 << 26 });
    expect(direct.stdout.length).toBeGreaterThan(65_536);
    const through = spawnSync(process.execPath, [bin, "--no-cache", "--format", "json", "--output", join(dir, "stdout"), vector], { encoding: "utf8", maxBuffer: 1 << 26 });
    expect(through.stderr).toBe("");
    expect(through.status).toBe(direct.status);
    expect(through.stdout).toBe(direct.stdout);
  });

  it.skipIf(spawnSync("mkfifo", ["--version"]).status !== 0)("writes into a FIFO and leaves it a FIFO", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tls-audit-out-"));
    const fifo = join(dir, "report");
    expect(spawnSync("mkfifo", [fifo]).status).toBe(0);
    const chunks: Buffer[] = [];
    const read = new Promise<string>((resolve, reject) => {
      createReadStream(fifo).on("data", (c) => chunks.push(c as Buffer)).on("end", () => resolve(Buffer.concat(chunks).toString("utf8"))).on("error", reject);
    });
    const run = await new Promise<number | null>((resolve) => spawn(process.execPath, [bin, "--no-cache", "--format", "json", "--output", fifo, demo], { stdio: "ignore" }).on("close", resolve));
    expect(run).toBe(1);
    expect(json(await read)).toBe(3);
    expect(statSync(fifo).isFIFO()).toBe(true);
    expect(readdirSync(dir)).toEqual(["report"]);
  });

  it("replaces a symlinked report's target, keeping the link and the target's mode", () => {
    const dir = mkdtempSync(join(tmpdir(), "tls-audit-out-"));
    writeFileSync(join(dir, "real.json"), "old");
    chmodSync(join(dir, "real.json"), 0o600);
    symlinkSync("real.json", join(dir, "link.json"));
    const run = spawnSync(process.execPath, [bin, "--no-cache", "--format", "json", "--output", join(dir, "link.json"), demo], { encoding: "utf8" });
    expect(run.status).toBe(1);
    expect(lstatSync(join(dir, "link.json")).isSymbolicLink()).toBe(true);
    expect(json(readFileSync(join(dir, "real.json"), "utf8"))).toBe(3);
    expect(statSync(join(dir, "real.json")).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir).sort()).toEqual(["link.json", "real.json"]);
  });

  it("writes through a dangling symlink (a chain of them) to its target, as `>` does, and keeps the links", () => {
    const dir = mkdtempSync(join(tmpdir(), "tls-audit-out-"));
    symlinkSync("middle.json", join(dir, "link.json"));
    symlinkSync("real.json", join(dir, "middle.json"));
    const run = spawnSync(process.execPath, [bin, "--no-cache", "--format", "json", "--output", join(dir, "link.json"), demo], { encoding: "utf8" });
    expect(run.status).toBe(1);
    expect(lstatSync(join(dir, "link.json")).isSymbolicLink()).toBe(true);
    expect(lstatSync(join(dir, "middle.json")).isSymbolicLink()).toBe(true);
    expect(json(readFileSync(join(dir, "real.json"), "utf8"))).toBe(3);
    expect(readdirSync(dir).sort()).toEqual(["link.json", "middle.json", "real.json"]);
  });
});
