// Unit tests: cargo's binary index cache (.cache files) and index lines.
import { describe, expect, it } from "vitest";
import type { Host } from "../../src/host/index.js";
import { indexCacheProvider, indexFilePath, metadataFromIndexLine, parseIndexCache } from "../../src/registry/index-cache.js";
import { CRATES_IO, memoryHost } from "../helpers/memory-host.js";

/** Serialises a cache file the way `SummariesCache::serialize` does. */
function cacheBytes(entries: [string, string][], { cacheVersion = 3, schema = 2, revision = 'etag: "abc"' } = {}): Uint8Array {
  const enc = new TextEncoder();
  const parts: number[] = [cacheVersion, schema & 0xff, (schema >> 8) & 0xff, (schema >> 16) & 0xff, schema >>> 24];
  parts.push(...enc.encode(revision), 0);
  for (const [version, json] of entries) parts.push(...enc.encode(version), 0, ...enc.encode(json), 0);
  return Uint8Array.from(parts);
}

/** A memory host (with `env`) whose files are raw bytes. */
function bytesHost(bytes: Record<string, Uint8Array>, env: Record<string, string>): Host {
  const host = memoryHost(Object.fromEntries(Object.keys(bytes).map((path) => [path, ""])), "/", env);
  return { ...host, readBytes: (path) => bytes[path] ?? host.readBytes(path) };
}

const line = (vers: string, extra: object = {}) =>
  JSON.stringify({ name: "native-tls", vers, deps: [], cksum: "00", features: {}, yanked: false, ...extra });

describe("indexFilePath", () => {
  it("follows the index layout with lower-cased names", () => {
    expect(indexFilePath("a")).toBe("1/a");
    expect(indexFilePath("cc")).toBe("2/cc");
    expect(indexFilePath("log")).toBe("3/l/log");
    expect(indexFilePath("serde")).toBe("se/rd/serde");
    expect(indexFilePath("Inflector")).toBe("in/fl/inflector");
    expect(indexFilePath("hyper-tls")).toBe("hy/pe/hyper-tls");
  });
});

describe("parseIndexCache", () => {
  it("reads the header and the version/JSON pairs", () => {
    const file = parseIndexCache(cacheBytes([["0.2.10", line("0.2.10")], ["0.2.11", line("0.2.11")]], { schema: 2 }));
    expect(file).toMatchObject({ cacheVersion: 3, indexSchemaVersion: 2, revision: 'etag: "abc"' });
    expect(file?.entries.map((e) => e.version)).toEqual(["0.2.10", "0.2.11"]);
    expect(JSON.parse(file!.entries[1]!.json).vers).toBe("0.2.11");
  });

  it("reads the schema version as a little-endian u32", () => {
    expect(parseIndexCache(cacheBytes([], { schema: 0x01020304 }))?.indexSchemaVersion).toBe(0x01020304);
  });

  it("keeps build metadata in versions (cache version 3 exists for this)", () => {
    const file = parseIndexCache(cacheBytes([["300.0.0+3.0.0", line("300.0.0+3.0.0")]]));
    expect(file?.entries[0]?.version).toBe("300.0.0+3.0.0");
  });

  it("returns undefined for other cache versions and truncated headers, never throwing", () => {
    expect(parseIndexCache(cacheBytes([["1.0.0", line("1.0.0")]], { cacheVersion: 2 }))).toBeUndefined();
    expect(parseIndexCache(cacheBytes([["1.0.0", line("1.0.0")]], { cacheVersion: 4 }))).toBeUndefined();
    expect(parseIndexCache(new Uint8Array())).toBeUndefined();
    expect(parseIndexCache(Uint8Array.from([3, 2, 0]))).toBeUndefined();
    expect(parseIndexCache(Uint8Array.from([3, 2, 0, 0, 0]))).toBeUndefined(); // no revision terminator
  });

  it("drops a dangling version without JSON and pairs that are not UTF-8", () => {
    const good = cacheBytes([["1.0.0", line("1.0.0")]]);
    const bad = Uint8Array.from([...good, 0xff, 0xfe, 0, 0x7b, 0x7d, 0, 0x32, 0x2e, 0x30, 0]);
    expect(parseIndexCache(bad)?.entries.map((e) => e.version)).toEqual(["1.0.0"]);
  });

  it("survives random bytes", () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let i = 0; i < 200; i++) {
      const bytes = Uint8Array.from({ length: Math.floor(random() * 64) }, (_, j) => (j === 0 ? 3 : Math.floor(random() * 256)));
      expect(() => parseIndexCache(bytes)).not.toThrow();
    }
  });
});

describe("metadataFromIndexLine", () => {
  it("maps deps (rename, kind, target, defaults) and merges features2", () => {
    const meta = metadataFromIndexLine(
      JSON.stringify({
        name: "openssl",
        vers: "0.10.45",
        deps: [
          { name: "ffi", package: "openssl-sys", req: "^0.9.80", features: [], optional: false, default_features: true, target: null, kind: "normal" },
          { name: "cc", req: "^1", features: ["parallel"], optional: true, default_features: false, target: "cfg(unix)", kind: "build" },
          { name: "hex", req: "^0.3" },
        ],
        features: { vendored: ["ffi/vendored"] },
        features2: { bindgen: ["dep:bindgen", "ffi?/bindgen"] },
        v: 2,
      }),
      "/origin",
    );
    expect(meta).toEqual({
      name: "openssl",
      version: "0.10.45",
      features: { vendored: ["ffi/vendored"], bindgen: ["dep:bindgen", "ffi?/bindgen"] },
      dependencies: [
        { package: "openssl-sys", name: "ffi", req: "^0.9.80", kind: "normal", target: null, optional: false, defaultFeatures: true, features: [] },
        { package: "cc", name: "cc", req: "^1", kind: "build", target: "cfg(unix)", optional: true, defaultFeatures: false, features: ["parallel"] },
        { package: "hex", name: "hex", req: "^0.3", kind: "normal", target: null, optional: false, defaultFeatures: true, features: [] },
      ],
      provider: "index-cache",
      origin: "/origin",
    });
  });

  it("rejects non-entries and entries with a schema newer than cargo knows", () => {
    expect(metadataFromIndexLine("not json", "/o")).toBeUndefined();
    expect(metadataFromIndexLine(`[1,2]`, "/o")).toBeUndefined();
    expect(metadataFromIndexLine(`{"name":"x"}`, "/o")).toBeUndefined();
    expect(metadataFromIndexLine(line("1.0.0", { v: 3 }), "/o")).toBeUndefined();
  });
});

describe("indexCacheProvider", () => {
  const sparseDir = "/home/u/.cargo/registry/index/index.crates.io-1949cf8c6b5b557f";
  const otherDir = "/home/u/.cargo/registry/index/mirror.example-0123456789abcdef";

  it("finds the version in $HOME/.cargo/registry/index/*/.cache/<path>", () => {
    const host = bytesHost({
      [`${sparseDir}/.cache/na/ti/native-tls`]: cacheBytes([["0.2.10", line("0.2.10")], ["0.2.11", line("0.2.11", { features: { vendored: [] } })]]),
    }, { HOME: "/home/u" });
    const provider = indexCacheProvider(host);
    expect(provider.lookup("native-tls", "0.2.11", CRATES_IO)).toMatchObject({
      version: "0.2.11",
      features: { vendored: [] },
      provider: "index-cache",
      origin: `${sparseDir}/.cache/na/ti/native-tls`,
    });
    expect(provider.lookup("native-tls", "0.2.12", CRATES_IO)).toBeUndefined();
    expect(provider.lookup("native-tls", "0.2.11", null)).toBeUndefined();
    expect(provider.lookup("native-tls", "0.2.11", "git+https://github.com/sfackler/rust-native-tls#abc")).toBeUndefined();
  });

  it("prefers the directory named after the source's host, then tries the others", () => {
    const host = bytesHost({
      [`${otherDir}/.cache/na/ti/native-tls`]: cacheBytes([["0.2.11", line("0.2.11", { features: { mirror: [] } })]]),
      [`${sparseDir}/.cache/na/ti/native-tls`]: cacheBytes([["0.2.11", line("0.2.11", { features: { crates: [] } })]]),
    }, { CARGO_HOME: "/home/u/.cargo" });
    const provider = indexCacheProvider(host);
    expect(provider.lookup("native-tls", "0.2.11", CRATES_IO)?.features).toEqual({ crates: [] });
    expect(provider.lookup("native-tls", "0.2.11", "sparse+https://mirror.example/")?.features).toEqual({ mirror: [] });
    // A replaced crates-io stores its files under the replacement's directory.
    const onlyMirror = indexCacheProvider(bytesHost({
      [`${otherDir}/.cache/na/ti/native-tls`]: cacheBytes([["0.2.11", line("0.2.11")]]),
    }, { CARGO_HOME: "/home/u/.cargo" }));
    expect(onlyMirror.lookup("native-tls", "0.2.11", CRATES_IO)?.origin).toBe(`${otherDir}/.cache/na/ti/native-tls`);
  });

  it("answers undefined for unreadable or foreign-version caches", () => {
    const host = bytesHost({
      [`${sparseDir}/.cache/na/ti/native-tls`]: cacheBytes([["0.2.11", line("0.2.11")]], { cacheVersion: 1 }),
      [`${sparseDir}/.cache/op/en/openssl`]: Uint8Array.from([3, 2, 0, 0, 0, 0xff, 0]),
    }, { HOME: "/home/u" });
    const provider = indexCacheProvider(host);
    expect(provider.lookup("native-tls", "0.2.11", CRATES_IO)).toBeUndefined();
    expect(provider.lookup("openssl", "0.10.45", CRATES_IO)).toBeUndefined();
    expect(indexCacheProvider(memoryHost({}, "/", {})).lookup("openssl", "0.10.45", CRATES_IO)).toBeUndefined();
  });
});
