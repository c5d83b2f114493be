// Cargo's feature resolver (core/resolver/features.rs), run for one workspace member as `cargo build -p` does.
import type { PackageSet } from "../graph/relevant.js";
import type { ResolverVersion } from "../workspace/model.js";
import { parseFeatureValue, type FeatureValue } from "./feature-value.js";
import type { PackageSummary, SummaryDependency, SummaryTable } from "./summary.js";

/** Cargo's FeaturesFor: normal/dev builds for the target, or host builds (build scripts, proc-macros). */
export const enum FeaturesFor {
  Normal = 0,
  Host = 1,
}

export interface FeatureRequest {
  /** `--features`, as cargo splits them. */
  features: string[];
  allFeatures: boolean;
  /** False for `--no-default-features`. */
  defaultFeatures: boolean;
}

export interface ResolveOptions {
  resolver: ResolverVersion;
  /** Whether dev-dependencies are built (tests, examples): cargo's HasDevUnits. */
  hasDevUnits: boolean;
  /**
   * Decides whether a platform-specific dependency is active for a platform;
   * undefined means every target (`--target all`, cargo's ForceAllTargets).
   */
  platformActive?: (target: string, forHost: boolean) => boolean;
  /**
   * Names what `platformActive` decides (the host and target triples): resolutions with the same key share each
   * package's active declarations, as those without a platform filter do.
   */
  platformKey?: string;
  /**
   * The packages worth resolving (see `packagesReaching`): the resolution does not descend into the others. A package's
   * features come only from its dependents, so when the set holds every dependent of its members, their features are
   * exactly cargo's. Undefined for every package.
   */
  within?: PackageSet;
  /**
   * The package in the current directory, with its request, when it is resolved beside the root member: cargo's old
   * command-line feature behaviour (resolver 1 and a root package; `Workspace::members_with_features_old`) resolves
   * the current package's features in every `-p` build run from the workspace root, though only the root member is
   * built. Its dev-dependencies count, as the root member's do.
   */
  current?: { id: number; request: FeatureRequest };
}

/** Why a feature or optional dependency was activated: the first cause seen, for why-paths. */
export type ActivationCause =
  | { type: "requested" }
  | { type: "feature"; feature: string }
  | { type: "dependent"; from: number; fromFor: FeaturesFor; dep: string; feature?: string };

export interface ResolvedFeatures {
  /** Key: `packageKey(id, for)`. */
  features: Map<number, Map<string, ActivationCause>>;
  /** Optional dependencies activated, by name in toml. */
  dependencies: Map<number, Map<string, ActivationCause>>;
  decoupleHostDeps: boolean;
  /** Lock ids of the packages the build compiles (for any FeaturesFor): no active edge leads outside them. */
  built: ReadonlySet<number>;
}

export const packageKey = (id: number, fk: FeaturesFor) => id * 2 + fk;

const REQUESTED: ActivationCause = { type: "requested" };
const DEFAULT_FEATURE: FeatureValue = { type: "feature", name: "default" };

// Summaries are immutable and shared by every member's resolution: their feature strings are parsed once.
const parsedByDependency = new WeakMap<SummaryDependency, FeatureValue[]>();
function parsedFeatures(dep: SummaryDependency): FeatureValue[] {
  let parsed = parsedByDependency.get(dep);
  if (!parsed) parsedByDependency.set(dep, (parsed = dep.features.map(parseFeatureValue)));
  return parsed;
}
/** A dependency declaration as one node uses it: the child's FeaturesFor, and the cause it gives what it enables. */
type ActiveDep = [dep: SummaryDependency, depFk: FeaturesFor, cause: ActivationCause];
/** `all`: the declarations activation descends into (inside `within`); `byName`: every active one, made on first use. */
type ActiveDeps = { all: ActiveDep[]; byName?: Map<string, ActiveDep[]> };
/** `targeted`: whether any declaration is platform-specific; without one, every platform shares the same slots. */
const sharedActiveDeps = new WeakMap<PackageSummary, { within: PackageSet | undefined; targeted: boolean; byPlatform: Map<string, ActiveDeps[]> }>();
const requestedByDependency = new WeakMap<SummaryDependency, readonly FeatureValue[]>();
const parsedValues = new Map<string, FeatureValue>();
function featureValue(text: string): FeatureValue {
  let parsed = parsedValues.get(text);
  if (!parsed) parsedValues.set(text, (parsed = parseFeatureValue(text)));
  return parsed;
}

export function isDependencyActive(resolved: ResolvedFeatures, id: number, fk: FeaturesFor, dep: string): boolean {
  return resolved.dependencies.get(packageKey(id, resolved.decoupleHostDeps ? fk : FeaturesFor.Normal))?.has(dep) ?? false;
}

export function activatedFeatures(resolved: ResolvedFeatures, id: number, fk: FeaturesFor): Map<string, ActivationCause> {
  return resolved.features.get(packageKey(id, resolved.decoupleHostDeps ? fk : FeaturesFor.Normal)) ?? new Map();
}

/** Resolves features for one root member. */
export function resolveFeatures(summaries: SummaryTable, root: number, request: FeatureRequest, options: ResolveOptions): ResolvedFeatures {
  const modern = options.resolver !== "1";
  const decoupleHostDeps = modern;
  const decoupleDevDeps = modern && !options.hasDevUnits;
  const ignoreInactiveTargets = modern && options.platformActive !== undefined;
  const trackForHost = decoupleHostDeps || ignoreInactiveTargets;
  const within = options.within;
  const descends = (id: number) => within === undefined || within[id] === 1;
  const stored = (fk: FeaturesFor) => (decoupleHostDeps ? fk : FeaturesFor.Normal);
  const current = options.current?.id;

  const features = new Map<number, Map<string, ActivationCause>>();
  const dependencies = new Map<number, Map<string, ActivationCause>>();
  const processed = new Set<number>();
  /** Weak `x?/f` features waiting for `x`, with the cause that asked for each. */
  const deferredWeak = new Map<string, Map<string, ActivationCause>>();

  const entry = (map: Map<number, Map<string, ActivationCause>>, id: number, fk: FeaturesFor) => {
    const key = packageKey(id, stored(fk));
    let set = map.get(key);
    if (!set) {
      set = new Map();
      map.set(key, set);
    }
    return set;
  };

  /** Whether a declaration of a package is active in this resolution, before `within` is asked. */
  const isActiveDecl = (summary: PackageSummary, fk: FeaturesFor, dep: SummaryDependency): boolean => {
    if (dep.target !== null && ignoreInactiveTargets && !options.platformActive!(dep.target, dep.kind === "build" || fk === FeaturesFor.Host)) return false;
    if (decoupleDevDeps && dep.kind === "dev") return false;
    // Dev-dependencies only count for the root member (and the current package): cargo resolves other packages
    // without them.
    return dep.kind !== "dev" || summary.id === root || summary.id === current;
  };
  /** An active declaration with the child's FeaturesFor and the cause it gives what it enables. */
  const activeDecl = (summary: PackageSummary, fk: FeaturesFor, dep: SummaryDependency): ActiveDep | undefined => {
    if (!isActiveDecl(summary, fk, dep)) return undefined;
    // A child the resolution never enters keeps its parent's FeaturesFor: its own summary is then never needed.
    const depFk = fk === FeaturesFor.Normal && trackForHost && (dep.kind === "build" || (descends(dep.to) && summaries.get(dep.to).procMacro)) ? FeaturesFor.Host : fk;
    return [dep, depFk, { type: "dependent", from: summary.id, fromFor: fk, dep: dep.name }];
  };
  const activeDeps = new Map<number, ActiveDeps>();
  /**
   * The active dependency declarations of a package that activation descends into, with the FeaturesFor of each.
   * They depend only on the summary, a few flags and the platform (none without platform-specific declarations),
   * so every member's resolution shares them.
   */
  const depsOf = (summary: PackageSummary, fk: FeaturesFor): ActiveDeps => {
    let shared = sharedActiveDeps.get(summary);
    if (shared === undefined || shared.within !== within) {
      sharedActiveDeps.set(summary, (shared = { within, targeted: summary.dependencies.some((d) => d.target !== null), byPlatform: new Map() }));
    }
    const platformKey = ignoreInactiveTargets && shared.targeted ? options.platformKey : "";
    const slot = platformKey === undefined ? -1 : fk | (Number(decoupleDevDeps) << 1) | (Number(trackForHost) << 2) | (Number(summary.id === root || summary.id === current) << 3);
    const key = packageKey(summary.id, fk);
    const cached = slot === -1 ? activeDeps.get(key) : shared.byPlatform.get(platformKey!)?.[slot];
    if (cached) return cached;
    const all: ActiveDep[] = [];
    const declared = summary.dependencies;
    for (let i = 0; i < declared.length; i++) {
      const dep = declared[i]!;
      if (!descends(dep.to)) continue;
      const pair = activeDecl(summary, fk, dep);
      if (pair) all.push(pair);
    }
    const result: ActiveDeps = { all };
    if (slot === -1) activeDeps.set(key, result);
    else {
      let slots = shared.byPlatform.get(platformKey!);
      if (!slots) shared.byPlatform.set(platformKey!, (slots = []));
      slots[slot] = result;
    }
    return result;
  };
  const NO_DEPS: ActiveDep[] = [];
  /**
   * The active declarations of a package by the name features use, built on the first feature that names one:
   * most packages are only descended into, and a package without metadata keeps every locked edge.
   */
  const depsNamed = (summary: PackageSummary, fk: FeaturesFor, name: string): ActiveDep[] => {
    const deps = depsOf(summary, fk);
    if (!deps.byName) {
      const byName = new Map<string, ActiveDep[]>();
      let next = 0;
      const declared = summary.dependencies;
      for (let i = 0; i < declared.length; i++) {
        const dep = declared[i]!;
        // The ones activation descends into are `all`'s, in order; by name, a dependency outside still counts.
        const pair = descends(dep.to) ? (isActiveDecl(summary, fk, dep) ? deps.all[next++] : undefined) : activeDecl(summary, fk, dep);
        if (!pair) continue;
        const named = byName.get(dep.name);
        if (named) named.push(pair);
        else byName.set(dep.name, [pair]);
      }
      deps.byName = byName;
    }
    return deps.byName.get(name) ?? NO_DEPS;
  };

  /** The feature values a dependency declaration asks of its child; the same for every resolution, so kept. */
  const valuesFromDependency = (dep: SummaryDependency): readonly FeatureValue[] => {
    let values = requestedByDependency.get(dep);
    if (values) return values;
    const child = summaries.get(dep.to);
    if (dep.anyFeatures) values = [...child.features.keys()].map((name): FeatureValue => ({ type: "feature", name }));
    else if (dep.defaultFeatures && child.features.has("default")) values = [...parsedFeatures(dep), DEFAULT_FEATURE];
    else values = parsedFeatures(dep);
    requestedByDependency.set(dep, values);
    return values;
  };

  // The hot loops index their arrays: `for…of` and array destructuring allocate an iterator at every step until V8
  // optimises the loop, and most of a short run is before that.
  const activatePkg = (id: number, fk: FeaturesFor, values: readonly FeatureValue[], cause: ActivationCause) => {
    for (let i = 0; i < values.length; i++) activateValue(id, fk, values[i]!, cause);
    const key = packageKey(id, fk);
    if (processed.has(key)) return;
    processed.add(key);
    const summary = summaries.get(id);
    const all = depsOf(summary, fk).all;
    for (let i = 0; i < all.length; i++) {
      const dep = all[i]![0];
      if (!dep.optional) activatePkg(dep.to, all[i]![1], valuesFromDependency(dep), all[i]![2]);
    }
  };

  const activateValue = (id: number, fk: FeaturesFor, value: FeatureValue, cause: ActivationCause) => {
    switch (value.type) {
      case "feature":
        return activateFeature(id, fk, value.name, cause);
      case "dep":
        return activateDependency(id, fk, value.dep, cause);
      case "dep-feature":
        return activateDepFeature(id, fk, value.dep, value.feature, value.weak, cause);
    }
  };

  const activateFeature = (id: number, fk: FeaturesFor, name: string, cause: ActivationCause) => {
    const enabled = entry(features, id, fk);
    if (enabled.has(name)) return;
    enabled.set(name, cause);
    const values = summaries.get(id).features.get(name);
    if (!values) return;
    const because: ActivationCause = { type: "feature", feature: name };
    for (let i = 0; i < values.length; i++) activateValue(id, fk, values[i]!, because);
  };

  const causeFeature = (cause: ActivationCause) => (cause.type === "feature" ? cause.feature : undefined);

  const activateDependency = (id: number, fk: FeaturesFor, depName: string, cause: ActivationCause) => {
    const active = entry(dependencies, id, fk);
    if (!active.has(depName)) active.set(depName, cause);
    // Most resolutions defer no weak feature at all: no key is made for them.
    let deferred: Map<string, ActivationCause> | undefined;
    if (deferredWeak.size > 0) {
      const weakKey = `${packageKey(id, fk)}\0${depName}`;
      deferred = deferredWeak.get(weakKey);
      deferredWeak.delete(weakKey);
    }
    // One cause for every declaration of that name: causes are only read.
    const because: ActivationCause = { type: "dependent", from: id, fromFor: fk, dep: depName, feature: causeFeature(cause) };
    const named = depsNamed(summaries.get(id), fk, depName);
    for (let i = 0; i < named.length; i++) {
      const dep = named[i]![0];
      const depFk = named[i]![1];
      if (!descends(dep.to)) continue;
      if (deferred) {
        for (const [feature, asked] of deferred) activateValue(dep.to, depFk, featureValue(feature), { type: "dependent", from: id, fromFor: fk, dep: depName, feature: causeFeature(asked) });
      }
      activatePkg(dep.to, depFk, valuesFromDependency(dep), because);
    }
  };

  const activateDepFeature = (id: number, fk: FeaturesFor, depName: string, depFeature: string, weak: boolean, cause: ActivationCause) => {
    const summary = summaries.get(id);
    let because: ActivationCause | undefined;
    const named = depsNamed(summary, fk, depName);
    for (let i = 0; i < named.length; i++) {
      const dep = named[i]![0];
      const depFk = named[i]![1];
      if (dep.optional) {
        if (weak && !(dependencies.get(packageKey(id, stored(fk)))?.has(depName) ?? false)) {
          // Weak and not yet active: remembered in case something enables the dependency later.
          const weakKey = `${packageKey(id, fk)}\0${depName}`;
          let waiting = deferredWeak.get(weakKey);
          if (!waiting) deferredWeak.set(weakKey, (waiting = new Map()));
          if (!waiting.has(depFeature)) waiting.set(depFeature, cause);
          continue;
        }
        activateDependency(id, fk, depName, cause);
        // Pre-weak-dependency behaviour: `x/f` also enables the implicit feature `x`, unless `dep:` hid it.
        if (!weak && summary.features.has(depName)) activateFeature(id, fk, depName, cause);
      }
      if (!descends(dep.to)) continue;
      because ??= { type: "dependent", from: id, fromFor: fk, dep: depName, feature: causeFeature(cause) };
      activateValue(dep.to, depFk, featureValue(depFeature), because);
    }
  };

  const activateRoot = (id: number, rootRequest: FeatureRequest) => {
    const rootSummary = summaries.get(id);
    const requested: FeatureValue[] = rootRequest.features.flatMap((f) => f.split(/[\s,]+/)).filter(Boolean).map(parseFeatureValue);
    if (rootRequest.defaultFeatures && rootSummary.features.has("default")) requested.push({ type: "feature", name: "default" });
    if (rootRequest.allFeatures) for (const name of rootSummary.features.keys()) requested.push({ type: "feature", name });
    if (trackForHost && rootSummary.procMacro) activatePkg(id, FeaturesFor.Normal, requested, REQUESTED);
    activatePkg(id, trackForHost && rootSummary.procMacro ? FeaturesFor.Host : FeaturesFor.Normal, requested, REQUESTED);
  };
  // The root member first: where both ask for something, the member's own declarations explain it.
  activateRoot(root, request);
  if (options.current && current !== root) activateRoot(options.current.id, options.current.request);
  const built = new Set<number>();
  for (const key of processed) built.add(key >> 1);
  return { features, dependencies, decoupleHostDeps, built };
}
