// Asks metadata providers in order (vendor → registry-src → index-cache → …) and remembers the answers.
import type { Problem } from "../problems.js";
import type { CrateMetadata, MetadataProvider, MetadataProviderName } from "./model.js";

/** How one crate version was looked up, for `--explain`. */
export interface LookupRecord {
  /** The provider that answered; null when none did. */
  provider: MetadataProviderName | null;
  /** Providers asked, in order, up to and including the one that answered. */
  tried: MetadataProviderName[];
}

export interface MetadataChain {
  readonly providers: readonly MetadataProvider[];
  /** The first provider's answer, cached per (name, version, source), misses included. */
  lookup(name: string, version: string, source: string | null): CrateMetadata | undefined;
  /** The versions any provider knows, each once (a refresh picks the highest that satisfies a requirement). */
  versions(name: string, source: string | null): string[];
  /** How an earlier `lookup` went; undefined if it was never asked. */
  explain(name: string, version: string, source: string | null): LookupRecord | undefined;
  /**
   * The providers' own `notes` (see `VendorProvider`), then one problem per lookup a provider threw
   * on (a bug or an unreadable file), which counts as a miss.
   */
  readonly problems: Problem[];
}

function cacheKey(name: string, version: string, source: string | null): string {
  return `${source ?? ""}\u0000${name}\u0000${version}`;
}

/** Chains providers; the first that knows a crate version answers, and its name is stamped on the result. */
export function createMetadataChain(providers: readonly MetadataProvider[]): MetadataChain {
  const answers = new Map<string, { meta: CrateMetadata | undefined; record: LookupRecord }>();
  const listed = new Map<string, string[]>();
  // Notes a provider made while setting up (vendor: unreadable config, ignored local-registry) come first.
  const problems: Problem[] = providers.flatMap((provider) => {
    const notes = (provider as { notes?: unknown }).notes;
    return Array.isArray(notes) ? (notes as Problem[]) : [];
  });
  return {
    providers,
    problems,
    lookup(name, version, source) {
      const key = cacheKey(name, version, source);
      const cached = answers.get(key);
      if (cached) return cached.meta;
      const record: LookupRecord = { provider: null, tried: [] };
      let meta: CrateMetadata | undefined;
      for (const provider of providers) {
        record.tried.push(provider.name);
        let answer: CrateMetadata | undefined;
        try {
          answer = provider.lookup(name, version, source);
        } catch (error) {
          problems.push({
            severity: "warning",
            code: "metadata-provider-failed",
            message: `metadata provider \`${provider.name}\` failed for ${name} ${version}: ${(error as Error).message ?? String(error)}`,
          });
          continue;
        }
        if (answer) {
          meta = answer.provider === provider.name ? answer : { ...answer, provider: provider.name };
          record.provider = provider.name;
          break;
        }
      }
      answers.set(key, { meta, record });
      return meta;
    },
    versions(name, source) {
      const key = cacheKey(name, "", source);
      let known = listed.get(key);
      if (!known) {
        const all = new Set<string>();
        for (const provider of providers) {
          try {
            for (const version of provider.versions?.(name, source) ?? []) all.add(version);
          } catch {
            // A listing is a hint; a provider that cannot list simply adds nothing.
          }
        }
        listed.set(key, (known = [...all]));
      }
      return known;
    },
    explain(name, version, source) {
      return answers.get(cacheKey(name, version, source))?.record;
    },
  };
}
