// The resolution covers only packages with a locked path to a crate the audit looks for. These tests hold it to
// that, and hold the restricted answer to the unrestricted one on the differential suite's real workspaces.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { RULES } from "../../rules/index.js";
import { DEFAULT_BANNED } from "../../rules/data/tls-crates.js";
import { targetCfg } from "../../rules/data/targets.js";
import { audit } from "../../src/audit.js";
import type { Rule } from "../../src/engine/types.js";
import { auditedCrates } from "../../src/engine/run.js";
import { dependentsIndex, packagesReaching } from "../../src/graph/relevant.js";
import { nodeHost } from "../../src/host/index.js";
import { decodeLockfile } from "../../src/lockfile/encoding.js";
import type { MetadataProvider } from "../../src/registry/model.js";
import { metadataFromManifest } from "../../src/registry/normalized-manifest.js";
import { knowledgeEntries } from "../../src/registry/knowledge.js";

describe("packagesReaching", () => {
  // 0 → 1 → 2 (target); 3 → 1; 4 → 5 ↔ 6 (cycle, no target); 7 → 4 and 7 → 3.
  const edges = [[1], [2], [], [1], [5], [6], [5], [4, 3]];
  const visitor = (id: number, visit: (to: number) => void) => edges[id]!.forEach((to) => visit(to));
  const set = (within: Uint8Array) => [...within.keys()].filter((id) => within[id] === 1);

  it("holds the targets and every package with a path to one, across cycles, and nothing else", () => {
    expect(set(packagesReaching(edges.length, visitor, (id) => id === 2))).toEqual([0, 1, 2, 3, 7]);
    expect(set(packagesReaching(edges.length, visitor, (id) => id === 6))).toEqual([4, 5, 6, 7]);
    expect(set(packagesReaching(edges.length, visitor, () => false))).toEqual([]);
  });

  it("counts a repeated edge and a self-loop once", () => {
    const repeated = [[1, 1], [1, 2], [], [3]];
    const visit = (id: number, to: (id: number) => void) => repeated[id]!.forEach(to);
    expect(set(packagesReaching(repeated.length, visit, (id) => id === 2))).toEqual([0, 1, 2]);
    expect(set(packagesReaching(repeated.length, visit, (id) => id === 3))).toEqual([3]);
  });

  it("answers several questions from one index of dependents, each as on its own", () => {
    const index = dependentsIndex(edges.length, visitor);
    expect(set(index.reaching((id) => id === 2))).toEqual([0, 1, 2, 3, 7]);
    expect(set(index.reaching((id) => id === 6))).toEqual([4, 5, 6, 7]);
    expect(set(index.reaching((id) => id === 2))).toEqual([0, 1, 2, 3, 7]);
  });

  it("is closed under dependents: every dependent of a package in the set is in it", () => {
    const within = packagesReaching(edges.length, visitor, (id) => id === 2 || id === 5);
    edges.forEach((to, from) => {
      for (const child of to) if (within[child] === 1) expect(within[from], `${from} → ${child}`).toBe(1);
    });
  });
});

describe("auditedCrates", () => {
  it("is the banned crates and the crates rules look at in builds", () => {
    expect(auditedCrates(DEFAULT_BANNED, RULES)).toEqual(new Set([...DEFAULT_BANNED, "rustls"]));
    expect(auditedCrates(["openssl-sys"], [])).toEqual(new Set(["openssl-sys"]));
  });

  it("is everything when one rule looks at every crate of a build", () => {
    expect(auditedCrates(DEFAULT_BANNED, [...RULES, everyCrateRule])).toBe("all");
  });
});

/** A rule that looks at every crate of every build: its presence turns the restriction off. */
const everyCrateRule: Rule = {
  meta: { id: "every-crate", description: "", docs: "", fixable: false, defaultSeverity: "warning", messages: {}, buildCrates: "all" },
  create: () => ({ memberBuild() {} }),
};

const oracle = join(import.meta.dirname, "../../fixtures/cargo-oracle");
const cases = existsSync(oracle)
  ? readdirSync(oracle).flatMap((suite) => {
      const dir = join(oracle, suite, "cases");
      return existsSync(dir) ? readdirSync(dir).sort().map((name) => ({ suite, name, dir: join(dir, name) })) : [];
    })
  : [];

/** The suite's registry manifests, recording which crates were asked for. */
function recordingProvider(suite: string, asked: Set<string>): MetadataProvider {
  return {
    name: "vendor",
    lookup(name, version) {
      asked.add(name);
      const file = join(oracle, suite, "registry", `${name}-${version}`, "Cargo.toml");
      return existsSync(file) ? metadataFromManifest(readFileSync(file, "utf8"), "vendor", file) : undefined;
    },
  };
}

describe.skipIf(cases.length === 0)("the restricted resolution on the differential workspaces", () => {
  it("gives the findings the whole-graph resolution gives, and looks up only crates with a locked path to an audited one (or known TLS-capable ones)", { timeout: 120_000 }, () => {
    let skippedLookups = 0;
    for (const c of cases) {
      const expected = JSON.parse(readFileSync(join(c.dir, "expected.json"), "utf8")) as { target: string };
      const target = targetCfg(expected.target)!;
      const run = (rules: readonly Rule[], asked: Set<string>) => {
        const [ws] = audit({
          paths: [c.dir],
          host: nodeHost,
          rules,
          resolution: { request: { features: [], allFeatures: false, defaultFeatures: true }, targets: [target], host: target, metadataFor: () => recordingProvider(c.suite, asked) },
        }).workspaces;
        return ws!;
      };
      const restrictedAsked = new Set<string>();
      const wholeAsked = new Set<string>();
      const restricted = run(RULES, restrictedAsked);
      const whole = run([...RULES, everyCrateRule], wholeAsked);
      const brief = (ws: typeof restricted) => ws.findings.map((f) => `${f.ruleId} ${f.member} → ${f.dependency} ${f.dependencyVersion} ${f.scope} ${f.reaches} ${f.path.map((s) => `${s.name}${s.features ? `[${s.features}]` : ""}`).join(">")}`);
      expect(brief(restricted), `${c.suite}/${c.name}`).toEqual(brief(whole));
      expect(restricted.resolution, `${c.suite}/${c.name}`).toBe(whole.resolution);

      // Worked out from the lock alone, by repeated passes.
      const packages = decodeLockfile(readFileSync(join(c.dir, "Cargo.lock"), "utf8"), "Cargo.lock").lockfile.packages;
      const reaching = new Set(packages.filter((p) => DEFAULT_BANNED.includes(p.name) || p.name === "rustls").map((p) => p.id));
      for (let grew = true; grew; ) {
        grew = false;
        for (const p of packages) if (!reaching.has(p.id) && p.dependencies.some((d) => reaching.has(d))) grew = reaching.add(p.id).size > 0;
      }
      const reachingNames = new Set(packages.filter((p) => reaching.has(p.id)).map((p) => p.name));
      // The lock-refresh check (lockfile/refresh.ts) also reads crates the bundled knowledge lists, whose features a
      // manifest edit may turn to native TLS, and the direct dependencies that depend on one.
      for (const p of packages) if (knowledgeEntries(p.name)) reachingNames.add(p.name);
      for (const local of packages.filter((p) => p.source === null)) for (const to of local.dependencies) if (packages[to]!.dependencies.some((d) => knowledgeEntries(packages[d]!.name))) reachingNames.add(packages[to]!.name);
      for (const name of restrictedAsked) expect(reachingNames.has(name), `${c.suite}/${c.name}: ${name} looked up`).toBe(true);
      skippedLookups += wholeAsked.size - restrictedAsked.size;
    }
    // The restriction is not vacuous: the whole-graph runs looked up crates the restricted runs never needed.
    expect(skippedLookups).toBeGreaterThan(cases.length);
  });
});
