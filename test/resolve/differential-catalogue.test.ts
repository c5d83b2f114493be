// Second differential suite (a hand-designed catalogue of 246 shapes, scripts/differential): our resolver against
// `cargo tree` output recorded on Debian-registry workspaces.
// The cases, their locks, cargo's answers and the registry manifests are committed (fixtures/differential);
// scripts/cargo-oracle regenerates them with real cargo.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { targetCfg } from "../../rules/data/targets.js";
import { audit } from "../../src/audit.js";
import { nodeHost } from "../../src/host/index.js";
import type { MetadataProvider } from "../../src/registry/model.js";
import { metadataFromManifest } from "../../src/registry/normalized-manifest.js";
import { differentialCases, tupleKey, type ExpectedTuple } from "../helpers/differential.js";

const root = join(import.meta.dirname, "../../fixtures/differential");

interface Expected {
  suite: string;
  target: string;
  shape: string;
  members: string[];
  findings: Record<"default" | "all-features", ExpectedTuple[]>;
}

/** The suite's registry manifests, as a directory source would serve them. */
function registryProvider(suite: string): MetadataProvider {
  const dir = join(root, suite, "registry");
  return {
    name: "vendor",
    lookup(name, version) {
      const file = join(dir, `${name}-${version}`, "Cargo.toml");
      return existsSync(file) ? metadataFromManifest(readFileSync(file, "utf8"), "vendor", file) : undefined;
    },
  };
}

const cases = differentialCases(root);

const key = tupleKey;

describe.skipIf(cases.length === 0)("differential: resolver vs cargo tree", () => {
  it("covers at least 150 workspaces across the three suites", () => {
    expect(cases.length).toBeGreaterThanOrEqual(200);
    expect(new Set(cases.map((c) => c.suite))).toEqual(new Set(["bookworm", "trixie", "sid"]));
  });

  const providers = new Map<string, MetadataProvider>();
  describe.each(cases.map((c) => [`${c.suite}/${c.name}`, c]))("%s", (_, c) => {
    const expected = JSON.parse(readFileSync(join(c.dir, "expected.json"), "utf8")) as Expected;
    for (const mode of ["default", "all-features"] as const) {
      it(`${mode}: ${expected.shape}`, () => {
        if (!providers.has(c.suite)) providers.set(c.suite, registryProvider(c.suite));
        const result = audit({
          paths: [c.dir],
          host: nodeHost,
          resolution: {
            request: { features: [], allFeatures: mode === "all-features", defaultFeatures: true },
            targets: [targetCfg(expected.target)!],
            host: targetCfg(expected.target)!,
            metadataFor: () => providers.get(c.suite),
          },
        });
        const [ws] = result.workspaces;
        expect(result.problems).toEqual([]);
        expect(ws!.problems.filter((p) => p.severity === "error")).toEqual([]);
        expect(ws!.resolution).toBe("exact");
        const ours = ws!.findings.flatMap((f) =>
          f.reaches.map((banned) => key({ member: f.member, dependency: f.dependency, dependencyVersion: f.dependencyVersion, banned, scope: f.scope })),
        );
        expect(ours.sort()).toEqual(expected.findings[mode].map(key).sort());
      });
    }
  });
});

