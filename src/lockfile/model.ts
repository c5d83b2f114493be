// The normalised Cargo.lock model, independent of the lockfile format version.

/** One `[[package]]` of Cargo.lock. */
export interface LockedPackage {
  /** Index into `Lockfile.packages`. */
  id: number;
  name: string;
  version: string;
  /** `registry+…`, `sparse+…`, `git+…#commit`; null for path packages (workspace members and local crates). */
  source: string | null;
  checksum?: string;
  /** Ids of the packages it depends on, in the lock's order. */
  dependencies: number[];
}

export interface Lockfile {
  /** Format version: 1 and 2 have no `version` line (1 keeps checksums in `[metadata]`). */
  version: 1 | 2 | 3 | 4;
  packages: LockedPackage[];
}

export type SourceKind = "registry" | "git" | "path" | "other";

/** Classifies a lock `source` string. */
export function sourceKind(source: string | null): SourceKind {
  if (source === null) return "path";
  if (source.startsWith("registry+") || source.startsWith("sparse+")) return "registry";
  if (source.startsWith("git+")) return "git";
  return "other";
}

/** `name version`, plus the source for non-path packages: how people and cargo name a package. */
export function packageLabel(pkg: Pick<LockedPackage, "name" | "version">): string {
  return `${pkg.name} ${pkg.version}`;
}
