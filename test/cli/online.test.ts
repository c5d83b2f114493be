// --online end to end, against a sparse registry served on 127.0.0.1 (fixtures/online-index, cargo's own lines):
// what changes with online metadata, caching and revalidation, failures that degrade, registries, proxies, progress.
import { spawn } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { pathToFileURL } from "node:url";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { main } from "../../src/cli/main.js";
import { DEFAULT_FETCH_OPTIONS, fetchAll } from "../../src/host/http.js";
import { decodeLockfile } from "../../src/lockfile/encoding.js";
import { sourceKind } from "../../src/lockfile/model.js";
import { DEFAULT_BANNED } from "../../rules/data/tls-crates.js";
import { indexFilePath } from "../../src/registry/index-cache.js";
import type { JsonReport } from "../../src/report/json.js";
import { startProxy, startRegistry, type Registry } from "../helpers/sparse-registry.js";

const repo = join(import.meta.dirname, "../..");
const fixtureWorkspace = join(repo, "fixtures/registry-formats/workspace");

const locked = decodeLockfile(readFileSync(join(fixtureWorkspace, "Cargo.lock"), "utf8"), "Cargo.lock").lockfile.packages;

/**
 * The fixture's locked registry crates with a locked path to one of `names` (themselves included): what --online
 * asks about when the audit looks for those crates. Worked out here by repeated passes, not by the tool's code.
 */
function registryCratesReaching(names: readonly string[]) {
  const reaching = new Set(locked.filter((p) => names.includes(p.name)).map((p) => p.id));
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of locked) {
      if (!reaching.has(p.id) && p.dependencies.some((d) => reaching.has(d))) grew = reaching.add(p.id).size > 0;
    }
  }
  return locked.filter((p) => reaching.has(p.id) && sourceKind(p.source) === "registry");
}
/** The audit looks for the banned crates and for rustls (rule rustls-crypto-provider). */
const lockedRegistryCrates = registryCratesReaching([...DEFAULT_BANNED, "rustls"]);
const AUDITED = lockedRegistryCrates.length;
/** A configuration that bans two crates most of the fixture depends on: many more requests. */
const WIDE_BANS = ["libc", "cfg-if"];
const WIDE = registryCratesReaching([...DEFAULT_BANNED, "rustls", ...WIDE_BANS]).length;
const pathOf = (name: string) => indexFilePath(name);

/** The configuration cargo used to write the fixture's lock (fixtures/registry-formats/README.md), pointed at `url`. */
const mirrorConfig = (url: string) => `[source.crates-io]\nreplace-with = "loopback"\n\n[source.loopback]\nregistry = "sparse+${url}"\n`;

/**
 * A copy of the fixture workspace (Cargo.toml, Cargo.lock, src) with `config` as its .cargo/config.toml, and `ban`
 * as the tls-audit.toml's extra banned crates.
 */
function workspace(config?: string, ban?: readonly string[]): string {
  const dir = mkdtempSync(join(tmpdir(), "tls-audit-online-"));
  for (const file of ["Cargo.toml", "Cargo.lock", "src/lib.rs"]) {
    mkdirSync(join(dir, file, ".."), { recursive: true });
    cpSync(join(fixtureWorkspace, file), join(dir, file));
  }
  if (config !== undefined) {
    mkdirSync(join(dir, ".cargo"));
    writeFileSync(join(dir, ".cargo/config.toml"), config);
  }
  if (ban) writeFileSync(join(dir, "tls-audit.toml"), `ban = ${JSON.stringify(ban)}\n`);
  return dir;
}

class Capture extends Writable {
  text = "";
  constructor(readonly isTTY = false) {
    super();
  }
  // What ora needs of a terminal.
  columns = 100;
  cursorTo(x: number) {
    this.text += `\u001b[${x + 1}G`;
    return true;
  }
  moveCursor() {
    return true;
  }
  clearLine() {
    this.text += "\u001b[2K";
    return true;
  }
  override _write(chunk: unknown, _encoding: string, done: () => void) {
    this.text += String(chunk);
    done();
  }
}

let cacheDir: string;
beforeEach(() => {
  // No cargo home of the machine's: only the registry under test describes crates.
  vi.stubEnv("CARGO_HOME", mkdtempSync(join(tmpdir(), "tls-audit-online-cargo-home-")));
  cacheDir = mkdtempSync(join(tmpdir(), "tls-audit-online-cache-"));
});
afterEach(() => {
  vi.unstubAllEnvs();
});

const servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
async function registry(options: Parameters<typeof startRegistry>[0] = {}): Promise<Registry> {
  const server = await startRegistry(options);
  servers.push(server);
  return server;
}

async function run(dir: string, args: string[], options: { env?: Record<string, string>; stderrTTY?: boolean } = {}) {
  const stdout = new Capture();
  const stderr = new Capture(options.stderrTTY ?? false);
  const code = await main([...args, "."], { stdout, stderr, env: { TLS_AUDIT_CACHE_DIR: cacheDir, ...options.env }, cwd: dir, isTTY: false });
  expect(stderr.text).not.toMatch(/\n\s+at /); // never a stack trace
  expect(stderr.text).not.toContain("internal error");
  return { code, stdout: stdout.text, stderr: stderr.text };
}

async function json(dir: string, args: string[] = [], options: { env?: Record<string, string> } = {}) {
  const result = await run(dir, ["--format", "json", ...args], options);
  return { ...result, report: JSON.parse(result.stdout) as JsonReport };
}

const problem = (report: JsonReport, code: string) => report.problems.filter((p) => p.code === code);
const exitByFindings = (report: JsonReport) => (report.findings.some((f) => f.severity === "error") ? 1 : 0);

describe("--online: metadata from the sparse index changes the audit", () => {
  it("crates without local metadata are described by the registry: exact resolution, and a path that exists only where cargo builds it", async () => {
    const server = await registry();
    const dir = workspace(mirrorConfig(server.url));

    const offline = await json(dir, ["--explain"]);
    expect(server.requests).toEqual([]); // nothing without --online
    expect(offline.report.workspaces[0]!.resolution).toBe("partial");
    expect(offline.report.workspaces[0]!.providers?.online).toBeUndefined();

    const online = await json(dir, ["--online", "--explain"]);
    const ws = online.report.workspaces[0]!;
    expect(ws.resolution).toBe("exact");
    expect(ws.providers).toEqual({ online: AUDITED, local: 1 });
    // Each crate came from its own index file on the server, asked for once.
    for (const source of ws.sources!.filter((s) => s.provider === "online")) expect(source.origin).toBe(`${server.url}${pathOf(source.name)}`);
    expect(server.requests.map((r) => r.path).sort()).toEqual([...new Set(lockedRegistryCrates.map((p) => pathOf(p.name)))].sort());
    expect(server.requests.every((r) => r.userAgent?.startsWith("cargo-tls-audit/"))).toBe(true);

    // The finding is the same crate, now fully described: verified, and native-tls's openssl edge is
    // `cfg(not(any(windows, macos, ios)))` in its index entry, so the path no longer exists on Windows.
    const [before] = offline.report.findings;
    const [after] = online.report.findings;
    expect(after!.dependency).toBe(before!.dependency);
    expect(before!.platforms).toBeUndefined();
    expect(after!.platforms).toContain("x86_64-unknown-linux-gnu");
    expect(after!.platforms).not.toContain("x86_64-pc-windows-msvc");
    expect(after!.unverified).toBeUndefined();
    expect(after!.path.slice(1).map((s) => s.provider)).toEqual(after!.path.slice(1).map(() => "online"));
    expect(online.report.problems).toEqual([]);
    expect(online.code).toBe(exitByFindings(online.report));
    expect(online.stderr).toBe(""); // json: no progress, no summary
  });

  it("full online metadata is preferred over bundled knowledge, which is partial", async () => {
    const server = await registry();
    const dir = workspace(mirrorConfig(server.url));
    const offline = await json(dir, ["--explain"]);
    const knowledge = offline.report.workspaces[0]!.sources!.filter((s) => s.provider === "knowledge").map((s) => s.name);
    expect(knowledge.length).toBeGreaterThan(0);
    const online = await json(dir, ["--online", "--explain"]);
    const providerOf = new Map(online.report.workspaces[0]!.sources!.map((s) => [s.name, s.provider]));
    for (const name of knowledge) expect(providerOf.get(name)).toBe("online");
  });

  it("crates described locally are not fetched", async () => {
    const server = await registry();
    const dir = workspace(mirrorConfig(server.url), WIDE_BANS);
    // Cargo's own cache files for seven of the crates (fixtures/registry-formats) answer first.
    vi.stubEnv("CARGO_HOME", join(repo, "fixtures/registry-formats/cargo-home"));
    const { report } = await json(dir, ["--online"]);
    const local = report.workspaces[0]!.providers!["registry-src"]!;
    expect(local).toBeGreaterThan(0);
    expect(report.workspaces[0]!.providers!.online).toBe(WIDE - local);
    expect(server.requests).toHaveLength(WIDE - local);
  });

  it("only crates with a locked path to a crate the audit looks for are fetched; a configured ban widens that", async () => {
    const server = await registry();
    const { report } = await json(workspace(mirrorConfig(server.url)), ["--online"]);
    const asked = new Set(server.requests.map((r) => r.path));
    expect(asked).toEqual(new Set(lockedRegistryCrates.map((p) => pathOf(p.name))));
    // rayon and syn lead to no banned crate: nothing the audit decides depends on their metadata.
    expect(asked.has(pathOf("rayon"))).toBe(false);
    expect(asked.has(pathOf("syn"))).toBe(false);
    expect(report.workspaces[0]!.resolution).toBe("exact");

    const widened = await registry();
    const wide = await json(workspace(mirrorConfig(widened.url), WIDE_BANS), ["--online"]);
    expect(widened.requests).toHaveLength(WIDE);
    expect(WIDE).toBeGreaterThan(AUDITED);
    expect(wide.report.workspaces[0]!.providers!.online).toBe(WIDE);
  });
});

describe("--online: the response cache", () => {
  it("a second run revalidates with If-None-Match; 304s reuse the cached files and the report is identical", async () => {
    const server = await registry();
    const dir = workspace(mirrorConfig(server.url));
    const first = await run(dir, ["--online"]);
    expect(first.stderr).toContain(`fetched metadata of ${AUDITED} crates from the registry index (0 from cache)`);
    expect(server.requests.every((r) => r.ifNoneMatch === undefined)).toBe(true);
    const files = server.requests.length;

    const second = await run(dir, ["--online"]);
    const revalidations = server.requests.slice(files);
    expect(revalidations).toHaveLength(files);
    expect(revalidations.every((r) => r.ifNoneMatch?.startsWith('"'))).toBe(true);
    expect(server.notModified).toBe(files);
    expect(second.stdout).toBe(first.stdout);
    expect(second.code).toBe(first.code);
    expect(second.stderr).toContain(`fetched metadata of ${AUDITED} crates from the registry index (${AUDITED} from cache)`);
    // Cache files live under <TLS_AUDIT_CACHE_DIR>/index/<host>-<hash>/.
    expect(readdirSync(join(cacheDir, "index"))).toEqual([expect.stringMatching(/^127\.0\.0\.1_\d+-[0-9a-f]{16}$/)]);
  });

  it("a corrupted cache file is ignored and replaced, never fatal", async () => {
    const server = await registry();
    const dir = workspace(mirrorConfig(server.url));
    await run(dir, ["--online"]);
    const [registryDir] = readdirSync(join(cacheDir, "index"));
    const cached = join(cacheDir, "index", registryDir!, `${pathOf("native-tls")}.json`);
    writeFileSync(cached, "{ not json");
    const files = server.requests.length;
    const { report } = await json(dir, ["--online"]);
    expect(report.problems).toEqual([]);
    const again = server.requests.slice(files).find((r) => r.path === pathOf("native-tls"));
    expect(again?.ifNoneMatch).toBeUndefined(); // asked afresh
    expect(JSON.parse(readFileSync(cached, "utf8"))).toMatchObject({ format: 1, url: `${server.url}${pathOf("native-tls")}` });
  });

  it("when the registry cannot be reached, cached copies are used", async () => {
    const server = await registry();
    const dir = workspace(mirrorConfig(server.url));
    const first = await json(dir, ["--online"]);
    await server.close();
    const second = await json(dir, ["--online"], { env: { TLS_AUDIT_HTTP_TIMEOUT_MS: "500" } });
    expect(second.report.problems).toEqual([]);
    expect(second.stdout).toBe(first.stdout);
  });
});

describe("--online: failures degrade to a partial result and one warning", () => {
  it.each([404, 410, 451])("HTTP %i: the crate is absent, asked once, and keeps its locked edges", async (status) => {
    const server = await registry({ status: (path) => (path === pathOf("openssl") ? status : undefined) });
    const dir = workspace(mirrorConfig(server.url));
    const { report, code } = await json(dir, ["--online", "--explain"]);
    expect(problem(report, "online-index-partial")).toEqual([
      expect.objectContaining({ severity: "warning", message: `1 of ${AUDITED} crates could not be fetched from ${server.url}: HTTP ${status} (1)`, file: "Cargo.lock" }),
    ]);
    expect(server.requests.filter((r) => r.path === pathOf("openssl"))).toHaveLength(1); // not retried
    expect(report.workspaces[0]!.providers!.online).toBe(AUDITED - 1);
    // Nothing else describes openssl: its locked edges are kept, and the resolution says it is partial.
    expect(report.workspaces[0]!.sources!.find((s) => s.name === "openssl")?.provider).toBe("lockfile");
    expect(report.workspaces[0]!.resolution).toBe("partial");
    expect(code).toBe(exitByFindings(report));
  });

  it("a 5xx is retried", async () => {
    const server = await registry({ status: (path, nth) => (path === pathOf("openssl") && nth === 1 ? 503 : undefined) });
    const dir = workspace(mirrorConfig(server.url));
    const { report } = await json(dir, ["--online"]);
    expect(server.requests.filter((r) => r.path === pathOf("openssl"))).toHaveLength(2);
    expect(report.problems).toEqual([]);
    expect(report.workspaces[0]!.providers!.online).toBe(AUDITED);
  });

  it("a request that never gets an answer times out, after retries", async () => {
    const server = await registry({ hang: (path) => path === pathOf("openssl-sys") });
    const dir = workspace(mirrorConfig(server.url));
    const started = performance.now();
    const { report, code } = await json(dir, ["--online"], { env: { TLS_AUDIT_HTTP_TIMEOUT_MS: "300" } });
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(problem(report, "online-index-partial").map((p) => p.message)).toEqual([`1 of ${AUDITED} crates could not be fetched from ${server.url}: timeout after 300 ms (1)`]);
    expect(server.requests.filter((r) => r.path === pathOf("openssl-sys"))).toHaveLength(DEFAULT_FETCH_OPTIONS.retries + 1);
    expect(code).toBe(exitByFindings(report));
  });

  it("a malformed entry, and a version the index does not have", async () => {
    const nativeTls = lockedRegistryCrates.find((p) => p.name === "native-tls")!;
    const real = readFileSync(join(repo, "fixtures/online-index/index", pathOf("native-tls")), "utf8");
    const server = await registry({
      files: {
        [pathOf("native-tls")]: real.slice(0, real.length / 2), // cut in the middle of the locked version's line
        [pathOf("openssl")]: real.replaceAll(JSON.stringify(nativeTls.version), '"0.0.1"').replace('"native-tls"', '"openssl"'),
      },
    });
    const dir = workspace(mirrorConfig(server.url));
    const { report, code } = await json(dir, ["--online"]);
    expect(problem(report, "online-index-partial").map((p) => p.message)).toEqual([
      `2 of ${AUDITED} crates could not be fetched from ${server.url}: malformed index entry (1), version not in the index (1)`,
    ]);
    expect(report.findings.length).toBeGreaterThan(0);
    expect(code).toBe(exitByFindings(report));
  });

  it("a server that goes away midway: the audit runs with what was fetched, and the warning counts the rest", async () => {
    const server = await registry({ closeAfter: 10 });
    const dir = workspace(mirrorConfig(server.url), WIDE_BANS);
    const { report, code, stderr } = await json(dir, ["--online"], { env: { TLS_AUDIT_HTTP_TIMEOUT_MS: "1000" } });
    const online = report.workspaces[0]!.providers!.online ?? 0;
    expect(online).toBeGreaterThanOrEqual(1);
    expect(online).toBeLessThan(WIDE);
    const [warning] = problem(report, "online-index-partial");
    expect(warning?.message).toMatch(new RegExp(`^${WIDE - online} of ${WIDE} crates could not be fetched from ${server.url.replace(/\./g, "\\.")}: `));
    expect(warning?.message).toMatch(/connection (refused|reset)/);
    expect(report.workspaces[0]!.resolution).toBe("partial");
    expect(report.findings.length).toBeGreaterThan(0);
    expect(code).toBe(exitByFindings(report)); // a warning never makes exit 2
    expect(stderr).toContain("[online-index-partial]");
  });
});

describe("--online: which registry", () => {
  it("CARGO_REGISTRIES_<NAME>_INDEX names the registry that replace-with points at, over the config file", async () => {
    const server = await registry();
    const dead = await registry();
    await dead.close();
    const dir = workspace(`[source.crates-io]\nreplace-with = "corp-mirror"\n\n[registries.corp-mirror]\nindex = "sparse+${dead.url}"\n`);
    const { report } = await json(dir, ["--online"], { env: { CARGO_REGISTRIES_CORP_MIRROR_INDEX: `sparse+${server.url}` } });
    expect(report.workspaces[0]!.providers!.online).toBe(AUDITED);
    expect(report.problems).toEqual([]);
  });

  it("[registries.<name>] index in the config file", async () => {
    const server = await registry();
    const dir = workspace(`[source.crates-io]\nreplace-with = "corp-mirror"\n\n[registries.corp-mirror]\nindex = "sparse+${server.url}"\n`);
    const { report } = await json(dir, ["--online"]);
    expect(report.workspaces[0]!.providers!.online).toBe(AUDITED);
  });

  it("an invalid registry URL in the config is a warning naming the file, not a stack trace", async () => {
    const dir = workspace(`[source.crates-io]\nreplace-with = "m"\n\n[source.m]\nregistry = "sparse+http//missing-colon"\n`);
    const { report, code, stderr } = await json(dir, ["--online"]);
    expect(problem(report, "online-registry-invalid")).toEqual([
      expect.objectContaining({ severity: "warning", file: ".cargo/config.toml", message: '`source.m.registry`: "sparse+http//missing-colon" is not a valid URL' }),
    ]);
    expect(stderr).toContain('.cargo/config.toml: warning: `source.m.registry`: "sparse+http//missing-colon" is not a valid URL [online-registry-invalid]');
    expect(code).toBe(exitByFindings(report));
  });

  it("a git mirror cannot be fetched sparsely: skipped with a note", async () => {
    const dir = workspace(`[source.crates-io]\nreplace-with = "m"\n\n[source.m]\nregistry = "https://mirror.invalid/crates.io-index"\n`);
    const { report } = await json(dir, ["--online"]);
    expect(problem(report, "online-registry-unsupported").map((p) => p.message)).toEqual([
      expect.stringMatching(new RegExp(`^${AUDITED} crates from registry\\+https://github.com/rust-lang/crates.io-index not fetched: its index \\(https://mirror.invalid/crates.io-index\\) is a git repository`)),
    ]);
  });
});

describe("--online: proxies", () => {
  it("HTTP_PROXY carries every request; NO_PROXY exempts the host", async () => {
    const server = await registry();
    const proxy = await startProxy();
    servers.push(proxy);
    const dir = workspace(mirrorConfig(server.url));
    const through = await json(dir, ["--online"], { env: { HTTP_PROXY: proxy.url } });
    expect(through.report.workspaces[0]!.providers!.online).toBe(AUDITED);
    // http:// index URLs go to the proxy in absolute form, as curl sends them: every request is seen there.
    expect(proxy.forwarded.sort()).toEqual(server.requests.map((r) => `${server.url}${r.path}`).sort());
    expect(proxy.tunnels).toEqual([]);
    const before = proxy.forwarded.length;

    const direct = await json(workspace(mirrorConfig(server.url)), ["--online"], { env: { HTTP_PROXY: proxy.url, NO_PROXY: "127.0.0.1" } });
    expect(direct.report.workspaces[0]!.providers!.online).toBe(AUDITED);
    expect(proxy.forwarded.length).toBe(before);
  });

  it("CARGO_HTTP_PROXY wins over HTTP_PROXY, and [http] proxy in cargo's config is read", async () => {
    const server = await registry();
    const proxy = await startProxy();
    servers.push(proxy);
    const dead = await startProxy();
    await dead.close();
    const viaEnv = await json(workspace(mirrorConfig(server.url)), ["--online"], { env: { CARGO_HTTP_PROXY: proxy.url, HTTP_PROXY: dead.url } });
    expect(viaEnv.report.workspaces[0]!.providers!.online).toBe(AUDITED);
    const forwarded = proxy.forwarded.length;
    expect(forwarded).toBe(server.requests.length);

    const dir = workspace(`${mirrorConfig(server.url)}\n[http]\nproxy = "${proxy.url.replace("http://", "")}"\n`);
    const viaConfig = await json(dir, ["--online"]);
    expect(viaConfig.report.workspaces[0]!.providers!.online).toBe(AUDITED);
    expect(proxy.forwarded.length).toBe(server.requests.length);
  });

  it("an invalid proxy fetches nothing, with a warning", async () => {
    const server = await registry();
    const { report } = await json(workspace(mirrorConfig(server.url)), ["--online"], { env: { HTTP_PROXY: "http://[::" } });
    expect(problem(report, "online-proxy-invalid")).toHaveLength(1);
    expect(server.requests).toEqual([]);
  });
});

describe("--online: concurrency", () => {
  it("at most DEFAULT_FETCH_OPTIONS.concurrency requests are in flight at once", async () => {
    const server = await registry({ delayMs: 25 });
    const { report } = await json(workspace(mirrorConfig(server.url), WIDE_BANS), ["--online"]);
    expect(WIDE).toBeGreaterThan(2 * DEFAULT_FETCH_OPTIONS.concurrency);
    expect(report.workspaces[0]!.providers!.online).toBe(WIDE);
    expect(server.maxInFlight).toBeLessThanOrEqual(DEFAULT_FETCH_OPTIONS.concurrency);
    expect(server.maxInFlight).toBeGreaterThan(1);
  });
});

describe("--online: progress output", () => {
  it("a spinner on a terminal, in stylish mode", async () => {
    const server = await registry({ delayMs: 5 });
    const { stderr } = await run(workspace(mirrorConfig(server.url)), ["--online"], { stderrTTY: true });
    expect(stderr).toContain(`fetching crate metadata 0/${AUDITED}`);
    expect(stderr).toContain(`fetched metadata of ${AUDITED} crates`);
  });

  it.each([
    ["json", ["--format", "json"], true],
    ["sarif", ["--format", "sarif"], true],
    ["--quiet", ["--quiet"], true],
    ["stylish without a terminal", [], false],
  ])("none with %s", async (_label, args, stderrTTY) => {
    const server = await registry();
    const { stderr } = await run(workspace(mirrorConfig(server.url)), ["--online", ...(args as string[])], { stderrTTY: stderrTTY as boolean });
    expect(stderr).not.toContain("fetching crate metadata");
    expect(stderr).not.toContain("\u001b[");
    // Only people's stylish output gets the one-line summary.
    if ((args as string[]).length === 0) expect(stderr).toBe(`tls-audit: fetched metadata of ${AUDITED} crates from the registry index (0 from cache)\n`);
    else expect(stderr).toBe("");
  });
});

describe("--online: nothing is loaded or fetched without it", () => {
  /**
   * Runs the built CLI as users do, with hooks that report every network module it loads: ES module resolution
   * (undici and ora from node_modules, or the online modules of dist/src) and require(), which the bundle uses.
   */
  async function spawnCli(args: string[], cwd: string) {
    const hooks = mkdtempSync(join(tmpdir(), "tls-audit-hooks-"));
    const watched = String.raw`/\/(cli|host|registry)\/(online|http)\.js$|\/node_modules\/(undici|ora)\//`;
    writeFileSync(
      join(hooks, "hooks.mjs"),
      `import { writeSync } from "node:fs";
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  if (${watched}.test(result.url)) writeSync(2, "LOADED " + result.url + "\\n");
  return result;
}
`,
    );
    writeFileSync(
      join(hooks, "require.cjs"),
      `const Module = require("node:module");
const { writeSync } = require("node:fs");
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  const file = resolveFilename.call(this, request, ...rest);
  if (${watched}.test(file)) writeSync(2, "LOADED " + file + "\\n");
  return file;
};
`,
    );
    writeFileSync(join(hooks, "register.mjs"), `import { register } from "node:module";\nregister(${JSON.stringify(pathToFileURL(join(hooks, "hooks.mjs")).href)});\n`);
    // Asynchronous: the registry answering the child runs in this process.
    const child = spawn(process.execPath, ["--require", join(hooks, "require.cjs"), "--import", pathToFileURL(join(hooks, "register.mjs")).href, join(repo, "bin/tls-audit.js"), ...args], {
      cwd,
      env: { ...process.env, TLS_AUDIT_NO_CACHE: "1", TLS_AUDIT_CACHE_DIR: cacheDir },
    });
    let stderr = "";
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.stdout.resume();
    const status = await new Promise<number | null>((resolve) => child.on("close", resolve));
    return { status, stderr };
  }

  it("the online modules and undici are imported only with --online", async () => {
    const server = await registry();
    const dir = workspace(mirrorConfig(server.url));
    const without = await spawnCli(["--format", "json", "."], dir);
    expect(without.status).toBe(1);
    expect(without.stderr).not.toContain("LOADED");
    expect(server.requests).toEqual([]);
    const withOnline = await spawnCli(["--online", "--format", "json", "."], dir);
    expect(withOnline.status).toBe(1);
    // undici and ora, which only the online code requires, when it first runs.
    expect(withOnline.stderr).toMatch(/LOADED .*\/node_modules\/undici\//);
    expect(withOnline.stderr).toMatch(/LOADED .*\/node_modules\/ora\//);
    expect(server.requests.length).toBeGreaterThan(0);
  });
});

describe("fetchAll", () => {
  it("never throws: an unreachable host is a failure per job", async () => {
    const server = await registry();
    await server.close();
    const outcomes = await fetchAll([{ url: `${server.url}3/s/syn`, group: "g" }], {
      ...DEFAULT_FETCH_OPTIONS,
      retries: 1,
      backoffMs: 10,
      proxy: {},
      bypassProxy: () => false,
      userAgent: "test",
    });
    expect(outcomes.get(`${server.url}3/s/syn`)).toEqual({ kind: "failed", reason: "connection refused" });
  });

  it("stops asking a registry after failures in a row", async () => {
    const server = await registry({ status: () => 500 });
    const jobs = ["a1", "b1", "c1", "d1", "e1", "f1"].map((name) => ({ url: `${server.url}2/${name}`, group: "g" }));
    const outcomes = await fetchAll(jobs, { ...DEFAULT_FETCH_OPTIONS, concurrency: 1, retries: 0, backoffMs: 1, proxy: {}, bypassProxy: () => false, userAgent: "test" });
    const reasons = jobs.map((job) => (outcomes.get(job.url) as { reason: string }).reason);
    expect(reasons.slice(0, DEFAULT_FETCH_OPTIONS.breakerThreshold)).toEqual(Array(DEFAULT_FETCH_OPTIONS.breakerThreshold).fill("HTTP 500"));
    expect(reasons.slice(DEFAULT_FETCH_OPTIONS.breakerThreshold).every((r) => r.startsWith("not attempted after"))).toBe(true);
    expect(server.requests).toHaveLength(DEFAULT_FETCH_OPTIONS.breakerThreshold);
  });
});
