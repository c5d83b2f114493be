// Where a manifest declares a key, found without a parser that keeps positions: each guess is proven by the data.
//
// toml-eslint-parser gives exact positions but, in a short run, costs more than anything else the audit does with
// a manifest. Most dependency entries are one `key = …` line in their table's section, so the line is guessed from
// the text, and the guess is checked with smol-toml (already used for the data, and several times faster): the key
// at the guessed place is renamed, and the guess holds only if the entry is then gone from its table and the renamed
// key holds exactly its value. That can only be when the guessed token is the one key that defines the whole entry,
// so its position is the position of the entry's first (and only) key. A guess that fails is simply not answered:
// the caller asks toml-eslint-parser.
import { TextCache } from "../util/text-cache.js";
import { dataAt, tomlDataOnce } from "./toml-ast.js";

export interface KeyPosition {
  /** 1-based, as toml-eslint-parser's loc.line. */
  line: number;
  /** 1-based, in UTF-16 code units. */
  column: number;
}

type Table = Record<string, unknown>;

/** A line that starts with a key (then `=` or a dot): bare, or quoted without escapes. */
const LEADING_KEY = /^([ \t]*)([A-Za-z0-9_-]+|"[^"\\\u0000-\u001f\u007f]*"|'[^'\u0000-\u001f\u007f]*')[ \t]*[.=]/;

/** A header's key path as written, compared loosely: brackets, quotes and blanks dropped. */
const looseHeader = (line: string) => line.replace(/#.*$/, "").replace(/[[\]"'\s]/g, "");
const loosePath = (path: readonly string[]) => path.join(".").replace(/["'\s]/g, "");

// Answers by text: spans and fix planning ask for the same entries of the same manifests, and each pass parses the
// whole text once more. Null: asked, and not proven.
const answers = new TextCache<Map<string, KeyPosition | null>>(512 * 1024);

/**
 * Positions of the keys at `paths` (each a table path plus a key) in `text`, whose data is `doc`, for those whose
 * guessed place the data confirms; the others are absent from the result (keyed by `JSON.stringify(path)`).
 */
export function locateKeys(text: string, doc: Table, paths: readonly (readonly string[])[]): Map<string, KeyPosition> {
  let known = answers.get(text);
  if (!known) {
    known = new Map();
    answers.set(text, known);
  }
  const unknown = paths.filter((path) => !known.has(JSON.stringify(path)));
  if (unknown.length > 0) {
    const found = locateUnknown(text, doc, unknown);
    for (const path of unknown) known.set(JSON.stringify(path), found.get(JSON.stringify(path)) ?? null);
  }
  const result = new Map<string, KeyPosition>();
  for (const path of paths) {
    const id = JSON.stringify(path);
    const position = known.get(id);
    if (position) result.set(id, position);
  }
  return result;
}

function locateUnknown(text: string, doc: Table, paths: readonly (readonly string[])[]): Map<string, KeyPosition> {
  const found = new Map<string, KeyPosition>();
  const lineStarts = [0];
  for (let at = text.indexOf("\n"); at !== -1; at = text.indexOf("\n", at + 1)) lineStarts.push(at + 1);
  const lineText = (index: number) => text.slice(lineStarts[index], index + 1 < lineStarts.length ? lineStarts[index + 1]! - 1 : text.length);
  // The section each line is in, as its header is written (loosely); "" before the first header.
  const sections: string[] = [];
  let section = "";
  for (let index = 0; index < lineStarts.length; index++) {
    const line = lineText(index);
    if (/^[ \t]*\[/.test(line)) section = looseHeader(line);
    sections.push(section);
  }

  // Each line's leading key (bare, or a quoted one without escapes), by name: one pass, whatever the number of keys.
  const leadingKeys = new Map<string, { index: number; start: number; end: number; column: number }[]>();
  for (let index = 0; index < lineStarts.length; index++) {
    const match = LEADING_KEY.exec(lineText(index));
    if (!match) continue;
    const token = match[2]!;
    const name = token.startsWith('"') || token.startsWith("'") ? token.slice(1, -1) : token;
    const start = lineStarts[index]! + match[1]!.length;
    const list = leadingKeys.get(name) ?? [];
    list.push({ index, start, end: start + token.length, column: match[1]!.length + 1 });
    leadingKeys.set(name, list);
  }

  const guesses: { key: string; path: readonly string[]; start: number; end: number; line: number; column: number }[] = [];
  const seen = new Set<string>();
  for (const path of paths) {
    const id = JSON.stringify(path);
    if (path.length < 2 || seen.has(id) || dataAt(doc, path) === undefined) continue;
    seen.add(id);
    const table = loosePath(path.slice(0, -1));
    const first = leadingKeys.get(path.at(-1)!)?.find((candidate) => sections[candidate.index] === table);
    if (first) guesses.push({ key: id, path, start: first.start, end: first.end, line: first.index + 1, column: first.column });
  }
  if (guesses.length === 0) return found;

  // Every guessed key renamed at once, then one parse checks them all.
  let nonce = 0;
  while (text.includes(`tls_audit_probe_${nonce}_`)) nonce++;
  const probeKey = (index: number) => `tls_audit_probe_${nonce}_${index}`;
  const pieces: string[] = [];
  let copied = 0;
  for (const index of guesses.map((_, index) => index).sort((a, b) => guesses[a]!.start - guesses[b]!.start)) {
    pieces.push(text.slice(copied, guesses[index]!.start), probeKey(index));
    copied = guesses[index]!.end;
  }
  pieces.push(text.slice(copied));
  const probe = pieces.join("");
  let probed: Table;
  try {
    probed = tomlDataOnce(probe);
  } catch {
    return found;
  }
  guesses.forEach((guess, index) => {
    const table = guess.path.slice(0, -1);
    if (dataAt(probed, guess.path) !== undefined) return;
    const moved = dataAt(probed, [...table, probeKey(index)]);
    if (moved === undefined || JSON.stringify(moved) !== JSON.stringify(dataAt(doc, guess.path))) return;
    found.set(guess.key, { line: guess.line, column: guess.column });
  });
  return found;
}
