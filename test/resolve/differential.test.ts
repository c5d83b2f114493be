// Differential suite: each member's own answer from `cargo tree`, recorded on Debian-registry workspaces, is among our
// findings (the exact per-build comparison is builds.test.ts). The cases, their locks, cargo's answers and the
// registry manifests are committed (fixtures/cargo-oracle); scripts/cargo-oracle regenerates them with real cargo.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { liveRegistryUnavailable, REGISTRY_UNAVAILABLE, unavailableReason } from "../helpers/live.js";
import { describeOwnAnswers, differentialCases, type Expected as SharedExpected } from "../helpers/differential.js";

const root = join(import.meta.dirname, "../../fixtures/cargo-oracle");

interface Expected extends SharedExpected {
  buildFindings: unknown;
}

const cases = differentialCases(root);

describeOwnAnswers(root, 150);

// Live: regenerate a sample of cases with real cargo and Debian's crates, and compare with what is committed. Skipped,
// with the reason, without cargo, python3, apt or Debian's archive (test/helpers/live.ts); CI has them all.
const liveSkip = () =>
  cases.length === 0 ? "no committed cases" : process.env.TLS_AUDIT_SKIP_LIVE_CARGO === "1" ? "TLS_AUDIT_SKIP_LIVE_CARGO=1" : liveRegistryUnavailable(["cargo", "python3"]);
describe("differential, live: cargo still agrees with the committed answers", () => {
  it("bookworm reqwest cases regenerate to the same expected.json", { timeout: 600_000 }, (ctx) => {
    const skip = liveSkip();
    if (skip) ctx.skip(skip);
    const out = mkdtempSync(join(tmpdir(), "tls-audit-diff-live-"));
    const run = spawnSync("python3", [join(import.meta.dirname, "../../scripts/cargo-oracle/generate.py"), "--out", out, "--only", "reqwest-0", "bookworm"], { encoding: "utf8" });
    if (run.status === REGISTRY_UNAVAILABLE) ctx.skip(unavailableReason(run.stderr));
    expect(run.status, run.stderr).toBe(0);
    const regenerated = readdirSync(join(out, "bookworm", "cases"));
    expect(regenerated.length).toBeGreaterThanOrEqual(8);
    for (const name of regenerated) {
      const fresh = JSON.parse(readFileSync(join(out, "bookworm", "cases", name, "expected.json"), "utf8")) as Expected;
      const committed = JSON.parse(readFileSync(join(root, "bookworm", "cases", name, "expected.json"), "utf8")) as Expected;
      expect(fresh.findings, name).toEqual(committed.findings);
      expect(fresh.buildFindings, name).toEqual(committed.buildFindings);
    }
  });

  it("cargo judges --write on the bookworm reqwest cases: manifests accepted, OpenSSL gone, features kept", { timeout: 600_000 }, (ctx) => {
    const skip = liveSkip();
    if (skip) ctx.skip(skip);
    const run = spawnSync("python3", [join(import.meta.dirname, "../../scripts/cargo-oracle/judge-fixes.py"), "--only", "reqwest-0", "bookworm"], { encoding: "utf8" });
    if (run.status === REGISTRY_UNAVAILABLE) ctx.skip(unavailableReason(run.stderr));
    expect(run.stdout).toMatch(/OK/);
    expect(run.stdout).not.toMatch(/FAIL/);
    expect(run.status, run.stdout + run.stderr).toBe(0);
  });
});
