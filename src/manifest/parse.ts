// Cargo.toml text → typed Manifest with spans. smol-toml reads the data; toml-eslint-parser, which keeps source
// positions but is several times slower, runs only when a span is first read or when smol-toml refuses the text.
import { getStaticTOMLValue, ParseError, type AST } from "toml-eslint-parser";
import { memoByText } from "../util/memo-by-text.js";
import { tomlData, tomlProgram } from "./toml-ast.js";
import { locateKeys, type KeyPosition } from "./key-locator.js";
import { InputError, positionAt, rejectConflictMarkers, type Problem, type SourcePosition } from "../problems.js";
import { EXPECTED, invalidTypeMessage } from "../util/invalid-type.js";
import type { DependencyDecl, DependencyKind, Manifest, MaybeInherited, SourceSpan, WorkspaceSection } from "./model.js";

export interface ParseManifestResult {
  manifest: Manifest;
  /** Entries cargo rejects (errors: the run exits 2) or ignores; each is skipped, the rest stays usable. */
  problems: Problem[];
}

type Table = Record<string, unknown>;

/** Every key of the document with its full key path, in source order, inline tables included. */
interface KeyEntry {
  path: string[];
  node: AST.TOMLKeyValue | AST.TOMLTable;
}

function collectEntries(program: AST.TOMLProgram): KeyEntry[] {
  const entries: KeyEntry[] = [];
  const visitKeyValue = (prefix: string[], kv: AST.TOMLKeyValue) => {
    const path = [...prefix, ...kv.key.keys.map((k) => (k.type === "TOMLBare" ? k.name : k.value))];
    entries.push({ path, node: kv });
    if (kv.value.type === "TOMLInlineTable") for (const inner of kv.value.body) visitKeyValue(path, inner);
  };
  for (const item of program.body[0].body) {
    if (item.type === "TOMLKeyValue") {
      visitKeyValue([], item);
    } else {
      const prefix = item.resolvedKey.map(String);
      entries.push({ path: prefix, node: item });
      for (const kv of item.body) visitKeyValue(prefix, kv);
    }
  }
  return entries;
}

const DEPENDENCY_TABLES: [string, DependencyKind][] = [
  ["dependencies", "normal"],
  ["dev-dependencies", "dev"],
  ["dev_dependencies", "dev"],
  ["build-dependencies", "build"],
  ["build_dependencies", "build"],
];

function isTable(value: unknown): value is Table {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/** The longest key path spanOf looks up: `target.<cfg>.dependencies.<name>`. */
const SPAN_PATH_DEPTH = 4;

/** Where brackets and braces first nest 64 deep (a rough scan that skips comments and one-line strings), for the message. */
function deepNesting(text: string): SourcePosition | undefined {
  let depth = 0;
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === "\\" && quote === '"') i++;
      else if (c === quote || c === "\n") quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === "#") i = text.indexOf("\n", i) === -1 ? text.length : text.indexOf("\n", i);
    else if (c === "[" || c === "{") {
      if (++depth > 64) return positionAt(text, i);
    } else if (c === "]" || c === "}") depth = Math.max(0, depth - 1);
  }
  return undefined;
}

/**
 * Parses Cargo.toml. Throws `InputError` on TOML syntax errors and conflict markers. Parses of unchanged manifests
 * are reused (a --write re-audit reads the same files again): treat the manifest as read-only.
 */
export const parseManifest = memoByText(512, parseManifestUncached);

/** The document read with positions: its data, and every key in source order. Throws `InputError` on bad TOML. */
function locate(text: string, file: string): { doc: Table; entries: KeyEntry[] } {
  try {
    const program = tomlProgram(text);
    return { doc: getStaticTOMLValue(program) as Table, entries: collectEntries(program) };
  } catch (error) {
    if (error instanceof ParseError) {
      throw new InputError({
        severity: "error",
        code: "toml-syntax",
        message: `invalid TOML: ${error.message}`,
        file,
        position: { line: error.lineNumber, column: error.column + 1 },
      });
    }
    throw tooDeep(error, text, file);
  }
}

/**
 * The parsers and the AST walks recurse once per level of arrays and inline tables: some thousands of levels
 * (a few kB of `[[[[`) overflow the stack. No real manifest nests more than a handful.
 */
function tooDeep(error: unknown, text: string, file: string): unknown {
  if (error instanceof RangeError && /call stack/i.test(error.message)) {
    return new InputError({ severity: "error", code: "toml-syntax", message: "invalid TOML: arrays or inline tables are nested too deeply", file, position: deepNesting(text) });
  }
  return error;
}

/** A span whose fields are found on first read: most manifests never show one. */
function lazySpan(find: () => SourceSpan): SourceSpan {
  let found: SourceSpan | undefined;
  const field = (name: keyof SourceSpan) => ({ enumerable: true, get: () => (found ??= find())[name] });
  return Object.defineProperties({} as SourceSpan, { line: field("line"), column: field("column") });
}

function parseManifestUncached(text: string, file: string): ParseManifestResult {
  rejectConflictMarkers(text, file, "Cargo.toml", "resolve the conflict, then refresh the lock with `cargo update -w`");
  let doc: Table;
  let located: { doc: Table; entries: KeyEntry[] } | undefined;
  try {
    doc = tomlData(text);
  } catch (error) {
    const deep = tooDeep(error, text, file);
    if (deep !== error) throw deep;
    // smol-toml refused the text: toml-eslint-parser says why, in the words and at the position users are shown.
    located = locate(text, file);
    doc = located.doc;
  }
  const problems: Problem[] = [];

  // The first entry (in source order) under each key path of up to SPAN_PATH_DEPTH keys (all spanOf asks for): a
  // linear search per dependency was quadratic (seconds for a manifest with thousands of dependencies), and indexing
  // every prefix of a long dotted key (`a.a.a.…`) would be quadratic again.
  // Only the spans are kept, not the AST: a manifest stays in memory (and in the parse cache) for the whole run.
  type Located = { path: string[]; span: SourceSpan };
  let index: { entries: Located[]; firstUnder: Map<string, Located> } | undefined;
  const positions = () => {
    if (index) return index;
    let entries: Located[] = [];
    try {
      entries = (located ?? locate(text, file)).entries.map(({ path, node }) => ({
        path,
        span: { line: node.loc.start.line, column: node.loc.start.column + 1 },
      }));
    } catch {
      // Only if the two parsers disagree on what is valid TOML: spans fall back to the start of the file.
    }
    located = undefined;
    const firstUnder = new Map<string, Located>();
    for (const entry of entries) {
      for (let length = 1; length <= Math.min(entry.path.length, SPAN_PATH_DEPTH); length++) {
        const key = JSON.stringify(entry.path.slice(0, length));
        if (!firstUnder.has(key)) firstUnder.set(key, entry);
      }
    }
    return (index = { entries, firstUnder });
  };
  // Entries whose place the data confirms (key-locator.ts) need no parse with positions: found for every key path
  // asked for so far, on the first span read.
  const asked: string[][] = [];
  let quick: Map<string, KeyPosition> | undefined;
  const findSpan = (prefix: string[]): SourceSpan => {
    quick ??= index ? new Map() : locateKeys(text, doc, asked);
    const known = quick.get(JSON.stringify(prefix));
    if (known) return { line: known.line, column: known.column };
    const { entries, firstUnder } = positions();
    const entry =
      prefix.length === 0 ? entries[0]
      : prefix.length <= SPAN_PATH_DEPTH ? firstUnder.get(JSON.stringify(prefix))
      : entries.find((e) => prefix.length <= e.path.length && prefix.every((part, i) => e.path[i] === part));
    return entry ? { ...entry.span } : { line: 1, column: 1 };
  };
  const spanOf = (prefix: string[]): SourceSpan => {
    asked.push(prefix);
    return lazySpan(() => findSpan(prefix));
  };
  // Cargo refuses the whole manifest for a value of the wrong type; we report it as cargo does, skip the value, and
  // audit the rest, which stays sound for every entry that is read.
  // The position stays lazy until every key path is asked for: read at once, the first one would make the key locator
  // answer for that path only, and every later one fall back to the slow parser (minutes for 200,000 bad entries).
  const invalid = (keyPath: string[], value: unknown, expected: string) => {
    problems.push({ severity: "error", code: "manifest-invalid-type", message: invalidTypeMessage(keyPath, value, expected), file, position: spanOf(keyPath) });
  };
  const table = (value: unknown, keyPath: string[]): Table | undefined => {
    if (value === undefined) return undefined;
    if (isTable(value)) return value;
    invalid(keyPath, value, EXPECTED.map);
    return undefined;
  };
  /** The strings of an array, reporting the array or any item that is not one. */
  const strings = (value: unknown, keyPath: string[]): string[] | undefined => {
    if (value === undefined) return undefined;
    if (!Array.isArray(value)) {
      invalid(keyPath, value, EXPECTED.sequence);
      return undefined;
    }
    const bad = value.find((item) => typeof item !== "string");
    if (bad !== undefined) invalid(keyPath, bad, EXPECTED.string);
    return value.filter((item): item is string => typeof item === "string");
  };
  const string = (value: unknown, keyPath: string[], expected: string = EXPECTED.string): string | undefined => {
    if (value === undefined || typeof value === "string") return value;
    invalid(keyPath, value, expected);
    return undefined;
  };
  const inheritable = (value: unknown, keyPath: string[], expected: string): MaybeInherited<string> | undefined => {
    if (isTable(value) && value.workspace === true) return { inherited: true };
    const text = string(value, keyPath, expected);
    return text === undefined ? undefined : { value: text };
  };
  // Appends to `decls` one by one: spreading a table of 200,000 entries into push() overflows the stack.
  const readDependencies = (value: unknown, tablePath: string[], kind: DependencyKind, target: string | null, decls: DependencyDecl[] = []): DependencyDecl[] => {
    const deps = table(value, tablePath);
    if (!deps) return decls;
    for (const [key, spec] of Object.entries(deps)) {
      const keyPath = [...tablePath, key];
      const decl = readDependency(key, spec, keyPath, kind, target, spanOf(keyPath), { invalid, string, strings });
      if (decl) decls.push(decl);
    }
    return decls;
  };

  const manifest: Manifest = { file, text, dependencies: [], patches: [], features: {} };

  for (const [tableName, kind] of DEPENDENCY_TABLES) {
    readDependencies(doc[tableName], [tableName], kind, null, manifest.dependencies);
  }
  for (const [target, section] of Object.entries(table(doc.target, ["target"]) ?? {})) {
    if (!isTable(section)) {
      invalid(["target", target], section, EXPECTED.platform);
      continue;
    }
    const platform = section;
    for (const [tableName, kind] of DEPENDENCY_TABLES) {
      readDependencies(platform[tableName], ["target", target, tableName], kind, target, manifest.dependencies);
    }
  }

  for (const [source, entries] of Object.entries(table(doc.patch, ["patch"]) ?? {})) {
    readDependencies(entries, ["patch", source], "normal", null, manifest.patches);
  }

  // `[project]` is the pre-2018 spelling of `[package]`; cargo still reads it.
  const packageKey = doc.package !== undefined ? "package" : doc.project !== undefined ? "project" : undefined;
  const pkg = packageKey && table(doc[packageKey], [packageKey]);
  if (packageKey && pkg) {
    const at = (key: string) => [packageKey, key];
    manifest.package = {
      name: string(pkg.name, at("name")),
      nameInvalid: pkg.name !== undefined && typeof pkg.name !== "string",
      version: inheritable(pkg.version, at("version"), EXPECTED.semver),
      edition: inheritable(pkg.edition, at("edition"), EXPECTED.inheritableString),
      span: spanOf([packageKey]),
    };
    if (packageKey === "package") {
      manifest.package.workspace = string(pkg.workspace, at("workspace"));
      manifest.package.resolver = string(pkg.resolver, at("resolver"));
    }
  }

  const ws = table(doc.workspace, ["workspace"]);
  if (ws) {
    const at = (key: string) => ["workspace", key];
    const wsPackage = table(ws.package, at("package")) ?? {};
    const section: WorkspaceSection = {
      members: strings(ws.members, at("members")) ?? [],
      exclude: strings(ws.exclude, at("exclude")) ?? [],
      defaultMembers: strings(ws["default-members"], at("default-members")),
      resolver: string(ws.resolver, at("resolver")),
      dependencies: readDependencies(ws.dependencies, at("dependencies"), "normal", null),
      package: {
        version: string(wsPackage.version, ["workspace", "package", "version"], EXPECTED.semver),
        edition: string(wsPackage.edition, ["workspace", "package", "edition"]),
      },
      span: spanOf(["workspace"]),
      membersSpan: ws.members === undefined ? undefined : spanOf(at("members")),
    };
    manifest.workspace = section;
  }

  for (const [name, list] of Object.entries(table(doc.features, ["features"]) ?? {})) {
    const values = strings(list, ["features", name]);
    if (values) manifest.features[name] = values;
  }
  if (isTable(doc.lib) && (doc.lib["proc-macro"] === true || doc.lib.proc_macro === true)) manifest.procMacro = true;
  // Problems are plain data (compared, serialised, cached): their lazy spans become plain positions now.
  for (const problem of problems) problem.position &&= { line: problem.position.line, column: problem.position.column };
  return { manifest, problems };
}

/** The checks readDependency shares with the rest of the manifest: each reports a wrong type and skips the value. */
interface TypeChecks {
  invalid(keyPath: string[], value: unknown, expected: string): void;
  string(value: unknown, keyPath: string[]): string | undefined;
  strings(value: unknown, keyPath: string[]): string[] | undefined;
}

function readDependency(
  key: string,
  spec: unknown,
  keyPath: string[],
  kind: DependencyKind,
  target: string | null,
  span: SourceSpan,
  check: TypeChecks,
): DependencyDecl | undefined {
  const decl: DependencyDecl = { key, package: key, kind, target, workspace: false, features: [], optional: false, span, keyPath };
  if (typeof spec === "string") {
    decl.version = spec;
    return decl;
  }
  if (!isTable(spec)) {
    check.invalid(keyPath, spec, EXPECTED.dependency);
    return undefined;
  }
  // The key path of a field is made only for a value of the wrong type: a large workspace has thousands of entries.
  const str = (name: string): string | undefined => {
    const value = spec[name];
    return value === undefined || typeof value === "string" ? value : check.string(value, [...keyPath, name]);
  };
  const bool = (name: string): boolean | undefined => {
    const value = spec[name];
    if (value === undefined || typeof value === "boolean") return value;
    check.invalid([...keyPath, name], value, EXPECTED.boolean);
    return undefined;
  };
  decl.version = str("version");
  decl.path = str("path");
  decl.git = str("git");
  decl.branch = str("branch");
  decl.tag = str("tag");
  decl.rev = str("rev");
  decl.registry = str("registry");
  decl.package = str("package") ?? key;
  decl.workspace = bool("workspace") ?? false;
  decl.optional = bool("optional") ?? false;
  // Cargo accepts both spellings; the hyphenated one wins if both are given.
  if (spec["default-features"] !== undefined) {
    decl.defaultFeatures = bool("default-features");
    decl.defaultFeaturesKey = "default-features";
  } else if (spec.default_features !== undefined) {
    decl.defaultFeatures = bool("default_features");
    decl.defaultFeaturesKey = "default_features";
  }
  decl.features = check.strings(spec.features, [...keyPath, "features"]) ?? [];
  return decl;
}
