// Reads a published crate's Cargo.toml (vendor dirs, registry/src) as metadata, through a store that remembers the
// parse of files whose stamp has not changed: a workspace's crates are the same from one run to the next.
import type { Host } from "../host/index.js";
import type { CrateMetadata, MetadataProviderName } from "./model.js";
import { metadataFromManifest } from "./normalized-manifest.js";

/** Parsed crate manifests by file and stamp (`Host.stamp`); see `src/host/metadata-store.ts`. */
export interface MetadataStore {
  get(file: string, stamp: string): CrateMetadata | undefined;
  set(file: string, stamp: string, meta: CrateMetadata): void;
}

/** The crate's metadata, or undefined when the file is missing or is not a crate manifest we can read. */
export function readCrateManifest(host: Host, file: string, provider: MetadataProviderName, store?: MetadataStore): CrateMetadata | undefined {
  const stamp = store && host.stamp?.(file);
  if (stamp) {
    const known = store!.get(file, stamp);
    if (known) return { ...known, provider };
  }
  let meta: CrateMetadata;
  try {
    // A missing file, a directory or an unreadable one throws here too, so a guess that misses costs one stat.
    meta = metadataFromManifest(host.readText(file), provider, file);
  } catch {
    return undefined;
  }
  if (stamp) store!.set(file, stamp, meta);
  return meta;
}
