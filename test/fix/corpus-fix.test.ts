// Plans and applies fixes on every real corpus workspace, in memory: each rewrite re-parses, touches only the
// intended keys, and a second run over the rewritten files changes nothing.
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { targetCfg } from "../../rules/data/targets.js";
import { audit } from "../../src/audit.js";
import { overlayHost, runFixes, verifyRewrite } from "../../src/fix/run.js";
import { nodeHost, type Host } from "../../src/host/index.js";
import { knowledgeProvider } from "../../src/registry/knowledge.js";
import { parseManifest } from "../../src/manifest/parse.js";
import { corpusDir, findLockfiles } from "../helpers/memory-host.js";


const knowledge = knowledgeProvider();
const auditWith = (ws: string) => (host: Host) =>
  audit({
    paths: [ws],
    host,
    resolution: { request: { features: [], allFeatures: false, defaultFeatures: true }, targets: null, host: targetCfg("x86_64-unknown-linux-gnu")!, metadataFor: () => knowledge },
  });

const workspaces = findLockfiles(corpusDir).map(dirname);

describe.skipIf(workspaces.length === 0)("fixes on the real corpus", () => {
  it.each(workspaces.map((w) => [relative(corpusDir, w), w]))("%s: rewrites re-parse, touch only the planned entries, and are idempotent", (_, ws) => {
    const run = auditWith(ws);
    const first = runFixes({ result: run(nodeHost), host: nodeHost, reaudit: run, preferences: { roots: "native" }, metadataFor: () => knowledge });
    for (const file of first.files) {
      expect(() => parseManifest(file.after, file.path)).not.toThrow();
      const planned = [...first.fixes.values()].flatMap((f) => (f.fixable ? f.changes : [])).filter((c) => c.manifest === file.path);
      expect(verifyRewrite(file.before, file.after, planned.map((c) => c.keyPath))).toBeUndefined();
      // Bytes outside the edited ranges are identical: the common prefix and suffix cover everything else.
      const edits = [...first.fixes.values()].flatMap((f) => (f.fixable ? f.edits : [])).filter((e) => e.manifest === file.path);
      const start = Math.min(...edits.map((e) => e.start));
      const end = Math.max(...edits.map((e) => e.end));
      expect(file.after.slice(0, start)).toBe(file.before.slice(0, start));
      expect(file.after.slice(file.after.length - (file.before.length - end))).toBe(file.before.slice(end));
    }
    const host = overlayHost(nodeHost, new Map(first.files.map((f) => [f.path, f.after])));
    const secondRun = auditWith(ws);
    const second = runFixes({ result: secondRun(host), host, reaudit: (h) => secondRun(h), preferences: { roots: "native" }, metadataFor: () => knowledge });
    const rewritten = new Set(first.files.map((f) => f.path));
    expect(second.files.filter((f) => rewritten.has(f.path))).toEqual([]);
  });

  const at = (name: string) => join(corpusDir, name);
  const fixesOf = (ws: string) => {
    const run = auditWith(ws);
    const outcome = runFixes({ result: run(nodeHost), host: nodeHost, reaudit: run, preferences: { roots: "native" }, metadataFor: () => knowledge });
    return { outcome, by: (dep: string) => [...outcome.fixes].filter(([f]) => f.dependency === dep).map(([, fix]) => fix) };
  };

  it.skipIf(!existsSync(at("FruitieX__add-bot-rs__pre_rustls")))("add-bot-rs pre-rustls: the result matches the upstream fix commit", () => {
    const { outcome } = fixesOf(at("FruitieX__add-bot-rs__pre_rustls"));
    expect(outcome.files).toHaveLength(1);
    const after = parseManifest(outcome.files[0]!.after, outcome.files[0]!.path).manifest;
    const teloxide = after.dependencies.find((d) => d.key === "teloxide")!;
    expect(teloxide.defaultFeatures).toBe(false);
    expect([...teloxide.features].sort()).toEqual(["auto-send", "ctrlc_handler", "macros", "rustls"]);
    expect(teloxide.version).toBe("=0.12.2");
  });

  it.skipIf(!existsSync(at("graphops__graphcast-sdk")))("graphcast-sdk: reqwest and teloxide fixed directly; ethers and prometheus-http-query unfixable with a reason", () => {
    const { outcome, by } = fixesOf(at("graphops__graphcast-sdk"));
    expect(by("reqwest")).toEqual([expect.objectContaining({ fixable: true })]);
    expect(by("teloxide")).toEqual([expect.objectContaining({ fixable: true })]);
    for (const dep of ["ethers", "ethers-contract", "prometheus-http-query"]) {
      const [fix] = by(dep);
      expect(fix).toMatchObject({ fixable: false });
      expect(fix!.fixable === false && fix!.reason).toMatch(/reqwest's "default" feature/);
    }
    const manifest = parseManifest(outcome.files[0]!.after, outcome.files[0]!.path).manifest;
    const reqwest = manifest.dependencies.find((d) => d.key === "reqwest")!;
    expect(reqwest).toMatchObject({ defaultFeatures: false });
    expect(reqwest.features).toEqual(["json", "rustls-tls-native-roots"]);
  });

  it.skipIf(!existsSync(at("graphops__subgraph-radio")))("subgraph-radio: graphcast-sdk itself pulls native TLS, so the fix belongs upstream or in a [patch]", () => {
    const { by } = fixesOf(at("graphops__subgraph-radio"));
    for (const fix of by("graphcast-sdk")) {
      expect(fix).toMatchObject({ fixable: false });
      expect(fix.fixable === false && fix.reason).toContain("graphcast-sdk 0.7.1 itself enables reqwest's \"default\" feature");
      expect(fix.fixable === false && fix.reason).toContain("[patch]");
    }
  });
});
