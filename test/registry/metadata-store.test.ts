// Parsed crate manifests kept between runs by file stamp (src/registry/crate-manifest.ts, src/host/metadata-store.ts).
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { fileMetadataStore } from "../../src/host/metadata-store.js";
import { readCrateManifest, type MetadataStore } from "../../src/registry/crate-manifest.js";
import type { CrateMetadata } from "../../src/registry/model.js";
import { memoryHost } from "../helpers/memory-host.js";
import { runCli } from "../helpers/run-cli.js";

const repo = join(import.meta.dirname, "../..");
const manifest = `[package]\nname = "ureq"\nversion = "2.6.2"\n\n[dependencies.native-tls]\nversion = "0.2"\noptional = true\n`;

function mapStore(): MetadataStore & { entries: Map<string, [string, CrateMetadata]> } {
  const entries = new Map<string, [string, CrateMetadata]>();
  return { entries, get: (file, stamp) => (entries.get(file)?.[0] === stamp ? entries.get(file)![1] : undefined), set: (file, stamp, meta) => void entries.set(file, [stamp, meta]) };
}

describe("readCrateManifest", () => {
  it("parses a file once per stamp, and again when the stamp changes or there is none", () => {
    const files = { "/reg/ureq-2.6.2/Cargo.toml": manifest };
    let reads = 0;
    let stamp: string | undefined = "s1";
    const base = memoryHost(files, "/");
    const host = { ...base, readText: (p: string) => (reads++, base.readText(p)), stamp: () => stamp };
    const store = mapStore();
    const first = readCrateManifest(host, "/reg/ureq-2.6.2/Cargo.toml", "vendor", store);
    expect(first?.dependencies.map((d) => d.name)).toEqual(["native-tls"]);
    expect(readCrateManifest(host, "/reg/ureq-2.6.2/Cargo.toml", "registry-src", store)).toEqual({ ...first, provider: "registry-src" });
    expect(reads).toBe(1);
    stamp = "s2";
    readCrateManifest(host, "/reg/ureq-2.6.2/Cargo.toml", "vendor", store);
    expect(reads).toBe(2);
    stamp = undefined; // written too recently to trust a stamp
    readCrateManifest(host, "/reg/ureq-2.6.2/Cargo.toml", "vendor", store);
    readCrateManifest(host, "/reg/ureq-2.6.2/Cargo.toml", "vendor", store);
    expect(reads).toBe(4);
  });

  it("does not remember what it cannot parse", () => {
    const host = { ...memoryHost({ "/reg/bad/Cargo.toml": "[package\n" }, "/"), stamp: () => "s" };
    const store = mapStore();
    expect(readCrateManifest(host, "/reg/bad/Cargo.toml", "vendor", store)).toBeUndefined();
    expect(store.entries.size).toBe(0);
  });
});

describe("fileMetadataStore", () => {
  it("writes what it learnt atomically and reads it back; a corrupt file is an empty store", () => {
    const file = join(mkdtempSync(join(tmpdir(), "tls-audit-store-")), "sub", "crates.json");
    const meta: CrateMetadata = { name: "a", version: "1.0.0", features: {}, dependencies: [], provider: "vendor", origin: "/x" };
    const store = fileMetadataStore(file);
    store.flush(); // nothing learnt: nothing written
    expect(existsSync(file)).toBe(false);
    store.set("/x", "s1", meta);
    store.flush();
    expect(fileMetadataStore(file).get("/x", "s1")).toEqual(meta);
    expect(fileMetadataStore(file).get("/x", "s2")).toBeUndefined();
    writeFileSync(file, "{ not json");
    expect(fileMetadataStore(file).get("/x", "s1")).toBeUndefined();
  });
});

describe("the CLI's crate metadata store", () => {
  // The demo's crates live in a directory source; stamps are trusted only for files older than 2 s, so the copy
  // is left to age first.
  let dir = "";
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "tls-audit-store-ws-"));
    cpSync(join(repo, "fixtures/demo"), dir, { recursive: true });
    await new Promise((done) => setTimeout(done, 2_200));
  });

  it("answers from the store while a manifest's stamp holds, and reads the manifest again once it changes", async () => {
    const cache = mkdtempSync(join(tmpdir(), "tls-audit-store-cache-"));
    const env = { TLS_AUDIT_CACHE_DIR: cache };
    const reaches = (stdout: string) => (JSON.parse(stdout).findings as { dependency: string }[]).map((f) => f.dependency);
    const first = await runCli(["--format", "json", dir], { env });
    expect(reaches(first.stdout)).toContain("ureq");
    const storeFile = join(cache, "metadata", "crates.json");
    const ureqManifest = join(dir, "registry-manifests", "ureq-2.6.2", "Cargo.toml");
    const stored = JSON.parse(readFileSync(storeFile, "utf8"));
    expect(stored.entries[ureqManifest]).toBeDefined();

    // A planted entry under the file's current stamp is believed: ureq without dependencies reaches nothing.
    stored.entries[ureqManifest][1].dependencies = [];
    writeFileSync(storeFile, JSON.stringify(stored));
    expect(reaches((await runCli(["--format", "json", dir], { env })).stdout)).not.toContain("ureq");

    // Rewriting the manifest (same bytes) moves its stamp: the planted entry no longer answers.
    writeFileSync(ureqManifest, readFileSync(ureqManifest));
    expect(reaches((await runCli(["--format", "json", dir], { env })).stdout)).toContain("ureq");
  });

  it("is not used with --no-cache", async () => {
    const cache = mkdtempSync(join(tmpdir(), "tls-audit-store-cache-"));
    await runCli(["--format", "json", "--no-cache", dir], { env: { TLS_AUDIT_CACHE_DIR: cache } });
    expect(existsSync(join(cache, "metadata"))).toBe(false);
  });
});
