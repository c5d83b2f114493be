// Builds the dependency graph from the lock and attaches each local edge to the manifest entry that declared it.
import type { LockedPackage, Lockfile } from "../lockfile/model.js";
import { sourceKind } from "../lockfile/model.js";
import type { Problem } from "../problems.js";
import { acceptsVersion, compareVersionsDesc } from "../util/cargo-semver.js";
import type { EffectiveDependency, LocalPackage, Workspace } from "../workspace/model.js";
import type { DependencyGraph, GraphEdge } from "./model.js";

/** What to do about a lock that no longer matches the manifests. */
export const STALE_HINT = "run `cargo update -w` or any cargo build";

/**
 * Picks the locked package that a manifest entry refers to among the candidates the lock lists for it. Its version
 * must satisfy the entry's requirement: a lock that predates the requirement is stale (see lockfile/refresh.ts),
 * never silently matched to what it has.
 */
export function matchLockedDependency(
  decl: EffectiveDependency,
  candidates: LockedPackage[],
  localIdByDir: Map<string, number>,
): LockedPackage | undefined {
  // A requirement node-semver cannot read is taken as satisfied by any version: the lock is not called stale for it.
  const fits = (p: LockedPackage) => acceptsVersion(p.version, decl.version);
  // The usual case, one locked package of that name: whatever its source, the rules below come down to whether it
  // fits (a path package of the entry's directory is taken as it is). No arrays: this runs for every entry of every
  // local package, twice per audit.
  if (candidates.length <= 1) {
    const only = candidates[0];
    if (only === undefined || only.name !== decl.package) return undefined;
    if (decl.pathDir !== undefined && localIdByDir.get(decl.pathDir) === only.id) return only;
    return fits(only) ? only : undefined;
  }
  const named = candidates.filter((p) => p.name === decl.package);
  if (decl.pathDir !== undefined) {
    const id = localIdByDir.get(decl.pathDir);
    const exact = named.find((p) => p.id === id);
    if (exact) return exact;
  }
  const wantKind = decl.pathDir !== undefined ? "path" : decl.git !== undefined ? "git" : "registry";
  let pool = named.filter((p) => sourceKind(p.source) === wantKind);
  if (wantKind === "git" && pool.length > 1) {
    const base = decl.git!.replace(/\.git$/, "").replace(/\/$/, "");
    const sameRepo = pool.filter((p) => p.source!.replace(/^git\+/, "").split(/[?#]/)[0]!.replace(/\.git$/, "").replace(/\/$/, "") === base);
    if (sameRepo.length > 0) pool = sameRepo;
  }
  // A git or path package's version is what its own manifest says; cargo checks the requirement against it too.
  pool = pool.filter(fits);
  // Redirected by [patch] or [replace]: another source, but still a version the requirement accepts (beside, say,
  // the registry's reqwest 0.12 that a renamed declaration of the same package locks).
  if (pool.length === 0) pool = named.filter(fits);
  // Cargo picks the highest compatible version; among equals the lock order is stable.
  return pool.sort((a, b) => compareVersionsDesc(a.version, b.version))[0];
}

/** The lock package of each local package (members and path dependencies): same name, same version, each once. */
export function matchLocalPackages(workspace: Workspace, packages: readonly LockedPackage[]): Map<LocalPackage, number> {
  // Path packages by name, in lock order: a scan of the whole lock per member was quadratic in large workspaces.
  const pathPackagesByName = new Map<string, LockedPackage[]>();
  for (const p of packages) {
    if (p.source !== null) continue;
    const named = pathPackagesByName.get(p.name);
    if (named) named.push(p);
    else pathPackagesByName.set(p.name, [p]);
  }
  const taken = new Set<number>();
  const ids = new Map<LocalPackage, number>();
  for (const local of [...workspace.members, ...workspace.pathPackages]) {
    const pkg = pathPackagesByName.get(local.name)?.find((p) => (local.version === undefined || p.version === local.version) && !taken.has(p.id));
    if (!pkg) continue;
    taken.add(pkg.id);
    ids.set(local, pkg.id);
  }
  return ids;
}

export function buildGraph(workspace: Workspace, lockfile: Lockfile, problems: Problem[]): DependencyGraph {
  const { packages } = lockfile;
  const edges: GraphEdge[][] = packages.map((pkg) => pkg.dependencies.map((to) => ({ to, kind: "normal" as const })));
  const localIds = new Map<LocalPackage, number>();
  const localIdByDir = new Map<string, number>();
  const memberIds = new Set<number>();
  const matched = matchLocalPackages(workspace, packages);
  for (const local of [...workspace.members, ...workspace.pathPackages]) {
    const id = matched.get(local);
    if (id === undefined) {
      if (local.isMember) {
        problems.push({
          severity: "warning",
          code: "lockfile-stale",
          message: `workspace member ${local.name} is not in Cargo.lock; its dependencies are not audited`,
          file: workspace.lockfilePath ?? undefined,
          hint: STALE_HINT,
        });
      }
      continue;
    }
    localIds.set(local, id);
    localIdByDir.set(local.dir, id);
    if (local.isMember) memberIds.add(id);
  }

  for (const [local, id] of localIds) {
    const lockDeps = packages[id]!.dependencies.map((dep) => packages[dep]!);
    // By name: matching each entry against all of a package's locked dependencies was quadratic (hours for a
    // manifest with 200,000 dependencies).
    const lockDepsByName = new Map<string, LockedPackage[]>();
    for (const dep of lockDeps) {
      const named = lockDepsByName.get(dep.name);
      if (named) named.push(dep);
      else lockDepsByName.set(dep.name, [dep]);
    }
    const localEdges: GraphEdge[] = [];
    const covered = new Set<number>();
    for (const decl of local.dependencies) {
      // Cargo never builds the dev-dependencies of a non-member, and never locks them.
      if (!local.isMember && decl.kind === "dev") continue;
      const target = matchLockedDependency(decl, lockDepsByName.get(decl.package) ?? [], localIdByDir);
      // Cargo locks every optional dependency of a member, but of another path package (a [patch] fork) only those
      // its enabled features use: one missing from the lock is simply not built.
      if (!target && !local.isMember && decl.optional) continue;
      if (!target) {
        problems.push({
          severity: "warning",
          code: "lockfile-stale",
          message: `dependency \`${decl.key}\` of ${local.name} is not in Cargo.lock; it is not audited`,
          file: local.manifest.file,
          position: { line: decl.span.line, column: decl.span.column },
          hint: STALE_HINT,
        });
        continue;
      }
      covered.add(target.id);
      localEdges.push({ to: target.id, kind: decl.kind, decl });
    }
    // Locked edges no manifest entry explains (e.g. a [patch]) stay, as the lock is the ground truth of what builds.
    if (!local.isMember) {
      for (const dep of lockDeps) if (!covered.has(dep.id)) localEdges.push({ to: dep.id, kind: "normal" });
    }
    edges[id] = localEdges;
  }
  return { lockfile, edges, localIds, memberIds };
}

