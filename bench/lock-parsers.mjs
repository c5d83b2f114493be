// Compares TOML parsers on the largest corpus Cargo.lock; figures go into docs/decisions.md.
// Warm: RUNS parses in one process after 5 warm-up parses. Cold (COLD=N): N fresh processes per parser, each timing
// one import and one parse, as a short CLI run pays them. The canonical reader is the project's own restricted
// scanner (src/lockfile/canonical.ts, from dist/: run `npm run build` first).
import { spawnSync } from "node:child_process";
import { readFileSync, existsSync } from "node:fs";
import { performance } from "node:perf_hooks";
import iarna from "@iarna/toml";
import * as smol from "smol-toml";
import { parseTOML, getStaticTOMLValue } from "toml-eslint-parser";

const file = process.argv[2] ?? "../shared/corpus/vectordotdev__vector/Cargo.lock";
if (!existsSync(file)) { console.error(`missing ${file}`); process.exit(0); }
const text = readFileSync(file, "utf8");
const canonicalModule = new URL("../dist/src/lockfile/canonical.js", import.meta.url);
const { readCanonicalLock } = existsSync(canonicalModule) ? await import(canonicalModule) : {};
const parsers = {
  "@iarna/toml": (t) => iarna.parse(t),
  "smol-toml": (t) => smol.parse(t),
  "toml-eslint-parser (AST + value)": (t) => getStaticTOMLValue(parseTOML(t)),
  ...(readCanonicalLock ? { "canonical reader (restricted scanner)": (t) => readCanonicalLock(t) } : {}),
};
const coldImports = {
  "smol-toml": ["smol-toml", "parse"],
  ...(readCanonicalLock ? { "canonical reader (restricted scanner)": [canonicalModule.href, "readCanonicalLock"] } : {}),
};
const runs = Number(process.env.RUNS ?? 30);
console.log(`${file}: ${(text.length / 1024).toFixed(0)} KiB`);
for (const [name, parse] of Object.entries(parsers)) {
  for (let i = 0; i < 5; i++) parse(text);
  const times = [];
  for (let i = 0; i < runs; i++) { const t0 = performance.now(); parse(text); times.push(performance.now() - t0); }
  times.sort((a, b) => a - b);
  const pkgs = parse(text).package.length;
  console.log(`${name.padEnd(34)} median ${times[runs >> 1].toFixed(1)} ms  min ${times[0].toFixed(1)} ms  max ${times[runs - 1].toFixed(1)} ms  packages ${pkgs}`);
}

const cold = Number(process.env.COLD ?? 0);
for (const [name, [specifier, fn]] of cold > 0 ? Object.entries(coldImports) : []) {
  const times = [];
  for (let i = 0; i < cold; i++) {
    const script = `import { readFileSync } from "node:fs"; const text = readFileSync(${JSON.stringify(file)}, "utf8"); const t0 = performance.now(); const m = await import(${JSON.stringify(specifier)}); const t1 = performance.now(); const doc = m.${fn}(text); const t2 = performance.now(); if (!doc.package.length) process.exit(1); console.log(t1 - t0, t2 - t1);`;
    const run = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", cwd: new URL("..", import.meta.url).pathname });
    if (run.status !== 0) throw new Error(run.stderr || String(run.error));
    times.push(run.stdout.trim().split(" ").map(Number));
  }
  const fmt = (k) => times.map((t) => t[k].toFixed(1)).join(", ");
  console.log(`cold ${name.padEnd(38)} import ${fmt(0)} ms; first parse ${fmt(1)} ms`);
}
