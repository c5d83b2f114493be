#!/usr/bin/env node
// gen-online-index.mjs — write fixtures/online-index/: a sparse index (crates.io layout) for every registry
// package of fixtures/registry-formats/workspace/Cargo.lock, which test/cli/online.test.ts serves over loopback.
//
//   node scripts/gen-online-index.mjs            # rewrites fixtures/online-index/index/
//   node scripts/gen-online-index.mjs --check    # exits 1 if the committed files differ from a fresh run
//
// Offline, deterministic, no cargo needed. Each index line is
//   * the line cargo itself stored for that crate (fixtures/registry-formats/cargo-home/registry/index/*/.cache),
//     for the crates sampled there, copied byte for byte; otherwise
//   * derived from the crate's normalised Cargo.toml in fixtures/cargo-oracle/bookworm/registry (the same Debian
//     bookworm crates), with scripts/lib/index-line.mjs, the conversion that produced the lines cargo stored, and
//     the lock's checksum as `cksum` (cargo writes the index `cksum` into Cargo.lock).
// Before writing, the script derives the sampled crates' lines too and requires them to equal cargo's, so the
// conversion is checked against cargo on every run.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { parse } from "smol-toml";
import { indexLine, indexPath } from "./lib/index-line.mjs";

const repoRoot = resolve(import.meta.dirname, "..");
const formats = join(repoRoot, "fixtures/registry-formats");
const manifests = join(repoRoot, "fixtures/cargo-oracle/bookworm/registry");
const outDir = join(repoRoot, "fixtures/online-index/index");
const check = process.argv.includes("--check");

/** The JSON lines of cargo's binary index cache (`u8 3 | u32 | revision \0 | (version \0 json \0)*`). */
function cachedLines(file) {
  const bytes = readFileSync(file);
  const fields = [];
  let start = 5;
  for (let i = 5; i < bytes.length; i++) {
    if (bytes[i] === 0) {
      fields.push(bytes.subarray(start, i).toString("utf8"));
      start = i + 1;
    }
  }
  const lines = [];
  for (let i = 1; i + 1 < fields.length; i += 2) lines.push(fields[i + 1]);
  return lines;
}

const lock = parse(readFileSync(join(formats, "workspace/Cargo.lock"), "utf8"));
const packages = lock.package.filter((p) => typeof p.source === "string" && p.source.startsWith("registry+"));

const indexRoot = join(formats, "cargo-home/registry/index");
const [registryDir] = readdirSync(indexRoot);
const cacheDir = join(indexRoot, registryDir, ".cache");

const files = new Map(); // index path → lines
let fromCargo = 0;
for (const pkg of packages.sort((a, b) => a.name.localeCompare(b.name))) {
  const manifest = parse(readFileSync(join(manifests, `${pkg.name}-${pkg.version}`, "Cargo.toml"), "utf8"));
  const derived = indexLine(manifest, pkg.checksum);
  const cacheFile = join(cacheDir, indexPath(pkg.name));
  let line = derived;
  if (existsSync(cacheFile)) {
    const stored = cachedLines(cacheFile).find((l) => JSON.parse(l).vers === pkg.version);
    if (stored === undefined) throw new Error(`${pkg.name} ${pkg.version}: not in cargo's index cache ${cacheFile}`);
    if (stored !== derived) throw new Error(`${pkg.name} ${pkg.version}: the derived line differs from cargo's\n  cargo:   ${stored}\n  derived: ${derived}`);
    line = stored;
    fromCargo++;
  }
  const path = indexPath(pkg.name);
  files.set(path, [...(files.get(path) ?? []), line]);
}

const expected = new Map([...files].map(([path, lines]) => [path, `${lines.join("\n")}\n`]));
if (check) {
  const stale = [...expected].filter(([path, text]) => !existsSync(join(outDir, path)) || readFileSync(join(outDir, path), "utf8") !== text);
  if (stale.length > 0) {
    console.error(`fixtures/online-index is stale: ${stale.map(([p]) => p).join(", ")}`);
    process.exit(1);
  }
  console.log(`fixtures/online-index is up to date (${expected.size} files)`);
} else {
  rmSync(outDir, { recursive: true, force: true });
  for (const [path, text] of expected) {
    mkdirSync(dirname(join(outDir, path)), { recursive: true });
    writeFileSync(join(outDir, path), text);
  }
  console.log(`wrote ${expected.size} index files (${fromCargo} lines copied from cargo's cache, all ${fromCargo} equal to the derived ones)`);
}
