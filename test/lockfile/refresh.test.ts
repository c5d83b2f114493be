// A stale or missing lock, as a fresh CI runner meets it: no crate metadata but the bundled knowledge.
// (With real metadata, test/resolve/differential-drift.test.ts compares with cargo on generated workspaces.)
import { describe, expect, it } from "vitest";
import { targetCfg } from "../../rules/data/targets.js";
import { audit } from "../../src/audit.js";
import type { Finding } from "../../src/engine/types.js";
import { refreshLock } from "../../src/lockfile/refresh.js";
import { createMetadataChain } from "../../src/registry/chain.js";
import { knowledgeProvider } from "../../src/registry/knowledge.js";
import type { CrateMetadata, MetadataProvider } from "../../src/registry/model.js";
import { formatSummary } from "../../src/report/stylish.js";
import { loadWorkspace, isWorkspace } from "../../src/workspace/load.js";
import { CRATES_IO as R, lockText, memoryHost } from "../helpers/memory-host.js";

const target = targetCfg("x86_64-unknown-linux-gnu")!;
const pkg = (deps: string) => `[package]\nname = "app"\nversion = "0.1.0"\nedition = "2021"\n\n${deps}`;
/** A lock made when app asked for reqwest 0.11 with rustls only: no native TLS package in it. */
const rustlsLock = lockText([
  { name: "app", version: "0.1.0", dependencies: ["reqwest"] },
  { name: "reqwest", version: "0.11.27", source: R, dependencies: ["hyper-rustls"] },
  { name: "hyper-rustls", version: "0.24.2", source: R, dependencies: ["rustls"] },
  { name: "rustls", version: "0.21.12", source: R },
]);

function run(files: Record<string, string>, providers: MetadataProvider[] = [knowledgeProvider()], severity?: { possible?: "error" | "warning" }) {
  const result = audit({
    paths: ["/ws"],
    host: memoryHost(files),
    configure: () => ({ severity }),
    resolution: { request: { features: [], allFeatures: false, defaultFeatures: true }, targets: [target], host: target, metadataFor: () => createMetadataChain(providers) },
  });
  const ws = result.workspaces[0]!;
  return { ws, result, stale: ws.problems.filter((p) => p.code === "lockfile-stale") };
}
const brief = (f: Finding) => `${f.dependency} ${f.dependencyVersion} [${f.severity}${f.possible ? "/possible" : ""}] ${f.reaches.join(",")}`;
const palette = { red: (s: string) => s, yellow: (s: string) => s, cyan: (s: string) => s, dim: (s: string) => s, bold: (s: string) => s };

describe("a lock that predates the manifest", () => {
  it("(1) rustls-only lock, manifest back on default features: error finding and a stale note at the line", () => {
    const { ws, stale, result } = run({ "Cargo.toml": pkg(`[dependencies]\nreqwest = "0.11"\n`), "Cargo.lock": rustlsLock });
    expect(ws.findings.map(brief)).toEqual(["reqwest 0.11.27 [error] native-tls,openssl,openssl-sys"]);
    expect(stale).toHaveLength(1);
    expect(stale[0]).toMatchObject({ file: "/ws/Cargo.toml", position: { line: 7, column: 1 }, hint: "run `cargo update -w` or any cargo build" });
    expect(stale[0]!.message).toContain("Cargo.lock does not contain");
    expect(formatSummary(result, "/ws", palette)).toMatch(/^✖ 1 finding \(1 error/);
  });

  it("(1) the same lock with the manifest it was made for is in sync: nothing added, nothing stale", () => {
    const { ws, stale } = run({ "Cargo.toml": pkg(`[dependencies]\nreqwest = { version = "0.11", default-features = false, features = ["rustls-tls"] }\n`), "Cargo.lock": rustlsLock });
    expect(ws.findings).toEqual([]);
    expect(stale).toEqual([]);
  });

  it("(2) a locked version that does not satisfy the requirement is not matched to it", () => {
    const lock = lockText([
      { name: "app", version: "0.1.0", dependencies: ["reqwest"] },
      { name: "reqwest", version: "0.12.28", source: R, dependencies: ["hyper-rustls"] },
      { name: "hyper-rustls", version: "0.27.3", source: R },
    ]);
    const { ws, stale } = run({ "Cargo.toml": pkg(`[dependencies]\nreqwest = "0.11"\n`), "Cargo.lock": lock });
    expect(stale).toHaveLength(1);
    expect(stale[0]!.message).toMatch(/Cargo\.lock has reqwest 0\.12\.28, which does not satisfy it/);
    expect(ws.findings.map((f) => `${f.dependency} ${f.dependencyVersion.split(".").slice(0, 2).join(".")} ${f.severity}`)).toEqual(["reqwest 0.11 error"]);
  });

  it("(3) a native TLS crate declared but absent from the lock is an error, whatever its version", () => {
    const { ws, stale } = run({ "Cargo.toml": pkg(`[dependencies]\nreqwest = { version = "0.11", default-features = false, features = ["rustls-tls"] }\nopenssl = "0.10"\n`), "Cargo.lock": rustlsLock });
    expect(ws.findings.map((f) => `${f.dependency} ${f.severity}`)).toEqual(["openssl error"]);
    expect(stale).toMatchObject([{ position: { line: 8 } }]);
  });

  it("a stale lock with nothing found is never a plain ✔", () => {
    const { ws, result } = run({ "Cargo.toml": pkg(`[dependencies]\nreqwest = { version = "0.11", default-features = false, features = ["rustls-tls"] }\nserde = "1"\n`), "Cargo.lock": rustlsLock });
    expect(ws.findings).toEqual([]);
    expect(formatSummary(result, "/ws", palette)).toMatch(/^⚠ no native TLS found, but Cargo\.lock is stale/);
  });
});

describe("no Cargo.lock: resolved as cargo generate-lockfile would", () => {
  it("(4) a library on reqwest 0.11 and teloxide 0.12: unlocked, both errors from knowledge every 0.11 / 0.12 version agrees on", () => {
    const { ws } = run({ "Cargo.toml": pkg(`[dependencies]\nreqwest = "0.11"\nteloxide = "0.12"\n`) });
    expect(ws.resolution).toBe("unlocked");
    expect(ws.problems.map((p) => p.code)).toEqual(["lockfile-missing"]);
    expect(ws.findings.map((f) => `${f.dependency} ${f.severity}${f.possible ? " possible" : ""}`)).toEqual(["reqwest error", "teloxide error"]);
  });

  it("picks the highest version a metadata source knows that satisfies the requirement", () => {
    const meta = (version: string, deps: string[]): CrateMetadata => ({
      name: "client",
      version,
      features: {},
      provider: "vendor",
      origin: "test",
      dependencies: deps.map((d) => ({ package: d, name: d, req: "0.2", kind: "normal", target: null, optional: false, defaultFeatures: true, features: [] })),
    });
    const versions: Record<string, CrateMetadata> = { "1.0.0": meta("1.0.0", []), "1.4.0": meta("1.4.0", ["native-tls"]), "2.0.0": meta("2.0.0", []) };
    const provider: MetadataProvider = { name: "vendor", lookup: (name, version) => (name === "client" ? versions[version] : undefined), versions: (name) => (name === "client" ? Object.keys(versions) : []) };
    const { ws } = run({ "Cargo.toml": pkg(`[dependencies]\nclient = "1"\n`) }, [provider, knowledgeProvider()]);
    expect(ws.findings.map(brief)).toEqual(["client 1.4.0 [error] native-tls,openssl,openssl-sys"]);
  });

  it("knowledge entries that disagree within the requirement make the finding possible; the setting makes it an error", () => {
    // mysql 8–16 default to rustls-free builds without native TLS, 17–21 to native-tls.
    const files = { "Cargo.toml": pkg(`[dependencies]\nmysql = ">=16, <18"\n`) };
    const { ws, result } = run(files);
    expect(ws.findings.map(brief)).toEqual(["mysql 17.0.0 [warning/possible] native-tls,openssl,openssl-sys"]);
    expect(formatSummary(result, "/ws", palette)).toMatch(/1 possible finding could not be decided .*`cargo fetch` first, or use --online/);
    expect(run(files, undefined, { possible: "error" }).ws.findings.map(brief)).toEqual(["mysql 17.0.0 [error/possible] native-tls,openssl,openssl-sys"]);
  });
});

describe("refreshLock", () => {
  it("links a new declaration to a version the lock already has for another dependent, as cargo keeps it", () => {
    const lock = lockText([
      { name: "app", version: "0.1.0", dependencies: ["reqwest"] },
      { name: "reqwest", version: "0.11.27", source: R, dependencies: ["serde"] },
      { name: "serde", version: "1.0.215", source: R },
    ]);
    const host = memoryHost({ "Cargo.toml": pkg(`[dependencies]\nreqwest = { version = "0.11", default-features = false }\nserde = "1"\n`), "Cargo.lock": lock });
    const ws = loadWorkspace(host, "/ws");
    if (!isWorkspace(ws)) throw new Error("no workspace");
    const refreshed = refreshLock(ws, ws.lockfile, createMetadataChain([knowledgeProvider()]));
    expect(refreshed.synthesized.size).toBe(0);
    const app = refreshed.lockfile.packages.find((p) => p.name === "app")!;
    expect(app.dependencies.map((id) => refreshed.lockfile.packages[id]!.name).sort()).toEqual(["reqwest", "serde"]);
    expect(refreshed.problems.map((p) => [p.position?.line, p.message.split(";")[0]])).toEqual([[8, "`serde` (1) of app: Cargo.lock does not list it among app's dependencies"]]);
    // The decoded lock is not changed: other audits of the same workspace may share it.
    expect(ws.lockfile!.packages.find((p) => p.name === "app")!.dependencies).toHaveLength(1);
  });


  describe("[patch] path packages and path packages' optional dependencies", () => {
    // `client` 1.4.0 in the registry is clean; the vendored fork under [patch] switches native-tls on by default.
    const registryClient: CrateMetadata = { name: "client", version: "1.4.0", features: {}, provider: "vendor", origin: "test", dependencies: [] };
    const provider: MetadataProvider = {
      name: "vendor",
      lookup: (name, version) => (name === "client" && version === "1.4.0" ? registryClient : undefined),
      versions: (name) => (name === "client" ? ["1.4.0"] : []),
    };
    const fork = (version: string) =>
      `[package]\nname = "client"\nversion = "${version}"\nedition = "2021"\n\n[dependencies]\nnative-tls = { version = "0.2", optional = true }\n\n[features]\ndefault = ["tls"]\ntls = ["dep:native-tls"]\n`;
    const patched = (req: string, version: string, lock?: string) => ({
      "Cargo.toml": pkg(`[dependencies]\nclient = "${req}"\n\n[patch.crates-io]\nclient = { path = "vendor/client" }\n`),
      "vendor/client/Cargo.toml": fork(version),
      ...(lock ? { "Cargo.lock": lock } : {}),
    });

    it("no lock: a dependency resolves to the [patch] that fits it, not the registry's version, and its optional native-tls is resolved once a feature turns it on", () => {
      const { ws } = run(patched("1", "1.9.0"), [provider, knowledgeProvider()]);
      expect(ws.resolution).toBe("unlocked");
      expect(ws.findings.map((f) => `${f.member} → ${f.dependency} [${f.severity}] ${f.reaches.join(",")}`)).toEqual(["client → native-tls [error] native-tls,openssl,openssl-sys"]);
    });

    it("a stale lock: the new declaration takes the patch too", () => {
      const lock = lockText([{ name: "app", version: "0.1.0" }]);
      const { ws, stale } = run(patched("1", "1.9.0", lock), [provider, knowledgeProvider()]);
      expect(stale[0]!.message).toContain("audited as client 1.9.0");
      expect(ws.findings.map((f) => `${f.member} → ${f.dependency}`)).toEqual(["client → native-tls"]);
    });

    it("a patch added over a lock that links the registry's version waits for a relock; a declaration new to the lock relocks it", () => {
      const lock = lockText([
        { name: "app", version: "0.1.0", dependencies: ["client"] },
        { name: "client", version: "1.4.0", source: R },
      ]);
      // Only the patch is new: cargo keeps client 1.4.0 and records the patch as unused.
      const kept = run(patched("1", "1.9.0", lock), [provider, knowledgeProvider()]);
      expect(kept.ws.findings).toEqual([]);
      // serde is new to the lock: cargo locks no crates.io package any more, and the patch, preferred and higher, wins.
      const files = patched("1", "1.9.0", lock);
      files["Cargo.toml"] = files["Cargo.toml"].replace('client = "1"\n', 'client = "1"\nserde = "1"\n');
      const relocked = run(files, [provider, knowledgeProvider()]);
      expect(relocked.ws.findings.map((f) => `${f.member} → ${f.dependency}`)).toEqual(["client → native-tls"]);
      expect(relocked.stale.map((p) => p.message.split(";")[0])).toContain("`client` (1) of app: Cargo.lock has client 1.4.0, which the `[patch]` replaces once cargo relocks it (another declaration is new to the lock)");
    });

    it("a patch that lacks a feature a dependent asks for is unused: every dependent takes the registry's version", () => {
      const files = patched("1", "1.9.0");
      files["Cargo.toml"] = files["Cargo.toml"].replace('client = "1"\n', 'client = { version = "1", features = ["gzip"] }\n');
      const withGzip: CrateMetadata = { ...registryClient, features: { gzip: [] } };
      const gzipProvider: MetadataProvider = { ...provider, lookup: (name, version) => (name === "client" && version === "1.4.0" ? withGzip : undefined) };
      const { ws } = run(files, [gzipProvider, knowledgeProvider()]);
      expect(ws.findings).toEqual([]);
      const loaded = loadWorkspace(memoryHost(files), "/ws");
      if (!isWorkspace(loaded)) throw new Error("no workspace");
      const refreshed = refreshLock(loaded, undefined, createMetadataChain([gzipProvider, knowledgeProvider()]));
      const app = refreshed.lockfile.packages.find((p) => p.name === "app")!;
      expect(app.dependencies.map((id) => `${refreshed.lockfile.packages[id]!.name} ${refreshed.lockfile.packages[id]!.version}`)).toEqual(["client 1.4.0"]);
    });

    it("a patch whose version the requirement does not accept is not used: the registry's version is", () => {
      const { ws } = run(patched("1", "2.0.0"), [provider, knowledgeProvider()]);
      expect(ws.findings).toEqual([]);
      const host = memoryHost(patched("1", "2.0.0"));
      const loaded = loadWorkspace(host, "/ws");
      if (!isWorkspace(loaded)) throw new Error("no workspace");
      const refreshed = refreshLock(loaded, undefined, createMetadataChain([provider, knowledgeProvider()]));
      const app = refreshed.lockfile.packages.find((p) => p.name === "app")!;
      expect(app.dependencies.map((id) => refreshed.lockfile.packages[id]!).map((p) => `${p.name} ${p.version} ${p.source}`)).toEqual([`client 1.4.0 ${R}`]);
    });
  });

  it("leaves an in-sync lock as it is: the same object, nothing added", () => {
    const host = memoryHost({ "Cargo.toml": pkg(`[dependencies]\nreqwest = { version = "0.11", default-features = false, features = ["rustls-tls"] }\n`), "Cargo.lock": rustlsLock });
    const ws = loadWorkspace(host, "/ws");
    if (!isWorkspace(ws)) throw new Error("no workspace");
    const refreshed = refreshLock(ws, ws.lockfile, createMetadataChain([knowledgeProvider()]));
    expect(refreshed).toMatchObject({ stale: false, unlocked: false, problems: [] });
    expect(refreshed.lockfile).toBe(ws.lockfile);
  });
});
