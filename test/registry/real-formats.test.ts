// Real-format tests: every provider on files cargo 1.95 wrote (fixtures/registry-formats, see its README).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { nodeHost } from "../../src/host/index.js";
import { createMetadataChain } from "../../src/registry/chain.js";
import { indexCacheProvider, indexFilePath, parseIndexCache } from "../../src/registry/index-cache.js";
import { registrySrcProvider } from "../../src/registry/registry-src.js";
import { discoverCargoConfig, vendorProvider } from "../../src/registry/vendor.js";
import { comparable, fixtureDir, fixtureHost, locked, SAMPLE, VENDOR_SAMPLE } from "./fixture-host.js";

const NOT_WINDOWS_OR_APPLE = 'cfg(not(any(target_os = "windows", target_os = "macos", target_os = "ios")))';

const host = fixtureHost(join(fixtureDir, "cargo-home"));
const workspace = join(fixtureDir, "workspace");
const providers = {
  vendor: vendorProvider(host, workspace),
  "registry-src": registrySrcProvider(host),
  "index-cache": indexCacheProvider(host),
};
const lookup = (provider: keyof typeof providers, name: string) => {
  const pkg = locked(fixtureDir, name);
  return providers[provider].lookup(pkg.name, pkg.version, pkg.source);
};

describe("fixture provenance", () => {
  it("was written by cargo 1.95", () => {
    expect(readFileSync(join(fixtureDir, "cargo-version.txt"), "utf8")).toMatch(/^cargo 1\.95\.\d+ /);
  });
});

describe("index cache files written by cargo", () => {
  const indexRoot = join(fixtureDir, "cargo-home/registry/index");
  const [registryDir] = nodeHost.listDirs(indexRoot);

  it.each(SAMPLE)("%s: cache version 3, schema 2, an etag revision, one entry per version", (name) => {
    const file = parseIndexCache(readFileSync(join(indexRoot, registryDir!, ".cache", indexFilePath(name))));
    expect(file).toMatchObject({ cacheVersion: 3, indexSchemaVersion: 2 });
    expect(file!.revision).toMatch(/^etag: "[0-9a-f]+"$/);
    expect(file!.entries.map((e) => e.version)).toEqual([locked(fixtureDir, name).version]);
  });

  it("covers the 2- and 3-character index layouts", () => {
    expect(nodeHost.kind(join(indexRoot, registryDir!, ".cache/2/cc"))).toBe("file");
    expect(nodeHost.kind(join(indexRoot, registryDir!, ".cache/3/l/log"))).toBe("file");
  });
});

describe.each(["index-cache", "registry-src"] as const)("%s provider on cargo's files", (provider) => {
  it("hyper-tls depends on native-tls, not optionally, on every target", () => {
    const meta = lookup(provider, "hyper-tls");
    expect(meta?.provider).toBe(provider);
    expect(meta?.dependencies).toContainEqual(
      expect.objectContaining({ name: "native-tls", package: "native-tls", kind: "normal", target: null, optional: false, defaultFeatures: true }),
    );
    expect(meta?.dependencies).toContainEqual(
      expect.objectContaining({ name: "hyper", kind: "normal", defaultFeatures: false, features: ["tcp", "client"] }),
    );
    expect(meta?.dependencies).toContainEqual(expect.objectContaining({ name: "hyper", kind: "dev", features: ["http1"] }));
  });

  it("native-tls pulls openssl outside Windows and Apple (Debian's manifest drops `vendored`)", () => {
    const meta = lookup(provider, "native-tls");
    expect(meta?.features).toEqual({ alpn: [] });
    expect(meta?.dependencies).toContainEqual(expect.objectContaining({ name: "openssl", kind: "normal", target: NOT_WINDOWS_OR_APPLE, optional: false }));
    expect(meta?.dependencies).toContainEqual(expect.objectContaining({ name: "schannel", target: 'cfg(target_os = "windows")' }));
  });

  it("openssl has a `vendored` feature and renames openssl-sys to ffi", () => {
    const meta = lookup(provider, "openssl");
    expect(meta?.features.vendored).toEqual([]);
    expect(meta?.features.bindgen).toEqual(["ffi/bindgen"]);
    expect(meta?.dependencies).toContainEqual(expect.objectContaining({ name: "ffi", package: "openssl-sys", kind: "normal" }));
  });

  it("openssl-sys has its build dependencies", () => {
    const meta = lookup(provider, "openssl-sys");
    expect(meta?.dependencies).toContainEqual(expect.objectContaining({ name: "cc", kind: "build" }));
    expect(meta?.dependencies).toContainEqual(expect.objectContaining({ name: "vcpkg", kind: "build", target: 'cfg(target_env = "msvc")' }));
  });
});

describe("vendor provider on `cargo vendor` output", () => {
  it("finds the workspace's .cargo/config.toml and its relative directory", () => {
    const [first] = discoverCargoConfig(host, workspace);
    expect(first?.path).toBe(join(workspace, ".cargo/config.toml"));
    expect(providers.vendor.directories).toEqual([expect.objectContaining({ name: "vendored-sources", directory: join(fixtureDir, "vendor") })]);
    expect(providers.vendor.notes).toEqual([]);
  });

  it.each(VENDOR_SAMPLE)("%s is read from vendor/<name>/Cargo.toml", (name) => {
    const meta = lookup("vendor", name);
    expect(meta).toMatchObject({ name, provider: "vendor", origin: join(fixtureDir, "vendor", name, "Cargo.toml") });
  });

  it.each(VENDOR_SAMPLE)("%s: the vendored .cargo-checksum.json package sum is the lock checksum", (name) => {
    const sums = JSON.parse(readFileSync(join(fixtureDir, "vendor", name, ".cargo-checksum.json"), "utf8"));
    expect(sums.package).toBe(locked(fixtureDir, name).checksum);
  });
});

describe("providers agree", () => {
  it.each(SAMPLE)("%s: index cache and registry/src give the same metadata", (name) => {
    expect(comparable(lookup("index-cache", name))).toEqual(comparable(lookup("registry-src", name)));
  });

  it.each(VENDOR_SAMPLE)("%s: vendor and registry/src give the same metadata", (name) => {
    expect(comparable(lookup("vendor", name))).toEqual(comparable(lookup("registry-src", name)));
  });

  it("the chain answers vendor first, then registry-src", () => {
    const chain = createMetadataChain([providers.vendor, providers["registry-src"], providers["index-cache"]]);
    const ask = (name: string) => {
      const pkg = locked(fixtureDir, name);
      return chain.lookup(pkg.name, pkg.version, pkg.source)?.provider;
    };
    expect(ask("native-tls")).toBe("vendor");
    expect(ask("openssl-sys")).toBe("registry-src");
    const onlyIndex = createMetadataChain([providers["index-cache"]]);
    const pkg = locked(fixtureDir, "log");
    expect(onlyIndex.lookup(pkg.name, pkg.version, pkg.source)?.provider).toBe("index-cache");
  });
});
