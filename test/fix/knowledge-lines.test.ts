// Every crate line in the bundled knowledge: a manifest that selects native TLS is fixed (and verified),
// or the finding says plainly why no edit can fix it.
import semver from "semver";
import { describe, expect, it } from "vitest";
import { CRATE_KNOWLEDGE, type CrateKnowledgeEntry } from "../../rules/data/crate-knowledge.js";
import { targetCfg } from "../../rules/data/targets.js";
import { audit } from "../../src/audit.js";
import { runFixes } from "../../src/fix/run.js";
import type { Host } from "../../src/host/index.js";
import { parseManifest } from "../../src/manifest/parse.js";
import { knowledgeProvider } from "../../src/registry/knowledge.js";
import { toSemverRange } from "../../src/util/cargo-semver.js";
import { CRATES_IO, lockText, memoryHost } from "../helpers/memory-host.js";

const knowledge = knowledgeProvider();
const plain = (f: string) => f.split(" (")[0]!.trim();

/** A manifest line that selects native TLS for this knowledge entry, or undefined when none is expressible. */
function nativeDeclaration(crate: string, entry: CrateKnowledgeEntry): string | undefined {
  const natives = entry.native_features.map(plain).filter((f) => !f.startsWith("(") && !f.includes("/"));
  const defaults = entry.default ?? [];
  if (defaults.some((f) => natives.includes(f))) return `${crate} = "=VERSION"`;
  if (natives[0]) return `${crate} = { version = "=VERSION", features = ["${natives[0]}"] }`;
  return undefined;
}

const cases = Object.entries(CRATE_KNOWLEDGE).flatMap(([crate, entries]) =>
  crate.includes("*")
    ? []
    : entries.flatMap((entry) => {
        const version = semver.minVersion(toSemverRange(entry.range))?.version;
        const line = nativeDeclaration(crate, entry);
        return version && line ? [{ crate, entry, version, line: line.replace("VERSION", version) }] : [];
      }),
);

function fixOne(crate: string, version: string, line: string) {
  const files = {
    "Cargo.toml": `[package]\nname = "app"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\n${line}\n`,
    "Cargo.lock": lockText([
      { name: "app", version: "0.1.0", dependencies: [crate] },
      { name: crate, version, source: CRATES_IO, dependencies: ["native-tls"] },
      { name: "native-tls", version: "0.2.12", source: CRATES_IO, dependencies: ["openssl-sys"] },
      { name: "openssl-sys", version: "0.9.104", source: CRATES_IO },
    ]),
  };
  const host = memoryHost(files);
  const run = (h: Host) =>
    audit({ paths: ["/ws"], host: h, resolution: { request: { features: [], allFeatures: false, defaultFeatures: true }, targets: null, host: targetCfg("x86_64-unknown-linux-gnu")!, metadataFor: () => knowledge } });
  const result = run(host);
  const outcome = runFixes({ result, host, reaudit: run, metadataFor: () => knowledge, preferences: { roots: "native" } });
  return { result, outcome };
}

describe("fixes for every crate line in the knowledge", () => {
  it("covers the lines that matter", () => {
    const crates = new Set(cases.map((c) => c.crate));
    for (const crate of ["reqwest", "teloxide", "tokio-tungstenite", "lettre", "sqlx", "ureq", "git2", "hyper-tls", "sentry", "octocrab"]) expect(crates).toContain(crate);
    expect(cases.length).toBeGreaterThan(80);
  });

  it.each(cases.map((c) => [`${c.crate} ${c.entry.range}: ${c.line}`, c]))("%s", (_, c) => {
    const { result, outcome } = fixOne(c.crate, c.version, c.line);
    const [finding] = result.workspaces[0]!.findings;
    expect(finding, "the native declaration is reported").toBeDefined();
    const fix = outcome.fixes.get(finding!)!;
    if (c.entry.fix.no_rustls_option || c.crate === "native-tls" || c.crate.endsWith("native-tls") || c.crate === "hyper-tls" || c.crate === "tokio-tls") {
      expect(fix.fixable).toBe(false);
      expect(fix.fixable === false && fix.reason.length).toBeGreaterThan(20);
      return;
    }
    expect(fix, JSON.stringify(fix)).toMatchObject({ fixable: true });
    const after = outcome.files.find((f) => f.path === "/ws/Cargo.toml")!.after;
    const decl = parseManifest(after, "/ws/Cargo.toml").manifest.dependencies.find((d) => d.key === c.crate)!;
    const natives = new Set(c.entry.native_features.map(plain));
    expect(decl.features.filter((f) => natives.has(f))).toEqual([]);
    if (decl.defaultFeatures !== false) expect((c.entry.default ?? []).filter((f) => natives.has(f))).toEqual([]);
  });
});
