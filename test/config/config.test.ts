// Configuration files, [workspace.metadata.tls-audit], allow-lists and inline suppressions, through the CLI.
import { cpSync, mkdtempSync, readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/config.js";
import type { JsonReport } from "../../src/report/json.js";
import { runCli } from "../helpers/run-cli.js";

const repo = join(import.meta.dirname, "../..");
function demo(config?: string): string {
  const dir = mkdtempSync(join(tmpdir(), "tls-audit-config-"));
  cpSync(join(repo, "fixtures/demo"), dir, { recursive: true });
  if (config !== undefined) writeFileSync(join(dir, "tls-audit.toml"), config);
  return dir;
}
async function json(dir: string, ...args: string[]) {
  const run = await runCli(["--format", "json", ...args, "."], { cwd: dir });
  return { ...run, report: JSON.parse(run.stdout) as JsonReport };
}

describe("parseConfig", () => {
  it("reads every section", () => {
    const { config, problems } = parseConfig(
      `ban = ["boring-sys"]\nunban = ["openssl"]\n[severity]\ndev = "off"\n[resolve]\ntargets = ["x86_64-unknown-linux-gnu"]\nfeatures = ["cli"]\nall-features = false\n[fix]\nroots = "webpki"\n[[allow]]\ndependency = "reqwest"\ncrate = "native-tls"\nversion = "0.11"\nreason = "proxy needs the OS store"\n`,
      "/ws/tls-audit.toml",
      [],
    );
    expect(problems).toEqual([]);
    expect(config).toMatchObject({ ban: ["boring-sys"], unban: ["openssl"], severity: { dev: "off" }, targets: ["x86_64-unknown-linux-gnu"], features: ["cli"], allFeatures: false, roots: "webpki" });
    expect(config!.allow).toEqual([expect.objectContaining({ dependency: "reqwest", crates: ["native-tls"], version: "0.11", reason: "proxy needs the OS store", position: { line: 11, column: 1 } })]);
  });

  it("names unknown keys with file, line and column, and insists on an allow reason", () => {
    const { problems } = parseConfig(`[severity]\nnormal = "error"\nbild = "off"\n\n[[allow]]\ndependency = "reqwest"\n`, "/ws/tls-audit.toml", []);
    expect(problems.map((p) => [p.message, p.position?.line])).toEqual([
      ["unknown configuration key `severity.bild`", 3],
      ["`[[allow]]` needs a `reason`", 5],
    ]);
  });
});

describe("configuration through the CLI", () => {
  it("sets severity per scope", async () => {
    const { code, report } = await json(demo(`[severity]\nnormal = "warning"\n`));
    expect(code).toBe(0);
    expect(report.findings.map((f) => f.severity)).toEqual(["warning", "warning", "warning"]);
  });

  it("allows a dependency path with a reason, and warns about an allow entry that matches nothing", async () => {
    const dir = demo(`[[allow]]\ndependency = "ureq"\ncrate = "native-tls"\nreason = "pager needs the corporate CA"\n\n[[allow]]\ndependency = "curl"\nreason = "gone since 2024"\n`);
    const { code, report, stderr } = await json(dir);
    expect(code).toBe(1);
    expect(report.findings.map((f) => `${f.member}:${f.dependency}`)).toEqual(["bot:reqwest", "graph:reqwest"]);
    expect(report.summary.suppressed).toBe(1);
    expect(stderr).toContain('tls-audit.toml:6:1: warning: this [[allow]] entry (dependency "curl") matches no finding any more; remove it');
  });

  it("honours an inline allow with a reason, and reports one without", async () => {
    const dir = demo();
    const notify = join(dir, "crates/notify/Cargo.toml");
    writeFileSync(notify, readFileSync(notify, "utf8").replace('"native-tls"] }', '"native-tls"] } # tls-audit: allow(native-tls) reason: pager needs the corporate CA'));
    const root = join(dir, "Cargo.toml");
    writeFileSync(root, readFileSync(root, "utf8").replace('reqwest = "0.11"', 'reqwest = "0.11" # tls-audit: allow(native-tls)'));
    const { report, stderr } = await json(dir);
    expect(report.findings.map((f) => `${f.member}:${f.dependency}`)).toEqual(["bot:reqwest", "graph:reqwest"]);
    expect(stderr).toMatch(/^Cargo\.toml:\d+:1: warning: inline `tls-audit: allow\(\.\.\.\)` needs `reason: …`/m);
  });

  it("reads [workspace.metadata.tls-audit] and can unban crates", async () => {
    const dir = demo();
    const root = join(dir, "Cargo.toml");
    writeFileSync(root, `${readFileSync(root, "utf8")}\n[workspace.metadata.tls-audit]\nunban = ["native-tls", "openssl", "openssl-sys"]\n`);
    const { code, report } = await json(dir);
    expect(code).toBe(0);
    expect(report.findings).toEqual([]);
  });

  it("fails on an unknown key, naming it and the file", async () => {
    const { code, stderr } = await json(demo(`severty = "off"\n`));
    expect(code).toBe(2);
    expect(stderr).toContain("tls-audit.toml:1:1: error: unknown configuration key `severty`");
  });

  it("lets flags override the file, and prints the effective configuration", async () => {
    const dir = demo(`[resolve]\ntargets = ["x86_64-pc-windows-msvc"]\n`);
    mkdirSync(join(dir, ".config"));
    const printed = await runCli(["--print-config", "--target", "x86_64-unknown-linux-gnu", "."], { cwd: dir });
    expect(printed.code).toBe(0);
    const [effective] = JSON.parse(printed.stdout) as { source: string; resolve: { targets: string[] } }[];
    expect(effective).toMatchObject({ source: "tls-audit.toml", resolve: { targets: ["x86_64-unknown-linux-gnu"] } });
    const fromFile = await json(dir);
    expect(fromFile.report.findings.flatMap((f) => f.reaches)).not.toContain("openssl-sys");
  });
});

describe("configuration checked as strictly as flags", () => {
  it("reports an unknown configured target at its element, exit 2, instead of an internal error", async () => {
    const { code, stderr, report } = await json(demo(`[resolve]\ntargets = [\n  "x86_64-unknown-linux-gnu",\n  "bogus-target",\n]\n`));
    expect(stderr).not.toMatch(/internal error/);
    expect(stderr).toContain('tls-audit.toml:4:3: error: `resolve.targets`: unknown target "bogus-target"');
    expect(code).toBe(2);
    // The known target is still audited.
    expect(report.findings.map((f) => f.dependency).sort()).toEqual(["reqwest", "reqwest", "ureq"]);
  });

  it("with only unknown targets, reports every locked path rather than nothing", async () => {
    const { code, stderr, report } = await json(demo(`[resolve]\ntargets = ["bogus-target"]\n`));
    expect(stderr).toContain('tls-audit.toml:2:12: error: `resolve.targets`: unknown target "bogus-target"');
    expect(code).toBe(2);
    expect(report.findings.length).toBeGreaterThan(0);
  });

  it("rejects an [[allow]] version that is no version requirement", () => {
    const { problems } = parseConfig(`[[allow]]\ndependency = "reqwest"\nversion = "not a version"\nreason = "x"\n`, "/ws/tls-audit.toml", []);
    expect(problems).toEqual([expect.objectContaining({ severity: "error", code: "config-invalid", position: { line: 3, column: 1 }, message: expect.stringContaining('got "not a version"') })]);
  });

  it("warns about an unban of a crate that is not banned, at the entry", async () => {
    const { code, stderr } = await json(demo(`unban = ["openssl", "serde"]\n`));
    expect(stderr).toContain('tls-audit.toml:1:21: warning: `unban` names "serde", which is not banned');
    expect(stderr).not.toContain('"openssl", which');
    expect(code).toBe(1);
  });

  it("warns about every configuration source present beside the one used, naming it", async () => {
    const dir = demo(`[severity]\ndev = "off"\n`);
    mkdirSync(join(dir, ".config"));
    writeFileSync(join(dir, ".config/tls-audit.toml"), `ban = ["curl-sys"]\n`);
    const root = join(dir, "Cargo.toml");
    const before = readFileSync(root, "utf8");
    writeFileSync(root, `${before}\n[workspace.metadata.tls-audit]\nunban = ["openssl"]\n`);
    const { stderr } = await json(dir);
    const line = before.split("\n").length + 1;
    expect(stderr).toContain(".config/tls-audit.toml:1:1: warning: this configuration is ignored: ");
    expect(stderr).toContain(`Cargo.toml:${line}:1: warning: this configuration is ignored: `);
    expect(stderr.match(/is ignored/g)).toHaveLength(2);
    expect(stderr).toMatch(/tls-audit\.toml is used instead/);
  });
});

describe("allow matching", () => {
  it("matches an [[allow]] crate on what the finding reaches, not only its why-path", async () => {
    const { report, stderr } = await json(demo(`[[allow]]\ndependency = "ureq"\ncrate = "openssl"\nreason = "pager needs the corporate CA"\n`));
    expect(report.findings.map((f) => f.dependency)).toEqual(["reqwest", "reqwest"]);
    expect(stderr).not.toContain("allow");
  });

  it("matches inline allows by reached crate and by rule id, and warns about one that matches nothing", async () => {
    const dir = demo();
    const notify = join(dir, "crates/notify/Cargo.toml");
    const text = readFileSync(notify, "utf8")
      .replace('"native-tls"] }', '"native-tls"] } # tls-audit: allow(openssl) reason: pager needs the corporate CA')
      .replace("log.workspace = true", "log.workspace = true # tls-audit: allow(native-tls) reason: stale");
    writeFileSync(notify, text);
    const root = join(dir, "Cargo.toml");
    writeFileSync(root, readFileSync(root, "utf8").replace('reqwest = "0.11"', 'reqwest = "0.11" # tls-audit: allow(no-native-tls) reason: legacy proxy'));
    const { report, stderr } = await json(dir);
    expect(report.findings).toEqual([]);
    // The root line's allow also covers graph's reqwest, whose native TLS bot's inherited declaration switches on.
    expect(report.summary.suppressed).toBe(3);
    const line = text.split("\n").findIndex((l) => l.startsWith("log.workspace")) + 1;
    expect(stderr.trim().split("\n")).toEqual([`crates/notify/Cargo.toml:${line}:22: warning: this inline allow(native-tls) matches no finding on its line; remove it [allow-unused]`]);
  });
});

describe("parseConfig on a Cargo.toml", () => {
  it("finds the table however its key is spelled, and reports none when it is absent", () => {
    const prefix = ["workspace", "metadata", "tls-audit"];
    const plain = parseConfig(`[workspace]\nmembers = []\n\n[workspace.metadata.tls-audit]\nban = ["curl-sys"]\n`, "Cargo.toml", prefix);
    expect(plain.config?.ban).toEqual(["curl-sys"]);
    // A quoted key may spell the name with an escape: still the same table.
    const escaped = parseConfig(`[workspace.metadata."tls\\u002Daudit"]\nban = ["curl-sys"]\n`, "Cargo.toml", prefix);
    expect(escaped.config?.ban).toEqual(["curl-sys"]);
    expect(parseConfig(`[workspace]\nmembers = ["a"]\n`, "Cargo.toml", prefix)).toEqual({ problems: [] });
    // Absent but the file is not valid TOML: nothing to say here (the manifest parser reports it).
    expect(parseConfig(`[workspace\n`, "Cargo.toml", prefix).config).toBeUndefined();
  });
});
