// Live test: re-run scripts/gen-registry-formats.mjs with real cargo and compare with the committed fixture.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { indexCacheProvider } from "../../src/registry/index-cache.js";
import { registrySrcProvider } from "../../src/registry/registry-src.js";
import { vendorProvider } from "../../src/registry/vendor.js";
import { liveRegistryUnavailable, REGISTRY_UNAVAILABLE, unavailableReason } from "../helpers/live.js";
import { comparable, fixtureDir, fixtureHost, locked, SAMPLE, VENDOR_SAMPLE } from "./fixture-host.js";

const script = join(import.meta.dirname, "../../scripts/gen-registry-formats.mjs");

// Skipped, with the reason, without cargo, apt or Debian's archive (test/helpers/live.ts); CI has them all.
describe("gen-registry-formats.mjs with real cargo", () => {
  const out = mkdtempSync(join(tmpdir(), "registry-formats-live-"));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  function providersFor(root: string) {
    const host = fixtureHost(join(root, "cargo-home"));
    return {
      vendor: vendorProvider(host, join(root, "workspace")),
      "registry-src": registrySrcProvider(host),
      "index-cache": indexCacheProvider(host),
    };
  }

  it("regenerates metadata equal to the committed fixture", { timeout: 600_000 }, (ctx) => {
    const skip = liveRegistryUnavailable(["cargo"]);
    if (skip) ctx.skip(skip);
    // The port may differ from the fixture's if it is taken, so compare what the providers read, not paths.
    const run = spawnSync(process.execPath, [script, "--out", out], { encoding: "utf8", env: { ...process.env, REGISTRY_PORT: "0" } });
    if (run.status === REGISTRY_UNAVAILABLE) ctx.skip(unavailableReason(run.stderr));
    expect(run.status, run.stderr).toBe(0);
    expect(readFileSync(join(out, "workspace/Cargo.lock"), "utf8")).toBe(readFileSync(join(fixtureDir, "workspace/Cargo.lock"), "utf8"));
    const fresh = providersFor(out);
    const committed = providersFor(fixtureDir);
    for (const name of SAMPLE) {
      const pkg = locked(out, name);
      for (const provider of ["registry-src", "index-cache"] as const) {
        const now = fresh[provider].lookup(pkg.name, pkg.version, pkg.source);
        expect(now, `${provider} ${name}`).toBeDefined();
        expect(comparable(now)).toEqual(comparable(committed[provider].lookup(pkg.name, pkg.version, pkg.source)));
      }
    }
    for (const name of VENDOR_SAMPLE) {
      const pkg = locked(out, name);
      expect(comparable(fresh.vendor.lookup(pkg.name, pkg.version, pkg.source))).toEqual(
        comparable(committed.vendor.lookup(pkg.name, pkg.version, pkg.source)),
      );
    }
  });
});
