#!/usr/bin/env node
// Synthetic workspaces for scale measurements: N locked packages with power-law fan-out and several versions
// per crate, M members, vendored manifests so features resolve exactly. Written under $TMPDIR, never committed.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** Deterministic PRNG (mulberry32) so runs are comparable. */
function random(seed) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const REGISTRY = "registry+https://github.com/rust-lang/crates.io-index";

/**
 * Generates a workspace under `dir`: `packages` registry packages (about 1.6 versions per crate name),
 * `members` members. Dependencies point to lower-numbered packages with a power-law preference for
 * popular ones; native-tls/openssl-sys sit at the bottom with a few dependents behind optional features.
 */
export function generate(dir, { packages, members, seed = 1 }) {
  const rand = random(seed);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, "registry"), { recursive: true });
  const pkgs = [
    { name: "openssl-sys", version: "0.9.104", deps: [], optional: new Set() },
    { name: "native-tls", version: "0.2.12", deps: [0], optional: new Set() },
  ];
  while (pkgs.length < packages) {
    const i = pkgs.length;
    const name = rand() < 0.35 && i > 10 ? pkgs[Math.floor(rand() * (i - 2)) + 2].name : `crate-${i}`;
    const sameName = pkgs.filter((p) => p.name === name).length;
    const version = `${sameName + 1}.${Math.floor(rand() * 10)}.0`;
    const fanOut = Math.min(i, Math.floor(1 / (rand() ** 0.7 + 0.05)) % 12);
    const deps = new Set();
    for (let k = 0; k < fanOut; k++) deps.add(Math.floor(i * rand() ** 2.2)); // favours low (popular) indices
    const optional = new Set([...deps].filter((d) => d <= 1 || rand() < 0.15));
    pkgs.push({ name, version, deps: [...deps].filter((d) => pkgs[d].name !== name), optional });
  }
  const unique = (p) => `${p.name} ${p.version}`;
  const manifest = (p) => {
    const depLines = p.deps.map((d) => {
      const dep = pkgs[d];
      const key = `${dep.name.replace(/[^a-z0-9_-]/g, "")}${d}`;
      return `${key} = { package = "${dep.name}", version = "=${dep.version}"${p.optional.has(d) ? ", optional = true" : ""} }`;
    });
    const optionalKeys = p.deps.filter((d) => p.optional.has(d)).map((d) => `"dep:${pkgs[d].name.replace(/[^a-z0-9_-]/g, "")}${d}"`);
    return `[package]\nname = "${p.name}"\nversion = "${p.version}"\nedition = "2021"\n\n[features]\ndefault = ["std"]\nstd = []\ntls = [${optionalKeys.join(", ")}]\n\n[dependencies]\n${depLines.join("\n")}\n`;
  };
  for (const p of pkgs) {
    const d = join(dir, "registry", `${p.name}-${p.version}`);
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, "Cargo.toml"), manifest(p));
  }
  const memberNames = [];
  const memberDeps = [];
  for (let m = 0; m < members; m++) {
    const name = `member-${m}`;
    memberNames.push(name);
    const deps = new Set();
    for (let k = 0; k < 8; k++) deps.add(Math.floor(pkgs.length * rand() ** 0.8));
    memberDeps.push([...deps]);
    mkdirSync(join(dir, "crates", name, "src"), { recursive: true });
    const lines = [...deps].map((d) => `${pkgs[d].name.replace(/[^a-z0-9_-]/g, "")}${d} = { package = "${pkgs[d].name}", version = "=${pkgs[d].version}"${rand() < 0.3 ? ', features = ["tls"]' : ""} }`);
    writeFileSync(join(dir, "crates", name, "Cargo.toml"), `[package]\nname = "${name}"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\n${lines.join("\n")}\n`);
    writeFileSync(join(dir, "crates", name, "src", "lib.rs"), "");
  }
  writeFileSync(join(dir, "Cargo.toml"), `[workspace]\nmembers = ["crates/*"]\nresolver = "2"\n`);
  mkdirSync(join(dir, ".cargo"), { recursive: true });
  writeFileSync(join(dir, ".cargo", "config.toml"), `[source.crates-io]\nreplace-with = "synthetic"\n\n[source.synthetic]\ndirectory = "registry"\n`);
  // The lock as cargo would write it (v4): dependency strings use the long form only when a name is ambiguous.
  const count = new Map();
  for (const p of pkgs) count.set(p.name, (count.get(p.name) ?? 0) + 1);
  const ref = (p) => (count.get(p.name) > 1 ? unique(p) : p.name);
  const entries = [
    ...pkgs.map((p) => ({ name: p.name, version: p.version, source: REGISTRY, deps: p.deps.map((d) => ref(pkgs[d])) })),
    ...memberNames.map((name, m) => ({ name, version: "0.1.0", deps: memberDeps[m].map((d) => ref(pkgs[d])) })),
  ].sort((a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version));
  const lock = entries
    .map((e) => {
      const lines = ["[[package]]", `name = "${e.name}"`, `version = "${e.version}"`];
      if (e.source) lines.push(`source = "${e.source}"`, `checksum = "${"0".repeat(64)}"`);
      if (e.deps.length) lines.push("dependencies = [", ...[...new Set(e.deps)].sort().map((d) => ` "${d}",`), "]");
      return lines.join("\n");
    })
    .join("\n\n");
  writeFileSync(join(dir, "Cargo.lock"), `# This file is automatically @generated by Cargo.\n# It is not intended for manual editing.\nversion = 4\n\n${lock}\n`);
  return { packages: entries.length, members };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [dir, packages, members] = process.argv.slice(2);
  console.log(generate(dir, { packages: Number(packages), members: Number(members) }));
}
