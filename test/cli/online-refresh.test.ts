// --online for a missing or stale lock: the crates its refresh adds are fetched from the sparse index, level by level.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runCli } from "../helpers/run-cli.js";
import { startRegistry, type Registry } from "../helpers/sparse-registry.js";

const line = (name: string, vers: string, deps: { name: string; req: string }[] = []) =>
  JSON.stringify({ name, vers, deps: deps.map((d) => ({ ...d, features: [], optional: false, default_features: true, target: null, kind: "normal" })), cksum: "0".repeat(64), features: {}, yanked: false });
/** client 1.4.0 moved onto native-tls; 2.0.0 (outside `client = "1"`) and the yanked 1.5.0 did not. */
const files = {
  "cl/ie/client": [line("client", "1.0.0"), line("client", "1.4.0", [{ name: "native-tls", req: "^0.2" }]), JSON.stringify({ ...JSON.parse(line("client", "1.5.0")), yanked: true }), line("client", "2.0.0")].join("\n"),
  "na/ti/native-tls": [line("native-tls", "0.2.12")].join("\n"),
};

let registry: Registry | undefined;
afterEach(async () => {
  await registry?.close();
  registry = undefined;
});

function library(url: string): { dir: string; env: NodeJS.ProcessEnv } {
  const root = mkdtempSync(join(tmpdir(), "tls-audit-online-refresh-"));
  const dir = join(root, "lib");
  mkdirSync(join(dir, "src"), { recursive: true });
  mkdirSync(join(dir, ".cargo"));
  writeFileSync(join(dir, "Cargo.toml"), `[package]\nname = "lib"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\nclient = "1"\n`);
  writeFileSync(join(dir, "src", "lib.rs"), "");
  writeFileSync(join(dir, ".cargo", "config.toml"), `[source.crates-io]\nreplace-with = "loopback"\n\n[source.loopback]\nregistry = "sparse+${url}"\n`);
  return { dir, env: { HOME: join(root, "home"), CARGO_HOME: join(root, "cargo-home"), TLS_AUDIT_CACHE_DIR: join(root, "cache"), TLS_AUDIT_NO_CACHE: "1" } };
}

describe("--online without a Cargo.lock", () => {
  it("fetches the declared crate, picks the highest satisfying unyanked version, then fetches its dependencies", { timeout: 30_000 }, async () => {
    registry = await startRegistry({ files });
    const { dir, env } = library(registry.url);
    const offline = await runCli([dir, "--no-color", "--format", "json"], { env, cwd: dir });
    expect(JSON.parse(offline.stdout).findings).toEqual([]);
    expect(offline.stderr).toMatch(/no metadata on this machine describes client 1 .*\[metadata-missing\]/);

    const online = await runCli([dir, "--no-color", "--format", "json", "--online"], { env, cwd: dir });
    const report = JSON.parse(online.stdout);
    expect(report.workspaces[0].resolution).toBe("unlocked");
    expect(report.findings.map((f: { dependency: string; dependencyVersion: string; severity: string; reaches: string[] }) => `${f.dependency} ${f.dependencyVersion} ${f.severity} ${f.reaches}`)).toEqual(["client 1.4.0 error native-tls"]);
    expect(online.code).toBe(1);
    // client first; then what client 1.4.0 needs (and what knowledge says native-tls needs, not served here).
    const paths = registry.requests.map((r) => r.path);
    expect(paths[0]).toBe("cl/ie/client");
    expect(paths).toContain("na/ti/native-tls");
    expect(paths.filter((p) => p === "cl/ie/client")).toHaveLength(1); // each index file once, whatever the rounds
  });
});
