// Helpers for tests over fixtures/registry-formats: a Host over the real file system and the fixture lock.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { nodeHost, type Host } from "../../src/host/index.js";
import { decodeLockfile } from "../../src/lockfile/encoding.js";
import type { CrateMetadata, MetaDependency } from "../../src/registry/model.js";

export const fixtureDir = join(import.meta.dirname, "../../fixtures/registry-formats");

/** The real file system, with CARGO_HOME pointed at a (fixture) cargo home and no HOME. */
export function fixtureHost(cargoHome: string): Host {
  return { ...nodeHost, env: (name) => (name === "CARGO_HOME" ? cargoHome : undefined) };
}

/** The locked (name, version, source) of a registry package in a fixture workspace's Cargo.lock. */
export function locked(root: string, name: string) {
  const { lockfile } = decodeLockfile(readFileSync(join(root, "workspace/Cargo.lock"), "utf8"), "Cargo.lock");
  const pkg = lockfile.packages.find((p) => p.name === name);
  if (!pkg) throw new Error(`${name} is not in the fixture lock`);
  return pkg;
}

/** Metadata without where it came from, with `^` dropped from requirements (the index writes `^1`, manifests `1`). */
export function comparable(meta: CrateMetadata | undefined) {
  if (!meta) return undefined;
  const deps = meta.dependencies
    .map((d: MetaDependency) => ({ ...d, req: d.req.replace(/^\^/, "") }))
    .sort((a, b) => `${a.kind}${a.target}${a.name}`.localeCompare(`${b.kind}${b.target}${b.name}`));
  return { name: meta.name, version: meta.version, features: meta.features, dependencies: deps };
}

export const SAMPLE = ["hyper-tls", "native-tls", "openssl", "openssl-sys", "tokio-native-tls", "cc", "log"];
export const VENDOR_SAMPLE = ["hyper-tls", "native-tls", "openssl"];
