// `npm pack`, then install the tarball into a temporary prefix: the installed tls-audit and the library API work.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const repo = join(import.meta.dirname, "../..");
const npmWorks = spawnSync("npm", ["--version"], { encoding: "utf8" }).status === 0;

describe.skipIf(!npmWorks || process.env.TLS_AUDIT_SKIP_PACK === "1")("npm pack", () => {
  it("installs a working tls-audit from the tarball", { timeout: 240_000 }, () => {
    const out = mkdtempSync(join(tmpdir(), "tls-audit-pack-"));
    execFileSync("npm", ["pack", "--pack-destination", out, "--silent"], { cwd: repo, stdio: ["ignore", "pipe", "pipe"] });
    const tarball = readdirSync(out).find((f) => f.endsWith(".tgz"))!;
    const prefix = join(out, "prefix");
    execFileSync("npm", ["install", "--global", "--prefix", prefix, "--no-audit", "--no-fund", join(out, tarball)], { stdio: ["ignore", "pipe", "pipe"] });
    const run = spawnSync(join(prefix, "bin", "tls-audit"), ["--format", "json", join(repo, "fixtures/demo")], { encoding: "utf8" });
    expect(run.status).toBe(1);
    expect((JSON.parse(run.stdout) as { findings: { dependency: string }[] }).findings.map((f) => f.dependency)).toEqual(["reqwest", "reqwest", "ureq"]);
    expect(spawnSync(join(prefix, "bin", "cargo-tls-audit"), ["tls-audit", "--version"], { encoding: "utf8" }).stdout.trim()).toBe("0.1.0");
    const api = spawnSync(process.execPath, ["--input-type=module", "-e", `import { audit } from "cargo-tls-audit"; const r = audit([${JSON.stringify(join(repo, "fixtures/demo"))}]); console.log(r.workspaces[0].findings.length);`], {
      cwd: join(prefix, "lib"),
      encoding: "utf8",
      env: { ...process.env, NODE_PATH: join(prefix, "lib", "node_modules") },
    });
    expect(api.stderr).toBe("");
    expect(api.stdout.trim()).toBe("3");
  });
});
