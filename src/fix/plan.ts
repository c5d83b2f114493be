// Plans the smallest Cargo.toml change that moves a finding's dependency from native TLS to rustls.
// Pure: findings, declarations, crate metadata and knowledge in; DependencyChanges or a reason out.
import { CRATE_KNOWLEDGE, type CrateKnowledgeEntry } from "../../rules/data/crate-knowledge.js";
import { knowledgeEntry } from "../registry/knowledge.js";
import { tlsCrate } from "../../rules/data/tls-crates.js";
import type { Finding } from "../engine/types.js";
import type { CrateMetadata, MetadataLookup } from "../registry/model.js";
import { parseFeatureValue } from "../resolve/feature-value.js";
import type { DependencyChange } from "./model.js";
import type { EffectiveDependency } from "../workspace/model.js";

export interface FixPreferences {
  /** `native`: keep the OS trust store (rustls-tls-native-roots, platform verifier); `webpki`: bundled Mozilla roots. */
  roots: "native" | "webpki";
  /**
   * The rustls crypto provider to end up with. When the chosen rustls feature brings the other one and the crate
   * has a `-no-provider` variant, that variant is used and rustls itself is added with this provider, so the
   * graph has exactly one (rustls 0.23 panics at the first handshake with none or two). Unset: the crate's own.
   */
  crypto?: "ring" | "aws-lc-rs";
}

/** rustls 0.23's feature for each provider. */
export const PROVIDER_FEATURE = { ring: "ring", "aws-lc-rs": "aws_lc_rs" } as const;

export type FixPlan = { fixable: true; description: string; changes: DependencyChange[] } | { fixable: false; reason: string };

/** What we know of one crate version's TLS features. */
interface Recipe {
  /** The crypto provider the crate's rustls features bring, when the knowledge says. */
  provider?: "ring" | "aws-lc-rs";
  defaults: string[];
  native: Set<string>;
  /** Rustls features in order of preference. */
  rustls: string[];
  /** Old feature → replacement features (sqlx `runtime-tokio-native-tls` → `runtime-tokio-rustls`). */
  replace: Map<string, string[]>;
  /** Knowledge says the defaults pull native TLS (fix.default_features === false). */
  defaultsNative?: boolean;
  source: string;
}

const name = (text: string) => text.split(" (")[0]!.trim();

/** Features of a real manifest whose closure enables a native TLS dependency, directly or through a known crate's native feature. */
function nativeFeaturesOf(meta: CrateMetadata, knownNative: (dep: string, feature: string) => boolean): Set<string> {
  const tlsDeps = new Set(meta.dependencies.filter((d) => d.kind !== "dev" && tlsCrate(d.package)).map((d) => d.name));
  const packageOf = new Map(meta.dependencies.map((d) => [d.name, d.package]));
  const memo = new Map<string, boolean>();
  const visit = (feature: string, stack: Set<string>): boolean => {
    const cached = memo.get(feature);
    if (cached !== undefined) return cached;
    if (stack.has(feature)) return false;
    stack.add(feature);
    let native = false;
    const values = meta.features[feature];
    if (values === undefined) native = tlsDeps.has(feature); // implicit feature of an optional dependency
    else {
      for (const text of values) {
        const value = parseFeatureValue(text);
        if (value.type === "feature") native ||= visit(value.name, stack);
        else if (value.type === "dep") native ||= tlsDeps.has(value.dep);
        else native ||= (!value.weak && tlsDeps.has(value.dep)) || knownNative(packageOf.get(value.dep) ?? value.dep, value.feature);
      }
    }
    stack.delete(feature);
    memo.set(feature, native);
    return native;
  };
  const native = new Set(Object.keys(meta.features).filter((f) => visit(f, new Set())));
  // Cargo's implicit features: an optional TLS dependency that no feature hides behind `dep:` is a feature of its own.
  const hidden = new Set(Object.values(meta.features).flat().filter((v) => v.startsWith("dep:")).map((v) => v.slice(4)));
  for (const dep of meta.dependencies) {
    if (dep.optional && tlsDeps.has(dep.name) && !hidden.has(dep.name)) native.add(dep.name);
  }
  return native;
}

function recipeFor(crate: string, version: string, metadata: MetadataLookup | undefined, source: string | null): Recipe | undefined {
  const entry = knowledgeEntry(crate, version);
  const provider = /^\s*(ring|aws-lc-rs)\b/.exec(entry?.crypto_provider ?? "")?.[1] as Recipe["provider"];
  const meta = metadata?.lookup(crate, version, source);
  const knownNative = (dep: string, feature: string) => (CRATE_KNOWLEDGE[dep] ?? []).some((e) => e.native_features.map(name).includes(feature));
  const replace = new Map<string, string[]>();
  for (const [from, to] of Object.entries((entry?.fix.replace as Record<string, string> | undefined) ?? {})) {
    replace.set(from, to.split(" + ").map((t) => t.trim()));
  }
  const knowledgeRustls = entry ? entry.rustls_features.map(name).filter((f) => !f.startsWith("(")) : [];
  if (meta && !meta.partial) {
    // The real [features] table decides; knowledge only orders the rustls choices.
    const native = nativeFeaturesOf(meta, knownNative);
    const optional = new Set(meta.dependencies.filter((d) => d.optional).map((d) => d.name));
    for (const n of entry?.native_features.map(name) ?? []) if (n in meta.features || optional.has(n)) native.add(n);
    const rustls = [...knowledgeRustls.filter((f) => f in meta.features), ...Object.keys(meta.features).filter((f) => /rustls/.test(f) && !f.startsWith("_") && !native.has(f))];
    const all = [...new Set([...rustls, ...Object.keys(meta.features).filter((f) => f.endsWith("-no-provider"))])];
    return { provider, defaults: meta.features.default ?? [], native, rustls: all, replace, source: meta.origin };
  }
  if (!entry) return undefined;
  const fixAdd = (entry.fix.add as string[] | undefined) ?? [];
  const remove = (entry.fix.remove as string[] | undefined) ?? [];
  const native = new Set([...entry.native_features.map(name), ...remove].filter((f) => !f.startsWith("(")));
  const rustls = [...new Set([...fixAdd.filter((f) => knowledgeRustls.includes(f)), ...knowledgeRustls])];
  return {
    provider,
    defaults: entry.default ?? [],
    native,
    rustls,
    replace,
    defaultsNative: entry.fix.default_features === false,
    source: entry.source,
  };
}

/** Picks the rustls feature: the knowledge's first choice, moved to its native-roots variant when the OS store is wanted. */
function chooseRustls(recipe: Recipe, preferences: FixPreferences, available: (f: string) => boolean): string | undefined {
  const first = recipe.rustls[0];
  if (!first) return undefined;
  if (preferences.roots === "native") {
    for (const candidate of [`${first}-native-roots`, first.replace(/-webpki-roots$/, "-native-roots")]) {
      if (candidate !== first && available(candidate)) return candidate;
    }
  }
  return first;
}

function unfixableReason(finding: Finding, entry: CrateKnowledgeEntry | undefined): string {
  const via = finding.path.slice(2, -1).map((s) => `${s.name} ${s.version}`);
  const where = via.length > 0 ? ` through ${via.join(" → ")}` : "";
  const fix = entry?.fix ?? {};
  const advice = [fix.replace_crate && `replace it with ${String(fix.replace_crate)}`, fix.alternative && String(fix.alternative)].filter(Boolean);
  if (tlsCrate(finding.dependency)) {
    return `${finding.dependency} is a native TLS crate itself; no feature switches it to rustls${advice.length ? `: ${advice.join("; ")}` : ""}`;
  }
  if (fix.no_rustls_option) return `${finding.dependency} ${finding.dependencyVersion} has no rustls option${advice.length ? `: ${advice.join("; ")}` : ""}`;
  // A local package's own [features] entry switches it on: that is where the change belongs.
  const byLocalFeature = finding.path.find((s) => s.enabledBy?.local);
  if (byLocalFeature?.enabledBy) {
    return `${byLocalFeature.enabledBy.name}'s feature "${byLocalFeature.enabledBy.feature}" enables ${byLocalFeature.name}'s "${byLocalFeature.via}" feature (native TLS); edit that feature in its [features] table (tls-audit does not rewrite [features]), or stop enabling it`;
  }
  // Name the crate that switches native TLS on: the dependent of the last step whose features did it.
  const switched = finding.path.findLastIndex((s, i) => i > 1 && s.via !== undefined);
  if (switched > 1) {
    const enabler = finding.path[switched - 1]!;
    const target = finding.path[switched]!;
    const who = switched === 2 ? `${finding.dependency} ${finding.dependencyVersion} itself` : `${enabler.name} ${enabler.version} (through ${finding.path.slice(1, switched).map((s) => s.name).join(" → ")})`;
    const where = switched === 2 ? `upstream in ${finding.dependency}, or in a [patch] of it` : `upstream: upgrade or replace ${finding.dependency}, or [patch] ${enabler.name}`;
    return `${who} enables ${target.name}'s "${target.via}" feature, which pulls native TLS; no feature of ${finding.dependency} known to tls-audit turns that off, so the fix belongs ${where}`;
  }
  return `${finding.dependency} ${finding.dependencyVersion} pulls native TLS${where}, and no feature of ${finding.dependency} known to tls-audit turns it off; upgrade it, replace it, or [patch] the crate that enables native TLS`;
}

/** Plans the change for one finding. */
/** A manifest entry that asks for the same locked crate as the finding: the finding's own, or a sibling. */
export interface LocalDeclaration {
  decl: EffectiveDependency;
  /** The manifest that holds it. */
  manifest: string;
  /** Label for descriptions, e.g. "a's dev-dependency". */
  label: string;
}

interface DeclChange {
  changes: DependencyChange[];
  description: string;
}

/** The change one declaration needs, or undefined when it asks for nothing native. */
function changeFor(target: LocalDeclaration, recipe: Recipe, preferences: FixPreferences): DeclChange | undefined {
  const decl = target.decl;
  const userFeatures = decl.features;
  const defaultsOn = decl.defaultFeatures !== false;
  const nativeInUser = userFeatures.filter((f) => recipe.native.has(f) || recipe.replace.has(f));
  const defaultsNative = defaultsOn && (recipe.defaultsNative || recipe.defaults.some((f) => recipe.native.has(f)));
  if (nativeInUser.length === 0 && !defaultsNative) return undefined;

  const available = (f: string) => recipe.rustls.includes(f);
  const hasRustls = userFeatures.some((f) => recipe.rustls.includes(f) && !recipe.native.has(f));
  const add: string[] = [];
  for (const f of nativeInUser) add.push(...(recipe.replace.get(f) ?? []));
  if (defaultsNative) add.push(...recipe.defaults.filter((f) => !recipe.native.has(f) && !f.includes("/")));
  const rustls = chooseRustls(recipe, preferences, available);
  const replacedToRustls = add.some((f) => /rustls/.test(f));
  // Defaults that stay on and already select rustls (ureq 2's `tls`) need nothing added.
  const defaultsRustls = defaultsOn && !defaultsNative && recipe.defaults.some((f) => recipe.rustls.includes(f));
  // With no rustls feature to pick (rustls built in, as in mongodb 2), dropping the native one is the whole fix;
  // the re-audit decides whether that is enough.
  let providerEntry: DependencyChange | undefined;
  if (!hasRustls && !replacedToRustls && !defaultsRustls && rustls) {
    const wanted = preferences.crypto;
    const noProvider = `${rustls}-no-provider`;
    if (wanted && recipe.provider && wanted !== recipe.provider && available(noProvider)) {
      add.unshift(noProvider);
      const feature = PROVIDER_FEATURE[wanted];
      providerEntry = {
        manifest: target.manifest,
        keyPath: [...decl.keyPath.slice(0, -1), "rustls"],
        removeFeatures: [],
        addFeatures: [feature],
        create: `{ version = "0.23", default-features = false, features = ["${feature}", "logging", "std", "tls12"] }`,
      };
    } else add.unshift(rustls);
  }
  const remove = nativeInUser;
  const addFeatures = [...new Set(add)];
  const description = [
    defaultsNative ? "default-features = false" : undefined,
    remove.length ? `remove ${remove.map((f) => `"${f}"`).join(", ")}` : undefined,
    addFeatures.length ? `add ${addFeatures.map((f) => `"${f}"`).join(", ")}` : undefined,
    providerEntry ? `add rustls with the ${preferences.crypto} provider` : undefined,
  ]
    .filter(Boolean)
    .join("; ");
  const changes: DependencyChange[] = providerEntry ? [providerEntry] : [];
  const own: DependencyChange = { manifest: target.manifest, keyPath: decl.keyPath, removeFeatures: [], addFeatures: [] };
  if (decl.inheritedFrom) {
    // Only [workspace.dependencies] can turn default features off; members keep the features they add.
    changes.push({ manifest: decl.inheritedFrom.file, keyPath: ["workspace", "dependencies", decl.key], disableDefaultFeatures: defaultsNative || undefined, removeFeatures: remove, addFeatures });
    if (remove.length > 0) changes.push({ ...own, removeFeatures: remove });
  } else {
    changes.push({ ...own, disableDefaultFeatures: defaultsNative || undefined, removeFeatures: remove, addFeatures });
  }
  return { changes, description };
}

/**
 * Plans the change for one finding. `siblings` are the other local entries that ask for the same locked crate
 * (a dev-dependency, a target-specific entry, another member): cargo unifies their features, so a fix changes
 * all of them or it does not work.
 */
export function planFix(finding: Finding, metadata: MetadataLookup | undefined, preferences: FixPreferences, siblings: readonly LocalDeclaration[] = []): FixPlan {
  const source = finding.path[1]?.source ?? null;
  const entry = knowledgeEntry(finding.dependency, finding.dependencyVersion);
  if (entry?.fix.no_rustls_option || tlsCrate(finding.dependency)) return { fixable: false, reason: unfixableReason(finding, entry) };
  const recipe = recipeFor(finding.dependency, finding.dependencyVersion, metadata, source);
  if (!recipe) return { fixable: false, reason: unfixableReason(finding, entry) };
  const own: LocalDeclaration = { decl: finding.decl, manifest: finding.manifest, label: `${finding.member}'s entry` };
  const planned = [own, ...siblings.filter((s) => s.decl !== finding.decl)].map((target) => ({ target, change: changeFor(target, recipe, preferences) }));
  const needed = planned.filter((p) => p.change !== undefined);
  if (needed.length === 0) return { fixable: false, reason: unfixableReason(finding, entry) };
  const [first, ...others] = needed;
  const also = others.map((o) => `${o.target.label}: ${o.change!.description}`);
  const description = `${finding.dependencyKey}: ${first!.target === own ? first!.change!.description : `${first!.target.label}: ${first!.change!.description}`}${also.length ? `; also ${also.join("; ")} (cargo unifies their features)` : ""}`;
  return { fixable: true, description, changes: needed.flatMap((n) => n.change!.changes) };
}
