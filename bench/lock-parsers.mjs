// Compares TOML parsers on the largest corpus Cargo.lock; figures go into docs/decisions.md.
import { readFileSync, existsSync } from "node:fs";
import { performance } from "node:perf_hooks";
import iarna from "@iarna/toml";
import * as smol from "smol-toml";
import { parseTOML, getStaticTOMLValue } from "toml-eslint-parser";

const file = process.argv[2] ?? "../shared/corpus/vectordotdev__vector/Cargo.lock";
if (!existsSync(file)) { console.error(`missing ${file}`); process.exit(0); }
const text = readFileSync(file, "utf8");
const parsers = {
  "@iarna/toml": (t) => iarna.parse(t),
  "smol-toml": (t) => smol.parse(t),
  "toml-eslint-parser (AST + value)": (t) => getStaticTOMLValue(parseTOML(t)),
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
