// Plans fixes for every finding, applies them in memory, re-audits, and keeps only the changes that work.
import { isDeepStrictEqual } from "node:util";
import { tomlData } from "../manifest/toml-ast.js";
import type { AuditResult } from "../audit.js";
import type { Finding, FindingFix, Rule } from "../engine/types.js";
import { buildProbe, type ProbedPackage } from "./probe.js";
import { activate, isRustlsCrate, reachesRustls } from "./tls-reach.js";
import type { Host } from "../host/index.js";
import type { MetadataLookup } from "../registry/model.js";
import { workspaceDependencyByKey, type EffectiveDependency } from "../workspace/model.js";
import type { DependencyChange, TextEdit } from "./model.js";
import { childLookup, planFix, type FixPreferences, type LocalDeclaration } from "./plan.js";
import { planProviderFix } from "./provider.js";
import { enablerFinding } from "./enabler.js";
import { withLocalPackages } from "../registry/local.js";
import { rustlsCryptoProvider } from "../../rules/rustls-crypto-provider.js";
import { satisfiesCargoReq } from "../util/cargo-semver.js";
import { applyTextEdits, EditError, planManifestEdits, planTextEdits } from "./toml-edit.js";

export interface FixRunInput {
  result: AuditResult;
  host: Host;
  /**
   * Runs the same audit again over another view of the files, for the given members only (`AuditRequest.members`),
   * with `extraRules` next to the configured ones (the probe that reads the resolution).
   */
  reaudit(host: Host, members: ReadonlySet<string>, extraRules?: readonly Rule[]): AuditResult;
  metadataFor?: (workspaceRoot: string) => MetadataLookup | undefined;
  preferences: FixPreferences;
}

export interface FileRewrite {
  path: string;
  before: string;
  after: string;
}

export interface FixOutcome {
  /** What each finding's fix is; also written into `finding.fix`. */
  fixes: Map<Finding, FindingFix>;
  /** The verified rewrites, one per manifest. */
  files: FileRewrite[];
}

/** Passes of plan → apply → re-audit; each pass can only drop plans, so this bounds the loop. */
const MAX_PASSES = 4;

// The rule is part of the identity: a native TLS fix may leave a crypto provider warning on the same dependency.
const findingKey = (f: Pick<Finding, "ruleId" | "workspace" | "member" | "dependency" | "dependencyVersion" | "scope">) =>
  `${f.ruleId}\0${f.workspace}\0${f.member}\0${f.dependency}\0${f.dependencyVersion}\0${f.scope}`;

/** A host that serves edited texts over the real ones, so the re-audit sees the fix before anything is written. */
export function overlayHost(base: Host, texts: ReadonlyMap<string, string>): Host {
  return { ...base, readText: (path) => texts.get(path) ?? base.readText(path) };
}

function mergeChanges(changes: DependencyChange[]): DependencyChange[] {
  const merged = new Map<string, DependencyChange>();
  for (const change of changes) {
    const key = `${change.manifest}\0${change.keyPath.join("\0")}`;
    const previous = merged.get(key);
    if (!previous) {
      merged.set(key, { ...change, removeFeatures: [...change.removeFeatures], addFeatures: [...change.addFeatures] });
      continue;
    }
    previous.disableDefaultFeatures ||= change.disableDefaultFeatures;
    previous.create ??= change.create;
    previous.removeFeatures = [...new Set([...previous.removeFeatures, ...change.removeFeatures])];
    previous.addFeatures = [...new Set([...previous.addFeatures, ...change.addFeatures])];
  }
  return [...merged.values()];
}

/**
 * Checks that a rewrite re-parses and that only the changed dependency entries differ. smol-toml reads both texts:
 * a second, independent parser from the one that located the edits, and several times faster (no positions).
 */
export function verifyRewrite(before: string, after: string, changed: string[][]): string | undefined {
  let a: Record<string, unknown>;
  let b: Record<string, unknown>;
  try {
    a = tomlData(before);
    b = tomlData(after);
  } catch (error) {
    return `the edited manifest does not parse: ${(error as Error).message}`;
  }
  // The documents are shared (tomlData): only the tables on a changed entry's path are copied, the rest compared
  // in place (cloning and serialising vector's 1,400-line root manifest twice was a few milliseconds per fix run).
  const strip = (doc: Record<string, unknown>) => {
    const copy = { ...doc };
    for (const path of changed) {
      let node: Record<string, unknown> | undefined = copy;
      for (const part of path.slice(0, -1)) {
        const next: unknown = node[part];
        if (typeof next !== "object" || next === null || Array.isArray(next)) {
          node = undefined;
          break;
        }
        node = node[part] = { ...(next as Record<string, unknown>) };
      }
      if (node) delete node[path.at(-1)!];
    }
    return copy;
  };
  if (!isDeepStrictEqual(strip(a), strip(b))) return "the edit would change keys other than the dependency entries it targets";
  for (const path of changed) {
    const pick = (doc: Record<string, unknown>) => path.reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], doc);
    const old = pick(a);
    const now = pick(b) as Record<string, unknown> | undefined;
    if (old === undefined) continue; // an entry the fix creates (the crypto provider's rustls)
    const oldTable = typeof old === "string" ? { version: old } : ((old ?? {}) as Record<string, unknown>);
    for (const key of new Set([...Object.keys(oldTable), ...Object.keys(now ?? {})])) {
      if (["features", "default-features", "default_features"].includes(key)) continue;
      if (JSON.stringify(oldTable[key]) !== JSON.stringify(now?.[key])) return `the edit would change \`${path.join(".")}.${key}\``;
    }
  }
  return undefined;
}

/**
 * What the re-resolution says against a fix that removed the finding: the dependency lost a feature that does not
 * lead to native TLS, or it no longer reaches rustls (TLS switched off rather than moved). Undefined when it holds.
 * Only the member's normal build is probed; a dev- or build-scope dependency is judged by the planner alone.
 */
export function judgeInResolver(finding: Finding, before: ProbedPackage[] | undefined, after: ProbedPackage[] | undefined, removable: ReadonlySet<string>, metadata: MetadataLookup | undefined, locked: ReadonlyMap<string, string> | undefined): string | undefined {
  const mine = (list: ProbedPackage[] | undefined) => list?.find((p) => p.name === finding.dependency && p.version === finding.dependencyVersion && p.via === finding.dependency);
  const was = mine(before);
  const now = mine(after);
  if (!was || !now) return undefined;
  const meta = metadata?.lookup(finding.dependency, finding.dependencyVersion, finding.path[1]?.source ?? null);
  // What only the native features switched on (curl's `ssl` → `openssl-probe`) goes with them; `default` is no
  // excuse: its other members (reqwest's `http2`) must stay.
  const seeds = was.features.filter((f) => removable.has(f) && f !== "default");
  const withNative = meta && !meta.partial ? activate(meta, seeds, false).features : new Set(seeds);
  // `__name` features are a crate's private plumbing (reqwest's `__tls`, which its rustls features switch on too): a
  // capability lost is a public feature; TLS itself is checked below.
  const lost = was.features.filter((f) => !now.features.includes(f) && !removable.has(f) && !withNative.has(f) && !f.startsWith("__"));
  if (lost.length > 0) return `the change would turn off ${lost.map((f) => `"${f}"`).join(", ")} of ${finding.dependency}, which ${lost.length === 1 ? "does" : "do"} not lead to native TLS`;
  if (after!.some((p) => p.via === finding.dependency && isRustlsCrate(p.name))) return undefined;
  // The lock may not hold the rustls crates yet (cargo adds them on the next build): ask the crate's own [features].
  if (!meta) return undefined;
  if (reachesRustls(meta, now.features, false, childLookup(finding, metadata, (name) => locked?.get(name))) === false) {
    return `after the change ${finding.dependency} ${finding.dependencyVersion} (features ${now.features.map((f) => `"${f}"`).join(", ") || "none"}) reaches no rustls crate: the edit would switch TLS off, not move it`;
  }
  return undefined;
}

export function runFixes(input: FixRunInput): FixOutcome {
  const { result, host, preferences } = input;
  const findings = result.workspaces.flatMap((w) => w.findings);
  const fixes = new Map<Finding, FindingFix>();
  const plans = new Map<Finding, DependencyChange[]>();
  const descriptions = new Map<Finding, string>();
  const removable = new Map<Finding, ReadonlySet<string>>();
  const lockedOf = new Map<string, Map<string, string>>();
  for (const w of result.workspaces) {
    // A path crate (a [patch] fork) is planned from its own [features], not from knowledge of its registry namesake.
    const metadata = withLocalPackages(input.metadataFor?.(w.workspace.root), [...w.workspace.members, ...w.workspace.pathPackages]);
    const inheritable = workspaceDependencyByKey(w.workspace.rootManifest);
    const baseOf = (decl: EffectiveDependency) => (decl.inheritedFrom ? inheritable.get(decl.key) : undefined);
    const locals = [...w.workspace.members, ...w.workspace.pathPackages].flatMap((pkg) =>
      pkg.dependencies.map((decl): LocalDeclaration => ({ decl, manifest: pkg.manifest.file, label: `${pkg.name}'s ${decl.kind === "normal" ? "" : `${decl.kind}-`}dependency${decl.target ? ` for ${decl.target}` : ""}`, base: baseOf(decl) })),
    );
    const locked = new Map<string, string>();
    for (const p of w.workspace.lockfile?.packages ?? []) if (p.source !== null && !locked.has(p.name)) locked.set(p.name, p.version);
    lockedOf.set(w.workspace.root, locked);
    for (const finding of w.findings) {
      // Entries in the workspace that ask for the same crate at a compatible version: cargo unifies them.
      const siblings = locals.filter((l) => l.decl.package === finding.dependency && l.decl.pathDir === undefined && (l.decl.version === undefined || satisfiesCargoReq(finding.dependencyVersion, l.decl.version)));
      let plan =
        finding.ruleId === rustlsCryptoProvider.meta.id
          ? planProviderFix(finding, metadata, preferences)
          : planFix(finding, metadata, preferences, siblings, (name) => locked.get(name), { base: baseOf(finding.decl) });
      // A native TLS crate the owner declares itself has no feature to switch; the declaration that turned the
      // owner's feature on does (a's `reqwest` line for a [patch] fork's native-tls).
      const enabler = !plan.fixable && finding.ruleId !== rustlsCryptoProvider.meta.id ? enablerFinding(finding, locals) : undefined;
      if (!plan.fixable && enabler) {
        const viaEnabler = planFix(enabler.finding, metadata, preferences, [], (name) => locked.get(name), { base: baseOf(enabler.target.decl) });
        plan = viaEnabler.fixable ? { ...viaEnabler, description: `${enabler.target.label}: ${viaEnabler.description}` } : { fixable: false, reason: `${plan.reason}; through ${enabler.target.label}: ${viaEnabler.reason}` };
      }
      if (!plan.fixable) {
        fixes.set(finding, plan);
        continue;
      }
      plans.set(finding, plan.changes);
      descriptions.set(finding, plan.description);
      removable.set(finding, new Set(plan.removable));
    }
  }

  const originals = new Map<string, string>();
  const read = (path: string) => {
    if (!originals.has(path)) originals.set(path, host.readText(path));
    return originals.get(path)!;
  };

  // The resolver's view of each fixed dependency before any edit: its active features, to compare after.
  const watched = new Set([...plans.keys()].map((f) => f.dependency));
  // A finding lives in the builds of the members that reach it (a path package's, or another member's
  // unification): the re-audit must resolve those builds, or a fix would look verified because nothing was looked at.
  const buildsOf = (f: Finding) => (f.builds && f.builds.length > 0 ? f.builds : [f.member]);
  const plannedMembers = () => new Set([...plans.keys()].flatMap((f) => buildsOf(f).map((b) => `${f.workspace}\0${b}`)));
  const before = plans.size > 0 ? buildProbe(watched) : undefined;
  // The audit's own resolution answers for the unedited files: the crates watched are all inside what it resolved.
  if (before) for (const w of result.workspaces) w.inspectBuilds([before.rule]);
  const built = (builds: Map<string, ProbedPackage[]>, f: Finding) => builds.get(`${f.workspace}\0${buildsOf(f).includes(f.member) ? f.member : buildsOf(f)[0]}`);

  let files: FileRewrite[] = [];
  let verified = false;
  const caveats = new Map<Finding, string>();
  for (let pass = 0; pass < MAX_PASSES && plans.size > 0; pass++) {
    const byFile = new Map<string, DependencyChange[]>();
    for (const change of mergeChanges([...plans.values()].flat())) {
      const list = byFile.get(change.manifest);
      if (list) list.push(change);
      else byFile.set(change.manifest, [change]);
    }
    files = [];
    const failedFiles = new Map<string, string>();
    for (const [path, changes] of byFile) {
      const before = read(path);
      let after: string;
      try {
        after = applyTextEdits(before, planManifestEdits(before, changes));
      } catch (error) {
        if (!(error instanceof EditError)) throw error;
        failedFiles.set(path, error.message);
        continue;
      }
      const problem = verifyRewrite(before, after, changes.map((c) => c.keyPath));
      if (problem) failedFiles.set(path, problem);
      else if (after !== before) files.push({ path, before, after });
    }
    let dropped = false;
    for (const [finding, changes] of plans) {
      const failure = changes.map((c) => failedFiles.get(c.manifest)).find(Boolean);
      if (failure) {
        fixes.set(finding, { fixable: false, reason: failure });
        plans.delete(finding);
        dropped = true;
      }
    }
    if (dropped) continue;
    const probe = buildProbe(watched);
    const after = input.reaudit(overlayHost(host, new Map(files.map((f) => [f.path, f.after]))), plannedMembers(), [probe.rule]);
    const remaining = new Map(after.workspaces.flatMap((w) => w.findings).map((f) => [findingKey(f), f]));
    for (const [finding] of plans) {
      const still = remaining.get(findingKey(finding));
      if (!still) {
        const regression = judgeInResolver(finding, before && built(before.builds, finding), built(probe.builds, finding), removable.get(finding)!, input.metadataFor?.(finding.workspace), lockedOf.get(finding.workspace));
        if (regression) {
          fixes.set(finding, { fixable: false, reason: regression });
          plans.delete(finding);
          dropped = true;
        }
        continue;
      }
      // Still reachable only through crates without metadata: the edit is right, what is left belongs to them.
      if (still.possible) {
        caveats.set(finding, "crates without metadata may still enable native TLS here; see the remaining warnings");
        continue;
      }
      const path = still.path.map((s) => `${s.name}${s.via ? ` [${s.features?.join(" → ")}]` : ""}`).join(" → ");
      const left = finding.ruleId === rustlsCryptoProvider.meta.id ? "still has no single crypto provider" : "still pulls native TLS";
      fixes.set(finding, { fixable: false, reason: `changing ${finding.dependencyKey} is not enough: after the change, ${path} ${left}` });
      plans.delete(finding);
      dropped = true;
    }
    if (!dropped) {
      verified = true;
      break;
    }
  }
  if (!verified) {
    // Out of passes with plans still changing: trust none of them.
    for (const finding of plans.keys()) fixes.set(finding, { fixable: false, reason: "no stable set of edits was found" });
    plans.clear();
    files = [];
  }

  for (const [finding, changes] of plans) {
    // Two entries of one plan can target the same key (a member's entry and its sibling both inherit one
    // [workspace.dependencies] line): merge them first, as the write does, so the edits never overlap.
    const edits: (TextEdit & { manifest: string })[] = mergeChanges(changes).flatMap((c) => planTextEdits(read(c.manifest), c).map((e) => ({ ...e, manifest: c.manifest })));
    const caveat = caveats.get(finding);
    fixes.set(finding, { fixable: true, description: `${descriptions.get(finding)!}${caveat ? ` (${caveat})` : ""}`, changes, edits });
  }
  for (const finding of findings) finding.fix = fixes.get(finding) ?? null;
  return { fixes, files };
}
