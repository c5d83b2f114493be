// A fix through the declaration that switched a local package's native feature on: the [patch] fork's native-tls
// entry is planned at a's `reqwest` line, from the fork's own [features] (test/workspace/patch.test.ts has the fork).
import { describe, expect, it } from "vitest";
import type { Finding, PathStep } from "../../src/engine/types.js";
import { enablerFinding } from "../../src/fix/enabler.js";
import type { LocalDeclaration } from "../../src/fix/plan.js";
import type { EffectiveDependency } from "../../src/workspace/model.js";

const decl = (key: string, line: number): EffectiveDependency =>
  ({ key, package: key, kind: "normal", target: null, optional: false, features: [], keyPath: ["dependencies", key], span: { line, column: 1 } }) as unknown as EffectiveDependency;
const enabledAt = { package: "a", dependency: "reqwest", crate: "reqwest", feature: "default", manifest: "/ws/a/Cargo.toml", line: 7, column: 1 };
const finding = (owner: PathStep): Finding =>
  ({
    ruleId: "no-native-tls",
    member: "reqwest",
    dependency: "native-tls",
    dependencyVersion: "0.2.14",
    dependencyKey: "native-tls",
    manifest: "/ws/forks/reqwest/Cargo.toml",
    decl: decl("native-tls", 12),
    path: [owner, { name: "native-tls", version: "0.2.14", source: null, role: "banned" }],
  }) as unknown as Finding;
const locals: LocalDeclaration[] = [{ decl: decl("reqwest", 7), manifest: "/ws/a/Cargo.toml", label: "a's dependency" }];

describe("enablerFinding", () => {
  it("moves the finding to the local declaration that switched the owner's own feature on", () => {
    const moved = enablerFinding(finding({ name: "reqwest", version: "0.12.9", source: null, features: ["default", "default-tls"], enabledAt }), locals)!;
    expect(moved.target).toBe(locals[0]);
    expect(moved.finding).toMatchObject({ member: "a", dependency: "reqwest", dependencyVersion: "0.12.9", dependencyKey: "reqwest", manifest: "/ws/a/Cargo.toml" });
    expect(moved.finding.path.map((s) => s.name)).toEqual(["a", "reqwest", "native-tls"]);
  });

  it("leaves a finding alone when nothing local asked for the owner's feature, or another crate's feature was asked", () => {
    expect(enablerFinding(finding({ name: "reqwest", version: "0.12.9", source: null }), locals)).toBeUndefined();
    expect(enablerFinding(finding({ name: "reqwest", version: "0.12.9", source: null, enabledAt: { ...enabledAt, crate: "hyper" } }), locals)).toBeUndefined();
    expect(enablerFinding(finding({ name: "reqwest", version: "0.12.9", source: null, enabledAt: { ...enabledAt, dependency: "gone" } }), locals)).toBeUndefined();
  });
});
