// Differential suite for stale and missing locks: our audit of a workspace whose Cargo.lock predates its manifest (or
// that has none) against cargo's answer after it refreshes the lock. Cases, old locks, cargo's answers and the registry
// manifests are committed (fixtures/lock-drift); scripts/lock-drift/generate.py regenerates them with real cargo.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { targetCfg } from "../../rules/data/targets.js";
import { audit } from "../../src/audit.js";
import { nodeHost } from "../../src/host/index.js";
import type { MetadataProvider } from "../../src/registry/model.js";
import { metadataFromManifest } from "../../src/registry/normalized-manifest.js";
import { differentialCases, tupleKey, type ExpectedTuple } from "../helpers/differential.js";
import { liveRegistryUnavailable, REGISTRY_UNAVAILABLE, unavailableReason } from "../helpers/live.js";

const root = join(import.meta.dirname, "../../fixtures/lock-drift");

interface Expected {
  target: string;
  kind: "drift" | "no-lock";
  shape: string;
  /** Whether cargo's refreshed lock differs from the committed one. */
  stale: boolean;
  findings: Record<"default" | "all-features", ExpectedTuple[]>;
}

/** The suite's registry manifests as a directory source serves them: each version, and the list of versions. */
function registryProvider(suite: string): MetadataProvider {
  const dir = join(root, suite, "registry");
  const entries = readdirSync(dir);
  const read = (entry: string) => {
    const file = join(dir, entry, "Cargo.toml");
    return existsSync(file) ? metadataFromManifest(readFileSync(file, "utf8"), "vendor", file) : undefined;
  };
  return {
    name: "vendor",
    lookup: (name, version) => read(`${name}-${version}`),
    versions: (name) => entries.filter((e) => e.startsWith(`${name}-`) && /^\d/.test(e.slice(name.length + 1))).flatMap((e) => (read(e)?.name === name ? [read(e)!.version] : [])),
  };
}

const cases = differentialCases(root);

const key = tupleKey;

describe.skipIf(cases.length === 0)("differential: stale and missing locks vs cargo after it refreshes the lock", () => {
  it("covers at least 30 drift and no-lock workspaces, most of them stale or unlocked", () => {
    const expected = cases.map((c) => JSON.parse(readFileSync(join(c.dir, "expected.json"), "utf8")) as Expected);
    expect(cases.length).toBeGreaterThanOrEqual(30);
    expect(expected.filter((e) => e.kind === "drift" && e.stale).length).toBeGreaterThanOrEqual(15);
    expect(expected.filter((e) => e.kind === "no-lock").length).toBeGreaterThanOrEqual(10);
    // Not vacuous: cargo finds native TLS in many of them.
    expect(expected.filter((e) => e.findings.default.length > 0).length).toBeGreaterThanOrEqual(15);
  });

  const providers = new Map<string, MetadataProvider>();
  describe.each(cases.map((c) => [`${c.suite}/${c.name}`, c]))("%s", (_, c) => {
    const expected = JSON.parse(readFileSync(join(c.dir, "expected.json"), "utf8")) as Expected;
    for (const mode of ["default", "all-features"] as const) {
      it(`${mode}: ${expected.shape}`, { timeout: 30_000 }, () => {
        if (!providers.has(c.suite)) providers.set(c.suite, registryProvider(c.suite));
        const target = targetCfg(expected.target)!;
        const result = audit({
          paths: [c.dir],
          host: nodeHost,
          resolution: {
            request: { features: [], allFeatures: mode === "all-features", defaultFeatures: true },
            targets: [target],
            host: target,
            metadataFor: () => providers.get(c.suite),
          },
        });
        const [ws] = result.workspaces;
        expect(result.problems).toEqual([]);
        expect(ws!.problems.filter((p) => p.severity === "error")).toEqual([]);
        const codes = ws!.problems.map((p) => p.code);
        if (expected.kind === "no-lock") {
          expect(ws!.resolution).toBe("unlocked");
          expect(codes).toContain("lockfile-missing");
        } else {
          expect(ws!.resolution).toBe("exact");
          // A lock cargo would change is called stale; one it would keep is not.
          expect(codes.includes("lockfile-stale")).toBe(expected.stale);
        }
        const ours = ws!.findings.flatMap((f) =>
          f.reaches.map((banned) => key({ member: f.member, dependency: f.dependency, dependencyVersion: f.dependencyVersion, banned, scope: f.scope })),
        );
        expect(ours.sort()).toEqual(expected.findings[mode].map(key).sort());
        // Every candidate version is described by real metadata here: what ships is an error, never merely possible.
        for (const finding of ws!.findings) {
          expect(finding.possible).toBeUndefined();
          if (finding.scope === "normal" && !finding.condition) expect(finding.severity).toBe("error");
        }
      });
    }
  });
});

// Live: regenerate a few cases with real cargo and compare with what is committed. The generator builds the Debian
// registry when it is not there yet (apt-get and the archive); skipped, with the reason, where that cannot be done.
const registryRoot = process.env.DRIFT_REGISTRY_ROOT ?? "/tmp/tls-audit-drift-registry";
const liveSkip = (): string | undefined => {
  if (process.env.TLS_AUDIT_SKIP_LIVE_CARGO === "1") return "TLS_AUDIT_SKIP_LIVE_CARGO=1";
  if (cases.length === 0) return "no committed cases";
  if (existsSync(join(registryRoot, "bookworm"))) return ["cargo", "python3"].map((c) => (spawnSync(c, ["--version"], { stdio: "ignore" }).status === 0 ? undefined : `${c} is not installed`)).find(Boolean);
  return liveRegistryUnavailable(["cargo", "python3"]);
};
describe("lock drift, live: cargo still agrees with the committed answers", () => {
  it("a stale lock, a missing requirement and a library without a lock regenerate to the same expected.json", { timeout: 600_000 }, (ctx) => {
    const skip = liveSkip();
    if (skip) ctx.skip(skip);
    const only = ["drift-reqwest-00", "drift-reqwest-02", "no-lock-reqwest-08"];
    const out = mkdtempSync(join(tmpdir(), "tls-audit-drift-live-"));
    const run = spawnSync("python3", [join(import.meta.dirname, "../../scripts/lock-drift/generate.py"), "--registry-root", registryRoot, "--out", out, "--only", only.join(","), "bookworm"], { encoding: "utf8" });
    if (run.status === REGISTRY_UNAVAILABLE) ctx.skip(unavailableReason(run.stderr));
    expect(run.status, run.stderr).toBe(0);
    for (const name of only) {
      const fresh = JSON.parse(readFileSync(join(out, "bookworm", "cases", name, "expected.json"), "utf8")) as Expected;
      const committed = JSON.parse(readFileSync(join(root, "bookworm", "cases", name, "expected.json"), "utf8")) as Expected;
      expect(fresh.findings, name).toEqual(committed.findings);
      expect(fresh.stale, name).toBe(committed.stale);
    }
  });
});
