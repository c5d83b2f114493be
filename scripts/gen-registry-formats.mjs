#!/usr/bin/env node
// gen-registry-formats.mjs — regenerate fixtures/registry-formats/ from files real cargo writes.
//
//   node scripts/gen-registry-formats.mjs                 # writes fixtures/registry-formats/
//   node scripts/gen-registry-formats.mjs --out DIR       # writes DIR instead (the live test does this)
//   node scripts/gen-registry-formats.mjs --keep          # keep the scratch directory and print its path
//
// How (all offline apart from Debian's mirror, which debian-crates uses):
//   1. scripts/lib/debian-crates.sh builds a directory registry of Debian bookworm's
//      hyper-tls and everything it pulls in (DEBIAN_CRATES_CACHE, default
//      /tmp/dc-cache-registry-helper, holds apt's lists and .debs between runs).
//   2. From that directory registry this script builds a SPARSE registry in memory:
//      one index line per crate version (derived from its normalised Cargo.toml) and a
//      `.crate` (gzip'd ustar of `<name>-<version>/…`) whose sha256 is the index `cksum`.
//      A tiny HTTP server on 127.0.0.1 serves config.json, the index files and the crates.
//   3. A throwaway CARGO_HOME replaces crates-io with that sparse registry. In a tiny
//      workspace depending on hyper-tls, real cargo runs `generate-lockfile`, `fetch` and
//      `vendor --respect-source-config ../vendor`; cargo thereby writes
//      registry/index/*/.cache/…, registry/src/*/…, and the vendor directory.
//   4. A small subset is copied into the output: the .cache files and registry/src
//      Cargo.toml files of a few crates, the Cargo.toml + .cargo-checksum.json of a few
//      vendored crates, the workspace with its Cargo.lock and the `.cargo/config.toml`
//      that `cargo vendor` printed. The server is stopped at the end.
//
// Environment: CARGO (default cargo), DEBIAN_CRATES (default scripts/lib/debian-crates.sh),
// DEBIAN_CRATES_CACHE, REGISTRY_PORT (default 38461; 0 picks a free port). The port is part
// of the source URL cargo hashes into the index directory name, so a fixed port keeps the
// directory names stable across runs.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { parse } from "smol-toml";
import { indexLine, indexPath } from "./lib/index-line.mjs";

const repoRoot = resolve(import.meta.dirname, "..");
const args = process.argv.slice(2);
const outArg = args.indexOf("--out");
const outDir = resolve(outArg >= 0 ? args[outArg + 1] : join(repoRoot, "fixtures/registry-formats"));
const keep = args.includes("--keep");
const cargo = process.env.CARGO ?? "cargo";
const debianCrates = process.env.DEBIAN_CRATES ?? join(import.meta.dirname, "lib/debian-crates.sh");
const debianCache = process.env.DEBIAN_CRATES_CACHE ?? "/tmp/dc-cache-registry-helper";
const wantedPort = Number(process.env.REGISTRY_PORT ?? 38461);

/** The crates whose cargo-written files are copied into the fixture (kept small on purpose). */
const SAMPLE_CRATES = ["hyper-tls", "native-tls", "openssl", "openssl-sys", "tokio-native-tls", "cc", "log"];
const VENDOR_SAMPLE = ["hyper-tls", "native-tls", "openssl"];

function run(cmd, argv, options = {}) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, argv, { stdio: ["ignore", "pipe", "pipe"], ...options });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code === 0) resolvePromise({ stdout, stderr });
      else reject(Object.assign(new Error(`${cmd} ${argv.join(" ")} exited ${code}\n${stderr}`), { exitCode: code, stderr }));
    });
  });
}

// ---- tar (ustar) writer: just enough for cargo's unpacker -------------------------------

function octal(value, width) {
  return value.toString(8).padStart(width - 1, "0") + "\0";
}

function tarHeader(path, size, mode) {
  const header = Buffer.alloc(512);
  let name = path;
  let prefix = "";
  if (Buffer.byteLength(name) > 100) {
    const cut = path.lastIndexOf("/", 155);
    if (cut <= 0 || Buffer.byteLength(path.slice(cut + 1)) > 100) return undefined;
    prefix = path.slice(0, cut);
    name = path.slice(cut + 1);
  }
  header.write(name, 0, 100);
  header.write(octal(mode, 8), 100);
  header.write(octal(0, 8), 108); // uid
  header.write(octal(0, 8), 116); // gid
  header.write(octal(size, 12), 124);
  header.write(octal(0, 12), 136); // mtime: fixed, so the .crate (and its checksum) is reproducible
  header.write("        ", 148); // checksum placeholder: eight spaces
  header.write("0", 156); // regular file
  header.write("ustar\0", 257);
  header.write("00", 263);
  header.write(prefix, 345, 155);
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(octal(sum, 7) + " ", 148);
  return header;
}

/** Files of a crate directory, sorted, relative; skips Debian's additions that a .crate never has. */
function crateFiles(dir, base = dir) {
  const out = [];
  for (const entry of readdirSync(dir).sort()) {
    const path = join(dir, entry);
    const rel = relative(base, path);
    if (rel === ".cargo-checksum.json" || rel === "debian") continue;
    const stat = statSync(path);
    if (stat.isDirectory()) out.push(...crateFiles(path, base));
    else if (stat.isFile()) out.push(rel);
  }
  return out;
}

function buildCrate(dir, prefix) {
  const blocks = [];
  for (const rel of crateFiles(dir)) {
    const data = readFileSync(join(dir, rel));
    const header = tarHeader(`${prefix}/${rel}`, data.length, 0o644);
    if (!header) {
      console.warn(`skipping over-long path ${prefix}/${rel}`);
      continue;
    }
    blocks.push(header, data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(blocks), { level: 9 });
}

function buildRegistry(dirRegistry) {
  const index = new Map(); // index path → lines
  const crates = new Map(); // "name/version" → .crate bytes
  for (const entry of readdirSync(dirRegistry).sort()) {
    const dir = join(dirRegistry, entry);
    if (!existsSync(join(dir, "Cargo.toml"))) continue;
    const manifest = parse(readFileSync(join(dir, "Cargo.toml"), "utf8"));
    const { name, version } = manifest.package;
    const crate = buildCrate(dir, `${name}-${version}`);
    crates.set(`${name}/${version}`, crate);
    const cksum = createHash("sha256").update(crate).digest("hex");
    const path = indexPath(name);
    index.set(path, [...(index.get(path) ?? []), indexLine(manifest, cksum)]);
  }
  return { index, crates };
}

// ---- the loopback sparse registry ---------------------------------------------------------

function listen(server, port) {
  return new Promise((resolvePromise, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolvePromise(server.address().port));
  });
}

async function serveRegistry({ index, crates }) {
  let base = "";
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    let body;
    if (url.pathname === "/config.json") {
      body = Buffer.from(JSON.stringify({ dl: `${base}/dl/{crate}/{version}/download`, api: `${base}/api` }));
    } else if (url.pathname.startsWith("/dl/")) {
      const [, , crate, version] = url.pathname.split("/");
      body = crates.get(`${decodeURIComponent(crate)}/${decodeURIComponent(version)}`);
    } else {
      const lines = index.get(url.pathname.slice(1));
      if (lines) body = Buffer.from(lines.join("\n") + "\n");
    }
    if (!body) {
      res.writeHead(404).end();
      return;
    }
    // A content-derived ETag, so the revision cargo stores in each .cache file is reproducible.
    const etag = `"${createHash("sha256").update(body).digest("hex").slice(0, 16)}"`;
    if (req.headers["if-none-match"] === etag) {
      res.writeHead(304, { etag }).end();
      return;
    }
    res.writeHead(200, { etag, "content-length": body.length }).end(body);
  });
  let port;
  try {
    port = await listen(server, wantedPort);
  } catch {
    port = await listen(server, 0);
  }
  base = `http://127.0.0.1:${port}`;
  return { server, port, url: `sparse+${base}/` };
}

// ---- main ---------------------------------------------------------------------------------

function copyFile(from, to) {
  mkdirSync(dirname(to), { recursive: true });
  cpSync(from, to);
}

async function main() {
  const work = mkdtempSync(join(tmpdir(), "gen-registry-formats-"));
  const dirRegistry = join(work, "dirreg");
  let server;
  try {
    try {
      await run(debianCrates, ["bookworm", dirRegistry, "hyper-tls"], { env: { ...process.env, DEBIAN_CRATES_CACHE: debianCache } });
    } catch (error) {
      // debian-crates' exit 3 (no apt, no archive key, archive unreachable) is ours too: callers skip on it.
      if (error.exitCode !== 3) throw error;
      process.stderr.write(error.stderr);
      process.exitCode = 3;
      return;
    }
    const registry = buildRegistry(dirRegistry);
    const served = await serveRegistry(registry);
    server = served.server;

    const cargoHome = join(work, "cargo-home");
    mkdirSync(cargoHome, { recursive: true });
    writeFileSync(
      join(cargoHome, "config.toml"),
      `[source.crates-io]\nreplace-with = "loopback"\n\n[source.loopback]\nregistry = "${served.url}"\n`,
    );
    const ws = join(work, "workspace");
    mkdirSync(join(ws, "src"), { recursive: true });
    writeFileSync(
      join(ws, "Cargo.toml"),
      `[package]\nname = "registry-formats-sample"\nversion = "0.1.0"\nedition = "2021"\npublish = false\n\n[dependencies]\nhyper-tls = "0.5"\n`,
    );
    writeFileSync(join(ws, "src/lib.rs"), "");
    const env = { ...process.env, CARGO_HOME: cargoHome, CARGO_TERM_COLOR: "never" };
    delete env.CARGO_NET_OFFLINE;
    const cargoVersion = (await run(cargo, ["--version"], { env })).stdout.trim();
    await run(cargo, ["generate-lockfile"], { cwd: ws, env });
    await run(cargo, ["fetch"], { cwd: ws, env });
    const vendored = await run(cargo, ["vendor", "--respect-source-config", "../vendor"], { cwd: ws, env });

    // Copy the sample into the output.
    for (const sub of ["cargo-home", "vendor", "workspace"]) rmSync(join(outDir, sub), { recursive: true, force: true });
    mkdirSync(outDir, { recursive: true });
    const indexRoot = join(cargoHome, "registry/index");
    for (const indexDir of readdirSync(indexRoot)) {
      const cache = join(indexRoot, indexDir, ".cache");
      const to = join(outDir, "cargo-home/registry/index", indexDir, ".cache");
      const config = join(indexRoot, indexDir, "config.json");
      if (existsSync(config)) copyFile(config, join(outDir, "cargo-home/registry/index", indexDir, "config.json"));
      for (const name of SAMPLE_CRATES) {
        const file = join(cache, indexPath(name));
        if (existsSync(file)) copyFile(file, join(to, indexPath(name)));
        else console.warn(`no index cache for ${name} in ${indexDir}`);
      }
    }
    const srcRoot = join(cargoHome, "registry/src");
    for (const srcDir of readdirSync(srcRoot)) {
      for (const entry of readdirSync(join(srcRoot, srcDir))) {
        const name = SAMPLE_CRATES.find((n) => entry.startsWith(`${n}-`) && /^\d/.test(entry.slice(n.length + 1)));
        if (name) copyFile(join(srcRoot, srcDir, entry, "Cargo.toml"), join(outDir, "cargo-home/registry/src", srcDir, entry, "Cargo.toml"));
      }
    }
    for (const entry of readdirSync(join(work, "vendor"))) {
      if (!VENDOR_SAMPLE.includes(entry.replace(/-\d+\.\d+\.\d+.*$/, ""))) continue;
      for (const file of ["Cargo.toml", ".cargo-checksum.json"]) copyFile(join(work, "vendor", entry, file), join(outDir, "vendor", entry, file));
    }
    for (const file of ["Cargo.toml", "Cargo.lock", "src/lib.rs"]) copyFile(join(ws, file), join(outDir, "workspace", file));
    // What `cargo vendor` printed, verbatim: the relative `directory` is resolved against the workspace.
    mkdirSync(join(outDir, "workspace/.cargo"), { recursive: true });
    writeFileSync(join(outDir, "workspace/.cargo/config.toml"), vendored.stdout);
    writeFileSync(join(outDir, "cargo-version.txt"), `${cargoVersion}\n`);
    console.log(`${cargoVersion}; registry ${served.url}; wrote ${relative(process.cwd(), outDir) || "."}`);
  } finally {
    if (server) await new Promise((r) => server.close(r));
    if (keep) console.log(`scratch directory kept: ${work}`);
    else rmSync(work, { recursive: true, force: true });
  }
}

await main();
