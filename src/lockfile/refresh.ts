// Refreshes a stale or missing Cargo.lock in memory, as `cargo update -w` or `cargo generate-lockfile` would, so that the
// graph build and the feature resolution audit what cargo will build rather than what an old lock says.
//
// Cargo resolves the lock with every feature of every member, every target and the members' dev-dependencies
// (`resolve_ws_with_opts` with `CliFeatures::new_all`); a lock in sync therefore holds every dependency that such a
// resolution activates. This module replays that union resolution over crate metadata and adds, for each activated
// dependency the lock lacks (a requirement no locked version satisfies, a declaration absent from the lock, an
// optional dependency newly enabled), the package cargo would pick: the highest version satisfying the requirement
// among the versions the metadata sources know. Conflicts, `links` and yanked versions are not modelled.
import { resolve } from "node:path";
import { CRATE_KNOWLEDGE } from "../../rules/data/crate-knowledge.js";
import { tlsCrate } from "../../rules/data/tls-crates.js";
import { packagesReaching } from "../graph/relevant.js";
import { matchLocalPackages, matchLockedDependency, STALE_HINT } from "../graph/build.js";
import type { Problem } from "../problems.js";
import { knowledgeEntries, knowledgeProvider, knowledgeVersions } from "../registry/knowledge.js";
import { featureNames } from "../resolve/feature-request.js";
import type { CrateMetadata, MetaDependency, MetadataLookup } from "../registry/model.js";
import { acceptsVersion, compareVersionsDesc, effectiveReq, highestSatisfying, lowestSatisfying, satisfiesCargoReq } from "../util/cargo-semver.js";
import type { EffectiveDependency, LocalPackage, Workspace } from "../workspace/model.js";
import { sourceKind, type LockedPackage, type Lockfile } from "./model.js";

/** The lock sources cargo writes for crates.io, git index first (as registry/vendor.ts lists them; not imported from there, which reads the disk). */
const CRATES_IO_LOCK_SOURCES = ["registry+https://github.com/rust-lang/crates.io-index", "sparse+https://index.crates.io/"];
const CRATES_IO_SOURCE = CRATES_IO_LOCK_SOURCES[0]!;

/** A package the refresh added: what described it, and whether what it says holds for every candidate version. */
export interface SynthesizedPackage {
  /** `metadata`: a provider knows this exact version; `knowledge`: only bundled knowledge of its range; `tls-crate`: a native TLS crate, whatever its version; `nothing`: unknown. */
  describedBy: "metadata" | "knowledge" | "tls-crate" | "nothing" | "local";
  /** False when candidate versions may disagree (knowledge entries that differ, or no description): findings through it are only possible. */
  certain: boolean;
  /** The requirement it was picked for. */
  requirement?: string;
}

export interface RefreshedLock {
  /** The lock with the added packages (after the locked ones, whose ids do not change) and edges. */
  lockfile: Lockfile;
  /** Added packages by id. */
  synthesized: Map<number, SynthesizedPackage>;
  /** `lockfile-stale` problems, one per manifest line (or `lockfile-missing` notes without a lock). */
  problems: Problem[];
  /** True when there was no lock at all: the whole graph was resolved here. */
  unlocked: boolean;
  /** True when the lock lacked something cargo would add. */
  stale: boolean;
}

/** A `[patch]` path package: the lock id of the local package, and the registry sources whose crate it replaces. */
interface Patch {
  id: number;
  /** The patch's directory: it names the patch across refresh rounds. */
  dir: string;
  name: string;
  version: string;
  /** Its features, the implicit ones of optional dependencies included. */
  features: ReadonlySet<string>;
  replaces: (source: string) => boolean;
}

/**
 * The root manifest's `[patch.<source>] x = { path = … }` entries, as local packages. `crates-io` names both of
 * crates.io's lock sources; a URL names its own; a named alternative registry cannot be told from here and is left out.
 */
function patchedPackages(workspace: Workspace, localIdByDir: ReadonlyMap<string, number>): Patch[] {
  const locals = new Map([...workspace.members, ...workspace.pathPackages].map((local) => [local.dir, local]));
  const result: Patch[] = [];
  for (const patch of workspace.rootManifest.patches) {
    if (patch.path === undefined) continue;
    const dir = resolve(workspace.root, patch.path);
    const local = locals.get(dir);
    const id = localIdByDir.get(dir);
    if (!local || id === undefined || local.version === undefined) continue;
    const key = patch.keyPath[1]!;
    const sources = key === "crates-io" ? CRATES_IO_LOCK_SOURCES : [key.startsWith("sparse+") ? key : `registry+${key}`];
    result.push({ id, dir, name: local.name, version: local.version, features: featureNames(local), replaces: (source) => sources.includes(source) });
  }
  return result;
}

/** Requested features of one activation. */
interface Request {
  features: readonly string[];
  defaultFeatures: boolean;
}

/** What the walk knows of a package's features and dependencies. */
interface Described {
  features: Record<string, string[]>;
  /** Dependencies cargo locks (never a registry crate's dev-dependencies). */
  dependencies: { name: string; package: string; req: string | undefined; optional: boolean; defaultFeatures: boolean; features: string[]; decl?: EffectiveDependency }[];
  /** Knowledge only: its native features, and the locked children they would need. */
  partial?: CrateMetadata;
  /** `dependencies` by the name features use (a member's hundreds of declarations were scanned per activation). */
  named?: Map<string, Described["dependencies"]>;
}

/** The dependencies of a description with a given name. */
function depsNamed(info: Described, name: string): Described["dependencies"] {
  if (!info.named) {
    info.named = new Map();
    for (const dep of info.dependencies) {
      const list = info.named.get(dep.name);
      if (list) list.push(dep);
      else info.named.set(dep.name, [dep]);
    }
  }
  return info.named.get(name) ?? [];
}

/**
 * Returns the lock cargo would have after refreshing it for `workspace`, with problems naming the manifest lines that
 * made it stale. Without `lockfile`, every package is resolved here, as `cargo generate-lockfile` would.
 */
export function refreshLock(
  workspace: Workspace,
  lockfile: Lockfile | undefined,
  metadata: MetadataLookup | undefined,
  audited: ReadonlySet<string> | "all" = "all",
  /** The members whose builds matter (a fix's re-audit resolves a few); the walk starts from them only. */
  members?: (member: LocalPackage) => boolean,
): RefreshedLock {
  // A `[patch]` some dependent asks for a feature it lacks is unused (cargo's resolver backtracks to the registry's
  // version for every dependent): resolve again without it. Each round drops at least one patch.
  const unused = new Set<string>();
  for (;;) {
    const attempt = refreshOnce(workspace, lockfile, metadata, audited, members, unused);
    if (attempt.unservedPatches.length === 0) return attempt.refreshed;
    for (const dir of attempt.unservedPatches) unused.add(dir);
  }
}

function refreshOnce(
  workspace: Workspace,
  lockfile: Lockfile | undefined,
  metadata: MetadataLookup | undefined,
  audited: ReadonlySet<string> | "all",
  members: ((member: LocalPackage) => boolean) | undefined,
  unusedPatches: ReadonlySet<string>,
): { refreshed: RefreshedLock; unservedPatches: string[] } {
  const packages: LockedPackage[] = lockfile ? [...lockfile.packages] : [];
  // Locked packages the walk reads metadata of: those with a locked path to an audited crate (the resolution reads
  // them anyway); crates the bundled knowledge lists as TLS-capable; and the local packages' direct dependencies
  // that are such a crate or depend on one, since a manifest edit changes their features. Reading every direct
  // dependency cost hundreds of metadata look-ups on large workspaces in sync. Anything else is left to the lock
  // (docs/decisions.md).
  const lockedCount = packages.length;
  const within =
    audited === "all"
      ? undefined
      : packagesReaching(
          lockedCount,
          (id, visit) => {
            const dependencies = packages[id]!.dependencies;
            for (let i = 0; i < dependencies.length; i++) visit(dependencies[i]!);
          },
          (id) => audited.has(packages[id]!.name),
        );
  const known = (id: number) => knowledgeEntries(packages[id]!.name) !== undefined;
  // Locked packages a declaration new to the lock reaches, and what they pass features on to: their features may be
  // new, so their metadata is read whatever the heuristics above say (only a stale lock has any).
  const forced = new Set<number>();
  const walked = (id: number) =>
    id >= lockedCount || within === undefined || within[id] === 1 || known(id) || forced.has(id) || (directOfLocal.has(id) && packages[id]!.dependencies.some(known));
  const copied = new Set<number>();
  const synthesized = new Map<number, SynthesizedPackage>();
  const problems: Problem[] = [];
  const unlocked = lockfile === undefined;
  const knowledge = knowledgeProvider();
  let stale = false;

  /** The package, copied before its first change: the decoded lock may be shared with other audits. */
  const mutable = (id: number): LockedPackage => {
    if (!copied.has(id)) {
      packages[id] = { ...packages[id]!, dependencies: [...packages[id]!.dependencies] };
      copied.add(id);
    }
    return packages[id]!;
  };
  // Packages by name: a manifest of thousands of dependencies the lock lacks made every look-up a scan of the lock.
  // Built on first use: a lock in sync never needs it.
  let byName: Map<string, number[]> | undefined;
  const index = (name: string, id: number) => {
    const ids = byName!.get(name);
    if (ids) ids.push(id);
    else byName!.set(name, [id]);
  };
  const named = (name: string): LockedPackage[] => {
    if (!byName) {
      byName = new Map();
      for (const p of packages) index(p.name, p.id);
    }
    return (byName.get(name) ?? []).map((id) => packages[id]!);
  };
  const addPackage = (name: string, version: string, source: string | null, how: SynthesizedPackage): number => {
    const id = packages.length;
    packages.push({ id, name, version, source, dependencies: [] });
    if (byName) index(name, id);
    copied.add(id);
    synthesized.set(id, how);
    return id;
  };
  /** A package's dependencies by name, built once per package (a member of hundreds of declarations scanned them all per declaration). */
  const childrenByName = new Map<number, Map<string, LockedPackage[]>>();
  const childrenNamed = (from: number, name: string): LockedPackage[] => {
    let index = childrenByName.get(from);
    if (!index) {
      childrenByName.set(from, (index = new Map()));
      for (const to of packages[from]!.dependencies) {
        const child = packages[to]!;
        const list = index.get(child.name);
        if (list) list.push(child);
        else index.set(child.name, [child]);
      }
    }
    return index.get(name) ?? [];
  };
  /** Moves an edge off a locked package the refresh replaces (by a `[patch]`). */
  const replaceEdge = (from: number, locked: number, to: number) => {
    const pkg = mutable(from);
    pkg.dependencies = pkg.dependencies.filter((id) => id !== locked);
    childrenByName.delete(from);
    addEdge(from, to);
  };
  const addEdge = (from: number, to: number) => {
    const pkg = mutable(from);
    if (!pkg.dependencies.includes(to)) pkg.dependencies.push(to);
    childrenByName.delete(from);
  };

  // Local packages: the lock's, or new path packages (a member the lock does not know yet is drift too).
  const localIds = lockfile ? matchLocalPackages(workspace, packages) : new Map<LocalPackage, number>();
  const locals = [...workspace.members, ...workspace.pathPackages];
  const localById = new Map<number, LocalPackage>();
  for (const local of locals) {
    let id = localIds.get(local);
    if (id === undefined) {
      id = addPackage(local.name, local.version ?? "0.0.0", null, { describedBy: "local", certain: true });
      localIds.set(local, id);
      if (lockfile && local.isMember) {
        stale = true;
        problems.push({ severity: "warning", code: "lockfile-stale", message: `workspace member ${local.name} is not in Cargo.lock; audited as if the lock had been refreshed`, file: workspace.lockfilePath ?? undefined, hint: STALE_HINT });
      }
    }
    localById.set(id, local);
  }
  const localIdByDir = new Map(locals.map((local) => [local.dir, localIds.get(local)!]));
  const directOfLocal = new Set<number>();
  for (const id of localById.keys()) if (id < lockedCount) for (const to of packages[id]!.dependencies) directOfLocal.add(to);

  /** A registry source for a crate: the one the lock already uses for that name, else crates.io (alternative registries are left alone). */
  const registrySourceFor = (name: string, registry: string | undefined, parent: string | null): string | undefined => {
    const locked = named(name).find((p) => sourceKind(p.source) === "registry" && !synthesized.has(p.id));
    if (locked) return locked.source!;
    if (registry !== undefined) return undefined;
    return parent !== null && sourceKind(parent) === "registry" ? parent : CRATES_IO_SOURCE;
  };

  const patches = patchedPackages(workspace, localIdByDir).filter((p) => !unusedPatches.has(p.dir));
  const patchById = new Map(patches.map((p) => [p.id, p]));
  const unservedPatches = new Set<string>();
  /** A `[patch]` path package that replaces `name` from `source` for this requirement (cargo's `PackageRegistry::query`). */
  const patchFor = (name: string, source: string, want: string): Patch | undefined =>
    patches.find((p) => p.name === name && p.replaces(source) && satisfiesCargoReq(p.version, want));
  // A local package that declares a registry dependency the lock has no version of "poisons" that source: cargo
  // then locks none of its packages (`register_previous_locks`), only prefers their versions, and a `[patch]`,
  // preferred too, takes the dependents whose locked version is lower than its own.
  // (Cargo walks the members and their path dependencies, not the patches themselves.)
  const poisoned = new Set<string>();
  if (lockfile && patches.length > 0) {
    const patchDirs = new Set(patches.map((p) => p.dir));
    for (const local of locals) {
      if (patchDirs.has(local.dir)) continue;
      for (const decl of local.dependencies) {
        if (!local.isMember && (decl.optional || decl.kind === "dev")) continue;
        if (decl.pathDir !== undefined || decl.git !== undefined) continue;
        if (named(decl.package).some((p) => !synthesized.has(p.id) && acceptsVersion(p.version, decl.version))) continue;
        const source = registrySourceFor(decl.package, decl.registry, null);
        if (source !== undefined) for (const same of CRATES_IO_LOCK_SOURCES.includes(source) ? CRATES_IO_LOCK_SOURCES : [source]) poisoned.add(same);
      }
    }
  }
  /** The patch that takes a dependent away from its locked registry version, when the lock cannot hold it there. */
  const patchOverLock = (locked: LockedPackage, req: string | undefined): number | undefined => {
    if (locked.source === null || !poisoned.has(locked.source)) return undefined;
    const patch = patchFor(locked.name, locked.source, effectiveReq(req));
    return patch && compareVersionsDesc(patch.version, locked.version) < 0 ? patch.id : undefined;
  };

  /**
   * The package cargo would pick for a requirement: a package already in the lock that satisfies it (cargo keeps
   * locked versions), else a `[patch]` that fits it, else the highest version a metadata source knows, else what
   * bundled knowledge says of the range.
   */
  const pick = (name: string, req: string | undefined, source: string): number => {
    const want = effectiveReq(req);
    const existing = named(name).filter((p) => p.source === source);
    const reuse = highestSatisfying(
      existing.map((p) => p.version),
      want,
    );
    if (reuse !== undefined) {
      const kept = existing.find((p) => p.version === reuse)!;
      return patchOverLock(kept, req) ?? kept.id;
    }
    const patch = patchFor(name, source, want);
    if (patch !== undefined) return patch.id;
    const known = highestSatisfying(metadata?.versions?.(name, source) ?? [], want);
    if (known !== undefined) return addPackage(name, known, source, { describedBy: "metadata", certain: true, requirement: want });
    const ranges = knowledgeVersions(name, want);
    if (ranges.length > 0) return addPackage(name, ranges[0]!.version, source, { describedBy: "knowledge", certain: true, requirement: want });
    // A native TLS crate is one whatever its version; anything else is unknown and cannot be audited.
    // Its stand-in version is the lowest the requirement accepts, so that the graph build matches it like a locked one.
    const standIn = lowestSatisfying(want) ?? "0.0.0";
    if (tlsCrate(name)) return addPackage(name, standIn, source, { describedBy: "tls-crate", certain: true, requirement: want });
    return addPackage(name, standIn, source, { describedBy: "nothing", certain: false, requirement: want });
  };

  // 1. Each local declaration must match a locked package whose version satisfies it.
  const originOf = new Map<number, { decl: EffectiveDependency; file: string }>();
  /** The package each local declaration resolves to (a git dependency the lock lacks has none). */
  const declChild = new Map<EffectiveDependency, number>();
  const reported = new Set<EffectiveDependency>();
  const reportDecl = (decl: EffectiveDependency, file: string, message: string) => {
    stale = true;
    if (unlocked || reported.has(decl)) return;
    reported.add(decl);
    problems.push({ severity: "warning", code: "lockfile-stale", message, file, position: { line: decl.span.line, column: decl.span.column }, hint: STALE_HINT });
  };
  /** The package a local declaration resolves to: the locked one it matches, else what a refreshed lock would add (reported). */
  const resolveDeclaration = (local: LocalPackage, id: number, decl: EffectiveDependency): number | undefined => {
    const lockedChild = matchLockedDependency(decl, childrenNamed(id, decl.package), localIdByDir);
    const patched = lockedChild && patchOverLock(lockedChild, decl.version);
    const matched = patched === undefined ? lockedChild : undefined;
    if (matched) {
      declChild.set(decl, matched.id);
      return matched.id;
    }
    const locked = named(decl.package).filter((p) => !synthesized.has(p.id));
    let to: number | undefined;
    if (decl.pathDir !== undefined) to = localIdByDir.get(decl.pathDir);
    else if (patched !== undefined) to = patched;
    else if (decl.git === undefined) {
      const source = registrySourceFor(decl.package, decl.registry, null);
      if (source !== undefined) to = pick(decl.package, decl.version, source);
    }
    // A git dependency cannot be resolved without fetching it: the graph build reports it as not audited.
    if (to === undefined) return undefined;
    if (patched !== undefined) replaceEdge(id, lockedChild!.id, to);
    else addEdge(id, to);
    if (to < lockedCount && !localById.has(to)) forced.add(to);
    declChild.set(decl, to);
    if (unlocked && synthesized.get(to)?.describedBy === "nothing") {
      problems.push({ severity: "warning", code: "metadata-missing", message: `no metadata on this machine describes ${decl.package} ${decl.version ?? "*"} (\`${decl.key}\` of ${local.name}): its dependencies are not audited`, file: local.manifest.file, position: { line: decl.span.line, column: decl.span.column }, hint: "run `cargo fetch` first, or use --online" });
    }
    const what = `\`${decl.key}\`${decl.version !== undefined ? ` (${decl.version})` : ""} of ${local.name}`;
    const fitting = locked.filter((p) => acceptsVersion(p.version, decl.version));
    const lockedText =
      patched !== undefined
        ? `Cargo.lock has ${lockedChild!.name} ${lockedChild!.version}, which the \`[patch]\` replaces once cargo relocks it (another declaration is new to the lock)`
        : fitting.length > 0
          ? `Cargo.lock does not list it among ${local.name}'s dependencies`
          : locked.length > 0
            ? `Cargo.lock has ${locked.map((p) => `${p.name} ${p.version}`).join(", ")}, which does not satisfy it`
            : "it is not in Cargo.lock";
    reportDecl(decl, local.manifest.file, `${what}: ${lockedText}; audited as ${describe(packages[to]!, synthesized.get(to))}, what a refreshed lock would have`);
    if (!originOf.has(to)) originOf.set(to, { decl, file: local.manifest.file });
    return to;
  };
  for (const local of locals) {
    const id = localIds.get(local)!;
    for (const decl of local.dependencies) {
      // Cargo never builds the dev-dependencies of a non-member, and never locks them.
      if (!local.isMember && decl.kind === "dev") continue;
      // Nor its optional ones, unless a feature turns them on: the union resolution below resolves those.
      if (!local.isMember && decl.optional) continue;
      resolveDeclaration(local, id, decl);
    }
  }

  // 2. The union resolution: every activated dependency must be in the lock.
  const described = new Map<number, Described | null>();
  const describeId = (id: number): Described | null => {
    if (described.has(id)) return described.get(id)!;
    let result: Described | null = null;
    const local = localById.get(id);
    const pkg = packages[id]!;
    if (local) {
      result = {
        features: local.manifest.features,
        dependencies: local.dependencies
          .filter((d) => local.isMember || d.kind !== "dev")
          .map((d) => ({ name: d.key, package: d.package, req: d.version, optional: d.optional, defaultFeatures: d.defaultFeatures ?? true, features: d.features, decl: d })),
      };
    } else if (sourceKind(pkg.source) === "registry" && walked(id)) {
      const meta = metadata?.lookup(pkg.name, pkg.version, pkg.source) ?? (synthesized.get(id)?.describedBy === "knowledge" ? knowledge.lookup(pkg.name, pkg.version, pkg.source) : undefined);
      if (meta && !meta.partial) {
        result = { features: meta.features, dependencies: meta.dependencies.filter((d) => d.kind !== "dev").map((d: MetaDependency) => ({ name: d.name, package: d.package, req: d.req, optional: d.optional, defaultFeatures: d.defaultFeatures, features: d.features })) };
      } else if (meta && !meta.defaultsAssumed) {
        result = { features: meta.features, dependencies: [], partial: meta };
      }
    }
    described.set(id, result);
    return result;
  };

  const enabled = new Map<number, Set<string>>();
  const activeDeps = new Map<number, Set<string>>();
  /** Features asked of a dependency (by its name in the parent) through `dep/feature` or `dep?/feature`. */
  const depFeatures = new Map<number, Map<string, Set<string>>>();
  const queue: { id: number; feature: string }[] = [];
  /** By dependency entry: each package's description is built once, so its entries are stable keys. */
  const childOf = new Map<Described["dependencies"][number], number | undefined>();

  /** A forced package's locked children are forced too (described again if they were read as left to the lock). */
  const forceBelow = (from: number, child: number) => {
    if (!forced.has(from) || child >= lockedCount || forced.has(child) || localById.has(child)) return;
    forced.add(child);
    if (described.get(child) === null) described.delete(child);
  };

  const request = (id: number, req: Request) => {
    const patch = patchById.get(id);
    // One package per semver-compatible line of a source: a dependent that asks the patch for a feature it lacks
    // sends every dependent back to the registry's version.
    if (patch && req.features.some((feature) => feature !== "default" && !patch.features.has(feature))) unservedPatches.add(patch.dir);
    const on = enabled.get(id);
    if (!on) {
      enabled.set(id, new Set());
      activeDeps.set(id, new Set());
      // Activating a package activates its non-optional dependencies.
      for (const dep of describeId(id)?.dependencies ?? []) if (!dep.optional) activateDep(id, dep.name);
      const partial = describeId(id)?.partial;
      if (partial?.nativeUnconditional) needTlsChildren(id, partial);
    }
    if (req.defaultFeatures) queue.push({ id, feature: "default" });
    for (const feature of req.features) queue.push({ id, feature });
  };

  const activateDep = (from: number, name: string) => {
    const active = activeDeps.get(from)!;
    if (active.has(name)) return;
    active.add(name);
    for (const dep of depsNamed(describeId(from)!, name)) {
      const child = resolveChild(from, dep);
      if (child !== undefined) forceBelow(from, child);
      // A locked crate no description covers stays as the lock has it: nothing to activate below it.
      if (child === undefined || (child < lockedCount && !walked(child) && !localById.has(child))) continue;
      request(child, { features: [...dep.features, ...(depFeatures.get(from)?.get(name) ?? [])], defaultFeatures: dep.defaultFeatures });
    }
  };

  /** The lock package a dependency of `from` resolves to, added (and reported) when the lock lacks it. */
  const resolveChild = (from: number, dep: Described["dependencies"][number]): number | undefined => {
    if (childOf.has(dep)) return childOf.get(dep);
    let child: number | undefined;
    if (dep.decl) {
      // A non-member's optional dependency is resolved only once a feature turns it on.
      child = declChild.has(dep.decl) ? declChild.get(dep.decl) : resolveDeclaration(localById.get(from)!, from, dep.decl);
      if (child !== undefined && !originOf.has(child)) originOf.set(child, { decl: dep.decl, file: localById.get(from)!.manifest.file });
    } else {
      // As the summary table matches metadata to the lock: by name, the highest version satisfying the requirement.
      const named = childrenNamed(from, dep.package);
      const fitting = named.filter((p) => acceptsVersion(p.version, dep.req));
      const locked = (fitting.length > 0 ? fitting : named.length === 1 ? named : [])[0];
      child = locked && (patchOverLock(locked, dep.req) ?? locked.id);
      if (locked && child !== locked.id) {
        replaceEdge(from, locked.id, child!);
        noteMissing(from, dep.package, child!);
      }
      if (child === undefined) {
        const source = registrySourceFor(dep.package, undefined, packages[from]!.source);
        if (source !== undefined) {
          child = pick(dep.package, dep.req, source);
          addEdge(from, child);
          noteMissing(from, dep.package, child);
        }
      }
    }
    childOf.set(dep, child);
    if (child !== undefined && !originOf.has(child) && originOf.has(from)) originOf.set(child, originOf.get(from)!);
    return child;
  };

  /** A package the lock had is missing a dependency that resolution activates: say which manifest line caused it. */
  const noteMissing = (from: number, name: string, child: number) => {
    if (synthesized.has(from)) return; // a new package's dependencies are all new; its own problem says so
    stale = true;
    const origin = originOf.get(from);
    const parent = packages[from]!;
    if (unlocked) return;
    if (!origin) {
      problems.push({ severity: "warning", code: "lockfile-stale", message: `${name}, a dependency of ${parent.name} ${parent.version} that resolution activates, is not in Cargo.lock; audited as ${describe(packages[child]!, synthesized.get(child))}`, file: workspace.lockfilePath ?? undefined, hint: STALE_HINT });
      return;
    }
    reportDecl(origin.decl, origin.file, `\`${origin.decl.key}\` now activates ${name}, a dependency of ${parent.name} ${parent.version} that Cargo.lock does not contain; audited as ${describe(packages[child]!, synthesized.get(child))}, what a refreshed lock would have`);
  };

  /** Knowledge only: a native feature is on, so the crate's native TLS children must be locked. */
  const needTlsChildren = (id: number, meta: CrateMetadata) => {
    // In sync when a native TLS crate is anywhere below it: knowledge may name a child (rdkafka's `ssl` reaches
    // openssl-sys through rdkafka-sys).
    if (reachesTlsCrate(id)) return;
    for (const name of nativeChildrenOf(meta)) {
      const source = registrySourceFor(name, undefined, packages[id]!.source);
      if (source === undefined) continue;
      const child = pick(name, undefined, source);
      addEdge(id, child);
      noteMissing(id, name, child);
      request(child, { features: [], defaultFeatures: true });
    }
  };

  const tlsBelow = new Map<number, boolean>();
  const reachesTlsCrate = (from: number): boolean => {
    const known = tlsBelow.get(from);
    if (known !== undefined) return known;
    const seen = new Set<number>([from]);
    const stack = [...packages[from]!.dependencies];
    let found = false;
    while (stack.length > 0 && !found) {
      const at = stack.pop()!;
      if (seen.has(at)) continue;
      seen.add(at);
      if (tlsCrate(packages[at]!.name)) found = true;
      else stack.push(...packages[at]!.dependencies);
    }
    tlsBelow.set(from, found);
    return found;
  };

  const expandFeature = (id: number, feature: string) => {
    const on = enabled.get(id)!;
    if (on.has(feature)) return;
    on.add(feature);
    const info = describeId(id);
    if (!info) return;
    if (info.partial?.nativeFeatures?.includes(feature)) needTlsChildren(id, info.partial);
    const values = info.features[feature];
    if (values === undefined) {
      // An optional dependency's implicit feature (when no `dep:` syntax hides it).
      if (depsNamed(info, feature).some((d) => d.optional)) activateDep(id, feature);
      return;
    }
    for (const value of values) {
      if (value.startsWith("dep:")) {
        activateDep(id, value.slice(4));
        continue;
      }
      const slash = value.indexOf("/");
      if (slash === -1) {
        queue.push({ id, feature: value });
        continue;
      }
      const weak = value[slash - 1] === "?";
      const name = value.slice(0, weak ? slash - 1 : slash);
      const sub = value.slice(slash + 1);
      const asked = depFeatures.get(id) ?? new Map<string, Set<string>>();
      depFeatures.set(id, asked);
      const set = asked.get(name) ?? new Set<string>();
      asked.set(name, set);
      set.add(sub);
      // `x/f` without a dependency `x` (a feature of the package itself in older manifests) locks nothing.
      const active = activeDeps.get(id)!;
      if (!weak && !active.has(name)) activateDep(id, name);
      else if (active.has(name)) {
        for (const dep of depsNamed(info, name)) {
          const child = resolveChild(id, dep);
          if (child === undefined) continue;
          forceBelow(id, child);
          request(child, { features: [sub], defaultFeatures: dep.defaultFeatures });
        }
      }
    }
  };

  for (const local of locals) {
    if (!local.isMember || !(members?.(local) ?? true)) continue;
    const id = localIds.get(local)!;
    // Cargo locks with every feature of every member.
    request(id, { features: Object.keys(local.manifest.features), defaultFeatures: true });
    for (const dep of local.dependencies) if (dep.optional) activateDep(id, dep.key);
  }
  for (let i = 0; i < queue.length; i++) expandFeature(queue[i]!.id, queue[i]!.feature);

  // 3. Knowledge-described packages are certain only if every knowledge entry in the requirement's range agrees.
  for (const [id, how] of synthesized) {
    if (how.describedBy !== "knowledge") continue;
    const pkg = packages[id]!;
    const features = enabled.get(id) ?? new Set<string>();
    const requirement = how.requirement ?? pkg.version;
    const verdicts = new Set(knowledgeVersions(pkg.name, requirement).map(({ version }) => nativeWith(knowledge.lookup(pkg.name, version, pkg.source), features)));
    if (verdicts.size !== 1) how.certain = false;
  }

  const version = lockfile?.version ?? 4;
  const refreshed = { lockfile: synthesized.size === 0 && copied.size === 0 && lockfile ? lockfile : { version, packages }, synthesized, problems, unlocked, stale };
  return { refreshed, unservedPatches: [...unservedPatches] };

  function describe(pkg: LockedPackage, how: SynthesizedPackage | undefined): string {
    if (!how) return `${pkg.name} ${pkg.version}`;
    switch (how.describedBy) {
      case "knowledge":
        return `${pkg.name} ${pkg.version} (bundled knowledge of its versions; no crate metadata on this machine)`;
      case "nothing":
        return `${pkg.name} ${pkg.version} (no metadata describes it, so its dependencies are not audited: run \`cargo fetch\` first, or use --online)`;
      case "tls-crate":
        return `${pkg.name} ${pkg.version} (a native TLS crate whatever its version; no crate metadata on this machine)`;
      default:
        return `${pkg.name} ${pkg.version}`;
    }
  }
}

/** Whether bundled knowledge says these features (the closure within the crate) select native TLS. */
function nativeWith(meta: CrateMetadata | undefined, features: ReadonlySet<string>): boolean | undefined {
  if (!meta) return undefined;
  if (meta.nativeUnconditional) return true;
  const native = new Set(meta.nativeFeatures ?? []);
  const seen = new Set<string>();
  const stack = [...features];
  while (stack.length > 0) {
    const feature = stack.pop()!;
    if (seen.has(feature)) continue;
    seen.add(feature);
    if (native.has(feature)) return true;
    for (const value of meta.features[feature] ?? []) if (!value.includes("/") && !value.startsWith("dep:")) stack.push(value);
  }
  return false;
}

/** The native TLS crates a knowledge entry's chains name (`hyper-tls + native-tls`), for children the lock lacks. */
function nativeChildrenOf(meta: CrateMetadata): string[] {
  const entry = (CRATE_KNOWLEDGE[meta.name] ?? []).find((e) => e.source === meta.origin);
  const text = entry ? Object.values(entry.native_chains).join(" ") : "";
  const names = new Set<string>();
  for (const token of text.split(/[^A-Za-z0-9_-]+/)) if (tlsCrate(token)) names.add(token);
  if (names.size === 0) names.add("native-tls");
  return [...names];
}

/** The workspace's problems once the lock is refreshed: without a lock, the note says the graph was generated here. */
export function refreshProblems(problems: readonly Problem[], refreshed: RefreshedLock): Problem[] {
  const kept = refreshed.unlocked
    ? problems.map((p) =>
        p.code === "lockfile-missing"
          ? {
              ...p,
              // "no Cargo.lock" or "Cargo.lock lists no packages", then what is done instead.
              message: `${p.message.split(";")[0]}; dependencies resolved as \`cargo generate-lockfile\` would, from the crate versions known on this machine (resolution: unlocked)`,
              hint: "commit Cargo.lock, or run `cargo generate-lockfile`, for an exact audit",
            }
          : p,
      )
    : [...problems];
  return [...kept, ...refreshed.problems];
}
