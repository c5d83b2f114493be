// tls-audit configuration: tls-audit.toml, .config/tls-audit.toml or [workspace|package.metadata.tls-audit] in Cargo.toml.
import { getStaticTOMLValue, ParseError, type AST } from "toml-eslint-parser";
import { tomlProgram } from "../manifest/toml-ast.js";
import type { Problem, SourcePosition } from "../problems.js";
import { isCargoReq } from "../util/cargo-semver.js";

export type ConfiguredSeverity = "error" | "warning" | "off";
/** The keys of `[severity]`: the three scopes, and `possible` (undecided findings; "error" for CI that wants certainty). */
export type SeverityKey = "normal" | "build" | "dev" | "possible";

export interface AllowEntry {
  /** The member's direct dependency the allowed path starts with. */
  dependency: string;
  /** Crates on the path this entry covers (any of them); empty for every path of that dependency. */
  crates: string[];
  member?: string;
  /** Cargo version requirement the dependency's locked version must meet. */
  version?: string;
  reason: string;
  /** Where the entry is written, for "no longer matches" warnings. */
  file: string;
  position: SourcePosition;
}

export interface Config {
  /** Crates added to the default banned set. */
  ban: string[];
  /** Crates removed from it (someone may allow `openssl` but not `native-tls`). */
  unban: string[];
  /** Per scope, and `possible`: the level of findings the metadata on this machine could not decide. */
  severity: Partial<Record<SeverityKey, ConfiguredSeverity>>;
  targets?: string[];
  features?: string[];
  allFeatures?: boolean;
  noDefaultFeatures?: boolean;
  roots?: "native" | "webpki";
  crypto?: "ring" | "aws-lc-rs";
  allow: AllowEntry[];
  /** Where the configuration came from; undefined when none was found. */
  file?: string;
  /**
   * Where each key and array element is written ("resolve.targets", "unban.0"), for the checks that need more than
   * the file (targets need rustc, unban the banned set).
   */
  positions?: ReadonlyMap<string, SourcePosition>;
}

export const EMPTY_CONFIG: Config = { ban: [], unban: [], severity: {}, allow: [] };

type Table = Record<string, unknown>;
const isTable = (v: unknown): v is Table => typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Date);

/** Positions of every key, by dotted path, for messages that name a key. */
function keyPositions(program: AST.TOMLProgram, prefix: string[]): Map<string, SourcePosition> {
  const positions = new Map<string, SourcePosition>();
  const names = (key: AST.TOMLKey) => key.keys.map((k) => (k.type === "TOMLBare" ? k.name : k.value));
  const visit = (path: (string | number)[], kv: AST.TOMLKeyValue) => {
    const full = [...path, ...names(kv.key)].map(String);
    positions.set(full.join("."), { line: kv.loc.start.line, column: kv.loc.start.column + 1 });
    if (kv.value.type === "TOMLInlineTable") for (const inner of kv.value.body) visit(full, inner);
    if (kv.value.type === "TOMLArray") {
      kv.value.elements.forEach((element, index) => positions.set([...full, index].join("."), { line: element.loc.start.line, column: element.loc.start.column + 1 }));
    }
  };
  for (const item of program.body[0].body) {
    if (item.type === "TOMLKeyValue") visit([], item);
    else {
      // Array tables carry their index in resolvedKey already: ["allow", 0].
      const path = item.resolvedKey.map(String);
      positions.set(path.join("."), { line: item.loc.start.line, column: item.loc.start.column + 1 });
      for (const kv of item.body) visit(path, kv);
    }
  }
  // Re-key relative to the config table.
  const relative = new Map<string, SourcePosition>();
  const head = prefix.join(".");
  for (const [key, pos] of positions) {
    if (head === "") relative.set(key, pos);
    else if (key === head) relative.set("", pos);
    else if (key.startsWith(`${head}.`)) relative.set(key.slice(head.length + 1), pos);
  }
  return relative;
}

const TOP_KEYS = new Set(["ban", "unban", "severity", "resolve", "fix", "allow"]);
const SEVERITY_KEYS = new Set(["normal", "build", "dev", "possible"]);
const RESOLVE_KEYS = new Set(["targets", "features", "all-features", "no-default-features"]);
const FIX_KEYS = new Set(["roots", "crypto"]);
const ALLOW_KEYS = new Set(["dependency", "crate", "crates", "member", "version", "reason"]);

/**
 * Reads configuration from TOML text. `prefix` is where the table sits (["workspace", "metadata", "tls-audit"] in
 * Cargo.toml; [] in tls-audit.toml). Returns undefined when that table is absent. Unknown keys are errors.
 */
export function parseConfig(text: string, file: string, prefix: string[]): { config?: Config; problems: Problem[] } {
  const problems: Problem[] = [];
  // A Cargo.toml without the words "tls-audit" (nor an escape that could spell them in a quoted key) has no such
  // table: most have none, and parsing a large manifest with positions takes tens of milliseconds.
  if (prefix.length > 0 && !text.includes(prefix.at(-1)!) && !text.includes("\\")) return { problems };
  let program: AST.TOMLProgram;
  try {
    program = tomlProgram(text);
  } catch (error) {
    if (error instanceof ParseError) {
      return { problems: [{ severity: "error", code: "config-invalid", message: `invalid TOML: ${error.message}`, file, position: { line: error.lineNumber, column: error.column + 1 } }] };
    }
    throw error;
  }
  let table: unknown = getStaticTOMLValue(program);
  for (const part of prefix) table = isTable(table) ? table[part] : undefined;
  if (table === undefined) return { problems };
  const at = keyPositions(program, prefix);
  const fail = (key: string, message: string) =>
    problems.push({ severity: "error", code: "config-invalid", message, file, position: at.get(key) ?? at.get("") ?? { line: 1, column: 1 } });
  if (!isTable(table)) {
    fail("", "the tls-audit configuration must be a table");
    return { problems };
  }
  const config: Config = { ban: [], unban: [], severity: {}, allow: [], file, positions: at };
  const strings = (value: unknown, key: string): string[] => {
    if (Array.isArray(value) && value.every((v) => typeof v === "string")) return value as string[];
    fail(key, `\`${key}\` must be an array of strings`);
    return [];
  };
  const unknown = (tablePath: string, keys: Iterable<string>, known: Set<string>) => {
    for (const key of keys) {
      if (!known.has(key)) fail(tablePath ? `${tablePath}.${key}` : key, `unknown configuration key \`${tablePath ? `${tablePath}.` : ""}${key}\``);
    }
  };
  unknown("", Object.keys(table), TOP_KEYS);
  if (table.ban !== undefined) config.ban = strings(table.ban, "ban");
  if (table.unban !== undefined) config.unban = strings(table.unban, "unban");
  if (table.severity !== undefined) {
    if (!isTable(table.severity)) fail("severity", "`severity` must be a table");
    else {
      unknown("severity", Object.keys(table.severity), SEVERITY_KEYS);
      for (const scope of ["normal", "build", "dev"] as const) {
        const value = table.severity[scope];
        if (value === undefined) continue;
        if (value === "error" || value === "warning" || value === "off") config.severity[scope] = value;
        else fail(`severity.${scope}`, `\`severity.${scope}\` must be "error", "warning" or "off"`);
      }
      const possible = table.severity.possible;
      if (possible === "error" || possible === "warning") config.severity.possible = possible;
      else if (possible !== undefined) fail("severity.possible", '`severity.possible` must be "error" or "warning"');
    }
  }
  if (table.resolve !== undefined) {
    if (!isTable(table.resolve)) fail("resolve", "`resolve` must be a table");
    else {
      const r = table.resolve;
      unknown("resolve", Object.keys(r), RESOLVE_KEYS);
      if (r.targets !== undefined) config.targets = strings(r.targets, "resolve.targets");
      if (r.features !== undefined) config.features = strings(r.features, "resolve.features");
      for (const [key, field] of [["all-features", "allFeatures"], ["no-default-features", "noDefaultFeatures"]] as const) {
        if (r[key] === undefined) continue;
        if (typeof r[key] === "boolean") config[field] = r[key] as boolean;
        else fail(`resolve.${key}`, `\`resolve.${key}\` must be true or false`);
      }
    }
  }
  if (table.fix !== undefined) {
    if (!isTable(table.fix)) fail("fix", "`fix` must be a table");
    else {
      unknown("fix", Object.keys(table.fix), FIX_KEYS);
      const roots = table.fix.roots;
      if (roots === "native" || roots === "webpki") config.roots = roots;
      else if (roots !== undefined) fail("fix.roots", '`fix.roots` must be "native" or "webpki"');
      const crypto = table.fix.crypto;
      if (crypto === "ring" || crypto === "aws-lc-rs") config.crypto = crypto;
      else if (crypto !== undefined) fail("fix.crypto", '`fix.crypto` must be "ring" or "aws-lc-rs"');
    }
  }
  if (table.allow !== undefined) {
    if (!Array.isArray(table.allow)) fail("allow", "`allow` must be an array of tables ([[allow]])");
    else {
      table.allow.forEach((entry, index) => {
        const key = `allow.${index}`;
        if (!isTable(entry)) return fail(key, "each `[[allow]]` entry must be a table");
        unknown(key, Object.keys(entry), ALLOW_KEYS);
        if (typeof entry.dependency !== "string") return fail(key, "`[[allow]]` needs `dependency`: the direct dependency whose path is allowed");
        if (typeof entry.reason !== "string" || entry.reason.trim() === "") return fail(key, "`[[allow]]` needs a `reason`");
        if (entry.version !== undefined && (typeof entry.version !== "string" || !isCargoReq(entry.version))) {
          return fail(`${key}.version`, `\`[[allow]] version\` must be a cargo version requirement such as "0.11" or ">=0.11, <0.13"; got ${JSON.stringify(entry.version)}`);
        }
        const crates = entry.crates !== undefined ? strings(entry.crates, `${key}.crates`) : typeof entry.crate === "string" ? [entry.crate] : [];
        config.allow.push({
          dependency: entry.dependency,
          crates,
          member: typeof entry.member === "string" ? entry.member : undefined,
          version: typeof entry.version === "string" ? entry.version : undefined,
          reason: entry.reason,
          file,
          position: at.get(key) ?? { line: 1, column: 1 },
        });
      });
    }
  }
  return { config, problems };
}

/**
 * The banned set a configuration gives, from the default one. An `unban` of a crate that is not banned does
 * nothing, which is most likely a typo: a warning at the entry.
 */
export function bannedCratesOf(config: Config, defaults: readonly string[]): { banned: string[]; problems: Problem[] } {
  const problems: Problem[] = [];
  const candidates = [...defaults, ...config.ban];
  config.unban.forEach((name, index) => {
    if (candidates.includes(name)) return;
    problems.push({
      severity: "warning",
      code: "config-invalid",
      message: `\`unban\` names "${name}", which is not banned (banned: ${[...new Set(candidates)].join(", ")}); it has no effect`,
      file: config.file,
      position: config.positions?.get(`unban.${index}`) ?? config.positions?.get("unban"),
    });
  });
  return { banned: candidates.filter((c, i) => !config.unban.includes(c) && candidates.indexOf(c) === i), problems };
}

/** CLI flags win over the file; lists given on the command line replace the file's. */
export function mergeConfig(file: Config, cli: Partial<Pick<Config, "targets" | "features" | "allFeatures" | "noDefaultFeatures" | "roots" | "crypto">>): Config {
  return {
    ...file,
    targets: cli.targets?.length ? cli.targets : file.targets,
    features: cli.features?.length ? cli.features : file.features,
    allFeatures: cli.allFeatures ?? file.allFeatures,
    noDefaultFeatures: cli.noDefaultFeatures ?? file.noDefaultFeatures,
    roots: cli.roots ?? file.roots,
    crypto: cli.crypto ?? file.crypto,
  };
}
