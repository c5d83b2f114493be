// Cargo.lock wire format (v1–v4) → the normalised model. All format quirks stay in this file.
// Mirrors rustsec's cargo-lock `encoding.rs` and cargo's `EncodableResolve`.
import { parse as parseToml, TomlError } from "smol-toml";
import { InputError, positionAt, rejectConflictMarkers, type Problem, type SourcePosition } from "../problems.js";
import { describeValue, EXPECTED } from "../util/invalid-type.js";
import { memoByText } from "../util/memo-by-text.js";
import { readCanonicalLock } from "./canonical.js";
import type { LockedPackage, Lockfile } from "./model.js";

export interface DecodeResult {
  lockfile: Lockfile;
  /** Sound-but-odd content: dangling dependency strings, duplicate packages. */
  problems: Problem[];
}

interface RawPackage {
  name?: unknown;
  version?: unknown;
  source?: unknown;
  checksum?: unknown;
  dependencies?: unknown;
}

/** A parsed dependency string: `name`, `name version` or `name version (source)`. */
export interface DependencyRef {
  name: string;
  version?: string;
  source?: string;
}

/** A `dependencies` item of Cargo.lock: `name`, `name version` or `name version (source)`. */
export function parseDependencyRef(text: string): DependencyRef | undefined {
  // Most references are a bare name or `name version` (v3+ write only what disambiguates): no pattern needed.
  if (text !== "" && !/\s/.test(text)) return { name: text };
  const space = text.indexOf(" ");
  const name = text.slice(0, space);
  const version = text.slice(space + 1);
  if (space > 0 && version !== "" && !version.startsWith("(") && !/\s/.test(name) && !/\s/.test(version)) return { name, version };
  const match = /^(\S+)(?: (\S+))?(?: \((.+)\))?$/.exec(text.trim());
  if (!match) return undefined;
  return { name: match[1]!, version: match[2], source: match[3] };
}

function fail(file: string, message: string, line?: number, column?: number, hint?: string): never {
  throw new InputError({
    severity: "error",
    code: "lockfile-invalid",
    message,
    file,
    position: line !== undefined ? { line, column: column ?? 1 } : undefined,
    hint,
  });
}

/**
 * Finds the line of the `occurrence`-th `[[package]]` entry for `name`/`version`, for diagnostics. The index is built
 * once per file: scanning the text for each warning made a lock with thousands of them quadratic (minutes for 1.5 MB).
 */
function packageLineFinder(text: string): (name: string, version?: string, occurrence?: number) => number | undefined {
  let index: Map<string, number[]> | undefined;
  const add = (key: string, line: number) => {
    const lines = index!.get(key);
    if (lines) lines.push(line);
    else index!.set(key, [line]);
  };
  return (name, version, occurrence = 0) => {
    if (!index) {
      index = new Map();
      const lines = text.split("\n");
      for (let i = 0; i < lines.length; i++) {
        const nameMatch = /^name = "(.*)"$/.exec(lines[i]!.trim());
        if (!nameMatch) continue;
        add(`${nameMatch[1]}\0`, i + 1);
        const versionMatch = /^version = "(.*)"$/.exec(lines[i + 1]?.trim() ?? "");
        if (versionMatch) add(`${nameMatch[1]}\0${versionMatch[1]}`, i + 1);
      }
    }
    return index.get(`${name}\0${version ?? ""}`)?.[occurrence];
  };
}

/**
 * Where the `index`-th `[[package]]` entry is, and a key in it, for errors about its content: its header in the
 * order written (the order of the array), or the `package` key when the entries are not written as headers.
 */
function entryLocator(text: string): { entry(index: number): SourcePosition | undefined; key(index: number, key: string): SourcePosition | undefined } {
  let headers: number[] | undefined;
  const headerAt = (index: number) => (headers ??= [...text.matchAll(/^[ \t]*\[\[[ \t]*package[ \t]*\]\]/gm)].map((m) => m.index))[index];
  const packageKey = () => /^[ \t]*package[ \t]*=/m.exec(text)?.index;
  return {
    entry(index) {
      const at = headerAt(index) ?? packageKey();
      return at === undefined ? undefined : positionAt(text, at);
    },
    key(index, key) {
      const start = headerAt(index);
      if (start === undefined) return this.entry(index);
      const bodyStart = text.indexOf("\n", start) + 1 || text.length;
      const next = /^[ \t]*\[/m.exec(text.slice(bodyStart));
      const body = text.slice(start, next ? bodyStart + next.index : text.length);
      const found = new RegExp(`^[ \\t]*"?${key}"?[ \\t]*=`, "m").exec(body);
      return positionAt(text, start + (found ? found.index + found[0].length - found[0].trimStart().length : 0));
    },
  };
}

/**
 * Decodes Cargo.lock text. Throws `InputError` when the file cannot be used at all
 * (TOML errors, conflict markers, unknown version, packages without name or version).
 * Decodes of the last few texts are reused (the re-audits that verify fixes read the same lock again): treat the
 * lockfile as read-only.
 */
export const decodeLockfile = memoByText(4, decodeLockfileUncached);

function decodeLockfileUncached(text: string, file: string): DecodeResult {
  rejectConflictMarkers(text, file, "Cargo.lock", "resolve the conflict in Cargo.toml if any, then regenerate the lock with `cargo update -w`");
  let doc: Record<string, unknown>;
  try {
    const body = text.startsWith("\uFEFF") ? text.slice(1) : text;
    doc = readCanonicalLock(body) ?? (parseToml(body) as Record<string, unknown>);
  } catch (error) {
    if (error instanceof TomlError) {
      let reason = error.message.split("\n")[0]!.replace(/^Invalid TOML document: /, "");
      // smol-toml calls a string left open at the end of its line a control character (the line break).
      const line = (text.split("\n")[error.line - 1] ?? "").replace(/\r$/, "");
      if (/control characters/.test(reason) && error.column > line.length) reason = "unterminated string (a quoted string must end on its line)";
      fail(file, `invalid TOML: ${reason}`, error.line, error.column);
    }
    throw error;
  }

  const problems: Problem[] = [];
  const packageLine = packageLineFinder(text);
  const metadata = (doc.metadata ?? {}) as Record<string, unknown>;
  const v1Checksums = new Map<string, string>();
  for (const [key, value] of Object.entries(metadata)) {
    // v1: "checksum name version (source)" = "hash"
    const m = /^checksum (.+)$/.exec(key);
    if (m && typeof value === "string") v1Checksums.set(m[1]!, value);
  }
  let version: Lockfile["version"];
  if (doc.version === undefined) {
    version = v1Checksums.size > 0 ? 1 : 2;
  } else if (doc.version === 3 || doc.version === 4) {
    version = doc.version;
  } else {
    const line = text.split("\n").findIndex((l) => /^version\s*=/.test(l)) + 1;
    fail(
      file,
      `unsupported lockfile version ${JSON.stringify(doc.version)} (supported: 1 to 4)`,
      line || undefined,
      1,
      "a newer cargo wrote this lockfile; please report it so support can be added",
    );
  }

  const rawPackages = doc.package ?? [];
  const locate = entryLocator(text);
  const failAt = (position: SourcePosition | undefined, message: string): never => fail(file, message, position?.line, position?.column);
  if (!Array.isArray(rawPackages)) failAt(locate.entry(0), "`package` must be an array of tables ([[package]])");
  // As cargo's EncodableDependency: an entry without a string name or version, or with a `dependencies` that is not
  // an array of strings, makes the whole lock unreadable.
  (rawPackages as unknown[]).forEach((raw, index) => {
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return failAt(locate.entry(index), `[[package]] entry: invalid type: ${describeValue(raw)}, expected a map`);
    const entry = raw as RawPackage;
    for (const key of ["name", "version"] as const) {
      if (entry[key] === undefined) failAt(locate.entry(index), `[[package]] entry: missing field \`${key}\``);
      if (typeof entry[key] !== "string") failAt(locate.key(index, key), `[[package]] entry: \`${key}\`: invalid type: ${describeValue(entry[key])}, expected ${EXPECTED.string}`);
    }
    if (entry.dependencies === undefined) return;
    if (!Array.isArray(entry.dependencies)) return failAt(locate.key(index, "dependencies"), `package ${entry.name} ${entry.version}: \`dependencies\`: invalid type: ${describeValue(entry.dependencies)}, expected ${EXPECTED.sequence}`);
    const bad = entry.dependencies.find((dep) => typeof dep !== "string");
    if (bad !== undefined) failAt(locate.key(index, "dependencies"), `package ${entry.name} ${entry.version}: \`dependencies\`: invalid type: ${describeValue(bad)}, expected ${EXPECTED.string}`);
  });

  const packages: LockedPackage[] = [];
  const byName = new Map<string, LockedPackage[]>();
  const seen = new Set<string>();
  /** How many entries with each name and version came before: the line of a duplicate is that occurrence's. */
  const entriesOf = new Map<string, number>();
  for (const raw of rawPackages as RawPackage[]) {
    // Checked above; the narrowing is for the compiler.
    if (typeof raw.name !== "string" || typeof raw.version !== "string") continue;
    const source = typeof raw.source === "string" ? raw.source : null;
    const key = `${raw.name} ${raw.version} ${source ?? ""}`;
    const occurrence = entriesOf.get(`${raw.name} ${raw.version}`) ?? 0;
    entriesOf.set(`${raw.name} ${raw.version}`, occurrence + 1);
    if (seen.has(key)) {
      problems.push({
        severity: "warning",
        code: "lockfile-duplicate-package",
        message: `package ${raw.name} ${raw.version} is listed twice; using the first entry`,
        file,
        // The repeated entry, not the first one.
        position: { line: packageLine(raw.name, raw.version, occurrence) ?? 1, column: 1 },
        hint: "regenerate the lock with `cargo update -w`",
      });
      continue;
    }
    seen.add(key);
    const pkg: LockedPackage = {
      id: packages.length,
      name: raw.name,
      version: raw.version,
      source,
      checksum: typeof raw.checksum === "string" ? raw.checksum : v1Checksums.get(`${raw.name} ${raw.version} (${source})`),
      dependencies: [],
    };
    packages.push(pkg);
    const list = byName.get(pkg.name);
    if (list) list.push(pkg);
    else byName.set(pkg.name, [pkg]);
  }

  // Second pass: dependency strings name packages by the shortest unambiguous form.
  let index = 0;
  for (const raw of rawPackages as RawPackage[]) {
    const pkg = packages[index];
    if (!pkg || pkg.name !== raw.name || pkg.version !== raw.version) continue; // a skipped duplicate
    index++;
    for (const dep of (raw.dependencies ?? []) as string[]) {
      const ref = parseDependencyRef(dep);
      const target = ref && resolveRef(ref, byName.get(ref.name) ?? []);
      if (target === "ambiguous") {
        problems.push({
          severity: "warning",
          code: "lockfile-ambiguous-dependency",
          message: `package ${pkg.name} ${pkg.version}: dependency "${dep}" matches several locked packages; keeping all of them`,
          file,
          position: { line: packageLine(pkg.name, pkg.version) ?? 1, column: 1 },
        });
        for (const candidate of candidates(ref!, byName.get(ref!.name) ?? [])) pkg.dependencies.push(candidate.id);
      } else if (target) {
        pkg.dependencies.push(target.id);
      } else {
        problems.push({
          severity: "warning",
          code: "lockfile-dangling-dependency",
          message: `package ${pkg.name} ${pkg.version}: dependency ${JSON.stringify(dep)} names no package in the lock; ignoring it`,
          file,
          position: { line: packageLine(pkg.name, pkg.version) ?? 1, column: 1 },
          hint: "regenerate the lock with `cargo update -w`",
        });
      }
    }
  }
  return { lockfile: { version, packages }, problems };
}

/** A dependency string names a git source without its `#commit` (cargo writes the source id, not the precise one). */
function sameSource(lockSource: string | null, refSource: string): boolean {
  return lockSource === refSource || (lockSource !== null && lockSource.split("#")[0] === refSource);
}

const matchesRef = (ref: DependencyRef, p: LockedPackage) => (ref.version === undefined || p.version === ref.version) && (ref.source === undefined || sameSource(p.source, ref.source));

function candidates(ref: DependencyRef, sameName: LockedPackage[]): LockedPackage[] {
  return sameName.filter((p) => matchesRef(ref, p));
}

function resolveRef(ref: DependencyRef, sameName: LockedPackage[]): LockedPackage | "ambiguous" | undefined {
  // One pass without a new array: a crate with several locked versions is asked about once per dependent.
  let only: LockedPackage | undefined;
  let matches = 0;
  for (const p of sameName) {
    if (!matchesRef(ref, p)) continue;
    only = p;
    matches++;
  }
  if (matches === 1) return only;
  if (matches === 0) return undefined;
  const found = candidates(ref, sameName);
  // v1 omits the source of path packages; prefer the path package when the rest matches.
  if (ref.source === undefined) {
    const local = found.filter((p) => p.source === null);
    if (local.length === 1) return local[0];
  }
  return "ambiguous";
}
