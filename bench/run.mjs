#!/usr/bin/env node
// `npm run bench`: whole-process cold runs of the built CLI on the largest corpus workspaces and the demo,
// next to `node -e 0` measured in the same run. Writes bench/results/latest.{json,md}.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const repo = join(dirname(fileURLToPath(import.meta.url)), "..");
const corpus = join(repo, "../shared/corpus");
const runs = Number(process.env.BENCH_RUNS ?? 10);
const bin = join(repo, "bin/tls-audit.js");

/** One cold process; wall time from spawn to exit, peak RSS from GNU time when present. */
function measure(args) {
  const timeBin = existsSync("/usr/bin/time") ? "/usr/bin/time" : undefined;
  const start = process.hrtime.bigint();
  const run = timeBin
    ? spawnSync(timeBin, ["-f", "%M", process.execPath, ...args], { encoding: "utf8", maxBuffer: 64 << 20 })
    : spawnSync(process.execPath, args, { encoding: "utf8", maxBuffer: 64 << 20 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const rssKb = timeBin ? Number(run.stderr.trim().split("\n").at(-1)) : NaN;
  if (run.status !== 0 && run.status !== 1) throw new Error(`${args.join(" ")} exited ${run.status}: ${run.stderr.slice(0, 500)}`);
  return { ms, rssMb: rssKb / 1024 };
}

function series(label, args) {
  measure(args); // warm-up: file cache, not the process
  const samples = Array.from({ length: runs }, () => measure(args));
  const times = samples.map((s) => s.ms).sort((a, b) => a - b);
  const median = times.length % 2 ? times[times.length >> 1] : (times[times.length / 2 - 1] + times[times.length / 2]) / 2;
  return { label, runs, medianMs: median, minMs: times[0], maxMs: times.at(-1), peakRssMb: Math.max(...samples.map((s) => s.rssMb)) };
}

const cases = [["node -e 0 (floor)", ["-e", "0"]], ["demo (exact)", [bin, "--format", "json", join(repo, "fixtures/demo")]]];
for (const ws of ["vectordotdev__vector", "denoland__deno", "nushell__nushell"]) {
  const dir = join(corpus, ws);
  if (!existsSync(dir)) continue;
  cases.push([`${ws} (resolved)`, [bin, "--format", "json", dir]]);
  cases.push([`${ws} (--lockfile-only)`, [bin, "--format", "json", "--lockfile-only", dir]]);
}
// Scale: synthetic workspaces of growing size (bench/synthetic.mjs), members growing with them.
const { generate } = await import("./synthetic.mjs");
const { tmpdir } = await import("node:os");
const scale = [];
for (const [packages, members] of [[2000, 10], [5000, 50], [20000, 300]]) {
  const dir = join(tmpdir(), `tls-audit-synthetic-${packages}`);
  const made = generate(dir, { packages, members });
  cases.push([`synthetic ${made.packages} packages, ${members} members`, [bin, "--format", "json", dir]]);
  scale.push({ packages: made.packages, label: cases.at(-1)[0] });
}
const results = cases.map(([label, args]) => {
  const r = series(label, args);
  console.log(`${label.padEnd(40)} median ${r.medianMs.toFixed(0)} ms  min ${r.minMs.toFixed(0)}  max ${r.maxMs.toFixed(0)}  peak RSS ${r.peakRssMb.toFixed(0)} MB`);
  return r;
});
const floor = results[0].medianMs;
// Growth exponent: least-squares slope of log(time) over log(packages).
const points = scale.map((s) => [Math.log(s.packages), Math.log(results.find((r) => r.label === s.label).medianMs)]);
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const mx = mean(points.map((p) => p[0]));
const my = mean(points.map((p) => p[1]));
const exponent = points.reduce((a, [x, y]) => a + (x - mx) * (y - my), 0) / points.reduce((a, [x]) => a + (x - mx) ** 2, 0);
console.log(`growth exponent (time ~ packages^k), ${scale[0].packages}..${scale.at(-1).packages} packages: k = ${exponent.toFixed(2)}`);
const out = join(repo, "bench/results");
mkdirSync(out, { recursive: true });
const meta = { date: new Date().toISOString(), node: process.version, cpus: (await import("node:os")).cpus().length, runs };
writeFileSync(join(out, "latest.json"), JSON.stringify({ ...meta, results, growthExponent: exponent }, null, 2));
const table = [
  `| case | median ms | min | max | × node -e 0 | peak RSS MB |`,
  `|---|---|---|---|---|---|`,
  ...results.map((r) => `| ${r.label} | ${r.medianMs.toFixed(0)} | ${r.minMs.toFixed(0)} | ${r.maxMs.toFixed(0)} | ${(r.medianMs / floor).toFixed(2)} | ${r.peakRssMb.toFixed(0)} |`),
].join("\n");
writeFileSync(join(out, "latest.md"), `${table}\n\ngrowth exponent ${exponent.toFixed(2)}\n\n${JSON.stringify(meta)}\n`);
console.log(`\n${table}`);
