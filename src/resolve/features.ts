// Cargo's feature resolver (core/resolver/features.rs), run for one workspace member as `cargo build -p` does.
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
}

export const packageKey = (id: number, fk: FeaturesFor) => id * 2 + fk;

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
  const stored = (fk: FeaturesFor) => (decoupleHostDeps ? fk : FeaturesFor.Normal);

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

  /** The active dependency declarations of a package with the FeaturesFor of each. */
  const depsOf = (summary: PackageSummary, fk: FeaturesFor): [SummaryDependency, FeaturesFor][] => {
    const result: [SummaryDependency, FeaturesFor][] = [];
    for (const dep of summary.dependencies) {
      if (dep.target !== null && ignoreInactiveTargets && !options.platformActive!(dep.target, dep.kind === "build" || fk === FeaturesFor.Host)) continue;
      if (decoupleDevDeps && dep.kind === "dev") continue;
      // Dev-dependencies only count for the root member: cargo resolves other packages without them.
      if (dep.kind === "dev" && summary.id !== root) continue;
      const depFk = fk === FeaturesFor.Normal && trackForHost && (dep.kind === "build" || summaries.get(dep.to).procMacro) ? FeaturesFor.Host : fk;
      result.push([dep, depFk]);
    }
    return result;
  };

  const valuesFromDependency = (dep: SummaryDependency): [FeatureValue, ActivationCause][] => {
    const child = summaries.get(dep.to);
    if (dep.anyFeatures) return [...child.features.keys()].map((f) => [{ type: "feature", name: f }, { type: "requested" }]);
    const values: FeatureValue[] = dep.features.map(parseFeatureValue);
    if (dep.defaultFeatures && child.features.has("default")) values.push({ type: "feature", name: "default" });
    return values.map((v) => [v, { type: "requested" }]);
  };

  const activatePkg = (id: number, fk: FeaturesFor, values: [FeatureValue, ActivationCause][]) => {
    entry(features, id, fk);
    for (const [value, cause] of values) activateValue(id, fk, value, cause);
    const key = packageKey(id, fk);
    if (processed.has(key)) return;
    processed.add(key);
    const summary = summaries.get(id);
    for (const [dep, depFk] of depsOf(summary, fk)) {
      if (dep.optional) continue;
      activatePkg(dep.to, depFk, dependentCauses(valuesFromDependency(dep), id, fk, dep.name));
    }
  };

  const dependentCauses = (values: [FeatureValue, ActivationCause][], from: number, fromFor: FeaturesFor, depName: string, feature?: string): [FeatureValue, ActivationCause][] =>
    values.map(([v]) => [v, { type: "dependent", from, fromFor, dep: depName, feature }]);

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
    for (const value of values) activateValue(id, fk, value, { type: "feature", feature: name });
  };

  const causeFeature = (cause: ActivationCause) => (cause.type === "feature" ? cause.feature : undefined);

  const activateDependency = (id: number, fk: FeaturesFor, depName: string, cause: ActivationCause) => {
    const active = entry(dependencies, id, fk);
    if (!active.has(depName)) active.set(depName, cause);
    const weakKey = `${packageKey(id, fk)}\0${depName}`;
    const deferred = deferredWeak.get(weakKey);
    deferredWeak.delete(weakKey);
    for (const [dep, depFk] of depsOf(summaries.get(id), fk)) {
      if (dep.name !== depName) continue;
      if (deferred) {
        for (const [feature, asked] of deferred) activateValue(dep.to, depFk, parseFeatureValue(feature), { type: "dependent", from: id, fromFor: fk, dep: depName, feature: causeFeature(asked) });
      }
      activatePkg(dep.to, depFk, dependentCauses(valuesFromDependency(dep), id, fk, depName, causeFeature(cause)));
    }
  };

  const activateDepFeature = (id: number, fk: FeaturesFor, depName: string, depFeature: string, weak: boolean, cause: ActivationCause) => {
    const summary = summaries.get(id);
    for (const [dep, depFk] of depsOf(summary, fk)) {
      if (dep.name !== depName) continue;
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
      activateValue(dep.to, depFk, parseFeatureValue(depFeature), { type: "dependent", from: id, fromFor: fk, dep: depName, feature: causeFeature(cause) });
    }
  };

  const rootSummary = summaries.get(root);
  const requested: FeatureValue[] = request.features.flatMap((f) => f.split(/[\s,]+/)).filter(Boolean).map(parseFeatureValue);
  if (request.defaultFeatures && rootSummary.features.has("default")) requested.push({ type: "feature", name: "default" });
  if (request.allFeatures) for (const name of rootSummary.features.keys()) requested.push({ type: "feature", name });
  const rootValues: [FeatureValue, ActivationCause][] = requested.map((v) => [v, { type: "requested" }]);
  if (trackForHost && rootSummary.procMacro) activatePkg(root, FeaturesFor.Normal, rootValues);
  activatePkg(root, trackForHost && rootSummary.procMacro ? FeaturesFor.Host : FeaturesFor.Normal, rootValues);
  return { features, dependencies, decoupleHostDeps };
}
