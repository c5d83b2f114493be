// The registry stage's entry point: the local metadata providers, chained in cargo's order of trust.
import type { Host } from "../host/index.js";
import { createMetadataChain, type MetadataChain } from "./chain.js";
import { indexCacheProvider } from "./index-cache.js";
import type { MetadataProvider } from "./model.js";
import { registrySrcProvider } from "./registry-src.js";
import { vendorProvider } from "./vendor.js";

export { createMetadataChain, type LookupRecord, type MetadataChain } from "./chain.js";
export { cargoHomeDir } from "./cargo-home.js";
export { indexCacheProvider, indexFilePath, metadataFromIndexLine, parseIndexCache, type IndexCacheFile } from "./index-cache.js";
export type { CrateMetadata, MetaDependency, MetadataProvider, MetadataProviderName } from "./model.js";
export { ManifestMetadataError, metadataFromManifest } from "./normalized-manifest.js";
export { registrySrcProvider } from "./registry-src.js";
export {
  discoverCargoConfig,
  readSourceReplacement,
  vendorProvider,
  type CargoConfigFile,
  type DirectorySource,
  type VendorProvider,
} from "./vendor.js";

/**
 * vendor → registry-src → index-cache, then `extra` (bundled knowledge, …). The vendor directory
 * is what cargo itself builds from when it is configured, so it comes first; unpacked sources
 * beat the index cache because they are the full manifest.
 */
export function createLocalMetadataChain(host: Host, workspaceRoot: string, extra: MetadataProvider[] = []): MetadataChain {
  return createMetadataChain([vendorProvider(host, workspaceRoot), registrySrcProvider(host), indexCacheProvider(host), ...extra]);
}
