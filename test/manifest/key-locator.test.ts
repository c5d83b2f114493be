// The key locator answers only where the data proves its guess: on every manifest we have, each answer must equal
// the position toml-eslint-parser gives (the first entry under the key path), and it must answer for most keys.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseTOML, type AST } from "toml-eslint-parser";
import { describe, expect, it } from "vitest";
import { locateKeys } from "../../src/manifest/key-locator.js";
import { tomlData } from "../../src/manifest/toml-ast.js";
import { dependencyPaths, manifestsUnder, PUBLISHED_MANIFEST as published } from "../helpers/manifests.js";
import { corpusDir } from "../helpers/memory-host.js";

type Table = Record<string, unknown>;
const repo = join(import.meta.dirname, "../..");

/** toml-eslint-parser's answer: the first entry, in source order, whose key path starts with `prefix`. */
function referencePosition(program: AST.TOMLProgram, prefix: string[]): { line: number; column: number } | undefined {
  const entries: { path: string[]; node: AST.TOMLKeyValue | AST.TOMLTable }[] = [];
  const visit = (outer: string[], kv: AST.TOMLKeyValue) => {
    const path = [...outer, ...kv.key.keys.map((k) => (k.type === "TOMLBare" ? k.name : k.value))];
    entries.push({ path, node: kv });
    if (kv.value.type === "TOMLInlineTable") for (const inner of kv.value.body) visit(path, inner);
  };
  for (const item of program.body[0].body) {
    if (item.type === "TOMLKeyValue") visit([], item);
    else {
      entries.push({ path: item.resolvedKey.map(String), node: item });
      for (const kv of item.body) visit(item.resolvedKey.map(String), kv);
    }
  }
  const entry = entries.find((e) => prefix.length <= e.path.length && prefix.every((part, i) => e.path[i] === part));
  return entry && { line: entry.node.loc.start.line, column: entry.node.loc.start.column + 1 };
}

const corpus = corpusDir;
// Published crates' manifests are `[dependencies.x]` tables, which the locator leaves to toml-eslint-parser; they
// never need a span. Workspace manifests are the point.
const inRepo = manifestsUnder(join(repo, "fixtures"));
const inCorpus = manifestsUnder(corpus);

function check(files: string[]): { asked: number; answered: number } {
  let asked = 0;
  let answered = 0;
  for (const file of files) {
    const text = readFileSync(file, "utf8");
    let doc: Table;
    try {
      doc = tomlData(text);
    } catch {
      continue; // fixtures of broken TOML
    }
    const paths = dependencyPaths(doc);
    const found = locateKeys(text, doc, paths);
    const program = parseTOML(text.startsWith("\uFEFF") ? ` ${text.slice(1)}` : text);
    for (const path of paths) {
      asked++;
      const position = found.get(JSON.stringify(path));
      if (!position) continue;
      answered++;
      expect(position, `${file}: ${path.join(".")}`).toEqual(referencePosition(program, path));
    }
  }
  return { asked, answered };
}

describe("locateKeys", () => {
  it("agrees with toml-eslint-parser wherever it answers, on the repository's fixtures, and answers for most workspace keys", () => {
    check(inRepo.filter((f) => published.test(f)));
    const { asked, answered } = check(inRepo.filter((f) => !published.test(f)));
    expect(asked).toBeGreaterThan(500);
    expect(answered / asked).toBeGreaterThan(0.8);
  });

  it.skipIf(inCorpus.length === 0)("and on every manifest of the corpus", () => {
    const { asked, answered } = check(inCorpus);
    expect(asked).toBeGreaterThan(1000);
    expect(answered / asked).toBeGreaterThan(0.8);
  });

  it("answers nothing it cannot prove: a look-alike in a string, a dotted entry split over lines, a table header", () => {
    const text = [
      "[package]",
      'description = """',
      "[dependencies]",
      'reqwest = "fake"',
      '"""',
      "",
      "[dependencies]",
      "serde.version = \"1\"",
      "serde.features = [\"derive\"]",
      "tokio = { version = \"1\" }",
      "",
      "[dependencies.reqwest]",
      'version = "0.11"',
      "",
      "[target.'cfg(unix)'.dependencies]",
      '  "openssl" = "0.10"',
    ].join("\r\n");
    const doc = tomlData(text);
    const found = locateKeys(text, doc, [["dependencies", "reqwest"], ["dependencies", "serde"], ["dependencies", "tokio"], ["target", "cfg(unix)", "dependencies", "openssl"]]);
    expect([...found]).toEqual([
      [JSON.stringify(["dependencies", "tokio"]), { line: 10, column: 1 }],
      [JSON.stringify(["target", "cfg(unix)", "dependencies", "openssl"]), { line: 16, column: 3 }],
    ]);
  });

  it("answers nothing when the renamed text no longer parses, and for a path the data lacks", () => {
    const text = 'a = 1\n[dependencies]\nreqwest = "0.11"\n';
    expect(locateKeys(text, tomlData(text), [["dependencies", "serde"], ["dependencies"]]).size).toBe(0);
  });
});
