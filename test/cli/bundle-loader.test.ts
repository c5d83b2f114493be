// The bundled CLI is compiled from V8's code cache when one was kept for this build; a missing, foreign or corrupt
// cache only costs a compile, and is replaced after the run.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { loadBundle } from "../../src/cli/bundle-loader.js";

const repo = join(import.meta.dirname, "../..");

function bundle(): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), "tls-audit-bundle-"));
  const file = join(dir, "cli.cjs");
  // Uses what a CommonJS bundle gets: exports, require, module, __filename.
  writeFileSync(file, `"use strict";\nconst { basename } = require("node:path");\nfunction twice(n) { return 2 * n; }\nmodule.exports = { twice, name: basename(__filename) };\n`);
  return { dir, file };
}

/**
 * Loads the bundle in a fresh process, as each run does (within one process V8 reuses what it compiled, whatever the
 * cache file says), and saves the cache as a run does at its end.
 */
function loadInChild(file: string, cacheFile: string | undefined): { fromCache: boolean; twice: number; name: string } {
  const loader = pathToFileURL(join(repo, "dist/src/cli/bundle-loader.js")).href;
  const script = `const { loadBundle } = await import(${JSON.stringify(loader)});
const loaded = loadBundle(${JSON.stringify(file)}, ${JSON.stringify(cacheFile ?? null)} ?? undefined);
process.stdout.write(JSON.stringify({ fromCache: loaded.fromCache, twice: loaded.exports.twice(21), name: loaded.exports.name }));
loaded.save();`;
  const child = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
  expect(child.stderr).toBe("");
  return JSON.parse(child.stdout) as { fromCache: boolean; twice: number; name: string };
}

describe("loadBundle", () => {
  it("runs the bundle as require would, and without a cache file reads and keeps nothing", () => {
    const { dir, file } = bundle();
    const loaded = loadBundle(file, undefined);
    expect(loaded.exports).toMatchObject({ name: "cli.cjs" });
    expect((loaded.exports as { twice(n: number): number }).twice(21)).toBe(42);
    expect(loaded.fromCache).toBe(false);
    loaded.save();
    expect(readdirSync(dir)).toEqual(["cli.cjs"]);
  });

  it("keeps the compiled code after the first run and compiles from it on the next; only the latest other builds' files stay", () => {
    const { dir, file } = bundle();
    const cacheFile = join(dir, "code", "cli-build9.bin");
    mkdirSync(join(dir, "code"));
    // Five older builds' files, the oldest first: the three written last stay.
    [1, 2, 3, 4, 5].forEach((build) => {
      writeFileSync(join(dir, "code", `cli-build${build}.bin`), "an older build's code");
      utimesSync(join(dir, "code", `cli-build${build}.bin`), 1_000_000 + build, 1_000_000 + build);
    });
    expect(loadInChild(file, cacheFile)).toEqual({ fromCache: false, twice: 42, name: "cli.cjs" });
    expect(readdirSync(join(dir, "code")).sort()).toEqual(["cli-build3.bin", "cli-build4.bin", "cli-build5.bin", "cli-build9.bin"]);
    const kept = readFileSync(cacheFile);
    expect(loadInChild(file, cacheFile)).toEqual({ fromCache: true, twice: 42, name: "cli.cjs" });
    expect(readFileSync(cacheFile).equals(kept)).toBe(true); // accepted: nothing written
  });

  it("a corrupt cache is rejected, the bundle still runs, and the cache is replaced", () => {
    const { dir, file } = bundle();
    const cacheFile = join(dir, "code", "cli-build2.bin");
    loadInChild(file, cacheFile);
    writeFileSync(cacheFile, "not V8 code at all");
    expect(loadInChild(file, cacheFile)).toEqual({ fromCache: false, twice: 42, name: "cli.cjs" });
    expect(loadInChild(file, cacheFile).fromCache).toBe(true);
  });

  it("a cache made for another source is rejected", () => {
    const { dir, file } = bundle();
    const cacheFile = join(dir, "code", "cli.bin");
    loadInChild(file, cacheFile);
    writeFileSync(file, `module.exports = { twice: (n) => n + n, name: "changed" };\n`);
    expect(loadInChild(file, cacheFile)).toEqual({ fromCache: false, twice: 42, name: "changed" });
  });
});

describe("the CLI's code cache", () => {
  const run = (env: Record<string, string>) =>
    spawnSync(process.execPath, [join(repo, "bin/tls-audit.js"), "--no-cache", "--format", "json", join(repo, "fixtures/demo")], { encoding: "utf8", env: { ...process.env, ...env } });

  it("is kept per build under <cache dir>/code, even with --no-cache, and gives the same report", () => {
    const cacheDir = mkdtempSync(join(tmpdir(), "tls-audit-code-"));
    const first = run({ TLS_AUDIT_CACHE_DIR: cacheDir });
    const build = readFileSync(join(repo, "dist/build-id"), "utf8").trim();
    expect(readdirSync(join(cacheDir, "code"))).toEqual([`cli-${build}.bin`]);
    const second = run({ TLS_AUDIT_CACHE_DIR: cacheDir });
    expect(second.status).toBe(first.status);
    expect(second.stdout).toBe(first.stdout);
    expect(second.stderr).toBe(first.stderr);
    // --no-cache keeps no results: only the code is there.
    expect(readdirSync(cacheDir)).toEqual(["code"]);
  });

  it("TLS_AUDIT_NO_CODE_CACHE=1 keeps none", () => {
    const cacheDir = mkdtempSync(join(tmpdir(), "tls-audit-code-"));
    const result = run({ TLS_AUDIT_CACHE_DIR: cacheDir, TLS_AUDIT_NO_CODE_CACHE: "1" });
    expect(result.status).toBe(1);
    expect(existsSync(join(cacheDir, "code"))).toBe(false);
  });
});
