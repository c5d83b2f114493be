// Values of a type cargo refuses: an error at the key, in cargo's words (`invalid type: …, expected …`), the rest of
// the manifest still read. With cargo on PATH, each case is also given to `cargo metadata`, which must refuse it with
// the same words: the table cannot drift from cargo.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseManifest } from "../../src/manifest/parse.js";

const pkg = `[package]\nname = "app"\nversion = "0.1.0"\nedition = "2021"\n`;

/** [name, Cargo.toml, line, column, message]. */
const cases: [string, string, number, number, string][] = [
  ["members as a string", `[workspace]\nmembers = "crates/*"\n`, 2, 1, '`workspace.members`: invalid type: string "crates/*", expected a sequence'],
  ["a member that is no string", `[workspace]\nmembers = ["a", 1]\n`, 2, 1, "`workspace.members`: invalid type: integer `1`, expected a string"],
  ["exclude as a string", `[workspace]\nmembers = []\nexclude = "target"\n`, 3, 1, '`workspace.exclude`: invalid type: string "target", expected a sequence'],
  ["default-members as a string", `[workspace]\nmembers = []\ndefault-members = "."\n`, 3, 1, '`workspace.default-members`: invalid type: string ".", expected a sequence'],
  ["the resolver as a number", `[workspace]\nmembers = []\nresolver = 2\n`, 3, 1, "`workspace.resolver`: invalid type: integer `2`, expected a string"],
  ["a dependency given as a number", `${pkg}\n[dependencies]\nreqwest = 5\n`, 7, 1, '`dependencies.reqwest`: invalid type: integer `5`, expected a version string like "0.9.8" or a detailed dependency like { version = "0.9.8" }'],
  ["a workspace dependency given as a boolean", `[workspace]\nmembers = []\n\n[workspace.dependencies]\nreqwest = true\n`, 5, 1, '`workspace.dependencies.reqwest`: invalid type: boolean `true`, expected a version string like "0.9.8" or a detailed dependency like { version = "0.9.8" }'],
  ["features as a string", `${pkg}\n[dependencies]\nreqwest = { version = "0.12", features = "json" }\n`, 7, 31, '`dependencies.reqwest.features`: invalid type: string "json", expected a sequence'],
  ["a feature that is no string", `${pkg}\n[dev-dependencies.reqwest]\nversion = "0.12"\nfeatures = ["json", 2]\n`, 8, 1, "`dev-dependencies.reqwest.features`: invalid type: integer `2`, expected a string"],
  ["default-features as a string", `${pkg}\n[dependencies]\nreqwest = { version = "0.12", default-features = "no" }\n`, 7, 31, '`dependencies.reqwest.default-features`: invalid type: string "no", expected a boolean'],
  ["optional as a float", `${pkg}\n[dependencies]\nreqwest = { version = "0.12", optional = 1.5 }\n`, 7, 31, "`dependencies.reqwest.optional`: invalid type: floating point `1.5`, expected a boolean"],
  ["version as a number", `${pkg}\n[build-dependencies]\ncc = { version = 1 }\n`, 7, 8, "`build-dependencies.cc.version`: invalid type: integer `1`, expected a string"],
  ["version as an array", `${pkg}\n[dependencies]\nreqwest = { version = ["0.12"] }\n`, 7, 13, "`dependencies.reqwest.version`: invalid type: sequence, expected a string"],
  ["path as a number", `${pkg}\n[dependencies]\nlocal = { path = 1 }\n`, 7, 11, "`dependencies.local.path`: invalid type: integer `1`, expected a string"],
  ["package as a table", `${pkg}\n[dependencies]\ntls = { version = "0.2", package = { name = "native-tls" } }\n`, 7, 26, "`dependencies.tls.package`: invalid type: map, expected a string"],
  ["git as a number", `${pkg}\n[dependencies]\nreqwest = { git = 1 }\n`, 7, 13, "`dependencies.reqwest.git`: invalid type: integer `1`, expected a string"],
  ["a target dependency's features as a string", `${pkg}\n[target.'cfg(unix)'.dependencies]\nopenssl = { version = "0.10", features = "vendored" }\n`, 7, 31, '`target."cfg(unix)".dependencies.openssl.features`: invalid type: string "vendored", expected a sequence'],
  ["a target that is no table", `${pkg}\n[target]\nx86_64-unknown-linux-gnu = 3\n`, 7, 1, "`target.x86_64-unknown-linux-gnu`: invalid type: integer `3`, expected struct TomlPlatform"],
  ["a dependency table that is no table", `dependencies = 5\n${pkg}`, 1, 1, "`dependencies`: invalid type: integer `5`, expected a map"],
  ["a feature as a string", `${pkg}\n[features]\ndefault = "tls"\n`, 7, 1, '`features.default`: invalid type: string "tls", expected a sequence'],
  ["a package name as a number", `[package]\nname = 5\nversion = "0.1.0"\n`, 2, 1, "`package.name`: invalid type: integer `5`, expected a string"],
  ["a package version as a number", `[package]\nname = "app"\nversion = 1\n`, 3, 1, "`package.version`: invalid type: integer `1`, expected SemVer version"],
  ["an edition as a number", `[package]\nname = "app"\nversion = "0.1.0"\nedition = 2021\n`, 4, 1, "`package.edition`: invalid type: integer `2021`, expected a string or workspace"],
  ["package.workspace as a number", `[package]\nname = "app"\nversion = "0.1.0"\nworkspace = 1\n`, 4, 1, "`package.workspace`: invalid type: integer `1`, expected a string"],
];

describe("manifest values of a type cargo refuses", () => {
  it.each(cases)("%s: an error at its key, in cargo's words", (_name, text, line, column, message) => {
    const { problems } = parseManifest(text, "/ws/Cargo.toml");
    expect(problems).toEqual([{ severity: "error", code: "manifest-invalid-type", message, file: "/ws/Cargo.toml", position: { line, column } }]);
  });

  it("keeps the rest of the manifest: the other dependencies, and the valid parts of the bad one", () => {
    const { manifest, problems } = parseManifest(`${pkg}\n[dependencies]\nok = "1"\nbad = 3\nreqwest = { version = "0.12", features = ["json", 2], optional = "yes" }\n`, "/ws/Cargo.toml");
    expect(problems.map((p) => [p.severity, p.position?.line])).toEqual([["error", 8], ["error", 9], ["error", 9]]);
    expect(manifest.dependencies.map((d) => d.key)).toEqual(["ok", "reqwest"]);
    expect(manifest.dependencies[1]).toMatchObject({ version: "0.12", features: ["json"], optional: false });
  });

  it("a name that is no string is reported once, as such, not as a missing name", () => {
    const { manifest } = parseManifest(`[package]\nname = 5\n`, "/ws/Cargo.toml");
    expect(manifest.package).toMatchObject({ name: undefined, nameInvalid: true });
    expect(parseManifest(`[package]\nversion = "1.0.0"\n`, "/ws/Cargo.toml").manifest.package?.nameInvalid).toBe(false);
  });
});

const hasCargo = spawnSync("cargo", ["--version"]).status === 0;
describe.skipIf(!hasCargo || process.env.TLS_AUDIT_SKIP_LIVE_CARGO === "1")("live: cargo refuses each case with the same words", () => {
  const root = mkdtempSync(join(tmpdir(), "tls-audit-invalid-type-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it.each(cases)("%s", (name, text, _line, _column, message) => {
    const dir = join(root, name.replace(/\W+/g, "-"));
    mkdirSync(join(dir, "src"), { recursive: true });
    writeFileSync(join(dir, "Cargo.toml"), text);
    writeFileSync(join(dir, "src/lib.rs"), "");
    const run = spawnSync("cargo", ["metadata", "--offline", "--no-deps", "--format-version", "1"], { cwd: dir, encoding: "utf8", env: { ...process.env, CARGO_TERM_COLOR: "never" } });
    expect(run.status).not.toBe(0);
    // Our message is the key path, then cargo's words.
    expect(run.stderr).toContain(message.slice(message.indexOf(": ") + 2));
  }, 30_000);
});
