// `cargo tls-audit` through real cargo: cargo finds the cargo-tls-audit bin on PATH and passes "tls-audit" first.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { JsonReport } from "../../src/report/json.js";

const repo = join(import.meta.dirname, "../..");
const hasCargo = spawnSync("cargo", ["--version"], { encoding: "utf8" }).status === 0;

describe.skipIf(!hasCargo)("cargo tls-audit", () => {
  it("runs through cargo's external-subcommand lookup", () => {
    const bin = mkdtempSync(join(tmpdir(), "tls-audit-bin-"));
    symlinkSync(join(repo, "bin/tls-audit.js"), join(bin, "cargo-tls-audit"));
    const env = { ...process.env, PATH: `${bin}:${process.env.PATH}` };
    const run = spawnSync("cargo", ["tls-audit", "--format", "json", "."], { cwd: join(repo, "fixtures/demo"), env, encoding: "utf8" });
    expect(run.stderr).not.toMatch(/no such command/);
    expect(run.status).toBe(1);
    const report = JSON.parse(run.stdout) as JsonReport;
    expect(report.findings.map((f) => f.dependency)).toEqual(["reqwest", "reqwest", "ureq"]);
    expect(execFileSync("cargo", ["tls-audit", "--version"], { env, encoding: "utf8" }).trim()).toMatch(/^\d+\.\d+\.\d+$/);
    // What cargo users type out of habit: --manifest-path and -p.
    const selected = spawnSync("cargo", ["tls-audit", "--format", "json", "--manifest-path", "fixtures/demo/Cargo.toml", "-p", "notify"], { cwd: repo, env, encoding: "utf8" });
    expect(selected.status, selected.stderr).toBe(1);
    expect((JSON.parse(selected.stdout) as JsonReport).findings.map((f) => `${f.member} ${f.dependency}`)).toEqual(["notify ureq"]);
  });
});
