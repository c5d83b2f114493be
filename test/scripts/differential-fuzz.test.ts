// scripts/differential/fuzz.py: random workspaces, locked by real cargo against a suite's committed registry, must get
// cargo's per-build answer from tls-audit. Live (cargo, python3 >= 3.11, the built CLI); no network: the registry is
// committed. Skipped, with the reason, when something is missing; CI has them all.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const repo = join(import.meta.dirname, "../..");
const script = join(repo, "scripts/differential/fuzz.py");

function missing(): string | undefined {
  if (process.env.TLS_AUDIT_SKIP_LIVE_CARGO === "1") return "TLS_AUDIT_SKIP_LIVE_CARGO=1";
  if (spawnSync("cargo", ["--version"], { stdio: "ignore" }).status !== 0) return "cargo is not installed";
  if (spawnSync("python3", ["-c", "import tomllib"], { stdio: "ignore" }).status !== 0) return "python3 >= 3.11 is not installed";
  if (!existsSync(join(repo, "dist/cli/cli.cjs"))) return "the CLI is not built (npm run build)";
  return undefined;
}

describe("differential fuzz.py, live: random workspaces against cargo", () => {
  it("agrees with cargo on a few random workspaces of each suite", { timeout: 300_000 }, (ctx) => {
    const skip = missing();
    if (skip) ctx.skip(skip);
    const keep = mkdtempSync(join(tmpdir(), "tls-audit-fuzz-test-"));
    for (const suite of ["bookworm", "trixie", "sid"]) {
      const run = spawnSync("python3", [script, suite, "--seed", "11", "--count", "4", "--jobs", "2", "--keep", keep], { encoding: "utf8" });
      expect(run.stdout + run.stderr).toMatch(/differ on 0;/);
      expect(run.status, run.stdout + run.stderr).toBe(0);
      // Most random workspaces lock against the committed registries, so the comparison is not vacuous.
      const agreed = Number(/agree on (\d+)/.exec(run.stdout)?.[1] ?? 0);
      expect(agreed, run.stdout).toBeGreaterThanOrEqual(2);
    }
  });

  it("agrees with cargo after an edit over a stale or missing lock (--drift)", { timeout: 300_000 }, (ctx) => {
    const skip = missing();
    if (skip) ctx.skip(skip);
    const keep = mkdtempSync(join(tmpdir(), "tls-audit-fuzz-test-"));
    let relocked = 0;
    for (const suite of ["bookworm", "trixie", "sid"]) {
      const run = spawnSync("python3", [script, suite, "--seed", "11", "--count", "3", "--jobs", "2", "--drift", "--keep", keep], { encoding: "utf8" });
      expect(run.stdout + run.stderr).toMatch(/differ on 0;/);
      expect(run.status, run.stdout + run.stderr).toBe(0);
      expect(Number(/agree on (\d+)/.exec(run.stdout)?.[1] ?? 0), run.stdout).toBeGreaterThanOrEqual(2);
      relocked += Number(/changed the locked packages in (\d+)/.exec(run.stdout)?.[1] ?? 0);
    }
    // The edits must make cargo's refresh matter somewhere, or the stale lock is never really stale.
    expect(relocked).toBeGreaterThanOrEqual(1);
  });
});
