// Locates a workspace root from any path and loads its members, inheritance and lock, as cargo does.
import { basename, dirname, isAbsolute, join, relative, resolve } from "node:path";
import { ancestors, HostReadError, type Host } from "../host/index.js";
import { decodeLockfile } from "../lockfile/encoding.js";
import type { DependencyDecl, Manifest } from "../manifest/model.js";
import { parseManifest } from "../manifest/parse.js";
import { InputError, type Problem } from "../problems.js";
import { expandMemberPattern, hasGlob } from "./glob.js";
import { CfgParseError, parseCfg } from "../resolve/cfg.js";
import { workspaceDependencyByKey, type EffectiveDependency, type LocalPackage, type ResolverVersion, type Workspace } from "./model.js";

/** Runs a stage of the audit and, with --timings, counts its time under `name`. */
export type Stage = <T>(name: string, run: () => T) => T;
const untimed: Stage = (_name, run) => run();

/** Reads and parses a manifest, turning every failure into a problem. */
function readManifest(host: Host, file: string, problems: Problem[], stage: Stage = untimed): Manifest | undefined {
  try {
    const text = host.readText(file);
    const { manifest, problems: found } = stage("parse manifests", () => parseManifest(text, file));
    for (const problem of found) problems.push(problem); // not push(...found): there may be 100,000s
    return manifest;
  } catch (error) {
    problems.push(toProblem(error, file));
    return undefined;
  }
}

/** Converts a reader failure into a problem; anything else is a bug and is rethrown. */
export function toProblem(error: unknown, file: string): Problem {
  if (error instanceof InputError) return error.problem;
  if (error instanceof HostReadError) {
    return { severity: "error", code: "file-unreadable", message: `cannot read file: ${error.reason}`, file: error.path, position: error.position };
  }
  throw error;
}

function isInside(dir: string, parent: string): boolean {
  const rel = relative(parent, dir);
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
}

/** Finds the Cargo.toml that `input` (a directory, Cargo.toml or Cargo.lock) refers to, as cargo does from a cwd. */
export function locateManifest(host: Host, input: string): string | undefined {
  const path = resolve(input);
  const kind = host.kind(path);
  // A Cargo.toml that is there but cannot be looked at (a symlink loop) is found, and its read says why.
  if (kind === "file" || (kind === "other" && basename(path) === "Cargo.toml")) {
    if (basename(path) === "Cargo.toml") return path;
    return locateManifest(host, dirname(path));
  }
  if (kind !== "dir") return undefined;
  for (const dir of ancestors(path)) {
    const candidate = join(dir, "Cargo.toml");
    // As cargo: a Cargo.toml that exists but is no file (a directory, a FIFO) is found, and then fails to read.
    if (host.kind(candidate) !== "missing") return candidate;
  }
  return undefined;
}

/**
 * Finds the workspace root manifest for a package manifest: itself if it has `[workspace]`,
 * `package.workspace` if set, else the nearest ancestor with `[workspace]` that does not exclude it.
 */
export function findWorkspaceRoot(host: Host, manifestFile: string, manifest: Manifest, problems: Problem[], stage: Stage = untimed): string {
  if (manifest.workspace) return manifestFile;
  const dir = dirname(manifestFile);
  if (manifest.package?.workspace) return join(resolve(dir, manifest.package.workspace), "Cargo.toml");
  let first = true;
  for (const ancestor of ancestors(dir)) {
    if (first) {
      first = false;
      continue;
    }
    const candidate = join(ancestor, "Cargo.toml");
    if (host.kind(candidate) !== "file") continue;
    let text: string;
    try {
      text = host.readText(candidate);
    } catch {
      continue;
    }
    if (!/^\s*\[workspace[\].]/m.test(text)) continue;
    const parsed = readManifest(host, candidate, [], stage);
    const ws = parsed?.workspace;
    if (!ws) continue;
    // cargo's WorkspaceRootConfig::is_excluded: an explicit member wins over exclude.
    const explicitMember = ws.members.some((m) => !hasGlob(m) && isInside(dir, resolve(ancestor, m)));
    const excluded = ws.exclude.some((e) => isInside(dir, resolve(ancestor, e)));
    if (excluded && !explicitMember) continue;
    return candidate;
  }
  return manifestFile;
}

function resolverFor(manifest: Manifest, problems: Problem[]): ResolverVersion {
  const explicit = manifest.workspace?.resolver ?? manifest.package?.resolver;
  if (explicit !== undefined) {
    if (explicit === "1" || explicit === "2" || explicit === "3") return explicit;
    problems.push({
      severity: "warning",
      code: "manifest-invalid-entry",
      message: `unknown resolver "${explicit}"; assuming "2"`,
      file: manifest.file,
      position: manifest.workspace ? { line: manifest.workspace.span.line, column: manifest.workspace.span.column } : undefined,
    });
    return "2";
  }
  // A root package's `edition.workspace = true` inherits its own `[workspace.package]` edition.
  const edition = editionOf(manifest, manifest);
  // The edition implies the resolver only for a root package, never for a virtual workspace.
  if (!manifest.package) return "1";
  return edition === "2024" ? "3" : edition === "2021" ? "2" : "1";
}

function editionOf(manifest: Manifest, root: Manifest | undefined): string {
  const edition = manifest.package?.edition;
  if (!edition) return "2015";
  if ("value" in edition) return edition.value;
  return root?.workspace?.package.edition ?? "2015";
}

/**
 * One effective dependency, every field written out in one order: spreading declarations of varying shapes and
 * then overriding fields gave each result its own hidden class, and building them dominated loading a large workspace.
 */
function effectiveDependency(decl: DependencyDecl, from: DependencyDecl, pathDir: string | undefined, inheritedFrom: EffectiveDependency["inheritedFrom"], defaultFeatures: boolean | undefined, features: string[]): EffectiveDependency {
  return {
    key: decl.key,
    package: from.package,
    kind: decl.kind,
    target: decl.target,
    version: from.version,
    path: from.path,
    git: from.git,
    branch: from.branch,
    tag: from.tag,
    rev: from.rev,
    registry: from.registry,
    workspace: decl.workspace,
    defaultFeatures,
    defaultFeaturesKey: from.defaultFeaturesKey,
    features,
    optional: decl.optional,
    span: decl.span,
    keyPath: decl.keyPath,
    pathDir,
    inheritedFrom,
  };
}

/** Applies `workspace = true` inheritance and resolves path dependencies to directories. */
function effectiveDependencies(manifest: Manifest, root: Manifest, rootDir: string, problems: Problem[]): EffectiveDependency[] {
  const dir = dirname(manifest.file);
  const inheritable = workspaceDependencyByKey(root);
  const result: EffectiveDependency[] = [];
  for (const decl of manifest.dependencies) {
    if (!decl.workspace) {
      result.push(effectiveDependency(decl, decl, decl.path !== undefined ? resolve(dir, decl.path) : undefined, undefined, decl.defaultFeatures, decl.features));
      continue;
    }
    const base = inheritable.get(decl.key);
    if (!base) {
      problems.push({
        severity: "error",
        code: "workspace-dependency-missing",
        message: `dependency \`${decl.key}\` has \`workspace = true\`, but \`[workspace.dependencies]\` has no \`${decl.key}\``,
        file: manifest.file,
        position: { line: decl.span.line, column: decl.span.column },
        hint: `add \`${decl.key}\` to [workspace.dependencies] in ${join(rootDir, "Cargo.toml")}`,
      });
      continue;
    }
    // Cargo: features are the union, default-features comes from the workspace entry, optional from the member.
    // A member may turn on the defaults a workspace entry turned off; turning them off is ignored (cargo warns).
    const defaultFeatures = base.defaultFeatures === false && decl.defaultFeatures === true ? true : base.defaultFeatures;
    const pathDir = base.path !== undefined ? resolve(rootDir, base.path) : undefined;
    result.push(effectiveDependency(decl, base, pathDir, { file: root.file, span: base.span }, defaultFeatures, [...new Set([...base.features, ...decl.features])]));
  }
  return result;
}

function toLocalPackage(manifest: Manifest, root: Manifest, rootDir: string, isMember: boolean, problems: Problem[]): LocalPackage | undefined {
  const name = manifest.package?.name;
  if (!manifest.package || name === undefined) {
    if (manifest.package?.nameInvalid) return undefined;
    problems.push({
      severity: "error",
      code: "manifest-missing-package-name",
      message: manifest.package ? "`[package]` has no `name`" : "manifest has no `[package]` section",
      file: manifest.file,
      position: manifest.package ? { line: manifest.package.span.line, column: manifest.package.span.column } : undefined,
    });
    return undefined;
  }
  const version = manifest.package.version;
  return {
    name,
    version: version === undefined ? undefined : "value" in version ? version.value : root.workspace?.package.version,
    edition: editionOf(manifest, root),
    dir: dirname(manifest.file),
    manifest,
    dependencies: effectiveDependencies(manifest, root, rootDir, problems),
    isMember,
  };
}

/** The root directory of the workspace containing `input`, without loading its members; undefined when none. */
export function workspaceRootOf(host: Host, input: string): string | undefined {
  const start = locateManifest(host, input);
  if (!start) return undefined;
  const manifest = readManifest(host, start, []);
  return manifest ? dirname(findWorkspaceRoot(host, start, manifest, [])) : undefined;
}

/** Loads the workspace that contains `input`. Never throws on bad input: failures become problems. */
export function loadWorkspace(host: Host, input: string, stage: Stage = untimed): Workspace | { problems: Problem[] } {
  const problems: Problem[] = [];
  const start = locateManifest(host, input);
  if (!start) {
    const kind = host.kind(resolve(input));
    problems.push({
      severity: "error",
      code: kind === "missing" ? "path-not-found" : "manifest-not-found",
      message: kind === "missing" ? "no such file or directory" : "could not find Cargo.toml in this directory or any parent directory",
      file: resolve(input),
    });
    return { problems };
  }
  const startManifest = readManifest(host, start, problems, stage);
  if (!startManifest) return { problems };
  const rootFile = findWorkspaceRoot(host, start, startManifest, problems, stage);
  const rootManifest = rootFile === start ? startManifest : readManifest(host, rootFile, problems, stage);
  if (!rootManifest) return { problems };
  if (!rootManifest.package && !rootManifest.workspace) {
    // cargo: "virtual manifests must be configured with [workspace]" / "missing field `package`".
    problems.push({ severity: "error", code: "manifest-missing-package-name", message: "manifest has neither `[package]` nor `[workspace]`", file: rootManifest.file });
    return { problems };
  }
  const root = dirname(rootFile);

  const members: LocalPackage[] = [];
  const memberDirs = new Set<string>();
  const addMember = (manifest: Manifest) => {
    const dir = dirname(manifest.file);
    if (memberDirs.has(dir)) return;
    memberDirs.add(dir);
    const pkg = toLocalPackage(manifest, rootManifest, root, true, problems);
    if (pkg) members.push(pkg);
  };

  const ws = rootManifest.workspace;
  const excluded = (dir: string) => (ws?.exclude ?? []).some((e) => isInside(dir, resolve(root, e)));
  if (rootManifest.package) addMember(rootManifest);
  const pending: string[] = [];
  for (const pattern of ws?.members ?? []) {
    const dirs = hasGlob(pattern) ? expandMemberPattern(host, root, pattern) : [resolve(root, pattern)];
    if (dirs.length === 0 || (!hasGlob(pattern) && host.kind(dirs[0]!) !== "dir")) {
      problems.push({
        severity: "error",
        code: "workspace-member-missing",
        message: hasGlob(pattern) ? `member pattern "${pattern}" matches no directory` : `member "${pattern}" does not exist`,
        file: rootManifest.file,
        position: ws?.membersSpan ? { line: ws.membersSpan.line, column: ws.membersSpan.column } : undefined,
      });
      continue;
    }
    for (const dir of dirs) {
      if (!isInside(dir, root)) {
        problems.push({
          severity: "error",
          code: "workspace-member-outside-root",
          message: `member "${relative(root, dir)}" lies outside the workspace root`,
          file: rootManifest.file,
          position: ws?.membersSpan ? { line: ws.membersSpan.line, column: ws.membersSpan.column } : undefined,
        });
        continue;
      }
      if (excluded(dir)) continue;
      pending.push(dir);
    }
  }
  // The root itself is read already: a member that is the root through a symlink (`crates/loop -> ..`) is skipped.
  const loaded = new Set<string>([host.realPath(root)]);
  const loadMemberDir = (dir: string) => {
    const real = host.realPath(dir);
    if (loaded.has(real) || memberDirs.has(dir)) return;
    loaded.add(real);
    const file = join(dir, "Cargo.toml");
    if (host.kind(file) === "missing") {
      problems.push({
        severity: "error",
        code: "workspace-member-missing",
        message: `workspace member "${relative(root, dir) || "."}" has no Cargo.toml`,
        file: rootManifest.file,
        position: ws?.membersSpan ? { line: ws.membersSpan.line, column: ws.membersSpan.column } : undefined,
      });
      return;
    }
    const manifest = readManifest(host, file, problems, stage);
    if (manifest) addMember(manifest);
  };
  for (const dir of pending) loadMemberDir(dir);

  // Path dependencies inside the root become members (cargo's find_path_deps); the others are local packages.
  const pathPackages: LocalPackage[] = [];
  const pathDirs = new Set<string>();
  const queue = [...members];
  const addPathPackage = (dir: string) => {
    pathDirs.add(dir);
    const manifest = readManifest(host, join(dir, "Cargo.toml"), problems, stage);
    const local = manifest && toLocalPackage(manifest, manifest.workspace ? manifest : rootManifest, root, false, problems);
    if (local) {
      pathPackages.push(local);
      queue.push(local);
    }
  };
  // A `[patch]` to a path replaces the registry crate with that local one: its manifest is the crate's metadata.
  for (const patch of rootManifest.patches) {
    if (patch.path === undefined) continue;
    const dir = resolve(root, patch.path);
    if (host.kind(join(dir, "Cargo.toml")) === "missing") {
      problems.push({
        severity: "error",
        code: "path-dependency-missing",
        message: `patch \`${patch.key}\` points to ${relative(root, dir) || "."}, which has no Cargo.toml`,
        file: rootManifest.file,
        position: { line: patch.span.line, column: patch.span.column },
      });
      continue;
    }
    if (!memberDirs.has(dir) && !pathDirs.has(dir)) addPathPackage(dir);
  }
  while (queue.length > 0) {
    const pkg = queue.shift()!;
    for (const dep of pkg.dependencies) {
      if (dep.pathDir === undefined) continue;
      if (host.kind(join(dep.pathDir, "Cargo.toml")) === "missing") {
        problems.push({
          severity: "error",
          code: "path-dependency-missing",
          message: `path dependency \`${dep.key}\` points to ${relative(pkg.dir, dep.pathDir) || "."}, which has no Cargo.toml`,
          file: dep.inheritedFrom?.file ?? pkg.manifest.file,
          position: dep.inheritedFrom ? { line: dep.inheritedFrom.span.line, column: dep.inheritedFrom.span.column } : { line: dep.span.line, column: dep.span.column },
        });
        continue;
      }
      if (memberDirs.has(dep.pathDir) || pathDirs.has(dep.pathDir)) continue;
      if (ws && pkg.isMember && isInside(dep.pathDir, root) && !excluded(dep.pathDir)) {
        const before = members.length;
        loadMemberDir(dep.pathDir);
        if (members.length > before) queue.push(members[members.length - 1]!);
        continue;
      }
      addPathPackage(dep.pathDir);
    }
  }

  if (rootFile !== start && startManifest.package && !memberDirs.has(dirname(start))) {
    problems.push({
      severity: "error",
      code: "workspace-not-member",
      message: `package believes it is in the workspace at ${rootFile}, but that workspace does not list it as a member`,
      file: start,
      hint: "add it to `workspace.members` or `workspace.exclude` of the root manifest",
    });
  }

  // A target key cargo cannot parse makes cargo reject the manifest; we say so and keep the dependency everywhere.
  for (const pkg of [...members, ...pathPackages]) {
    for (const decl of pkg.manifest.dependencies) {
      if (decl.target === null) continue;
      try {
        parseCfg(decl.target);
      } catch (error) {
        if (!(error instanceof CfgParseError)) throw error;
        problems.push({ ...error.toProblem({ file: pkg.manifest.file, severity: "warning" }), position: { line: decl.span.line, column: decl.span.column }, message: `${error.message}; the dependency is kept for every target` });
      }
    }
  }

  const lockfilePath = join(root, "Cargo.lock");
  let lockfile: Workspace["lockfile"];
  let lockPath: string | null = null;
  if (host.kind(lockfilePath) === "missing") {
    problems.push({
      severity: "warning",
      code: "lockfile-missing",
      message: "no Cargo.lock; auditing the manifests alone (transitive dependencies are not visible)",
      file: lockfilePath,
      hint: "run `cargo generate-lockfile` for a complete audit",
    });
  } else {
    lockPath = lockfilePath;
    try {
      const lockText = host.readText(lockfilePath);
      const decoded = stage("parse lock", () => decodeLockfile(lockText, lockfilePath));
      for (const problem of decoded.problems) problems.push(problem);
      if (decoded.lockfile.packages.length === 0) {
        // A lock without packages describes nothing: audit the manifests, as without a lock, rather than nothing.
        problems.push({ severity: "warning", code: "lockfile-missing", message: "Cargo.lock lists no packages; auditing the manifests alone", file: lockfilePath, hint: "run `cargo generate-lockfile` for a complete audit" });
      } else lockfile = decoded.lockfile;
    } catch (error) {
      problems.push(toProblem(error, lockfilePath));
    }
  }

  return {
    root,
    rootManifest,
    members: members.sort((a, b) => a.dir.localeCompare(b.dir)),
    pathPackages,
    resolver: resolverFor(rootManifest, problems),
    lockfilePath: lockPath,
    lockfile,
    problems,
  };
}

export function isWorkspace(value: Workspace | { problems: Problem[] }): value is Workspace {
  return "root" in value;
}

