// Bundled knowledge as partial crate metadata: which features select native TLS, for the crates that matter most.
import semver from "semver";
import { CRATE_KNOWLEDGE, type CrateKnowledgeEntry } from "../../rules/data/crate-knowledge.js";
import { toSemverRange } from "../util/cargo-semver.js";
import type { CrateMetadata, MetadataProvider } from "./model.js";

/** The cargo feature name of an annotated knowledge string: `"native-tls-alpn (>=0.11.4)"` → `native-tls-alpn`. */
function featureName(text: string): string {
  return text.split(" (")[0]!.trim();
}

/** The first hop of a chain inside the crate itself: `"a/b -> c/d"` → `["a/b"]`; `"dep:x + y"` → `["dep:x", "y"]`. */
function firstHop(chain: string): string[] {
  return chain
    .split(" -> ")[0]!
    .split(" + ")
    .map((token) => token.replace(/\(package [^)]*\)/, "").split(" (")[0]!.trim())
    .filter((token) => /^[\w:?/.-]+$/.test(token) && !token.startsWith("dep:"));
}

function entryFor(name: string, version: string): CrateKnowledgeEntry | undefined {
  const entries = CRATE_KNOWLEDGE[name] ?? (name.startsWith("aws-sdk-") ? CRATE_KNOWLEDGE["aws-sdk-*"] : undefined);
  const parsed = semver.valid(version, true);
  if (!entries || !parsed) return undefined;
  return entries.find((e) => {
    try {
      return semver.satisfies(parsed, toSemverRange(e.range), { includePrerelease: true });
    } catch {
      return false;
    }
  });
}

/** The default feature list for a version when it changes inside a range, e.g. `"['rustls','gzip'] (>=3.0.1)"`. */
function defaultByVersion(text: string, version: string): string[] | undefined {
  for (const part of text.matchAll(/\[([^\]]*)\]\s*\(([^)]*)\)/g)) {
    const list = part[1]!.split(",").map((s) => s.trim().replace(/^'|'$/g, "")).filter(Boolean);
    const when = part[2]!.trim();
    const range = /^[\d.]+$/.test(when) ? `=${when}` : when;
    try {
      if (semver.satisfies(version, toSemverRange(range), { includePrerelease: true })) return list;
    } catch {
      // not a range; ignore this part
    }
  }
  return undefined;
}

export function knowledgeProvider(): MetadataProvider {
  return {
    name: "knowledge",
    lookup(name, version): CrateMetadata | undefined {
      const entry = entryFor(name, version);
      if (!entry) return undefined;
      const natives = entry.native_features.map(featureName);
      const unconditional = natives.includes("(unconditional)") || natives.includes("(crate itself)");
      const features: Record<string, string[]> = {};
      const defaults = entry.default ?? (entry.default_by_version ? defaultByVersion(entry.default_by_version, version) : undefined);
      // Unknown defaults: assume the native ones are among them, which is the sound side.
      features.default = defaults ?? natives.filter((n) => !n.includes("/") && !n.startsWith("("));
      for (const [feature, chain] of [...Object.entries(entry.native_chains), ...Object.entries(entry.rustls_chains)]) {
        const key = featureName(feature);
        if (key.includes("/") || key.startsWith("(")) continue;
        features[key] = [...new Set([...(features[key] ?? []), ...firstHop(chain)])];
      }
      for (const feature of [...natives, ...entry.rustls_features.map(featureName)]) {
        if (!feature.includes("/") && !feature.startsWith("(")) features[feature] ??= [];
      }
      return {
        name,
        version,
        features,
        dependencies: [],
        provider: "knowledge",
        origin: entry.source,
        partial: true,
        nativeFeatures: natives.filter((n) => !n.startsWith("(")),
        nativeUnconditional: unconditional,
      };
    },
  };
}
