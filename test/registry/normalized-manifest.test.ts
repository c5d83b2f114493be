// Unit tests: a published crate's normalised Cargo.toml → CrateMetadata.
import { describe, expect, it } from "vitest";
import { ManifestMetadataError, metadataFromManifest } from "../../src/registry/normalized-manifest.js";

const read = (text: string) => metadataFromManifest(text, "vendor", "/v/x/Cargo.toml");
const dep = (text: string, name: string) => read(text).dependencies.find((d) => d.name === name);

describe("metadataFromManifest", () => {
  it("reads name, version, features, provider and origin", () => {
    const meta = read(`[package]\nname = "native-tls"\nversion = "0.2.11"\n\n[features]\nalpn = []\nvendored = ["openssl/vendored"]\n`);
    expect(meta).toEqual({
      name: "native-tls",
      version: "0.2.11",
      features: { alpn: [], vendored: ["openssl/vendored"] },
      dependencies: [],
      provider: "vendor",
      origin: "/v/x/Cargo.toml",
    });
  });

  it("reads string and table dependencies with cargo's defaults", () => {
    const text = `[package]\nname = "a"\nversion = "1.0.0"\n[dependencies]\nbytes = "1"\n[dependencies.hyper]\nversion = "0.14.2"\nfeatures = ["tcp", "client"]\ndefault-features = false\noptional = true\n`;
    expect(dep(text, "bytes")).toEqual({
      package: "bytes",
      name: "bytes",
      req: "1",
      kind: "normal",
      target: null,
      optional: false,
      defaultFeatures: true,
      features: [],
    });
    expect(dep(text, "hyper")).toMatchObject({ req: "0.14.2", features: ["tcp", "client"], defaultFeatures: false, optional: true });
  });

  it("maps `package =` renames: name is the key, package the real crate", () => {
    const text = `[package]\nname = "openssl"\nversion = "0.10.45"\n[dependencies.ffi]\nversion = "0.9.80"\npackage = "openssl-sys"\n`;
    expect(dep(text, "ffi")).toMatchObject({ name: "ffi", package: "openssl-sys", req: "0.9.80" });
  });

  it("reads dev and build dependencies in both spellings; the kebab-case table wins, as in cargo", () => {
    const text = [
      `[package]\nname = "a"\nversion = "1.0.0"`,
      `[dev_dependencies]\nsnake-dev = "1"`,
      `[build_dependencies]\ncc = "1"`,
      `[dev-dependencies]\nkebab-dev = "1"`,
    ].join("\n");
    const meta = read(text);
    expect(meta.dependencies.map((d) => `${d.kind}:${d.name}`).sort()).toEqual(["build:cc", "dev:kebab-dev"]);
  });

  it("reads default_features when default-features is absent, and prefers default-features", () => {
    const text = `[package]\nname = "a"\nversion = "1.0.0"\n[dependencies]\nx = { version = "1", default_features = false }\ny = { version = "1", default-features = true, default_features = false }\n`;
    expect(dep(text, "x")?.defaultFeatures).toBe(false);
    expect(dep(text, "y")?.defaultFeatures).toBe(true);
  });

  it("reads [target.X.*] tables with their cfg or triple", () => {
    const text = [
      `[package]\nname = "native-tls"\nversion = "0.2.11"`,
      `[target."cfg(not(any(target_os = \\"windows\\", target_os = \\"macos\\", target_os = \\"ios\\")))".dependencies.openssl]\nversion = "0.10.29"`,
      `[target.'cfg(target_env = "msvc")'.build-dependencies]\nvcpkg = "0.2.8"`,
      `[target.x86_64-pc-windows-msvc.dev_dependencies]\nwinapi = "0.3"`,
    ].join("\n");
    const meta = read(text);
    expect(dep(text, "openssl")).toMatchObject({
      kind: "normal",
      target: 'cfg(not(any(target_os = "windows", target_os = "macos", target_os = "ios")))',
    });
    expect(meta.dependencies.find((d) => d.name === "vcpkg")).toMatchObject({ kind: "build", target: 'cfg(target_env = "msvc")' });
    expect(meta.dependencies.find((d) => d.name === "winapi")).toMatchObject({ kind: "dev", target: "x86_64-pc-windows-msvc" });
  });

  it("gives `*` to a dependency without a version", () => {
    expect(dep(`[package]\nname = "a"\nversion = "1.0.0"\n[dependencies]\nlocal = { path = "../local" }\n`, "local")?.req).toBe("*");
  });

  it("throws ManifestMetadataError for bad TOML or a missing [package]", () => {
    expect(() => read("[package\n")).toThrow(ManifestMetadataError);
    expect(() => read(`[workspace]\nmembers = []\n`)).toThrow(/no \[package\] name and version/);
    expect(() => read(`[package]\nname = "a"\nversion = { workspace = true }\n`)).toThrow(ManifestMetadataError);
  });
});
