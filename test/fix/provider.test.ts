// The rustls-crypto-provider fix on a real-shaped workspace (test/fixtures-data/crypto-provider): rustls 0.23 with no
// crypto provider gets the provider feature of the dependency that brings it in, and nothing says "native TLS".
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { JsonReport } from "../../src/report/json.js";
import { hasCargo } from "../helpers/cargo-workspace.js";
import { runCli } from "../helpers/run-cli.js";

const repo = join(import.meta.dirname, "../..");
const fixtures = join(repo, "test/fixtures-data");
const fixture = join(fixtures, "crypto-provider");
const registry = join(repo, "fixtures/differential/trixie/registry");
const made: string[] = [];
afterAll(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A copy of the fixture whose crates.io is the trixie registry, as cargo would read it. */
function workspace(withLock = true, from = fixture): string {
  const dir = mkdtempSync(join(tmpdir(), "tls-audit-provider-"));
  made.push(dir);
  cpSync(from, dir, { recursive: true });
  if (!withLock) rmSync(join(dir, "Cargo.lock"));
  mkdirSync(join(dir, ".cargo"));
  writeFileSync(join(dir, ".cargo/config.toml"), `[source.crates-io]\nreplace-with = "trixie"\n\n[source.trixie]\ndirectory = ${JSON.stringify(registry)}\n\n[net]\noffline = true\n`);
  return dir;
}
const json = async (dir: string, ...args: string[]) => JSON.parse((await runCli(["--format", "json", ...args, dir], { cwd: dir })).stdout) as JsonReport;

describe("rustls-crypto-provider's fix", () => {
  it("adds the provider feature of the dependency that brings rustls in", async () => {
    const report = await json(workspace());
    expect(report.findings).toHaveLength(1);
    const [finding] = report.findings;
    expect(finding).toMatchObject({ ruleId: "rustls-crypto-provider", dependency: "tokio-rustls", dependencyVersion: "0.26.1" });
    expect(finding!.fix).toMatchObject({
      fixable: true,
      description: `tokio-rustls: add "ring" (rustls' ring crypto provider)`,
      changes: [{ manifest: "app/Cargo.toml", keyPath: ["dependencies", "tokio-rustls"], removeFeatures: [], addFeatures: ["ring"] }],
    });
  });

  it("--write makes the change, and the re-audit is clean", async () => {
    const dir = workspace();
    const run = await runCli(["--write", dir], { cwd: dir });
    expect(run.stdout + run.stderr).toContain(`tokio-rustls: add "ring" (rustls' ring crypto provider)`);
    expect(readFileSync(join(dir, "app/Cargo.toml"), "utf8")).toBe(readFileSync(join(fixture, "app/Cargo.toml"), "utf8").replace(`tokio-rustls = "0.26"`, `tokio-rustls = { version = "0.26", features = ["ring"] }`));
    expect((await json(dir)).findings).toEqual([]);
  });

  it("a provider this rustls has no feature for is no fix, and says so (not \"pulls native TLS\")", async () => {
    const report = await json(workspace(), "--crypto", "aws-lc-rs");
    expect(report.findings[0]!.fix).toEqual({
      fixable: false,
      reason: "rustls 0.23.26 has no `aws_lc_rs` feature here, so the aws-lc-rs provider cannot be selected; choose the other one (--crypto), or install a CryptoProvider at start-up",
    });
  });
});

// Two members: one declares rustls without a provider, one reaches it through a path crate that declares it without one.
// Each build's finding belongs to the local package that declares rustls (as `cargo tree -i rustls` shows it).
describe("rustls-crypto-provider's fix when rustls is declared directly, also by a path crate", () => {
  const direct = join(fixtures, "crypto-provider-direct");
  it("adds the provider feature to each rustls entry, the path crate's included", async () => {
    const report = await json(workspace(true, direct));
    expect(report.findings.map((f) => [f.member, f.dependency, f.manifest, f.fix && "description" in f.fix ? f.fix.description : f.fix])).toEqual([
      ["direct", "rustls", "direct/Cargo.toml", `rustls: add "ring" (the ring crypto provider)`],
      ["tlswrap", "rustls", "vendor/tlswrap/Cargo.toml", `rustls: add "ring" (the ring crypto provider)`],
    ]);
    expect(report.findings[1]!.path.map((s) => s.name)).toEqual(["tlswrap", "rustls"]);
  });

  it("--write changes the rustls entries only", async () => {
    const dir = workspace(true, direct);
    await runCli(["--write", dir], { cwd: dir });
    expect(readFileSync(join(dir, "direct/Cargo.toml"), "utf8")).toContain(`rustls = { version = "0.23", default-features = false, features = ["std", "tls12", "ring"] }\n`);
    expect(readFileSync(join(dir, "vendor/tlswrap/Cargo.toml"), "utf8")).toContain(`rustls = { version = "0.23", default-features = false, features = ["std", "ring"] }\n`);
    expect(readFileSync(join(dir, "wrapped/Cargo.toml"), "utf8")).toBe(readFileSync(join(direct, "wrapped/Cargo.toml"), "utf8"));
    expect((await json(dir)).findings).toEqual([]);
  });
});

describe.skipIf(!hasCargo)("live: cargo agrees", () => {
  it("cargo writes the committed lock of the direct case", () => {
    const fresh = workspace(false, join(fixtures, "crypto-provider-direct"));
    const lock = spawnSync("cargo", ["generate-lockfile", "--offline"], { cwd: fresh, encoding: "utf8" });
    expect(lock.status, lock.stderr).toBe(0);
    expect(readFileSync(join(fresh, "Cargo.lock"), "utf8")).toBe(readFileSync(join(fixtures, "crypto-provider-direct/Cargo.lock"), "utf8"));
  }, 120_000);

  it("cargo writes the committed lock, and after --write builds rustls with ring", async () => {
    const fresh = workspace(false);
    const lock = spawnSync("cargo", ["generate-lockfile", "--offline"], { cwd: fresh, encoding: "utf8" });
    expect(lock.status, lock.stderr).toBe(0);
    expect(readFileSync(join(fresh, "Cargo.lock"), "utf8")).toBe(readFileSync(join(fixture, "Cargo.lock"), "utf8"));

    const dir = workspace();
    const features = () => spawnSync("cargo", ["tree", "--offline", "-e", "features", "-i", "rustls", "--prefix", "none"], { cwd: dir, encoding: "utf8" }).stdout;
    expect(features()).not.toContain(`rustls feature "ring"`);
    await runCli(["--write", dir], { cwd: dir });
    expect(features()).toContain(`rustls feature "ring"`);
  }, 120_000);
});
