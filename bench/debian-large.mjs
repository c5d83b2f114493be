// A ≈300-package workspace over a Debian registry (issue 16's "≈300-package Debian workspace, every manifest on
// disk"): no committed oracle case is that big, so the bench writes this one and has cargo lock it against the registry.
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** The suite whose registry holds every crate below (scripts/cargo-oracle/generate.py builds it from its crate list). */
export const DEBIAN_LARGE_SUITE = "trixie";

// A root binary over four path members. Native TLS comes in the usual ways (reqwest's default features, octocrab's
// opentls, tokio-tungstenite's and ureq's native-tls), spread over three members; the rest are common crates that
// bring the lock to ≈300 packages (301 with the trixie registry it was written against). Features were picked from
// the registry's manifests: Debian drops some upstream ones, and cargo refuses a feature the registry's crate lacks.
const MEMBERS = {
  ".": {
    name: "app",
    bin: true,
    deps: [
      ["net", '{ path = "net" }'],
      ["stream", '{ path = "stream" }'],
      ["data", '{ path = "data" }'],
      ["cli", '{ path = "cli" }'],
      ["tokio", '{ version = "1", features = ["full"] }'],
      ["serde", '{ version = "1", features = ["derive"] }'],
      ["serde_json", '"1"'],
      ["tracing", '"0.1"'],
    ],
  },
  net: {
    name: "net",
    deps: [
      ["reqwest", '{ version = "0.12", features = ["json", "cookies", "gzip", "brotli", "zstd", "deflate", "stream", "multipart", "socks", "hickory-dns", "http2", "blocking"] }'],
      ["octocrab", '{ version = "0.43", features = ["opentls"] }'],
      ["hyper-util", '{ version = "0.1", features = ["full"] }'],
      ["tower-http", '{ version = "0.6", features = ["full"] }'],
    ],
  },
  stream: {
    name: "stream",
    deps: [
      ["tokio-tungstenite", '{ version = "0.24", features = ["native-tls"] }'],
      ["futures", '"0.3"'],
      ["tokio", '{ version = "1", features = ["full"] }'],
    ],
  },
  data: {
    name: "data",
    deps: [
      ["serde", '{ version = "1", features = ["derive"] }'],
      ["serde_json", '"1"'],
      ["chrono", '{ version = "0.4", features = ["serde"] }'],
      ["uuid", '{ version = "1", features = ["v4", "serde"] }'],
      ["regex", '"1"'],
      ["rand", '"0.8"'],
      ["rayon", '"1"'],
      ["zstd", '"0.13"'],
      ['flate2', '"1"'],
      ['sha2', '"0.10"'],
      ["aes-gcm", '"0.10"'],
      ["time", '{ version = "0.3", features = ["formatting", "parsing", "macros"] }'],
      ["indexmap", '{ version = "2", features = ["serde"] }'],
    ],
  },
  cli: {
    name: "cli",
    deps: [
      ["ureq", '{ version = "3", features = ["native-tls", "json", "cookies", "gzip", "brotli", "charset", "socks-proxy"] }'],
      ["clap", '{ version = "4", features = ["derive", "env"] }'],
      ["env_logger", '"0.11"'],
      ["log", '"0.4"'],
      ["tempfile", '"3"'],
      ["async-std", '{ version = "1", features = ["attributes"] }'],
      ["smol", '"2"'],
      ["thiserror", '"2"'],
    ],
  },
};

/**
 * Writes the workspace into `dir` (which must already point at the registry: its .cargo/config.toml) and locks it
 * with `cargo generate-lockfile --offline` (`env`: cargo's whole environment). Returns the number of locked packages;
 * throws when cargo fails or the lock has no openssl-sys (`cargo tree -i openssl-sys` would then have nothing to do).
 */
export function generateDebianLarge(dir, { cargo, env }) {
  for (const [path, { name, bin, deps }] of Object.entries(MEMBERS)) {
    const members = path === "." ? `\n[workspace]\nmembers = [${Object.keys(MEMBERS).filter((p) => p !== ".").map((p) => `"${p}"`).join(", ")}]\n` : "";
    mkdirSync(join(dir, path, "src"), { recursive: true });
    writeFileSync(join(dir, path, "Cargo.toml"), `[package]\nname = "${name}"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\n${deps.map(([k, v]) => `${k} = ${v}\n`).join("")}${members}`);
    writeFileSync(join(dir, path, "src", bin ? "main.rs" : "lib.rs"), bin ? "fn main() {}\n" : "");
  }
  const locked = spawnSync(cargo, ["generate-lockfile", "--offline"], { cwd: dir, env, encoding: "utf8" });
  if (locked.status !== 0) {
    // cargo's first `error:` line names the crate the registry lacks; the lines after it are advice.
    const lines = (locked.stderr || String(locked.error)).trim().split("\n");
    throw new Error(`cargo generate-lockfile failed: ${lines.find((l) => l.startsWith("error:")) ?? lines.at(-1)}`);
  }
  const lock = readFileSync(join(dir, "Cargo.lock"), "utf8");
  if (!/^name = "openssl-sys"$/m.test(lock)) throw new Error("its lock has no openssl-sys");
  return lock.match(/^\[\[package\]\]$/gm)?.length ?? 0;
}
