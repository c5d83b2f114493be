// Which command-line paths can change an audit: pre-commit and lint-staged pass every staged file they match.
import { basename, dirname } from "node:path";

/** Cargo.toml, Cargo.lock, our configuration, and cargo's own `.cargo/config(.toml)` (sources, registries). */
export function isAuditInput(path: string): boolean {
  const name = basename(path);
  if (name === "Cargo.toml" || name === "Cargo.lock" || name === "tls-audit.toml") return true;
  return (name === "config.toml" || name === "config") && basename(dirname(path)) === ".cargo";
}

/** What a run with nothing to check says, from the start-up module or from the CLI. */
export const NOTHING_TO_CHECK = "tls-audit: nothing to check: no Cargo.toml, Cargo.lock or tls-audit.toml among the given files\n";

/**
 * True when paths were given and every one is a file that cannot change an audit (a hook passed `src/main.rs`):
 * the run has nothing to check. Directories and missing paths are left to the audit, which reports them.
 */
export function nothingToCheck(paths: readonly string[], kindOf: (path: string) => "file" | "dir" | "missing" | "other"): boolean {
  return paths.length > 0 && paths.every((path) => !isAuditInput(path) && kindOf(path) === "file");
}
