// Broken input through the CLI, one case per test: a `file:line:col` message and exit 2 (or a warning and a sound
// partial result, where the tool can still audit soundly), never a stack trace, never a hang.
import { spawnSync } from "node:child_process";
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { nodeHost } from "../../src/host/index.js";
import type { JsonReport } from "../../src/report/json.js";
import { runCli, type CliRun } from "../helpers/run-cli.js";

const repo = join(import.meta.dirname, "../..");
const version = (JSON.parse(readFileSync(join(repo, "package.json"), "utf8")) as { version: string }).version;
const CRATES_IO = "registry+https://github.com/rust-lang/crates.io-index";
const made: string[] = [];
afterAll(() => {
  for (const dir of made) {
    chmodSync(dir, 0o755);
    rmSync(dir, { recursive: true, force: true });
  }
});

const pkg = (name: string, deps = "") => `[package]\nname = "${name}"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\n${deps}`;
/** A v4 lock of `a 0.1.0` (plus `extra` text) as cargo lays it out. */
const lockOf = (extra = "") => `version = 4\n\n[[package]]\nname = "a"\nversion = "0.1.0"\n${extra}`;
const opensslLock = lockOf(`dependencies = ["openssl"]\n\n[[package]]\nname = "openssl"\nversion = "0.10.68"\nsource = "${CRATES_IO}"\n`);

function workspace(files: Record<string, string | Buffer>): string {
  const dir = mkdtempSync(join(tmpdir(), "tls-audit-bad-input-"));
  made.push(dir);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

/** Every run, whatever its outcome: no stack trace, no internal error, a known exit code. */
function expectNoCrash(run: CliRun): void {
  expect(run.stderr).not.toContain("    at ");
  expect(run.stderr).not.toContain("internal error");
  expect([0, 1, 2]).toContain(run.code);
}

async function audit(dir: string, ...args: string[]) {
  const run = await runCli(["--format", "json", ...args, dir], { cwd: dir });
  expectNoCrash(run);
  return { ...run, report: JSON.parse(run.stdout) as JsonReport };
}

describe("malformed TOML", () => {
  const manifestCases: [string, string, string][] = [
    ["an unterminated string", `[package]\nname = "a\nversion = "0.1.0"\n`, "Cargo.toml:2:10: error: invalid TOML: Unterminated string constant [toml-syntax]"],
    ["a duplicate key", `[package]\nname = "a"\nname = "b"\n`, "Cargo.toml:3:1: error: invalid TOML: Defining a key multiple times is invalid [toml-syntax]"],
    ["an invalid escape", `[package]\nname = "a\\q"\n`, "Cargo.toml:2:11: error: invalid TOML: Invalid character in escape sequence [toml-syntax]"],
    ["a table defined twice", `[package]\nname = "a"\n\n[package]\nversion = "1.0.0"\n`, "Cargo.toml:4:2: error: invalid TOML: Defining a key multiple times is invalid [toml-syntax]"],
  ];
  it.each(manifestCases)("Cargo.toml with %s: file:line:col, exit 2", async (_name, text, message) => {
    const run = await audit(workspace({ "Cargo.toml": text, "Cargo.lock": lockOf() }));
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`${message}\n`);
  });

  const lockCases: [string, string, string][] = [
    ["an unterminated string", `version = 4\n\n[[package]]\nname = "a\nversion = "0.1.0"\n`, "Cargo.lock:4:10: error: invalid TOML: unterminated string (a quoted string must end on its line) [lockfile-invalid]"],
    ["a duplicate key", `${lockOf()}version = "0.2.0"\n`, "Cargo.lock:6:1: error: invalid TOML: trying to redefine an already defined table or value [lockfile-invalid]"],
    ["an invalid escape", `version = 4\n\n[[package]]\nname = "a\\q"\nversion = "0.1.0"\n`, "Cargo.lock:4:11: error: invalid TOML: unrecognised escape sequence [lockfile-invalid]"],
    ["a table defined twice", `${lockOf()}\n[metadata]\na = "1"\n\n[metadata]\nb = "2"\n`, "Cargo.lock:10:2: error: invalid TOML: trying to redefine an already defined table or value [lockfile-invalid]"],
  ];
  it.each(lockCases)("Cargo.lock with %s: file:line:col, exit 2, the manifests are still audited", async (_name, text, message) => {
    // The manifests alone still show a direct openssl dependency: a broken lock must not hide it.
    const run = await audit(workspace({ "Cargo.toml": pkg("a", `openssl = "0.10"\n`), "Cargo.lock": text }));
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`${message}\n`);
    expect(run.report.workspaces[0]).toMatchObject({ members: ["a"], resolution: "manifest" });
    expect(run.report.findings.map((f) => f.dependency)).toEqual(["openssl"]);
  });

  it("with several workspaces, a broken Cargo.toml in one does not stop the others", async () => {
    const good = workspace({});
    cpSync(join(repo, "fixtures/demo"), good, { recursive: true });
    const bad = workspace({ "Cargo.toml": `[package]\nname = "x\n`, "Cargo.lock": lockOf() });
    const run = await runCli(["--format", "json", bad, good], { cwd: tmpdir() });
    expectNoCrash(run);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/tls-audit-bad-input-\w+\/Cargo\.toml:2:10: error: invalid TOML: Unterminated string constant \[toml-syntax\]\n$/);
    const report = JSON.parse(run.stdout) as JsonReport;
    expect(report.findings.map((f) => `${f.member}:${f.dependency}`)).toEqual(["bot:reqwest", "graph:reqwest", "notify:ureq"]);
  });

  it("with several workspaces, a broken Cargo.lock in one: both are reported, the broken one from its manifests", async () => {
    const bad = workspace({ "Cargo.toml": pkg("a", `openssl = "0.10"\n`), "Cargo.lock": "version = 4\n[[package]\n" });
    const good = workspace({ "Cargo.toml": pkg("a", `openssl = "0.10"\n`), "Cargo.lock": opensslLock });
    const run = await runCli(["--format", "json", bad, good], { cwd: tmpdir() });
    expectNoCrash(run);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/Cargo\.lock:2:11: error: invalid TOML: .+ \[lockfile-invalid\]\n$/);
    const report = JSON.parse(run.stdout) as JsonReport;
    expect(report.workspaces.map((w) => w.resolution)).toEqual(["manifest", "partial"]);
    expect(report.findings).toHaveLength(2);
  });
});

describe("git conflict markers", () => {
  it("in Cargo.lock: says so, where, and suggests `cargo update -w`", async () => {
    const lock = `${lockOf()}\n<<<<<<< HEAD\n[[package]]\nname = "b"\n=======\n>>>>>>> feature\n`;
    const run = await audit(workspace({ "Cargo.toml": pkg("a"), "Cargo.lock": lock }));
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("Cargo.lock:7:1: error: Cargo.lock contains git conflict markers [conflict-markers]");
    expect(run.stderr).toContain("`cargo update -w`");
  });

  it("in Cargo.toml: says so, where, and suggests `cargo update -w`", async () => {
    const manifest = `[package]\nname = "a"\n<<<<<<< HEAD\nversion = "0.1.0"\n=======\nversion = "0.2.0"\n>>>>>>> feature\n`;
    const run = await audit(workspace({ "Cargo.toml": manifest, "Cargo.lock": lockOf() }));
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("Cargo.toml:3:1: error: Cargo.toml contains git conflict markers [conflict-markers]");
    expect(run.stderr).toContain("`cargo update -w`");
  });
});

describe("lockfile content", () => {
  it("an unknown `version = N` is an error at its line", async () => {
    const run = await audit(workspace({ "Cargo.toml": pkg("a"), "Cargo.lock": "# generated by a future cargo\nversion = 9\n" }));
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("Cargo.lock:2:1: error: unsupported lockfile version 9 (supported: 1 to 4) [lockfile-invalid]");
  });

  it("a dependency string naming no locked package is a warning; the edge is dropped (it leads nowhere)", async () => {
    const run = await audit(workspace({ "Cargo.toml": pkg("a"), "Cargo.lock": lockOf(`dependencies = ["ghost"]\n`) }));
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('Cargo.lock:4:1: warning: package a 0.1.0: dependency "ghost" names no package in the lock; ignoring it [lockfile-dangling-dependency]');
  });

  it("an ambiguous short name is a warning; every candidate is kept, so nothing banned is hidden", async () => {
    const lock = lockOf(
      `dependencies = ["openssl"]\n\n[[package]]\nname = "openssl"\nversion = "0.10.1"\nsource = "${CRATES_IO}"\n\n[[package]]\nname = "openssl"\nversion = "0.10.68"\nsource = "${CRATES_IO}"\n`,
    );
    const run = await audit(workspace({ "Cargo.toml": pkg("a", `openssl = "0.10"\n`), "Cargo.lock": lock }));
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Cargo.lock:4:1: warning: package a 0.1.0: dependency "openssl" matches several locked packages; keeping all of them [lockfile-ambiguous-dependency]');
    expect(run.report.findings.map((f) => f.dependency)).toEqual(["openssl"]);
  });

  it("a package listed twice is a warning at the repeated entry; the first entry is used", async () => {
    const run = await audit(workspace({ "Cargo.toml": pkg("a", `openssl = "0.10"\n`), "Cargo.lock": `${opensslLock}\n[[package]]\nname = "a"\nversion = "0.1.0"\n` }));
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("Cargo.lock:14:1: warning: package a 0.1.0 is listed twice; using the first entry [lockfile-duplicate-package]");
    expect(run.report.findings.map((f) => f.dependency)).toEqual(["openssl"]);
  });

  it("two path crates depending on each other do not make the tool loop", async () => {
    const dir = workspace({
      "Cargo.toml": `[workspace]\nmembers = ["a"]\n`,
      // b is found only through a's path dependency, and leads back to a.
      "a/Cargo.toml": pkg("a", `b = { path = "../b" }\n`),
      "b/Cargo.toml": pkg("b", `a = { path = "../a" }\nopenssl = "0.10"\n`),
      "Cargo.lock": `version = 4\n\n[[package]]\nname = "a"\nversion = "0.1.0"\ndependencies = ["b"]\n\n[[package]]\nname = "b"\nversion = "0.1.0"\ndependencies = ["a", "openssl"]\n\n[[package]]\nname = "openssl"\nversion = "0.10.68"\nsource = "${CRATES_IO}"\n`,
    });
    const run = await audit(dir);
    expect(run.code).toBe(1);
    expect(run.report.workspaces[0]!.members).toEqual(["a", "b"]);
    // b is a member (a path dependency inside the root), so its openssl is reported at b's own line.
    expect(run.report.findings.map((f) => `${f.member}:${f.dependency}`)).toEqual(["b:openssl"]);
  });
});

describe("manifest content", () => {
  it("a [package] without a name", async () => {
    const run = await audit(workspace({ "Cargo.toml": `[package]\nversion = "0.1.0"\n`, "Cargo.lock": lockOf() }));
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("Cargo.toml:1:1: error: `[package]` has no `name` [manifest-missing-package-name]");
  });

  // Cargo refuses these manifests; the audit used to warn, or (members as a string) say "✔ … (0 members)", exit 0.
  it.each([
    ["members as a string", { "Cargo.toml": `[workspace]\nmembers = "crates/*"\n` }, 'Cargo.toml:2:1: error: `workspace.members`: invalid type: string "crates/*", expected a sequence [manifest-invalid-type]'],
    ["a dependency as a number", { "Cargo.toml": pkg("a", "reqwest = 5\n") }, "Cargo.toml:7:1: error: `dependencies.reqwest`: invalid type: integer `5`, expected a version string"],
    ["features as a string", { "Cargo.toml": pkg("a", `reqwest = { version = "0.12", features = "json" }\n`) }, 'Cargo.toml:7:31: error: `dependencies.reqwest.features`: invalid type: string "json", expected a sequence'],
    ["a name that is no string", { "Cargo.toml": `[package]\nname = 5\nversion = "0.1.0"\n` }, "Cargo.toml:2:1: error: `package.name`: invalid type: integer `5`, expected a string [manifest-invalid-type]"],
  ])("%s: file:line:col in cargo's words, exit 2", async (_name, files, message) => {
    const run = await audit(workspace({ ...files, "Cargo.lock": lockOf() }));
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stderr).not.toContain("has no `name`");
  });

  it("a dependency of the wrong type leaves the others audited", async () => {
    const run = await audit(workspace({ "Cargo.toml": pkg("a", `openssl = "0.10"\nreqwest = { version = "0.12", optional = "yes" }\n`), "Cargo.lock": opensslLock }));
    expect(run.code).toBe(2);
    // The bad value is skipped, not the entry: reqwest stays declared, and as the lock lacks it, it is audited as a
    // refreshed lock would have it (never a silent pass).
    expect(run.report.findings.map((f) => f.dependency)).toEqual(["openssl", "reqwest"]);
    expect(run.report.problems.map((p) => p.code)).toContain("manifest-invalid-type");
  });

  it("a member glob that matches nothing", async () => {
    const run = await audit(workspace({ "Cargo.toml": `[workspace]\nmembers = ["crates/*"]\n`, "Cargo.lock": lockOf() }));
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Cargo.toml:2:1: error: member pattern "crates/*" matches no directory [workspace-member-missing]');
  });

  it("a member outside the root", async () => {
    const dir = workspace({ "ws/Cargo.toml": `[workspace]\nmembers = ["a", "../elsewhere"]\n`, "ws/a/Cargo.toml": pkg("a"), "ws/Cargo.lock": lockOf(), "elsewhere/Cargo.toml": pkg("e") });
    const run = await audit(join(dir, "ws"));
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Cargo.toml:2:1: error: member "../elsewhere" lies outside the workspace root [workspace-member-outside-root]');
    expect(run.report.workspaces[0]!.members).toEqual(["a"]);
  });

  it("a path dependency that does not exist", async () => {
    const run = await audit(workspace({ "Cargo.toml": pkg("a", `b = { path = "../nope" }\n`), "Cargo.lock": lockOf() }));
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("Cargo.toml:7:1: error: path dependency `b` points to ../nope, which has no Cargo.toml [path-dependency-missing]");
  });

  it("`workspace = true` without a [workspace.dependencies] entry", async () => {
    const dir = workspace({ "Cargo.toml": `[workspace]\nmembers = ["a"]\n`, "a/Cargo.toml": pkg("a", `serde = { workspace = true }\n`), "Cargo.lock": lockOf() });
    const run = await audit(dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("a/Cargo.toml:7:1: error: dependency `serde` has `workspace = true`, but `[workspace.dependencies]` has no `serde` [workspace-dependency-missing]");
    expect(run.stderr).toContain(`hint: add \`serde\` to [workspace.dependencies] in ${dir}/Cargo.toml`);
  });

  it("a malformed cfg() target key is a warning; the dependency is kept for every target, so it is still reported", async () => {
    // cargo rejects these keys; keeping the dependency everywhere over-approximates, so no banned crate is hidden.
    const manifest = `[package]\nname = "a"\nversion = "0.1.0"\n\n[target.'cfg(unix'.dependencies]\nopenssl = "0.10"\n\n[target.'cfg(foo(bar))'.dev-dependencies]\nopenssl = "0.10"\n`;
    const run = await audit(workspace({ "Cargo.toml": manifest, "Cargo.lock": opensslLock }));
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("Cargo.toml:6:1: warning: failed to parse `cfg(unix` as a cfg expression");
    expect(run.stderr).toContain("Cargo.toml:9:1: warning: failed to parse `cfg(foo(bar))` as a cfg expression");
    expect(run.report.problems.map((p) => p.code)).toEqual(["cfg-syntax", "cfg-syntax"]);
    expect(run.report.findings.map((f) => [f.dependency, f.scope, f.severity])).toEqual([["openssl", "normal", "error"]]);
  });
});

describe("the file system", () => {
  it("a symlink loop in members (`crates/loop -> ..` with `crates/*`) is the root itself and is not loaded twice", async () => {
    const dir = workspace({ "Cargo.toml": `[workspace]\nmembers = ["crates/*"]\n`, "crates/x/Cargo.toml": pkg("x"), "Cargo.lock": lockOf().replace('"a"', '"x"') });
    symlinkSync("..", join(dir, "crates/loop"));
    const run = await audit(dir);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.report.workspaces[0]!.members).toEqual(["x"]);
  });

  it("symlink loops under a `**` glob end quickly (each real directory once)", async () => {
    const dir = workspace({ "Cargo.toml": `[workspace]\nmembers = ["crates/**"]\n`, "crates/Cargo.toml": pkg("c"), "crates/x/Cargo.toml": pkg("x"), "Cargo.lock": lockOf() });
    // Two links per level made the walk 2^32 paths deep before: minutes, not milliseconds.
    symlinkSync(".", join(dir, "crates/x/self"));
    symlinkSync("../..", join(dir, "crates/x/up"));
    const started = performance.now();
    const run = await audit(dir);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(run.report.workspaces[0]!.members).toEqual(["c", "x"]);
  });

  // Each used to say "no such file or directory", "could not find Cargo.toml" or "has no Cargo.toml".
  const LOOP = "cannot read file: symbolic link loop (ELOOP: too many levels of symbolic links) [file-unreadable]";
  it.each([
    ["the directory", (dir: string) => dir],
    ["the Cargo.toml", (dir: string) => join(dir, "Cargo.toml")],
  ])("a Cargo.toml that links to itself, audited by %s, is a symlink loop, exit 2", async (_name, input) => {
    const dir = workspace({ "Cargo.lock": lockOf() });
    symlinkSync("Cargo.toml", join(dir, "Cargo.toml"));
    const run = await runCli(["--format", "json", input(dir)], { cwd: dir });
    expectNoCrash(run);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`Cargo.toml: error: ${LOOP}\n`);
  });

  it("a member's Cargo.toml that links to itself is a symlink loop; the other members are audited", async () => {
    const dir = workspace({ "Cargo.toml": `[workspace]\nmembers = ["a", "b"]\n`, "b/Cargo.toml": pkg("a", `openssl = "0.10"\n`), "Cargo.lock": opensslLock });
    mkdirSync(join(dir, "a"));
    symlinkSync("Cargo.toml", join(dir, "a/Cargo.toml"));
    const run = await audit(dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`a/Cargo.toml: error: ${LOOP}\n`);
    expect(run.report.findings.map((f) => f.dependency)).toEqual(["openssl"]);
  });

  it("an unreadable Cargo.toml (chmod 000) is `permission denied`, exit 2", async () => {
    const dir = workspace({ "Cargo.toml": `[workspace]\nmembers = ["a", "b"]\n`, "a/Cargo.toml": pkg("a"), "b/Cargo.toml": pkg("b"), "Cargo.lock": lockOf() });
    chmodSync(join(dir, "a/Cargo.toml"), 0o000);
    const expected = "a/Cargo.toml: error: cannot read file: permission denied [file-unreadable]";
    if (process.getuid?.() !== 0) {
      const run = await audit(dir);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(expected);
      expect(run.report.workspaces[0]!.members).toEqual(["b"]);
      return;
    }
    // root reads anything: the built CLI runs as `nobody` instead, so the kernel really says EACCES.
    chmodSync(dir, 0o755);
    const run = spawnSync(process.execPath, [join(repo, "bin/tls-audit.js"), "--format", "json", "."], { cwd: dir, uid: 65534, gid: 65534, encoding: "utf8", env: { PATH: process.env.PATH } });
    if (run.error || /EACCES.*(dist|bin)|Cannot find module/.test(run.stderr)) {
      console.warn(`skipped the real EACCES check: cannot run the built CLI as nobody (${run.error?.message ?? run.stderr.split("\n")[0]})`);
      return;
    }
    expectNoCrash({ code: run.status ?? -1, stdout: run.stdout, stderr: run.stderr });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(expected);
    expect((JSON.parse(run.stdout) as JsonReport).workspaces[0]!.members).toEqual(["b"]);
  });

  it("a directory where Cargo.lock should be: the manifests are audited, exit 2", async () => {
    const dir = workspace({ "Cargo.toml": pkg("a", `openssl = "0.10"\n`) });
    mkdirSync(join(dir, "Cargo.lock"));
    const run = await audit(dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe("Cargo.lock: error: cannot read file: is a directory, expected a file [file-unreadable]\n");
    expect(run.report.findings.map((f) => f.dependency)).toEqual(["openssl"]);
  });

  it("a directory where Cargo.toml should be is named, not skipped for a parent's manifest", async () => {
    const dir = workspace({ "Cargo.lock": lockOf() });
    mkdirSync(join(dir, "Cargo.toml"));
    const run = await audit(dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe("Cargo.toml: error: cannot read file: is a directory, expected a file [file-unreadable]\n");
  });

  it("a directory where a member's Cargo.toml should be", async () => {
    const dir = workspace({ "Cargo.toml": `[workspace]\nmembers = ["a", "b"]\n`, "b/Cargo.toml": pkg("b"), "Cargo.lock": lockOf() });
    mkdirSync(join(dir, "a/Cargo.toml"), { recursive: true });
    const run = await audit(dir);
    expect(run.code).toBe(2);
    // As cargo: "failed to read `…/a/Cargo.toml`: Is a directory".
    expect(run.stderr).toContain("a/Cargo.toml: error: cannot read file: is a directory, expected a file [file-unreadable]");
    expect(run.report.workspaces[0]!.members).toEqual(["b"]);
  });

  it("an empty Cargo.toml", async () => {
    const run = await audit(workspace({ "Cargo.toml": "", "Cargo.lock": lockOf() }));
    expect(run.code).toBe(2);
    expect(run.stderr).toBe("Cargo.toml: error: manifest has neither `[package]` nor `[workspace]` [manifest-missing-package-name]\n");
  });

  it("an empty Cargo.lock is treated as no lock: a warning, and the dependencies are resolved as without one", async () => {
    const run = await audit(workspace({ "Cargo.toml": pkg("a"), "Cargo.lock": "" }));
    expect(run.code).toBe(0);
    expect(run.stderr).toContain("Cargo.lock: warning: Cargo.lock lists no packages; dependencies resolved as `cargo generate-lockfile` would");
    expect(run.report.workspaces[0]).toMatchObject({ resolution: "unlocked" });
  });

  it("an empty Cargo.lock still reports a direct openssl dependency (as a missing lock does)", async () => {
    const run = await audit(workspace({ "Cargo.toml": pkg("a", `openssl = "0.10"\n`), "Cargo.lock": "" }));
    expect(run.report.findings.map((f) => f.dependency)).toEqual(["openssl"]);
  });

  it("a 100 MB Cargo.lock is refused at once, without being read", async () => {
    const dir = workspace({ "Cargo.toml": pkg("a"), "Cargo.lock": "# padding\n" });
    truncateSync(join(dir, "Cargo.lock"), 100 * 1024 * 1024); // sparse: no 100 MB written
    const heapBefore = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
    const started = performance.now();
    const run = await audit(dir);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers - heapBefore).toBeLessThan(32 * 1024 * 1024);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe("Cargo.lock: error: cannot read file: file is too large (104857600 bytes; the limit is 67108864) [file-unreadable]\n");
  });

  it("bytes that are not UTF-8 are reported at their line and column", async () => {
    const manifest = Buffer.concat([Buffer.from('[package]\nname = "a"\ndescription = "caf'), Buffer.from([0xe9]), Buffer.from('"\n')]);
    const run = await audit(workspace({ "Cargo.toml": manifest, "Cargo.lock": lockOf() }));
    expect(run.code).toBe(2);
    expect(run.stderr).toBe("Cargo.toml:3:19: error: cannot read file: file is not valid UTF-8 (byte 0xe9) [file-unreadable]\n");
    const lock = Buffer.concat([Buffer.from(lockOf()), Buffer.from("# \u00e9t\u00e9 "), Buffer.from([0xc3, 0x28])]);
    const lockRun = await audit(workspace({ "Cargo.toml": pkg("a"), "Cargo.lock": lock }));
    expect(lockRun.code).toBe(2);
    expect(lockRun.stderr).toBe("Cargo.lock:6:7: error: cannot read file: file is not valid UTF-8 (byte 0xc3) [file-unreadable]\n");
  });
});

describe("an internal error", () => {
  afterEach(() => vi.restoreAllMocks());

  it("is one line with the version, exit 2, no stack trace", async () => {
    // A Host that breaks its contract (a plain Error instead of HostReadError) stands for any bug.
    vi.spyOn(nodeHost, "readText").mockImplementation(() => {
      throw new Error("simulated failure\nsecond line");
    });
    const run = await runCli(["--format", "json", workspace({ "Cargo.toml": pkg("a"), "Cargo.lock": lockOf() })]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe(`tls-audit: internal error, please report (cargo-tls-audit ${version}): simulated failure\n`);
  });
});
