// Unit tests: manifests of crates cargo unpacked under $CARGO_HOME/registry/src.
import { describe, expect, it } from "vitest";
import { registrySrcProvider } from "../../src/registry/registry-src.js";
import { CRATES_IO, memoryHost } from "../helpers/memory-host.js";

const src = "/home/u/.cargo/registry/src";
const manifest = (name: string, version: string, extra = "") => `[package]\nname = "${name}"\nversion = "${version}"\n${extra}`;

describe("registrySrcProvider", () => {
  it("reads <registry>/<name>-<version>/Cargo.toml under $HOME/.cargo by default", () => {
    const host = memoryHost(
      {
        [`${src}/index.crates.io-1949cf8c6b5b557f/hyper-tls-0.5.0/Cargo.toml`]: manifest("hyper-tls", "0.5.0", `[dependencies.native-tls]\nversion = "0.2.1"\n`),
      },
      "/",
      { HOME: "/home/u" },
    );
    const meta = registrySrcProvider(host).lookup("hyper-tls", "0.5.0", CRATES_IO);
    expect(meta).toMatchObject({ name: "hyper-tls", provider: "registry-src", origin: `${src}/index.crates.io-1949cf8c6b5b557f/hyper-tls-0.5.0/Cargo.toml` });
    expect(meta?.dependencies).toEqual([
      { package: "native-tls", name: "native-tls", req: "0.2.1", kind: "normal", target: null, optional: false, defaultFeatures: true, features: [] },
    ]);
  });

  it("honours CARGO_HOME and the cargoHome option", () => {
    const files = { "/opt/ch/registry/src/github.com-1ecc6299db9ec823/log-0.4.17/Cargo.toml": manifest("log", "0.4.17") };
    expect(registrySrcProvider(memoryHost(files, "/", { CARGO_HOME: "/opt/ch" })).lookup("log", "0.4.17", CRATES_IO)).toBeDefined();
    expect(registrySrcProvider(memoryHost(files, "/", {}), { cargoHome: "/opt/ch" }).lookup("log", "0.4.17", CRATES_IO)).toBeDefined();
    expect(registrySrcProvider(memoryHost(files, "/", {})).lookup("log", "0.4.17", CRATES_IO)).toBeUndefined();
  });

  it("prefers the source's own registry directory", () => {
    const host = memoryHost(
      {
        [`${src}/aaa.example-0000000000000000/log-0.4.17/Cargo.toml`]: manifest("log", "0.4.17", `[features]\nfrom-mirror = []\n`),
        [`${src}/index.crates.io-1949cf8c6b5b557f/log-0.4.17/Cargo.toml`]: manifest("log", "0.4.17", `[features]\nfrom-crates-io = []\n`),
      },
      "/",
      { HOME: "/home/u" },
    );
    expect(registrySrcProvider(host).lookup("log", "0.4.17", CRATES_IO)?.features).toEqual({ "from-crates-io": [] });
  });

  it("ignores path and git packages, mismatching manifests and broken TOML", () => {
    const host = memoryHost(
      {
        [`${src}/index.crates.io-1949cf8c6b5b557f/log-0.4.17/Cargo.toml`]: manifest("log", "0.4.18"),
        [`${src}/index.crates.io-1949cf8c6b5b557f/cc-1.0.73/Cargo.toml`]: `[package\n`,
      },
      "/",
      { HOME: "/home/u" },
    );
    const provider = registrySrcProvider(host);
    expect(provider.lookup("log", "0.4.17", CRATES_IO)).toBeUndefined();
    expect(provider.lookup("cc", "1.0.73", CRATES_IO)).toBeUndefined();
    expect(provider.lookup("log", "0.4.18", null)).toBeUndefined();
    expect(provider.lookup("log", "0.4.18", "git+https://github.com/rust-lang/log#abc")).toBeUndefined();
  });
});
