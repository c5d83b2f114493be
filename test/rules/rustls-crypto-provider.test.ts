// rustls-crypto-provider over small workspaces whose crates' [features] come from an in-memory metadata source.
import { describe, expect, it } from "vitest";
import { targetCfg } from "../../rules/data/targets.js";
import { rustlsCryptoProvider } from "../../rules/rustls-crypto-provider.js";
import { audit } from "../../src/audit.js";
import type { CrateMetadata, MetaDependency } from "../../src/registry/model.js";
import { formatMessage } from "../../src/report/message.js";
import { CRATES_IO, lockText, memoryHost } from "../helpers/memory-host.js";

const dep = (name: string, extra: Partial<MetaDependency> = {}): MetaDependency => ({
  package: name, name, req: "*", kind: "normal", target: null, optional: false, defaultFeatures: true, features: [], ...extra,
});

/** rustls 0.23's provider features as its Cargo.toml declares them (trimmed to what matters). */
const crates: Record<string, CrateMetadata> = {
  "rustls@0.23.16": {
    name: "rustls", version: "0.23.16", provider: "vendor", origin: "memory",
    features: { default: ["aws_lc_rs", "logging", "std", "tls12"], aws_lc_rs: ["dep:aws-lc-rs"], "aws-lc-rs": ["aws_lc_rs"], ring: ["dep:ring"], logging: [], std: [], tls12: [] },
    dependencies: [dep("aws-lc-rs", { optional: true }), dep("ring", { optional: true })],
  },
  "rustls@0.21.12": {
    name: "rustls", version: "0.21.12", provider: "vendor", origin: "memory",
    features: { default: ["logging"], logging: [] },
    dependencies: [dep("ring")],
  },
  "ring@0.17.8": { name: "ring", version: "0.17.8", provider: "vendor", origin: "memory", features: {}, dependencies: [] },
  "aws-lc-rs@1.10.0": { name: "aws-lc-rs", version: "1.10.0", provider: "vendor", origin: "memory", features: {}, dependencies: [] },
  "tls-client@1.0.0": {
    name: "tls-client", version: "1.0.0", provider: "vendor", origin: "memory",
    features: {}, dependencies: [dep("rustls", { defaultFeatures: false, features: ["ring", "std"] })],
  },
};
const lookup = (name: string, version: string) => crates[`${name}@${version}`];

function run(dependencies: string, locked: string[], rustls = "0.23.16") {
  const R = CRATES_IO;
  const host = memoryHost({
    "Cargo.toml": `[package]\nname = "app"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\n${dependencies}\n`,
    "Cargo.lock": lockText([
      { name: "app", version: "0.1.0", dependencies: locked },
      { name: "rustls", version: rustls, source: R, dependencies: rustls === "0.23.16" ? ["aws-lc-rs", "ring"] : ["ring"] },
      { name: "ring", version: "0.17.8", source: R },
      { name: "aws-lc-rs", version: "1.10.0", source: R },
      { name: "tls-client", version: "1.0.0", source: R, dependencies: ["rustls"] },
    ]),
  });
  const result = audit({
    paths: ["/ws"],
    host,
    rules: [rustlsCryptoProvider],
    resolution: { request: { features: [], allFeatures: false, defaultFeatures: true }, targets: null, host: targetCfg("x86_64-unknown-linux-gnu")!, metadataFor: () => ({ lookup }) },
  });
  return result.workspaces[0]!.findings.map((f) => `${f.dependency}: ${formatMessage(f)}`);
}

describe("rustls-crypto-provider", () => {
  it("is quiet with exactly one provider (rustls' default aws-lc-rs, or ring alone)", () => {
    expect(run(`rustls = "0.23"`, ["rustls"])).toEqual([]);
    expect(run(`rustls = { version = "0.23", default-features = false, features = ["ring", "std"] }`, ["rustls"])).toEqual([]);
  });

  it("warns when no provider is enabled", () => {
    expect(run(`rustls = { version = "0.23", default-features = false, features = ["std"] }`, ["rustls"])).toEqual([
      "rustls: rustls 0.23.16 is built with no crypto provider (neither `ring` nor `aws-lc-rs`): the first TLS handshake panics unless the app installs a CryptoProvider",
    ]);
  });

  it("warns when two dependents enable different providers, at the dependency that brings rustls in", () => {
    const findings = run(`rustls = "0.23"\ntls-client = "1"`, ["rustls", "tls-client"]);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatch(/^rustls: rustls 0.23.16 is built with both `ring` and `aws-lc-rs`/);
  });

  it("ignores rustls before 0.23", () => {
    expect(run(`rustls = { version = "0.21", default-features = false }`, ["rustls"], "0.21.12")).toEqual([]);
  });
});
