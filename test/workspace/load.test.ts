import { describe, expect, it } from "vitest";
import { isWorkspace, loadWorkspace } from "../../src/workspace/load.js";
import type { Workspace } from "../../src/workspace/model.js";
import { memoryHost } from "../helpers/memory-host.js";

const pkg = (name: string, extra = "") => `[package]\nname = "${name}"\nversion = "0.1.0"\nedition = "2021"\n${extra}`;

function load(files: Record<string, string>, input = "/ws"): Workspace {
  const result = loadWorkspace(memoryHost(files), input);
  if (!isWorkspace(result)) throw new Error(JSON.stringify(result.problems));
  return result;
}
const codes = (ws: Workspace) => ws.problems.map((p) => p.code);
/** A lock with one package: an empty one counts as no lock at all. */
const LOCK = `version = 4\n\n[[package]]\nname = "unrelated"\nversion = "0.0.0"\n`;

describe("loadWorkspace: finding the root", () => {
  const files = {
    "Cargo.toml": `[workspace]\nmembers = ["crates/*"]\nresolver = "2"\n`,
    "Cargo.lock": LOCK,
    "crates/a/Cargo.toml": pkg("a"),
    "crates/a/src/main.rs": "",
    "crates/b/Cargo.toml": pkg("b"),
  };
  it.each([
    ["the root directory", "/ws"],
    ["a member directory", "/ws/crates/a"],
    ["a source file deep in a member", "/ws/crates/a/src/main.rs"],
    ["a member's Cargo.toml", "/ws/crates/b/Cargo.toml"],
    ["the Cargo.lock", "/ws/Cargo.lock"],
  ])("from %s", (_, input) => {
    const ws = load(files, input);
    expect(ws.root).toBe("/ws");
    expect(ws.members.map((m) => m.name)).toEqual(["a", "b"]);
    expect(ws.lockfilePath).toBe("/ws/Cargo.lock");
    expect(ws.problems).toEqual([]);
  });

  it("follows package.workspace to an explicit root", () => {
    const ws = load(
      { "root/Cargo.toml": `[workspace]\nmembers = ["../pkgs/a"]\n`, "pkgs/a/Cargo.toml": pkg("a", `workspace = "../../root"\n`) },
      "/ws/pkgs/a",
    );
    expect(ws.root).toBe("/ws/root");
  });

  it("skips an ancestor workspace that excludes the package", () => {
    const ws = load({ "Cargo.toml": `[workspace]\nmembers = []\nexclude = ["fuzz"]\n`, "fuzz/Cargo.toml": pkg("fuzz") }, "/ws/fuzz");
    expect(ws.root).toBe("/ws/fuzz");
    expect(ws.members.map((m) => m.name)).toEqual(["fuzz"]);
  });

  it("handles a root package that is also a workspace", () => {
    const ws = load({ "Cargo.toml": pkg("root", `\n[workspace]\nmembers = ["sub"]\n`), "sub/Cargo.toml": pkg("sub") });
    expect(ws.members.map((m) => m.name)).toEqual(["root", "sub"]);
    expect(ws.resolver).toBe("2");
  });
});

describe("loadWorkspace: members", () => {
  it("expands globs (hidden directories included, files ignored) and applies exclude", () => {
    const ws = load({
      "Cargo.toml": `[workspace]\nmembers = ["crates/*", "tools/cli"]\nexclude = ["crates/old"]\n`,
      "crates/a/Cargo.toml": pkg("a"),
      "crates/.hidden/Cargo.toml": pkg("hidden"),
      "crates/old/Cargo.toml": pkg("old"),
      "crates/README.md": "",
      "tools/cli/Cargo.toml": pkg("cli"),
    });
    expect(ws.members.map((m) => m.name).sort()).toEqual(["a", "cli", "hidden"]);
  });

  it("adds path dependencies inside the root as members, and loads outside ones as local packages", () => {
    const ws = load({
      "Cargo.toml": `[workspace]\nmembers = ["app"]\n`,
      "app/Cargo.toml": pkg("app", `\n[dependencies]\ninner = { path = "../libs/inner" }\nouter = { path = "../../outside/outer" }\n`),
      "libs/inner/Cargo.toml": pkg("inner"),
      "../outside/outer/Cargo.toml": pkg("outer"),
    });
    expect(ws.members.map((m) => m.name)).toEqual(["app", "inner"]);
    expect(ws.pathPackages.map((p) => p.name)).toEqual(["outer"]);
  });

  it("reports a glob that matches nothing, a member without Cargo.toml and a member outside the root, and keeps the rest", () => {
    const ws = load({
      "Cargo.toml": `[workspace]\nmembers = ["nomatch/*", "empty", "../elsewhere", "ok"]\n`,
      "empty/README.md": "",
      "../elsewhere/Cargo.toml": pkg("elsewhere"),
      "ok/Cargo.toml": pkg("ok"),
    });
    expect(ws.members.map((m) => m.name)).toEqual(["ok"]);
    expect(codes(ws).sort()).toEqual(["lockfile-missing", "workspace-member-missing", "workspace-member-missing", "workspace-member-outside-root"]);
    expect(ws.problems.find((p) => p.code === "workspace-member-missing")).toMatchObject({ file: "/ws/Cargo.toml", position: { line: 2, column: 1 } });
  });

  it("reports a missing path dependency at its declaration", () => {
    const ws = load({ "Cargo.toml": pkg("app", `\n[dependencies]\ngone = { path = "../gone" }\n`), "Cargo.lock": LOCK });
    expect(ws.problems).toMatchObject([{ code: "path-dependency-missing", severity: "error", position: { line: 7, column: 1 } }]);
  });

  it("reports a manifest without [package] name", () => {
    const ws = load({ "Cargo.toml": `[workspace]\nmembers = ["a"]\n`, "a/Cargo.toml": `[package]\nversion = "1.0.0"\n`, "Cargo.lock": LOCK });
    expect(codes(ws)).toEqual(["manifest-missing-package-name"]);
  });
});

describe("loadWorkspace: inheritance", () => {
  const files = {
    "Cargo.toml": [
      `[workspace]`,
      `members = ["bot"]`,
      `resolver = "2"`,
      ``,
      `[workspace.package]`,
      `version = "2.0.0"`,
      `edition = "2021"`,
      ``,
      `[workspace.dependencies]`,
      `reqwest = { version = "0.11", default-features = false, features = ["json"] }`,
      `shared = { path = "shared" }`,
    ].join("\n"),
    "bot/Cargo.toml": `[package]\nname = "bot"\nversion.workspace = true\nedition.workspace = true\n\n[dependencies]\nreqwest = { workspace = true, features = ["rustls-tls"], optional = true }\nshared.workspace = true\nmissing = { workspace = true }\n`,
    "shared/Cargo.toml": pkg("shared"),
  };

  it("merges [workspace.dependencies] with the member's entry and remembers both locations", () => {
    const ws = load(files);
    const bot = ws.members.find((m) => m.name === "bot")!;
    expect(bot.version).toBe("2.0.0");
    expect(bot.edition).toBe("2021");
    const reqwest = bot.dependencies.find((d) => d.key === "reqwest")!;
    expect(reqwest).toMatchObject({ version: "0.11", defaultFeatures: false, features: ["json", "rustls-tls"], optional: true, span: { line: 7 } });
    expect(reqwest.inheritedFrom).toMatchObject({ file: "/ws/Cargo.toml", span: { line: 10, column: 1 } });
    expect(bot.dependencies.find((d) => d.key === "shared")!.pathDir).toBe("/ws/shared");
    // The inherited path dependency lies inside the root, so it is a member too.
    expect(ws.members.map((m) => m.name)).toEqual(["bot", "shared"]);
  });

  it("reports `workspace = true` without a [workspace.dependencies] entry", () => {
    const problem = load(files).problems.find((p) => p.code === "workspace-dependency-missing");
    expect(problem).toMatchObject({ severity: "error", file: "/ws/bot/Cargo.toml", position: { line: 9, column: 1 } });
  });
});

describe("loadWorkspace: resolver", () => {
  it.each([
    [`[workspace]\nresolver = "1"\n`, "1"],
    [`[workspace]\nmembers = []\n`, "1"],
    [pkg("a"), "2"],
    [pkg("a").replace("2021", "2024"), "3"],
    [pkg("a").replace('edition = "2021"\n', ""), "1"],
    [`${pkg("a")}resolver = "2"\n`.replace("2021", "2018"), "2"],
    // A root package inheriting its edition reads its own [workspace.package] (nushell, zellij, lemmy and sqlx do).
    [`[workspace.package]\nedition = "2024"\n\n[package]\nname = "a"\nversion = "0.1.0"\nedition.workspace = true\n\n[workspace]\n`, "3"],
    [`[package]\nname = "a"\nversion = "0.1.0"\nedition = { workspace = true }\n\n[workspace]\n\n[workspace.package]\nedition = "2021"\n`, "2"],
    [`[package]\nname = "a"\nversion = "0.1.0"\nedition.workspace = true\n\n[workspace]\n\n[workspace.package]\nedition = "2018"\n`, "1"],
  ])("%j → resolver %s", (root, resolver) => {
    expect(load({ "Cargo.toml": root, "Cargo.lock": LOCK }).resolver).toBe(resolver);
  });
});

describe("loadWorkspace: failures", () => {
  it("says when no Cargo.toml is found", () => {
    const result = loadWorkspace(memoryHost({ "notes.txt": "" }), "/ws");
    expect(isWorkspace(result)).toBe(false);
    expect(result.problems[0]!.code).toBe("manifest-not-found");
  });

  it("turns a broken lockfile into a problem and keeps the manifests", () => {
    const ws = load({ "Cargo.toml": pkg("a"), "Cargo.lock": "version = 4\n[[package]\n" });
    expect(ws.lockfile).toBeUndefined();
    expect(ws.problems[0]).toMatchObject({ code: "lockfile-invalid", file: "/ws/Cargo.lock", position: { line: 2 } });
    expect(ws.members).toHaveLength(1);
  });
});
