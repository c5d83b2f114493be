// Fix verification reads the unedited builds from the audit's own resolution (WorkspaceAudit.inspectBuilds) instead
// of re-auditing them with the probe rule. That is only sound if both views agree on every crate a fix changes.
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { targetCfg } from "../../rules/data/targets.js";
import { audit, type AuditRequest } from "../../src/audit.js";
import { buildProbe } from "../../src/fix/probe.js";
import { nodeHost } from "../../src/host/index.js";
import { createMetadataChain } from "../../src/registry/chain.js";
import { knowledgeProvider } from "../../src/registry/knowledge.js";
import { vendorProvider } from "../../src/registry/vendor.js";
import { RULES } from "../../rules/index.js";
import { corpusDir } from "../helpers/memory-host.js";

const fixtures = join(import.meta.dirname, "../../fixtures");
const judgeCases = ["bookworm", "trixie", "sid"].flatMap((suite) => {
  const dir = join(fixtures, "fix-judge", suite);
  return existsSync(dir) ? readdirSync(dir).filter((name) => existsSync(join(dir, name, "Cargo.lock"))).map((name) => [`fix-judge/${suite}/${name}`, join(dir, name)]) : [];
});
const corpusCases = ["graphops__subgraph-radio", "graphops__graphcast-sdk", "vectordotdev__vector"].map((name) => [`corpus/${name}`, join(corpusDir, name)]).filter(([, dir]) => existsSync(dir!));
const cases = [["demo", join(fixtures, "demo")], ...judgeCases, ...corpusCases] as [string, string][];

function run(dir: string, allFeatures: boolean, rules = RULES): ReturnType<typeof audit> {
  const resolution: AuditRequest["resolution"] = {
    request: { features: [], allFeatures, defaultFeatures: true },
    targets: null,
    host: targetCfg("x86_64-unknown-linux-gnu")!,
    metadataFor: (root) => createMetadataChain([vendorProvider(nodeHost, root), knowledgeProvider()]),
  };
  return audit({ paths: [dir], host: nodeHost, rules, resolution });
}

describe("inspectBuilds: the audit's builds, as a re-audit with the probe rule records them", () => {
  it("has cases with findings to check", () => {
    expect(judgeCases.length).toBeGreaterThanOrEqual(40);
  });

  describe.each(cases)("%s", (_, dir) => {
    for (const allFeatures of [false, true]) {
      it(allFeatures ? "--all-features" : "default features", () => {
        const result = run(dir, allFeatures);
        const watched = new Set(result.workspaces.flatMap((w) => w.findings.map((f) => f.dependency)));
        const inspected = buildProbe(watched);
        for (const w of result.workspaces) w.inspectBuilds([inspected.rule]);
        const reaudited = buildProbe(watched);
        run(dir, allFeatures, [...RULES, reaudited.rule]);
        // The re-audit covers the rustls crates too; the fixed crates are what the verdict compares.
        const fixedCrates = (builds: Map<string, { name: string }[]>) => new Map([...builds].map(([member, built]) => [member, built.filter((p) => watched.has(p.name))]));
        expect(fixedCrates(inspected.builds)).toEqual(fixedCrates(reaudited.builds));
        if (watched.size > 0) expect([...inspected.builds.values()].some((built) => built.length > 0)).toBe(true);
      });
    }
  });
});
