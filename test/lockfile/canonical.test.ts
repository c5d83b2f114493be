// The canonical-layout lock reader answers only when it gives exactly what smol-toml gives.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { parse as parseToml } from "smol-toml";
import { describe, expect, it } from "vitest";
import { readCanonicalLock } from "../../src/lockfile/canonical.js";
import { corpusDir, findLockfiles } from "../helpers/memory-host.js";

const repo = join(import.meta.dirname, "../..");
const fixtureLocks = findLockfiles(join(repo, "fixtures"));
const corpusLocks = findLockfiles(corpusDir);
const read = (path: string) => readFileSync(path, "utf8").replace(/^\uFEFF/, "");

/** What smol-toml makes of the text, as plain JSON (its dates are objects), or "invalid". */
function reference(text: string): unknown {
  try {
    return JSON.parse(JSON.stringify(parseToml(text)));
  } catch {
    return "invalid";
  }
}

describe("readCanonicalLock", () => {
  it("reads every cargo-written lock of version 2 and later, exactly as smol-toml does", () => {
    expect(fixtureLocks.length).toBeGreaterThan(500);
    let read2plus = 0;
    for (const path of [...fixtureLocks, ...corpusLocks]) {
      const text = read(path);
      const fast = readCanonicalLock(text);
      const isV1 = /^\[metadata\]$/m.test(text);
      if (isV1) {
        // v1 keeps checksums in a [metadata] table of quoted keys: left to the TOML parser.
        expect(fast, path).toBeUndefined();
        continue;
      }
      expect(fast, path).toBeDefined();
      expect(JSON.parse(JSON.stringify(fast)), path).toEqual(reference(text));
      read2plus++;
    }
    expect(read2plus).toBeGreaterThan(500);
  });

  it("reads CRLF line ends as TOML does", () => {
    const text = read(join(repo, "fixtures/lockfile-versions/v4/Cargo.lock")).replace(/\n/g, "\r\n");
    expect(readCanonicalLock(text)).toEqual(reference(text));
  });

  it("leaves anything outside cargo's layout to the TOML parser", () => {
    const base = '# comment\nversion = 4\n\n[[package]]\nname = "a"\nversion = "1.0.0"\ndependencies = [\n "b",\n]\n';
    expect(readCanonicalLock(base)).toEqual(reference(base));
    for (const variant of [
      base.replace('name = "a"', 'name = "a" # trailing comment'),
      base.replace('name = "a"', 'name = "a\\u0041"'),
      base.replace('name = "a"', "name = 'a'"),
      base.replace('name = "a"', 'name = "a"\nname = "b"'),
      base.replace('name = "a"', 'name  = "a"'),
      base.replace('name = "a"', 'features = "x"'),
      base.replace('dependencies = [\n "b",\n]', 'dependencies = ["b"]'),
      base.replace(' "b",\n', ' "b"\n'),
      base.replace("]\n", ""),
      base.replace("version = 4", "version = 04"),
      base.replace("version = 4", "version = 4\nversion = 4"),
      `${base}[metadata]\n"checksum a 1.0.0" = "00"\n`,
      base.replace("[[package]]", "[package]"),
      base.replace("# comment", "# bell \u0007"),
    ]) {
      expect(readCanonicalLock(variant), variant).toBeUndefined();
    }
  });

  // Mutants of real locks: whatever the fast reader accepts must be what smol-toml reads, and it must refuse
  // whatever smol-toml refuses. `FC_RUNS` / `FC_SEED` widen the search.
  it("never disagrees with smol-toml on mutated locks", () => {
    const sources = ["v2", "v3", "v4"].map((v) => read(join(repo, `fixtures/lockfile-versions/${v}/Cargo.lock`)));
    const pieces = ["\n", "\r", "\r\n", " ", '"', "\\", "#", "=", "[", "]", ",", "'", "x", "\u0000", "\u007f", "é", "[[package]]\n", 'name = "z"\n', "version = 3\n", "dependencies = [\n"];
    const mutant = fc.record({
      source: fc.constantFrom(...sources),
      edits: fc.array(fc.record({ at: fc.nat(), remove: fc.nat({ max: 3 }), insert: fc.constantFrom(...pieces) }), { minLength: 1, maxLength: 3 }),
    });
    fc.assert(
      fc.property(mutant, ({ source, edits }) => {
        let text = source;
        for (const { at, remove, insert } of edits) {
          const i = at % (text.length + 1);
          text = text.slice(0, i) + insert + text.slice(i + remove);
        }
        const fast = readCanonicalLock(text);
        if (fast !== undefined) expect(JSON.parse(JSON.stringify(fast))).toEqual(reference(text));
      }),
      { seed: Number(process.env.FC_SEED ?? 20261127), numRuns: Number(process.env.FC_RUNS ?? 2000) },
    );
  });
});
