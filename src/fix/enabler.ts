// When a local package's own feature turns native TLS on (a [patch] fork's `default = ["default-tls"]`, net's `git`)
// because another local declaration asked for that feature, the fix belongs to that declaration.
import type { Finding } from "../engine/types.js";
import type { LocalDeclaration } from "./plan.js";

/**
 * The finding as seen from the declaration that switched the owner's feature on: `a`'s `reqwest = "0.12"` line, for a
 * native-tls entry of the reqwest fork `a` builds. Planned like any dependency, against the owner's own `[features]`.
 * Undefined when no other local declaration asked for the owner's feature.
 */
export function enablerFinding(finding: Finding, locals: readonly LocalDeclaration[]): { finding: Finding; target: LocalDeclaration } | undefined {
  const owner = finding.path[0];
  const at = owner?.enabledAt;
  if (!owner || !at || at.crate !== owner.name) return undefined;
  const target = locals.find((l) => l.manifest === at.manifest && l.decl.key === at.dependency);
  if (!target) return undefined;
  const retargeted: Finding = {
    ...finding,
    member: at.package,
    dependency: owner.name,
    dependencyVersion: owner.version,
    dependencyKey: at.dependency,
    decl: target.decl,
    manifest: at.manifest,
    target: target.decl.target,
    inheritedFrom: undefined,
    path: [{ name: at.package, version: "", source: null }, { ...owner, enabledAt: undefined }, ...finding.path.slice(1)],
    fix: null,
  };
  return { finding: retargeted, target };
}
