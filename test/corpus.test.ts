// Runs the CLI over every real workspace in ../shared/corpus, when it is there.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import type { JsonReport } from "../src/report/json.js";
import { corpusDir } from "./helpers/memory-host.js";
import { runCli } from "./helpers/run-cli.js";

function findLockfiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return findLockfiles(path);
    return name === "Cargo.lock" ? [path] : [];
  });
}

const BANNED = ["native-tls", "openssl", "openssl-sys"];
const lockfiles = findLockfiles(corpusDir).sort();

async function auditJson(dir: string): Promise<{ code: number; report: JsonReport; stderr: string }> {
  const run = await runCli(["--format", "json", dir]);
  return { code: run.code, report: JSON.parse(run.stdout) as JsonReport, stderr: run.stderr };
}

describe.skipIf(lockfiles.length === 0)("real corpus", () => {
  it.each(lockfiles.map((l) => [relative(corpusDir, dirname(l)), l]))("%s: findings reach exactly the banned crates its lock contains", async (_, lockfile) => {
    const { code, report, stderr } = await auditJson(dirname(lockfile));
    expect(stderr).toBe("");
    expect(report.workspaces).toHaveLength(1);
    expect(report.workspaces[0]!.resolution).toBe("lockfile");
    const locked = BANNED.filter((name) => new RegExp(`^name = "${name}"$`, "m").test(readFileSync(lockfile, "utf8")));
    const reached = [...new Set(report.findings.flatMap((f) => f.reaches))].sort();
    expect(reached).toEqual(locked);
    expect(code).toBe(report.findings.some((f) => f.severity === "error") ? 1 : 0);
    for (const finding of report.findings) {
      expect(finding.path[0]!.name).toBe(finding.member);
      expect(finding.path[1]!.name).toBe(finding.dependency);
      expect(BANNED).toContain(finding.path.at(-1)!.name);
      const line = readFileSync(join(process.cwd(), finding.manifest), "utf8").split(/\r?\n/)[finding.line - 1]!;
      expect(line.slice(finding.column - 1)).toMatch(new RegExp(`^(\\[[^\\]]*\\.)?["']?${finding.dependencyKey.replace(/[-.]/g, "\\$&")}`));
    }
  });

  const graphcast = join(corpusDir, "graphops__graphcast-sdk");
  it.skipIf(!existsSync(graphcast))("graphcast-sdk: reqwest, teloxide and the ethers/prometheus paths are named; slack-morphism is not", async () => {
    const { report } = await auditJson(graphcast);
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
    const { report } = await auditJson(radio);
    const member = report.findings.filter((f) => f.member === "subgraph-radio");
    expect(member.map((f) => f.dependency).sort()).toEqual(["ethers", "ethers-contract", "graphcast-sdk", "reqwest"]);
    const sdk = member.find((f) => f.dependency === "graphcast-sdk")!;
    expect(sdk.inheritedFrom).toMatchObject({ manifest: relative(process.cwd(), join(radio, "Cargo.toml")) });
    expect(sdk.path.map((s) => s.name)).toEqual(["subgraph-radio", "graphcast-sdk", "reqwest", "native-tls", "openssl-sys"]);
  });
});
