// The contract between the engine and the rules (ESLint-style `meta` + `create`), and the findings they produce.
import type { DependencyKind } from "../manifest/model.js";
import type { EffectiveDependency, LocalPackage, Workspace } from "../workspace/model.js";

export type Severity = "error" | "warning";
export type Scope = DependencyKind;

export interface RuleMeta {
  /** Stable kebab-case id. */
  id: string;
  description: string;
  /** Path of the rule's page under docs/rules/. */
  docs: string;
  /** Whether the rule can attach fixes; a fix from a rule without it is refused. */
  fixable: boolean;
  defaultSeverity: Severity;
  /** Message templates with `{placeholders}`; formatters fill them in. */
  messages: Record<string, string>;
  /**
   * The crates the rule's `memberBuild` handler looks at in a build ("all" for every one); without it the handler is
   * never called. The resolution covers only these, the banned crates and their dependents: a build has thousands.
   */
  buildCrates?: readonly string[] | "all";
}

/** A crate on a why-path. */
export interface PathStep {
  name: string;
  version: string;
  source: string | null;
  /** Why this crate matters on the path, when it does. */
  role?: "banned" | "tls-wrapper";
  /** Features of this crate, outermost first, that enabled the edge to the next step (resolved mode only). */
  features?: string[];
  /** The first of `features`: the feature requested from outside ("default", or a named feature). */
  via?: string;
  /** When a dependent's own feature switched `via` on (`native = ["reqwest/native-tls"]`): which crate and feature. */
  enabledBy?: { name: string; feature: string; local: boolean };
  /** Which metadata source described this crate (resolved mode only). */
  provider?: string;
  /**
   * The declaration of a local package (often another member) that switched on the feature enabling the edge to the
   * next step, when it is not the finding's own line: where a fix can turn it off.
   */
  enabledAt?: EnabledAt;
}

/** A local package's dependency declaration that switched a feature on (see `PathStep.enabledAt`). */
export interface EnabledAt {
  /** The local package (member or path package) whose manifest holds the declaration. */
  package: string;
  /** The declaration's key in that manifest. */
  dependency: string;
  /** The crate whose feature it switched on, and that feature ("default" for default features). */
  crate: string;
  feature?: string;
  /** The local package's own feature that made the declaration ask for it, e.g. `default` for `default = ["net/git"]`. */
  dependentFeature?: string;
  /** Absolute path of the manifest, and where the declaration is. */
  manifest: string;
  line: number;
  column: number;
  /** For a `workspace = true` declaration: the `[workspace.dependencies]` entry it inherits. */
  inheritedFrom?: { manifest: string; line: number; column: number };
}

/** One way a direct dependency reaches banned crates, at one scope. */
export interface ReachGroup {
  scope: Scope;
  reaches: string[];
  path: PathStep[];
  /** The declaration that starts the path (the narrowest-scope one when a crate is declared twice). */
  decl: EffectiveDependency;
  /** Triples it applies to, when not every known target. */
  platforms?: string[];
  /** The path crosses a crate without metadata, whose locked edges were kept as possibly active. */
  unverified?: boolean;
  /** Found only when crates without metadata are assumed to enable any feature: native TLS is possible, not known. */
  possible?: boolean;
  /** Set when the finding appears only under non-default features of the member. */
  condition?: { features: string[] };
  /** The members whose builds (`cargo build -p M`) reach it at this scope or a narrower one. */
  builds?: string[];
}

/** A direct dependency of a member, as the engine hands it to rules. */
export interface DirectDependency {
  member: LocalPackage;
  decl: EffectiveDependency;
  /** Lock id of the package; undefined when auditing without a lock. */
  lockId?: number;
}

/** What a rule reports; the engine adds severity, location and identity. */
export interface RuleReport {
  messageId: string;
  data: Record<string, string>;
  dependency: DirectDependency;
  group: ReachGroup;
}

export interface RuleContext {
  workspace: Workspace;
  /** Banned crates the rule should look for, after configuration. */
  bannedCrates: ReadonlySet<string>;
  /** How a direct dependency reaches the banned crates: one group per scope, empty when it does not. */
  reach(dependency: DirectDependency): ReachGroup[];
  report(report: RuleReport): void;
}

/** A package a member's build compiles (resolved modes only). */
export interface BuiltPackage {
  name: string;
  version: string;
  features: string[];
  /** Whether real metadata described it, so that `features` is exact. */
  exact: boolean;
  /** The member's direct dependency it is reached through. */
  dependency: DirectDependency;
  /** The why-path, computed on demand. */
  path(): PathStep[];
}

export interface RuleHandlers {
  /** Called once per direct dependency of each member (members themselves excluded). */
  directDependency?(dependency: DirectDependency): void;
  /** Called once per member with what its build compiles, when features were resolved. */
  /** Called once per member with the crates of its build that `RuleMeta.buildCrates` names, when features were resolved. */
  memberBuild?(member: LocalPackage, packages: BuiltPackage[]): void;
}

export interface Rule {
  meta: RuleMeta;
  create(context: RuleContext): RuleHandlers;
}

/** One finding: a member's direct dependency that brings in a banned crate. */
export interface Finding {
  ruleId: string;
  severity: Severity;
  messageId: string;
  data: Record<string, string>;
  /** Workspace root directory (absolute). */
  workspace: string;
  member: string;
  dependency: string;
  dependencyVersion: string;
  /** The key in the manifest (differs from `dependency` when renamed). */
  dependencyKey: string;
  /** The builds in which the dependency reaches the banned crate: `dev` for tests, examples and benches only. */
  scope: Scope;
  /**
   * The table that declares the dependency. It may be wider than `scope`: a `[dependencies]` entry whose native TLS
   * feature only a dev-dependency turns on (feature unification) is declared `normal` with scope `dev`.
   */
  declaredAs: DependencyKind;
  /** `cfg(…)`/triple of the declaring `[target]` table, null for all targets. */
  target: string | null;
  reaches: string[];
  path: PathStep[];
  /** Absolute path of the manifest that declares the dependency, and where. */
  manifest: string;
  line: number;
  column: number;
  /** For `workspace = true` dependencies: the `[workspace.dependencies]` entry. */
  inheritedFrom?: { manifest: string; line: number; column: number };
  platforms?: string[];
  unverified?: boolean;
  possible?: boolean;
  condition?: { features: string[] };
  /** The members whose builds reach it (resolved modes): a package's findings depend on the build it is in. */
  builds?: string[];
  /** Set when `member` is a path package outside the workspace's members (a build reaches it through a path dependency). */
  pathPackage?: true;
  /** The declaration behind the finding (not serialised). */
  decl: EffectiveDependency;
  /** Filled by the fix planner; null when no planning was done. */
  fix: FindingFix | null;
}

/** What the fix planner says about a finding. */
export type FindingFix =
  | {
      fixable: true;
      description: string;
      changes: { manifest: string; keyPath: string[]; disableDefaultFeatures?: boolean; removeFeatures: string[]; addFeatures: string[] }[];
      /** The text edits that carry the changes out: offsets into each manifest's current text. */
      edits: { manifest: string; start: number; end: number; text: string }[];
    }
  | { fixable: false; reason: string };

/** The first declaration on a finding's path that another local declaration switched on (see `PathStep.enabledAt`). */
export function enabledAtOf(finding: Pick<Finding, "path">): EnabledAt | undefined {
  return finding.path.find((step) => step.enabledAt)?.enabledAt;
}
