import { describe, expect, it } from "vitest";
import { parseManifest } from "../../src/manifest/parse.js";
import { InputError } from "../../src/problems.js";

const parse = (text: string) => parseManifest(text, "/ws/Cargo.toml");
const dep = (text: string, key: string) => parse(text).manifest.dependencies.find((d) => d.key === key)!;

describe("parseManifest: dependency forms", () => {
  it("reads a bare version string", () => {
    const d = dep(`[package]\nname = "app"\n\n[dependencies]\nreqwest = "0.11"\n`, "reqwest");
    expect(d).toMatchObject({ package: "reqwest", version: "0.11", kind: "normal", target: null, features: [], optional: false, workspace: false });
    expect(d.defaultFeatures).toBeUndefined();
    expect(d.span).toMatchObject({ line: 5, column: 1 });
  });

  it("reads inline tables with features, optional and both default-features spellings", () => {
    const text = `[dependencies]\nreqwest = { version = "0.12", default-features = false, features = ["json", "rustls-tls"], optional = true }\nureq = { version = "2", default_features = false }\n`;
    expect(dep(text, "reqwest")).toMatchObject({ defaultFeatures: false, defaultFeaturesKey: "default-features", features: ["json", "rustls-tls"], optional: true });
    expect(dep(text, "ureq")).toMatchObject({ defaultFeatures: false, defaultFeaturesKey: "default_features" });
  });

  it("reads [dependencies.dep] tables and points at the table header", () => {
    const text = `[package]\nname = "xh"\n\n[dependencies.reqwest]\nversion = "0.12.3"\ndefault-features = false\nfeatures = ["rustls-tls"]\n`;
    expect(dep(text, "reqwest")).toMatchObject({ version: "0.12.3", defaultFeatures: false, span: { line: 4, column: 1 } });
  });

  it("reads dotted keys and points at the first one", () => {
    const text = `[dependencies]\nserde = "1"\nreqwest.version = "0.11"\nreqwest.features = ["json"]\ntokio.workspace = true\n`;
    expect(dep(text, "reqwest")).toMatchObject({ version: "0.11", features: ["json"], span: { line: 3, column: 1 } });
    expect(dep(text, "tokio")).toMatchObject({ workspace: true, span: { line: 5, column: 1 } });
  });

  it("reads renamed dependencies", () => {
    const d = dep(`[dependencies]\nwaku = { version = "0.5", package = "waku-bindings" }\n`, "waku");
    expect(d).toMatchObject({ key: "waku", package: "waku-bindings" });
  });

  it("reads dev, build and target-specific tables of every kind", () => {
    const text = [
      `[dev-dependencies]\nmockito = "1"`,
      `[build-dependencies]\ncc = "1"`,
      `[dev_dependencies]\nold-dev = "1"`,
      `[target.'cfg(windows)'.dependencies]\nschannel = "0.1"`,
      `[target.'cfg(unix)'.build-dependencies]\npkg-config = "0.3"`,
      `[target.x86_64-unknown-linux-gnu.dev-dependencies]\nopenssl = "0.10"`,
      `[target."cfg(target_os = \\"macos\\")".dependencies.security-framework]\nversion = "2"`,
    ].join("\n\n");
    const decls = parse(text).manifest.dependencies.map((d) => [d.key, d.kind, d.target]);
    expect(decls.sort()).toEqual(
      [
        ["mockito", "dev", null],
        ["old-dev", "dev", null],
        ["cc", "build", null],
        ["schannel", "normal", "cfg(windows)"],
        ["pkg-config", "build", "cfg(unix)"],
        ["openssl", "dev", "x86_64-unknown-linux-gnu"],
        ["security-framework", "normal", 'cfg(target_os = "macos")'],
      ].sort(),
    );
  });

  it("reads path, git and registry sources", () => {
    const text = `[dependencies]\nlocal = { path = "../local" }\ngitdep = { git = "https://github.com/a/b", branch = "main" }\npinned = { git = "https://github.com/a/c", rev = "abc123" }\nalt = { version = "1", registry = "corp" }\n`;
    expect(dep(text, "local").path).toBe("../local");
    expect(dep(text, "gitdep")).toMatchObject({ git: "https://github.com/a/b", branch: "main" });
    expect(dep(text, "pinned")).toMatchObject({ rev: "abc123" });
    expect(dep(text, "alt")).toMatchObject({ registry: "corp" });
  });

  it("reads the [features] table with dep:, x/feat and weak x?/feat entries", () => {
    const text = `[features]\ndefault = ["rustls"]\nnative = ["dep:native-tls", "reqwest/native-tls", "sqlx?/runtime-tokio-native-tls"]\n`;
    expect(parse(text).manifest.features).toEqual({ default: ["rustls"], native: ["dep:native-tls", "reqwest/native-tls", "sqlx?/runtime-tokio-native-tls"] });
  });

  it("reads [package] and [workspace], including inherited package fields", () => {
    const text = `[package]\nname = "app"\nversion.workspace = true\nedition = "2021"\n\n[workspace]\nmembers = ["crates/*"]\nexclude = ["crates/old"]\nresolver = "2"\n\n[workspace.package]\nversion = "1.2.3"\n\n[workspace.dependencies]\nreqwest = { version = "0.11", features = ["json"] }\n`;
    const { manifest } = parse(text);
    expect(manifest.package).toMatchObject({ name: "app", version: { inherited: true }, edition: { value: "2021" } });
    expect(manifest.workspace).toMatchObject({ members: ["crates/*"], exclude: ["crates/old"], resolver: "2", package: { version: "1.2.3" } });
    expect(manifest.workspace!.dependencies[0]).toMatchObject({ key: "reqwest", features: ["json"], span: { line: 15, column: 1 } });
  });

  it("keeps CRLF and BOM input usable, with correct positions", () => {
    const d = dep(`\uFEFF[package]\r\nname = "a"\r\n\r\n[dependencies]\r\nopenssl = "0.10"\r\n`, "openssl");
    expect(d.span).toMatchObject({ line: 5, column: 1 });
  });
});

describe("parseManifest: bad input", () => {
  const problemOf = (text: string) => {
    try {
      parse(text);
    } catch (error) {
      if (error instanceof InputError) return error.problem;
      throw error;
    }
    throw new Error("expected an InputError");
  };

  it.each([
    ["an unterminated string", `[dependencies]\nreqwest = "0.11\n`, 2],
    ["a duplicate key", `[dependencies]\nreqwest = "0.11"\nreqwest = "0.12"\n`, 3],
    ["an invalid escape", `[package]\nname = "a\\q"\n`, 2],
    ["a table defined twice", `[dependencies]\na = "1"\n\n[dependencies]\nb = "1"\n`, 4],
  ])("reports %s with file, line and column", (_, text, line) => {
    const problem = problemOf(text);
    expect(problem).toMatchObject({ code: "toml-syntax", file: "/ws/Cargo.toml", severity: "error" });
    expect(problem.position?.line).toBe(line);
    expect(problem.position?.column).toBeGreaterThanOrEqual(1);
  });

  it("names git conflict markers", () => {
    const problem = problemOf(`[dependencies]\n<<<<<<< HEAD\nreqwest = "0.11"\n=======\nreqwest = "0.12"\n>>>>>>> main\n`);
    expect(problem).toMatchObject({ code: "conflict-markers", position: { line: 2, column: 1 } });
  });

  it("skips entries of the wrong type with an error that points at them", () => {
    const { manifest, problems } = parse(`[dependencies]\nok = "1"\nbad = 3\nfeat = { version = "1", features = "json" }\n`);
    expect(manifest.dependencies.map((d) => d.key)).toEqual(["ok", "feat"]);
    expect(problems.map((p) => [p.code, p.severity, p.position?.line])).toEqual([
      ["manifest-invalid-type", "error", 3],
      ["manifest-invalid-type", "error", 4],
    ]);
  });
});
