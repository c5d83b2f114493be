// The committed oracle answers are consistent with each other (no cargo needed): a build's findings include the
// member's own ones, the platform lists exist exactly where a manifest has a target table, and lists are sorted.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildFindingKey, MODES, oracleCases, PLATFORMS, type BuildFinding } from "../helpers/oracle-cases.js";

const cases = oracleCases();
const banned = ["native-tls", "openssl", "openssl-sys"];
const order = (f: Omit<BuildFinding, "scope">) => [f.build, f.package, f.dependency, f.dependencyVersion, String(banned.indexOf(f.banned))];
const sorted = <T extends Omit<BuildFinding, "scope">>(list: T[]) =>
  list.every((f, i) => i === 0 || order(list[i - 1]!).join("\0") <= order(f).join("\0"));

function manifests(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((p) => p === "Cargo.toml" || p.endsWith("/Cargo.toml"))
    .map((p) => readFileSync(join(dir, p), "utf8"));
}

describe.skipIf(cases.length === 0)("oracle cases", () => {
  it("loads both suites", () => {
    expect(new Set(cases.map((c) => c.oracle))).toEqual(new Set(["cargo-oracle", "differential", "drift-regressions"]));
  });

  it("drift regressions hold a lock cargo would change, or none", () => {
    const drift = cases.filter((c) => c.oracle === "drift-regressions");
    expect(drift.length).toBeGreaterThanOrEqual(2);
    for (const c of drift) {
      const refreshed = readFileSync(join(c.dir, "cargo-refreshed.lock"), "utf8");
      if (existsSync(join(c.dir, "Cargo.lock"))) expect(readFileSync(join(c.dir, "Cargo.lock"), "utf8"), c.name).not.toBe(refreshed);
      expect(c.expected.buildFindings["no-default-features"], c.name).toBeDefined();
    }
  });

  it.each(cases.map((c) => [`${c.oracle}/${c.suite}/${c.name}`, c]))("%s", (_, c) => {
    const e = c.expected;
    for (const mode of MODES) {
      const own = e.buildFindings[mode].filter((f) => f.package === f.build).map((f) => `${f.build} ${f.dependency} ${f.dependencyVersion} ${f.banned} ${f.scope}`);
      expect(own.sort()).toEqual(e.findings[mode].map((f) => `${f.member} ${f.dependency} ${f.dependencyVersion} ${f.banned} ${f.scope}`).sort());
      expect(sorted(e.buildFindings[mode]), mode).toBe(true);
      expect(new Set(e.buildFindings[mode].map(buildFindingKey)).size).toBe(e.buildFindings[mode].length);
    }
    expect(e.platformFindings !== undefined).toBe(manifests(c.dir).some((m) => /^\[target\./m.test(m)));
    if (e.platformFindings) {
      expect(Object.keys(e.platformFindings)).toEqual([...PLATFORMS]);
      const linux = e.buildFindings.default.filter((f) => f.scope === "normal").map(({ scope: _, ...f }) => f);
      expect(e.platformFindings[e.target]).toEqual(linux);
      for (const t of PLATFORMS) expect(sorted(e.platformFindings[t]), t).toBe(true);
    }
  });
});
