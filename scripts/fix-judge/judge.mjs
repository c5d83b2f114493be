// Cargo as the judge of `tls-audit --write` on the fix-judge cases (fixtures/fix-judge/<suite>/<case>/).
//
// judgeCase() copies a case to a temporary directory (next to a link to its suite's registry-manifests/), runs
// `tls-audit --format json .` (the findings, fixable or not), asks cargo for the path behind each finding and the
// features of the crate to fix, runs `tls-audit --write --format json .` (twice: the second must change nothing),
// then lets cargo judge:
//   1. cargo accepts every written manifest: `cargo generate-lockfile --offline` succeeds;
//   2. for every fixable finding, `cargo tree -p M -e <scope edges> --target all -i native-tls -i openssl
//      -i openssl-sys` showed a path from M through the dependency before, and shows none after; for a member
//      whose findings were all fixable, `-i openssl-sys` and `-i native-tls` print nothing;
//   3. every feature cargo enabled on the fixed crate before is still enabled, except native-TLS ones.
// Used by scripts/fix-judge/generate.mjs (which records judged.json) and test/fix/cargo-judge.test.ts.
import { spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createTwoFilesPatch } from "diff";

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const FIXTURES = join(REPO, "fixtures/fix-judge");
export const SUITES = ["bookworm", "trixie", "sid"];
export const BANNED = ["native-tls", "openssl", "openssl-sys"];
/** Crates whose enabled features are recorded before the fix (those that exist in a case's lock). */
export const TLS_CRATES = ["reqwest", "ureq", "oauth2", "octocrab", "tokio-tungstenite", "tungstenite", "sqlx", "sqlx-core", "redis", "curl", "curl-sys", "tiny_http"];
const EDGES = { normal: "normal", build: "normal,build", dev: "normal,build,dev" };
/** Files of a case that are data about it, not part of the workspace. */
const RECORDS = new Set(["judged.json", "expected-before.json", "input-error.json"]);

/** A feature that belongs to native TLS (or `default`, which a fix may turn off on purpose: its other members are checked one by one). */
export function isNativeFeature(crate, feature) {
  if (/native-tls|default-tls|^default$|hyper-tls|openssl|opentls/.test(feature)) return true;
  if (crate === "redis" && (feature === "tls" || feature === "async-std-tls-comp")) return true;
  return false;
}

/** The committed `.cargo/config.toml` of every case: the tool and cargo read the suite's registry-manifests/. */
export const CASE_CONFIG = `# Source replacement: ../registry-manifests/ holds the registry manifest (plus .cargo-checksum.json and empty
# target stubs) of every crate the cases of this suite lock, before and after --write. Written by
# scripts/fix-judge/generate.sh; tls-audit reads crate metadata from it, and cargo resolves against it offline.
[source.crates-io]
replace-with = "vendored"

[source.vendored]
directory = "../registry-manifests"
`;

export function listCases(suites = SUITES) {
  const out = [];
  for (const suite of suites) {
    const dir = join(FIXTURES, suite);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir).sort()) {
      if (name === "registry-manifests") continue;
      if (existsSync(join(dir, name, "Cargo.toml"))) out.push({ suite, name, dir: join(dir, name) });
    }
  }
  return out;
}

/** Relative paths of every Cargo.toml of a workspace copy, sorted. */
export function manifestsOf(ws) {
  const out = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if ([".cargo", "target", "registry-manifests", "src"].includes(entry.name)) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name === "Cargo.toml") out.push(relative(ws, path));
    }
  };
  walk(ws);
  return out.sort();
}

/**
 * Copies a case into a fresh temporary directory as <tmp>/<suite>/<case>, with <tmp>/<suite>/registry-manifests
 * a link to the committed one (so the committed relative config works), unless `registryDir` names another
 * directory source, which a temporary config then points at (for cargo and the tool alike).
 */
export function copyCase(c, { registryDir } = {}) {
  const tmp = mkdtempSync(join(tmpdir(), "tls-audit-fix-judge-"));
  const ws = join(tmp, c.suite, c.name);
  cpSync(c.dir, ws, { recursive: true, filter: (src) => !RECORDS.has(relative(c.dir, src)) });
  if (registryDir) {
    mkdirSync(join(ws, ".cargo"), { recursive: true });
    writeFileSync(join(ws, ".cargo/config.toml"), `[source.crates-io]\nreplace-with = "r"\n[source.r]\ndirectory = "${registryDir}"\n`);
  } else {
    symlinkSync(join(FIXTURES, c.suite, "registry-manifests"), join(tmp, c.suite, "registry-manifests"), "dir");
  }
  return { tmp, ws, cleanup: () => rmSync(tmp, { recursive: true, force: true }) };
}

/** Runs cargo (asynchronously, so that cases can be judged in parallel). */
export function cargo(args, cwd) {
  return new Promise((done) => {
    const child = spawn("cargo", args, { cwd, env: { ...process.env, CARGO_TERM_COLOR: "never", CARGO_NET_OFFLINE: "true" } });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d) => (stderr += d));
    child.on("error", (error) => done({ code: -1, stdout, stderr: String(error) }));
    child.on("close", (code) => done({ code: code ?? -1, stdout, stderr }));
  });
}

/**
 * `cargo tree -p member -e edges --target all -i C1 -i C2 …` split per inverted crate, the workspace path replaced
 * by {ws}; "" for a crate that is not in member's graph (cargo refuses a spec it cannot match: it is dropped and
 * the rest asked again).
 */
export async function invertedTrees(ws, member, crates, edges, extra = []) {
  const out = Object.fromEntries(crates.map((c) => [c, ""]));
  let left = [...crates];
  while (left.length) {
    const p = await cargo(["tree", "--offline", "-p", member, "-e", edges, "--target", "all", ...left.flatMap((c) => ["-i", c]), "--charset", "ascii", "--prefix", "depth", ...extra], ws);
    if (p.code === 0) {
      for (const block of p.stdout.split(ws).join("{ws}").split(/\n\n+/)) {
        const root = /^0(\S+) v(\S+)/.exec(block);
        if (!root) continue;
        const key = left.find((c) => c === root[1] || c === `${root[1]}@${root[2]}`);
        // One crate can head two blocks (built for the target, and for the host under a build-dependency): keep both.
        if (key !== undefined) out[key] += `${out[key] ? "\n" : ""}${block.trimEnd()}\n`;
      }
      return out;
    }
    const unmatched = /package ID specification `([^`]+)` did not match any packages/.exec(p.stderr)?.[1];
    if (unmatched === undefined || !left.includes(unmatched)) throw new Error(`cargo tree -p ${member} -i ${left.join(" -i ")}: ${p.stderr.trim().split("\n").slice(-3).join(" | ")}`);
    left = left.filter((c) => c !== unmatched);
  }
  return out;
}

/** `cargo tree` text as people read it (the depth prefix turned into indentation). */
const indent = (text) => text.replace(/^(\d+)/gm, (_, d) => "    ".repeat(Number(d)));

/** Which of `crates` member's direct dependency `dep` (package name) leads to, in cargo's inverted trees. */
export async function depReaches(ws, member, dep, crates, edges) {
  // A crate locked at two versions (rustls 0.21 and 0.23) must be asked for as name@version, each.
  const locked = existsSync(join(ws, "Cargo.lock")) ? lockedPackages(readFileSync(join(ws, "Cargo.lock"), "utf8")) : [];
  const specsOf = (crate) => {
    const versions = locked.filter((p) => p.name === crate).map((p) => `${crate}@${p.version}`);
    return versions.length > 1 ? versions : [crate];
  };
  const trees = await invertedTrees(ws, member, crates.flatMap(specsOf), edges, ["--no-dedupe"]);
  return crates.filter((crate) => specsOf(crate).some((spec) => {
    const lines = trees[spec].split("\n").map((l) => /^(\d+)(\S+) v(\S+)/.exec(l)).filter(Boolean).map((m) => ({ depth: Number(m[1]), name: m[2] }));
    for (let i = 0; i < lines.length; i++) {
      if (lines[i].name !== member || lines[i].depth === 0) continue;
      for (let j = i - 1; j >= 0; j--) {
        if (lines[j].depth === lines[i].depth - 1) {
          if (lines[j].name === dep) return true;
          break;
        }
      }
    }
    return false;
  }));
}

/** Features cargo enables on `spec` (name or name@version) in member's build with these edges. */
export async function featuresOf(ws, member, spec, edges) {
  const crate = spec.split("@")[0];
  const text = (await invertedTrees(ws, member, [spec], `${edges},features`))[spec];
  const re = new RegExp(`^\\d+${crate.replace(/[-]/g, "\\-")} feature "([^"]+)"`, "gm");
  return [...new Set([...text.matchAll(re)].map((m) => m[1]))].sort();
}

/** Registry packages of a Cargo.lock: [{name, version}]. */
export function lockedPackages(lockText) {
  const out = [];
  for (const block of lockText.split("[[package]]").slice(1)) {
    const name = /^name = "([^"]+)"/m.exec(block)?.[1];
    const version = /^version = "([^"]+)"/m.exec(block)?.[1];
    if (name && version && /^source = "registry\+/m.test(block)) out.push({ name, version });
  }
  return out;
}

/** Workspace members (package names), from `cargo metadata --no-deps`. */
export async function membersOf(ws) {
  const p = await cargo(["metadata", "--offline", "--no-deps", "--format-version", "1"], ws);
  if (p.code !== 0) throw new Error(`cargo metadata: ${p.stderr.trim()}`);
  return JSON.parse(p.stdout).packages.map((x) => x.name).sort();
}

/** What cargo says about a locked workspace before any fix: TLS crate features and native trees per member. */
export async function cargoBefore(ws) {
  const lock = readFileSync(join(ws, "Cargo.lock"), "utf8");
  const locked = lockedPackages(lock);
  const tls = locked.filter((p) => TLS_CRATES.includes(p.name));
  const members = {};
  for (const member of await membersOf(ws)) {
    const features = {};
    for (const edges of Object.values(EDGES)) {
      for (const p of tls) {
        const f = await featuresOf(ws, member, `${p.name}@${p.version}`, edges);
        if (f.length) (features[edges] ??= {})[`${p.name}@${p.version}`] = f;
      }
    }
    const trees = await invertedTrees(ws, member, ["openssl-sys", "native-tls"], EDGES.dev);
    const native = Object.fromEntries(Object.entries(trees).map(([crate, text]) => [crate, text !== ""]));
    members[member] = { features, reachesWithDev: native };
  }
  return { members };
}

/** Runs bin/tls-audit.js, or $TLS_AUDIT_BIN (generate.sh points it at a private build, safe from concurrent rebuilds of dist/). */
function defaultRunTool(args, cwd, env = {}) {
  const bin = process.env.TLS_AUDIT_BIN || join(REPO, "bin/tls-audit.js");
  const p = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: "utf8", maxBuffer: 64 << 20, env: { ...process.env, NO_COLOR: "1", ...env } });
  return { code: p.status ?? -1, stdout: p.stdout, stderr: p.stderr };
}

function parseReport(run, what) {
  try {
    return JSON.parse(run.stdout);
  } catch {
    throw new Error(`tls-audit ${what} exited ${run.code} without a JSON report: ${run.stderr.trim()}`);
  }
}

const slim = (f) => ({
  member: f.member,
  dependency: f.dependency,
  dependencyKey: f.dependencyKey,
  version: f.dependencyVersion,
  scope: f.scope,
  target: f.target,
  severity: f.severity,
  reaches: f.reaches,
  manifest: f.manifest,
  line: f.line,
  fixable: Boolean(f.fix?.fixable),
  ...(f.fix?.fixable ? { fix: f.fix.description } : { reason: f.fix?.reason ?? null }),
});

/**
 * Judges one case. `runTool(args, cwd)` runs tls-audit (default: node bin/tls-audit.js), returning {code, stdout, stderr};
 * it may be async. Returns the judgement (what judged.json records) and the workspace copy's manifests after the fix.
 */
export async function judgeCase(c, { registryDir, runTool = defaultRunTool, keep = false } = {}) {
  if (existsSync(join(c.dir, "input-error.json"))) return judgeInputError(c, { registryDir, runTool });
  const copy = copyCase(c, { registryDir });
  const { ws } = copy;
  try {
    const audit = await runTool(["--format", "json", "."], ws);
    const report = parseReport(audit, "--format json");
    const findings = report.findings.map(slim);
    // Cargo's view before the fix: the path behind each finding, with the edges of its scope, or with
    // dev-dependencies too when only they show it (resolver 1 unifies dev-dependency features into builds,
    // which `cargo tree -e normal` does not model); and the features the fixed crate has.
    const pre = [];
    for (const f of findings) {
      let edges = EDGES[f.scope] ?? EDGES.dev;
      let reachedBefore = await depReaches(ws, f.member, f.dependency, f.reaches, edges);
      if (!reachedBefore.length && edges !== EDGES.dev) {
        const wider = await depReaches(ws, f.member, f.dependency, f.reaches, EDGES.dev);
        if (wider.length) [edges, reachedBefore] = [EDGES.dev, wider];
      }
      const featuresBefore = f.fixable ? await featuresOf(ws, f.member, `${f.dependency}@${f.version}`, edges) : undefined;
      pre.push({ edges, reachedBefore, featuresBefore });
    }
    const files = manifestsOf(ws);
    const original = Object.fromEntries(files.map((f) => [f, readFileSync(join(ws, f), "utf8")]));
    const written = await runTool(["--write", "--format", "json", "."], ws);
    // Native TLS left after the fix; a rustls-crypto-provider warning the fix brings to light (rustls, now in the
    // refreshed lock, with no provider) is a finding about the new state, not one the fix failed to remove.
    const left = parseReport(written, "--write").findings.filter((f) => f.ruleId === "no-native-tls").map(slim);
    const edits = [];
    const after = {};
    for (const f of files) {
      after[f] = readFileSync(join(ws, f), "utf8");
      if (after[f] !== original[f]) edits.push({ file: f, diff: createTwoFilesPatch(`a/${f}`, `b/${f}`, original[f], after[f], "", "", { context: 2 }), after: after[f] });
    }
    const again = await runTool(["--write", "--format", "json", "."], ws);
    const secondWriteChanged = files.some((f) => readFileSync(join(ws, f), "utf8") !== after[f]);

    const problems = [];
    const lock = await cargo(["generate-lockfile", "--offline"], ws);
    const verdict = { acceptsManifests: lock.code === 0, error: lock.code === 0 ? null : lock.stderr.trim().split("\n").filter((l) => l.trim()).slice(-4).join("\n") };
    if (lock.code !== 0) problems.push(`cargo rejects the written manifests: ${verdict.error}`);
    const checks = [];
    const memberTrees = {};
    let newLock = [];
    if (lock.code === 0) {
      newLock = lockedPackages(readFileSync(join(ws, "Cargo.lock"), "utf8"));
      for (const [i, f] of findings.entries()) {
        const { edges, reachedBefore, featuresBefore } = pre[i];
        const stillReaches = await depReaches(ws, f.member, f.dependency, f.reaches, edges);
        const check = { member: f.member, dependency: f.dependency, scope: f.scope, fixable: f.fixable, edges, reachedBefore, stillReaches };
        if (f.fixable) {
          // TLS moved, not switched off: the dependency reaches rustls in cargo's tree after the fix.
          check.reachesRustls = (await depReaches(ws, f.member, f.dependency, ["rustls"], edges)).length > 0;
          if (!check.reachesRustls) problems.push(`${f.member} -> ${f.dependency} (${f.scope}) reaches no rustls after the fix: TLS was switched off`);
          if (!reachedBefore.length) problems.push(`${f.member} -> ${f.dependency} (${f.scope}): cargo tree finds no path to ${f.reaches.join("/")} even before the fix`);
          if (stillReaches.length) problems.push(`${f.member} -> ${f.dependency} (${f.scope}) still reaches ${stillReaches.join(", ")}`);
          const afterVersion = newLock.find((p) => p.name === f.dependency && p.version === f.version) ? f.version : newLock.find((p) => p.name === f.dependency)?.version;
          const featuresAfter = afterVersion ? await featuresOf(ws, f.member, `${f.dependency}@${afterVersion}`, edges) : [];
          const lost = featuresBefore.filter((x) => !featuresAfter.includes(x) && !isNativeFeature(f.dependency, x));
          Object.assign(check, { featuresBefore, featuresAfter, lost });
          if (lost.length) problems.push(`${f.member} -> ${f.dependency} lost features ${lost.join(", ")}`);
        }
        checks.push(check);
      }
      // Members whose every finding was fixable: the inverted trees must print nothing at all.
      const byMember = new Map();
      for (const f of findings) byMember.set(f.member, [...(byMember.get(f.member) ?? []), f]);
      for (const [member, fs] of [...byMember].sort(([a], [b]) => a.localeCompare(b))) {
        const used = checks.filter((x) => x.member === member).map((x) => x.edges);
        const edges = used.includes(EDGES.dev) ? EDGES.dev : EDGES.build;
        const allFixable = fs.every((f) => f.fixable);
        const trees = Object.fromEntries(Object.entries(await invertedTrees(ws, member, ["openssl-sys", "native-tls"], edges)).map(([c, t]) => [c, indent(t)]));
        memberTrees[member] = { edges, allFixable, empty: Object.values(trees).every((t) => t === ""), ...(Object.values(trees).some(Boolean) ? { trees } : {}) };
        if (allFixable && !memberTrees[member].empty) problems.push(`${member}: cargo tree -e ${edges} -i openssl-sys/native-tls is not empty after the fix`);
      }
    }
    // The tool's own view after --write: only the unfixable findings are left.
    const key = (f) => `${f.member} ${f.dependency} ${f.scope} ${f.target ?? ""}`;
    const unfixableKeys = new Set(findings.filter((f) => !f.fixable).map(key));
    const leftFixable = left.filter((f) => !unfixableKeys.has(key(f)));
    if (leftFixable.length) problems.push(`after --write the tool still reports ${leftFixable.map(key).join("; ")}`);
    if (secondWriteChanged) problems.push("a second --write changed the manifests again");
    if (audit.code === 2 || written.code === 2) problems.push(`tls-audit exited 2: ${audit.stderr}${written.stderr}`);
    const knowledgeOnly = await judgeKnowledgeOnly(c, { registryDir, runTool, problems, findings });
    const added = newLock.filter((p) => !lockedPackages(readFileSync(join(c.dir, "Cargo.lock"), "utf8")).some((q) => q.name === p.name && q.version === p.version));

    const judgement = {
      suite: c.suite,
      case: c.name,
      tool: {
        resolution: report.workspaces?.map((w) => w.resolution) ?? [],
        exitBefore: audit.code,
        exitAfterWrite: written.code,
        secondWrite: { exit: again.code, changed: secondWriteChanged },
        findings,
        leftAfterWrite: left.map(key),
      },
      edits: edits.map(({ file, diff, after: text }) => ({ file, diff, after: text })),
      cargo: {
        ...verdict,
        lockAdded: added.map((p) => `${p.name}@${p.version}`),
        checks,
        members: memberTrees,
      },
      knowledgeOnly,
      summary: {
        findings: findings.length,
        fixable: findings.filter((f) => f.fixable).length,
        provenByCargo: lock.code === 0 ? checks.filter((x) => x.fixable && x.reachedBefore.length && !x.stillReaches.length && !x.lost.length).length : 0,
        unfixable: findings.filter((f) => !f.fixable).length,
        problems,
        verdict: problems.length === 0 ? "proven" : "FAILED",
      },
    };
    return { judgement, lockAfter: newLock, ws: keep ? ws : undefined, cleanup: copy.cleanup };
  } finally {
    if (!keep) copy.cleanup();
  }
}

const REJECTED_FEATURE = /depends on `([^`]+)` with feature `([^`]+)` but `[^`]+` does not have that feature/g;

/**
 * `cargo generate-lockfile`, taking out of the written manifests each feature cargo rejects that the Debian registry
 * comments out (a feature Debian dropped from the crates.io crate), and trying again. Returns the last attempt and
 * what was taken out; a rejected feature Debian did not drop is left for the caller to report.
 */
async function lockAcceptingDebianDrops(ws, config, edits) {
  const directory = /directory\s*=\s*"([^"]+)"/.exec(config)?.[1];
  // Cargo reads a config path relative to the directory that holds `.cargo/`.
  const registry = directory && existsSync(resolve(ws, directory)) ? resolve(ws, directory) : undefined;
  const debianDropped = [];
  for (let attempt = 0; ; attempt++) {
    const lock = await cargo(["generate-lockfile", "--offline"], ws);
    const rejected = lock.code === 0 ? [] : [...lock.stderr.matchAll(REJECTED_FEATURE)].map((m) => ({ crate: m[1], feature: m[2] }));
    if (lock.code === 0 || rejected.length === 0 || !registry || attempt >= 5) return { lock, debianDropped };
    const dropped = rejected.filter(({ crate, feature }) =>
      readdirSync(registry)
        .filter((d) => d.startsWith(`${crate}-`))
        .some((d) => existsSync(join(registry, d, "Cargo.toml")) && new RegExp(`^\\s*#.*"?${feature.replace(/[-.]/g, "\\$&")}"?`, "m").test(readFileSync(join(registry, d, "Cargo.toml"), "utf8"))),
    );
    if (dropped.length !== rejected.length) return { lock, debianDropped };
    for (const { crate, feature } of dropped) {
      debianDropped.push(`${crate}/${feature}`);
      for (const f of edits) {
        const text = readFileSync(join(ws, f), "utf8");
        writeFileSync(join(ws, f), text.replaceAll(`, "${feature}"`, "").replaceAll(`"${feature}", `, "").replaceAll(`"${feature}"`, ""));
      }
    }
  }
}

/**
 * The same case planned from the bundled knowledge alone (no directory source, an empty CARGO_HOME), as for a user
 * whose registry tls-audit cannot read: its fixes are written, then cargo resolves them against the case's registry.
 * Each fixable finding must then reach rustls and no native TLS crate; cargo must accept every feature named.
 */
async function judgeKnowledgeOnly(c, { registryDir, runTool, problems, findings }) {
  const copy = copyCase(c, { registryDir });
  const { ws, tmp } = copy;
  try {
    const config = readFileSync(join(ws, ".cargo/config.toml"), "utf8");
    rmSync(join(ws, ".cargo"), { recursive: true, force: true });
    const home = join(tmp, "empty-cargo-home");
    mkdirSync(home);
    const files = manifestsOf(ws);
    const original = Object.fromEntries(files.map((f) => [f, readFileSync(join(ws, f), "utf8")]));
    const run = await runTool(["--write", "--format", "json", "."], ws, { CARGO_HOME: home });
    const report = parseReport(run, "--write (knowledge only)");
    // The findings of that run are what is left; the fixes it made are the edits.
    const edits = files.filter((f) => readFileSync(join(ws, f), "utf8") !== original[f]);
    mkdirSync(join(ws, ".cargo"));
    writeFileSync(join(ws, ".cargo/config.toml"), config);
    if (edits.length === 0) return { edited: [], left: report.findings.length };
    const { lock, debianDropped } = await lockAcceptingDebianDrops(ws, config, edits);
    const result = { edited: edits, acceptsManifests: lock.code === 0, checks: [] };
    // Knowledge speaks of the crates.io crate; Debian patches some features out (reqwest's `macos-system-configuration`,
    // commented out in its manifest). Such a feature is taken back out and the rest judged; anything else fails.
    if (debianDropped.length > 0) result.debianDropped = debianDropped;
    if (lock.code !== 0) {
      problems.push(`knowledge-only fix: cargo rejects the written manifests: ${lock.stderr.trim().split("\n").slice(-2).join(" | ")}`);
      return result;
    }
    // Every normal finding of the registry-backed audit that the knowledge-only write fixed.
    const before = findings;
    const leftKeys = new Set(report.findings.map((f) => `${f.member} ${f.dependency} ${f.scope}`));
    for (const f of before.filter((x) => x.scope === "normal" && !leftKeys.has(`${x.member} ${x.dependency} ${x.scope}`))) {
      const stillReaches = await depReaches(ws, f.member, f.dependency, f.reaches, EDGES.normal);
      const reachesRustls = (await depReaches(ws, f.member, f.dependency, ["rustls"], EDGES.normal)).length > 0;
      result.checks.push({ member: f.member, dependency: f.dependency, stillReaches, reachesRustls });
      if (stillReaches.length) problems.push(`knowledge-only fix: ${f.member} -> ${f.dependency} still reaches ${stillReaches.join(", ")}`);
      if (!reachesRustls) problems.push(`knowledge-only fix: ${f.member} -> ${f.dependency} reaches no rustls`);
    }
    return result;
  } finally {
    copy.cleanup();
  }
}

/**
 * A case whose input has an error (conflict markers in a member, a member directory that is gone): cargo cannot
 * load it, and tls-audit must write nothing, exit 2, and still print its whole report (one JSON document with the
 * write outcome in it, or the stylish report).
 */
async function judgeInputError(c, { registryDir, runTool }) {
  const copy = copyCase(c, { registryDir });
  const { ws } = copy;
  try {
    const files = manifestsOf(ws);
    const original = Object.fromEntries(files.map((f) => [f, readFileSync(join(ws, f), "utf8")]));
    const problems = [];
    const json = await runTool(["--write", "--format", "json", "."], ws);
    let report;
    try {
      report = JSON.parse(json.stdout);
    } catch {
      problems.push("--write --format json printed no JSON document");
    }
    const stylish = await runTool(["--write", "."], ws);
    const changed = files.filter((f) => readFileSync(join(ws, f), "utf8") !== original[f]);
    if (json.code !== 2 || stylish.code !== 2) problems.push(`exit codes ${json.code} and ${stylish.code}, not 2`);
    if (changed.length) problems.push(`manifests written despite input errors: ${changed.join(", ")}`);
    if (report && !report.write?.refused) problems.push("the JSON report has no refused write outcome");
    if (!/\d+ errors?|error\[/.test(stylish.stdout) && !/problem/.test(stylish.stdout)) problems.push("the stylish run printed no report");
    const cargoLoads = (await cargo(["metadata", "--offline", "--no-deps", "--format-version", "1"], ws)).code === 0;
    const judgement = {
      suite: c.suite,
      case: c.name,
      tool: {
        exitJson: json.code,
        exitStylish: stylish.code,
        problems: (report?.problems ?? []).map((p) => `${p.code}: ${p.file}:${p.line}`),
        findings: (report?.findings ?? []).map(slim),
        write: report?.write ?? null,
      },
      cargo: { loadsWorkspace: cargoLoads },
      summary: { findings: report?.findings.length ?? 0, fixable: 0, provenByCargo: 0, unfixable: 0, problems, verdict: problems.length === 0 && !cargoLoads ? "proven" : "FAILED" },
    };
    if (cargoLoads) problems.push("cargo loads the workspace: the case has no input error");
    return { judgement, lockAfter: [], ws: undefined, cleanup: copy.cleanup };
  } finally {
    copy.cleanup();
  }
}
