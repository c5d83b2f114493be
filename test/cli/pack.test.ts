// `npm pack`, then install the tarball into a temporary prefix: the installed tls-audit and the library API work.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const repo = join(import.meta.dirname, "../..");
const npmWorks = spawnSync("npm", ["--version"], { encoding: "utf8" }).status === 0;

describe("package.json", () => {
  it("ships no install-time script: the tarball is built already, and npm would warn about one", () => {
    const { scripts } = JSON.parse(readFileSync(join(repo, "package.json"), "utf8")) as { scripts: Record<string, string> };
    for (const name of ["preinstall", "install", "postinstall", "prepare"]) expect(scripts, name).not.toHaveProperty(name);
    // What builds instead: packing (which pre-commit and git installs do), starting and testing.
    for (const name of ["prepack", "prestart", "test"]) expect(scripts[name], name).toMatch(/npm run build/);
  });
});

describe.skipIf(!npmWorks || process.env.TLS_AUDIT_SKIP_PACK === "1")("npm pack", () => {
  it("installs a working tls-audit from the tarball", { timeout: 240_000 }, (ctx) => {
    const out = mkdtempSync(join(tmpdir(), "tls-audit-pack-"));
    execFileSync("npm", ["pack", "--pack-destination", out, "--silent"], { cwd: repo, stdio: ["ignore", "pipe", "pipe"] });
    const tarball = readdirSync(out).find((f) => f.endsWith(".tgz"))!;
    const prefix = join(out, "prefix");
    // The dependencies come from npm's cache when `npm ci` put them there, so that no network is needed; without
    // them and without the registry, the test skips with npm's reason instead of failing (or hanging on retries).
    const install = spawnSync("npm", ["install", "--global", "--prefix", prefix, "--no-audit", "--no-fund", "--prefer-offline", "--fetch-retries=0", "--fetch-timeout=20000", join(out, tarball)], { encoding: "utf8", timeout: 180_000 });
    const offline = /E(NOTFOUND|AI_AGAIN|TIMEDOUT|CONNREFUSED|NETUNREACH)|ENOTCACHED/.exec(install.stderr ?? "");
    if (install.status !== 0 && offline) ctx.skip(`npm install of the tarball needs the npm registry, which cannot be reached (${offline[0]})`);
    expect(install.status, install.stderr).toBe(0);
    // npm 11 warns about (and will not run) a shipped install script such as `prepare`.
    expect(install.stderr).not.toMatch(/install-scripts|prepare/);
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
