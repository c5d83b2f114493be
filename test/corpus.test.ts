// Runs the CLI over every real workspace in ../shared/corpus, when it is there.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import type { JsonReport } from "../src/report/json.js";
import { corpusDir, findLockfiles } from "./helpers/memory-host.js";
import { runCli } from "./helpers/run-cli.js";


const BANNED = ["native-tls", "openssl", "openssl-sys"];
const lockfiles = findLockfiles(corpusDir);

async function auditJson(dir: string, ...flags: string[]): Promise<{ code: number; report: JsonReport; stderr: string }> {
  const run = await runCli(["--format", "json", ...flags, dir]);
  return { code: run.code, report: JSON.parse(run.stdout) as JsonReport, stderr: run.stderr };
}

const triples = (report: JsonReport) => new Set(report.findings.flatMap((f) => f.reaches.map((b) => `${f.member} ${f.dependency} ${f.dependencyVersion} ${b}`)));

describe.skipIf(lockfiles.length === 0)("real corpus", () => {
  it.each(lockfiles.map((l) => [relative(corpusDir, dirname(l)), l]))("%s: with --lockfile-only, findings reach exactly the banned crates its lock contains", async (_, lockfile) => {
    const { code, report, stderr } = await auditJson(dirname(lockfile), "--lockfile-only");
    // A few corpus locks predate their manifests (sqlx's flume 0.12, graphcast's example): only that is said, and
    // their graph is the refreshed one, so the lock's own banned crates are no longer the whole answer.
    const stale = stderr.includes("[lockfile-stale]");
    expect(stderr.split("\n").filter((line) => line !== "" && !line.startsWith("  hint: ") && !line.endsWith("[lockfile-stale]"))).toEqual([]);
    expect(report.workspaces).toHaveLength(1);
    expect(report.workspaces[0]!.resolution).toBe("lockfile");
    const locked = BANNED.filter((name) => new RegExp(`^name = "${name}"$`, "m").test(readFileSync(lockfile, "utf8")));
    const reached = [...new Set(report.findings.flatMap((f) => f.reaches))].sort();
    if (!stale) expect(reached).toEqual(locked);
    expect(code).toBe(report.findings.some((f) => f.severity === "error") ? 1 : 0);
    for (const finding of report.findings) {
      expect(finding.path[0]!.name).toBe(finding.member);
      expect(finding.path[1]!.name).toBe(finding.dependency);
      expect(BANNED).toContain(finding.path.at(-1)!.name);
      const line = readFileSync(join(process.cwd(), finding.manifest), "utf8").split(/\r?\n/)[finding.line - 1]!;
      expect(line.slice(finding.column - 1)).toMatch(new RegExp(`^(\\[[^\\]]*\\.)?["']?${finding.dependencyKey.replace(/[-.]/g, "\\$&")}`));
    }
  });

  it.each(lockfiles.map((l) => [relative(corpusDir, dirname(l)), l]))("%s: resolved findings are a subset of the lockfile's, with no input errors", async (_, lockfile) => {
    const resolved = await auditJson(dirname(lockfile));
    const locked = await auditJson(dirname(lockfile), "--lockfile-only");
    expect(resolved.report.problems.filter((p) => p.severity === "error")).toEqual([]);
    expect(["exact", "partial"]).toContain(resolved.report.workspaces[0]!.resolution);
    const all = triples(locked.report);
    for (const triple of triples(resolved.report)) expect(all.has(triple), triple).toBe(true);
  });

  // Never a false clean: where the resolved audit finds nothing but the lock holds a path to a banned crate, that
  // path needs a feature no default build asks for, so --all-features finds every such (package, dependency).
  it.each(lockfiles.map((l) => [relative(corpusDir, dirname(l)), l]))("%s: a clean resolved audit is clean by features, as --all-features and --lockfile-only show", async (_, lockfile) => {
    const resolved = await auditJson(dirname(lockfile));
    if (resolved.report.findings.some((f) => f.ruleId === "no-native-tls")) return;
    const locked = await auditJson(dirname(lockfile), "--lockfile-only");
    const all = await auditJson(dirname(lockfile), "--all-features");
    const found = new Set(all.report.findings.map((f) => `${f.member} ${f.dependency}`));
    for (const f of locked.report.findings) expect(found.has(`${f.member} ${f.dependency}`), `${f.member} → ${f.dependency}`).toBe(true);
    for (const f of all.report.findings) expect(f.condition, `${f.member} → ${f.dependency}`).toBeDefined();
  });

  const graphcast = join(corpusDir, "graphops__graphcast-sdk");
  it.skipIf(!existsSync(graphcast))("graphcast-sdk: reqwest, teloxide and the ethers/prometheus paths are named; slack-morphism is not", async () => {
    const { report } = await auditJson(graphcast, "--lockfile-only");
    const byDep = new Map(report.findings.map((f) => [f.dependency, f]));
    expect([...byDep.keys()].sort()).toEqual(["ethers", "ethers-contract", "prometheus-http-query", "reqwest", "teloxide"]);
    expect(byDep.get("reqwest")!.path.map((s) => s.name)).toEqual(["graphcast-sdk", "reqwest", "native-tls", "openssl-sys"]);
    expect(byDep.get("teloxide")!.path.map((s) => s.name)).toEqual(["graphcast-sdk", "teloxide", "teloxide-core", "reqwest", "native-tls", "openssl-sys"]);
    expect(byDep.get("prometheus-http-query")!.path.map((s) => s.name)).toContain("reqwest");
    expect(byDep.get("ethers")!.path.map((s) => s.name).slice(2, 4)).toEqual(["ethers-etherscan", "reqwest"]);
    expect(byDep.has("slack-morphism")).toBe(false);
  });

  const radio = join(corpusDir, "graphops__subgraph-radio");
  it.skipIf(!existsSync(radio))("subgraph-radio: graphcast-sdk via [workspace.dependencies] and reqwest directly", async () => {
    const { report } = await auditJson(radio, "--lockfile-only");
    const member = report.findings.filter((f) => f.member === "subgraph-radio");
    expect(member.map((f) => f.dependency).sort()).toEqual(["ethers", "ethers-contract", "graphcast-sdk", "reqwest"]);
    const sdk = member.find((f) => f.dependency === "graphcast-sdk")!;
    expect(sdk.inheritedFrom).toMatchObject({ manifest: relative(process.cwd(), join(radio, "Cargo.toml")) });
    expect(sdk.path.map((s) => s.name)).toEqual(["subgraph-radio", "graphcast-sdk", "reqwest", "native-tls", "openssl-sys"]);
  });
});

const at = (name: string) => join(corpusDir, name);
const errors = (report: JsonReport) => report.findings.filter((f) => f.severity === "error");

describe("real corpus, features resolved with bundled knowledge", () => {
  it.skipIf(!existsSync(at("ducaale__xh")) || !existsSync(at("tealdeer-rs__tealdeer")))("xh and tealdeer: no error under default features, errors with --all-features", async () => {
    for (const [ws, dep] of [["ducaale__xh", "reqwest"], ["tealdeer-rs__tealdeer", "ureq"]] as const) {
      const plain = await auditJson(at(ws));
      expect(errors(plain.report), ws).toEqual([]);
      expect(plain.code).toBe(0);
      const all = await auditJson(at(ws), "--all-features");
      const finding = errors(all.report).find((f) => f.dependency === dep)!;
      expect(finding, ws).toBeDefined();
      expect(finding.condition).toEqual({ features: ["native-tls"] });
      expect(finding.path[1]).toMatchObject({ name: dep, features: expect.arrayContaining(["native-tls"]) });
      expect(all.code).toBe(1);
    }
  });

  it.skipIf(!existsSync(at("Liki4__Liki4TeloxideBot")))("Liki4TeloxideBot is flagged: rustls features added, native defaults kept", async () => {
    const { report } = await auditJson(at("Liki4__Liki4TeloxideBot"));
    const flagged = errors(report).map((f) => f.dependency);
    expect(flagged).toEqual(expect.arrayContaining(["reqwest", "teloxide"]));
    const reqwest = errors(report).find((f) => f.dependency === "reqwest")!;
    expect(reqwest.path[1]).toMatchObject({ name: "reqwest", via: "default" });
  });

  it.skipIf(!existsSync(at("FruitieX__add-bot-rs")) || !existsSync(at("FruitieX__add-bot-rs__pre_rustls")))("add-bot-rs is clean and its pre-rustls twin is not", async () => {
    expect((await auditJson(at("FruitieX__add-bot-rs"))).report.findings).toEqual([]);
    const before = await auditJson(at("FruitieX__add-bot-rs__pre_rustls"));
    expect(errors(before.report).map((f) => f.dependency)).toEqual(["teloxide"]);
  });
});
