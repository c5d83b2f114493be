// A TOML text read two ways: its data (smol-toml, fast) and toml-eslint-parser's AST with positions, parsed once per
// text: spans, fix planning and fix previews all ask for the same manifests' positions, and a large manifest takes
// tens of milliseconds to parse.
import { parse } from "smol-toml";
import { parseTOML, type AST } from "toml-eslint-parser";

/** The document's data; a leading BOM is legal and ignored. Throws smol-toml's `TomlError`. */
export function tomlData(text: string): Record<string, unknown> {
  return parse(text.startsWith("\uFEFF") ? text.slice(1) : text) as Record<string, unknown>;
}

const programs = new Map<string, AST.TOMLProgram>();
// By text size: an AST takes about 80 bytes per byte of TOML, and a large workspace's manifests (vector's 37 come
// to 89 KB) are all asked for twice, for spans and for fix planning.
const CACHE_LIMIT_CHARS = 256 * 1024;
let cachedChars = 0;

/** The AST of `text` (read-only: it is shared). A BOM becomes a space, so offsets and lines match the bytes on disk. Throws toml-eslint-parser's `ParseError`. */
export function tomlProgram(text: string): AST.TOMLProgram {
  let program = programs.get(text);
  if (!program) {
    program = parseTOML(text.startsWith("\uFEFF") ? ` ${text.slice(1)}` : text);
    for (const oldest of programs.keys()) {
      if (cachedChars + text.length <= CACHE_LIMIT_CHARS) break;
      programs.delete(oldest);
      cachedChars -= oldest.length;
    }
    if (text.length <= CACHE_LIMIT_CHARS) {
      programs.set(text, program);
      cachedChars += text.length;
    }
  }
  return program;
}
