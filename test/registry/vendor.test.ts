// Unit tests: cargo config discovery, source replacement and directory sources, on an in-memory Host.
import { describe, expect, it } from "vitest";
import { discoverCargoConfig, readSourceReplacement, vendorProvider } from "../../src/registry/vendor.js";
import { CRATES_IO, memoryHost } from "../helpers/memory-host.js";

const manifest = (name: string, version: string, extra = "") => `[package]\nname = "${name}"\nversion = "${version}"\n${extra}`;
const vendoredConfig = (directory: string) =>
  `[source.crates-io]\nreplace-with = "vendored-sources"\n\n[source.vendored-sources]\ndirectory = "${directory}"\n`;

describe("discoverCargoConfig", () => {
  it("walks from the workspace root upward, then $CARGO_HOME, highest precedence first", () => {
    const host = memoryHost(
      {
        "/home/u/proj/ws/.cargo/config.toml": `a = 1\n`,
        "/home/u/proj/.cargo/config": `b = 2\n`,
        "/.cargo/config.toml": `c = 3\n`,
        "/opt/cargo/config.toml": `d = 4\n`,
      },
      "/",
      { CARGO_HOME: "/opt/cargo", HOME: "/home/u" },
    );
    const files = discoverCargoConfig(host, "/home/u/proj/ws");
    expect(files.map((f) => [f.path, f.base])).toEqual([
      ["/home/u/proj/ws/.cargo/config.toml", "/home/u/proj/ws"],
      ["/home/u/proj/.cargo/config", "/home/u/proj"],
      ["/.cargo/config.toml", "/"],
      ["/opt/cargo/config.toml", "/opt"],
    ]);
    expect(files[0]!.value).toEqual({ a: 1 });
  });

  it("prefers the legacy `config` over `config.toml` in one directory, as cargo does", () => {
    const host = memoryHost({ "/ws/.cargo/config": `legacy = true\n`, "/ws/.cargo/config.toml": `new = true\n` });
    expect(discoverCargoConfig(host, "/ws").map((f) => f.path)).toEqual(["/ws/.cargo/config"]);
  });

  it("defaults CARGO_HOME to $HOME/.cargo and reads it once when the walk passes it", () => {
    const host = memoryHost({ "/home/u/.cargo/config.toml": `x = 1\n` }, "/", { HOME: "/home/u" });
    expect(discoverCargoConfig(host, "/home/u/ws").map((f) => f.path)).toEqual(["/home/u/.cargo/config.toml"]);
    expect(discoverCargoConfig(host, "/srv/ws").map((f) => [f.path, f.base])).toEqual([["/home/u/.cargo/config.toml", "/home/u"]]);
  });

  it("keeps an unparseable file with its error", () => {
    const host = memoryHost({ "/ws/.cargo/config.toml": `[source\n` });
    const [file] = discoverCargoConfig(host, "/ws");
    expect(file?.error).toBeTruthy();
    expect(readSourceReplacement([file!]).notes[0]).toMatchObject({ code: "cargo-config-unreadable", file: "/ws/.cargo/config.toml" });
  });
});

describe("readSourceReplacement", () => {
  it("resolves a relative directory against the parent of .cargo and follows replace-with chains", () => {
    const host = memoryHost({
      "/ws/.cargo/config.toml": `[source.crates-io]\nreplace-with = "mirror"\n[source.mirror]\nreplace-with = "vendored"\n[source.vendored]\ndirectory = "../vendor"\n`,
    });
    const { directories, notes } = readSourceReplacement(discoverCargoConfig(host, "/ws"));
    expect(notes).toEqual([]);
    expect(directories).toEqual([
      {
        name: "vendored",
        directory: "/vendor",
        definedIn: "/ws/.cargo/config.toml",
        replaces: [CRATES_IO, "sparse+https://index.crates.io/"],
      },
    ]);
  });

  it("lets the deepest config win key by key, each path relative to its own file", () => {
    const host = memoryHost(
      {
        "/a/ws/.cargo/config.toml": `[source.vendored-sources]\ndirectory = "vendor"\n`,
        "/a/.cargo/config.toml": vendoredConfig("elsewhere"),
      },
      "/",
      { HOME: "/nohome" },
    );
    const { directories } = readSourceReplacement(discoverCargoConfig(host, "/a/ws"));
    expect(directories.map((d) => d.directory)).toEqual(["/a/ws/vendor"]);
  });

  it("maps registry and git sources to their lock source strings", () => {
    const host = memoryHost({
      "/ws/.cargo/config.toml": [
        `[source.my-registry]\nregistry = "https://example.com/index"\nreplace-with = "v"`,
        `[source.my-sparse]\nregistry = "sparse+https://sparse.example.com/"\nreplace-with = "v"`,
        `[source."git+https://github.com/o/r?branch=main"]\ngit = "https://github.com/o/r"\nbranch = "main"\nreplace-with = "v"`,
        `[source.v]\ndirectory = "/vendor"`,
      ].join("\n"),
    });
    const { directories } = readSourceReplacement(discoverCargoConfig(host, "/ws"));
    expect(directories.flatMap((d) => d.replaces).sort()).toEqual([
      "git+https://github.com/o/r?branch=main",
      "registry+https://example.com/index",
      "sparse+https://sparse.example.com/",
    ]);
  });

  it("notes local-registry sources and replacement cycles instead of failing", () => {
    const host = memoryHost({
      "/ws/.cargo/config.toml": `[source.crates-io]\nreplace-with = "local"\n[source.local]\nlocal-registry = "/srv/registry"\n[source.x]\nregistry = "https://x/index"\nreplace-with = "y"\n[source.y]\nreplace-with = "x"\n`,
    });
    const { directories, notes } = readSourceReplacement(discoverCargoConfig(host, "/ws"));
    expect(directories).toEqual([]);
    expect(notes.map((n) => n.code).sort()).toEqual(["local-registry-ignored", "source-replacement-cycle"]);
  });
});

describe("vendorProvider", () => {
  it("finds `<name>-<version>` (Debian, --versioned-dirs) and `<name>` (cargo vendor) directories", () => {
    const host = memoryHost({
      "/ws/.cargo/config.toml": vendoredConfig("vendor"),
      "/ws/vendor/native-tls-0.2.11/Cargo.toml": manifest("native-tls", "0.2.11", `[features]\nvendored = []\n`),
      "/ws/vendor/openssl/Cargo.toml": manifest("openssl", "0.10.45"),
    });
    const provider = vendorProvider(host, "/ws");
    expect(provider.lookup("native-tls", "0.2.11", CRATES_IO)).toMatchObject({
      name: "native-tls",
      features: { vendored: [] },
      provider: "vendor",
      origin: "/ws/vendor/native-tls-0.2.11/Cargo.toml",
    });
    expect(provider.lookup("openssl", "0.10.45", CRATES_IO)?.origin).toBe("/ws/vendor/openssl/Cargo.toml");
  });

  it("tells duplicate versions apart by the manifest's [package] version", () => {
    const host = memoryHost({
      "/ws/.cargo/config.toml": vendoredConfig("vendor"),
      "/ws/vendor/bitflags/Cargo.toml": manifest("bitflags", "2.4.0"),
      "/ws/vendor/bitflags-1.3.2/Cargo.toml": manifest("bitflags", "1.3.2"),
      "/ws/vendor/odd-dir-name/Cargo.toml": manifest("bitflags", "0.9.1"),
      "/ws/vendor/.hidden/Cargo.toml": manifest("bitflags", "0.1.0"),
    });
    const provider = vendorProvider(host, "/ws");
    expect(provider.lookup("bitflags", "2.4.0", CRATES_IO)?.origin).toBe("/ws/vendor/bitflags/Cargo.toml");
    expect(provider.lookup("bitflags", "1.3.2", CRATES_IO)?.origin).toBe("/ws/vendor/bitflags-1.3.2/Cargo.toml");
    expect(provider.lookup("bitflags", "0.9.1", CRATES_IO)?.origin).toBe("/ws/vendor/odd-dir-name/Cargo.toml");
    expect(provider.lookup("bitflags", "0.1.0", CRATES_IO)).toBeUndefined();
    expect(provider.lookup("bitflags", "3.0.0", CRATES_IO)).toBeUndefined();
  });

  it("answers only for sources that are replaced, and never for path packages", () => {
    const host = memoryHost({
      "/ws/.cargo/config.toml": vendoredConfig("vendor"),
      "/ws/vendor/log/Cargo.toml": manifest("log", "0.4.17"),
    });
    const provider = vendorProvider(host, "/ws");
    expect(provider.lookup("log", "0.4.17", "sparse+https://index.crates.io/")).toBeDefined();
    expect(provider.lookup("log", "0.4.17", "registry+https://example.com/other-index")).toBeUndefined();
    expect(provider.lookup("log", "0.4.17", null)).toBeUndefined();
  });

  it("matches git sources without their #commit", () => {
    const host = memoryHost({
      "/ws/.cargo/config.toml": `[source."git+https://github.com/o/r?rev=abc"]\ngit = "https://github.com/o/r"\nrev = "abc"\nreplace-with = "vendored-sources"\n[source.vendored-sources]\ndirectory = "vendor"\n`,
      "/ws/vendor/r/Cargo.toml": manifest("r", "0.1.0"),
    });
    expect(vendorProvider(host, "/ws").lookup("r", "0.1.0", "git+https://github.com/o/r?rev=abc#abcdef0123")).toBeDefined();
  });

  it("has no directories and no answers without configuration", () => {
    const provider = vendorProvider(memoryHost({ "/ws/Cargo.toml": manifest("ws", "0.1.0") }), "/ws");
    expect(provider.directories).toEqual([]);
    expect(provider.lookup("ws", "0.1.0", CRATES_IO)).toBeUndefined();
  });

  it("skips a vendored manifest that does not parse", () => {
    const host = memoryHost({ "/ws/.cargo/config.toml": vendoredConfig("vendor"), "/ws/vendor/bad/Cargo.toml": `[package\n` });
    expect(vendorProvider(host, "/ws").lookup("bad", "1.0.0", CRATES_IO)).toBeUndefined();
  });
});
