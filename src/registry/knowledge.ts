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

/** Every knowledge entry of a crate (aws-sdk-* crates share theirs); undefined for a crate the knowledge does not list. */
export function knowledgeEntries(name: string): readonly CrateKnowledgeEntry[] | undefined {
  return CRATE_KNOWLEDGE[name] ?? (name.startsWith("aws-sdk-") ? CRATE_KNOWLEDGE["aws-sdk-*"] : undefined);
}

/** The knowledge entry whose semver range holds this crate version (aws-sdk-* crates share one entry). */
export function knowledgeEntry(name: string, version: string): CrateKnowledgeEntry | undefined {
  const key = `${name}@${version}`;
  if (entryByVersion.has(key)) return entryByVersion.get(key);
  const entry = findKnowledgeEntry(name, version);
  entryByVersion.set(key, entry);
  return entry;
}

// The knowledge is fixed data, asked for each locked crate by every audit and re-audit: each answer is found once.
const entryByVersion = new Map<string, CrateKnowledgeEntry | undefined>();

function findKnowledgeEntry(name: string, version: string): CrateKnowledgeEntry | undefined {
  const entries = knowledgeEntries(name);
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

/**
 * The default feature list for a version when it changes inside a range, from the knowledge's free-form
 * `default_by_version` ("['rustls','gzip'] (>=3.0.1)", "[] (0.15-0.17), ['handshake'] (>=0.18)", "none").
 * When no part names this version, the union of every list is used: never a feature that was not a default.
 */
function defaultByVersion(text: string, version: string): string[] | undefined {
  const lists: string[][] = [];
  for (const part of text.matchAll(/\[([^\]]*)\]\s*(?:\(([^)]*)\))?/g)) {
    const list = part[1]!.split(",").map((s) => s.trim().replace(/^'|'$/g, "")).filter(Boolean);
    lists.push(list);
    const when = part[2]?.trim();
    if (!when) continue;
    // "0.15-0.17" is an inclusive span of minor lines; "0.12.2" one version; anything else a cargo requirement.
    const span = /^([\d.]+)-([\d.]+)$/.exec(when);
    try {
      const range = span ? `${span[1]} - ${span[2]}` : /^[\d.]+$/.test(when) ? `=${when}` : toSemverRange(when);
      if (semver.satisfies(version, range, { includePrerelease: true })) return list;
    } catch {
      // free text, not a range
    }
  }
  if (lists.length > 0) return [...new Set(lists.flat())];
  return /^\s*none\b/i.test(text) ? [] : undefined;
}

export function knowledgeProvider(): MetadataProvider {
  return {
    name: "knowledge",
    lookup(name, version): CrateMetadata | undefined {
      const entry = knowledgeEntry(name, version);
      if (!entry) return undefined;
      const natives = entry.native_features.map(featureName);
      const unconditional = natives.includes("(unconditional)") || natives.includes("(crate itself)");
      const features: Record<string, string[]> = {};
      // `default: null` means the manifest has no default features, unless `default_by_version` spells them out.
      const defaults = entry.default ?? (entry.default_by_version ? defaultByVersion(entry.default_by_version, version) : []);
      // Defaults we cannot read: assume the native ones are among them, which is the sound side.
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
        ...(defaults === undefined ? { defaultsAssumed: true } : {}),
      };
    },
  };
}

/**
 * The knowledge entries whose ranges meet a cargo requirement, each with the lowest version of the requirement it
 * covers (a version the provider above answers for), highest first: what a refresh can say of a crate that only
 * bundled knowledge describes.
 */
export function knowledgeVersions(name: string, req: string): { version: string; entry: CrateKnowledgeEntry }[] {
  const entries = knowledgeEntries(name);
  if (!entries) return [];
  const found: { version: string; entry: CrateKnowledgeEntry }[] = [];
  for (const entry of entries) {
    try {
      const wanted = new semver.Range(toSemverRange(req), { includePrerelease: false });
      const covered = new semver.Range(toSemverRange(entry.range), { includePrerelease: false });
      if (!wanted.intersects(covered)) continue;
      const low = semver.minVersion(`${wanted.range} ${covered.range}`);
      if (low && semver.satisfies(low, wanted) && semver.satisfies(low, covered)) found.push({ version: low.version, entry });
    } catch {
      // a range node-semver cannot read: that entry says nothing here
    }
  }
  return found.sort((a, b) => semver.rcompare(a.version, b.version));
}
