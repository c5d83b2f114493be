// Regressions for hangs found while fuzzing the read side: each input here used to take minutes or block forever.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { decodeLockfile } from "../../src/lockfile/encoding.js";
import { parseManifest } from "../../src/manifest/parse.js";
import type { JsonReport } from "../../src/report/json.js";
import { isWorkspace, loadWorkspace } from "../../src/workspace/load.js";
import { memoryHost } from "../helpers/memory-host.js";
import { runCli } from "../helpers/run-cli.js";

const made: string[] = [];
afterAll(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function workspace(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "tls-audit-regression-"));
  made.push(dir);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

function timed<T>(run: () => T): { value: T; ms: number } {
  const started = performance.now();
  const value = run();
  return { value, ms: performance.now() - started };
}

describe("no quadratic work on big inputs", () => {
  it("a lock with thousands of warnings: lines are found through an index, not a scan per warning", () => {
    // 8,000 dangling dependency strings (600 kB) took about 30 s when each warning split the whole text.
    const packages = Array.from({ length: 8000 }, (_, i) => `[[package]]\nname = "p${i}"\nversion = "0.1.0"\ndependencies = ["ghost${i}"]\n`);
    const text = `version = 4\n\n${packages.join("\n")}`;
    const { value, ms } = timed(() => decodeLockfile(text, "/ws/Cargo.lock"));
    expect(ms).toBeLessThan(3000);
    expect(value.problems).toHaveLength(8000);
    expect(value.problems.at(-1)!.position).toEqual({ line: 3 + 5 * 7999 + 1, column: 1 });
  });

  it("a manifest with thousands of dependencies: spans come from a map, not a search per entry", () => {
    // 12,000 entries (36,000 keys) took about 9 s when every dependency's span searched all keys.
    const deps = Array.from({ length: 12000 }, (_, i) => `d${i} = { version = "1", features = ["x"] }`).join("\n");
    const text = `[package]\nname = "a"\nversion = "0.1.0"\n\n[dependencies]\n${deps}\n`;
    const { value, ms } = timed(() => parseManifest(text, "/ws/big/Cargo.toml"));
    expect(ms).toBeLessThan(4000);
    expect(value.manifest.dependencies).toHaveLength(12000);
    expect(value.manifest.dependencies.at(-1)!.span).toMatchObject({ line: 6 + 11999, column: 1 });
    expect(value.manifest.package!.span).toMatchObject({ line: 1, column: 1 });
  });
});

describe("deep nesting", () => {
  it("arrays nested thousands deep are a syntax error at the place, not a stack overflow (an internal error)", async () => {
    const deep = `[package]\nname = "a"\nversion = "0.1.0"\nx = ${"[".repeat(20000)}${"]".repeat(20000)}\n`;
    const dir = workspace({ "Cargo.toml": deep, "Cargo.lock": `version = 4\n\n[[package]]\nname = "a"\nversion = "0.1.0"\n` });
    const run = await runCli(["--format", "json", dir], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe("Cargo.toml:4:69: error: invalid TOML: arrays or inline tables are nested too deeply [toml-syntax]\n");
  });

  it("inline tables nested a thousand deep and a dotted key of 100,000 parts parse in linear time", () => {
    // Indexing every prefix of every key path was cubic here (11 s) and ran out of memory on the dotted key.
    const inline = `[package]\nname = "a"\n[metadata]\nx = ${"{ b = ".repeat(1000)}1${" }".repeat(1000)}\n`;
    expect(timed(() => parseManifest(inline, "/ws/inline/Cargo.toml")).ms).toBeLessThan(2000);
    const dotted = `[package]\nname = "a"\n[metadata]\n${Array.from({ length: 100_000 }, () => "k").join(".")} = 1\n`;
    const { value, ms } = timed(() => parseManifest(dotted, "/ws/dotted/Cargo.toml"));
    expect(ms).toBeLessThan(4000);
    expect(value.manifest.package!.name).toBe("a");
  });
});

describe("no stack overflow on many entries", () => {
  it("a manifest with 200,000 dependencies is read in full, not a stack overflow", () => {
    // Spreading them into push() threw "Maximum call stack size exceeded": an internal error naming no file.
    const count = 200_000;
    const deps = Array.from({ length: count }, (_, i) => `dep${i} = "1"\n`).join("");
    const ws = loadWorkspace(memoryHost({ "Cargo.toml": `[package]\nname = "a"\nversion = "0.1.0"\n\n[dependencies]\n${deps}`, "Cargo.lock": `version = 4\n\n[[package]]\nname = "a"\nversion = "0.1.0"\n` }), "/ws");
    if (!isWorkspace(ws)) throw new Error(ws.problems[0]?.message);
    expect(ws.members[0]!.dependencies).toHaveLength(count);
    expect(ws.members[0]!.dependencies.at(-1)).toMatchObject({ key: "dep199999", version: "1" });
  }, 120_000);
});

describe("no walks or reads that never end", () => {
  it("a `**` member glob that climbs out of the root is not walked: one error, at once", async () => {
    // `../../**` from a temporary directory walked the whole disk (seconds, megabytes of errors).
    const dir = workspace({ "ws/Cargo.toml": `[workspace]\nmembers = ["../../**"]\n` });
    const started = performance.now();
    const run = await runCli(["--format", "json", join(dir, "ws")], { cwd: dir });
    expect(performance.now() - started).toBeLessThan(2000);
    expect(run.code).toBe(2);
    const report = JSON.parse(run.stdout) as JsonReport;
    expect(report.problems.filter((p) => p.code === "workspace-member-outside-root").map((p) => p.message)).toEqual(['member "../.." lies outside the workspace root']);
  });

  it.skipIf(spawnSync("mkfifo", ["--version"]).status !== 0)("a FIFO named Cargo.lock is refused instead of blocking the read forever", async () => {
    const dir = workspace({ "Cargo.toml": `[package]\nname = "a"\nversion = "0.1.0"\n` });
    expect(spawnSync("mkfifo", [join(dir, "Cargo.lock")]).status).toBe(0);
    const run = await runCli(["--format", "json", dir], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe("Cargo.lock: error: cannot read file: is not a regular file [file-unreadable]\n");
  });
});

describe("fix planning", () => {
  it("a member entry and its [workspace.dependencies] sibling give one merged edit, not overlapping ones (fuzz crash)", async () => {
    const { cpSync, mkdtempSync: mk, readFileSync: read, writeFileSync: write, mkdirSync: mkdir } = await import("node:fs");
    const { tmpdir: tmp } = await import("node:os");
    const { join: j } = await import("node:path");
    const { runCli } = await import("../helpers/run-cli.js");
    const repo = j(import.meta.dirname, "../..");
    const dir = mk(j(tmp(), "tls-audit-overlap-"));
    cpSync(j(repo, "fixtures/cargo-oracle/trixie/cases/reqwest-19"), dir, { recursive: true });
    write(j(dir, "Cargo.toml"), read(j(dir, "Cargo.toml"), "utf8").replace("default-features = false, ", ""));
    mkdir(j(dir, ".cargo"));
    write(j(dir, ".cargo/config.toml"), `[source.crates-io]\nreplace-with = "r"\n[source.r]\ndirectory = "${j(repo, "fixtures/cargo-oracle/trixie/registry")}"\n`);
    const run = await runCli(["."], { cwd: dir });
    expect(run.stderr).not.toContain("internal error");
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("+ reqwest = { version = \"0.12\", default-features = false, features = [\"rustls-tls\", \"charset\", \"http2\"] }");
  });
});
