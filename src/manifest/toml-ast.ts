// A TOML text read two ways: its data (smol-toml, fast) and toml-eslint-parser's AST with positions, parsed once per
// text: spans, fix planning and fix previews all ask for the same manifests' positions, and a large manifest takes
// tens of milliseconds to parse.
import { parse } from "smol-toml";
import { parseTOML, type AST } from "toml-eslint-parser";
import { TextCache } from "../util/text-cache.js";

// A fix run reads each edited manifest's data four times (load, locating its entries, checking the rewrite, the
// re-audit), after the rest of the workspace's manifests.
const documents = new TextCache<Record<string, unknown>>(512 * 1024);

/** The document's data (read-only: it is shared); a leading BOM is legal and ignored. Throws smol-toml's `TomlError`. */
export function tomlData(text: string): Record<string, unknown> {
  let doc = documents.get(text);
  if (!doc) {
    doc = tomlDataOnce(text);
    documents.set(text, doc);
  }
  return doc;
}

/** The value at a key path of a document's data, or undefined when some part is missing or not a table. */
export function dataAt(doc: unknown, path: readonly string[]): unknown {
  let node = doc;
  for (const part of path) {
    if (typeof node !== "object" || node === null || Array.isArray(node) || !Object.hasOwn(node, part)) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

/** The same, not kept: for a text read once (the key locator's probe). */
export function tomlDataOnce(text: string): Record<string, unknown> {
  return parse(text.startsWith("\uFEFF") ? text.slice(1) : text) as Record<string, unknown>;
}

// By text size: an AST takes about 80 bytes per byte of TOML, and a large workspace's manifests (vector's 37 come
// to 89 KB) may all be asked for, for spans and for fix planning.
const programs = new TextCache<AST.TOMLProgram>(256 * 1024);

/** The AST of `text` (read-only: it is shared). A BOM becomes a space, so offsets and lines match the bytes on disk. Throws toml-eslint-parser's `ParseError`. */
export function tomlProgram(text: string): AST.TOMLProgram {
  let program = programs.get(text);
  if (!program) {
    program = parseTOML(text.startsWith("\uFEFF") ? ` ${text.slice(1)}` : text);
    programs.set(text, program);
  }
  return program;
}
