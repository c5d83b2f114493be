// --crypto picks the provider a rustls fix ends with. When that provider cannot be had (Debian's rustls has no
// `aws_lc_rs` feature), the fix is refused with that reason: cargo would reject the manifest the fix writes
// ("package `a` depends on `rustls` with feature `aws_lc_rs` but `rustls` does not have that feature").
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { JsonReport } from "../../src/report/json.js";
import { runCli } from "../helpers/run-cli.js";

const repo = join(import.meta.dirname, "../..");
const made: string[] = [];
afterAll(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** trixie's reqwest 0.12 on default features (native-tls), with the suite's registry as crates.io. */
function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), "tls-audit-crypto-"));
  made.push(dir);
  cpSync(join(repo, "fixtures/cargo-oracle/trixie/cases/reqwest-00"), dir, { recursive: true });
  mkdirSync(join(dir, ".cargo"));
  const registry = join(repo, "fixtures/differential/trixie/registry");
  writeFileSync(join(dir, ".cargo/config.toml"), `[source.crates-io]\nreplace-with = "trixie"\n\n[source.trixie]\ndirectory = ${JSON.stringify(registry)}\n\n[net]\noffline = true\n`);
  return dir;
}
const fixOf = async (dir: string, ...args: string[]) => (JSON.parse((await runCli(["--format", "json", ...args, dir], { cwd: dir })).stdout) as JsonReport).findings[0]!.fix;

describe("--crypto and the rustls the lock has", () => {
  it("refuses aws-lc-rs where the locked rustls has no aws_lc_rs feature, and says so", async () => {
    expect(await fixOf(workspace(), "--crypto", "aws-lc-rs")).toEqual({
      fixable: false,
      reason: "rustls 0.23.26 has no `aws_lc_rs` feature here, so the aws-lc-rs provider cannot be selected; choose the other provider (--crypto)",
    });
  });

  it("keeps the fix with the provider the crate brings", async () => {
    expect(await fixOf(workspace(), "--crypto", "ring")).toMatchObject({ fixable: true, description: expect.stringContaining("rustls-tls-native-roots") });
    expect(await fixOf(workspace())).toMatchObject({ fixable: true });
  });
});
