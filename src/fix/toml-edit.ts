// Turns a DependencyChange into byte-range edits of the original Cargo.toml text: never re-serialises the file.
// Style follows the neighbours: quote style, spacing, one-element-per-line arrays and trailing commas, CRLF.
import type { AST } from "toml-eslint-parser";
import { entryWindow, locateEntries } from "../manifest/entry-window.js";
import { tomlProgram } from "../manifest/toml-ast.js";
import type { DependencyChange, TextEdit } from "./model.js";

export class EditError extends Error {
  override name = "EditError";
}

type KeyNode = AST.TOMLKeyValue | AST.TOMLTable;

interface Located {
  /** Every key node whose full path starts with the entry's path, in source order. */
  nodes: { path: string[]; node: KeyNode }[];
}

function keyNames(key: AST.TOMLKey): string[] {
  return key.keys.map((k) => (k.type === "TOMLBare" ? k.name : k.value));
}

function locate(program: AST.TOMLProgram, keyPath: string[]): Located {
  const nodes: Located["nodes"] = [];
  const within = (path: string[]) => keyPath.every((p, i) => path[i] === p);
  for (const item of program.body[0].body) {
    if (item.type === "TOMLKeyValue") {
      const path = keyNames(item.key);
      if (within(path)) nodes.push({ path, node: item });
    } else {
      const prefix = item.resolvedKey.map(String);
      if (within(prefix)) nodes.push({ path: prefix, node: item });
      for (const kv of item.body) {
        const path = [...prefix, ...keyNames(kv.key)];
        if (within(path)) nodes.push({ path, node: kv });
      }
    }
  }
  return { nodes };
}

/** Finds, inside an inline table value, the key-value for `name` (a one-part key). */
function inlineMember(table: AST.TOMLInlineTable, names: string[]): AST.TOMLKeyValue | undefined {
  return table.body.find((kv) => kv.key.keys.length === 1 && names.includes(keyNames(kv.key)[0]!));
}

function lineEnding(text: string): string {
  return text.includes("\r\n") ? "\r\n" : "\n";
}

function quoteLike(sample: AST.TOMLNode | undefined, value: string): string {
  const literal = sample && sample.type === "TOMLValue" && sample.kind === "string" && sample.style === "literal";
  return literal && !value.includes("'") ? `'${value}'` : JSON.stringify(value);
}

/** A string value near the entry, to copy its quote style. */
function styleSample(nodes: Located["nodes"]): AST.TOMLNode | undefined {
  for (const { node } of nodes) {
    if (node.type !== "TOMLKeyValue") continue;
    const v = node.value;
    if (v.type === "TOMLValue" && v.kind === "string") return v;
    if (v.type === "TOMLInlineTable") for (const kv of v.body) if (kv.value.type === "TOMLValue" && kv.value.kind === "string") return kv.value;
    if (v.type === "TOMLArray" && v.elements[0]) return v.elements[0];
  }
  return undefined;
}

/** Edits an existing features array: removes and appends elements in its own layout. */
function editArray(text: string, array: AST.TOMLArray, remove: Set<string>, add: string[], eol: string): TextEdit[] {
  const elements = array.elements;
  const values = elements.map((e) => (e.type === "TOMLValue" && e.kind === "string" ? e.value : undefined));
  const kept = elements.filter((_, i) => !remove.has(values[i] ?? "\0"));
  const existing = new Set(kept.map((e) => (e.type === "TOMLValue" && e.kind === "string" ? e.value : "")));
  const toAdd = add.filter((a) => !existing.has(a));
  if (kept.length === elements.length && toAdd.length === 0) return [];
  const inner = text.slice(array.range[0] + 1, array.range[1] - 1);
  const multiline = inner.includes("\n");
  const quote = (v: string) => quoteLike(elements[0], v);
  if (!multiline) {
    const items = [...kept.map((e) => text.slice(e.range[0], e.range[1])), ...toAdd.map(quote)];
    const trailingComma = /,\s*$/.test(inner) && items.length > 0;
    const padded = /^\s/.test(inner) && items.length > 0;
    const body = items.join(", ") + (trailingComma ? "," : "");
    return [{ start: array.range[0], end: array.range[1], text: padded ? `[ ${body} ]` : `[${body}]` }];
  }
  // One element per line: delete whole lines of removed elements, append new lines after the last element.
  const edits: TextEdit[] = [];
  const lineStart = (offset: number) => text.lastIndexOf("\n", offset - 1) + 1;
  const lineEnd = (offset: number) => {
    const nl = text.indexOf("\n", offset);
    return nl === -1 ? text.length : nl + 1;
  };
  for (let i = 0; i < elements.length; i++) {
    if (!remove.has(values[i] ?? "\0")) continue;
    const el = elements[i]!;
    const start = lineStart(el.range[0]);
    const end = lineEnd(el.range[1]);
    const ownLine = text.slice(start, el.range[0]).trim() === "" && /^\s*,?\s*(#.*)?\r?\n?$/.test(text.slice(el.range[1], end));
    if (ownLine) edits.push({ start, end, text: "" });
    else {
      // Several elements on one line of a multi-line array: drop the element and its comma.
      const after = /^\s*,\s*/.exec(text.slice(el.range[1]))?.[0].length ?? 0;
      edits.push({ start: el.range[0], end: el.range[1] + after, text: "" });
    }
  }
  if (toAdd.length > 0) {
    const last = [...elements].reverse().find((_, i) => !remove.has(values[elements.length - 1 - i] ?? "\0")) ?? elements.at(-1);
    const indent = last ? /^[ \t]*/.exec(text.slice(lineStart(last.range[0])))![0] : "    ";
    const hasTrailingComma = last ? /^\s*,/.test(text.slice(last.range[1])) : true;
    if (last) {
      const afterLast = last.range[1] + (hasTrailingComma ? /^\s*,/.exec(text.slice(last.range[1]))![0].length : 0);
      const insertAt = lineEnd(afterLast) ;
      const lines = toAdd.map((v) => `${indent}${quote(v)},${eol}`).join("");
      if (!hasTrailingComma) edits.push({ start: last.range[1], end: last.range[1], text: "," });
      // When the last element's line also closes the array, break before the bracket instead.
      const closesOnSameLine = insertAt > array.range[1];
      if (closesOnSameLine) edits.push({ start: array.range[1] - 1, end: array.range[1] - 1, text: `${eol}${lines}` });
      else edits.push({ start: insertAt, end: insertAt, text: lines });
    } else {
      edits.push({ start: array.range[0] + 1, end: array.range[0] + 1, text: `${eol}${toAdd.map((v) => `${indent}${quote(v)},${eol}`).join("")}` });
    }
  }
  return edits;
}

/** Whether removing `remove` and adding `add` leaves a features array with no element. */
function emptiedBy(array: AST.TOMLArray, remove: ReadonlySet<string>, add: readonly string[]): boolean {
  const left = array.elements.filter((e) => !(e.type === "TOMLValue" && e.kind === "string" && remove.has(e.value)));
  return left.length === 0 && add.every((a) => remove.has(a)) && array.elements.length > 0;
}

/** Removes one `key = value` of an inline table with the comma that joins it to its neighbours. */
function removeInlineMember(text: string, table: AST.TOMLInlineTable, member: AST.TOMLKeyValue): TextEdit {
  const index = table.body.indexOf(member);
  const previous = table.body[index - 1];
  if (previous) {
    // `a = 1, features = []` → `a = 1`: from the end of the previous member.
    return { start: previous.range[1], end: member.range[1], text: "" };
  }
  const next = table.body[index + 1];
  return { start: member.range[0], end: next ? next.range[0] : member.range[1], text: "" };
}

function arrayText(values: string[], sample: AST.TOMLNode | undefined): string {
  return `[${values.map((v) => quoteLike(sample, v)).join(", ")}]`;
}

/**
 * Computes the edits for one change. Throws EditError when the entry is not where the change says. A `key = …`
 * entry is edited in a window of its own lines (entry-window.ts), so a large manifest is not parsed with positions.
 */
export function planTextEdits(text: string, change: DependencyChange): TextEdit[] {
  const eol = lineEnding(text);
  const window = entryWindow(text, change.keyPath);
  if (window) {
    const edits = editsIn(window.text, window.program, change, eol);
    const shift = window.start - window.headerLength;
    if (edits.every((e) => e.start >= window.headerLength)) return edits.map((e) => ({ ...e, start: e.start + shift, end: e.end + shift }));
  }
  return editsIn(text, tomlProgram(text), change, eol);
}

/** The edits for several changes to one manifest; their entries are located together, in one pass over the text. */
export function planManifestEdits(text: string, changes: readonly DependencyChange[]): TextEdit[] {
  locateEntries(text, changes.map((c) => c.keyPath));
  return changes.flatMap((c) => planTextEdits(text, c));
}

function editsIn(text: string, program: AST.TOMLProgram, change: DependencyChange, eol: string): TextEdit[] {
  const { nodes } = locate(program, change.keyPath);
  const depth = change.keyPath.length;
  const remove = new Set(change.removeFeatures);
  const entry = nodes.find((n) => n.path.length === depth);
  const sample = styleSample(nodes);
  const dfKeys = ["default-features", "default_features"];

  // Form 1 and 2: `dep = "1"` or `dep = { … }`.
  if (entry && entry.node.type === "TOMLKeyValue") {
    const value = entry.node.value;
    if (value.type === "TOMLValue" && value.kind === "string") {
      const parts = [`version = ${text.slice(value.range[0], value.range[1])}`];
      if (change.disableDefaultFeatures) parts.push("default-features = false");
      const features = change.addFeatures.filter((f) => !remove.has(f));
      if (features.length > 0) parts.push(`features = ${arrayText(features, value)}`);
      if (parts.length === 1) return [];
      return [{ start: value.range[0], end: value.range[1], text: `{ ${parts.join(", ")} }` }];
    }
    if (value.type !== "TOMLInlineTable") throw new EditError(`${change.keyPath.join(".")} is neither a version string nor a table`);
    const edits: TextEdit[] = [];
    const inserts: string[] = [];
    const features = inlineMember(value, ["features"]);
    // A list the change empties goes away whole: `features = []` says nothing cargo does not assume.
    const emptied = features !== undefined && features.value.type === "TOMLArray" && emptiedBy(features.value, remove, change.addFeatures);
    if (change.disableDefaultFeatures) {
      const df = inlineMember(value, dfKeys);
      if (df) {
        if (!(df.value.type === "TOMLValue" && df.value.kind === "boolean" && df.value.value === false)) edits.push({ start: df.value.range[0], end: df.value.range[1], text: "false" });
      } else if (features && emptied) {
        edits.push({ start: features.range[0], end: features.range[1], text: "default-features = false" });
      } else if (features) {
        // cargo add's order: version, default-features, features.
        edits.push({ start: features.range[0], end: features.range[0], text: "default-features = false, " });
      } else inserts.push("default-features = false");
    }
    if (features && emptied) {
      if (!edits.some((e) => e.start === features.range[0])) edits.push(removeInlineMember(text, value, features));
    } else if (features && features.value.type === "TOMLArray") edits.push(...editArray(text, features.value, remove, change.addFeatures, eol));
    else if (!features) {
      const add = change.addFeatures.filter((f) => !remove.has(f));
      if (add.length > 0) inserts.push(`features = ${arrayText(add, sample)}`);
    }
    if (inserts.length > 0) {
      const last = value.body.at(-1);
      if (last) {
        const between = text.slice(last.range[1], value.range[1] - 1);
        const comma = /^\s*,/.exec(between);
        const at = comma ? last.range[1] + comma[0].length : last.range[1];
        edits.push({ start: at, end: at, text: `${comma ? " " : ", "}${inserts.join(", ")}${comma ? "," : ""}` });
      } else {
        edits.push({ start: value.range[0] + 1, end: value.range[1] - 1, text: ` ${inserts.join(", ")} ` });
      }
    }
    return edits;
  }

  // Form 3 and 4: `[dependencies.dep]` table, or dotted keys `dep.version = …` in the parent table.
  const keyValues = nodes.filter((n): n is { path: string[]; node: AST.TOMLKeyValue } => n.node.type === "TOMLKeyValue" && n.path.length > depth);
  const header = nodes.find((n) => n.node.type === "TOMLTable" && n.path.length === depth);
  if (!header && keyValues.length === 0) {
    if (change.create !== undefined) return [createEntry(text, program, change.keyPath, change.create, eol)];
    throw new EditError(`no entry ${change.keyPath.join(".")}`);
  }
  const dotted = !header;
  const prefix = dotted ? `${text.slice(keyValues[0]!.node.key.range[0], keyValues[0]!.node.key.range[1]).split(".")[0]!.trim()}.` : "";
  const edits: TextEdit[] = [];
  const lines: string[] = [];
  const member = (names: string[]) => keyValues.find((n) => n.path.length === depth + 1 && names.includes(n.path[depth]!));
  const features = member(["features"]);
  if (change.disableDefaultFeatures) {
    const df = member(dfKeys);
    if (df) {
      const v = df.node.value;
      if (!(v.type === "TOMLValue" && v.kind === "boolean" && v.value === false)) edits.push({ start: v.range[0], end: v.range[1], text: "false" });
    } else if (features) {
      const lineStart = text.lastIndexOf("\n", features.node.range[0] - 1) + 1;
      const indent = /^[ \t]*/.exec(text.slice(lineStart))![0];
      edits.push({ start: lineStart, end: lineStart, text: `${indent}${prefix}default-features = false${eol}` });
    } else lines.push(`${prefix}default-features = false`);
  }
  if (features && features.node.value.type === "TOMLArray" && emptiedBy(features.node.value, remove, change.addFeatures)) {
    // The whole `features = [...]` line (or lines) goes.
    const start = text.lastIndexOf("\n", features.node.range[0] - 1) + 1;
    const nl = text.indexOf("\n", features.node.range[1]);
    edits.push({ start, end: nl === -1 ? text.length : nl + 1, text: "" });
  } else if (features && features.node.value.type === "TOMLArray") edits.push(...editArray(text, features.node.value, remove, change.addFeatures, eol));
  else if (!features) {
    const add = change.addFeatures.filter((f) => !remove.has(f));
    if (add.length > 0) lines.push(`${prefix}features = ${arrayText(add, sample)}`);
  }
  if (lines.length > 0) {
    const anchor = keyValues.at(-1)?.node ?? header!.node;
    const anchorEnd = anchor.type === "TOMLTable" ? anchor.key.range[1] + 1 : anchor.range[1];
    const nl = text.indexOf("\n", anchorEnd);
    const at = nl === -1 ? text.length : nl + 1;
    const indent = anchor.type === "TOMLKeyValue" ? /^[ \t]*/.exec(text.slice(text.lastIndexOf("\n", anchor.range[0] - 1) + 1))![0] : "";
    const lead = nl === -1 ? eol : "";
    edits.push({ start: at, end: at, text: `${lead}${lines.map((l) => `${indent}${l}${eol}`).join("")}` });
  }
  return edits;
}

/** Inserts `key = value` at the end of the entry's table, creating the table at the end of the file if needed. */
function createEntry(text: string, program: AST.TOMLProgram, keyPath: string[], value: string, eol: string): TextEdit {
  const table = keyPath.slice(0, -1);
  const key = keyPath.at(-1)!;
  const line = `${/^[A-Za-z0-9_-]+$/.test(key) ? key : JSON.stringify(key)} = ${value}`;
  const header = program.body[0].body.find((item): item is AST.TOMLTable => item.type === "TOMLTable" && item.resolvedKey.map(String).join("\0") === table.join("\0"));
  if (header) {
    const last = header.body.at(-1);
    const anchorEnd = last ? last.range[1] : header.key.range[1] + 1;
    const nl = text.indexOf("\n", anchorEnd);
    const at = nl === -1 ? text.length : nl + 1;
    return { start: at, end: at, text: `${nl === -1 ? eol : ""}${line}${eol}` };
  }
  const tail = text.endsWith("\n") ? "" : eol;
  return { start: text.length, end: text.length, text: `${tail}${eol}[${table.join(".")}]${eol}${line}${eol}` };
}

/** Applies non-overlapping edits; overlapping ones are refused (ESLint's source-code-fixer does the same). */
export function applyTextEdits(text: string, edits: TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.start < sorted[i - 1]!.end) throw new EditError("overlapping edits");
  }
  let out = "";
  let at = 0;
  for (const edit of sorted) {
    out += text.slice(at, edit.start) + edit.text;
    at = edit.end;
  }
  return out + text.slice(at);
}
