// The on-disk run cache (src/host/result-cache.ts, src/cli/startup.ts): a run is replayed only while everything it
// read is unchanged, and "nothing to check" answers before the CLI loads. Runs the built bin, as hooks do.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { hash64, recordingHost, stillValid, type FileStamp } from "../../src/host/result-cache.js";
import { isAuditInput, nothingToCheck } from "../../src/cli/inputs.js";
import { memoryHost } from "../helpers/memory-host.js";

const repo = join(import.meta.dirname, "../..");
const bin = join(repo, "bin/tls-audit.js");

function copyDemo(): { dir: string; cache: string } {
  const dir = mkdtempSync(join(tmpdir(), "tls-audit-cache-ws-"));
  cpSync(join(repo, "fixtures/demo"), dir, { recursive: true });
  return { dir, cache: mkdtempSync(join(tmpdir(), "tls-audit-cache-dir-")) };
}

// A file written less than 2 s before a run reads it is not trusted to its stamp (git's "racily clean" rule), so
// a run over a fresh copy is never stored. The copies the storing tests use are made once, then left to age.
const aged: { dir: string; cache: string }[] = [];
beforeAll(async () => {
  for (let i = 0; i < 4; i++) aged.push(copyDemo());
  await new Promise((done) => setTimeout(done, 2_200));
});
const agedWorkspace = (): { dir: string; cache: string } => aged.pop()!;

function cli(args: string[], cwd: string, env: NodeJS.ProcessEnv) {
  const run = spawnSync(process.execPath, [bin, ...args], { cwd, env: { ...process.env, NO_COLOR: "1", ...env }, encoding: "utf8" });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

const entries = (cache: string) => (existsSync(join(cache, "runs")) ? readdirSync(join(cache, "runs")).filter((f) => f.endsWith(".json")) : []);

/** Replaces the stored output of the only cache entry, so that a replay is told apart from a fresh run. */
function markEntry(cache: string, marker: string): void {
  const [name] = entries(cache);
  const file = join(cache, "runs", name!);
  const entry = JSON.parse(readFileSync(file, "utf8"));
  writeFileSync(file, JSON.stringify({ ...entry, stdout: marker }));
}

describe("run cache", () => {
  it("replays an unchanged run, and re-audits once a manifest it read changes", () => {
    const { dir, cache } = agedWorkspace();
    const env = { TLS_AUDIT_CACHE_DIR: cache };
    const first = cli(["--format", "json"], dir, env);
    expect(first.code).toBe(1);
    expect(entries(cache)).toHaveLength(1);
    markEntry(cache, "REPLAYED\n");
    const second = cli(["--format", "json"], dir, env);
    expect(second.stdout).toBe("REPLAYED\n");
    expect(second.code).toBe(1);

    // Moving ureq off its default features removes its finding: the stale entry must not answer.
    const manifest = join(dir, "crates/notify/Cargo.toml");
    const before = readFileSync(manifest, "utf8");
    expect(before).toMatch(/ureq = /);
    writeFileSync(manifest, before.replace(/^ureq = .*$/m, 'ureq = { version = "2.6", default-features = false, features = ["json", "tls"] }'));
    const third = cli(["--format", "json"], dir, env);
    expect(third.stdout).not.toBe("REPLAYED\n");
    const findings = (out: string) => (JSON.parse(out).findings as { dependency: string }[]).map((f) => f.dependency);
    expect(findings(first.stdout)).toContain("ureq");
    expect(findings(third.stdout)).not.toContain("ureq");
  });

  it("keys entries by the command line and the environment it reads", () => {
    const { dir, cache } = agedWorkspace();
    cli(["--format", "json"], dir, { TLS_AUDIT_CACHE_DIR: cache });
    markEntry(cache, "REPLAYED\n");
    expect(cli(["--format", "sarif"], dir, { TLS_AUDIT_CACHE_DIR: cache }).stdout).not.toBe("REPLAYED\n");
    // CARGO_HOME decides where registry metadata is read from: a run under another one is not replayed.
    expect(cli(["--format", "json"], dir, { TLS_AUDIT_CACHE_DIR: cache, CARGO_HOME: join(dir, "elsewhere") }).stdout).not.toBe("REPLAYED\n");
  });

  it("does not store a run over files written just before it", () => {
    const { dir, cache } = copyDemo();
    expect(cli(["--format", "json"], dir, { TLS_AUDIT_CACHE_DIR: cache }).code).toBe(1);
    expect(entries(cache)).toEqual([]);
  });

  it("never caches --write, --diff or --no-cache runs, nor any run under TLS_AUDIT_NO_CACHE=1", () => {
    const { dir, cache } = agedWorkspace();
    for (const args of [["--diff"], ["--no-cache"], ["--timings"]]) cli(args, dir, { TLS_AUDIT_CACHE_DIR: cache });
    cli([], dir, { TLS_AUDIT_CACHE_DIR: cache, TLS_AUDIT_NO_CACHE: "1" });
    expect(entries(cache)).toEqual([]);
  });

  it("treats a corrupt entry as a miss", () => {
    const { dir, cache } = agedWorkspace();
    const first = cli(["--format", "json"], dir, { TLS_AUDIT_CACHE_DIR: cache });
    const [name] = entries(cache);
    writeFileSync(join(cache, "runs", name!), "{ not json");
    const second = cli(["--format", "json"], dir, { TLS_AUDIT_CACHE_DIR: cache });
    expect(second.code).toBe(first.code);
    expect(second.stdout).toBe(first.stdout);
    expect(second.stderr).not.toMatch(/internal error/);
  });

  it("runs normally when the cache dir cannot be written", () => {
    const { dir } = copyDemo();
    const blocked = join(dir, "Cargo.lock", "cache"); // a path under a file: mkdir fails
    const run = cli(["--format", "json"], dir, { TLS_AUDIT_CACHE_DIR: blocked });
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout).workspaces).toHaveLength(1);
    rmSync(dir, { recursive: true, force: true });
  });

  it("reports read errors as the CLI does without the cache (the recorded host is the CLI's own)", () => {
    const { dir, cache } = copyDemo();
    rmSync(join(dir, "Cargo.lock"));
    mkdirSync(join(dir, "Cargo.lock"));
    const run = cli(["--format", "json"], dir, { TLS_AUDIT_CACHE_DIR: cache });
    expect(run.stderr).not.toMatch(/internal error/);
    expect(run.stderr).toMatch(/Cargo\.lock: error: cannot read file: is a directory/);
    expect(run.code).toBe(2);
  });

  it("has nothing to check when a hook passes only files that cannot change an audit", () => {
    const { dir, cache } = copyDemo();
    writeFileSync(join(dir, "main.rs"), "fn main() {}\n");
    const idle = cli(["main.rs"], dir, { TLS_AUDIT_CACHE_DIR: cache });
    expect(idle.code).toBe(0);
    expect(idle.stdout).toBe("");
    expect(idle.stderr).toMatch(/nothing to check/);
    expect(cli(["--quiet", "main.rs"], dir, { TLS_AUDIT_CACHE_DIR: cache }).stderr).toBe("");
    // JSON still gets a (empty) report; a manifest among the files is audited.
    const json = cli(["--format", "json", "main.rs"], dir, { TLS_AUDIT_CACHE_DIR: cache });
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout).workspaces).toEqual([]);
    expect(cli(["main.rs", "Cargo.toml"], dir, { TLS_AUDIT_CACHE_DIR: cache }).code).toBe(1);
    // A missing path is an error to report, not something to skip.
    expect(cli(["gone.rs"], dir, { TLS_AUDIT_CACHE_DIR: cache }).code).toBe(2);
  });
});

describe("recordingHost / stillValid", () => {
  it("replays every kind of host call, errors included", () => {
    const files = { "/ws/Cargo.toml": "[package]\nname = \"a\"\n", "/ws/src/lib.rs": "" };
    const host = memoryHost(files);
    // Memory files have no inode or times: their content stands in for the stamp.
    const stampOf = (h: typeof host): FileStamp => (path) => hash64(h.readText(path));
    const { host: recording, dependencies } = recordingHost(host, stampOf(host));
    recording.readText("/ws/Cargo.toml");
    expect(() => recording.readText("/ws/Cargo.lock")).toThrow();
    recording.kind("/ws/.cargo/config.toml");
    recording.listDirs("/ws");
    recording.env("CARGO_HOME");
    const recorded = dependencies()!;
    const valid = (h: typeof host) => stillValid(h, recorded, stampOf(h));
    expect(recorded.map(([op]) => op)).toEqual(["readText", "readText", "kind", "listDirs", "env"]);
    expect(valid(memoryHost(files))).toBe(true);
    expect(valid(memoryHost({ ...files, "/ws/Cargo.toml": "[package]\nname = \"b\"\n" }))).toBe(false);
    expect(valid(memoryHost({ ...files, "/ws/Cargo.lock": "version = 4\n" }))).toBe(false);
    expect(valid(memoryHost({ ...files, "/ws/.cargo/config.toml": "" }))).toBe(false);
    expect(valid(memoryHost({ ...files, "/ws/crates/x/Cargo.toml": "" }))).toBe(false);
    expect(valid(memoryHost(files, "/ws", { CARGO_HOME: "/elsewhere" }))).toBe(false);
  });

  it("knows which files can change an audit", () => {
    for (const path of ["/w/Cargo.toml", "/w/Cargo.lock", "/w/tls-audit.toml", "/w/.config/tls-audit.toml", "/w/.cargo/config.toml", "/w/.cargo/config"]) expect(isAuditInput(path), path).toBe(true);
    for (const path of ["/w/src/main.rs", "/w/Cargo.toml.orig", "/w/config.toml", "/w/README.md"]) expect(isAuditInput(path), path).toBe(false);
    const kinds: Record<string, "file" | "dir" | "missing"> = { "/w/a.rs": "file", "/w/b.md": "file", "/w/crates": "dir", "/w/gone.rs": "missing" };
    const kindOf = (p: string) => kinds[p] ?? "missing";
    expect(nothingToCheck(["/w/a.rs", "/w/b.md"], kindOf)).toBe(true);
    expect(nothingToCheck([], kindOf)).toBe(false);
    expect(nothingToCheck(["/w/a.rs", "/w/crates"], kindOf)).toBe(false);
    expect(nothingToCheck(["/w/a.rs", "/w/gone.rs"], kindOf)).toBe(false);
  });
});
