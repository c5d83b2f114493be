// The library API: audit() and fix() with the CLI's defaults (local metadata, bundled knowledge, every target).
import { allTargetCfgs, targetCfg } from "../rules/data/targets.js";
import { allProblems, audit as runAudit, type AuditResult } from "./audit.js";
import type { FindingFix, Rule } from "./engine/types.js";
import { RULES } from "../rules/index.js";
import { runFixes, type FileRewrite } from "./fix/run.js";
import { nodeHost, type Host } from "./host/index.js";
import { writeFileAtomic } from "./host/write.js";
import { createLocalMetadataChain } from "./registry/index.js";
import { knowledgeProvider } from "./registry/knowledge.js";
import type { FeatureRequest } from "./resolve/features.js";

export interface AuditOptions {
  /** Triples to audit for; every target when omitted. */
  targets?: string[];
  features?: Partial<FeatureRequest>;
  /** Report every locked path instead of resolving features. */
  lockfileOnly?: boolean;
  host?: Host;
}

function request(paths: string[], options: AuditOptions) {
  const host = options.host ?? nodeHost;
  const knowledge = knowledgeProvider();
  const targets = options.targets?.length ? options.targets.map((t) => targetCfg(t)).filter((t) => t !== undefined) : null;
  const resolution = options.lockfileOnly
    ? undefined
    : {
        request: { features: options.features?.features ?? [], allFeatures: options.features?.allFeatures ?? false, defaultFeatures: options.features?.defaultFeatures ?? true },
        targets,
        host: targetCfg("x86_64-unknown-linux-gnu") ?? allTargetCfgs()[0]!,
        metadataFor: (root: string) => createLocalMetadataChain(host, root, [knowledge]),
      };
  return { host, resolution, run: (h: Host, members?: ReadonlySet<string>, extraRules: readonly Rule[] = []) => runAudit({ paths, host: h, resolution, members, ...(extraRules.length > 0 ? { rules: [...RULES, ...extraRules] } : {}) }) };
}

/** Audits the workspaces containing `paths` (directories, Cargo.toml or Cargo.lock files). */
export function audit(paths: string[], options: AuditOptions = {}): AuditResult {
  return request(paths, options).run(options.host ?? nodeHost);
}

export interface FixResult {
  result: AuditResult;
  fixes: Map<import("./engine/types.js").Finding, FindingFix>;
  files: FileRewrite[];
  /** Files written (only with `write: true`). */
  written: string[];
}

/** Plans and verifies fixes; with `write: true` writes them atomically. */
export function fix(paths: string[], options: AuditOptions & { write?: boolean; roots?: "native" | "webpki"; crypto?: "ring" | "aws-lc-rs" } = {}): FixResult {
  const { host, resolution, run } = request(paths, options);
  const result = run(host);
  const outcome = runFixes({ result, host, reaudit: run, metadataFor: resolution?.metadataFor, preferences: { roots: options.roots ?? "native", crypto: options.crypto } });
  const written: string[] = [];
  // As the CLI: a workspace that was not fully read (an input error) gets no writes.
  if (options.write && !allProblems(result).some((p) => p.severity === "error")) {
    for (const file of outcome.files) {
      const root = result.workspaces.find((w) => file.path.startsWith(`${w.workspace.root}/`))?.workspace.root ?? "/";
      writeFileAtomic(file.path, file.after, { expected: file.before, within: root });
      written.push(file.path);
    }
  }
  return { result, fixes: outcome.fixes, files: outcome.files, written };
}
