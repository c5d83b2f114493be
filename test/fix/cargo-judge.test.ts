// Cargo as the judge of --write on realistic manifests (fixtures/fix-judge/, made by scripts/fix-judge/generate.sh).
// (a) without cargo: --write on a copy of every case gives, byte for byte, the manifests cargo judged (judged.json),
//     and the same findings, fixable or not, for the same reasons;
// (b) with cargo on PATH: the live judgement, against the committed registry-manifests/ only (no network, no
//     Debian registry): cargo accepts the written manifests, no longer finds native TLS behind any fixable
//     finding, keeps every non-TLS feature, and the whole judgement equals the committed one.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
// @ts-expect-error -- plain JavaScript module shared with the generator
import { copyCase, judgeCase, listCases, manifestsOf } from "../../scripts/fix-judge/judge.mjs";
import { runCli } from "../helpers/run-cli.js";

interface Case {
  suite: string;
  name: string;
  dir: string;
}
interface JudgedFinding {
  member: string;
  dependency: string;
  scope: string;
  target: string | null;
  fixable: boolean;
  fix?: string;
  reason?: string | null;
}
interface Judged {
  covers: string;
  suite: string;
  case: string;
  tool: { findings: JudgedFinding[] };
  edits: { file: string; diff: string; after: string }[];
  cargo: { acceptsManifests: boolean; checks: { fixable: boolean; reachedBefore: string[]; stillReaches: string[]; reachesRustls?: boolean; lost?: string[] }[] };
  knowledgeOnly?: { edited: string[]; checks?: { stillReaches: string[]; reachesRustls: boolean }[] };
  summary: { findings: number; fixable: number; provenByCargo: number; unfixable: number; problems: string[]; verdict: string };
}

const allCases = (listCases() as Case[]).map((c) => ({ ...c, id: `${c.suite}/${c.name}` }));
/** Cases whose input is broken on purpose (input-error.json): cargo cannot load them, and --write must not write. */
const inputErrorCases = allCases.filter((c) => existsSync(join(c.dir, "input-error.json")));
const cases = allCases.filter((c) => !inputErrorCases.includes(c));
const judged = (c: Case): Judged => JSON.parse(readFileSync(join(c.dir, "judged.json"), "utf8")) as Judged;
const tool = async (args: string[], cwd: string) => runCli(args, { cwd });
const slimFinding = (f: Record<string, unknown>) => ({
  member: f.member,
  dependency: f.dependency,
  scope: f.scope,
  target: f.target,
  fixable: Boolean((f.fix as { fixable?: boolean } | null)?.fixable),
  text: (f.fix as { fixable?: boolean; description?: string; reason?: string } | null)?.fixable ? (f.fix as { description: string }).description : ((f.fix as { reason?: string } | null)?.reason ?? null),
});

describe("fix-judge fixtures", () => {
  it("cover the three suites and every case was proven by cargo", () => {
    expect(cases.length).toBeGreaterThanOrEqual(25);
    expect(new Set(cases.map((c) => c.suite))).toEqual(new Set(["bookworm", "trixie", "sid"]));
    const all = cases.map(judged);
    expect(inputErrorCases.map(judged).filter((j) => j.summary.verdict !== "proven").map((j) => j.case)).toEqual([]);
    expect(all.filter((j) => j.summary.verdict !== "proven").map((j) => `${j.suite}/${j.case}: ${j.summary.problems.join("; ")}`)).toEqual([]);
    const fixable = all.reduce((n, j) => n + j.summary.fixable, 0);
    expect(all.reduce((n, j) => n + j.summary.provenByCargo, 0)).toBe(fixable);
    expect(fixable).toBeGreaterThanOrEqual(30);
    for (const j of all) {
      expect(j.cargo.acceptsManifests).toBe(true);
      for (const check of j.cargo.checks.filter((x) => x.fixable)) {
        expect(check.reachedBefore.length).toBeGreaterThan(0); // cargo saw native TLS before: the proof is not vacuous
        expect(check.stillReaches).toEqual([]);
        expect(check.reachesRustls).toBe(true); // TLS moved to rustls, not switched off
        expect(check.lost).toEqual([]);
      }
      for (const check of j.knowledgeOnly?.checks ?? []) expect(check).toMatchObject({ stillReaches: [], reachesRustls: true });
    }
  });
});

describe("--write gives the manifests cargo judged (no cargo needed)", () => {
  it.each(cases)("$id", { timeout: 60_000 }, async (c) => {
    const expected = judged(c);
    const { ws, cleanup } = copyCase(c) as { ws: string; cleanup: () => void };
    try {
      const files = manifestsOf(ws) as string[];
      const original = Object.fromEntries(files.map((f) => [f, readFileSync(join(ws, f), "utf8")]));
      const audit = await runCli(["--format", "json", "."], { cwd: ws });
      expect(audit.stderr).toBe("");
      const findings = (JSON.parse(audit.stdout) as { findings: Record<string, unknown>[] }).findings.map(slimFinding);
      expect(findings).toEqual(expected.tool.findings.map((f) => ({ member: f.member, dependency: f.dependency, scope: f.scope, target: f.target, fixable: f.fixable, text: f.fixable ? f.fix : (f.reason ?? null) })));
      const run = await runCli(["--write", "--format", "json", "."], { cwd: ws });
      expect(run.code).not.toBe(2);
      const edited = new Map(expected.edits.map((e) => [e.file, e.after]));
      for (const f of files) expect(readFileSync(join(ws, f), "utf8"), f).toBe(edited.get(f) ?? original[f]);
    } finally {
      cleanup();
    }
  });
});

describe("input errors: --write writes nothing, exits 2, and prints the whole report (no cargo needed)", () => {
  it("has the cases", () => expect(inputErrorCases.length).toBeGreaterThanOrEqual(2));
  it.each(inputErrorCases)("$id", { timeout: 60_000 }, async (c) => {
    const { ws, cleanup } = copyCase(c) as { ws: string; cleanup: () => void };
    try {
      const files = manifestsOf(ws) as string[];
      const original = files.map((f) => readFileSync(join(ws, f), "utf8"));
      const json = await runCli(["--write", "--format", "json", "."], { cwd: ws });
      expect(json.code).toBe(2);
      const report = JSON.parse(json.stdout) as { findings: { fix: { fixable: boolean } | null }[]; problems: { severity: string }[]; write: { refused?: string; written: string[] } };
      expect(report.problems.some((p) => p.severity === "error")).toBe(true);
      expect(report.findings.some((f) => f.fix?.fixable)).toBe(true); // there was something to write…
      expect(report.write.written).toEqual([]); // …and nothing was written
      expect(report.write.refused).toMatch(/input has errors/);
      const stylish = await runCli(["--write", "."], { cwd: ws });
      expect(stylish.code).toBe(2);
      expect(stylish.stdout).toMatch(/fixable with --write/);
      expect(stylish.stderr).toMatch(/nothing written: the input has errors/);
      expect(files.map((f) => readFileSync(join(ws, f), "utf8"))).toEqual(original);
    } finally {
      cleanup();
    }
  });
});

const hasCargo = spawnSync("cargo", ["--version"]).status === 0;
describe.skipIf(!hasCargo || process.env.TLS_AUDIT_SKIP_LIVE_CARGO === "1")("live: cargo judges --write again, against the committed registry-manifests/", () => {
  it.concurrent.each(allCases)("$id", { timeout: 180_000 }, async (c) => {
    const { judgement } = (await judgeCase(c, { runTool: tool })) as { judgement: Omit<Judged, "covers"> };
    expect(judgement.summary.problems).toEqual([]);
    const { covers: _covers, ...committed } = judged(c);
    expect(judgement).toEqual(committed);
  });

  // The judge itself: a --write that changes nothing, one that writes a manifest cargo rejects, and one that drops
  // a feature must each be caught.
  const sabotaged = (edit: (text: string) => string) => async (args: string[], cwd: string) => {
    const run = await runCli(args, { cwd });
    if (args.includes("--write")) writeFileSync(join(cwd, "Cargo.toml"), edit(readFileSync(join(cwd, "Cargo.toml"), "utf8")));
    return run;
  };
  const control = cases.find((c) => c.id === "bookworm/reqwest-defaults-json-blocking-cookies")!;
  it.concurrent.each([
    ["a --write that writes nothing", async (args: string[], cwd: string) => runCli(args.filter((a) => a !== "--write"), { cwd }), /still reaches native-tls, openssl, openssl-sys/],
    ["a manifest cargo rejects", sabotaged((t) => t.replace('"json"', '"no-such-feature"')), /cargo rejects the written manifests/],
    ["a lost feature", sabotaged((t) => t.replace('"cookies", ', "")), /lost features cookie_crate, cookie_store, cookies/],
    ["TLS switched off", sabotaged((t) => t.replace(', "rustls-tls-native-roots"', "")), /reqwest \(normal\) reaches no rustls after the fix: TLS was switched off/],
  ] as const)("the judge catches %s", { timeout: 180_000 }, async (_name, runTool, problem) => {
    const { judgement } = (await judgeCase(control, { runTool })) as { judgement: Omit<Judged, "covers"> };
    expect(judgement.summary.verdict).toBe("FAILED");
    expect(judgement.summary.problems.join("\n")).toMatch(problem);
  });
});
