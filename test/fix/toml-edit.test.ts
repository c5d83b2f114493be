// Golden tests for Cargo.toml edits: every dependency form, in → out byte for byte, then idempotence.
import { describe, expect, it } from "vitest";
import { getStaticTOMLValue, parseTOML } from "toml-eslint-parser";
import { applyTextEdits, planTextEdits } from "../../src/fix/toml-edit.js";
import type { DependencyChange } from "../../src/fix/model.js";

const toRustls: Omit<DependencyChange, "manifest" | "keyPath"> = {
  disableDefaultFeatures: true,
  removeFeatures: ["native-tls", "default-tls"],
  addFeatures: ["rustls-tls", "charset", "http2"],
};

function fix(input: string, keyPath: string[], change = toRustls): string {
  const full: DependencyChange = { manifest: "/ws/Cargo.toml", keyPath, ...change };
  const output = applyTextEdits(input, planTextEdits(input, full));
  // Every output re-parses, and a second pass changes nothing.
  parseTOML(output.replace(/^\uFEFF/, " "));
  expect(applyTextEdits(output, planTextEdits(output, full))).toBe(output);
  return output;
}

const deps = ["dependencies", "reqwest"];

describe("planTextEdits: dependency forms", () => {
  it("turns a bare version string into an inline table in place", () => {
    expect(fix(`[dependencies]\nreqwest = "0.11" # http client\nserde = "1"\n`, deps)).toBe(
      `[dependencies]\nreqwest = { version = "0.11", default-features = false, features = ["rustls-tls", "charset", "http2"] } # http client\nserde = "1"\n`,
    );
  });

  it("edits an inline table: removes native features, adds rustls, sets default-features", () => {
    expect(fix(`[dependencies]\nreqwest = { version = "0.11", features = ["json", "native-tls"] }\n`, deps)).toBe(
      `[dependencies]\nreqwest = { version = "0.11", default-features = false, features = ["json", "rustls-tls", "charset", "http2"] }\n`,
    );
  });

  it("keeps the default_features spelling and flips its value", () => {
    expect(fix(`[dependencies]\nreqwest = { version = "0.11", default_features = true, features = ["json"] }\n`, deps)).toBe(
      `[dependencies]\nreqwest = { version = "0.11", default_features = false, features = ["json", "rustls-tls", "charset", "http2"] }\n`,
    );
  });

  it("edits a [dependencies.dep] table, adding keys after its last line", () => {
    const input = `[dependencies.reqwest]\nversion = "0.11"\nfeatures = ["json"]\n\n[dependencies.serde]\nversion = "1"\n`;
    expect(fix(input, deps)).toBe(
      `[dependencies.reqwest]\nversion = "0.11"\ndefault-features = false\nfeatures = ["json", "rustls-tls", "charset", "http2"]\n\n[dependencies.serde]\nversion = "1"\n`,
    );
  });

  it("edits dotted keys, adding dotted keys after the last one", () => {
    const input = `[dependencies]\nreqwest.version = "0.11"\nreqwest.features = ["native-tls"]\nserde = "1"\n`;
    expect(fix(input, deps)).toBe(`[dependencies]\nreqwest.version = "0.11"\nreqwest.default-features = false\nreqwest.features = ["rustls-tls", "charset", "http2"]\nserde = "1"\n`);
  });

  it("edits target tables and renamed entries by key", () => {
    const input = `[target.'cfg(unix)'.dependencies]\nhttp = { package = "reqwest", version = "0.12" }\n`;
    expect(fix(input, ["target", "cfg(unix)", "dependencies", "http"])).toBe(
      `[target.'cfg(unix)'.dependencies]\nhttp = { package = "reqwest", version = "0.12", default-features = false, features = ["rustls-tls", "charset", "http2"] }\n`,
    );
  });

  it("edits [workspace.dependencies] entries", () => {
    const input = `[workspace]\nmembers = ["a"]\n\n[workspace.dependencies]\nreqwest = { version = "0.11", features = ["json"] }\n`;
    expect(fix(input, ["workspace", "dependencies", "reqwest"])).toContain(`reqwest = { version = "0.11", default-features = false, features = ["json", "rustls-tls", "charset", "http2"] }`);
  });
});

describe("planTextEdits: layout and style", () => {
  it("keeps a multi-line array's layout and trailing comma", () => {
    const input = `[dependencies]\nreqwest = { version = "0.11", features = [\n    "json",\n    "native-tls",\n    "cookies",\n] }\n`;
    expect(fix(input, deps)).toBe(`[dependencies]\nreqwest = { version = "0.11", default-features = false, features = [\n    "json",\n    "cookies",\n    "rustls-tls",\n    "charset",\n    "http2",\n] }\n`);
  });

  it("adds a trailing comma where a multi-line array had none", () => {
    const input = `[dependencies.reqwest]\nversion = "0.11"\nfeatures = [\n  "json"\n]\n`;
    expect(fix(input, deps, { removeFeatures: [], addFeatures: ["rustls-tls"] })).toBe(`[dependencies.reqwest]\nversion = "0.11"\nfeatures = [\n  "json",\n  "rustls-tls",\n]\n`);
  });

  it("copies single quotes", () => {
    expect(fix(`[dependencies]\nreqwest = { version = '0.11', features = ['json'] }\n`, deps, { removeFeatures: [], addFeatures: ["rustls-tls"] })).toBe(
      `[dependencies]\nreqwest = { version = '0.11', features = ['json', 'rustls-tls'] }\n`,
    );
  });

  it("keeps CRLF line endings, a BOM, tabs and comments", () => {
    const input = `\uFEFF# top\r\n[dependencies.reqwest]\r\n\tversion = "0.11" # pinned\r\n\tfeatures = [\r\n\t\t"native-tls", # remove me\r\n\t\t"json",\r\n\t]\r\n`;
    const out = fix(input, deps);
    expect(out).toBe(`\uFEFF# top\r\n[dependencies.reqwest]\r\n\tversion = "0.11" # pinned\r\n\tdefault-features = false\r\n\tfeatures = [\r\n\t\t"json",\r\n\t\t"rustls-tls",\r\n\t\t"charset",\r\n\t\t"http2",\r\n\t]\r\n`);
    expect(out.replace(/\r\n/g, "")).not.toContain("\n");
  });

  it("changes only the intended keys", () => {
    const input = `[package]\nname = "a"\n\n[dependencies]\nreqwest = { version = "0.11", features = ["json", "native-tls"] }\nserde = { version = "1", features = ["derive"] }\n`;
    const before = getStaticTOMLValue(parseTOML(input)) as Record<string, Record<string, Record<string, unknown>>>;
    const after = getStaticTOMLValue(parseTOML(fix(input, deps))) as typeof before;
    expect(after.package).toEqual(before.package);
    expect(after.dependencies!.serde).toEqual(before.dependencies!.serde);
    expect(after.dependencies!.reqwest).toEqual({ version: "0.11", "default-features": false, features: ["json", "rustls-tls", "charset", "http2"] });
  });
});

describe("planTextEdits: a list the change empties is removed, never left as features = []", () => {
  const dropNative: Omit<DependencyChange, "manifest" | "keyPath"> = { removeFeatures: ["native-tls"], addFeatures: [] };
  const dropNativeAndDefaults: Omit<DependencyChange, "manifest" | "keyPath"> = { disableDefaultFeatures: true, removeFeatures: ["native-tls"], addFeatures: [] };

  it("inline table, features last", () => {
    expect(fix(`[dependencies]\nreqwest = { version = "0.13", features = ["native-tls"] }\n`, deps, dropNative)).toBe(`[dependencies]\nreqwest = { version = "0.13" }\n`);
  });

  it("inline table, features first, with a trailing comma", () => {
    expect(fix(`[dependencies]\nreqwest = { features = ["native-tls"], version = "0.13", }\n`, deps, dropNative)).toBe(`[dependencies]\nreqwest = { version = "0.13", }\n`);
  });

  it("inline table: turning the defaults off takes the emptied list's place", () => {
    expect(fix(`[dependencies]\nreqwest = { version = "0.13", features = ["native-tls"] }\n`, deps, dropNativeAndDefaults)).toBe(`[dependencies]\nreqwest = { version = "0.13", default-features = false }\n`);
  });

  it("table form: the whole features line goes, a multi-line list included", () => {
    expect(fix(`[dependencies.reqwest]\nversion = "0.13"\nfeatures = [\n    "native-tls",\n]\n\n[dependencies.serde]\nversion = "1"\n`, deps, dropNative)).toBe(`[dependencies.reqwest]\nversion = "0.13"\n\n[dependencies.serde]\nversion = "1"\n`);
  });

  it("dotted keys", () => {
    expect(fix(`[dependencies]\nreqwest.version = "0.13"\nreqwest.features = ["native-tls"]\nserde = "1"\n`, deps, dropNative)).toBe(`[dependencies]\nreqwest.version = "0.13"\nserde = "1"\n`);
  });
});
