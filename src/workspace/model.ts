// A loaded Cargo workspace: members with inheritance applied, the lock, and local path packages.
import type { Lockfile } from "../lockfile/model.js";
import type { DependencyDecl, Manifest, SourceSpan } from "../manifest/model.js";
import type { Problem } from "../problems.js";

export type ResolverVersion = "1" | "2" | "3";

/** A dependency declaration after `workspace = true` inheritance. */
export interface EffectiveDependency extends DependencyDecl {
  /** Absolute directory of a path dependency. */
  pathDir?: string;
  /** For `workspace = true`: the `[workspace.dependencies]` entry it came from. */
  inheritedFrom?: { file: string; span: SourceSpan };
}

/** A package whose manifest we read: a workspace member or a local path dependency. */
export interface LocalPackage {
  name: string;
  version?: string;
  edition: string;
  dir: string;
  manifest: Manifest;
  dependencies: EffectiveDependency[];
  isMember: boolean;
}

export interface Workspace {
  /** Absolute directory of the root Cargo.toml. */
  root: string;
  rootManifest: Manifest;
  members: LocalPackage[];
  /** Path dependencies outside the workspace, by directory. */
  pathPackages: LocalPackage[];
  resolver: ResolverVersion;
  /** Absolute path of Cargo.lock, or null when there is none. */
  lockfilePath: string | null;
  lockfile?: Lockfile;
  problems: Problem[];
}

/** Every manifest a workspace's findings can point at: the root's, the members' and the path packages'. */
export function localManifests(workspace: Workspace): Manifest[] {
  return [workspace.rootManifest, ...workspace.members.map((m) => m.manifest), ...workspace.pathPackages.map((p) => p.manifest)];
}

const workspaceDependencies = new WeakMap<Manifest, ReadonlyMap<string, DependencyDecl>>();

/**
 * A root manifest's `[workspace.dependencies]` by key (keys of one TOML table are unique), made once per manifest:
 * every local package's inherited entries, and every fix of one, look them up.
 */
export function workspaceDependencyByKey(root: Manifest): ReadonlyMap<string, DependencyDecl> {
  let byKey = workspaceDependencies.get(root);
  if (!byKey) workspaceDependencies.set(root, (byKey = new Map((root.workspace?.dependencies ?? []).map((d) => [d.key, d]))));
  return byKey;
}
