#!/usr/bin/env node
// Issue 16's start-up question, kept runnable: builds a V8 start-up snapshot of the loaded CLI (`node
// --build-snapshot`) into a temporary directory and times it against the code cache the CLI uses today
// (src/cli/bundle-loader.ts), interleaved, with peak RSS. The outcome is in docs/decisions.md, "Start-up snapshot".
//
//   SNAPSHOT_RUNS=15     measured runs per row, after one warm-up run each
//   SNAPSHOT_ONLY=a,b    only rows whose label contains one of these substrings (the floor always runs)
//
// Needs `npm run build` (dist/), esbuild (a dev dependency) and Node's v8.startupSnapshot; without one of them it
// says what is missing and exits 0. GNU time gives the peak RSS and CPU time; without it those columns stay empty.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import v8 from "node:v8";

const repo = join(dirname(fileURLToPath(import.meta.url)), "../..");
const dist = join(repo, "dist");
const bin = join(repo, "bin/tls-audit.js");
const runs = Number(process.env.SNAPSHOT_RUNS ?? 15);
const only = (process.env.SNAPSHOT_ONLY ?? "").toLowerCase().split(",").filter(Boolean);

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function skip(reason) {
  console.log(`bench/snapshot: skipped: ${reason}`);
  process.exit(0);
}

if (typeof v8.startupSnapshot?.setDeserializeMainFunction !== "function") skip(`Node ${process.version} has no v8.startupSnapshot`);
for (const file of ["cli/cli.cjs", "src/cli/startup.js", "build-id"]) {
  if (!existsSync(join(dist, file))) skip(`dist/${file} is missing: run \`npm run build\` first`);
}
let esbuild;
try {
  esbuild = await import("esbuild");
} catch {
  skip("esbuild (a dev dependency) is not installed");
}
const timeBin = spawnSync("/usr/bin/time", ["-f", "%M", "true"]).status === 0 ? "/usr/bin/time" : undefined;

const tmp = mkdtempSync(join(tmpdir(), "tls-audit-snapshot-"));
process.on("exit", () => rmSync(tmp, { recursive: true, force: true }));
process.on("SIGINT", () => process.exit(130));

// ---- The snapshot's entry script ----
// The start-up module as bin/tls-audit.js runs it (nothing to check, the run cache, output guards), bundled again
// with its bundle loader replaced: the CLI it hands out is the one already evaluated in the snapshot.
const startupFile = join(tmp, "startup-snapshot.cjs");
await esbuild.build({
  entryPoints: [join(dist, "src/cli/startup.js")],
  outfile: startupFile,
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20.19",
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: "warning",
  plugins: [
    {
      name: "snapshotted-cli",
      setup(build) {
        build.onResolve({ filter: /\/bundle-loader\.js$/ }, () => ({ path: "bundle-loader", namespace: "snapshot" }));
        build.onLoad({ filter: /.*/, namespace: "snapshot" }, () => ({
          contents: "export function loadBundle() { return { exports: globalThis.__tlsAuditSnapshotCli, fromCache: true, save() {} }; }",
          loader: "js",
        }));
      },
    },
  ],
});

/**
 * The snapshot builder has no SharedArrayBuffer (V8 cannot serialise one; Node puts it back after deserialising),
 * and src/host/write.ts makes one at load for writeFully's `Atomics.wait`: it is made on first use instead.
 */
function snapshotable(source) {
  const eager = "pause=new Int32Array(new SharedArrayBuffer(4))";
  const wait = "Atomics.wait(pause,0,0,5)";
  if (!source.includes(eager) || !source.includes(wait)) console.log("note: write.ts's SharedArrayBuffer is not where it was: the build may fail");
  return source.replace(eager, "pause=void 0").replace(wait, "Atomics.wait(pause??=new Int32Array(new SharedArrayBuffer(4)),0,0,5)");
}

/**
 * The text of a CommonJS file wrapped as `require` would run it. The snapshot builder's own `require` knows only
 * Node's built-in modules (user modules cannot be snapshotted yet), so the files are inlined into the entry script;
 * what the CLI requires from node_modules (undici, ora, for --online only) is required at run time instead.
 */
function inlineModule(file) {
  return `(() => {
  const module = { exports: {} };
  const file = ${JSON.stringify(file)};
  let userRequire;
  const requireAny = (id) => id.startsWith("node:") ? require(id) : (userRequire ??= process.getBuiltinModule("node:module").createRequire(file))(id);
  (function (exports, require, module, __filename, __dirname) {${snapshotable(readFileSync(file, "utf8"))}
  })(module.exports, requireAny, module, file, ${JSON.stringify(dirname(file))});
  return module.exports;
})()`;
}

/** The entry script; `warmUp` is a workspace the builder audits before the snapshot is taken, or none. */
function entryScript(warmUp) {
  const warm = warmUp
    ? `
// An audit before the snapshot is taken compiles the functions an audit calls, and the blob keeps their code,
// as the code cache keeps what a whole run compiled. Its report goes to a sink: the builder's own output is no place
// for it, and process.stdout would be a stream made at build time.
const { Writable } = require("node:stream");
const sink = () => new Writable({ write: (_chunk, _encoding, done) => done() });
globalThis.__tlsAuditSnapshotCli.main(["--format", "json", ${JSON.stringify(warmUp)}], { stdout: sink(), stderr: sink(), env: process.env, cwd: process.cwd(), isTTY: false }).then((code) => {
  if (code === 2) throw new Error("the warm-up audit could not do its job");
});
`
    : "";
  return `"use strict";
globalThis.__tlsAuditSnapshotCli = ${inlineModule(join(dist, "cli/cli.cjs"))};
const { run } = ${inlineModule(startupFile)};
${warm}
require("node:v8").startupSnapshot.setDeserializeMainFunction(() => {
  // As bin/tls-audit.js does; a snapshot's process.argv has no script path: [node, ...args].
  run(process.argv.slice(1), ${JSON.stringify(dist)}).then(
    (code) => { process.exitCode = code; },
    (error) => {
      process.stderr.write("tls-audit: internal error, please report: " + String(error?.message ?? error).split("\\n")[0] + "\\n");
      process.exitCode = 2;
    },
  );
});
`;
}

/** How many times each blob is built, for the build's time (what an install or a first run would wait). */
const BUILDS = 5;

/** Builds a blob BUILDS times; returns its path, size and the builds' wall times, or the builder's complaint. */
function buildBlob(name, warmUp) {
  const entry = join(tmp, `${name}.cjs`);
  const blob = join(tmp, `${name}.blob`);
  writeFileSync(entry, entryScript(warmUp));
  const times = [];
  let warnings = [];
  for (let i = 0; i < BUILDS; i++) {
    rmSync(blob, { force: true });
    const start = process.hrtime.bigint();
    const built = spawnSync(process.execPath, ["--snapshot-blob", blob, "--build-snapshot", entry], { encoding: "utf8", env: cleanEnv({ TLS_AUDIT_NO_CACHE: "1" }) });
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
    if (built.status !== 0 || !existsSync(blob)) return { name, error: `exit ${built.status}: ${(built.stderr ?? "").trim().slice(-600)}` };
    // Node names each built-in module it has not verified in a snapshot; they are worth seeing once.
    warnings = [...new Set(built.stderr.split("\n").filter((line) => /Warning/.test(line)).map((line) => line.replace(/^\(node:\d+\) /, "")))];
  }
  return { name, blob, times, bytes: statSync(blob).size, warnings };
}
const describeBuilds = (b) => `${(b.bytes / 1048576).toFixed(1)} MB, built ${b.times.length} times in median ${median(b.times).toFixed(0)} ms (min ${Math.min(...b.times).toFixed(0)})`;

// Rows control the caches explicitly, so a TLS_AUDIT_* variable in the caller's shell must not leak into them.
function cleanEnv(extra) {
  return { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("TLS_AUDIT_"))), ...extra };
}

// ---- Rows ----
const vector = join(repo, "../shared/corpus/vectordotdev__vector");
const demo = join(repo, "fixtures/demo");
const workloads = [
  ["--version", ["--version"]],
  ["demo", ["--format", "json", demo]],
  ...(existsSync(vector) ? [["vector", ["--format", "json", vector]]] : []),
];
if (!existsSync(vector)) console.log(`note: ${vector} is missing: no vector rows`);

// The warmed blob audits a workspace none of the rows audits, as a blob built at install time would have to.
const warmUp = join(repo, "fixtures/registry-formats/workspace");
const blobs = [buildBlob("snapshot", undefined), ...(existsSync(warmUp) ? [buildBlob("snapshot-warm", warmUp)] : [])];
for (const b of blobs) {
  if (b.error) console.log(`note: building ${b.name} failed: ${b.error}`);
  else console.log(`built ${b.name}: ${describeBuilds(b)}${b.warnings.map((w) => `\n  ${w}`).join("")}`);
}
const usable = blobs.filter((b) => !b.error);
if (usable.length === 0) skip("no snapshot could be built");

// What a user's `tls-audit` would have to do without a flag in its shebang: start node again, with the blob.
const respawn = join(tmp, "respawn.cjs");
writeFileSync(
  respawn,
  `"use strict";
const { spawnSync } = require("node:child_process");
const r = spawnSync(process.execPath, ["--snapshot-blob", process.env.SNAPSHOT_BLOB, "--", ...process.argv.slice(2)], { stdio: "inherit" });
process.exitCode = r.status ?? 2;
`,
);
// Or, on POSIX only, a shell script in its place: npm links a bin as it is, but its Windows shims would need sh.
const shWrapper = join(tmp, "tls-audit.sh");
writeFileSync(shWrapper, `#!/bin/sh\nexec "${process.execPath}" --snapshot-blob "$SNAPSHOT_BLOB" -- "$@"\n`, { mode: 0o755 });

// Each workload gets its own code cache, written by its warm-up run: the code cache at its best for that workload.
const rows = [["node -e 0", () => ({ args: ["-e", "0"], env: cleanEnv() })]];
for (const [label, args] of workloads) {
  const cacheDir = join(tmp, `cache-${label.replace(/\W/g, "")}`);
  mkdirSync(cacheDir, { recursive: true });
  const env = cleanEnv({ TLS_AUDIT_NO_CACHE: "1", TLS_AUDIT_CACHE_DIR: cacheDir });
  rows.push([`${label}: code cache (bin/tls-audit.js)`, () => ({ args: [bin, ...args], env })]);
  for (const b of usable) {
    rows.push([`${label}: ${b.name} (node --snapshot-blob)`, () => ({ args: ["--snapshot-blob", b.blob, "--", ...args], env })]);
  }
  const wrapped = usable.at(-1);
  const withBlob = { ...env, SNAPSHOT_BLOB: wrapped.blob };
  rows.push([`${label}: ${wrapped.name} re-spawned by a bin`, () => ({ args: [respawn, ...args], env: withBlob })]);
  rows.push([`${label}: ${wrapped.name} by a sh script`, () => ({ cmd: shWrapper, args, env: withBlob })]);
}
const chosen = rows.filter(([label], i) => i === 0 || only.length === 0 || only.some((o) => label.toLowerCase().includes(o)));

/**
 * One cold process: wall time, and from GNU time its peak RSS (KB) and CPU time (user + system, 10 ms steps; less
 * disturbed than wall time by other load on a shared machine), exit code and standard output.
 */
function measure({ cmd = process.execPath, args, env }) {
  const [file, argv] = timeBin ? [timeBin, ["-f", "%M %U %S", cmd, ...args]] : [cmd, args];
  const start = process.hrtime.bigint();
  const run = spawnSync(file, argv, { cwd: repo, env, encoding: "utf8", maxBuffer: 256 << 20 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const [rssKb, user, system] = timeBin ? run.stderr.trim().split("\n").at(-1).split(" ").map(Number) : [NaN, NaN, NaN];
  return { ms, rssKb, cpuMs: (user + system) * 1000, status: run.status, stdout: run.stdout, stderr: run.stderr };
}

// Each snapshot row must answer as the code-cache row of its workload does, byte for byte, before it is timed.
const answers = new Map();
for (const [label, row] of chosen) {
  const r = measure(row());
  const workload = label.split(":")[0];
  const stderr = timeBin ? r.stderr.trim().split("\n").slice(0, -1).join("\n") : r.stderr.trim();
  if (label === "node -e 0") continue;
  if (!answers.has(workload)) answers.set(workload, { status: r.status, stdout: r.stdout, stderr });
  const want = answers.get(workload);
  if (r.status !== want.status || r.stdout !== want.stdout || stderr !== want.stderr) {
    console.log(`MISMATCH ${label}: exit ${r.status} (want ${want.status}), stdout ${r.stdout.length} chars (want ${want.stdout.length}); stderr: ${stderr.slice(0, 400)}`);
    process.exitCode = 1;
  }
}

const samples = new Map(chosen.map(([label]) => [label, []]));
const before = loadavg();
const startedAt = new Date();
for (let i = 0; i < runs; i++) {
  // Interleaved, and rotated so that no row always follows the same one.
  for (let j = 0; j < chosen.length; j++) {
    const [label, row] = chosen[(i + j) % chosen.length];
    samples.get(label).push(measure(row()));
  }
}
const after = loadavg();

console.log(`\n${startedAt.toISOString()}, Node ${process.version}, ${cpus().length} cores, ${runs} interleaved runs per row`);
console.log(`load average (1/5/15 min) before ${before.map((x) => x.toFixed(2)).join(" ")}, after ${after.map((x) => x.toFixed(2)).join(" ")}`);
for (const b of usable) console.log(`${b.name}: ${describeBuilds(b)}`);
console.log("\n| row | median ms | min ms | median CPU ms | median peak RSS MB |\n|---|---|---|---|---|");
for (const [label, xs] of samples) {
  const rss = xs.map((x) => x.rssKb).filter(Number.isFinite);
  const cpu = xs.map((x) => x.cpuMs).filter(Number.isFinite);
  const codes = [...new Set(xs.map((x) => x.status))].join(",");
  console.log(`| ${label} | ${median(xs.map((x) => x.ms)).toFixed(0)} | ${Math.min(...xs.map((x) => x.ms)).toFixed(0)} | ${cpu.length ? median(cpu).toFixed(0) : "–"} | ${rss.length ? (median(rss) / 1024).toFixed(0) : "–"} |${codes === "0" || codes === "1" ? "" : ` exit ${codes}`}`);
}
