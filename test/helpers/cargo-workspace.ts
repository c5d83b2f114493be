// Small workspaces of path crates written to a temporary directory, with the lock cargo writes for them committed in
// the test: `cargoLocks` checks, where cargo is installed, that cargo still writes exactly that lock.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

export const hasCargo = spawnSync("cargo", ["--version"]).status === 0 && process.env.TLS_AUDIT_SKIP_LIVE_CARGO !== "1";

/** Writes `files` (relative path → text) into a new temporary directory; `cleanUp` removes every one made. */
export function writeWorkspace(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "tls-audit-ws-"));
  made.push(dir);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}
const made: string[] = [];
export function cleanUp(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** The lock `cargo generate-lockfile --offline` writes for `files` (which must hold no Cargo.lock). */
export function cargoLock(files: Record<string, string>): { lock: string; stderr: string; status: number | null } {
  const dir = writeWorkspace(files);
  const run = spawnSync("cargo", ["generate-lockfile", "--offline"], { cwd: dir, encoding: "utf8" });
  return { lock: run.status === 0 ? readFileSync(join(dir, "Cargo.lock"), "utf8") : "", stderr: run.stderr, status: run.status };
}
