// A fix moves TLS to rustls: it never switches TLS off, never drops a feature that does not lead to native TLS,
// and applies the whole knowledge entry (provider, roots, transport). Resolved against the crate's own features.
import fc from "fast-check";
import semver from "semver";
import { describe, expect, it } from "vitest";
import { CRATE_KNOWLEDGE, type CrateKnowledgeEntry } from "../../rules/data/crate-knowledge.js";
import { targetCfg } from "../../rules/data/targets.js";
import { RULES } from "../../rules/index.js";
import { audit } from "../../src/audit.js";
import type { Rule } from "../../src/engine/types.js";
import { runFixes } from "../../src/fix/run.js";
import { featureClosure, knowledgeReachesRustls } from "../../src/fix/tls-reach.js";
import type { Host } from "../../src/host/index.js";
import { parseManifest } from "../../src/manifest/parse.js";
import { knowledgeProvider } from "../../src/registry/knowledge.js";
import type { CrateMetadata, MetadataLookup } from "../../src/registry/model.js";
import { toSemverRange } from "../../src/util/cargo-semver.js";
import { CRATES_IO, lockText, memoryHost } from "../helpers/memory-host.js";

const knowledge = knowledgeProvider();
const plain = (f: string) => f.split(" (")[0]!.trim();

/** Audits /ws on Linux with this metadata, then plans fixes and verifies them with the re-resolution's probe. */
function auditAndFix(host: Host, metadata: MetadataLookup) {
  const run = (h: Host, members?: ReadonlySet<string>, extraRules: readonly Rule[] = []) =>
    audit({ paths: ["/ws"], host: h, members, rules: [...RULES, ...extraRules], resolution: { request: { features: [], allFeatures: false, defaultFeatures: true }, targets: null, host: targetCfg("x86_64-unknown-linux-gnu")!, metadataFor: () => metadata } });
  const result = run(host);
  return { result, outcome: runFixes({ result, host, reaudit: run, metadataFor: () => metadata, preferences: { roots: "native" } }) };
}

/** Audits a one-package workspace whose lock has `crate` → native-tls → openssl-sys, then plans and verifies fixes. */
function fixOne(crate: string, version: string, line: string, metadata: MetadataLookup = knowledge, extraLock: { name: string; version: string; dependencies?: string[] }[] = []) {
  const host = memoryHost({
    "Cargo.toml": `[package]\nname = "app"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\n${line}\n`,
    "Cargo.lock": lockText([
      { name: "app", version: "0.1.0", dependencies: [crate] },
      { name: crate, version, source: CRATES_IO, dependencies: ["native-tls", ...extraLock.map((p) => p.name)] },
      ...extraLock.map((p) => ({ ...p, source: CRATES_IO })),
      { name: "native-tls", version: "0.2.12", source: CRATES_IO, dependencies: ["openssl-sys"] },
      { name: "openssl-sys", version: "0.9.104", source: CRATES_IO },
    ]),
  });
  const { result, outcome } = auditAndFix(host, metadata);
  const finding = result.workspaces[0]!.findings[0]!;
  const after = outcome.files.find((f) => f.path === "/ws/Cargo.toml")?.after;
  const decl = after === undefined ? undefined : parseManifest(after, "/ws/Cargo.toml").manifest.dependencies.find((d) => d.package === crate);
  return { finding, fix: outcome.fixes.get(finding)!, after, decl };
}

/** Every knowledge line that has a rustls option, with its first version and a declaration that selects native TLS. */
const lines = Object.entries(CRATE_KNOWLEDGE).flatMap(([crate, entries]) =>
  crate.includes("*") || crate.endsWith("native-tls") || ["hyper-tls", "tokio-tls"].includes(crate)
    ? []
    : entries.flatMap((entry: CrateKnowledgeEntry) => {
        const version = semver.minVersion(toSemverRange(entry.range))?.version;
        const natives = entry.native_features.map(plain).filter((f) => !f.startsWith("(") && !f.includes("/"));
        if (!version || entry.fix.no_rustls_option || natives.length === 0) return [];
        // Features that are neither TLS choice: a user's own, which the fix must keep.
        const rustls = new Set(entry.rustls_features.map(plain));
        const others = Object.keys(knowledge.lookup(crate, version, null)!.features).filter((f) => f !== "default" && !natives.includes(f) && !rustls.has(f));
        return [{ crate, entry, version, natives, others }];
      }),
);

describe("every knowledge entry: the planned features reach rustls and no native TLS", () => {
  it("covers the entries that matter", () => {
    expect(lines.length).toBeGreaterThan(60);
    for (const crate of ["reqwest", "lettre", "sentry", "curl", "tiny_http", "sqlx", "ureq"]) expect(lines.some((l) => l.crate === crate)).toBe(true);
  });

  it("holds for any native declaration, with or without the defaults and another feature of the crate", { timeout: 120_000 }, () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...lines),
        fc.nat(),
        fc.boolean(),
        fc.boolean(),
        fc.nat(),
        (line, nativeIndex, defaultsOff, withOther, otherIndex) => {
          const native = line.natives[nativeIndex % line.natives.length]!;
          const other = withOther && line.others.length > 0 ? line.others[otherIndex % line.others.length] : undefined;
          const features = [native, ...(other ? [other] : [])];
          const decl = `${line.crate} = { version = "=${line.version}"${defaultsOff ? ", default-features = false" : ""}, features = [${features.map((f) => `"${f}"`).join(", ")}] }`;
          const { finding, fix, decl: fixed, after } = fixOne(line.crate, line.version, decl);
          if (!finding) return; // the knowledge's native feature does not reach native TLS in this shape
          if (!fix.fixable) {
            expect(fix.reason).toMatch(new RegExp(line.crate.replace(/[-]/g, "\\-")));
            return;
          }
          const meta = knowledge.lookup(line.crate, line.version, null)!;
          const on = featureClosure(meta, fixed!.features, fixed!.defaultFeatures !== false);
          expect(knowledgeReachesRustls(line.crate, line.version, on), `${decl} → ${JSON.stringify(fixed!.features)}`).toBe(true);
          expect(line.natives.filter((n) => on.has(n)), decl).toEqual([]);
          // Nothing the user asked for is lost unless it leads to native TLS.
          if (other) expect(fixed!.features, decl).toContain(other);
          expect(after, "never features = []").not.toMatch(/features\s*=\s*\[\s*\]/);
        },
      ),
      { numRuns: 300, seed: 15 },
    );
  });
});

describe("knowledge-based fixes apply the whole entry", () => {
  it("lettre 0.11.23: tokio1-native-tls becomes tokio1-rustls with a crypto provider and a root store", () => {
    const { fix, decl } = fixOne("lettre", "0.11.23", 'lettre = { version = "=0.11.23", default-features = false, features = ["smtp-transport", "builder", "tokio1", "tokio1-native-tls"] }');
    expect(fix.fixable).toBe(true);
    expect(decl!.features).toEqual(["smtp-transport", "builder", "tokio1", "tokio1-rustls", "ring", "rustls-native-certs"]);
  });

  it("sentry 0.48.5 on defaults keeps the reqwest transport", () => {
    const { fix, decl } = fixOne("sentry", "0.48.5", 'sentry = { version = "=0.48.5", features = ["tracing"] }');
    expect(fix.fixable).toBe(true);
    expect(decl!.defaultFeatures).toBe(false);
    expect(decl!.features).toContain("reqwest");
    expect(decl!.features).toContain("rustls");
    expect(decl!.features).toContain("tracing");
  });
});

/** A registry whose manifests the test writes: curl and curl-sys as published, or as a distribution trimmed them. */
function registry(crates: CrateMetadata[]): MetadataLookup {
  return { lookup: (name, version, source) => crates.find((c) => c.name === name && c.version === version) ?? knowledge.lookup(name, version, source) };
}
const dep = (name: string, optional: boolean, extra: Partial<CrateMetadata["dependencies"][number]> = {}) => ({ package: name, name, req: "*", kind: "normal" as const, target: null, optional, defaultFeatures: true, features: [], ...extra });
const curlSys: CrateMetadata = {
  name: "curl-sys", version: "0.4.58", provider: "vendor", origin: "test",
  features: { default: ["ssl"], http2: ["libnghttp2-sys"], ssl: ["openssl-sys"], "static-curl": [], "static-ssl": ["openssl-sys/vendored"], rustls: ["rustls-ffi", "static-curl"] },
  dependencies: [dep("libnghttp2-sys", true), dep("openssl-sys", true), dep("rustls-ffi", true)],
};
const curl = (withRustls: boolean): CrateMetadata => ({
  name: "curl", version: "0.4.44", provider: "vendor", origin: "test",
  features: { default: ["ssl"], http2: ["curl-sys/http2"], ssl: ["openssl-sys", "openssl-probe", "curl-sys/ssl"], "static-curl": ["curl-sys/static-curl"], "static-ssl": ["curl-sys/static-ssl"], ...(withRustls ? { rustls: ["curl-sys/rustls"] } : {}) },
  dependencies: [dep("curl-sys", false, { defaultFeatures: false }), dep("openssl-sys", true), dep("openssl-probe", true)],
});
const curlLock = [{ name: "curl-sys", version: "0.4.58", dependencies: ["openssl-sys"] }];

describe("a fix keeps TLS and the features that are not TLS", () => {
  it("curl without a rustls feature is unfixable, naming the version and the upstream alternative", () => {
    const { fix, after } = fixOne("curl", "0.4.44", 'curl = { version = "0.4", features = ["http2"] }', registry([curl(false), curlSys]), curlLock);
    expect(fix).toEqual({ fixable: false, reason: "curl 0.4.44 from this registry has no rustls feature; curl ≥ 0.4.42 upstream has `rustls` + `static-curl`; or replace it" });
    expect(after).toBeUndefined();
  });

  it("curl with rustls keeps http2 (curl-sys/http2 is not native TLS) and adds static-curl", () => {
    const { fix, decl } = fixOne("curl", "0.4.44", 'curl = { version = "0.4", features = ["http2"] }', registry([curl(true), curlSys]), curlLock);
    expect(fix.fixable).toBe(true);
    expect(decl!.defaultFeatures).toBe(false);
    expect(decl!.features).toEqual(["http2", "rustls", "static-curl"]);
  });
});

describe("inherited entries", () => {
  it("a member that adds a native feature to `workspace = true`, in a workspace that locks two versions under a rename, loses just that feature", () => {
    const pkg = (name: string) => `[package]\nname = "${name}"\nversion = "0.1.0"\nedition = "2021"\n`;
    const host = memoryHost({
      "Cargo.toml": `[workspace]\nmembers = ["a", "b"]\nresolver = "2"\n\n[workspace.dependencies]\nreqwest = "0.13"\n`,
      "a/Cargo.toml": `${pkg("a")}\n[dependencies]\nreqwest.workspace = true\nreqwest012 = { package = "reqwest", version = "0.12", default-features = false, features = ["rustls-tls"] }\n`,
      "b/Cargo.toml": `${pkg("b")}\n[dependencies]\nreqwest = { workspace = true, features = ["native-tls-no-alpn"] }\n`,
      "Cargo.lock": lockText([
        { name: "a", version: "0.1.0", dependencies: ["reqwest 0.12.28", "reqwest 0.13.1"] },
        { name: "b", version: "0.1.0", dependencies: ["reqwest 0.13.1"] },
        { name: "reqwest", version: "0.12.28", source: CRATES_IO, dependencies: ["rustls"] },
        { name: "reqwest", version: "0.13.1", source: CRATES_IO, dependencies: ["native-tls", "rustls"] },
        { name: "rustls", version: "0.23.20", source: CRATES_IO },
        { name: "native-tls", version: "0.2.12", source: CRATES_IO, dependencies: ["openssl-sys"] },
        { name: "openssl-sys", version: "0.9.104", source: CRATES_IO },
      ]),
    });
    const { result, outcome } = auditAndFix(host, knowledge);
    const finding = result.workspaces[0]!.findings.find((f) => f.member === "b")!;
    expect(outcome.fixes.get(finding)).toMatchObject({ fixable: true, description: 'reqwest: remove "native-tls-no-alpn"' });
    expect(outcome.files.map((f) => f.path)).toEqual(["/ws/b/Cargo.toml"]);
    expect(outcome.files[0]!.after).toContain("reqwest = { workspace = true }\n");
  });
});
