// Mutation fuzzer for the read side: broken Cargo.toml / Cargo.lock files must give exit 0, 1 or 2, never a stack
// trace, an "internal error" or a hang. Runs the built CLI (dist/) in-process inside worker threads, so a case that
// loops can be stopped by terminating its worker.
//
//   npm run fuzz                                   10,000 cases, seed 1
//   npm run fuzz -- --cases 20000 --seed 42 --timeout-ms 2000 --workers 2
//   npm run fuzz -- --seed 42 --only 1234          replay one case (prints its output)
//
// Seeds are the workspaces (directories with a Cargo.lock) under fixtures/ and ../shared/corpus (when present).
// Each case is derived from (seed, case number) alone, so a run and a replay produce the same inputs whatever the
// worker scheduling. Failing inputs are kept under bench/fuzz/crashes/ (gitignored).
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, "../..");

// ---------------------------------------------------------------- main thread

function parseArgs(argv) {
  const options = { cases: 10_000, seed: 1, timeoutMs: 2_000, workers: Math.max(1, Math.min(4, availableParallelism())), only: undefined, corpus: join(repo, "../shared/corpus") };
  for (let i = 0; i < argv.length; i++) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (flag === "--cases") options.cases = Number(value);
    else if (flag === "--seed") options.seed = Number(value);
    else if (flag === "--timeout-ms") options.timeoutMs = Number(value);
    else if (flag === "--workers") options.workers = Number(value);
    else if (flag === "--only") options.only = Number(value);
    else if (flag === "--corpus") options.corpus = value;
    else throw new Error(`unknown argument ${flag}`);
    i++;
  }
  return options;
}

/** Workspaces to mutate: each directory with a Cargo.lock, with the Cargo.toml/Cargo.lock files that belong to it. */
function collectSeeds(dirs) {
  const seeds = [];
  let extras = [];
  const walk = (dir, out, top) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    if (!top && entries.some((e) => e.name === "Cargo.lock" && e.isFile())) return; // a nested workspace: its own seed
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory() && !["target", ".git", "node_modules", "src", "expected"].includes(entry.name)) walk(path, out, false);
      else if (entry.isFile() && (entry.name === "Cargo.toml" || entry.name === "Cargo.lock")) out.push(path);
      else if (entry.isFile() && (CONFIG_FILES.has(entry.name) || (dir.endsWith("/.cargo") && entry.name.startsWith("config")))) extras.push(path);
    }
  };
  const findRoots = (dir) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    if (entries.some((e) => e.name === "Cargo.lock" && e.isFile())) {
      const files = [];
      extras = [];
      walk(dir, files, true);
      seeds.push({ dir, files: files.map((f) => relative(dir, f)).sort(), extras: extras.map((f) => relative(dir, f)), corpus: dir.includes("/shared/corpus/") });
    }
    for (const entry of entries) {
      if (entry.isDirectory() && !["target", ".git", "node_modules", "src", "registry-manifests", "registry"].includes(entry.name)) findRoots(join(dir, entry.name));
    }
  };
  for (const dir of dirs) if (existsSync(dir)) findRoots(dir);
  return seeds.sort((a, b) => a.dir.localeCompare(b.dir));
}

/** Files a workspace needs besides its manifests and lock (source replacement, tls-audit configuration); never mutated. */
const CONFIG_FILES = new Set(["tls-audit.toml", "config.toml"]);

/**
 * Reads every seed file once. Other work may rewrite fixtures/ while the fuzzer runs, so the cases and the workers'
 * copies come from this snapshot, not from the live tree; seeds that vanish while being read are dropped.
 */
function snapshotSeeds(seeds, scratch) {
  const contents = new Map();
  const kept = [];
  for (const seed of seeds) {
    try {
      const files = new Map([...seed.files, ...seed.extras].map((f) => [f, readFileSync(join(seed.dir, f))]));
      if (!files.has("Cargo.lock")) continue;
      const snapshot = join(scratch, "seeds", String(kept.length));
      for (const [rel, bytes] of files) {
        mkdirSync(dirname(join(snapshot, rel)), { recursive: true });
        writeFileSync(join(snapshot, rel), bytes);
      }
      for (const f of seed.files) contents.set(join(seed.dir, f), files.get(f));
      kept.push({ ...seed, snapshot });
    } catch {
      // changed under us: skip it
    }
  }
  return { seeds: kept, contents };
}

/** mulberry32: small, fast, seedable. */
function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n) => Math.floor(next() * n), pick: (list) => list[Math.floor(next() * list.length)], chance: (p) => next() < p };
}

/** murmur3's finalizer: a bijective 32-bit mix. */
function mix(h) {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/** Case `id` of run `seed` gets its own generator, so a case replays alone (--only) exactly as in the run. */
function caseSeed(seed, id) {
  return mix(mix(seed + 0x9e3779b9) ^ id);
}

const TOKENS = [
  "[", "]", "[[", "]]", "=", '"', "'", '"""', "'''", "\\", "\\u", "\\U0010FFFF", "{", "}", ",", ".", "#", "\n", "\r\n", "\t", "\uFEFF", "\u0000",
  "<<<<<<< HEAD\n", "=======\n", ">>>>>>> branch\n",
  "workspace = true", "{ workspace = true }", 'path = ".."', 'path = "."', 'path = "/"', 'path = "does/not/exist"',
  'members = ["**"]', 'members = ["*"]', 'members = ["../*"]', 'members = ["crates/*/**"]', 'exclude = ["*"]',
  "version = 1", "version = 2", "version = 3", "version = 4", "version = 5", "version = -1", "version = 1e999", 'version = "4"',
  '"a"', '"a 1.0.0"', '"a 1.0.0 (registry+https://github.com/rust-lang/crates.io-index)"', '"openssl-sys"', '"native-tls 0.2.11"',
  "[[package]]", "[package]", "[workspace]", "[workspace.dependencies]", "[dependencies]", "[dev-dependencies]", "[build-dependencies]",
  "[features]", "[patch.crates-io]", "[target.'cfg(unix)'.dependencies]", "[target.'cfg(unix'.dependencies]", "[target.'cfg(foo(bar))'.dependencies]",
  "[target.x86_64-unknown-linux-gnu.dependencies]", "[metadata]", '"checksum a 1.0.0 (registry+x)" = "00"',
  'default = ["native-tls"]', '"dep:openssl"', '"reqwest?/native-tls"', '"a/b"', "default-features = false", "optional = true",
  'openssl = "0.10"', 'native-tls = { version = "0.2" }', 'reqwest = { version = "0.11", features = ["native-tls"] }',
  "resolver = \"9\"", "edition = \"2024\"", "edition = 2021", "1979-05-27T07:32:00Z", "inf", "nan", "0x_1", "true", "[]", "{}",
  "a.b.c = 1", "dependencies.x = \"1\"", "[".repeat(3000), "{ a = ".repeat(2000), `${"a.".repeat(3000)}b = 1`, "x".repeat(70_000), "\u00e9", "\u{1F600}", "\u001b[31m",
];

/** One mutation of a file's bytes. Returns the operator's name and the new bytes. */
function mutate(r, bytes, others) {
  const text = () => bytes.toString("latin1");
  const fromText = (t) => Buffer.from(t, "latin1");
  const lines = () => text().split("\n");
  const ops = {
    "byte-flip": () => {
      const out = Buffer.from(bytes);
      for (let n = 1 + r.int(4); n > 0 && out.length > 0; n--) out[r.int(out.length)] ^= 1 << r.int(8);
      return out;
    },
    "byte-set": () => {
      const out = Buffer.from(bytes);
      const chars = Buffer.from('"[]={}\\\n#,.\'\t 0xff');
      for (let n = 1 + r.int(3); n > 0 && out.length > 0; n--) out[r.int(out.length)] = r.chance(0.1) ? 0xff : r.pick([...chars]);
      return out;
    },
    "line-delete": () => {
      const l = lines();
      const at = r.int(l.length);
      l.splice(at, 1 + (r.chance(0.3) ? r.int(8) : 0));
      return fromText(l.join("\n"));
    },
    "line-duplicate": () => {
      const l = lines();
      const at = r.int(l.length);
      const span = l.slice(at, at + 1 + (r.chance(0.3) ? r.int(6) : 0));
      l.splice(r.chance(0.5) ? at : r.int(l.length + 1), 0, ...span);
      return fromText(l.join("\n"));
    },
    "line-swap": () => {
      const l = lines();
      const [a, b] = [r.int(l.length), r.int(l.length)];
      [l[a], l[b]] = [l[b], l[a]];
      return fromText(l.join("\n"));
    },
    truncate: () => bytes.subarray(0, r.int(bytes.length + 1)),
    "table-reorder": () => {
      const blocks = [];
      for (const line of lines()) {
        if (/^\s*\[/.test(line) || blocks.length === 0) blocks.push([line]);
        else blocks.at(-1).push(line);
      }
      if (r.chance(0.5)) {
        const [a, b] = [r.int(blocks.length), r.int(blocks.length)];
        [blocks[a], blocks[b]] = [blocks[b], blocks[a]];
      } else {
        for (let i = blocks.length - 1; i > 0; i--) {
          const j = r.int(i + 1);
          [blocks[i], blocks[j]] = [blocks[j], blocks[i]];
        }
      }
      return fromText(blocks.flat().join("\n"));
    },
    "token-insert": () => {
      const t = text();
      const at = r.chance(0.5) ? t.lastIndexOf("\n", r.int(t.length + 1)) + 1 : r.int(t.length + 1);
      const token = Buffer.from(r.pick(TOKENS), "utf8").toString("latin1");
      return fromText(t.slice(0, at) + token + (r.chance(0.5) ? "\n" : "") + t.slice(at));
    },
    "token-replace": () => {
      const t = text();
      const at = r.int(t.length + 1);
      const token = Buffer.from(r.pick(TOKENS), "utf8").toString("latin1");
      return fromText(t.slice(0, at) + token + t.slice(at + 1 + r.int(12)));
    },
    "cross-over": () => {
      const donor = r.pick(others);
      if (!donor || donor.length === 0) return bytes;
      const dl = donor.toString("latin1").split("\n");
      const at = r.int(dl.length);
      const l = lines();
      l.splice(r.int(l.length + 1), 0, ...dl.slice(at, at + 1 + r.int(20)));
      return fromText(l.join("\n"));
    },
  };
  const names = Object.keys(ops);
  const name = r.pick(names);
  return { name, bytes: ops[name]() };
}

/** The inputs of case `id`: which seed, which files changed to what, and the CLI flags. */
function generateCase(seeds, contents, seed, id) {
  const r = rng(caseSeed(seed, id));
  const corpus = seeds.filter((s) => s.corpus);
  const fixtures = seeds.filter((s) => !s.corpus);
  // The corpus is real but slow (vector takes seconds unmodified); the small fixtures give most of the cases.
  const chosen = corpus.length > 0 && r.chance(0.06) ? r.pick(corpus) : r.pick(fixtures);
  const pool = chosen.files;
  // Most cases break the root manifest or the lock; some break a member or a vendored registry manifest.
  const rootFiles = pool.filter((f) => f === "Cargo.toml" || f === "Cargo.lock");
  const changed = new Map();
  const ops = [];
  for (let n = r.chance(0.2) ? 2 : 1; n > 0; n--) {
    const file = r.chance(0.7) && rootFiles.length > 0 ? r.pick(rootFiles) : r.pick(pool);
    let bytes = changed.get(file) ?? contents.get(join(chosen.dir, file));
    const others = [contents.get(join(chosen.dir, r.pick(pool)))];
    for (let m = 1 + (r.chance(0.3) ? r.int(4) : 0); m > 0; m--) {
      const result = mutate(r, bytes, others);
      bytes = result.bytes;
      ops.push(`${file}: ${result.name}`);
    }
    changed.set(file, bytes);
  }
  const args = ["--format", r.chance(0.5) ? "json" : r.pick(["stylish", "sarif", "github"])];
  if (r.chance(0.2)) args.push("--lockfile-only");
  if (r.chance(0.1)) args.push("--all-features");
  if (r.chance(0.1)) args.push("--target", "x86_64-unknown-linux-gnu");
  // Input paths as pre-commit passes them: the root, the lock, or a member's manifest.
  const entry = r.chance(0.7) ? "." : r.pick(pool);
  return { id, seedDir: chosen.dir, snapshot: chosen.snapshot, measure: chosen.corpus, files: [...changed].map(([rel, bytes]) => ({ rel, bytes })), ops, args, entry };
}

/** Returns why a result is a failure, or undefined when it is fine. */
function judge(result, args) {
  if (result.threw) return { kind: "crash", reason: `main() threw: ${result.threw.split("\n")[0]}` };
  if (![0, 1, 2].includes(result.code)) return { kind: "crash", reason: `exit code ${result.code}` };
  if (/\n\s+at |^\s+at /m.test(result.stderr)) return { kind: "crash", reason: "stack trace on stderr" };
  if (/internal error/.test(result.stderr)) return { kind: "crash", reason: result.stderr.split("\n").find((l) => l.includes("internal error")) };
  // Every problem line is `file[:line:col]: error|warning: message [code]` (hints are indented); syntax errors
  // and conflict markers always have a position.
  for (const line of result.stderr.split("\n")) {
    if (line === "" || line.startsWith("  ")) continue;
    if (!/^.+?: (error|warning): .+ \[[a-z0-9-]+\]$/.test(line)) return { kind: "bad-message", reason: `unexpected stderr line: ${line.slice(0, 200)}` };
    if (/\[(toml-syntax|conflict-markers)\]$|invalid TOML: .*\[lockfile-invalid\]$/.test(line) && !/:\d+:\d+: error: /.test(line)) {
      return { kind: "bad-message", reason: `no line:col: ${line.slice(0, 200)}` };
    }
  }
  if (args.includes("json") || args.includes("sarif")) {
    try {
      JSON.parse(result.stdout);
    } catch {
      return { kind: "crash", reason: "stdout is not JSON" };
    }
  }
  return undefined;
}

function saveCase(c, kind, reason, output) {
  const dir = join(here, "crashes", `${kind}-seed${c.seed}-case${c.id}`);
  rmSync(dir, { recursive: true, force: true });
  for (const f of c.files) {
    mkdirSync(dirname(join(dir, "files", f.rel)), { recursive: true });
    writeFileSync(join(dir, "files", f.rel), f.bytes);
  }
  writeFileSync(
    join(dir, "case.json"),
    `${JSON.stringify({ kind, reason, seed: c.seed, case: c.id, seedWorkspace: relative(repo, c.seedDir), mutations: c.ops, args: c.args, entry: c.entry, replay: `node bench/fuzz/fuzz.mjs --seed ${c.seed} --only ${c.id}`, ...output }, null, 2)}\n`,
  );
  return dir;
}

async function runMain() {
  const options = parseArgs(process.argv.slice(2));
  if (!existsSync(join(repo, "dist/src/cli/main.js"))) throw new Error("dist/ is missing: run `npm run build` first");
  const scratch = mkdtempSync(join(tmpdir(), "tls-audit-fuzz-"));
  const { seeds, contents } = snapshotSeeds(collectSeeds([join(repo, "fixtures"), options.corpus]), scratch);
  const ids = options.only !== undefined ? [options.only] : Array.from({ length: options.cases }, (_, i) => i);
  const workers = Math.min(options.workers, ids.length);
  console.log(
    `fuzz: seed ${options.seed}, ${ids.length} cases, ${seeds.length} seed workspaces (${seeds.filter((s) => s.corpus).length} from the corpus), ${workers} workers, ${options.timeoutMs} ms per case`,
  );

  const counts = { cases: 0, ok: 0, crashes: 0, hangs: 0, badMessages: 0, exit: { 0: 0, 1: 0, 2: 0 } };
  const failures = [];
  let slowest = { ms: 0 };
  let slowestRatio = { ratio: 0 };
  const started = performance.now();
  let nextIndex = 0;
  let lastReport = started;

  await new Promise((resolveAll) => {
    let active = 0;
    const spawn = () => {
      const worker = new Worker(fileURLToPath(import.meta.url), { workerData: { scratch }, resourceLimits: { maxOldGenerationSizeMb: 1024 } });
      const state = { worker, current: undefined, timer: undefined };
      active++;
      const dispatch = () => {
        if (nextIndex >= ids.length) {
          state.current = undefined;
          worker.terminate();
          return;
        }
        const c = { ...generateCase(seeds, contents, options.seed, ids[nextIndex++]), seed: options.seed };
        state.current = c;
        worker.postMessage({ id: c.id, seedDir: c.snapshot, files: c.files, args: c.args, entry: c.entry, measure: c.measure });
      };
      // The clock starts when the worker starts main(), after copying the seed; the bound grows for seed
      // workspaces that are slow even unmodified (vector's resolution takes seconds), so it catches loops, not size.
      const startClock = (baselineMs) => {
        const c = state.current;
        const budget = Math.max(options.timeoutMs, Math.ceil(3 * baselineMs));
        state.timer = setTimeout(() => {
          // A hang: the worker is stopped and replaced; its temporary copies are left to the OS.
          counts.cases++;
          counts.hangs++;
          const reason = `no answer within ${budget} ms (the unmodified seed takes ${baselineMs.toFixed(0)} ms)`;
          const dir = saveCase(c, "hang", reason, {});
          failures.push({ kind: "hang", id: c.id, reason, dir });
          state.current = undefined;
          worker.removeAllListeners("exit");
          worker.terminate().then(() => {
            active--;
            spawn();
          });
        }, budget);
      };
      worker.on("message", (result) => {
        const c = state.current;
        if (result.started) {
          if (c && c.id === result.id) startClock(result.baselineMs);
          return;
        }
        clearTimeout(state.timer);
        if (!c || c.id !== result.id) return;
        counts.cases++;
        counts.exit[result.code] = (counts.exit[result.code] ?? 0) + 1;
        if (result.ms > slowest.ms) slowest = { ms: result.ms, id: c.id, seed: relative(repo, c.seedDir), ops: c.ops, baselineMs: result.baselineMs };
        const ratio = result.ms / Math.max(result.baselineMs, 50);
        if (ratio > slowestRatio.ratio) slowestRatio = { ratio, ms: result.ms, id: c.id, seed: relative(repo, c.seedDir), ops: c.ops, baselineMs: result.baselineMs };
        const verdict = judge(result, c.args);
        if (verdict) {
          if (verdict.kind === "bad-message") counts.badMessages++;
          else counts.crashes++;
          const dir = saveCase(c, verdict.kind, verdict.reason, { exitCode: result.code, stderr: result.stderr.slice(0, 4000), threw: result.threw });
          failures.push({ ...verdict, id: c.id, dir });
        } else counts.ok++;
        if (options.only !== undefined) {
          console.log(`case ${c.id}: ${relative(repo, c.seedDir)}; ${c.ops.join("; ")}; tls-audit ${c.args.join(" ")} ${c.entry}`);
          console.log(`exit ${result.code} in ${result.ms.toFixed(0)} ms\n--- stderr\n${result.stderr}--- stdout (first 2000 chars)\n${result.stdout.slice(0, 2000)}`);
        }
        const now = performance.now();
        if (now - lastReport > 10_000) {
          lastReport = now;
          console.log(`  ${counts.cases}/${ids.length} cases, ${counts.crashes} crashes, ${counts.hangs} hangs, ${counts.badMessages} bad messages, ${((now - started) / 1000).toFixed(0)} s`);
        }
        dispatch();
      });
      worker.on("error", (error) => {
        clearTimeout(state.timer);
        const c = state.current;
        if (c) {
          counts.cases++;
          counts.crashes++;
          const dir = saveCase(c, "crash", `worker died: ${error.message}`, {});
          failures.push({ kind: "crash", id: c.id, reason: `worker died: ${error.message}`, dir });
        }
      });
      worker.on("exit", () => {
        active--;
        if (state.current) spawn(); // died with a case in flight (reported by "error")
        else if (active === 0) resolveAll();
      });
      dispatch();
    };
    for (let i = 0; i < workers; i++) spawn();
  });

  rmSync(scratch, { recursive: true, force: true });
  const seconds = (performance.now() - started) / 1000;
  console.log(`\nfuzz: seed ${options.seed}`);
  console.log(`  cases    ${counts.cases} in ${seconds.toFixed(1)} s (${((counts.cases / seconds) || 0).toFixed(0)}/s)`);
  console.log(`  exits    0: ${counts.exit[0]}, 1: ${counts.exit[1]}, 2: ${counts.exit[2]}`);
  console.log(`  crashes  ${counts.crashes}`);
  console.log(`  hangs    ${counts.hangs} (over ${options.timeoutMs} ms, or 3× the unmodified seed's time)`);
  console.log(`  bad messages ${counts.badMessages} (a stderr line not shaped \`file:line:col: error: … [code]\`)`);
  if (slowest.id !== undefined) {
    console.log(`  slowest  case ${slowest.id}: ${slowest.ms.toFixed(0)} ms; unmodified ${slowest.baselineMs.toFixed(0)} ms (${slowest.seed}; ${slowest.ops.join("; ")})`);
    const r = slowestRatio;
    console.log(`  slowest against its seed: case ${r.id}: ${r.ms.toFixed(0)} ms; unmodified ${r.baselineMs.toFixed(0)} ms (${r.seed}; ${r.ops.join("; ")})`);
  }
  // One line per distinct failure (same kind and message), with its first case and how often it happened.
  const distinct = new Map();
  for (const f of failures) {
    const signature = `${f.kind}: ${f.reason.replace(/\d+ ms/g, "N ms")}`;
    const entry = distinct.get(signature) ?? { count: 0, first: f };
    entry.count++;
    distinct.set(signature, entry);
  }
  for (const [signature, { count, first }] of distinct) {
    console.log(`  ${signature}\n    ${count}× (first: case ${first.id}, ${relative(repo, first.dir)})`);
  }
  process.exitCode = failures.length > 0 ? 1 : 0;
}

// ---------------------------------------------------------------- worker

async function runWorker() {
  // No CARGO_HOME: metadata comes from the workspace and the bundled knowledge only (fast and repeatable).
  process.env.CARGO_HOME = join(tmpdir(), "tls-audit-fuzz-no-cargo-home");
  const { main } = await import(join(repo, "dist/src/cli/main.js"));
  // Each worker (a replaced one too) copies the seeds it needs into its own directory, once.
  const scratch = mkdtempSync(join(workerData.scratch, "worker-"));
  const sink = (chunks) => new Writable({ write: (chunk, _encoding, done) => (chunks.push(String(chunk)), done()) });
  const copies = new Map();
  /** The seed's private copy, and how long the unmodified seed takes with these flags (the hang budget scales with it). */
  const copyOf = async (seedDir, args, measure) => {
    let copy = copies.get(seedDir);
    if (!copy) {
      copy = { dir: join(scratch, String(copies.size)), baseline: new Map() };
      cpSync(seedDir, copy.dir, { recursive: true });
      copies.set(seedDir, copy);
    }
    // Only the big workspaces need a baseline: the floor (--timeout-ms) is ample for the small fixtures.
    const key = args.filter((a, i) => a !== "--format" && args[i - 1] !== "--format").join(" ");
    if (!measure) return { root: copy.dir, baselineMs: 0 };
    if (!copy.baseline.has(key)) {
      const started = performance.now();
      await main([...args, copy.dir], { stdout: sink([]), stderr: sink([]), env: {}, cwd: copy.dir, isTTY: false });
      copy.baseline.set(key, performance.now() - started);
    }
    return { root: copy.dir, baselineMs: copy.baseline.get(key) };
  };
  parentPort.on("message", async (c) => {
    const { root, baselineMs } = await copyOf(c.seedDir, c.args, c.measure);
    const originals = c.files.map((f) => [join(root, f.rel), readFileSync(join(root, f.rel))]);
    for (const f of c.files) writeFileSync(join(root, f.rel), f.bytes);
    parentPort.postMessage({ id: c.id, started: true, baselineMs });
    const out = [];
    const err = [];
    let code = -1;
    let threw;
    const started = performance.now();
    try {
      code = await main([...c.args, c.entry === "." ? root : join(root, c.entry)], { stdout: sink(out), stderr: sink(err), env: {}, cwd: root, isTTY: false });
    } catch (error) {
      threw = error instanceof Error ? (error.stack ?? error.message) : String(error);
    }
    const ms = performance.now() - started;
    for (const [path, bytes] of originals) writeFileSync(path, bytes);
    parentPort.postMessage({ id: c.id, code, ms, baselineMs, stdout: out.join(""), stderr: err.join(""), threw });
  });
}

if (isMainThread) await runMain();
else await runWorker();
