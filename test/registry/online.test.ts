// Unit tests of --online planning (no network): registry selection, what to fetch, index files → metadata, proxies.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { indexCacheProvider, indexFilePath } from "../../src/registry/index-cache.js";
import {
  bypassesProxy,
  CRATES_IO_SPARSE_INDEX,
  indexCacheFile,
  indexLocationFor,
  metadataFromIndexFile,
  onlineProblems,
  planOnlineFetch,
  proxySettings,
  readRegistryConfig,
  registryIndexEnvVar,
  type CrateOutcome,
} from "../../src/registry/online.js";
import { discoverCargoConfig } from "../../src/registry/vendor.js";
import { memoryHost } from "../helpers/memory-host.js";
import { onlineIndexDir } from "../helpers/sparse-registry.js";
import { comparable, fixtureDir, fixtureHost, locked, SAMPLE } from "./fixture-host.js";

const CRATES_IO_GIT = "registry+https://github.com/rust-lang/crates.io-index";
const CRATES_IO_SPARSE = "sparse+https://index.crates.io/";

/** The registry configuration of a workspace at /ws whose .cargo/config.toml holds `config`. */
function configOf(config: string, env: Record<string, string> = {}) {
  const host = memoryHost({ "/ws/.cargo/config.toml": config });
  return readRegistryConfig(discoverCargoConfig(host, "/ws"), (name) => env[name]);
}

describe("indexLocationFor: where a lock source's index is fetched", () => {
  it("crates.io, under either lock source, is fetched from index.crates.io", () => {
    const config = configOf("");
    expect(indexLocationFor(CRATES_IO_GIT, config)).toEqual({ kind: "sparse", url: CRATES_IO_SPARSE_INDEX });
    expect(indexLocationFor(CRATES_IO_SPARSE, config)).toEqual({ kind: "sparse", url: CRATES_IO_SPARSE_INDEX });
  });

  it("a sparse registry is fetched from its own URL, with a trailing slash", () => {
    expect(indexLocationFor("sparse+https://reg.example/index", configOf(""))).toEqual({ kind: "sparse", url: "https://reg.example/index/" });
  });

  it("a git registry cannot be fetched sparsely", () => {
    const location = indexLocationFor("registry+https://git.example/index.git", configOf(""));
    expect(location).toMatchObject({ kind: "unsupported", reason: expect.stringContaining("git repository") });
  });

  it("follows [source] replacement to a sparse mirror", () => {
    const config = configOf(`[source.crates-io]\nreplace-with = "a"\n[source.a]\nreplace-with = "b"\n[source.b]\nregistry = "sparse+http://127.0.0.1:9/m/"\n`);
    expect(indexLocationFor(CRATES_IO_GIT, config)).toEqual({ kind: "sparse", url: "http://127.0.0.1:9/m/" });
  });

  it("replace-with may name a [registries] entry (RFC 3289), and CARGO_REGISTRIES_<NAME>_INDEX wins over the file", () => {
    const file = `[source.crates-io]\nreplace-with = "my-mirror"\n[registries.my-mirror]\nindex = "sparse+https://from-file.example/"\n`;
    expect(indexLocationFor(CRATES_IO_GIT, configOf(file))).toEqual({ kind: "sparse", url: "https://from-file.example/" });
    expect(registryIndexEnvVar("my-mirror")).toBe("CARGO_REGISTRIES_MY_MIRROR_INDEX");
    const env = { CARGO_REGISTRIES_MY_MIRROR_INDEX: "sparse+https://from-env.example/" };
    expect(indexLocationFor(CRATES_IO_GIT, configOf(file, env))).toEqual({ kind: "sparse", url: "https://from-env.example/" });
    // The variable alone defines the registry.
    expect(indexLocationFor(CRATES_IO_GIT, configOf(`[source.crates-io]\nreplace-with = "my-mirror"\n`, env))).toEqual({ kind: "sparse", url: "https://from-env.example/" });
  });

  it("replacement of an alternative registry, matched by its URL", () => {
    const config = configOf(`[source.corp]\nregistry = "https://git.corp/index"\nreplace-with = "corp-sparse"\n[source.corp-sparse]\nregistry = "sparse+https://sparse.corp/"\n`);
    expect(indexLocationFor("registry+https://git.corp/index", config)).toEqual({ kind: "sparse", url: "https://sparse.corp/" });
  });

  it("a vendored (directory) replacement fetches from the original registry, whose index describes the same crates", () => {
    const config = configOf(`[source.crates-io]\nreplace-with = "vendored"\n[source.vendored]\ndirectory = "vendor"\n`);
    expect(indexLocationFor(CRATES_IO_GIT, config)).toEqual({ kind: "sparse", url: CRATES_IO_SPARSE_INDEX });
  });

  it("a git mirror of crates.io is not fetched", () => {
    const config = configOf(`[source.crates-io]\nreplace-with = "m"\n[source.m]\nregistry = "https://mirror.example/crates.io-index"\n`);
    expect(indexLocationFor(CRATES_IO_GIT, config)).toMatchObject({ kind: "unsupported" });
  });

  it("an invalid URL is a problem naming the file and the key", () => {
    const config = configOf(`[source.crates-io]\nreplace-with = "m"\n[source.m]\nregistry = "sparse+not a url"\n`);
    expect(indexLocationFor(CRATES_IO_GIT, config)).toEqual({
      kind: "invalid",
      problem: expect.objectContaining({ severity: "warning", code: "online-registry-invalid", file: "/ws/.cargo/config.toml", message: '`source.m.registry`: "sparse+not a url" is not a valid URL' }),
    });
    const ftp = configOf(`[registries.r]\nindex = "sparse+ftp://x/"\n[source.crates-io]\nreplace-with = "r"\n`);
    expect(indexLocationFor(CRATES_IO_GIT, ftp)).toMatchObject({ kind: "invalid", problem: { message: expect.stringContaining("not an http(s) URL") } });
  });

  it("replace-with naming nothing is a problem; a cycle is not fetched", () => {
    expect(indexLocationFor(CRATES_IO_GIT, configOf(`[source.crates-io]\nreplace-with = "nowhere"\n`))).toMatchObject({
      kind: "invalid",
      problem: { file: "/ws/.cargo/config.toml", message: expect.stringContaining("names `nowhere`") },
    });
    const cycle = configOf(`[source.crates-io]\nreplace-with = "a"\n[source.a]\nregistry = "https://a.example/"\nreplace-with = "crates-io"\n`);
    expect(indexLocationFor(CRATES_IO_GIT, cycle)).toMatchObject({ kind: "unsupported", reason: expect.stringContaining("cycle") });
  });
});

describe("planOnlineFetch", () => {
  it("fetches each index file once for all its versions, and never a name that is not a crate name", () => {
    const plan = planOnlineFetch(
      [
        { name: "syn", version: "1.0.109", source: CRATES_IO_GIT },
        { name: "syn", version: "2.0.15", source: CRATES_IO_GIT },
        { name: "syn", version: "2.0.15", source: CRATES_IO_GIT },
        { name: "../../etc/passwd", version: "1.0.0", source: CRATES_IO_GIT },
        { name: "private", version: "0.1.0", source: "registry+https://git.corp/index" },
      ],
      configOf(""),
    );
    expect(plan.requests).toEqual([
      {
        registry: CRATES_IO_SPARSE_INDEX,
        path: "3/s/syn",
        url: "https://index.crates.io/3/s/syn",
        crates: [
          { name: "syn", version: "1.0.109", source: CRATES_IO_GIT },
          { name: "syn", version: "2.0.15", source: CRATES_IO_GIT },
        ],
      },
    ]);
    expect(plan.skipped.map((s) => [s.crate.name, s.reason])).toEqual([
      ["../../etc/passwd", "not a valid crate name"],
      ["private", expect.stringContaining("git repository")],
    ]);
  });

  it("reports an invalid configuration once, however many crates it concerns", () => {
    const config = configOf(`[source.crates-io]\nreplace-with = "m"\n[source.m]\nregistry = "sparse+::"\n`);
    const plan = planOnlineFetch(["a1", "b2", "c3"].map((name) => ({ name, version: "1.0.0", source: CRATES_IO_GIT })), config);
    expect(plan.requests).toEqual([]);
    expect(plan.problems).toHaveLength(1);
    expect(plan.skipped.every((s) => s.invalid)).toBe(true);
  });
});

describe("metadataFromIndexFile", () => {
  const cargoHome = fixtureHost(join(fixtureDir, "cargo-home"));
  const indexCache = indexCacheProvider(cargoHome);

  it.each(SAMPLE)("%s: the served index line reads exactly as cargo's own index cache of it", (name) => {
    const pkg = locked(fixtureDir, name);
    const body = readFileSync(join(onlineIndexDir, indexFilePath(name)), "utf8");
    const answer = metadataFromIndexFile(body, pkg, "https://example/");
    expect("meta" in answer && answer.meta.provider).toBe("online");
    const fromCargo = indexCache.lookup(pkg.name, pkg.version, pkg.source);
    expect(fromCargo).toBeDefined();
    expect(comparable("meta" in answer ? answer.meta : undefined)).toEqual(comparable(fromCargo));
  });

  const line = (vers: string, extra: Record<string, unknown> = {}) => JSON.stringify({ name: "demo", vers, deps: [], features: {}, ...extra });

  it("picks the exact locked version, build metadata included", () => {
    const body = [line("1.0.0", { features: { a: [] } }), line("1.0.0+build.5", { features: { b: [] } }), line("1.0.1")].join("\n");
    const pick = (version: string) => {
      const answer = metadataFromIndexFile(body, { name: "demo", version }, "u");
      return "meta" in answer ? Object.keys(answer.meta.features) : answer.reason;
    };
    expect(pick("1.0.0")).toEqual(["a"]);
    expect(pick("1.0.0+build.5")).toEqual(["b"]);
    expect(pick("1.0.2")).toBe("version not in the index");
  });

  it("merges features2, skips lines of a newer schema, and skips malformed lines", () => {
    const body = [
      '{"name":"demo","vers":"2.0.0","deps":[', // cut short
      line("2.0.0", { v: 3 }),
      line("2.0.0", { features: { a: ["b"] }, features2: { b: ["dep:x"] }, v: 2 }),
      "",
    ].join("\n");
    const answer = metadataFromIndexFile(body, { name: "demo", version: "2.0.0" }, "u");
    expect("meta" in answer && answer.meta.features).toEqual({ a: ["b"], b: ["dep:x"] });
    expect(metadataFromIndexFile('{"name":"demo","vers":"3.0.0",\n', { name: "demo", version: "3.0.0" }, "u")).toEqual({ reason: "malformed index entry" });
  });
});

describe("onlineProblems", () => {
  it("one warning per registry, with how many crates failed and why", () => {
    const crate = (name: string) => ({ name, version: "1.0.0", source: CRATES_IO_GIT });
    const failed = (name: string, reason: string): CrateOutcome => ({ crate: crate(name), registry: "https://r.example/", status: "failed", reason });
    const found: CrateOutcome = { crate: crate("ok"), registry: "https://r.example/", status: "found", from: "network", meta: { name: "ok", version: "1.0.0", features: {}, dependencies: [], provider: "online", origin: "u" } };
    const problems = onlineProblems(
      [found, failed("a1", "timeout after 10 s"), failed("b1", "HTTP 404"), failed("c1", "timeout after 10 s")],
      [{ crate: { name: "p", version: "1.0.0", source: "registry+https://git.corp/index" }, reason: "its index is a git repository" }],
      "/ws/Cargo.lock",
    );
    expect(problems).toEqual([
      expect.objectContaining({ severity: "warning", code: "online-index-partial", file: "/ws/Cargo.lock", message: "3 of 4 crates could not be fetched from https://r.example/: timeout after 10 s (2), HTTP 404 (1)" }),
      expect.objectContaining({ severity: "warning", code: "online-registry-unsupported", message: "1 crate from registry+https://git.corp/index not fetched: its index is a git repository (1)" }),
    ]);
    expect(onlineProblems([found], [], undefined)).toEqual([]);
  });
});

describe("proxySettings", () => {
  const configs = (text: string) => discoverCargoConfig(memoryHost({ "/ws/.cargo/config.toml": text }), "/ws");

  it("CARGO_HTTP_PROXY, then [http] proxy, then curl's variables, NO_PROXY for all", () => {
    const env = { CARGO_HTTP_PROXY: "proxy.corp:3128", HTTPS_PROXY: "http://other:1", NO_PROXY: "internal" };
    expect(proxySettings(configs(`[http]\nproxy = "cfg:8080"\n`), (n) => env[n as keyof typeof env]).proxy).toMatchObject({ http: "http://proxy.corp:3128", https: "http://proxy.corp:3128", noProxy: "internal" });
    expect(proxySettings(configs(`[http]\nproxy = "cfg:8080"\n`), () => undefined).proxy).toMatchObject({ http: "http://cfg:8080", https: "http://cfg:8080", from: "/ws/.cargo/config.toml" });
    const curl = { http_proxy: "http://h:1", HTTPS_PROXY: "http://s:2" };
    expect(proxySettings([], (n) => curl[n as keyof typeof curl]).proxy).toMatchObject({ http: "http://h:1", https: "http://s:2" });
    // Like curl: HTTP_PROXY is not used for https URLs; ALL_PROXY is.
    expect(proxySettings([], (n) => ({ HTTP_PROXY: "http://h:1" })[n]).proxy.https).toBeUndefined();
    expect(proxySettings([], (n) => ({ ALL_PROXY: "http://a:1" })[n]).proxy).toMatchObject({ http: "http://a:1", https: "http://a:1" });
  });

  it("an invalid proxy is a problem naming where it came from", () => {
    const { problems } = proxySettings(configs(`[http]\nproxy = "socks5://x:1"\n`), () => undefined);
    expect(problems).toEqual([expect.objectContaining({ code: "online-proxy-invalid", file: "/ws/.cargo/config.toml", message: expect.stringContaining("`http.proxy`") })]);
    expect(proxySettings([], (n) => ({ HTTPS_PROXY: "http://[::" })[n]).problems[0]).toMatchObject({ code: "online-proxy-invalid", message: expect.stringContaining("HTTPS_PROXY") });
  });
});

describe("bypassesProxy (NO_PROXY as curl reads it)", () => {
  it.each([
    ["https://index.crates.io/3/s/syn", "crates.io", true],
    ["https://index.crates.io/3/s/syn", ".crates.io", true],
    ["https://index.crates.io/3/s/syn", "*.crates.io", true],
    ["https://notcrates.io/x", "crates.io", false],
    ["http://127.0.0.1:8080/x", "127.0.0.1", true],
    ["http://127.0.0.1:8080/x", "127.0.0.1:9090", false],
    ["http://127.0.0.1:8080/x", "localhost, 127.0.0.1:8080", true],
    ["https://a.example/x", "*", true],
    ["https://a.example/x", "", false],
    ["http://[::1]:8080/x", "::1", true],
  ])("%s with NO_PROXY=%j → %s", (url, noProxy, expected) => {
    expect(bypassesProxy(url, noProxy)).toBe(expected);
  });
});

describe("indexCacheFile", () => {
  it("one directory per registry, named after its host, and nothing outside the cache", () => {
    const a = indexCacheFile("/cache/index", "https://index.crates.io/", "se/rd/serde");
    expect(a).toMatch(/^\/cache\/index\/index\.crates\.io-[0-9a-f]{16}\/se\/rd\/serde\.json$/);
    expect(indexCacheFile("/cache/index", "http://127.0.0.1:8080/", "3/s/syn")).toMatch(/^\/cache\/index\/127\.0\.0\.1_8080-[0-9a-f]{16}\/3\/s\/syn\.json$/);
    expect(indexCacheFile("/cache/index", "https://index.crates.io/other/", "se/rd/serde")).not.toBe(a);
    expect(indexCacheFile("/cache/index", "https://index.crates.io/", "../../x")).toBeUndefined();
  });
});
