// Parses entries of a `[features]` table or a dependency's `features` list, as cargo's FeatureValue does.

export type FeatureValue =
  | { type: "feature"; name: string }
  | { type: "dep"; dep: string }
  | { type: "dep-feature"; dep: string; feature: string; weak: boolean };

export function parseFeatureValue(text: string): FeatureValue {
  if (text.startsWith("dep:")) return { type: "dep", dep: text.slice(4) };
  const slash = text.indexOf("/");
  if (slash === -1) return { type: "feature", name: text };
  const left = text.slice(0, slash);
  const feature = text.slice(slash + 1);
  return left.endsWith("?") ? { type: "dep-feature", dep: left.slice(0, -1), feature, weak: true } : { type: "dep-feature", dep: left, feature, weak: false };
}

/**
 * Adds cargo's implicit features: an optional dependency `x` that no feature names as `dep:x`
 * is also a feature `x = ["dep:x"]` (cargo's `build_feature_map`).
 */
export function withImplicitFeatures(features: Record<string, string[]>, optionalDeps: Iterable<string>): Map<string, FeatureValue[]> {
  const map = new Map<string, FeatureValue[]>();
  const hidden = new Set<string>();
  for (const [name, values] of Object.entries(features)) {
    const parsed = values.map(parseFeatureValue);
    for (const value of parsed) if (value.type === "dep") hidden.add(value.dep);
    map.set(name, parsed);
  }
  for (const dep of optionalDeps) {
    if (!hidden.has(dep) && !map.has(dep)) map.set(dep, [{ type: "dep", dep }]);
  }
  return map;
}
