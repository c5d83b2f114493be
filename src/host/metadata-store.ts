// The on-disk MetadataStore: parsed crate manifests by path and stamp, in one JSON file under the user cache dir.
import { readFileSync } from "node:fs";
import type { MetadataStore } from "../registry/crate-manifest.js";
import type { CrateMetadata } from "../registry/model.js";
import { writeCacheFile } from "./write.js";

const FORMAT = 1;
/** Past this many crates the store starts again empty rather than grow without bound (a few MB of JSON). */
const MAX_ENTRIES = 50_000;

interface StoreFile {
  format: typeof FORMAT;
  entries: Record<string, [stamp: string, meta: CrateMetadata]>;
}

/** A store read on first use and written back by `flush` when it learnt something; every failure is a miss. */
export function fileMetadataStore(file: string): MetadataStore & { flush(): void } {
  let entries: Map<string, [string, CrateMetadata]> | undefined;
  let dirty = false;
  const load = () => {
    if (entries) return entries;
    entries = new Map();
    try {
      const stored = JSON.parse(readFileSync(file, "utf8")) as StoreFile;
      if (stored?.format === FORMAT && stored.entries && typeof stored.entries === "object") {
        for (const [path, entry] of Object.entries(stored.entries)) if (Array.isArray(entry) && typeof entry[0] === "string") entries.set(path, entry);
      }
    } catch {
      // none yet, or unreadable: start empty
    }
    return entries;
  };
  return {
    get(path, stamp) {
      const entry = load().get(path);
      return entry && entry[0] === stamp ? entry[1] : undefined;
    },
    set(path, stamp, meta) {
      const known = load();
      if (known.size >= MAX_ENTRIES) known.clear();
      known.set(path, [stamp, meta]);
      dirty = true;
    },
    flush() {
      if (!dirty || !entries) return;
      // Best effort, and atomic: of two writers the last one wins; if neither can, the next run parses again.
      const body: StoreFile = { format: FORMAT, entries: Object.fromEntries(entries) };
      if (writeCacheFile(file, JSON.stringify(body))) dirty = false;
    },
  };
}
