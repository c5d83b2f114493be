// Where a declaration's key is on its line (bare, quoted, dotted, or inside a `[table.header]`), for underlines.

/** The key at `from` in a line: its dotted parts as [start, end) offsets (quotes included), and where it ends. */
export interface KeyToken {
  /** A `[table.header]` (its end is past the closing brackets) rather than a `key = …` line. */
  header: boolean;
  parts: [number, number][];
  end: number;
}

export function readKeyToken(source: string, from: number): KeyToken {
  const header = source[from] === "[";
  let i = header ? from + 1 : from;
  while (source[i] === "[") i++;
  const parts: [number, number][] = [];
  for (;;) {
    while (source[i] === " " || source[i] === "\t") i++;
    const start = i;
    const quote = source[i];
    if (quote === '"' || quote === "'") {
      for (i++; i < source.length && source[i] !== quote; i++) if (quote === '"' && source[i] === "\\") i++;
      i = Math.min(i + 1, source.length);
    } else {
      i += /^[A-Za-z0-9_-]*/.exec(source.slice(i))![0].length;
    }
    if (i > start) parts.push([start, i]);
    while (source[i] === " " || source[i] === "\t") i++;
    if (source[i] !== "." || i === start) break;
    i++;
  }
  if (!header) return { header, parts, end: parts.at(0)?.[1] ?? from };
  while (i < source.length && source[i] !== "]") i++;
  while (source[i] === "]") i++;
  return { header, parts, end: i };
}

/**
 * The dependency's own name among the key's parts, [start, end): the last part of a header
 * (`[target."cfg(unix)".dependencies.native-tls]`), the first of a key line (`reqwest.version = …`).
 */
export function dependencyNameRange(source: string, from: number): [number, number] | undefined {
  const token = readKeyToken(source, from);
  return token.header ? token.parts.at(-1) : token.parts.at(0);
}
