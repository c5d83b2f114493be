// The library entry point: audit one or more paths, each mapped to its workspace, each workspace once.
import { RULES } from "../rules/index.js";
import { DEFAULT_BANNED } from "../rules/data/tls-crates.js";
import type { Host } from "./host/index.js";
import type { Problem } from "./problems.js";
import { auditWorkspace, type ResolutionOptions, type WorkspaceAudit } from "./engine/run.js";
import type { MetadataLookup } from "./registry/model.js";
import type { Rule } from "./engine/types.js";
import { isWorkspace, loadWorkspace, workspaceRootOf } from "./workspace/load.js";
import type { Workspace } from "./workspace/model.js";
import type { AllowEntry, ConfiguredSeverity, SeverityKey } from "./config/config.js";

/** What a workspace's configuration decides, already merged with the command line. */
export interface WorkspaceSettings {
  bannedCrates?: readonly string[];
  severity?: Partial<Record<SeverityKey, ConfiguredSeverity>>;
  allow?: readonly AllowEntry[];
  /** Replaces the request's resolution options for this workspace (targets, features from the config). */
  resolution?: AuditRequest["resolution"];
  problems?: Problem[];
}

export interface AuditRequest {
  /** Directories, Cargo.toml or Cargo.lock files; other files (as pre-commit may pass) map to their workspace. */
  paths: string[];
  host: Host;
  bannedCrates?: readonly string[];
  rules?: readonly Rule[];
  /** Resolve features as cargo does; without it the lockfile graph is used as is. */
  resolution?: Omit<ResolutionOptions, "metadata"> & {
    /** Crate metadata for a workspace, from its vendor dirs, CARGO_HOME, bundled knowledge… */
    metadataFor?: (workspaceRoot: string) => MetadataLookup | undefined;
  };
  /** Per-workspace settings (configuration files merged with flags); defaults when absent. */
  configure?: (workspace: Workspace) => WorkspaceSettings;
  /**
   * Resolve only these members, as `${workspace root}\0${member name}`: the re-audit that verifies fixes looks at
   * the members with planned fixes, and the others' findings would be computed for nothing.
   */
  members?: ReadonlySet<string>;
  /**
   * Audit only the members with these names (`-p/--package`, as cargo selects packages); a name no workspace has
   * is an error. Allow entries are not reported as unused then: whether one matches can only be told on every member.
   */
  packages?: readonly string[];
  /** Collects time per stage, for --timings. */
  timings?: Timings;
  /**
   * Findings left in the order rules report them, for checking that fixes work: a position is found only if read,
   * which spares a parse of every edited manifest.
   */
  unordered?: boolean;
}

/** Stage timings: where the time goes, before anyone optimises. */
export class Timings {
  readonly stages = new Map<string, number>();
  time<T>(stage: string, run: () => T): T {
    const start = performance.now();
    try {
      return run();
    } finally {
      this.add(stage, performance.now() - start);
    }
  }
  add(stage: string, ms: number): void {
    this.stages.set(stage, (this.stages.get(stage) ?? 0) + ms);
  }
}

export interface AuditResult {
  workspaces: WorkspaceAudit[];
  /** Problems that belong to no workspace (a path that leads to no Cargo.toml). */
  problems: Problem[];
}

export function audit(request: AuditRequest): AuditResult {
  const workspaces: WorkspaceAudit[] = [];
  const problems: Problem[] = [];
  const seenRoots = new Set<string>();
  const seenProblems = new Set<string>();
  /** The `packages` some workspace has. */
  const found = new Set<string>();
  for (const path of request.paths.length > 0 ? request.paths : ["."]) {
    // Many paths of one workspace (a pre-commit hook's file list) load it once.
    const root = workspaceRootOf(request.host, path);
    if (root !== undefined && seenRoots.has(root)) continue;
    const timings = request.timings;
    const loaded = timings ? timings.time("load workspace", () => loadWorkspace(request.host, path, (stage, run) => timings.time(stage, run))) : loadWorkspace(request.host, path);
    if (!isWorkspace(loaded)) {
      for (const problem of loaded.problems) {
        const key = `${problem.code}\0${problem.file}\0${problem.message}`;
        if (!seenProblems.has(key)) problems.push(problem);
        seenProblems.add(key);
      }
      continue;
    }
    if (seenRoots.has(loaded.root)) continue;
    seenRoots.add(loaded.root);
    const settings = request.configure?.(loaded) ?? {};
    loaded.problems.push(...(settings.problems ?? []));
    const resolution = "resolution" in settings ? settings.resolution : request.resolution;
    const selected = request.packages && new Set(request.packages.filter((name) => loaded.members.some((m) => m.name === name)));
    for (const name of selected ?? []) found.add(name);
    const audited = auditWorkspace(loaded, {
      timings: request.timings,
      rules: request.rules ?? RULES,
      bannedCrates: settings.bannedCrates ?? request.bannedCrates ?? DEFAULT_BANNED,
      severity: settings.severity,
      allow: settings.allow,
      unordered: request.unordered,
      resolution: resolution && {
        ...resolution,
        metadata: resolution.metadataFor?.(loaded.root),
        members:
          request.members || selected
            ? (member) => (!request.members || request.members.has(`${loaded.root}\0${member.name}`)) && (!selected || selected.has(member.name))
            : undefined,
      },
    });
    if (selected) {
      audited.findings = audited.findings.filter((f) => selected.has(f.member));
      audited.suppressed = audited.suppressed.filter((s) => selected.has(s.finding.member));
      audited.problems = audited.problems.filter((p) => p.code !== "allow-unused");
    }
    workspaces.push(audited);
  }
  const missing = request.packages?.filter((name) => !found.has(name)) ?? [];
  if (missing.length > 0) {
    problems.push({ severity: "error", code: "package-not-found", message: `package ${missing.map((n) => `\`${n}\``).join(", ")} not found in ${workspaces.length === 1 ? `workspace ${workspaces[0]!.workspace.root}` : "the audited workspaces"}` });
  }
  return { workspaces, problems };
}

/** Every problem of the run, workspace problems first. */
export function allProblems(result: AuditResult): Problem[] {
  return [...result.workspaces.flatMap((w) => w.problems), ...result.problems];
}
