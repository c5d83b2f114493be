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
import type { DependencyDecl } from "../manifest/model.js";
import { knowledgeReachesRustls, reachesRustls, type ChildLookup } from "./tls-reach.js";

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

export type FixPlan =
  | {
      fixable: true;
      description: string;
      changes: DependencyChange[];
      /** Features the fix may take away: the native ones (and `default` when it turns defaults off). Any other that disappears is a regression. */
      removable: string[];
    }
  | { fixable: false; reason: string };

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
  /**
   * Features the knowledge's `fix.add` lists beside the rustls one (lettre's provider and roots, sentry's reqwest
   * transport, curl's static-curl), and the groups `rustls_needs` requires one of: added whenever rustls is.
   */
  companions: string[];
  needs: string[][];
  /** Whether the crate has this feature (the real [features] table when there is one). */
  has: (feature: string) => boolean;
  /** The knowledge says rustls is always built in (mongodb 2): dropping the native feature is the whole fix. */
  rustlsBuiltIn: boolean;
  /** The crate's metadata, to check that the planned features still reach rustls. */
  meta?: CrateMetadata;
  /** The [features] table came from the registry the build uses, not from the bundled knowledge. */
  real: boolean;
  source: string;
}

const name = (text: string) => text.split(" (")[0]!.trim();

/**
 * Features of a real manifest whose closure enables a native TLS dependency, directly or through a dependency's
 * native feature. `x/f` on a dependency that is always there (curl's `curl-sys/http2`) is native only when `f` is
 * native in `x`: the dependency's own [features] (`childNative`) or the knowledge say so.
 */
function nativeFeaturesOf(meta: CrateMetadata, childNative: (pkg: string, feature: string) => boolean): Set<string> {
  const tlsDeps = new Set(meta.dependencies.filter((d) => d.kind !== "dev" && tlsCrate(d.package)).map((d) => d.name));
  const optionalTls = new Set(meta.dependencies.filter((d) => d.kind !== "dev" && d.optional && tlsCrate(d.package)).map((d) => d.name));
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
        else native ||= (!value.weak && optionalTls.has(value.dep)) || childNative(packageOf.get(value.dep) ?? value.dep, value.feature);
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

function recipeFor(crate: string, version: string, metadata: MetadataLookup | undefined, source: string | null, child: ChildLookup): Recipe | undefined {
  const entry = knowledgeEntry(crate, version);
  const provider = /^\s*(ring|aws-lc-rs)\b/.exec(entry?.crypto_provider ?? "")?.[1] as Recipe["provider"];
  const meta = metadata?.lookup(crate, version, source);
  const knownNative = (dep: string, feature: string) => (CRATE_KNOWLEDGE[dep] ?? []).some((e) => e.native_features.map(name).includes(feature));
  // A child's native features at a depth, found once: a crate's [features] name the same child in many values
  // (reqwest's dozens of `hyper-util/…`), and each asked for the child's whole set, three levels down.
  const nativeAt = new Map<CrateMetadata, Map<number, Set<string>>>();
  const childNative = (dep: string, feature: string, depth = 3): boolean => {
    if (knownNative(dep, feature)) return true;
    const sub = depth > 0 ? child(dep) : undefined;
    if (sub === undefined || sub.partial) return false;
    let byDepth = nativeAt.get(sub);
    if (!byDepth) nativeAt.set(sub, (byDepth = new Map()));
    let native = byDepth.get(depth);
    if (!native) byDepth.set(depth, (native = nativeFeaturesOf(sub, (d, f) => childNative(d, f, depth - 1))));
    return native.has(feature);
  };
  const replace = new Map<string, string[]>();
  for (const [from, to] of Object.entries((entry?.fix.replace as Record<string, string> | undefined) ?? {})) {
    replace.set(from, to.split(" + ").map((t) => t.trim()));
  }
  const knowledgeRustls = entry ? entry.rustls_features.map(name).filter((f) => !f.startsWith("(")) : [];
  const fixAdd = ((entry?.fix.add as string[] | undefined) ?? []).filter((f) => !f.startsWith("("));
  const knowledgeDefaults = new Set(entry?.default ?? []);
  // fix.add beyond the defaults and the first rustls choice (which chooseRustls may move to its native-roots twin).
  const primary = fixAdd.find((f) => knowledgeRustls.includes(f));
  const needs = (entry?.rustls_needs ?? []).map((n) => n.one_of);
  // Only TLS companions: fix.add also lists defaults to put back (some as free text), which are not the fix's to add.
  const companions = fixAdd.filter((f) => /^[\w-]+$/.test(f) && !knowledgeDefaults.has(f) && f !== primary && (knowledgeRustls.includes(f) || needs.flat().includes(f)));
  const rustlsBuiltIn = entry?.rustls_features.some((f) => f.startsWith("(")) ?? false;
  if (meta && !meta.partial) {
    // The real [features] table decides; knowledge only orders the rustls choices.
    const native = nativeFeaturesOf(meta, childNative);
    const optional = new Set(meta.dependencies.filter((d) => d.optional).map((d) => d.name));
    const has = (f: string) => f in meta.features || optional.has(f);
    for (const n of entry?.native_features.map(name) ?? []) if (has(n)) native.add(n);
    for (const from of [...replace.keys()]) if (!has(from)) replace.delete(from);
    const rustls = [...knowledgeRustls.filter((f) => f in meta.features), ...Object.keys(meta.features).filter((f) => /rustls/.test(f) && !f.startsWith("_") && !native.has(f))];
    const all = [...new Set([...rustls, ...Object.keys(meta.features).filter((f) => f.endsWith("-no-provider"))])];
    return { provider, defaults: meta.features.default ?? [], native, rustls: all, replace, companions: companions.filter((f) => has(f) && !(meta.features.default ?? []).includes(f)), needs, has, rustlsBuiltIn, meta, real: true, source: meta.origin };
  }
  if (!entry) return undefined;
  const remove = (entry.fix.remove as string[] | undefined) ?? [];
  const native = new Set([...entry.native_features.map(name), ...remove].filter((f) => !f.startsWith("(")));
  const rustls = [...new Set([...fixAdd.filter((f) => knowledgeRustls.includes(f)), ...knowledgeRustls])];
  const known = new Set([...native, ...knowledgeRustls, ...fixAdd, ...knowledgeDefaults, ...needs.flat()]);
  return {
    provider,
    defaults: entry.default ?? [],
    native,
    rustls,
    replace,
    defaultsNative: entry.fix.default_features === false,
    companions,
    needs,
    has: (f) => known.has(f),
    rustlsBuiltIn,
    meta,
    real: false,
    source: entry.source,
  };
}

/** The knowledge's way out for a crate version that has no rustls feature: the first version line that has one. */
function upstreamAlternative(crate: string, version: string): string {
  const entries = CRATE_KNOWLEDGE[crate] ?? [];
  const current = knowledgeEntry(crate, version);
  const withRustls = (e: CrateKnowledgeEntry) => !e.fix.no_rustls_option && e.rustls_features.length > 0;
  const later = current && withRustls(current) ? current : entries.find((e) => withRustls(e) && !(current && e === current) && entries.indexOf(e) > (current ? entries.indexOf(current) : -1));
  const parts: string[] = [];
  if (later) {
    const from = /^\s*(?:>=|=)?\s*([\d.]+)/.exec(later.range)?.[1];
    const adds = ((later.fix.add as string[] | undefined) ?? []).filter((f) => !(later.default ?? []).includes(f));
    const features = adds.length > 0 ? adds : later.rustls_features.slice(0, 1).map(name);
    parts.push(`${crate}${from ? ` ≥ ${from}` : ""} upstream has ${features.map((f) => `\`${f}\``).join(" + ")}`);
  }
  if (typeof current?.fix.alternative === "string") parts.push(current.fix.alternative);
  parts.push("or replace it");
  return parts.join("; ");
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
    // A path crate of this repository is not "upstream": its own manifest is where the fix goes.
    if (enabler.source === null) {
      return `${enabler.name} ${enabler.version} is a local crate (a path dependency) whose own entry enables ${target.name}'s "${target.via}" feature; the fix belongs in ${enabler.name}'s Cargo.toml (tls-audit --write fixes it there when it can read that manifest; see any problem reported for it)`;
    }
    const who = switched === 2 ? `${finding.dependency} ${finding.dependencyVersion} itself` : `${enabler.name} ${enabler.version} (through ${finding.path.slice(1, switched).map((s) => s.name).join(" → ")})`;
    const where = switched === 2 ? `upstream in ${finding.dependency}, or in a [patch] of it` : `upstream: upgrade or replace ${finding.dependency}, or [patch] ${enabler.name}`;
    return `${who} enables ${target.name}'s "${target.via}" feature, which pulls native TLS; no feature of ${finding.dependency} known to tls-audit turns that off, so the fix belongs ${where}`;
  }
  return `${finding.dependency} ${finding.dependencyVersion} pulls native TLS${where}, and no feature of ${finding.dependency} known to tls-audit turns it off; upgrade it, replace it, or [patch] the crate that enables native TLS`;
}

/** A manifest entry that asks for the same locked crate as the finding: the finding's own, or a sibling. */
export interface LocalDeclaration {
  decl: EffectiveDependency;
  /** The manifest that holds it. */
  manifest: string;
  /** Label for descriptions, e.g. "a's dev-dependency". */
  label: string;
  /** For `workspace = true`: the `[workspace.dependencies]` entry itself, to tell its features from the member's. */
  base?: DependencyDecl;
}

interface DeclChange {
  changes: DependencyChange[];
  description: string;
}

/** Why a declaration cannot be fixed: the crate version offers no rustls option, or the plan would leave no TLS. */
interface DeclRefusal {
  refused: string;
}

/** A companion feature as the preferences want it: aws-lc-rs instead of ring, the OS roots instead of webpki-roots. */
function preferred(feature: string, recipe: Recipe, preferences: FixPreferences): string {
  const swaps: Record<string, string | undefined> = {
    ring: preferences.crypto === "aws-lc-rs" ? "aws-lc-rs" : undefined,
    "aws-lc-rs": preferences.crypto === "ring" ? "ring" : undefined,
    "webpki-roots": preferences.roots === "native" ? "rustls-native-certs" : undefined,
  };
  const swap = swaps[feature];
  return swap !== undefined && recipe.has(swap) ? swap : feature;
}

/** The change one declaration needs, undefined when it asks for nothing native, or why it cannot be fixed. */
function changeFor(target: LocalDeclaration, recipe: Recipe, preferences: FixPreferences, finding: Finding, child: ChildLookup): DeclChange | DeclRefusal | undefined {
  const decl = target.decl;
  const userFeatures = decl.features;
  const defaultsOn = decl.defaultFeatures !== false;
  const nativeInUser = userFeatures.filter((f) => recipe.native.has(f) || recipe.replace.has(f));
  const defaultsNative = defaultsOn && (recipe.defaultsNative || recipe.defaults.some((f) => recipe.native.has(f)));
  if (nativeInUser.length === 0 && !defaultsNative) return undefined;

  const available = (f: string) => recipe.rustls.includes(f);
  const hasRustls = userFeatures.some((f) => recipe.rustls.includes(f) && !recipe.native.has(f));
  const add: string[] = [];
  for (const f of nativeInUser) add.push(...(recipe.replace.get(f) ?? []).filter((r) => recipe.has(r)));
  if (defaultsNative) add.push(...recipe.defaults.filter((f) => !recipe.native.has(f) && !f.includes("/")));
  const rustls = chooseRustls(recipe, preferences, available);
  const replacedToRustls = add.some((f) => /rustls/.test(f));
  // Defaults that stay on and already select rustls (ureq 2's `tls`) need nothing added.
  const defaultsRustls = (defaultsOn && !defaultsNative && recipe.defaults.some((f) => recipe.rustls.includes(f))) || recipe.rustlsBuiltIn;
  let providerEntry: DependencyChange | undefined;
  const introduces = !hasRustls && !defaultsRustls;
  if (introduces && !replacedToRustls) {
    // No rustls feature to switch to: dropping the native one would switch TLS off (curl → plain libcurl,
    // tiny_http → plain HTTP), so this version cannot be fixed by features.
    if (!rustls) return { refused: `${finding.dependency} ${finding.dependencyVersion}${recipe.real ? " from this registry" : ""} has no rustls feature; ${upstreamAlternative(finding.dependency, finding.dependencyVersion)}` };
    const wanted = preferences.crypto;
    const noProvider = `${rustls}-no-provider`;
    if (wanted && recipe.provider && wanted !== recipe.provider && available(noProvider)) {
      add.unshift(noProvider);
      const feature = PROVIDER_FEATURE[wanted];
      // The provider comes through a rustls entry of the member's own: its feature must exist in the rustls the lock
      // has, and a rustls the lock lacks cannot be checked at all (cargo would pick one, maybe without the feature).
      const lockedRustls = child("rustls");
      if (!lockedRustls) {
        return { refused: `the ${wanted} provider needs rustls with \`${feature}\`, which Cargo.lock does not contain, so the change cannot be checked; add rustls with that feature and run cargo, or choose the other provider (--crypto)` };
      }
      if (lockedRustls.partial) {
        return { refused: `only bundled knowledge describes rustls ${lockedRustls.version} here, so its \`${feature}\` feature cannot be checked; run \`cargo fetch\` first or use --online, or choose the other provider (--crypto)` };
      }
      if (!(feature in lockedRustls.features)) {
        return { refused: `rustls ${lockedRustls.version} has no \`${feature}\` feature here, so the ${wanted} provider cannot be selected; choose the other provider (--crypto)` };
      }
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
  const kept = userFeatures.filter((f) => !remove.includes(f));
  if (introduces) {
    // The whole knowledge entry: what fix.add lists beside the rustls feature, and one of each needed group.
    const have = () => new Set([...kept, ...add]);
    for (const c of recipe.companions) {
      const f = preferred(c, recipe, preferences);
      const providers = ["ring", "aws-lc-rs", "fips"];
      if (providers.includes(f) && [...have()].some((h) => providers.includes(h))) continue;
      if (!have().has(f)) add.push(f);
    }
    for (const group of recipe.needs) {
      if (group.some((f) => have().has(f))) continue;
      const f = preferred(group[0]!, recipe, preferences);
      if (recipe.has(f)) add.push(f);
    }
  }
  const addFeatures = [...new Set(add)].filter((f) => !kept.includes(f));
  // Check the plan against the crate's own [features]: it must still reach rustls (undefined: metadata is missing
  // below; the verifying re-audit then decides).
  const planned = [...new Set([...kept, ...addFeatures])];
  const defaultsAfter = defaultsOn && !defaultsNative;
  const keeps = recipe.meta ? reachesRustls(recipe.meta, planned, defaultsAfter, child) : knowledgeReachesRustls(finding.dependency, finding.dependencyVersion, new Set([...planned, ...(defaultsAfter ? recipe.defaults : [])]));
  if (keeps === false) {
    return { refused: `after the change (${planned.map((f) => `"${f}"`).join(", ") || "no features"}${defaultsAfter ? " and the defaults" : ""}), ${finding.dependency} ${finding.dependencyVersion} would reach no rustls crate: the edit would switch TLS off, not move it; ${upstreamAlternative(finding.dependency, finding.dependencyVersion)}` };
  }
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
    // Only [workspace.dependencies] can turn default features off; a native feature is removed where it is written.
    // When the workspace entry itself is fine (a member added the native feature), the member's entry takes the
    // rustls features and the workspace entry stays as it is.
    const baseNative = target.base === undefined || remove.some((f) => target.base!.features.includes(f));
    const workspaceNeeded = defaultsNative || baseNative;
    if (workspaceNeeded) changes.push({ manifest: decl.inheritedFrom.file, keyPath: ["workspace", "dependencies", decl.key], disableDefaultFeatures: defaultsNative || undefined, removeFeatures: remove, addFeatures });
    // The member's own list may name the native features too (removing an absent one is no edit).
    if (remove.length > 0 || !workspaceNeeded) changes.push({ ...own, removeFeatures: remove, addFeatures: workspaceNeeded ? [] : addFeatures });
  } else {
    changes.push({ ...own, disableDefaultFeatures: defaultsNative || undefined, removeFeatures: remove, addFeatures });
  }
  return { changes, description };
}

/** The locked version of each crate on the finding's path, for looking at the dependencies' own [features]. */
/** A crate below the finding's dependency, at the version the path or the lock names, for its own [features]. */
export function childLookup(finding: Finding, metadata: MetadataLookup | undefined, lockedVersions?: (name: string) => string | undefined): ChildLookup {
  return (pkg) => {
    const step = finding.path.find((s) => s.name === pkg);
    const version = step?.version ?? lockedVersions?.(pkg);
    // A crate off the path is looked up in the dependency's own registry, where the lock most likely has it.
    return version === undefined ? undefined : metadata?.lookup(pkg, version, step?.source ?? finding.path[1]?.source ?? null);
  };
}

/**
 * Plans the change for one finding. `siblings` are the other local entries that ask for the same locked crate
 * (a dev-dependency, a target-specific entry, another member): cargo unifies their features, so a fix changes
 * all of them or it does not work. `lockedVersions` names a crate's locked version, for the dependencies' own
 * [features] (curl's `curl-sys/http2` is not native TLS; curl-sys's `ssl` is).
 */
export function planFix(finding: Finding, metadata: MetadataLookup | undefined, preferences: FixPreferences, siblings: readonly LocalDeclaration[] = [], lockedVersions?: (name: string) => string | undefined, own?: Pick<LocalDeclaration, "base">): FixPlan {
  const source = finding.path[1]?.source ?? null;
  const entry = knowledgeEntry(finding.dependency, finding.dependencyVersion);
  if (entry?.fix.no_rustls_option || tlsCrate(finding.dependency)) return { fixable: false, reason: unfixableReason(finding, entry) };
  const child = childLookup(finding, metadata, lockedVersions);
  const recipe = recipeFor(finding.dependency, finding.dependencyVersion, metadata, source, child);
  if (!recipe) return { fixable: false, reason: unfixableReason(finding, entry) };
  const mine: LocalDeclaration = { decl: finding.decl, manifest: finding.manifest, label: `${finding.member}'s entry`, base: own?.base ?? siblings.find((s) => s.decl === finding.decl)?.base };
  const planned = [mine, ...siblings.filter((s) => s.decl !== finding.decl)].map((target) => ({ target, change: changeFor(target, recipe, preferences, finding, child) }));
  const refused = planned.find((p) => p.change !== undefined && "refused" in p.change);
  if (refused) return { fixable: false, reason: (refused.change as DeclRefusal).refused };
  const needed = planned.filter((p): p is { target: LocalDeclaration; change: DeclChange } => p.change !== undefined);
  if (needed.length === 0) return { fixable: false, reason: unfixableReason(finding, entry) };
  const [first, ...others] = needed;
  const also = others.map((o) => `${o.target.label}: ${o.change.description}`);
  const description = `${finding.dependencyKey}: ${first!.target === mine ? first!.change.description : `${first!.target.label}: ${first!.change.description}`}${also.length ? `; also ${also.join("; ")} (cargo unifies their features)` : ""}`;
  return { fixable: true, description, changes: needed.flatMap((n) => n.change.changes), removable: ["default", ...recipe.native, ...recipe.replace.keys()] };
}
