// Writes fixtures/fix-judge/<suite>/<case>/ from scripts/fix-judge/cases.mjs, with real cargo against a Debian
// registry (a cargo directory source built by scripts/lib/debian-crates.sh), and records cargo's judgement of
// `tls-audit --write` on each case. Run it through scripts/fix-judge/generate.sh, which builds the registries.
//
//   node scripts/fix-judge/generate.mjs --registry bookworm=/tmp/... [--registry trixie=...] [--only NAME]
//
// Per suite: every case's manifests, src/lib.rs, Cargo.lock (cargo generate-lockfile against the Debian
// registry through a temporary .cargo/config.toml), the committed .cargo/config.toml (../registry-manifests),
// expected-before.json (cargo's features and native trees before the fix) and judged.json (the judgement, made
// against the committed registry-manifests/ alone). registry-manifests/<name>-<version>/ holds, for every crate
// locked by a case before or after --write: Cargo.toml verbatim, .cargo-checksum.json with no file list, and
// empty files where the crate has its lib/bin/build targets (cargo needs them to load a manifest).
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";
import { parse } from "smol-toml";
import { CASES } from "./cases.mjs";
import { CASE_CONFIG, FIXTURES, cargo, cargoBefore, judgeCase, lockedPackages } from "./judge.mjs";

const { values, positionals } = parseArgs({ allowPositionals: true, options: { registry: { type: "string", multiple: true }, only: { type: "string" }, rejudge: { type: "boolean" } } });
const registries = Object.fromEntries((values.registry ?? []).map((r) => r.split("=")));
const json = (v) => `${JSON.stringify(v, null, 1)}\n`;
let failed = 0;

function writeCase(c, dir) {
  rmSync(dir, { recursive: true, force: true });
  for (const [file, text] of Object.entries(c.files)) {
    const path = join(dir, file);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, c.crlf ? text.replace(/\r?\n/g, "\r\n") : text);
    if (/^\[package\]/m.test(text)) {
      mkdirSync(join(dirname(path), "src"), { recursive: true });
      writeFileSync(join(dirname(path), "src/lib.rs"), `//! ${c.covers.replace(/\n/g, " ")}\n`);
    }
  }
}

/** Target files cargo looks for when it loads a registry crate's manifest: the ones the crate has. */
function targetFiles(crateDir) {
  const files = ["src/lib.rs", "src/main.rs", "build.rs"].filter((f) => existsSync(join(crateDir, f)));
  const manifest = readFileSync(join(crateDir, "Cargo.toml"), "utf8");
  for (const m of manifest.matchAll(/^(?:path|build)\s*=\s*"([^"]+\.rs)"/gm)) if (existsSync(join(crateDir, m[1]))) files.push(m[1]);
  const bin = join(crateDir, "src/bin");
  if (existsSync(bin)) {
    for (const e of readdirSync(bin)) {
      if (e.endsWith(".rs")) files.push(`src/bin/${e}`);
      else if (existsSync(join(bin, e, "main.rs"))) files.push(`src/bin/${e}/main.rs`);
    }
  }
  return [...new Set(files)].sort();
}

/** <name>-<version> → its directory in a Debian registry (Debian names some directories otherwise, e.g. heck-0.5.0-1+really0.5.0). */
function registryIndex(registry) {
  const index = new Map();
  for (const dir of readdirSync(registry)) {
    const path = join(registry, dir, "Cargo.toml");
    if (!existsSync(path)) continue;
    const pkg = parse(readFileSync(path, "utf8")).package;
    if (pkg?.name && typeof pkg.version === "string") index.set(`${pkg.name}-${pkg.version}`, join(registry, dir));
  }
  return index;
}

function writeRegistry(suite, registry, crates) {
  const out = join(FIXTURES, suite, "registry-manifests");
  const index = registryIndex(registry);
  // A crate version Debian has since replaced stays as committed (cases kept by --only still lock it); anything
  // else missing stops the run before the committed directory is touched.
  const missing = [...crates].filter((id) => !index.has(id) && !existsSync(join(out, id)));
  if (missing.length) throw new Error(`${missing.join(", ")}: locked but not in ${registry}`);
  for (const entry of existsSync(out) ? readdirSync(out) : []) if (!crates.has(entry) || index.has(entry)) rmSync(join(out, entry), { recursive: true, force: true });
  for (const id of [...crates].sort()) {
    const src = index.get(id);
    if (!src) continue;
    mkdirSync(join(out, id), { recursive: true });
    copyFileSync(join(src, "Cargo.toml"), join(out, id, "Cargo.toml"));
    const checksum = JSON.parse(readFileSync(join(src, ".cargo-checksum.json"), "utf8"));
    writeFileSync(join(out, id, ".cargo-checksum.json"), JSON.stringify({ files: {}, package: checksum.package ?? null }));
    for (const f of targetFiles(src)) {
      mkdirSync(dirname(join(out, id, f)), { recursive: true });
      writeFileSync(join(out, id, f), "");
    }
  }
  return crates.size;
}

/** The recorded judgement: against the committed registry-manifests/ only, exactly as the live test runs it. */
async function record(c) {
  const dir = join(FIXTURES, c.suite, c.name);
  mkdirSync(join(dir, ".cargo"), { recursive: true });
  writeFileSync(join(dir, ".cargo/config.toml"), CASE_CONFIG);
  const { judgement } = await judgeCase({ suite: c.suite, name: c.name, dir });
  writeFileSync(join(dir, "judged.json"), json({ covers: c.covers, ...judgement }));
  const s = judgement.summary;
  failed += s.problems.length ? 1 : 0;
  console.log(`${c.suite}/${c.name}: ${s.findings} findings, ${s.fixable} fixable (${s.provenByCargo} proven by cargo), ${s.unfixable} unfixable; ${s.verdict}${s.problems.length ? `: ${s.problems.join("; ")}` : ""}`);
}

// --rejudge: only re-record judged.json from the committed cases and registry-manifests/ (needs cargo, no Debian registry).
if (values.rejudge) {
  const suites = positionals.length ? positionals : ["bookworm", "trixie", "sid"];
  for (const c of CASES.filter((x) => suites.includes(x.suite) && (!values.only || x.name === values.only))) await record(c);
}

for (const suite of values.rejudge ? [] : Object.keys(registries)) {
  const registry = registries[suite];
  const cases = CASES.filter((c) => c.suite === suite && (!values.only || c.name === values.only));
  const crates = new Set();
  // Keep the crates of cases not regenerated by --only.
  if (values.only) for (const e of existsSync(join(FIXTURES, suite, "registry-manifests")) ? readdirSync(join(FIXTURES, suite, "registry-manifests")) : []) crates.add(e);
  for (const c of cases) {
    const dir = join(FIXTURES, suite, c.name);
    writeCase(c, dir);
    mkdirSync(join(dir, ".cargo"), { recursive: true });
    writeFileSync(join(dir, ".cargo/config.toml"), `[source.crates-io]\nreplace-with = "debian"\n[source.debian]\ndirectory = "${registry}"\n`);
    const lock = await cargo(["generate-lockfile", "--offline"], dir);
    if (lock.code !== 0) throw new Error(`${suite}/${c.name}: cargo generate-lockfile failed:\n${lock.stderr}`);
    const before = await cargoBefore(dir);
    rmSync(join(dir, ".cargo"), { recursive: true });
    // Input-error cases: locked while still valid, then broken as a user's working copy can be.
    for (const [file, text] of Object.entries(c.brokenAfterLock ?? {})) writeFileSync(join(dir, file), text);
    if (c.brokenAfterLock) writeFileSync(join(dir, "input-error.json"), json({ note: "written after cargo locked the case; the judge expects tls-audit to write nothing and exit 2", broken: Object.keys(c.brokenAfterLock) }));
    for (const p of lockedPackages(readFileSync(join(dir, "Cargo.lock"), "utf8"))) crates.add(`${p.name}-${p.version}`);
    writeFileSync(join(dir, "expected-before.json"), json({ note: "cargo tree -p <member> -e <edges>,features --target all -i <crate>@<version>, before --write; reachesWithDev: whether -e normal,build,dev -i <crate> is non-empty", ...before }));
    // Judge against the whole Debian registry first: it tells which crates the fixed manifests lock.
    const { judgement, lockAfter } = await judgeCase({ suite, name: c.name, dir }, { registryDir: registry });
    for (const p of lockAfter) crates.add(`${p.name}-${p.version}`);
    console.log(`${suite}/${c.name}: (debian registry) ${judgement.summary.verdict} ${judgement.summary.problems.join("; ")}`);
  }
  console.log(`${suite}: ${writeRegistry(suite, registry, crates)} crates in registry-manifests/`);
  for (const c of cases) await record(c);
}
process.exitCode = failed ? 1 : 0;
