#!/usr/bin/env node
// `npm run bench`: whole-process cold runs of the built CLI next to `node -e 0` (the floor) and, on the same
// Debian-registry workspaces, next to cargo. Checks the targets of issue 6 and, for runs after a manifest edit, those of
// issue 16 (each run paired with its reference, the median of per-pair ratios); writes bench/results/latest.{json,md}.
//
//   BENCH_RUNS=10        measured runs per row, after one warm-up run each (the issue asks for at least 10)
//   BENCH_ONLY=a,b       only rows whose label contains one of these substrings (case-insensitive); the floor always runs
import { spawnSync } from "node:child_process";
import { appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { DEBIAN_LARGE_SUITE, generateDebianLarge } from "./debian-large.mjs";
import { generate } from "./synthetic.mjs";

const repo = join(dirname(fileURLToPath(import.meta.url)), "..");
const corpus = join(repo, "../shared/corpus");
const oracle = join(repo, "fixtures/cargo-oracle");
const bin = join(repo, "bin/tls-audit.js");
const runs = Number(process.env.BENCH_RUNS ?? 10);
const only = (process.env.BENCH_ONLY ?? "").toLowerCase().split(",").filter(Boolean);
const tmp = mkdtempSync(join(tmpdir(), "tls-audit-bench-"));
process.on("exit", () => rmSync(tmp, { recursive: true, force: true }));
process.on("SIGINT", () => process.exit(130)); // so Ctrl-C still removes the temp workspaces (20k synthetic packages)

const notes = [];
function note(text) {
  notes.push(text);
  console.log(`note: ${text}`);
}

// Rows control the cache explicitly, so a TLS_AUDIT_* variable in the caller's shell must not leak into them.
const baseEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("TLS_AUDIT_")));
const NO_CACHE = { TLS_AUDIT_NO_CACHE: "1" };
// Also without the CLI's compiled code kept between runs (src/cli/bundle-loader.ts): a run right after an install.
const NO_CACHE_AT_ALL = { ...NO_CACHE, TLS_AUDIT_NO_CODE_CACHE: "1" };

const timeBin = spawnSync("/usr/bin/time", ["-f", "%M", "true"]).status === 0 ? "/usr/bin/time" : undefined;
// Without GNU time, node children report their own peak RSS at exit (process.resourceUsage); other commands get none.
const RSS_HOOK = `data:text/javascript,process.on("exit",()=>process.stderr.write("\\n"+process.resourceUsage().maxRSS+"\\n"))`;

/** One cold process: wall time from spawn to exit, peak RSS in MB (last stderr line, from GNU time or the hook). */
function measure({ cmd, args, cwd, env, ok }) {
  const [file, argv] = timeBin ? [timeBin, ["-f", "%M", cmd, ...args]] : cmd === process.execPath ? [cmd, ["--import", RSS_HOOK, ...args]] : [cmd, args];
  const start = process.hrtime.bigint();
  const run = spawnSync(file, argv, { cwd, env: { ...baseEnv, ...env }, encoding: "utf8", maxBuffer: 256 << 20 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (!ok.includes(run.status)) throw new Error(`exited ${run.status}: ${(run.stderr ?? String(run.error)).slice(-800)}`);
  const rssKb = Number(run.stderr.trim().split("\n").at(-1));
  return { ms, rssMb: Number.isFinite(rssKb) && (timeBin || cmd === process.execPath) ? rssKb / 1024 : NaN, status: run.status };
}

const median = (xs) => (xs.length % 2 ? xs[xs.length >> 1] : (xs[xs.length / 2 - 1] + xs[xs.length / 2]) / 2);

function stats(samples) {
  const times = samples.map((s) => s.ms).sort((a, b) => a - b);
  const rss = samples.map((s) => s.rssMb).filter(Number.isFinite);
  return { runs: samples.length, medianMs: median(times), minMs: times[0], maxMs: times.at(-1), peakRssMb: rss.length ? Math.max(...rss) : null, exitCodes: [...new Set(samples.map((s) => s.status))] };
}

/** Memoised preparation shared by several rows (a workspace copy, a registry). */
function once(fn) {
  const memo = new Map();
  return (...key) => {
    const k = key.join("/");
    if (!memo.has(k)) memo.set(k, fn(...key));
    return memo.get(k);
  };
}
const nonEmpty = (dir) => existsSync(dir) && readdirSync(dir).length > 0;
/** A tls-audit run (exit 1 = findings); real work unless `env` selects the cache. */
const tlsAudit = (args, { cwd, env = NO_CACHE } = {}) => ({ cmd: process.execPath, args: [bin, ...args], cwd, env, ok: [0, 1] });

// ---- Debian-registry workspaces (the differential suite's cases, fixtures/cargo-oracle) ----
// Registry location as scripts/cargo-oracle/generate.py and judge-fixes.py use it.
const registryRoot = process.env.DIFF_REGISTRY_ROOT ?? "/tmp/tls-audit-oracle-registry";
const cargoHome = join(tmp, "cargo-home"); // keeps the user's ~/.cargo out of both cargo and tls-audit
// The real cargo binary, not the rustup proxy: the proxy's ~20 ms would flatter the ratio.
const cargoBin = (() => {
  const which = spawnSync("rustup", ["which", "cargo"], { encoding: "utf8" });
  const cmd = which.status === 0 ? which.stdout.trim() : "cargo";
  const version = spawnSync(cmd, ["--version"], { encoding: "utf8" });
  return version.status === 0 ? { cmd, version: version.stdout.trim() } : undefined;
})();
if (!cargoBin) note("cargo rows skipped: cargo is not installed");

const debianRegistry = once((suite) => {
  const dir = join(registryRoot, suite);
  if (!nonEmpty(dir)) {
    // generate.py builds a missing registry (its crate list, ../shared/tools/debian-crates); --collect-only into a
    // throwaway --out does only that.
    console.log(`building the ${suite} Debian registry in ${dir} (network)…`);
    const args = [join(repo, "scripts/cargo-oracle/generate.py"), "--registry-root", registryRoot, "--collect-only", "--out", join(tmp, "oracle-out"), suite];
    const built = spawnSync("python3", args, { encoding: "utf8" });
    if (!nonEmpty(dir)) return note(`Debian ${suite} rows skipped: registry ${dir} missing and could not be built (${(built.stderr || String(built.error)).trim().split("\n").at(-1)})`);
  }
  return dir;
});

/** Points a copy of fixtures at the Debian registry, as judge-fixes.py does; cargo and tls-audit both read it. */
function pointAt(dir, registry) {
  mkdirSync(join(dir, ".cargo"), { recursive: true });
  writeFileSync(join(dir, ".cargo/config.toml"), `[source.crates-io]\nreplace-with = "debian"\n[source.debian]\ndirectory = "${registry}"\n[net]\noffline = true\n`);
}

/**
 * A temp copy of one case (nothing is written into fixtures/, cargo may write into the workspace). A `variant` gets a
 * copy of its own, so that rows which edit it leave the others' (cached) runs alone.
 */
const debianCase = once((suite, name, variant = "") => {
  const registry = debianRegistry(suite);
  if (!registry) return;
  const ws = join(tmp, variant ? `debian-${variant}` : "debian", suite, name);
  cpSync(join(oracle, suite, "cases", name), ws, { recursive: true });
  rmSync(join(ws, "expected.json"));
  pointAt(ws, registry);
  return ws;
});

const TREE_ARGS = ["tree", "--offline", "-e", "features", "-i", "openssl-sys", "--target", "all"];
const cargoRow = (suite, name, args) => () => {
  if (!cargoBin) return;
  const ws = debianCase(suite, name);
  return ws && { cmd: cargoBin.cmd, args, cwd: ws, env: { CARGO_HOME: cargoHome }, ok: [0] };
};

// The largest reqwest case of each suite (by locked packages); each has openssl-sys in its lock, so `cargo tree -i` has work.
const DEBIAN = [["bookworm", "reqwest-21"], ["trixie", "reqwest-21"], ["sid", "reqwest-22"]];
const AGGREGATE_SUITE = "bookworm";

// ---- rows: label (what BENCH_ONLY matches) and a lazy spec, prepared only when the row is selected ----
const FLOOR = "node -e 0 (floor)";
const floorSpec = () => ({ cmd: process.execPath, args: ["-e", "0"], ok: [0] });
const rows = [[FLOOR, floorSpec]];
// Lower bounds of our own: start-up with the CLI loaded, and (per workspace, below) reading and parsing the TOML
// any audit must read, with nothing else done. They show how much of a target's budget is left for the audit.
const STARTUP = "tls-audit --version (start-up, CLI loaded)";
rows.push([STARTUP, () => ({ cmd: process.execPath, args: [bin, "--version"], ok: [0] })]);
const parseOnlyLabel = (workspace) => `${workspace}: read and parse its TOML only (lower bound)`;
const parseOnly = (dir) => ({ cmd: process.execPath, args: [join(repo, "bench/parse-only.cjs"), dir], ok: [0] });

// Nothing to check: a pre-commit hook handing over only non-Cargo files, inside a big workspace (a vector copy
// with the README.md and src/lib.rs the corpus trimmed); and re-runs answered from the on-disk result cache.
rows.push(["nothing to check: pre-commit README.md src/lib.rs (vector)", () => {
  if (!existsSync(join(corpus, "vectordotdev__vector"))) return note("pre-commit row skipped: ../shared/corpus/vectordotdev__vector missing");
  const ws = join(tmp, "precommit");
  cpSync(join(corpus, "vectordotdev__vector"), ws, { recursive: true });
  mkdirSync(join(ws, "src"), { recursive: true });
  writeFileSync(join(ws, "README.md"), "# vector\n");
  writeFileSync(join(ws, "src/lib.rs"), "");
  return tlsAudit(["README.md", "src/lib.rs"], { cwd: ws });
}]);
const cached = (dir) => () => existsSync(dir) ? tlsAudit(["--format", "json", dir], { env: { TLS_AUDIT_CACHE_DIR: mkdtempSync(join(tmp, "cache-")) } }) : note(`${dir} missing`);
rows.push(["vector (cached, unchanged lock)", cached(join(corpus, "vectordotdev__vector"))]);
rows.push(["demo (cached)", cached(join(repo, "fixtures/demo"))]);

rows.push(["demo (exact)", () => tlsAudit(["--format", "json", join(repo, "fixtures/demo")])]);
for (const ws of ["vectordotdev__vector", "denoland__deno", "nushell__nushell"]) {
  const dir = join(corpus, ws);
  const ifThere = (args) => () => (existsSync(dir) ? tlsAudit(args) : note(`${ws} rows skipped: ${dir} missing`));
  rows.push([`${ws} (resolved)`, ifThere(["--format", "json", dir])]);
  if (ws === "vectordotdev__vector") rows.push([parseOnlyLabel(ws), () => (existsSync(dir) ? parseOnly(dir) : undefined)]);
  if (ws === "vectordotdev__vector") rows.push([`${ws} (resolved, no code cache)`, () => (existsSync(dir) ? tlsAudit(["--format", "json", dir], { env: NO_CACHE_AT_ALL }) : undefined)]);
  rows.push([`${ws} (--lockfile-only)`, ifThere(["--format", "json", "--lockfile-only", dir])]);
}

for (const [suite, name] of DEBIAN) {
  const label = `debian ${suite}/${name}`;
  rows.push([`${label}: tls-audit`, () => {
    const ws = debianCase(suite, name);
    return ws && tlsAudit(["--format", "json", "."], { cwd: ws, env: { ...NO_CACHE, CARGO_HOME: cargoHome } });
  }]);
  rows.push([parseOnlyLabel(label), () => {
    const ws = debianCase(suite, name);
    return ws && parseOnly(ws);
  }]);
  rows.push([`${label}: tls-audit (no code cache)`, () => {
    const ws = debianCase(suite, name);
    return ws && tlsAudit(["--format", "json", "."], { cwd: ws, env: { ...NO_CACHE_AT_ALL, CARGO_HOME: cargoHome } });
  }]);
  // Real work with the parsed crate manifests kept from the warm-up (what a hook meets after a manifest edit):
  // --timings keeps the run out of the run cache and only adds a few lines on stderr.
  rows.push([`${label}: tls-audit (crate manifests cached)`, () => {
    const ws = debianCase(suite, name);
    return ws && tlsAudit(["--format", "json", "--timings", "."], { cwd: ws, env: { CARGO_HOME: cargoHome, TLS_AUDIT_CACHE_DIR: mkdtempSync(join(tmp, "cache-")) } });
  }]);
  // The same audit answered by the run cache (an unchanged workspace, as in a hook): reported apart, never as the
  // real-work figure.
  rows.push([`${label}: tls-audit (cached)`, () => {
    const ws = debianCase(suite, name);
    return ws && tlsAudit(["--format", "json", "."], { cwd: ws, env: { CARGO_HOME: cargoHome, TLS_AUDIT_CACHE_DIR: mkdtempSync(join(tmp, "cache-")) } });
  }]);
  rows.push([`${label}: cargo tree -e features -i openssl-sys`, cargoRow(suite, name, TREE_ARGS)]);
  rows.push([`${label}: cargo metadata`, cargoRow(suite, name, ["metadata", "--offline", "--format-version", "1"])]);
}
const aggregateCases = readdirSync(join(oracle, AGGREGATE_SUITE, "cases")).sort();
rows.push([`debian ${AGGREGATE_SUITE}: all ${aggregateCases.length} cases, one tls-audit process`, () => {
  const registry = debianRegistry(AGGREGATE_SUITE);
  if (!registry) return;
  const dir = join(tmp, "debian-all", AGGREGATE_SUITE);
  cpSync(join(oracle, AGGREGATE_SUITE, "cases"), dir, { recursive: true });
  pointAt(dir, registry); // one config above all cases: tls-audit, like cargo, reads .cargo/config.toml of ancestors
  return tlsAudit(["--format", "json", ...aggregateCases], { cwd: dir, env: { ...NO_CACHE, CARGO_HOME: cargoHome } });
}]);

// Scale: synthetic workspaces of growing size (bench/synthetic.mjs), members growing with them.
const SCALE = [[2000, 10], [5000, 50], [20000, 300]];
const scaleLabel = (packages, members) => `synthetic ${packages / 1000}k packages, ${members} members`;
const lockedPackages = new Map();
for (const [packages, members] of SCALE) {
  rows.push([scaleLabel(packages, members), () => {
    const dir = join(tmp, `synthetic-${packages}`);
    lockedPackages.set(scaleLabel(packages, members), generate(dir, { packages, members }).packages);
    return tlsAudit(["--format", "json", dir]);
  }]);
}

// ---- after an edit (issue 16): real work with the crate manifests cached, each run paired with its reference ----
// Before every run a comment line is appended to the workspace's root Cargo.toml, so the run cache (a replay of an
// unchanged run) cannot answer, while the parsed crate manifests kept in the row's own cache dir still can (vector's
// are on disk only when $CARGO_HOME/registry/src holds them; otherwise its crates' data are the bundled knowledge).
// Each audit run is paired with a run of the reference, in alternating order, and the row reports the median of the
// per-pair ratios: a burst of load on this shared machine then falls on both halves of a pair alike.
const AFTER_EDIT = "after an edit";
const lockedCount = (dir) => readFileSync(join(dir, "Cargo.lock"), "utf8").match(/^\[\[package\]\]$/gm)?.length ?? 0;
/** Appends `# bench edit N` to the root manifest: every audit reads it, and its size and time change each time. */
function editor(ws) {
  let n = 0;
  return () => appendFileSync(join(ws, "Cargo.toml"), `# bench edit ${++n}\n`);
}
const pairedRows = [];
pairedRows.push({ label: `vector ${AFTER_EDIT}: tls-audit ÷ node -e 0`, target: "vector after an edit ≤ 2.0× node -e 0", limit: 2, prepare: () => {
  const src = join(corpus, "vectordotdev__vector");
  if (!existsSync(src)) return note(`vector ${AFTER_EDIT} skipped: ${src} missing`);
  const ws = join(tmp, "vector-edit");
  cpSync(src, ws, { recursive: true });
  const cacheDir = mkdtempSync(join(tmp, "cache-"));
  const audit = tlsAudit(["--format", "json", ws], { env: { TLS_AUDIT_CACHE_DIR: cacheDir } });
  return { workspace: "vectordotdev__vector", reference: "node -e 0", audit, ref: floorSpec(), ws, cacheDir, lockedPackages: lockedCount(ws) };
} });
/** A Debian row's pair in `ws`: tls-audit with the row's own crate-metadata cache, and cargo tree. */
function debianPair(ws, workspace, lockedPackages) {
  const cacheDir = mkdtempSync(join(tmp, "cache-"));
  const audit = tlsAudit(["--format", "json", "."], { cwd: ws, env: { CARGO_HOME: cargoHome, TLS_AUDIT_CACHE_DIR: cacheDir } });
  const ref = { cmd: cargoBin.cmd, args: TREE_ARGS, cwd: ws, env: { CARGO_HOME: cargoHome }, ok: [0] };
  return { workspace, reference: `cargo ${TREE_ARGS.join(" ")}`, audit, ref, ws, cacheDir, lockedPackages };
}
// The case of fixtures/cargo-oracle with the most locked packages (148; every case of every suite counted) that has
// openssl-sys in its lock, so `cargo tree -i` has work: a root package that is also the workspace, with a path member.
const [EDIT_SUITE, EDIT_CASE] = ["trixie", "octocrab-22"];
const editCaseDir = join(oracle, EDIT_SUITE, "cases", EDIT_CASE);
const editCasePackages = existsSync(editCaseDir) ? lockedCount(editCaseDir) : "?";
pairedRows.push({
  label: `debian ${EDIT_SUITE}/${EDIT_CASE} (${editCasePackages} packages) ${AFTER_EDIT}: tls-audit ÷ cargo tree`,
  target: `Debian ${editCasePackages}-package workspace after an edit ≤ 0.5× cargo tree -e features -i openssl-sys --target all`,
  limit: 0.5,
  prepare: () => {
    if (!cargoBin) return; // noted once above
    if (!existsSync(editCaseDir)) return note(`${EDIT_SUITE}/${EDIT_CASE} ${AFTER_EDIT} skipped: ${editCaseDir} missing (fixtures regenerated? pick the largest case again)`);
    const ws = debianCase(EDIT_SUITE, EDIT_CASE, "edit");
    return ws && debianPair(ws, `debian ${EDIT_SUITE}/${EDIT_CASE}`, editCasePackages);
  },
});
// Issue 16's own size: a ≈300-package workspace over a Debian registry, written and locked by cargo at bench time
// (bench/debian-large.mjs), since no committed case comes near it.
const LARGE = `debian ${DEBIAN_LARGE_SUITE} ≈300-package workspace`;
pairedRows.push({
  label: `${LARGE} ${AFTER_EDIT}: tls-audit ÷ cargo tree`,
  target: `Debian ≈300-package workspace after an edit ≤ 0.5× cargo tree -e features -i openssl-sys --target all`,
  limit: 0.5,
  prepare: () => {
    if (!cargoBin) return;
    const registry = debianRegistry(DEBIAN_LARGE_SUITE);
    if (!registry) return;
    const ws = join(tmp, "debian-large");
    pointAt(ws, registry);
    let lockedPackages;
    try {
      lockedPackages = generateDebianLarge(ws, { cargo: cargoBin.cmd, env: { ...baseEnv, CARGO_HOME: cargoHome } });
    } catch (error) {
      return note(`${LARGE} ${AFTER_EDIT} skipped: ${error.message}`);
    }
    if (lockedPackages < 280 || lockedPackages > 320) note(`${LARGE} locks ${lockedPackages} packages, not 280–320: has the ${DEBIAN_LARGE_SUITE} registry changed?`);
    return debianPair(ws, `debian ${DEBIAN_LARGE_SUITE}, generated (bench/debian-large.mjs)`, lockedPackages);
  },
});

/**
 * Proves, once per row, that the measured audit runs do the work: the row's run cache holds the unedited run of this
 * very command and would replay it, and may no longer once the root Cargo.toml has a new line. The check is the run
 * cache's own (stillValid, src/host/result-cache.ts: every file a run read is a dependency, compared by stamp).
 */
function proveNoReplay(p, { stillValid, nodeHost, RACY_MS }) {
  // A run over files written less than RACY_MS before is never stored: let the copy age first.
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Math.max(0, p.preparedAt + RACY_MS + 100 - Date.now()));
  measure(p.audit);
  const runsDir = join(p.cacheDir, "runs");
  const entries = existsSync(runsDir) ? readdirSync(runsDir).filter((f) => f.endsWith(".json")) : [];
  if (entries.length !== 1) throw new Error(`no proof that edits defeat the run cache: ${entries.length} run cache entries after one unedited run, not 1`);
  const { dependencies } = JSON.parse(readFileSync(join(runsDir, entries[0]), "utf8"));
  const manifest = join(p.ws, "Cargo.toml");
  if (!dependencies.some(([op, arg]) => op.startsWith("read") && arg === manifest)) throw new Error(`the cached run did not read ${manifest}`);
  // The recorded environment variables are the run's, not this script's.
  const env = { ...baseEnv, ...p.audit.env };
  const host = { ...nodeHost, env: (name) => env[name] };
  if (!stillValid(host, dependencies)) throw new Error("the run cache would not replay even the unedited run");
  p.edit();
  if (stillValid(host, dependencies)) throw new Error("the run cache would still replay the run after an edit");
}

// ---- run ----
const shorten = (s) => String(s).replaceAll(tmp, "$TMP").replaceAll(join(repo, "../shared"), "../shared").replaceAll(repo + "/", "").replace(process.execPath, "node").replace(cargoBin?.cmd ?? "\0", "cargo");
const summary = ({ cmd, args }) => [cmd, ...(args.length > 12 ? [...args.slice(0, 6), `… (${args.length - 6} more)`] : args)].map(shorten).join(" ");
const results = [];
const row = (label) => results.find((r) => r.label === label);
const failed = new Set();
console.log(`${runs} runs per row after a warm-up; peak RSS from ${timeBin ?? "process.resourceUsage (node rows only)"}; cargo: ${cargoBin ? `${cargoBin.version} (${cargoBin.cmd})` : "not installed"}`);
const selected = (label) => !only.length || only.some((o) => label.toLowerCase().includes(o));
const live = rows
  .filter(([label]) => label === FLOOR || selected(label))
  .map(([label, prepare]) => ({ label, spec: prepare(), samples: [] }))
  .filter((r) => r.spec);
const pairs = pairedRows
  .filter((p) => selected(p.label))
  .map(({ prepare, ...p }) => {
    const spec = prepare();
    return spec && { ...p, ...spec, edit: editor(spec.ws), preparedAt: Date.now(), samples: [] };
  })
  .filter(Boolean);
const attempt = (r, fn) => {
  try {
    fn();
  } catch (error) {
    failed.add(r.label);
    note(`${r.label} FAILED: ${error.message}`);
  }
};
// Warm-up: page cache, cargo's registry reads, and the result cache for the "(cached)" rows. The run cache does not
// store a run over files written less than 2 s before (the workspace copies made above): those rows warm up again
// once the copies have aged, so that their measured runs are the cached answers they are meant to be.
for (const r of live) attempt(r, () => measure(r.spec));
const cachedRows = live.filter((r) => r.label.includes("(cached"));
if (cachedRows.length > 0) {
  await new Promise((done) => setTimeout(done, 2_100));
  for (const r of cachedRows) attempt(r, () => measure(r.spec));
}
if (pairs.length > 0) {
  const host = Object.assign({}, ...(await Promise.all(["result-cache.js", "index.js"].map((f) => import(pathToFileURL(join(repo, "dist/src/host", f)).href)))));
  // The last step is the warm-up proper: a first run after an edit (it leaves the crate manifests parsed in the
  // row's cache dir).
  const steps = [(p) => measure(p.ref), (p) => proveNoReplay(p, host), (p) => (p.edit(), measure(p.audit))];
  for (const p of pairs) for (const step of steps) if (!failed.has(p.label)) attempt(p, () => step(p));
}
/** One pair: the reference and the audit, each right after an edit, in alternating order. */
function measurePair(p, i) {
  const pair = { order: i % 2 ? "tls-audit first" : "reference first" };
  for (const side of i % 2 ? ["audit", "ref"] : ["ref", "audit"]) {
    p.edit();
    pair[side] = measure(p[side]);
  }
  p.samples.push(pair);
}
// Round-robin over the rows, so background load on this shared machine falls on every row alike and the ratios
// (to the floor, to cargo) compare like with like.
for (let i = 0; i < runs; i++) {
  for (const r of live.filter((x) => !failed.has(x.label))) attempt(r, () => r.samples.push(measure(r.spec)));
  for (const p of pairs.filter((x) => !failed.has(x.label))) attempt(p, () => measurePair(p, i));
  process.stdout.write(`\rround ${i + 1}/${runs}`);
}
console.log("");
for (const { label, spec, samples } of live.filter((x) => !failed.has(x.label))) {
  const env = Object.fromEntries(Object.entries(spec.env ?? {}).map(([k, v]) => [k, shorten(v)]));
  results.push({ label, command: summary(spec), cwd: spec.cwd && shorten(spec.cwd), env, ...stats(samples), lockedPackages: lockedPackages.get(label) });
}
if (!row(FLOOR)) throw new Error("the floor row failed: no ratio can be computed");
const floor = row(FLOOR).medianMs;
for (const r of results) {
  r.ratioToFloor = r.medianMs / floor;
  console.log(`${r.label.padEnd(66)} median ${r.medianMs.toFixed(0).padStart(5)} ms  min ${r.minMs.toFixed(0)}  max ${r.maxMs.toFixed(0)}  ×floor ${r.ratioToFloor.toFixed(2)}  peak RSS ${r.peakRssMb?.toFixed(0) ?? "n/a"} MB  exit ${r.exitCodes}`);
}

// tls-audit against cargo, same workspace, same registry.
const vsCargo = DEBIAN.map(([suite, name]) => `debian ${suite}/${name}`)
  .filter((w) => row(`${w}: tls-audit`) && (row(`${w}: cargo tree -e features -i openssl-sys`) || row(`${w}: cargo metadata`)))
  .map((workspace) => {
    const [ours, tree, meta] = [": tls-audit", ": cargo tree -e features -i openssl-sys", ": cargo metadata"].map((s) => row(workspace + s)?.medianMs);
    return { workspace, tlsAuditMs: ours, cargoTreeMs: tree ?? null, cargoMetadataMs: meta ?? null, vsCargoTree: tree ? ours / tree : null, vsCargoMetadata: meta ? ours / meta : null };
  });

// After an edit: the per-pair ratios, and each side on its own.
const afterEdit = pairs.filter((p) => !failed.has(p.label) && p.samples.length > 0).map((p) => {
  const ratios = p.samples.map((s) => s.audit.ms / s.ref.ms);
  const sorted = [...ratios].sort((a, b) => a - b);
  const env = Object.fromEntries(Object.entries(p.audit.env ?? {}).map(([k, v]) => [k, shorten(v)]));
  const entry = {
    label: p.label, workspace: p.workspace, lockedPackages: p.lockedPackages, goal: p.limit,
    command: summary(p.audit), cwd: p.audit.cwd && shorten(p.audit.cwd), env, reference: p.reference, referenceCommand: summary(p.ref),
    medianRatio: median(sorted), minRatio: sorted[0], maxRatio: sorted.at(-1),
    tlsAudit: stats(p.samples.map((s) => s.audit)), referenceStats: stats(p.samples.map((s) => s.ref)),
    pairs: p.samples.map((s, i) => ({ order: s.order, tlsAuditMs: s.audit.ms, referenceMs: s.ref.ms, ratio: ratios[i] })),
  };
  console.log(`${p.label.padEnd(66)} median ratio ${entry.medianRatio.toFixed(2)} (${entry.minRatio.toFixed(2)}–${entry.maxRatio.toFixed(2)}) over ${sorted.length} pairs; tls-audit ${entry.tlsAudit.medianMs.toFixed(0)} ms, ${p.reference} ${entry.referenceStats.medianMs.toFixed(0)} ms`);
  return entry;
});

// Growth exponent: least-squares slope of log(time) over log(locked packages), over the synthetic rows measured.
const points = SCALE.map(([p, m]) => row(scaleLabel(p, m))).filter(Boolean).map((r) => [Math.log(r.lockedPackages), Math.log(r.medianMs)]);
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const [mx, my] = [mean(points.map((p) => p[0])), mean(points.map((p) => p[1]))];
const exponent = points.length >= 2 ? points.reduce((a, [x, y]) => a + (x - mx) * (y - my), 0) / points.reduce((a, [x]) => a + (x - mx) ** 2, 0) : null;
if (exponent !== null) console.log(`growth exponent (time ~ packages^k) over ${points.length} synthetic sizes: k = ${exponent.toFixed(2)}`);

// ---- targets (issue 6): PASS/FAIL from the figures; SKIP only when a row was not run (filtered out, cargo missing) ----
const targets = [];
function check(target, labels, compute) {
  const missing = labels.filter((l) => !row(l));
  const errored = missing.filter((l) => failed.has(l));
  if (errored.length) return targets.push({ target, verdict: "FAIL", figures: `row errored: ${errored.join("; ")}` });
  if (missing.length) return targets.push({ target, verdict: "SKIP", figures: `not measured: ${missing.join("; ")}` });
  const { pass, figures } = compute(...labels.map(row));
  targets.push({ target, verdict: pass ? "PASS" : "FAIL", figures });
}
const ms = (x) => `${x.toFixed(0)} ms`;
const VECTOR = "vectordotdev__vector (resolved)";
check("vector median ≤ 2× node -e 0", [FLOOR, VECTOR], (f, v) => ({ pass: v.medianMs <= 2 * f.medianMs, figures: `${ms(v.medianMs)} = ${(v.medianMs / f.medianMs).toFixed(2)}× floor ${ms(f.medianMs)}` }));
// The same without the CLI's code cache: what the first run after an install or upgrade takes.
check("vector median ≤ 2× node -e 0, no code cache", [FLOOR, `${VECTOR.replace(")", ", no code cache)")}`], (f, v) => ({ pass: v.medianMs <= 2 * f.medianMs, figures: `${ms(v.medianMs)} = ${(v.medianMs / f.medianMs).toFixed(2)}× floor ${ms(f.medianMs)}` }));
check("vector peak RSS ≤ 150 MB", [VECTOR], (v) => ({ pass: v.peakRssMb !== null && v.peakRssMb <= 150, figures: `${v.peakRssMb?.toFixed(0) ?? "n/a"} MB` }));
for (const [suite, name] of DEBIAN) {
  const w = `debian ${suite}/${name}`;
  check(`${w} ≤ 0.5× cargo tree`, [`${w}: tls-audit`, `${w}: cargo tree -e features -i openssl-sys`], (o, t) => ({ pass: o.medianMs <= 0.5 * t.medianMs, figures: `${ms(o.medianMs)} vs ${ms(t.medianMs)} = ${(o.medianMs / t.medianMs).toFixed(2)}×` }));
  check(`${w} ≤ 0.5× cargo tree, no code cache`, [`${w}: tls-audit (no code cache)`, `${w}: cargo tree -e features -i openssl-sys`], (o, t) => ({ pass: o.medianMs <= 0.5 * t.medianMs, figures: `${ms(o.medianMs)} vs ${ms(t.medianMs)} = ${(o.medianMs / t.medianMs).toFixed(2)}×` }));
  check(`${w} ≤ 0.5× cargo tree, unchanged workspace (run cache)`, [`${w}: tls-audit (cached)`, `${w}: cargo tree -e features -i openssl-sys`], (o, t) => ({ pass: o.medianMs <= 0.5 * t.medianMs, figures: `${ms(o.medianMs)} vs ${ms(t.medianMs)} = ${(o.medianMs / t.medianMs).toFixed(2)}×` }));
}
// Issue 16: a run after a manifest edit, against its reference measured beside it (the median of per-pair ratios).
for (const { label, target, limit } of pairedRows) {
  const a = afterEdit.find((x) => x.label === label);
  if (failed.has(label)) targets.push({ target: `issue 16: ${target}`, verdict: "FAIL", figures: `row errored: ${label}` });
  else if (!a) targets.push({ target: `issue 16: ${target}`, verdict: "SKIP", figures: `not measured: ${label}` });
  else {
    const figures = `median per-pair ratio ${a.medianRatio.toFixed(2)}× (${a.minRatio.toFixed(2)}–${a.maxRatio.toFixed(2)}, ${a.pairs.length} pairs); medians ${ms(a.tlsAudit.medianMs)} vs ${ms(a.referenceStats.medianMs)}`;
    targets.push({ target: `issue 16: ${target}`, verdict: a.medianRatio <= limit ? "PASS" : "FAIL", figures });
  }
}
const BIG = scaleLabel(...SCALE.at(-1));
check("synthetic 20k packages < 1.5 s", [BIG], (s) => ({ pass: s.medianMs < 1500, figures: ms(s.medianMs) }));
check("growth exponent ≤ 1.15 (2k→20k)", [scaleLabel(...SCALE[0]), BIG], () => ({ pass: exponent <= 1.15, figures: `k = ${exponent.toFixed(2)} over ${points.length} sizes` }));
for (const label of rows.map(([l]) => l).filter((l) => l.startsWith("nothing to check") || l.includes("(cached"))) {
  check(`${label} < 1.2× node -e 0`, [FLOOR, label], (f, r) => ({ pass: r.medianMs < 1.2 * f.medianMs, figures: `${ms(r.medianMs)} = ${(r.medianMs / f.medianMs).toFixed(2)}× floor ${ms(f.medianMs)}, exit ${r.exitCodes}` }));
}

// What a time budget leaves for the audit itself: Node's start-up (the floor), loading the CLI (`--version` over
// the floor) and reading and parsing the workspace's TOML (the lower-bound row over the floor) all come first.
// The two costs over the floor are differences of minimums: medians of rows this close to the floor swap places
// from one run to the next on a busy machine (`--version` has measured below `node -e 0`).
const budgets = [];
function budget(target, budgetMs, label) {
  const bound = row(parseOnlyLabel(label));
  const startup = row(STARTUP);
  if (!bound || !startup) return;
  const floorMin = row(FLOOR).minMs;
  const loadCliMs = startup.minMs - floorMin;
  const readParseMs = bound.minMs - floorMin;
  budgets.push({ target, budgetMs, floorMs: floor, loadCliMs, readParseMs, leftMs: budgetMs - floor - loadCliMs - readParseMs });
}
budget("vector ≤ 2× node -e 0", 2 * floor, "vectordotdev__vector");
for (const [suite, name] of DEBIAN) {
  const tree = row(`debian ${suite}/${name}: cargo tree -e features -i openssl-sys`);
  if (tree) budget(`debian ${suite}/${name} ≤ 0.5× cargo tree`, 0.5 * tree.medianMs, `debian ${suite}/${name}`);
}

// ---- write ----
const out = join(repo, "bench/results");
mkdirSync(out, { recursive: true });
const meta = { date: new Date().toISOString(), node: process.version, cpus: cpus().length, runs, only: only.length ? only : undefined, cargoVersion: cargoBin?.version, peakRssFrom: timeBin ?? "process.resourceUsage" };
writeFileSync(join(out, "latest.json"), JSON.stringify({ ...meta, results, vsCargo, afterEdit, growthExponent: exponent, targets, budgets, notes }, null, 2));
const f0 = (x) => (x === null || x === undefined ? "n/a" : x.toFixed(0));
const f2 = (x) => (x === null || x === undefined ? "n/a" : x.toFixed(2));
const md = [
  `## timings (whole process, cold; median of ${runs} runs after a warm-up)`,
  ``,
  `| case | median ms | min | max | × node -e 0 | peak RSS MB |`,
  `|---|---|---|---|---|---|`,
  ...results.map((r) => `| ${r.label} | ${f0(r.medianMs)} | ${f0(r.minMs)} | ${f0(r.maxMs)} | ${f2(r.medianMs / floor)} | ${f0(r.peakRssMb)} |`),
  ``,
  ...(vsCargo.length
    ? [`tls-audit vs cargo, same workspace, warm registry:`, ``, `| workspace | tls-audit ms | cargo tree ms | cargo metadata ms | ÷ cargo tree | ÷ cargo metadata |`, `|---|---|---|---|---|---|`,
       ...vsCargo.map((c) => `| ${c.workspace} | ${f0(c.tlsAuditMs)} | ${f0(c.cargoTreeMs)} | ${f0(c.cargoMetadataMs)} | ${f2(c.vsCargoTree)} | ${f2(c.vsCargoMetadata)} |`), ``]
    : []),
  ...(exponent !== null ? [`growth exponent (time ~ packages^k): k = ${exponent.toFixed(2)}`, ``] : []),
  ...(afterEdit.length
    ? [`## after an edit (issue 16): a comment line appended to the root Cargo.toml before every run, so the run cache cannot answer (the crate-metadata cache is on); each run paired with its reference, in alternating order, ${runs} pairs`, ``,
       `| workspace | locked packages | tls-audit median ms | reference | reference median ms | median per-pair ratio | ratio min–max | goal |`, `|---|---|---|---|---|---|---|---|`,
       ...afterEdit.map((a) => `| ${a.workspace} | ${a.lockedPackages} | ${f0(a.tlsAudit.medianMs)} | \`${a.reference}\` | ${f0(a.referenceStats.medianMs)} | ${f2(a.medianRatio)} | ${f2(a.minRatio)}–${f2(a.maxRatio)} | ≤ ${a.goal.toFixed(1)}× |`), ``]
    : []),
  `## targets`, ``, `| target | verdict | figures |`, `|---|---|---|`,
  ...targets.map((t) => `| ${t.target} | ${t.verdict === "PASS" ? "PASS" : `**${t.verdict}**`} | ${t.figures} |`),
  ``,
  ...(budgets.length
    ? [`What each time budget leaves for the audit itself once Node has started (the floor's median), the CLI is loaded (\`--version\` over the floor) and the workspace's TOML is read and parsed (the lower-bound row over the floor); the last two are differences of minimums, the least disturbed by other load:`, ``,
       `| target | budget ms | node -e 0 | loading the CLI | reading and parsing the TOML | left for the audit |`, `|---|---|---|---|---|---|`,
       ...budgets.map((b) => `| ${b.target} | ${f0(b.budgetMs)} | ${f0(b.floorMs)} | ${f0(b.loadCliMs)} | ${f0(b.readParseMs)} | ${f0(b.leftMs)} |`), ``]
    : []),
  ...notes.map((n) => `- ${n}`),
  ...(notes.length ? [``] : []),
  JSON.stringify(meta),
].join("\n");
writeFileSync(join(out, "latest.md"), `${md}\n`);
console.log(`\n${md}`);
