// The few lines of a manifest that hold one whole `key = value` dependency entry, parsed with positions on their own.
//
// Fix planning needs toml-eslint-parser's AST of the entry it edits, and parsing a large root manifest that way costs
// more than planning every fix (vector's 53 KB: about 50 ms in a short run). The key locator proves where the entry's
// key is, and that this one key defines the whole entry. From that line, the window grows line by line until it
// parses under its table's header. A value's end depends only on the text from its start, and no TOML value can end
// at a cut line while still open (strings, arrays and inline tables need their closing delimiter), so the first
// window that parses ends with the entry, and its data must equal the entry's data in the whole document.
// Anything else (tables of their own, dotted keys, an entry the locator cannot prove) gets no window: the caller
// parses the whole text.
import { getStaticTOMLValue, parseTOML, type AST } from "toml-eslint-parser";
import { TextCache } from "../util/text-cache.js";
import { locateKeys } from "./key-locator.js";
import { dataAt, tomlData } from "./toml-ast.js";

export interface EntryWindow {
  /** A header line for the entry's table, then the entry's own lines as they are in the manifest. */
  text: string;
  program: AST.TOMLProgram;
  /** Offset in the manifest of the window's first character after its header. */
  start: number;
  /** Length of the header the window starts with: window offset `o` is manifest offset `o - headerLength + start`. */
  headerLength: number;
}

/** An entry longer than this is rare enough to be parsed with the whole text, which bounds the quadratic growth. */
const MAX_ENTRY_LINES = 40;

type Table = Record<string, unknown>;

const lineStartsByText = new TextCache<number[]>(512 * 1024);

function lineStartsOf(text: string): number[] {
  let lineStarts = lineStartsByText.get(text);
  if (!lineStarts) {
    lineStarts = [0];
    for (let at = text.indexOf("\n"); at !== -1; at = text.indexOf("\n", at + 1)) lineStarts.push(at + 1);
    lineStartsByText.set(text, lineStarts);
  }
  return lineStarts;
}

function dataOf(text: string): Table | undefined {
  try {
    return tomlData(text);
  } catch {
    return undefined;
  }
}

const BARE_KEY = /^[A-Za-z0-9_-]+$/;
const tomlKey = (key: string) => (BARE_KEY.test(key) ? key : JSON.stringify(key));

/** Same data as JSON; values the two parsers type differently (dates, 64-bit integers) count as different. */
function sameData(a: unknown, b: unknown): boolean {
  try {
    return JSON.stringify(a) === JSON.stringify(b);
  } catch {
    return false;
  }
}

/** Locates the entries at `keyPaths` in `text` together: one locator pass for the batch (the locator keeps answers). */
export function locateEntries(text: string, keyPaths: readonly (readonly string[])[]): void {
  const doc = dataOf(text);
  if (doc) locateKeys(text, doc, keyPaths);
}

/** The window holding the whole entry at `keyPath` (a table path plus a key), or undefined when none is proven. */
export function entryWindow(text: string, keyPath: readonly string[]): EntryWindow | undefined {
  if (keyPath.length < 2) return undefined;
  const doc = dataOf(text);
  const position = doc && locateKeys(text, doc, [keyPath]).get(JSON.stringify(keyPath));
  if (!position) return undefined;
  const expected = dataAt(doc, keyPath);
  const lineStarts = lineStartsOf(text);
  const eol = text.includes("\r\n") ? "\r\n" : "\n";
  const header = `[${keyPath.slice(0, -1).map(tomlKey).join(".")}]${eol}`;
  // A BOM before the first line is not part of the entry's text.
  const start = lineStarts[position.line - 1]! + (position.line === 1 && text.startsWith("\uFEFF") ? 1 : 0);
  const last = Math.min(lineStarts.length, position.line - 1 + MAX_ENTRY_LINES);
  for (let end = position.line; end <= last; end++) {
    const stop = end < lineStarts.length ? lineStarts[end]! : text.length;
    const window = header + text.slice(start, stop);
    let program: AST.TOMLProgram;
    try {
      program = parseTOML(window);
    } catch {
      continue; // the entry goes on past this line
    }
    // The first window that parses ends with the entry: it holds the whole entry or the entry is not this line alone.
    if (!sameData(dataAt(getStaticTOMLValue(program), keyPath), expected)) return undefined;
    return { text: window, program, start, headerLength: header.length };
  }
  return undefined;
}
