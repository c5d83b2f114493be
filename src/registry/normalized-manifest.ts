// A published crate's normalised Cargo.toml (registry/src, vendor, Debian) → CrateMetadata.
import { parse } from "smol-toml";
import type { DependencyKind } from "../manifest/model.js";
import type { CrateMetadata, MetaDependency, MetadataProviderName } from "./model.js";

/** The manifest could not be read as a published crate's Cargo.toml. */
export class ManifestMetadataError extends Error {
  constructor(
    readonly origin: string,
    readonly reason: string,
  ) {
    super(`${origin}: ${reason}`);
    this.name = "ManifestMetadataError";
  }
}

type Table = Record<string, unknown>;

function isTable(value: unknown): value is Table {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

// Cargo reads the kebab-case key first and the snake_case spelling only when the former is
// absent (cargo-util-schemas `TomlManifest::dev_dependencies()`, `TomlDependency::default_features()`).
const KIND_KEYS: [DependencyKind, string, string][] = [
  ["normal", "dependencies", "dependencies"],
  ["dev", "dev-dependencies", "dev_dependencies"],
  ["build", "build-dependencies", "build_dependencies"],
];

function readDependency(key: string, spec: unknown, kind: DependencyKind, target: string | null): MetaDependency | undefined {
  if (typeof spec === "string") {
    return { package: key, name: key, req: spec, kind, target, optional: false, defaultFeatures: true, features: [] };
  }
  if (!isTable(spec)) return undefined;
  const defaultFeatures = spec["default-features"] ?? spec["default_features"];
  return {
    package: typeof spec.package === "string" ? spec.package : key,
    name: key,
    // A dependency without a version (only possible for unpublished manifests) matches any: cargo's `*`.
    req: typeof spec.version === "string" ? spec.version : "*",
    kind,
    target,
    optional: spec.optional === true,
    defaultFeatures: defaultFeatures !== false,
    features: strings(spec.features),
  };
}

function readScope(scope: Table, target: string | null, into: MetaDependency[]): void {
  for (const [kind, kebab, snake] of KIND_KEYS) {
    const table = scope[kebab] ?? scope[snake];
    if (!isTable(table)) continue;
    for (const [key, spec] of Object.entries(table)) {
      const dep = readDependency(key, spec, kind, target);
      if (dep) into.push(dep);
    }
  }
}

/**
 * Reads the features and dependencies of a published crate's Cargo.toml.
 * Throws `ManifestMetadataError` when the text is not TOML or has no `[package]` name and version.
 */
export function metadataFromManifest(text: string, provider: MetadataProviderName, origin: string): CrateMetadata {
  let doc: Table;
  try {
    doc = parse(text) as Table;
  } catch (error) {
    throw new ManifestMetadataError(origin, `not valid TOML: ${(error as Error).message.split("\n")[0]}`);
  }
  const pkg = doc.package ?? doc.project;
  if (!isTable(pkg) || typeof pkg.name !== "string" || typeof pkg.version !== "string") {
    throw new ManifestMetadataError(origin, "no [package] name and version");
  }
  const features: Record<string, string[]> = {};
  if (isTable(doc.features)) {
    for (const [feature, values] of Object.entries(doc.features)) features[feature] = strings(values);
  }
  const dependencies: MetaDependency[] = [];
  readScope(doc, null, dependencies);
  if (isTable(doc.target)) {
    for (const [target, scope] of Object.entries(doc.target)) {
      if (isTable(scope)) readScope(scope, target, dependencies);
    }
  }
  // Proc-macros build for the host: under resolver 2 their dependencies get features of their own.
  const lib = doc.lib;
  const procMacro = isTable(lib) && (lib["proc-macro"] === true || lib.proc_macro === true);
  return { name: pkg.name, version: pkg.version, features, dependencies, provider, origin, ...(procMacro ? { procMacro } : {}) };
}

/** Reads `[package] name` and `version` only; undefined when the text does not say. */
export function manifestIdentity(text: string): { name: string; version: string } | undefined {
  try {
    const doc = parse(text) as Table;
    const pkg = doc.package ?? doc.project;
    if (isTable(pkg) && typeof pkg.name === "string" && typeof pkg.version === "string") return { name: pkg.name, version: pkg.version };
  } catch {
    // Not TOML: no identity.
  }
  return undefined;
}
