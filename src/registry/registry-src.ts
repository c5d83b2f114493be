// Metadata from crates cargo already unpacked: $CARGO_HOME/registry/src/<registry>-<hash>/<name>-<version>/Cargo.toml.
import { join } from "node:path";
import semver from "semver";
import type { Host } from "../host/index.js";
import { cargoHomeDir, isRegistrySource, registryDirsCache } from "./cargo-home.js";
import type { CrateMetadata, MetadataProvider } from "./model.js";
import { readCrateManifest, type MetadataStore } from "./crate-manifest.js";

export interface RegistrySrcOptions {
  /** Overrides `$CARGO_HOME` / `$HOME/.cargo`. */
  cargoHome?: string;
  /** Remembers parsed manifests across runs. */
  store?: MetadataStore;
}

/**
 * Answers for registry packages whose sources cargo has unpacked (by `cargo fetch`, a build,
 * `cargo metadata`…). Path and git packages are not its business.
 */
export function registrySrcProvider(host: Host, options: RegistrySrcOptions = {}): MetadataProvider {
  const home = options.cargoHome ?? cargoHomeDir(host);
  const root = home === undefined ? undefined : join(home, "registry", "src");
  const dirsFor = root === undefined ? undefined : registryDirsCache(host, root);
  return {
    name: "registry-src",
    lookup(name, version, source): CrateMetadata | undefined {
      if (dirsFor === undefined || !isRegistrySource(source)) return undefined;
      for (const dir of dirsFor(source)) {
        const meta = readCrateManifest(host, join(dir, `${name}-${version}`, "Cargo.toml"), "registry-src", options.store);
        // The directory name is cargo's; the manifest inside must still be the crate asked for.
        if (meta?.name === name && meta.version === version) return meta;
      }
      return undefined;
    },
    versions(name, source) {
      if (dirsFor === undefined || !isRegistrySource(source)) return [];
      const found = new Set<string>();
      // cargo unpacks each crate version into `<name>-<version>`; a name that is a prefix of another
      // (`foo` and `foo-bar`) is told apart by the version, which starts with a digit and parses.
      for (const dir of dirsFor(source)) {
        for (const entry of host.listDirs(dir)) {
          if (!entry.startsWith(`${name}-`)) continue;
          const version = entry.slice(name.length + 1);
          if (semver.valid(version) !== null) found.add(version);
        }
      }
      return [...found];
    },
  };
}
