// What the differential suites share: their committed cases, cargo's answer as comparable strings, and the check
// that each member's own answer (its direct dependencies, in its own build) is among the findings.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { targetCfg } from "../../rules/data/targets.js";
import { audit } from "../../src/audit.js";
import { nodeHost } from "../../src/host/index.js";
import type { MetadataProvider } from "../../src/registry/model.js";
import { metadataFromManifest } from "../../src/registry/normalized-manifest.js";

/** One (member, direct dependency, banned crate, scope) that `cargo tree` shows. */
export interface ExpectedTuple {
  member: string;
  dependency: string;
  dependencyVersion: string;
  banned: string;
  scope: string;
}

/** `<root>/<suite>/cases/<name>/` for every suite, sorted; none when the fixtures are absent. */
export function differentialCases(root: string): { suite: string; name: string; dir: string }[] {
  if (!existsSync(root)) return [];
  return readdirSync(root).flatMap((suite) => {
    const dir = join(root, suite, "cases");
    return existsSync(dir) ? readdirSync(dir).sort().map((name) => ({ suite, name, dir: join(dir, name) })) : [];
  });
}

export const tupleKey = (t: ExpectedTuple): string => `${t.member} → ${t.dependency} ${t.dependencyVersion} → ${t.banned} [${t.scope}]`;

/** A case's expected.json, as far as these suites share it. */
export interface Expected {
  suite: string;
  target: string;
  shape: string;
  members: string[];
  findings: Record<"default" | "all-features", ExpectedTuple[]>;
}

/** The suite's registry manifests, as a directory source would serve them. */
function registryProvider(root: string, suite: string): MetadataProvider {
  const dir = join(root, suite, "registry");
  return {
    name: "vendor",
    lookup(name, version) {
      const file = join(dir, `${name}-${version}`, "Cargo.toml");
      return existsSync(file) ? metadataFromManifest(readFileSync(file, "utf8"), "vendor", file) : undefined;
    },
  };
}

const RANK: Record<string, number> = { normal: 0, build: 1, dev: 2 };

/**
 * For every case of one suite: cargo's answer for each member's own direct dependencies, in its own build, is a
 * finding of that member at that scope or a narrower one (another build may reach it sooner), naming that build,
 * and no finding names a build that is not a member. The exact answer for every local package in every build is
 * held in builds.test.ts.
 */
export function describeOwnAnswers(root: string, minCases: number): void {
  const cases = differentialCases(root);
  describe.skipIf(cases.length === 0)("differential: resolver vs cargo tree, each member's own answer", () => {
    it(`covers at least ${minCases} workspaces across the three suites`, () => {
      expect(cases.length).toBeGreaterThanOrEqual(minCases);
      expect(new Set(cases.map((c) => c.suite))).toEqual(new Set(["bookworm", "trixie", "sid"]));
    });

    const providers = new Map<string, MetadataProvider>();
    describe.each(cases.map((c) => [`${c.suite}/${c.name}`, c] as const))("%s", (_, c) => {
      const expected = JSON.parse(readFileSync(join(c.dir, "expected.json"), "utf8")) as Expected;
      for (const mode of ["default", "all-features"] as const) {
        it(`${mode}: ${expected.shape}`, () => {
          if (!providers.has(c.suite)) providers.set(c.suite, registryProvider(root, c.suite));
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
          for (const t of expected.findings[mode]) {
            const match = ws!.findings.find(
              (f) => f.member === t.member && f.dependency === t.dependency && f.dependencyVersion === t.dependencyVersion && f.reaches.includes(t.banned) && RANK[f.scope]! <= RANK[t.scope]!,
            );
            expect(match, tupleKey(t)).toBeDefined();
            expect(match!.builds, tupleKey(t)).toContain(t.member);
          }
          const members = new Set(expected.members);
          for (const f of ws!.findings.filter((f) => f.ruleId === "no-native-tls")) expect(f.builds!.every((b) => members.has(b)), `${f.member} → ${f.dependency}`).toBe(true);
        });
      }
    });
  });
}
