// The verifying re-resolution's verdict on a fix: features lost that are not TLS, or a dependency left without rustls.
import { describe, expect, it } from "vitest";
import type { Finding } from "../../src/engine/types.js";
import { judgeInResolver } from "../../src/fix/run.js";
import type { ProbedPackage } from "../../src/fix/probe.js";
import type { CrateMetadata, MetadataLookup } from "../../src/registry/model.js";

const finding = { dependency: "curl", dependencyVersion: "0.4.44", path: [{ name: "app", version: "0.1.0", source: null }, { name: "curl", version: "0.4.44", source: "registry+https://github.com/rust-lang/crates.io-index" }] } as unknown as Finding;
const dep = (name: string, optional: boolean) => ({ package: name, name, req: "*", kind: "normal" as const, target: null, optional, defaultFeatures: false, features: [] });
const curl = (rustls: boolean): CrateMetadata => ({
  name: "curl", version: "0.4.44", provider: "vendor", origin: "test",
  features: { default: ["ssl"], http2: ["curl-sys/http2"], ssl: ["openssl-sys", "curl-sys/ssl"], "static-curl": ["curl-sys/static-curl"], ...(rustls ? { rustls: ["curl-sys/rustls"] } : {}) },
  dependencies: [dep("curl-sys", false), dep("openssl-sys", true)],
});
const curlSys: CrateMetadata = { name: "curl-sys", version: "0.4.58", provider: "vendor", origin: "test", features: { http2: [], ssl: ["openssl-sys"], "static-curl": [], rustls: ["rustls-ffi"] }, dependencies: [dep("openssl-sys", true), dep("rustls-ffi", true)] };
const lookup = (rustls: boolean): MetadataLookup => ({ lookup: (name) => (name === "curl" ? curl(rustls) : name === "curl-sys" ? curlSys : undefined) });
const locked = new Map([["curl-sys", "0.4.58"]]);
const built = (features: string[], extra: ProbedPackage[] = []): ProbedPackage[] => [{ name: "curl", version: "0.4.44", features, via: "curl" }, ...extra];
const removable = new Set(["default", "ssl", "openssl-sys"]);

describe("judgeInResolver", () => {
  it("refuses a fix that turns off a feature that does not lead to native TLS", () => {
    expect(judgeInResolver(finding, built(["default", "http2", "ssl"]), built(["rustls"]), removable, lookup(true), locked)).toBe('the change would turn off "http2" of curl, which does not lead to native TLS');
  });

  it("refuses a fix after which the dependency reaches no rustls crate (TLS switched off)", () => {
    expect(judgeInResolver(finding, built(["default", "http2", "ssl"]), built(["http2"]), removable, lookup(false), locked)).toMatch(/reaches no rustls crate: the edit would switch TLS off/);
  });

  it("accepts a fix whose rustls is in the built graph, or in the crate's [features] when the lock lacks it yet", () => {
    const rustlsBuilt = { name: "rustls", version: "0.23.0", features: [], via: "curl" };
    expect(judgeInResolver(finding, built(["default", "http2", "ssl"]), built(["http2", "rustls"], [rustlsBuilt]), removable, lookup(true), locked)).toBeUndefined();
    expect(judgeInResolver(finding, built(["default", "http2", "ssl"]), built(["http2", "rustls", "static-curl"]), removable, lookup(true), locked)).toBeUndefined();
    // curl's rustls without static-curl links the system libcurl: the knowledge's rustls_needs says no.
    expect(judgeInResolver(finding, built(["default", "http2", "ssl"]), built(["http2", "rustls"]), removable, lookup(true), locked)).toMatch(/reaches no rustls crate/);
  });
});
