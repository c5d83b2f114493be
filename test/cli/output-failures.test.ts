// Output that cannot be written, on a fresh run and on a replayed one. `tls-audit | head`: a reader that goes away
// ends the output quietly (no EPIPE stack trace) and the exit code is still the audit's. A full device
// (`> /dev/full`): one line on standard error and exit 2, never a stack trace. Runs the built bin.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, openSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

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
