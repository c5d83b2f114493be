#!/usr/bin/env node
// Fingerprints every answer the audit gives over the committed cases, so a change meant only for speed (issue 16)
// can be shown to keep each answer byte for byte: run it before and after, and diff the two files.
//
//   node scripts/answers.mjs OUT.tsv      (after `npm run build`; in-process, no cargo, no network)
//
// Cases: fixtures/cargo-oracle, differential, lock-drift and drift-regressions (each suite's registry served as a
// directory source), fixtures/fix-judge (their own .cargo/config.toml), fixtures/demo, and ../shared/corpus when it
// is there.
// Modes: the default JSON report; `--all-features`; `--target x86_64-unknown-linux-gnu`; and `--diff` (fix planning).
// Every case is audited from one fixed scratch path, so the paths inside the reports are the same run to run.
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { Writable } from "node:stream";
import { fileURLToPath } from "node:url";

const repo = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = process.argv[2];
if (!out) {
  console.error("usage: node scripts/answers.mjs OUT.tsv");
  process.exit(2);
}
const { main } = await import(join(repo, "dist/src/cli/main.js"));
const scratch = "/tmp/tls-audit-answers";
rmSync(scratch, { recursive: true, force: true });

const MODES = [
  ["default", ["-f", "json"]],
  ["all-features", ["-f", "json", "--all-features"]],
  ["linux", ["-f", "json", "--target", "x86_64-unknown-linux-gnu"]],
  ["diff", ["--diff", "--no-color"]],
];

const isDir = (p) => existsSync(p) && statSync(p).isDirectory();
const cases = [];
for (const kind of ["cargo-oracle", "differential", "lock-drift", "drift-regressions"]) {
  for (const suite of ["bookworm", "trixie", "sid"]) {
    const from = join(repo, "fixtures", kind, suite);
    if (!isDir(join(from, "cases"))) continue;
    const to = join(scratch, kind, suite);
    cpSync(join(from, "cases"), join(to, "cases"), { recursive: true });
    mkdirSync(join(to, ".cargo"), { recursive: true });
    // Drift regressions were locked against the differential suite's registry.
    const registry = join(repo, "fixtures", kind === "drift-regressions" ? "differential" : kind, suite, "registry");
    writeFileSync(join(to, ".cargo/config.toml"), `[source.crates-io]\nreplace-with = "fixture"\n[source.fixture]\ndirectory = "${registry}"\n`);
    for (const name of readdirSync(join(to, "cases")).sort()) cases.push([`${kind}/${suite}/${name}`, join(to, "cases", name)]);
  }
}
for (const suite of ["bookworm", "trixie", "sid"]) {
  const from = join(repo, "fixtures/fix-judge", suite);
  if (!isDir(from)) continue;
  const to = join(scratch, "fix-judge", suite);
  cpSync(from, to, { recursive: true });
  for (const name of readdirSync(to).sort()) if (existsSync(join(to, name, "Cargo.toml"))) cases.push([`fix-judge/${suite}/${name}`, join(to, name)]);
}
cpSync(join(repo, "fixtures/demo"), join(scratch, "demo"), { recursive: true });
cases.push(["demo", join(scratch, "demo")]);
const corpus = join(repo, "../shared/corpus");
if (isDir(corpus)) {
  cpSync(corpus, join(scratch, "corpus"), { recursive: true });
  for (const name of readdirSync(corpus).sort()) if (isDir(join(corpus, name))) cases.push([`corpus/${name}`, join(scratch, "corpus", name)]);
}

function sink() {
  const chunks = [];
  return { chunks, stream: new Writable({ write(chunk, _enc, done) { chunks.push(Buffer.from(chunk)); done(); } }) };
}

const lines = [];
const started = Date.now();
const env = { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("TLS_AUDIT_"))), TLS_AUDIT_NO_CACHE: "1", CARGO_HOME: join(scratch, "cargo-home") };
for (const [label, dir] of cases) {
  for (const [mode, args] of MODES) {
    const stdout = sink();
    const stderr = sink();
    const code = await main([...args, dir], { stdout: stdout.stream, stderr: stderr.stream, env, cwd: dir, isTTY: false });
    const md5 = (chunks) => createHash("md5").update(Buffer.concat(chunks)).digest("hex");
    lines.push(`${label}\t${mode}\t${code}\t${md5(stdout.chunks)}\t${md5(stderr.chunks)}`);
  }
}
writeFileSync(out, lines.join("\n") + "\n");
const all = createHash("md5").update(lines.join("\n")).digest("hex");
console.log(`${cases.length} cases × ${MODES.length} modes in ${((Date.now() - started) / 1000).toFixed(1)} s; fingerprint ${all} → ${out}`);
