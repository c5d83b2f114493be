// The unit of truth is a build: for every member M, every local package in `cargo build -p M` whose direct registry
// dependency reaches a banned crate is a finding, as `cargo tree -p M -i <banned>` shows it. Checked against cargo's
// answers recorded in both oracle suites (buildFindings, platformFindings), with no cargo needed here.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { targetCfg } from "../../rules/data/targets.js";
import { audit } from "../../src/audit.js";
import type { Finding } from "../../src/engine/types.js";
import { nodeHost } from "../../src/host/index.js";
import type { MetadataProvider } from "../../src/registry/model.js";
import { metadataFromManifest } from "../../src/registry/normalized-manifest.js";
import { MODES, oracleCases, PLATFORMS, type AnyMode, type BuildFinding, type Mode, type OracleCase, type Scope } from "../helpers/oracle-cases.js";

const RANK: Record<Scope, number> = { normal: 0, build: 1, dev: 2 };
const cases = oracleCases();
const providers = new Map<string, MetadataProvider>();

/** The suite's registry manifests, as a directory source serves them: each version, and (for a stale lock's refresh) the list. */
function registryProvider(dir: string): MetadataProvider {
  let provider = providers.get(dir);
  if (!provider) {
    let entries: string[] | undefined;
    provider = {
      name: "vendor",
      lookup(name, version) {
        const file = join(dir, `${name}-${version}`, "Cargo.toml");
        return existsSync(file) ? metadataFromManifest(readFileSync(file, "utf8"), "vendor", file) : undefined;
      },
      versions(name) {
        entries ??= readdirSync(dir);
        return entries.filter((e) => e.startsWith(`${name}-`) && /^\d/.test(e.slice(name.length + 1))).map((e) => e.slice(name.length + 1));
      },
    };
    providers.set(dir, provider);
  }
  return provider;
}

function findingsOf(c: OracleCase, mode: AnyMode, triple: string | null): Finding[] {
  const target = targetCfg(c.expected.target)!;
  const result = audit({
    paths: [c.dir],
    host: nodeHost,
    resolution: {
      request: { features: mode.startsWith("features:") ? [mode.slice("features:".length)] : [], allFeatures: mode === "all-features", defaultFeatures: mode !== "no-default-features" },
      targets: triple ? [targetCfg(triple)!] : null,
      host: target,
      metadataFor: () => registryProvider(c.registry),
    },
  });
  const [ws] = result.workspaces;
  expect(result.problems).toEqual([]);
  expect(ws!.problems.filter((p) => p.severity === "error")).toEqual([]);
  // A drift regression's stale lock is refreshed in memory (still exact); without a lock everything is resolved here.
  expect(ws!.resolution).toBe(existsSync(join(c.dir, "Cargo.lock")) ? "exact" : "unlocked");
  return ws!.findings.filter((f) => f.ruleId === "no-native-tls");
}

const tupleKey = (pkg: string, dependency: string, version: string, banned: string) => `${pkg} → ${dependency} ${version} → ${banned}`;

/** Cargo's per-build answers folded into findings: each (package, dependency, banned) at its narrowest scope. */
function expectedFindings(buildFindings: BuildFinding[]): Map<string, { scope: Scope; builds: Map<string, Scope> }> {
  const folded = new Map<string, { scope: Scope; builds: Map<string, Scope> }>();
  for (const f of buildFindings) {
    const key = tupleKey(f.package, f.dependency, f.dependencyVersion, f.banned);
    const entry = folded.get(key) ?? { scope: f.scope, builds: new Map<string, Scope>() };
    if (RANK[f.scope] < RANK[entry.scope]) entry.scope = f.scope;
    const known = entry.builds.get(f.build);
    if (known === undefined || RANK[f.scope] < RANK[known]) entry.builds.set(f.build, f.scope);
    folded.set(key, entry);
  }
  return folded;
}

describe.skipIf(cases.length === 0)("findings per build, against cargo tree -p M -i B for every member M", () => {
  it("covers multi-member workspaces where a package's findings come from another member's build", () => {
    const crossBuild = cases.filter((c) => MODES.some((m) => c.expected.buildFindings?.[m]?.some((f) => f.build !== f.package)));
    expect(crossBuild.length).toBeGreaterThanOrEqual(60);
  });

  describe.each(cases.filter((c) => c.expected.buildFindings).map((c) => [`${c.oracle}/${c.suite}/${c.name}`, c] as const))("%s", (_, c) => {
    // fuzz.py's cases also hold `--no-default-features` and `-F F` (`features:F`).
    for (const mode of Object.keys(c.expected.buildFindings) as AnyMode[]) {
      it(`${mode}: ${c.expected.shape}`, { timeout: 60_000 }, () => {
        const findings = findingsOf(c, mode, c.expected.target);
        const expected = expectedFindings(c.expected.buildFindings[mode as Mode]);
        const ours = findings.flatMap((f) => f.reaches.map((banned) => `${tupleKey(f.member, f.dependency, f.dependencyVersion, banned)} [${f.scope}]`));
        expect(ours.sort()).toEqual([...expected].map(([key, e]) => `${key} [${e.scope}]`).sort());
        // Each finding names the builds that reach it at its scope or a narrower one.
        for (const f of findings) {
          const builds = new Set<string>();
          for (const banned of f.reaches) {
            for (const [build, scope] of expected.get(tupleKey(f.member, f.dependency, f.dependencyVersion, banned))!.builds) if (RANK[scope] <= RANK[f.scope]) builds.add(build);
          }
          expect(f.builds, `${f.member} → ${f.dependency}`).toEqual([...builds].sort());
        }
      });
    }
  });
});

const platformCases = cases.filter((c) => c.expected.platformFindings);
describe.skipIf(platformCases.length === 0)("platforms, against cargo tree --target T for three targets", () => {
  describe.each(platformCases.map((c) => [`${c.oracle}/${c.suite}/${c.name}`, c] as const))("%s", (_, c) => {
    it("finds, per target, exactly the normal-scope pairs cargo builds there; --target all names them in `platforms`", { timeout: 60_000 }, () => {
      const all = findingsOf(c, "default", null).filter((f) => f.scope === "normal");
      for (const triple of PLATFORMS) {
        const expected = new Set(c.expected.platformFindings![triple].map((f) => tupleKey(f.package, f.dependency, f.dependencyVersion, f.banned)));
        const ours = findingsOf(c, "default", triple)
          .filter((f) => f.scope === "normal")
          .flatMap((f) => f.reaches.map((banned) => tupleKey(f.member, f.dependency, f.dependencyVersion, banned)));
        expect(ours.sort(), triple).toEqual([...expected].sort());
        for (const f of all) {
          // `platforms` describes the shown path: its banned crate is built on exactly the listed targets.
          // Absent means every known target; a list is never empty.
          if (f.platforms) expect(f.platforms, "never an empty list").not.toEqual([]);
          const shown = f.path.at(-1)!.name;
          const listed = f.platforms === undefined || f.platforms.includes(triple);
          expect(listed, `${triple}: ${f.member} → ${f.dependency} → ${shown}`).toBe(expected.has(tupleKey(f.member, f.dependency, f.dependencyVersion, shown)));
        }
      }
      // Every banned crate `--target all` reports is built on some target.
      for (const f of all) expect(f.reaches.every((b) => PLATFORMS.some((t) => c.expected.platformFindings![t].some((e) => e.package === f.member && e.dependency === f.dependency && e.banned === b)) || f.platforms?.some((p) => !PLATFORMS.includes(p as never)))).toBe(true);
    });
  });
});
