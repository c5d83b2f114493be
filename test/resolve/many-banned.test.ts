// The walk's reach index keeps one 32-bit mask per 32 banned crates: a configuration banning more than 32 crates
// must still find every one of them, at the right place, with the shortest why-path.
import { describe, expect, it } from "vitest";
import { targetCfg } from "../../rules/data/targets.js";
import { audit } from "../../src/audit.js";
import type { MetadataLookup } from "../../src/registry/model.js";
import { CRATES_IO, lockText, memoryHost } from "../helpers/memory-host.js";

const banned = Array.from({ length: 70 }, (_, i) => `banned-${i}`);
const meta = (name: string, dependencies: string[]) => ({
  name,
  version: "1.0.0",
  provider: "vendor" as const,
  origin: "test",
  features: {},
  dependencies: dependencies.map((d) => ({ package: d, name: d, req: "1", kind: "normal" as const, target: null, optional: false, defaultFeatures: true, features: [] })),
});
// hub reaches every banned crate, half directly and half through `relay`; the member also names banned-65 itself.
const graph: Record<string, string[]> = {
  hub: [...banned.slice(0, 35), "relay"],
  relay: banned.slice(35),
  ...Object.fromEntries(banned.map((b) => [b, []])),
};
const metadata: MetadataLookup = { lookup: (name) => (graph[name] ? meta(name, graph[name]!) : undefined) };

function run(bannedCrates: string[]) {
  const host = memoryHost({
    "Cargo.toml": `[package]\nname = "app"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\nhub = "1"\nbanned-65 = "1"\n`,
    "Cargo.lock": lockText([
      { name: "app", version: "0.1.0", dependencies: ["banned-65", "hub"] },
      ...Object.entries(graph).map(([name, dependencies]) => ({ name, version: "1.0.0", source: CRATES_IO, dependencies })),
    ]),
  });
  const result = audit({
    paths: ["/ws"],
    host,
    bannedCrates,
    resolution: { request: { features: [], allFeatures: false, defaultFeatures: true }, targets: null, host: targetCfg("x86_64-unknown-linux-gnu")!, metadataFor: () => metadata },
  });
  return result.workspaces[0]!.findings.filter((f) => f.ruleId === "no-native-tls");
}

describe("more than 32 banned crates", () => {
  it("reports every banned crate each direct dependency reaches, through either mask", () => {
    const findings = run(banned);
    const hub = findings.find((f) => f.dependency === "hub")!;
    expect(hub.reaches).toEqual([...banned].sort());
    // The path shown ends at a crate past the first 32, one step deeper than the direct ones.
    expect(hub.path.map((s) => s.name).slice(0, 3)).toEqual(["app", "hub", "relay"]);
    expect(findings.find((f) => f.dependency === "banned-65")!.reaches).toEqual(["banned-65"]);
  });

  it("answers as the audit of each 32-crate slice does", () => {
    const whole = run(banned).find((f) => f.dependency === "hub")!.reaches;
    const sliced = [0, 32, 64].flatMap((first) => run(banned.slice(first, first + 32)).find((f) => f.dependency === "hub")?.reaches ?? []);
    expect(whole).toEqual([...new Set(sliced)].sort());
  });
});
