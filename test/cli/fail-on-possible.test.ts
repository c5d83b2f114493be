// Undecided (`possible`) findings: counted at the end with how to decide them; `--fail-on possible` or
// `[severity] possible = "error"` fail the run on them, for CI that wants certainty.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/run-cli.js";

/** A library without a lock whose requirement spans mysql versions with and without native TLS by default. */
function library(config?: string): { dir: string; env: NodeJS.ProcessEnv } {
  const dir = mkdtempSync(join(tmpdir(), "tls-audit-possible-"));
  const ws = join(dir, "lib");
  mkdirSync(join(ws, "src"), { recursive: true });
  writeFileSync(join(ws, "Cargo.toml"), `[package]\nname = "lib"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\nmysql = ">=16, <18"\n`);
  writeFileSync(join(ws, "src", "lib.rs"), "");
  if (config) writeFileSync(join(ws, "tls-audit.toml"), config);
  // An empty cargo home: nothing but the bundled knowledge describes mysql, as on a fresh CI runner.
  return { dir: ws, env: { HOME: join(dir, "home"), CARGO_HOME: join(dir, "cargo-home"), TLS_AUDIT_NO_CACHE: "1" } };
}

describe("possible findings", () => {
  it("are warnings by default, counted on the last line with how to decide them", async () => {
    const { dir, env } = library();
    const run = await runCli([dir, "--no-color"], { env, cwd: dir });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/1 possible finding could not be decided from the metadata on this machine: run `cargo fetch` first, or use --online/);
  });

  it("fail the run with --fail-on possible", async () => {
    const { dir, env } = library();
    const run = await runCli([dir, "--no-color", "--fail-on", "possible"], { env, cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^error\[no-native-tls\]/m);
  });

  it("fail the run with [severity] possible = \"error\" in the configuration", async () => {
    const { dir, env } = library(`[severity]\npossible = "error"\n`);
    expect((await runCli([dir, "--no-color"], { env, cwd: dir })).code).toBe(1);
  });

  it("reject another value for the setting", async () => {
    const { dir, env } = library(`[severity]\npossible = "off"\n`);
    const run = await runCli([dir, "--no-color"], { env, cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/tls-audit\.toml:2:\d+: .*`severity\.possible` must be "error" or "warning"/);
  });
});
