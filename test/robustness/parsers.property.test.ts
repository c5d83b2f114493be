// Property: for any mutation of a real Cargo.lock or Cargo.toml, the readers return a result or throw InputError,
// never anything else, and every position they report lies inside the text. Seeded, so a failure replays.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeLockfile } from "../../src/lockfile/encoding.js";
import { parseManifest } from "../../src/manifest/parse.js";
import { InputError, type Problem } from "../../src/problems.js";

const repo = join(import.meta.dirname, "../..");
const read = (path: string) => readFileSync(join(repo, path), "utf8");
const LOCKS = ["fixtures/lockfile-versions/v1/Cargo.lock", "fixtures/lockfile-versions/v2/Cargo.lock", "fixtures/lockfile-versions/v3/Cargo.lock", "fixtures/lockfile-versions/v4/Cargo.lock"].map(read);
const MANIFESTS = ["fixtures/demo/Cargo.toml", "fixtures/demo/crates/bot/Cargo.toml", "fixtures/demo/crates/notify/Cargo.toml", "fixtures/lockfile-versions/v1/Cargo.toml"].map(read);
/** Fragments that steer mutations towards the readers' special cases. */
const TOKENS = [
  "[", "]", "[[package]]", "[workspace]", "[dependencies]", "[target.'cfg(unix'.dependencies]", "=", '"', "'", '"""', "\\", "\\u{0}", "{", "}", ",", ".", "#", "\n", "\r\n",
  "\uFEFF", "\u0000", "<<<<<<< HEAD\n", "=======\n", ">>>>>>> x\n", "version = 9", 'version = "4"', "version = 1e400", "dependencies = 1", 'dependencies = ["a 1 (x"]',
  'name = "a"', "package = 1", "workspace = true", "{ workspace = true }", "members = 1", 'features = ["x", 1]', "default-features = 1", "1979-05-27", "inf", "-0",
];

type Mutation = (text: string) => string;
const at = (text: string, fraction: number) => Math.floor(fraction * (text.length + 1));
const lineAt = (lines: string[], fraction: number) => Math.min(lines.length - 1, Math.floor(fraction * lines.length));
const fraction = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.tuple(fraction, fc.constantFrom(...TOKENS)).map(([f, token]): Mutation => (t) => t.slice(0, at(t, f)) + token + t.slice(at(t, f))),
  fc.tuple(fraction, fc.integer({ min: 1, max: 8 })).map(([f, n]): Mutation => (t) => t.slice(0, at(t, f)) + t.slice(at(t, f) + n)),
  fc.tuple(fraction, fc.string({ unit: "binary", maxLength: 4 })).map(([f, s]): Mutation => (t) => t.slice(0, at(t, f)) + s + t.slice(at(t, f) + s.length)),
  fraction.map((f): Mutation => (t) => t.slice(0, at(t, f))),
  fc.tuple(fraction, fc.integer({ min: 1, max: 5 })).map(([f, n]): Mutation => (t) => {
    const lines = t.split("\n");
    lines.splice(lineAt(lines, f), n);
    return lines.join("\n");
  }),
  fc.tuple(fraction, fraction).map(([f, g]): Mutation => (t) => {
    const lines = t.split("\n");
    lines.splice(lineAt(lines, g), 0, lines[lineAt(lines, f)]!);
    return lines.join("\n");
  }),
  fc.tuple(fraction, fraction).map(([f, g]): Mutation => (t) => {
    const lines = t.split("\n");
    const [a, b] = [lineAt(lines, f), lineAt(lines, g)];
    [lines[a], lines[b]] = [lines[b]!, lines[a]!];
    return lines.join("\n");
  }),
);

const mutated = (seeds: string[]) =>
  fc.tuple(fc.constantFrom(...seeds), fc.array(mutation, { minLength: 1, maxLength: 4 })).map(([seed, ms]) => ms.reduce((t, m) => m(t), seed));

/** Runs `read`; only InputError may escape. Checks every reported position against the text. */
function expectResultOrInputError(text: string, read: () => { problems: Problem[] }): void {
  let problems: Problem[];
  try {
    problems = read().problems;
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    problems = [error.problem];
  }
  const lines = text.split("\n").length;
  for (const problem of problems) {
    expect(problem.message).not.toBe("");
    if (!problem.position) continue;
    expect(problem.position.line).toBeGreaterThanOrEqual(1);
    expect(problem.position.line).toBeLessThanOrEqual(lines);
    expect(problem.position.column).toBeGreaterThanOrEqual(1);
  }
}

// ~200 cases per reader keep this under a few seconds; `FC_RUNS=100000` (and `FC_SEED`) for a longer local search.
const options = { seed: Number(process.env.FC_SEED ?? 20261127), numRuns: Number(process.env.FC_RUNS ?? 200) };

describe("readers under mutation", () => {
  it("decodeLockfile returns a lockfile or throws InputError", () => {
    fc.assert(
      fc.property(mutated(LOCKS), (text) => expectResultOrInputError(text, () => decodeLockfile(text, "/ws/Cargo.lock"))),
      options,
    );
  });

  it("parseManifest returns a manifest or throws InputError", () => {
    fc.assert(
      fc.property(mutated(MANIFESTS), (text) => expectResultOrInputError(text, () => parseManifest(text, "/ws/Cargo.toml"))),
      options,
    );
  });

  it("both readers take arbitrary text", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 200 }), (text) => {
        expectResultOrInputError(text, () => decodeLockfile(text, "/ws/Cargo.lock"));
        expectResultOrInputError(text, () => parseManifest(text, "/ws/Cargo.toml"));
      }),
      options,
    );
  });
});
