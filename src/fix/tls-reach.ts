// Whether a crate built with a set of features still has a TLS implementation: rustls, judged from its metadata.
// Pure. Used twice: by the planner (is there a rustls option at all?) and by the verifying re-resolution, whose lock
// may not hold the rustls crates yet (cargo adds them on the next build), so the locked graph alone cannot say.
import { knowledgeEntry } from "../registry/knowledge.js";
import type { CrateMetadata } from "../registry/model.js";
import { parseFeatureValue, withImplicitFeatures } from "../resolve/feature-value.js";

/** Crates that are, or wrap, rustls. Companions (roots, PEM parsing, the platform verifier) carry no TLS by themselves. */
export function isRustlsCrate(name: string): boolean {
  return /rustls/.test(name) && !/^rustls-(pemfile|pki-types|native-certs|webpki|platform-verifier)$/.test(name);
}

/** What a crate activates with these features: its features (closed) and, by name, its active dependencies. */
export interface Activation {
  features: Set<string>;
  /** Active non-dev dependencies by name, with the features asked of each (`x/f`, weak ones once `x` is on). */
  dependencies: Map<string, { package: string; features: Set<string>; defaultFeatures: boolean }>;
}

/** Cargo's feature closure over one crate's real `[features]` table (core/resolver/features.rs, one package). */
export function activate(meta: CrateMetadata, requested: Iterable<string>, defaultFeatures: boolean): Activation {
  const deps = meta.dependencies.filter((d) => d.kind !== "dev");
  const table = withImplicitFeatures(meta.features, deps.filter((d) => d.optional).map((d) => d.name));
  const features = new Set<string>();
  const activeOptional = new Set<string>();
  const asked = new Map<string, Set<string>>();
  const weak = new Map<string, Set<string>>();
  const ask = (map: Map<string, Set<string>>, dep: string, feature: string) => {
    if (!map.has(dep)) map.set(dep, new Set());
    map.get(dep)!.add(feature);
  };
  const visit = (name: string) => {
    if (features.has(name)) return;
    features.add(name);
    for (const value of table.get(name) ?? []) {
      if (value.type === "feature") visit(value.name);
      else if (value.type === "dep") activeOptional.add(value.dep);
      else if (value.weak) ask(weak, value.dep, value.feature);
      else {
        ask(asked, value.dep, value.feature);
        // `x/f` also switches on an optional `x` (and its implicit feature, unless `dep:` hid it).
        if (deps.some((d) => d.name === value.dep && d.optional)) {
          activeOptional.add(value.dep);
          if (table.has(value.dep)) visit(value.dep);
        }
      }
    }
  };
  for (const name of requested) visit(name);
  if (defaultFeatures && table.has("default")) visit("default");
  const dependencies: Activation["dependencies"] = new Map();
  for (const dep of deps) {
    if (dep.optional && !activeOptional.has(dep.name)) continue;
    const entry = dependencies.get(dep.name) ?? { package: dep.package, features: new Set<string>(), defaultFeatures: false };
    for (const f of [...dep.features, ...(asked.get(dep.name) ?? []), ...(weak.get(dep.name) ?? [])]) entry.features.add(f);
    entry.defaultFeatures ||= dep.defaultFeatures;
    dependencies.set(dep.name, entry);
  }
  return { features, dependencies };
}

/**
 * Whether bundled knowledge says these features give the crate TLS: a rustls feature is on, and so is one feature of
 * each group the knowledge says rustls needs (sentry's transport behind the weak `reqwest?/rustls`; lettre's crypto
 * provider and roots since 0.11.14).
 */
export function knowledgeReachesRustls(name: string, version: string, active: ReadonlySet<string>): boolean | undefined {
  const entry = knowledgeEntry(name, version);
  if (!entry) return undefined;
  // "(unconditional)", "(crate itself)": rustls is built in whatever the features.
  const on = entry.rustls_features.some((t) => t.startsWith("(") || active.has(t.split(" (")[0]!.trim()));
  return on && (entry.rustls_needs ?? []).every((need) => need.one_of.some((f) => active.has(f)));
}

/** Looks up a dependency's metadata: its locked version, or the version this check should assume. */
export type ChildLookup = (pkg: string) => CrateMetadata | undefined;

/** The features a crate's own table switches on from `requested` (and `default`): `x/f` and `dep:x` aside. */
export function featureClosure(meta: CrateMetadata, requested: Iterable<string>, defaultFeatures: boolean): Set<string> {
  const on = new Set<string>();
  const visit = (f: string) => {
    if (on.has(f)) return;
    on.add(f);
    for (const v of meta.features[f] ?? []) {
      const value = parseFeatureValue(v);
      if (value.type === "feature") visit(value.name);
    }
  };
  for (const f of requested) visit(f);
  if (defaultFeatures) visit("default");
  return on;
}

/**
 * True when the crate, built with `requested` features (plus its defaults when `defaultFeatures`), reaches a rustls
 * crate through its active dependencies; undefined when metadata is missing on the way and nothing was found.
 */
export function reachesRustls(meta: CrateMetadata, requested: Iterable<string>, defaultFeatures: boolean, child: ChildLookup, depth = 4): boolean | undefined {
  if (isRustlsCrate(meta.name)) return true;
  if (meta.partial) {
    const act = featureClosure(meta, requested, defaultFeatures);
    return knowledgeReachesRustls(meta.name, meta.version, act);
  }
  const { features, dependencies } = activate(meta, requested, defaultFeatures);
  // A provider or a transport the knowledge says rustls needs (lettre ≥ 0.11.14, sentry) must be on as well.
  const needs = knowledgeEntry(meta.name, meta.version)?.rustls_needs ?? [];
  if (!needs.every((need) => need.one_of.some((f) => features.has(f)))) return false;
  let unknown = false;
  for (const dep of dependencies.values()) if (isRustlsCrate(dep.package)) return true;
  if (depth === 0) return undefined;
  for (const dep of dependencies.values()) {
    const sub = child(dep.package);
    if (!sub) {
      unknown = true;
      continue;
    }
    const verdict = reachesRustls(sub, dep.features, dep.defaultFeatures, child, depth - 1);
    if (verdict) return true;
    if (verdict === undefined) unknown = true;
  }
  return unknown ? undefined : false;
}
