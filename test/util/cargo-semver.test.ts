// satisfiesCargoReq keeps each requirement and version parsed: its answers must stay node-semver's for the cargo
// range, on first and later calls alike, and an unparsable side must never poison the other's memo.
import semver from "semver";
import { describe, expect, it } from "vitest";
import { compareVersionsDesc, satisfiesCargoReq, toSemverRange } from "../../src/util/cargo-semver.js";

const requirements = ["0.11", "^0.11.3", "~1.2", "=0.12.2", ">=1, <2", "*", "1.*", "0.0.3", ">=0.10.0-alpha", "not a req", "", "1.0.0 - 2", "< 0.2"];
const versions = ["0.11.0", "0.11.27", "0.12.2", "1.2.9", "1.3.0", "1.99.0", "2.0.0", "0.0.3", "0.0.4", "0.10.0-alpha.2", "1.0.0+build.5", "x.y", "0.1.9"];

function reference(version: string, req: string): boolean {
  try {
    return semver.satisfies(version, toSemverRange(req), { includePrerelease: true, loose: true });
  } catch {
    return false;
  }
}

describe("satisfiesCargoReq", () => {
  it("answers as node-semver does for every pair, twice (parsed requirements and versions are kept)", () => {
    const pairs = requirements.flatMap((req) => versions.map((version) => [version, req] as const));
    const expected = pairs.map(([version, req]) => reference(version, req));
    expect(pairs.map(([version, req]) => satisfiesCargoReq(version, req))).toEqual(expected);
    expect([...pairs].reverse().map(([version, req]) => satisfiesCargoReq(version, req))).toEqual([...expected].reverse());
    // Both answers occur, so the comparison says something.
    expect(expected.filter(Boolean).length).toBeGreaterThan(10);
    expect(expected.filter((x) => !x).length).toBeGreaterThan(10);
  });

  it("reads cargo's syntax: a bare version is a caret requirement, commas join", () => {
    expect(satisfiesCargoReq("0.11.27", "0.11")).toBe(true);
    expect(satisfiesCargoReq("0.12.0", "0.11")).toBe(false);
    expect(satisfiesCargoReq("1.5.0", ">=1, <2")).toBe(true);
    expect(satisfiesCargoReq("2.0.0", ">=1, <2")).toBe(false);
    expect(satisfiesCargoReq("1.0.0", "not a req")).toBe(false);
  });
});

describe("compareVersionsDesc", () => {
  it("orders as node-semver's loose rcompare does, highest first, and unreadable versions by text", () => {
    const versions = ["0.11.27", "0.12.9", "0.12.10", "1.0.0-rc.1", "1.0.0", "0.12.10+build", "v0.2.0", "not-a-version", "0.0.1-alpha"];
    const viaSemver = (a: string, b: string) => {
      const va = semver.valid(a, true);
      const vb = semver.valid(b, true);
      return va && vb ? semver.rcompare(va, vb, true) : b.localeCompare(a);
    };
    for (const a of versions) for (const b of versions) expect(Math.sign(compareVersionsDesc(a, b)), `${a} vs ${b}`).toBe(Math.sign(viaSemver(a, b)));
    expect([...versions].filter((v) => semver.valid(v, true)).sort(compareVersionsDesc)).toEqual(["1.0.0", "1.0.0-rc.1", "0.12.10", "0.12.10+build", "0.12.9", "0.11.27", "v0.2.0", "0.0.1-alpha"]);
  });
});
