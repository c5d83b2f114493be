// What a fix is: semantic changes to dependency entries, and the byte-range text edits that carry them out.

/** A change to one dependency entry of one manifest. */
export interface DependencyChange {
  /** Absolute path of the Cargo.toml to edit. */
  manifest: string;
  /** Key path of the entry, e.g. ["dependencies", "reqwest"] or ["workspace", "dependencies", "reqwest"]. */
  keyPath: string[];
  /** Set `default-features = false` (keeping the `default_features` spelling if that is what is there). */
  disableDefaultFeatures?: boolean;
  /** Feature names to take out of the entry's `features`. */
  removeFeatures: string[];
  /** Feature names to add to the entry's `features` (those already there are kept once). */
  addFeatures: string[];
  /** When the entry does not exist yet: its value, as TOML text, to insert (the crypto provider's rustls entry). */
  create?: string;
}

/** A replacement of `text.slice(start, end)` by `text`, in UTF-16 offsets of the original manifest. */
export interface TextEdit {
  start: number;
  end: number;
  text: string;
}
