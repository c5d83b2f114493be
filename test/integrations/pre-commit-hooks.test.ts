// The shipped .pre-commit-hooks.yaml, checked without running hooks (the real pre-commit run is test/cli/pre-commit.test.ts).
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isAuditInput } from "../../src/cli/inputs.js";
import type { JsonReport } from "../../src/report/json.js";
import { runCli } from "../helpers/run-cli.js";

const repo = join(import.meta.dirname, "../..");
const manifestPath = join(repo, ".pre-commit-hooks.yaml");

/** The hooks file is a flat list of `- id:` maps with scalar values; enough YAML to read it without a YAML library. */
function readHooks(text: string): Record<string, string>[] {
  const hooks: Record<string, string>[] = [];
  for (const line of text.split("\n")) {
    const entry = /^(- |  )([a-z_]+): (.*)$/.exec(line);
    if (!entry) continue;
    if (entry[1] === "- ") hooks.push({});
    hooks.at(-1)![entry[2]!] = entry[3]!;
  }
  return hooks;
}

const hooks = readHooks(readFileSync(manifestPath, "utf8"));
const byId = new Map(hooks.map((h) => [h.id, h]));

describe(".pre-commit-hooks.yaml", () => {
  it("defines tls-audit and tls-audit-fix as node hooks that get the staged file names", () => {
    expect(hooks.map((h) => h.id)).toEqual(["tls-audit", "tls-audit-fix"]);
    expect(byId.get("tls-audit")).toMatchObject({ entry: "tls-audit", language: "node", pass_filenames: "true" });
    expect(byId.get("tls-audit-fix")).toMatchObject({ entry: "tls-audit --write", language: "node", pass_filenames: "true" });
  });

  it("runs on every file that can change an audit, anywhere in the tree, and on nothing else", () => {
    const inputs = ["Cargo.toml", "Cargo.lock", "crates/bot/Cargo.toml", "a/b/c/Cargo.lock", "tls-audit.toml", ".config/tls-audit.toml", "crates/bot/tls-audit.toml", ".cargo/config.toml", ".cargo/config"];
    const others = ["Cargo.toml.orig", "MyCargo.toml", "docs/Cargo.md", "cargo.toml", "Cargo.tomlx", "src/main.rs", "my-tls-audit.toml", "tls-audit.toml.bak", "config.toml", ".cargo/config.json"];
    for (const hook of hooks) {
      // pre-commit uses Python's re.search; this pattern means the same in JavaScript.
      const files = new RegExp(hook.files!);
      for (const path of inputs) expect(files.test(path), path).toBe(true);
      for (const path of others) expect(files.test(path), path).toBe(false);
    }
    // The same files the CLI counts as inputs when a hook passes a mixed list.
    for (const path of inputs) expect(isAuditInput(path), path).toBe(true);
    for (const path of others) expect(isAuditInput(path), path).toBe(false);
  });

  it("audits the workspace of a staged configuration file alone (a config-only commit)", async () => {
    for (const file of ["tls-audit.toml", ".config/tls-audit.toml"]) {
      const dir = mkdtempSync(join(tmpdir(), "tls-audit-hook-config-"));
      cpSync(join(repo, "fixtures/demo"), dir, { recursive: true });
      mkdirSync(join(dir, ".config"), { recursive: true });
      writeFileSync(join(dir, file), `[severity]\nnormal = "warning"\n`);
      const run = await runCli(["--format", "json", file], { cwd: dir });
      const report = JSON.parse(run.stdout) as JsonReport;
      expect(report.workspaces.map((w) => w.root), file).toEqual(["."]);
      expect(report.findings.map((f) => f.severity), file).toEqual(["warning", "warning", "warning"]);
      expect(run.code, file).toBe(0);
    }
  });

  it("names commands the package installs, with options the CLI accepts", async () => {
    const bins = Object.keys((JSON.parse(readFileSync(join(repo, "package.json"), "utf8")) as { bin: Record<string, string> }).bin);
    const help = (await runCli(["--help"])).stdout;
    for (const hook of hooks) {
      const [command, ...options] = hook.entry!.split(" ");
      expect(bins).toContain(command);
      for (const option of options) expect(help).toContain(option);
    }
  });

  it("audits each workspace once for the file names pre-commit passes", async () => {
    const files = ["fixtures/demo/Cargo.toml", "fixtures/demo/crates/notify/Cargo.toml", "fixtures/demo/crates/bot/Cargo.toml", "fixtures/demo/Cargo.lock"];
    const run = await runCli(["--format", "json", ...files], { cwd: repo });
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as JsonReport;
    expect(report.workspaces.map((w) => w.root)).toEqual(["fixtures/demo"]);
    expect(report.findings.map((f) => f.dependency)).toEqual(["reqwest", "reqwest", "ureq"]);
  });

  it("is shown in the README with a rev that can exist: a full commit sha, or a tag the repository has", () => {
    const readme = readFileSync(join(repo, "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("### pre-commit"), readme.indexOf("### ", readme.indexOf("### pre-commit") + 4));
    const revs = [...section.matchAll(/^\s+rev:\s*(\S+)/gm)].map((m) => m[1]!);
    expect(revs.length).toBeGreaterThan(0);
    const tags = spawnSync("git", ["tag", "--list"], { cwd: repo, encoding: "utf8" }).stdout?.split("\n") ?? [];
    for (const rev of revs) expect(/^[0-9a-f]{40}$/.test(rev) || tags.includes(rev), `rev: ${rev}`).toBe(true);
    // Tags are part of releasing.
    expect(readFileSync(join(repo, "CHANGELOG.md"), "utf8")).toMatch(/Release process:[^]*git tag -a vX\.Y\.Z/);
  });

  it.skipIf(spawnSync("pre-commit", ["--version"]).status !== 0)("is a valid hooks manifest for pre-commit itself", () => {
    const run = spawnSync("pre-commit", ["validate-manifest", manifestPath], { encoding: "utf8" });
    expect(run.status, run.stdout + run.stderr).toBe(0);
  });
});
