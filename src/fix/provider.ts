// Plans the fix for a rustls-crypto-provider finding: rustls built with no crypto provider gets one feature that
// selects one. Pure, as plan.ts: the finding, crate metadata and preferences in; changes or a reason out.
import type { Finding } from "../engine/types.js";
import type { MetadataLookup } from "../registry/model.js";
import { parseFeatureValue } from "../resolve/feature-value.js";
import type { DependencyChange } from "./model.js";
import { PROVIDER_FEATURE, type FixPlan, type FixPreferences } from "./plan.js";

type Provider = keyof typeof PROVIDER_FEATURE;

/**
 * The feature of `crate` whose closure (its own features only) enables `rustlsDep/providerFeature`, preferring the
 * one named after the provider (tokio-rustls 0.26 `ring = ["rustls/ring"]`, hyper-rustls `ring`, `aws-lc-rs`).
 */
function featureEnabling(features: Record<string, string[]>, rustlsDep: string, providerFeature: string): string | undefined {
  const enables = (feature: string, seen: Set<string>): boolean => {
    if (seen.has(feature)) return false;
    seen.add(feature);
    return (features[feature] ?? []).some((text) => {
      const value = parseFeatureValue(text);
      if (value.type === "feature") return enables(value.name, seen);
      return value.type === "dep-feature" && value.dep === rustlsDep && value.feature === providerFeature;
    });
  };
  const candidates = Object.keys(features).filter((f) => f !== "default" && enables(f, new Set()));
  return candidates.find((f) => f.replace(/-/g, "_") === providerFeature) ?? candidates.sort((a, b) => a.length - b.length)[0];
}

/** The change that gives rustls one provider: rustls' own feature, or the direct dependency's feature that selects it. */
export function planProviderFix(finding: Finding, metadata: MetadataLookup | undefined, preferences: FixPreferences): FixPlan {
  const rustls = finding.path.at(-1)!;
  if (finding.messageId !== "none") {
    return {
      fixable: false,
      reason: `rustls ${rustls.version} gets both \`ring\` and \`aws-lc-rs\` from different crates; turn one off where it is enabled (see the path), or install a default CryptoProvider at start-up`,
    };
  }
  // ring by default: it needs no C toolchain beyond cc, and rustls 0.23 lists it first among its providers.
  const provider: Provider = preferences.crypto ?? "ring";
  const providerFeature = PROVIDER_FEATURE[provider];
  const rustlsMeta = metadata?.lookup(rustls.name, rustls.version, rustls.source);
  if (rustlsMeta && !rustlsMeta.partial && !(providerFeature in rustlsMeta.features)) {
    // Debian's rustls, for one, drops aws_lc_rs.
    return { fixable: false, reason: `rustls ${rustls.version} has no \`${providerFeature}\` feature here, so the ${provider} provider cannot be selected; choose the other one (--crypto), or install a CryptoProvider at start-up` };
  }
  const direct = finding.path[1]!;
  const decl = finding.decl;
  const own = (addFeatures: string[]): DependencyChange[] =>
    decl.inheritedFrom
      ? [{ manifest: decl.inheritedFrom.file, keyPath: ["workspace", "dependencies", decl.key], removeFeatures: [], addFeatures }]
      : [{ manifest: finding.manifest, keyPath: decl.keyPath, removeFeatures: [], addFeatures }];

  if (direct.name === "rustls") {
    return { fixable: true, description: `${finding.dependencyKey}: add "${providerFeature}" (the ${provider} crypto provider)`, changes: own([providerFeature]), removable: [] };
  }
  const meta = metadata?.lookup(direct.name, direct.version, direct.source);
  const next = finding.path[2]!;
  const rustlsDep = meta?.dependencies.find((d) => d.package === next.name && d.kind !== "dev")?.name;
  const feature = meta && !meta.partial && rustlsDep && next.name === "rustls" ? featureEnabling(meta.features, rustlsDep, providerFeature) : undefined;
  if (feature) {
    return { fixable: true, description: `${finding.dependencyKey}: add "${feature}" (rustls' ${provider} crypto provider)`, changes: own([feature]), removable: [] };
  }
  // A rustls entry of the member's own would select it (cargo unifies features), but a new dependency is not in
  // Cargo.lock, so the re-audit could not verify it: advise it instead.
  const table = decl.keyPath.slice(0, -1).join(".");
  return {
    fixable: false,
    reason: `no feature of ${direct.name} ${direct.version} selects a crypto provider; add \`rustls = { version = "${rustls.version}", default-features = false, features = ["${providerFeature}"] }\` to [${table}] (cargo unifies rustls' features), or install a CryptoProvider at start-up`,
  };
}
