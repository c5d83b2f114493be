// Cargo as the judge of --write: the recorded judgement of every differential case, and a live re-judgement.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "../../fixtures/differential");
const judged = ["bookworm", "trixie", "sid"].filter((s) => existsSync(join(root, s, "fix-judgement.json")));

interface Judgement {
  cases: number;
  fixableFindings: number;
  failures: unknown[];
}

describe("--write judged by cargo", () => {
  it.each(judged)("%s: every fixable finding was fixed as far as cargo can tell, with no features lost", (suite) => {
    const judgement = JSON.parse(readFileSync(join(root, suite, "fix-judgement.json"), "utf8")) as Judgement;
    expect(judgement.cases).toBeGreaterThan(50);
    expect(judgement.fixableFindings).toBeGreaterThan(20);
    expect(judgement.failures).toEqual([]);
  });

  const hasCargo = spawnSync("cargo", ["--version"]).status === 0 && spawnSync("python3", ["--version"]).status === 0;
  it.skipIf(!hasCargo || process.env.TLS_AUDIT_SKIP_LIVE_CARGO === "1")("live: cargo accepts the written manifests and no longer finds OpenSSL (bookworm reqwest cases)", { timeout: 600_000 }, () => {
    const run = spawnSync("python3", [join(import.meta.dirname, "../../scripts/differential/judge-fixes.py"), "--only", "reqwest-0", "bookworm"], { encoding: "utf8" });
    expect(run.stdout).toMatch(/OK/);
    expect(run.stdout).not.toMatch(/FAIL/);
    expect(run.status, run.stdout + run.stderr).toBe(0);
  });
});
