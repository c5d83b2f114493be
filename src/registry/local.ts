// Crate metadata of the workspace's own path packages (members, path dependencies, [patch] paths), from their
// manifests: what a fix plans against when the crate to change is a local fork, not the registry crate of its name.
import type { LocalPackage } from "../workspace/model.js";
import type { CrateMetadata, MetadataLookup } from "./model.js";

function metadataOf(pkg: LocalPackage): CrateMetadata {
  return {
    name: pkg.name,
    version: pkg.version ?? "",
    features: pkg.manifest.features,
    dependencies: pkg.dependencies.map((d) => ({
      package: d.package,
      name: d.key,
      req: d.version ?? "*",
      kind: d.kind,
      target: d.target,
      optional: d.optional,
      defaultFeatures: d.defaultFeatures ?? true,
      features: d.features,
    })),
    provider: "local",
    origin: pkg.manifest.file,
    procMacro: pkg.manifest.procMacro,
  };
}

/** `base`, except that a path package (source null) is answered from its manifest when the workspace has it. */
export function withLocalPackages(base: MetadataLookup | undefined, packages: readonly LocalPackage[]): MetadataLookup {
  const local = new Map(packages.map((p) => [`${p.name}\0${p.version ?? ""}`, p]));
  return {
    lookup(name, version, source) {
      const pkg = source === null ? local.get(`${name}\0${version}`) : undefined;
      return pkg ? metadataOf(pkg) : base?.lookup(name, version, source);
    },
    problems: base?.problems,
  };
}
