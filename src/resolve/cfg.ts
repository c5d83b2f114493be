// Cargo platform specs (`[target.'cfg(...)'.dependencies]` keys): parse, evaluate against a target's cfg set, lint.
//
// The grammar mirrors cargo-platform (cargo's `crates/cargo-platform/src/{lib,cfg}.rs`), checked against
// cargo 1.95 on real manifests. Where cargo is stricter than one might expect, we are too, because a key
// cargo rejects makes the whole manifest unusable for cargo and we should say so rather than guess:
// - only U+0020 counts as whitespace; a tab or newline is an unexpected character;
// - strings run to the next `"` with no escapes: `"a\\b"` is the four characters `a\\b`, and `"a\"b"` is
//   `a\` followed by stray content;
// - `cfg(` must be the very first characters and `)` the very last (no surrounding spaces);
// - `true` / `false` are boolean literals (cargo ≥ 1.88); `r#true` is the plain name `true`;
// - `version("…")` is not accepted by stable cargo 1.95, so it is a parse error here too.
import type { Problem, SourcePosition } from "../problems.js";

/** A parsed platform spec: a bare target triple or the expression inside `cfg(...)`. */
export type CfgExpr =
  | { kind: "triple"; triple: string }
  | { kind: "all"; items: CfgExpr[] }
  | { kind: "any"; items: CfgExpr[] }
  | { kind: "not"; item: CfgExpr }
  | { kind: "bool"; value: boolean }
  /** A bare name like `unix`. `raw` records `r#name` spelling; it does not change matching. */
  | { kind: "name"; name: string; raw?: true }
  /** A `key = "value"` pair like `target_os = "linux"`. */
  | { kind: "pair"; key: string; value: string; raw?: true };

/** The cfg set of one compilation target, as `rustc --print cfg --target <triple>` reports it. */
export interface TargetCfg {
  triple: string;
  /** Bare names, e.g. `unix`, `windows`, `debug_assertions`. */
  names: ReadonlySet<string>;
  /** Key → values, e.g. `target_os` → {`linux`}, `target_has_atomic` → {`8`,`16`,`32`,`64`,`ptr`}. */
  values: ReadonlyMap<string, ReadonlySet<string>>;
}

/** Why a platform spec could not be parsed, with the 0-based offset into the spec where it went wrong. */
export class CfgParseError extends Error {
  constructor(
    /** The whole platform spec as written, e.g. `cfg(any(unix)`. */
    readonly spec: string,
    /** UTF-16 offset into `spec` of the offending character or token (`spec.length` when input ran out). */
    readonly offset: number,
    /** Cargo-style reason, e.g. "expected `)`, but cfg expression ended". */
    readonly reason: string,
  ) {
    super(`failed to parse \`${spec}\` as a cfg expression: ${reason} (at column ${offset + 1})`);
    this.name = "CfgParseError";
  }

  /**
   * Turns the error into a `cfg-syntax` problem. `start` is where the spec text begins in its file (the
   * first character inside the TOML key's quotes), so the reported column points at the offending character
   * (off by the escapes, if the key is a basic string that uses any).
   */
  toProblem(where: { file?: string; start?: SourcePosition; severity?: Problem["severity"] } = {}): Problem {
    const problem: Problem = {
      severity: where.severity ?? "error",
      code: "cfg-syntax",
      message: this.message,
      hint: "cargo rejects this target key too; see https://doc.rust-lang.org/cargo/reference/specifying-dependencies.html#platform-specific-dependencies",
    };
    if (where.file !== undefined) problem.file = where.file;
    // A TOML key is a single line, so the offset only moves the column.
    if (where.start) problem.position = { line: where.start.line, column: where.start.column + this.offset };
    return problem;
  }
}

type Token =
  | { type: "("; at: number }
  | { type: ")"; at: number }
  | { type: ","; at: number }
  | { type: "="; at: number }
  | { type: "ident"; at: number; name: string; raw: boolean }
  | { type: "string"; at: number; value: string }
  /** A lexing error, raised only when the parser reaches it, so errors come out in cargo's order. */
  | { type: "error"; at: number; error: CfgParseError };

/** Cargo's wording for a token, used in "expected X, found Y". */
function describeToken(token: Token): string {
  switch (token.type) {
    case "ident":
      return "an identifier";
    case "string":
      return "a string";
    case "error":
      return "an invalid token";
    default:
      return `\`${token.type}\``;
  }
}

const IDENT_START = /[A-Za-z_]/;
const IDENT_REST = /[A-Za-z0-9_]/;

/**
 * Splits `spec[base, end)` (the text inside `cfg(...)`) into tokens with offsets into the whole spec.
 * Stops at the first lexing error, which becomes the last token.
 */
function tokenize(spec: string, base: number, end: number): Token[] {
  const tokens: Token[] = [];
  try {
    lexInto(tokens, spec, base, end);
  } catch (error) {
    if (!(error instanceof CfgParseError)) throw error;
    tokens.push({ type: "error", at: error.offset, error });
  }
  return tokens;
}

function lexInto(tokens: Token[], spec: string, base: number, end: number): void {
  let i = base;
  while (i < end) {
    const ch = spec[i]!;
    if (ch === " ") {
      i++;
    } else if (ch === "(" || ch === ")" || ch === "," || ch === "=") {
      tokens.push({ type: ch, at: i });
      i++;
    } else if (ch === '"') {
      const close = spec.indexOf('"', i + 1);
      if (close === -1 || close >= end) throw new CfgParseError(spec, i, "unterminated string in cfg");
      tokens.push({ type: "string", at: i, value: spec.slice(i + 1, close) });
      i = close + 1;
    } else if (IDENT_START.test(ch)) {
      const at = i;
      let raw = false;
      if (ch === "r" && spec[i + 1] === "#" && i + 1 < end) {
        raw = true;
        i += 2;
        if (i >= end) throw new CfgParseError(spec, i, "expected identifier, but cfg expression ended");
        if (!IDENT_START.test(spec[i]!)) throw unexpectedChar(spec, i);
      }
      const nameStart = i;
      while (i < end && IDENT_REST.test(spec[i]!)) i++;
      tokens.push({ type: "ident", at, name: spec.slice(nameStart, i), raw });
    } else {
      throw unexpectedChar(spec, i);
    }
  }
}

function unexpectedChar(spec: string, at: number): CfgParseError {
  const ch = String.fromCodePoint(spec.codePointAt(at)!);
  return new CfgParseError(
    spec,
    at,
    `unexpected character \`${ch}\` in cfg, expected parens, a comma, an identifier, or a string`,
  );
}

/** Recursive-descent parser over the tokens of one `cfg(...)` body, following cargo-platform's `Parser`. */
class CfgParser {
  private pos = 0;

  constructor(
    private readonly spec: string,
    private readonly tokens: Token[],
    /** Offset reported when input runs out: the closing `)` of `cfg(...)`. */
    private readonly end: number,
  ) {}

  parseAll(): CfgExpr {
    const expr = this.parseExpr();
    const rest = this.tokens[this.pos];
    if (rest) {
      throw new CfgParseError(
        this.spec,
        rest.at,
        `unexpected content \`${this.spec.slice(rest.at, this.end)}\` found after cfg expression`,
      );
    }
    return expr;
  }

  private parseExpr(): CfgExpr {
    const token = this.tokens[this.pos];
    if (!token) throw this.ended("start of a cfg expression");
    if (token.type === "error") throw token.error;
    if (token.type === "ident" && !token.raw) {
      if (token.name === "all" || token.name === "any") {
        this.pos++;
        this.expect("(");
        const items: CfgExpr[] = [];
        // Trailing commas are allowed: `all(a, )` is `all(a)`; `all()` is true and `any()` false.
        while (!this.accept(")")) {
          items.push(this.parseExpr());
          if (!this.accept(",")) {
            this.expect(")");
            break;
          }
        }
        return { kind: token.name, items };
      }
      if (token.name === "not") {
        this.pos++;
        this.expect("(");
        const item = this.parseExpr();
        this.expect(")");
        return { kind: "not", item };
      }
      if (token.name === "true" || token.name === "false") {
        this.pos++;
        return { kind: "bool", value: token.name === "true" };
      }
    }
    return this.parsePredicate();
  }

  private parsePredicate(): CfgExpr {
    const token = this.next("identifier");
    if (token.type !== "ident") throw this.unexpected("identifier", token);
    const raw = token.raw ? ({ raw: true } as const) : {};
    if (!this.accept("=")) return { kind: "name", name: token.name, ...raw };
    const value = this.next("a string");
    if (value.type !== "string") throw this.unexpected("a string", value);
    return { kind: "pair", key: token.name, value: value.value, ...raw };
  }

  private next(expected: string): Token {
    const token = this.tokens[this.pos];
    if (!token) throw this.ended(expected);
    if (token.type === "error") throw token.error;
    this.pos++;
    return token;
  }

  private accept(type: "(" | ")" | "," | "="): boolean {
    if (this.tokens[this.pos]?.type !== type) return false;
    this.pos++;
    return true;
  }

  private expect(type: "(" | ")"): void {
    const token = this.next(`\`${type}\``);
    if (token.type !== type) throw this.unexpected(`\`${type}\``, token);
  }

  private unexpected(expected: string, found: Token): CfgParseError {
    return new CfgParseError(this.spec, found.at, `expected ${expected}, found ${describeToken(found)}`);
  }

  private ended(expected: string): CfgParseError {
    return new CfgParseError(this.spec, this.end, `expected ${expected}, but cfg expression ended`);
  }
}

/**
 * Parses a cargo platform spec: `cfg(...)` or a bare target name such as `x86_64-pc-windows-gnu`.
 * Throws {@link CfgParseError} on input cargo would reject.
 */
export function parseCfg(text: string): CfgExpr {
  if (text.startsWith("cfg(") && text.endsWith(")")) {
    const end = text.length - 1;
    return new CfgParser(text, tokenize(text, 4, end), end).parseAll();
  }
  // Cargo's `validate_named_platform`: letters, digits, `_`, `-`, `.` (Unicode letters and digits included).
  const bad = /[^\p{Alphabetic}\p{Nd}\p{Nl}\p{No}_.-]/u.exec(text);
  if (bad) {
    const paren = text.indexOf("(");
    if (paren !== -1) {
      throw new CfgParseError(
        text,
        paren,
        "invalid target specifier: unexpected `(` character, cfg expressions must start with `cfg(`",
      );
    }
    throw new CfgParseError(text, bad.index, `invalid target specifier: unexpected character ${bad[0]} in target name`);
  }
  return { kind: "triple", triple: text };
}

/**
 * Whether a platform spec selects `target`, as cargo decides for `[target.<spec>.dependencies]`.
 * Cargo matches against the target's `rustc --print cfg` set, so anything rustc does not print for the
 * target is false: `feature = "x"`, `test`, `proc_macro`, typos. `debug_assertions` is printed (cargo runs
 * rustc without profile flags), so it is true even for `--release`, exactly as cargo behaves.
 */
export function evalCfg(expr: CfgExpr, target: TargetCfg): boolean {
  switch (expr.kind) {
    case "triple":
      return expr.triple === target.triple;
    case "all":
      return expr.items.every((item) => evalCfg(item, target));
    case "any":
      return expr.items.some((item) => evalCfg(item, target));
    case "not":
      return !evalCfg(expr.item, target);
    case "bool":
      return expr.value;
    case "name":
      return target.names.has(expr.name);
    case "pair":
      return target.values.get(expr.key)?.has(expr.value) ?? false;
  }
}

/** Splits `targets` by whether `expr` selects them, keeping their order. */
export function classifyTargets(
  expr: CfgExpr,
  targets: readonly TargetCfg[],
): { matching: string[]; notMatching: string[] } {
  const matching: string[] = [];
  const notMatching: string[] = [];
  for (const target of targets) (evalCfg(expr, target) ? matching : notMatching).push(target.triple);
  return { matching, notMatching };
}

/**
 * Names rustc 1.95 knows without any `--check-cfg` from the user (`rustc --print check-cfg -Zunstable-options`
 * with an empty `--check-cfg 'cfg()'`), plus `test` (added by rustc under `--test`) and `docsrs`, which
 * cargo declares for every package. Names usable bare, without a value.
 */
const WELL_KNOWN_NAMES: ReadonlySet<string> = new Set([
  "clippy",
  "contract_checks",
  "debug_assertions",
  "doc",
  "docsrs",
  "doctest",
  "miri",
  "overflow_checks",
  "proc_macro",
  "rustfmt",
  "sanitizer_cfi_generalize_pointers",
  "sanitizer_cfi_normalize_integers",
  "target_has_atomic",
  "target_has_atomic_equal_alignment",
  "target_has_atomic_load_store",
  "target_thread_local",
  "test",
  "ub_checks",
  "unix",
  "windows",
]);

/** Keys rustc 1.95 knows with values (same source as {@link WELL_KNOWN_NAMES}), plus cargo's `feature`. */
const WELL_KNOWN_KEYS: ReadonlySet<string> = new Set([
  "feature",
  "fmt_debug",
  "panic",
  "relocation_model",
  "sanitize",
  "target_abi",
  "target_arch",
  "target_endian",
  "target_env",
  "target_family",
  "target_feature",
  "target_has_atomic",
  "target_has_atomic_equal_alignment",
  "target_has_atomic_load_store",
  "target_os",
  "target_pointer_width",
  "target_vendor",
]);

/** Calls `visit` for every name and key/value predicate in `expr`. */
function walkPredicates(expr: CfgExpr, visit: (leaf: Extract<CfgExpr, { kind: "name" | "pair" }>) => void): void {
  switch (expr.kind) {
    case "all":
    case "any":
      for (const item of expr.items) walkPredicates(item, visit);
      return;
    case "not":
      walkPredicates(expr.item, visit);
      return;
    case "name":
    case "pair":
      visit(expr);
      return;
    default:
      return;
  }
}

/**
 * Names and keys in `expr` that rustc and cargo do not know, in order of first appearance, so callers can
 * warn about typos such as `target_oss`. A key used bare (`cfg(target_os)`) or a name given a value
 * (`unix = "x"`) is reported too: neither is ever set, so the predicate is always false.
 */
export function unknownCfgKeys(expr: CfgExpr): string[] {
  const unknown = new Set<string>();
  walkPredicates(expr, (leaf) => {
    if (leaf.kind === "name" ? !WELL_KNOWN_NAMES.has(leaf.name) : !WELL_KNOWN_KEYS.has(leaf.key)) {
      unknown.add(leaf.kind === "name" ? leaf.name : leaf.key);
    }
  });
  return [...unknown];
}

/**
 * Well-known predicates that cargo warns "not supported for selecting dependencies" about
 * (`test`, `debug_assertions`, `proc_macro`, `feature = …`), in order of first appearance.
 * Mirrors cargo-platform's `check_cfg_attributes`.
 */
export function unsupportedCfgPredicates(expr: CfgExpr): string[] {
  const found = new Set<string>();
  walkPredicates(expr, (leaf) => {
    if (leaf.kind === "name" && ["test", "debug_assertions", "proc_macro"].includes(leaf.name)) found.add(leaf.name);
    if (leaf.kind === "pair" && leaf.key === "feature") found.add("feature");
  });
  return [...found];
}

const CFG_LINE = /^([A-Za-z_][A-Za-z0-9_]*)(?:="(.*)")?$/;

/**
 * Builds a {@link TargetCfg} from the lines `rustc --print cfg --target <triple>` prints
 * (`unix`, `target_os="linux"`, …). Blank lines are ignored; any other line rustc would not print throws.
 */
export function readRustcCfg(triple: string, lines: readonly string[]): TargetCfg {
  const names = new Set<string>();
  const values = new Map<string, Set<string>>();
  for (const line of lines) {
    if (line.trim() === "") continue;
    const match = CFG_LINE.exec(line.trim());
    if (!match) throw new Error(`not a rustc --print cfg line: ${JSON.stringify(line)}`);
    const [, key, value] = match as unknown as [string, string, string | undefined];
    if (value === undefined) {
      names.add(key);
    } else {
      // rustc prints values with Rust's `escape_debug`; only `\\` and `\"` can occur in practice.
      const unescaped = value.replace(/\\(["\\])/g, "$1");
      let set = values.get(key);
      if (!set) values.set(key, (set = new Set()));
      set.add(unescaped);
    }
  }
  return { triple, names, values };
}

/** Writes `expr` back in cargo's canonical spelling, e.g. `cfg(any(unix, target_os = "wasi"))`. */
export function formatCfg(expr: CfgExpr): string {
  return expr.kind === "triple" ? expr.triple : `cfg(${formatInner(expr)})`;
}

function formatInner(expr: CfgExpr): string {
  switch (expr.kind) {
    case "triple":
      return expr.triple;
    case "all":
    case "any":
      return `${expr.kind}(${expr.items.map(formatInner).join(", ")})`;
    case "not":
      return `not(${formatInner(expr.item)})`;
    case "bool":
      return String(expr.value);
    case "name":
      return (expr.raw ? "r#" : "") + expr.name;
    case "pair":
      return `${expr.raw ? "r#" : ""}${expr.key} = "${expr.value}"`;
  }
}
