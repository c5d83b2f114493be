// Unit tests: providers tried in order, answers cached, the answering provider recorded.
import { describe, expect, it } from "vitest";
import { createMetadataChain } from "../../src/registry/chain.js";
import { createLocalMetadataChain } from "../../src/registry/index.js";
import type { CrateMetadata, MetadataProvider, MetadataProviderName } from "../../src/registry/model.js";
import { CRATES_IO, memoryHost } from "../helpers/memory-host.js";

function fake(name: MetadataProviderName, knows: string[], calls: string[], stamp: MetadataProviderName = name): MetadataProvider {
  return {
    name,
    lookup(crate, version) {
      calls.push(`${name}:${crate}@${version}`);
      if (!knows.includes(`${crate}@${version}`)) return undefined;
      const meta: CrateMetadata = { name: crate, version, features: {}, dependencies: [], provider: stamp, origin: `/${name}` };
      return meta;
    },
  };
}

describe("createMetadataChain", () => {
  it("asks providers in order and stops at the first answer", () => {
    const calls: string[] = [];
    const chain = createMetadataChain([fake("vendor", [], calls), fake("registry-src", ["log@0.4.17"], calls), fake("index-cache", ["log@0.4.17"], calls)]);
    expect(chain.lookup("log", "0.4.17", CRATES_IO)).toMatchObject({ provider: "registry-src", origin: "/registry-src" });
    expect(calls).toEqual(["vendor:log@0.4.17", "registry-src:log@0.4.17"]);
    expect(chain.explain("log", "0.4.17", CRATES_IO)).toEqual({ provider: "registry-src", tried: ["vendor", "registry-src"] });
  });

  it("caches answers and misses per (name, version, source)", () => {
    const calls: string[] = [];
    const chain = createMetadataChain([fake("index-cache", ["log@0.4.17"], calls)]);
    chain.lookup("log", "0.4.17", CRATES_IO);
    chain.lookup("log", "0.4.17", CRATES_IO);
    chain.lookup("log", "9.9.9", CRATES_IO);
    chain.lookup("log", "9.9.9", CRATES_IO);
    expect(calls).toEqual(["index-cache:log@0.4.17", "index-cache:log@9.9.9"]);
    chain.lookup("log", "0.4.17", null);
    expect(calls).toHaveLength(3);
    expect(chain.explain("log", "9.9.9", CRATES_IO)).toEqual({ provider: null, tried: ["index-cache"] });
    expect(chain.explain("never", "1.0.0", CRATES_IO)).toBeUndefined();
  });

  it("stamps the answering provider's name on the result", () => {
    const chain = createMetadataChain([fake("knowledge", ["openssl@0.10.45"], [], "online")]);
    expect(chain.lookup("openssl", "0.10.45", CRATES_IO)?.provider).toBe("knowledge");
  });

  it("treats a throwing provider as a miss and records a problem", () => {
    const broken: MetadataProvider = {
      name: "vendor",
      lookup() {
        throw new Error("disk on fire");
      },
    };
    const chain = createMetadataChain([broken, fake("index-cache", ["log@0.4.17"], [])]);
    expect(chain.lookup("log", "0.4.17", CRATES_IO)?.provider).toBe("index-cache");
    expect(chain.problems).toEqual([expect.objectContaining({ severity: "warning", code: "metadata-provider-failed" })]);
    expect(chain.problems[0]!.message).toContain("disk on fire");
  });
});

describe("createLocalMetadataChain", () => {
  it("orders vendor, registry-src, index-cache, then extra providers", () => {
    const chain = createLocalMetadataChain(memoryHost({}), "/ws", [fake("knowledge", [], [])]);
    expect(chain.providers.map((p) => p.name)).toEqual(["vendor", "registry-src", "index-cache", "knowledge"]);
  });

  it("collects the providers' set-up notes into problems", () => {
    const host = memoryHost({ "/ws/.cargo/config.toml": `[source.crates-io]\nreplace-with = "l"\n[source.l]\nlocal-registry = "/srv/r"\n` });
    expect(createLocalMetadataChain(host, "/ws").problems.map((p) => p.code)).toEqual(["local-registry-ignored"]);
  });
});
