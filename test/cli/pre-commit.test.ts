// The shipped .pre-commit-hooks.yaml, run by the real pre-commit tool against a temporary git repository.
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const repo = join(import.meta.dirname, "../..");
const available = (cmd: string) => spawnSync(cmd, ["--version"]).status === 0;
const head = spawnSync("git", ["rev-parse", "HEAD"], { cwd: repo, encoding: "utf8" });

describe.skipIf(!available("pre-commit") || !available("git") || head.status !== 0)("pre-commit hooks", () => {
  it("tls-audit fails on native TLS; tls-audit-fix rewrites the manifests", { timeout: 300_000 }, () => {
    const dir = mkdtempSync(join(tmpdir(), "tls-audit-pre-commit-"));
    cpSync(join(repo, "fixtures/demo"), dir, { recursive: true });
    const git = (...args: string[]) => execFileSync("git", args, { cwd: dir, encoding: "utf8" });
    git("init", "-q");
    git("config", "user.email", "test@example.invalid");
    git("config", "user.name", "test");
    const config = (id: string) => `repos:\n  - repo: ${repo}\n    rev: ${head.stdout.trim()}\n    hooks:\n      - id: ${id}\n`;
    writeFileSync(join(dir, ".pre-commit-config.yaml"), config("tls-audit"));
    git("add", "-A");
    const env = { ...process.env, PRE_COMMIT_HOME: mkdtempSync(join(tmpdir(), "tls-audit-pre-commit-home-")) };
    const audit = spawnSync("pre-commit", ["run", "--files", "Cargo.toml", "crates/notify/Cargo.toml"], { cwd: dir, env, encoding: "utf8" });
    expect(audit.status, audit.stdout + audit.stderr).toBe(1);
    expect(audit.stdout).toContain("error[no-native-tls]: ureq 2.6.2 pulls in native-tls");
    expect(audit.stdout).toMatch(/tls-audit \(native TLS[^\n]*Failed/);

    writeFileSync(join(dir, ".pre-commit-config.yaml"), config("tls-audit-fix"));
    git("add", "-A");
    const fix = spawnSync("pre-commit", ["run", "--files", "Cargo.toml", "crates/notify/Cargo.toml"], { cwd: dir, env, encoding: "utf8" });
    // pre-commit fails a hook that modified files, so that the fix gets reviewed and staged.
    expect(fix.status, fix.stdout + fix.stderr).toBe(1);
    expect(fix.stdout).toContain("files were modified by this hook");
    expect(readFileSync(join(dir, "crates/notify/Cargo.toml"), "utf8")).toContain('ureq = { version = "2.6", features = ["json"] }');
  });
});
