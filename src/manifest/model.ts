// Typed Cargo.toml model, with the source position of every dependency declaration.

export type DependencyKind = "normal" | "dev" | "build";

/** Where an entry's first key is: 1-based line and column (UTF-16 code units). */
export interface SourceSpan {
  line: number;
  column: number;
}

/** One dependency entry of a manifest, in any of the forms cargo accepts. */
export interface DependencyDecl {
  /** The key in the dependency table: the name the code uses (may be a rename). */
  key: string;
  /** The real crate name: `package = "…"` when renamed, else the key. */
  package: string;
  kind: DependencyKind;
  /** `cfg(…)` expression or target triple of a `[target.X.*]` table; null for all targets. */
  target: string | null;
  /** Version requirement as written. */
  version?: string;
  path?: string;
  git?: string;
  branch?: string;
  tag?: string;
  rev?: string;
  registry?: string;
  /** `workspace = true`: the rest comes from `[workspace.dependencies]`. */
  workspace: boolean;
  /** `default-features` / `default_features` as written; undefined when absent (cargo's default is true). */
  defaultFeatures?: boolean;
  /** Which spelling was used, so edits can keep it. */
  defaultFeaturesKey?: "default-features" | "default_features";
  features: string[];
  optional: boolean;
  /** The first place the entry appears: `dep = …`, `[dependencies.dep]` or `dep.x = …`. */
  span: SourceSpan;
  /** Key path of the entry, e.g. ["target", "cfg(unix)", "dependencies", "openssl"]. */
  keyPath: string[];
}

/** A value that may be inherited from `[workspace.package]` with `{ workspace = true }`. */
export type MaybeInherited<T> = { value: T } | { inherited: true };

export interface PackageSection {
  name?: string;
  /** `name` is there but not a string: the parser reported it, so "no name" would be a second, wrong, message. */
  nameInvalid?: boolean;
  version?: MaybeInherited<string>;
  edition?: MaybeInherited<string>;
  /** `package.workspace`: explicit path to the workspace root. */
  workspace?: string;
  resolver?: string;
  span: SourceSpan;
}

export interface WorkspaceSection {
  members: string[];
  exclude: string[];
  defaultMembers?: string[];
  resolver?: string;
  /** `[workspace.dependencies]`, with kind "normal" and no target. */
  dependencies: DependencyDecl[];
  /** `[workspace.package]` values that members may inherit. */
  package: { version?: string; edition?: string };
  span: SourceSpan;
  membersSpan?: SourceSpan;
}

export interface Manifest {
  /** Absolute path of the Cargo.toml. */
  file: string;
  /** The text it was parsed from, for code frames and edits. */
  text: string;
  package?: PackageSection;
  workspace?: WorkspaceSection;
  dependencies: DependencyDecl[];
  /**
   * `[patch.<source>]` entries (kind "normal", no target; keyPath ["patch", source, key]). Cargo obeys them in the
   * workspace root only.
   */
  patches: DependencyDecl[];
  /** The `[features]` table as written. */
  features: Record<string, string[]>;
  /** `[lib] proc-macro = true`. */
  procMacro?: boolean;
}
