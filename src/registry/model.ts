// Crate metadata as the feature resolver needs it, whichever provider supplied it.
import type { DependencyKind } from "../manifest/model.js";

/** One dependency of a published crate, as in its normalised Cargo.toml or its index entry. */
export interface MetaDependency {
  /** The real crate name (the index's `package`, or the key when not renamed). */
  package: string;
  /** The name used in the crate's features (`dep:x`, `x/feat`): the rename, or `package`. */
  name: string;
  /** Version requirement, cargo syntax. */
  req: string;
  kind: DependencyKind;
  /** `cfg(…)` or triple; null for all targets. */
  target: string | null;
  optional: boolean;
  defaultFeatures: boolean;
  features: string[];
}

/** Which provider answered; see issue "Resolve features exactly as cargo does". */
export type MetadataProviderName = "vendor" | "registry-src" | "index-cache" | "knowledge" | "online" | "local";

export interface CrateMetadata {
  name: string;
  version: string;
  /** The `[features]` table, with `features2` merged in for index entries. */
  features: Record<string, string[]>;
  dependencies: MetaDependency[];
  provider: MetadataProviderName;
  /** Where it came from: a file path or URL, for `--explain`. */
  origin: string;
  /** `[lib] proc-macro = true`: built for the host, with its own features under resolver 2. */
  procMacro?: boolean;
  /**
   * True when this metadata covers only some features and edges (bundled knowledge):
   * locked edges it does not mention stay "possibly active".
   */
  partial?: boolean;
  /** Partial metadata: features that select native TLS (they enable the crate's native TLS dependencies). */
  nativeFeatures?: string[];
  /** Partial metadata: the crate pulls native TLS whatever its features. */
  nativeUnconditional?: boolean;
  /** Partial metadata: the knowledge did not say which features are default, so the native ones were assumed. */
  defaultsAssumed?: boolean;
}

/** What the resolver needs of metadata: a lookup, and the problems met while looking (unreadable files…). */
export interface MetadataLookup {
  lookup(name: string, version: string, source: string | null): CrateMetadata | undefined;
  /** Every version of a crate this source can describe: what a refresh of a stale or missing lock picks from. */
  versions?(name: string, source: string | null): string[];
  readonly problems?: readonly import("../problems.js").Problem[];
}

/** Looks up one crate version; undefined when this provider does not know it. */
export interface MetadataProvider {
  name: MetadataProviderName;
  lookup(name: string, version: string, source: string | null): CrateMetadata | undefined;
  /** The versions of a crate it can describe; absent when it cannot list them (bundled knowledge is keyed by range). */
  versions?(name: string, source: string | null): string[];
}
