// Manifests to test manifest-reading code against: every Cargo.toml under a directory, and its dependency entries.
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

type Table = Record<string, unknown>;

export function manifestsUnder(dir: string, found: string[] = []): string[] {
  if (!existsSync(dir)) return found;
  for (const name of readdirSync(dir)) {
    if (name === "node_modules" || name === ".git") continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) manifestsUnder(path, found);
    else if (name === "Cargo.toml") found.push(path);
  }
  return found;
}

/** Every dependency entry's key path, as the manifest reader asks for them. */
export function dependencyPaths(doc: Table): string[][] {
  const isTable = (v: unknown): v is Table => typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Date);
  const paths: string[][] = [];
  const tables = ["dependencies", "dev-dependencies", "dev_dependencies", "build-dependencies", "build_dependencies"];
  const add = (prefix: string[], table: unknown) => {
    if (isTable(table)) for (const key of Object.keys(table)) paths.push([...prefix, key]);
  };
  for (const name of tables) add([name], doc[name]);
  if (isTable(doc.target)) for (const [cfg, body] of Object.entries(doc.target)) if (isTable(body)) for (const name of tables) add(["target", cfg, name], body[name]);
  if (isTable(doc.workspace)) add(["workspace", "dependencies"], doc.workspace.dependencies);
  return paths;
}

/** Published crates' manifests (registries, vendor dirs): cargo's normalised form, `[dependencies.x]` tables. */
export const PUBLISHED_MANIFEST = /\/(registry|registry-manifests|vendor|cargo-home)\//;
