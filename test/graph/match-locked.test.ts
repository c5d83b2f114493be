// matchLockedDependency: which locked package a manifest entry refers to. One candidate (the usual case) and several
// must follow the same rules: a version the requirement rejects is never matched, whatever the source.
import { describe, expect, it } from "vitest";
import { matchLockedDependency } from "../../src/graph/build.js";
import type { LockedPackage } from "../../src/lockfile/model.js";
import type { EffectiveDependency } from "../../src/workspace/model.js";

const CRATES_IO = "registry+https://github.com/rust-lang/crates.io-index";
const GIT = "git+https://github.com/seanmonstar/reqwest?branch=master#0123456789abcdef";
const locked = (id: number, name: string, version: string, source: string | null): LockedPackage => ({ id, name, version, source, dependencies: [] });
const entry = (fields: Partial<EffectiveDependency>): EffectiveDependency => ({
  key: "reqwest",
  package: "reqwest",
  kind: "normal",
  target: null,
  workspace: false,
  features: [],
  optional: false,
  span: { line: 1, column: 1 },
  keyPath: ["dependencies", "reqwest"],
  ...fields,
});
const noDirs = new Map<string, number>();

describe("matchLockedDependency", () => {
  it("matches the one locked package of the entry's name when its version fits", () => {
    const only = locked(3, "reqwest", "0.12.15", CRATES_IO);
    expect(matchLockedDependency(entry({ version: "0.12" }), [only], noDirs)).toBe(only);
    expect(matchLockedDependency(entry({}), [only], noDirs)).toBe(only);
  });

  it("never matches a version the requirement rejects (a stale lock), with one candidate or several", () => {
    const old = locked(3, "reqwest", "0.11.27", CRATES_IO);
    expect(matchLockedDependency(entry({ version: "0.12" }), [old], noDirs)).toBeUndefined();
    const older = locked(4, "reqwest", "0.10.10", CRATES_IO);
    expect(matchLockedDependency(entry({ version: "0.12" }), [old, older], noDirs)).toBeUndefined();
  });

  it("takes a package of another source when it is the only one and fits ([patch] redirects)", () => {
    const patched = locked(5, "reqwest", "0.12.15", GIT);
    expect(matchLockedDependency(entry({ version: "0.12" }), [patched], noDirs)).toBe(patched);
    expect(matchLockedDependency(entry({ version: "0.13" }), [patched], noDirs)).toBeUndefined();
  });

  it("takes the patched package of another source beside a registry version the requirement rejects", () => {
    // m2 declares reqwest 0.13 (patched to a path package) and, renamed, reqwest 0.12 from the registry.
    const registry = locked(2, "reqwest", "0.12.28", CRATES_IO);
    const patched = locked(5, "reqwest", "0.13.999", null);
    expect(matchLockedDependency(entry({ version: "0.13" }), [registry, patched], noDirs)).toBe(patched);
    expect(matchLockedDependency(entry({ version: "0.12" }), [registry, patched], noDirs)).toBe(registry);
    expect(matchLockedDependency(entry({ version: "0.14" }), [registry, patched], noDirs)).toBeUndefined();
  });

  it("matches a path entry to the package of its directory, whatever its version", () => {
    const local = locked(7, "reqwest", "0.0.1", null);
    const dirs = new Map([["/ws/vendor/reqwest", 7]]);
    expect(matchLockedDependency(entry({ version: "0.12", pathDir: "/ws/vendor/reqwest" }), [local], dirs)).toBe(local);
    expect(matchLockedDependency(entry({ version: "0.12", pathDir: "/ws/elsewhere" }), [local], dirs)).toBeUndefined();
  });

  it("ignores a candidate of another name, and matches nothing among none", () => {
    expect(matchLockedDependency(entry({ version: "0.12" }), [locked(1, "hyper", "0.12.0", CRATES_IO)], noDirs)).toBeUndefined();
    expect(matchLockedDependency(entry({ version: "0.12" }), [], noDirs)).toBeUndefined();
  });

  it("picks the highest fitting version of the entry's source among several", () => {
    const a = locked(1, "reqwest", "0.12.3", CRATES_IO);
    const b = locked(2, "reqwest", "0.12.15", CRATES_IO);
    const c = locked(3, "reqwest", "0.11.27", CRATES_IO);
    expect(matchLockedDependency(entry({ version: "0.12" }), [a, c, b], noDirs)).toBe(b);
    expect(matchLockedDependency(entry({ version: "0.11" }), [a, c, b], noDirs)).toBe(c);
  });
});
