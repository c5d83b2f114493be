// A fast reader for Cargo.lock exactly as cargo writes it; anything else is left to the TOML parser.
//
// Cargo serialises the lock with a fixed layout (`resolve_to_string_orig` in cargo's `ops/lockfile.rs`): comment
// lines, `version = N`, `[[package]]` tables of basic-string keys, `dependencies` as one quoted item per line, and
// `[[patch.unused]]`. Reading that layout line by line is several times faster than a general TOML parser on large
// locks (measurements in docs/decisions.md). Any line outside it, an escape, a repeated key or a v1 `[metadata]` table
// returns undefined, and the caller parses the text with smol-toml: this reader only ever answers when it is sure
// to give the same document (test/lockfile/canonical.test.ts compares the two on every lock we have, and on mutants).

type Table = Record<string, unknown>;

/** The keys cargo writes in a `[[package]]` or `[[patch.unused]]` table, whose values are basic strings. */
const STRING_KEYS = new Set(["name", "version", "source", "checksum", "replace"]);
// A basic string without escapes or the control characters TOML forbids in one.
const STRING_LINE = /^([a-z]+) = "([^"\\\u0000-\u0008\u000a-\u001f\u007f]*)"$/;
const ARRAY_ITEM = /^ "([^"\\\u0000-\u0008\u000a-\u001f\u007f]*)",$/;
const VERSION_LINE = /^version = (0|[1-9][0-9]{0,8})$/;

/** The document smol-toml would return for `text`, when `text` is in cargo's own layout; undefined otherwise. */
export function readCanonicalLock(text: string): Table | undefined {
  const doc: Table = {};
  const packages: Table[] = [];
  const unused: Table[] = [];
  let table: Table | undefined;
  let array: string[] | undefined;
  let start = 0;
  const length = text.length;
  while (start < length) {
    let end = text.indexOf("\n", start);
    if (end === -1) end = length;
    // TOML allows CRLF line ends; a lone CR (the end of the text included) is not a line end, and fails the
    // patterns below.
    const line = end < length && end > start && text.charCodeAt(end - 1) === 13 ? text.slice(start, end - 1) : text.slice(start, end);
    start = end + 1;
    if (array) {
      if (line === "]") {
        array = undefined;
        continue;
      }
      const item = ARRAY_ITEM.exec(line);
      if (!item) return undefined;
      array.push(item[1]!);
      continue;
    }
    if (line === "" || line.startsWith("#")) {
      if (line.startsWith("#") && !isCommentText(line)) return undefined;
      continue;
    }
    if (line === "[[package]]") {
      packages.push((table = {}));
      continue;
    }
    if (line === "[[patch.unused]]") {
      unused.push((table = {}));
      continue;
    }
    if (!table) {
      const version = VERSION_LINE.exec(line);
      if (!version || "version" in doc) return undefined;
      doc.version = Number(version[1]);
      continue;
    }
    if (line === "dependencies = [") {
      if ("dependencies" in table) return undefined;
      table.dependencies = array = [];
      continue;
    }
    const pair = STRING_LINE.exec(line);
    if (!pair || !STRING_KEYS.has(pair[1]!) || pair[1]! in table) return undefined;
    table[pair[1]!] = pair[2]!;
  }
  if (array) return undefined;
  if (packages.length > 0) doc.package = packages;
  if (unused.length > 0) doc.patch = { unused };
  return doc;
}

/** A comment TOML accepts: no control characters but tab. */
function isCommentText(line: string): boolean {
  for (let i = 1; i < line.length; i++) {
    const code = line.charCodeAt(i);
    if ((code < 0x20 && code !== 0x09) || code === 0x7f) return false;
  }
  return true;
}
