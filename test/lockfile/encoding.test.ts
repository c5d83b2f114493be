import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { decodeLockfile, parseDependencyRef } from "../../src/lockfile/encoding.js";
import { InputError } from "../../src/problems.js";
import { corpusDir, CRATES_IO, lockText } from "../helpers/memory-host.js";

const decode = (text: string) => decodeLockfile(text, "/ws/Cargo.lock");
const names = (text: string, from: string) => {
  const { lockfile } = decode(text);
  const pkg = lockfile.packages.find((p) => `${p.name} ${p.version}` === from)!;
  return pkg.dependencies.map((id) => `${lockfile.packages[id]!.name} ${lockfile.packages[id]!.version}`);
};

function inputError(fn: () => unknown) {
  try {
    fn();
  } catch (error) {
    if (error instanceof InputError) return error.problem;
    throw error;
  }
  throw new Error("expected an InputError");
}

describe("decodeLockfile: format versions", () => {
  it("reads v4 and v3 from the version line", () => {
    const text = lockText([{ name: "app", version: "0.1.0", dependencies: ["log"] }, { name: "log", version: "0.4.20", source: CRATES_IO }]);
    expect(decode(text).lockfile.version).toBe(4);
    expect(decode(text.replace("version = 4", "version = 3")).lockfile.version).toBe(3);
    expect(names(text, "app 0.1.0")).toEqual(["log 0.4.20"]);
  });

  it("reads v2 (no version line, inline checksums) and v1 (no version line, [metadata] checksums)", () => {
    const v2 = `[[package]]\nname = "app"\nversion = "0.1.0"\ndependencies = [\n "log",\n]\n\n[[package]]\nname = "log"\nversion = "0.4.8"\nsource = "${CRATES_IO}"\nchecksum = "abc"\n`;
    expect(decode(v2).lockfile.version).toBe(2);
    expect(decode(v2).lockfile.packages[1]!.checksum).toBe("abc");
    const v1 = `[[package]]\nname = "app"\nversion = "0.1.0"\ndependencies = [\n "log 0.4.8 (${CRATES_IO})",\n]\n\n[[package]]\nname = "log"\nversion = "0.4.8"\nsource = "${CRATES_IO}"\n\n[metadata]\n"checksum log 0.4.8 (${CRATES_IO})" = "def"\n`;
    const decoded = decode(v1);
    expect(decoded.lockfile.version).toBe(1);
    expect(decoded.lockfile.packages[1]!.checksum).toBe("def");
    expect(names(v1, "app 0.1.0")).toEqual(["log 0.4.8"]);
  });

  it("resolves the long dependency forms used when two versions of a crate are locked", () => {
    const git = "git+https://github.com/seanmonstar/reqwest?branch=master#0123abcd";
    const text = lockText([
      { name: "app", version: "0.1.0", dependencies: ["reqwest 0.11.27", `reqwest 0.12.9 (${CRATES_IO})`, `reqwest 0.12.9 (${git})`] },
      { name: "reqwest", version: "0.11.27", source: CRATES_IO },
      { name: "reqwest", version: "0.12.9", source: CRATES_IO },
      { name: "reqwest", version: "0.12.9", source: git },
    ]);
    const { lockfile, problems } = decode(text);
    expect(problems).toEqual([]);
    expect(lockfile.packages[0]!.dependencies).toEqual([1, 2, 3]);
  });

  it("warns about an ambiguous short name and a dangling dependency, and keeps going", () => {
    const text = lockText([
      { name: "app", version: "0.1.0", dependencies: ["log", "missing-crate"] },
      { name: "log", version: "0.3.9", source: CRATES_IO },
      { name: "log", version: "0.4.20", source: CRATES_IO },
    ]);
    const { lockfile, problems } = decode(text);
    expect(problems.map((p) => p.code)).toEqual(["lockfile-ambiguous-dependency", "lockfile-dangling-dependency"]);
    expect(problems[1]!.position).toEqual({ line: 6, column: 1 }); // the `name = "app"` line
    expect(lockfile.packages[0]!.dependencies).toEqual([1, 2]);
  });

  it("warns about duplicate packages and keeps the first", () => {
    const text = lockText([
      { name: "log", version: "0.4.20", source: CRATES_IO },
      { name: "log", version: "0.4.20", source: CRATES_IO },
    ]);
    const { lockfile, problems } = decode(text);
    expect(lockfile.packages).toHaveLength(1);
    expect(problems[0]).toMatchObject({ code: "lockfile-duplicate-package", severity: "warning" });
  });
});

describe("decodeLockfile: bad input", () => {
  it("rejects an unknown version with its line", () => {
    const problem = inputError(() => decode(lockText([], 5)));
    expect(problem).toMatchObject({ code: "lockfile-invalid", position: { line: 3, column: 1 } });
    expect(problem.message).toContain("unsupported lockfile version 5");
  });

  it("names git conflict markers and suggests cargo update -w", () => {
    const text = `version = 4\n\n<<<<<<< HEAD\n[[package]]\nname = "a"\nversion = "1.0.0"\n=======\n>>>>>>> branch\n`;
    const problem = inputError(() => decode(text));
    expect(problem).toMatchObject({ code: "conflict-markers", position: { line: 3, column: 1 } });
    expect(problem.hint).toContain("cargo update -w");
  });

  // The entries after a good one, as cargo words them (checked against cargo 1.95's `cargo metadata`).
  const good = `version = 4\n\n[[package]]\nname = "app"\nversion = "0.1.0"\ndependencies = [\n "log",\n]\n\n[[package]]\nname = "log"\nversion = "0.4.22"\nsource = "${CRATES_IO}"\n\n`;
  it.each([
    ["a name that is no string", `[[package]]\nname = 5\nversion = "0.1.0"\n`, 16, 1, "[[package]] entry: `name`: invalid type: integer `5`, expected a string"],
    ["a missing version", `[[package]]\nname = "b"\n`, 15, 1, "[[package]] entry: missing field `version`"],
    ["a version that is no string", `[[package]]\nname = "b"\n  version = 1\n`, 17, 3, "[[package]] entry: `version`: invalid type: integer `1`, expected a string"],
    ["dependencies that are a string", `[[package]]\nname = "b"\nversion = "0.1.0"\ndependencies = "log"\n`, 18, 1, 'package b 0.1.0: `dependencies`: invalid type: string "log", expected a sequence'],
    ["a dependency that is no string", `[[package]]\nname = "b"\nversion = "0.1.0"\ndependencies = [\n "log",\n 1,\n]\n`, 18, 1, "package b 0.1.0: `dependencies`: invalid type: integer `1`, expected a string"],
  ])("rejects %s at its line and column", (_name, entry, line, column, message) => {
    expect(inputError(() => decode(good + entry))).toMatchObject({ severity: "error", code: "lockfile-invalid", message, file: "/ws/Cargo.lock", position: { line, column } });
  });

  it("rejects packages written as something other than tables at the `package` key", () => {
    const problem = inputError(() => decode(`version = 4\npackage = "app"\n`));
    expect(problem).toMatchObject({ position: { line: 2, column: 1 }, message: "`package` must be an array of tables ([[package]])" });
  });

  it("reports TOML syntax errors with line and column", () => {
    const problem = inputError(() => decode(`version = 4\n\n[[package]]\nname = "unterminated\n`));
    expect(problem.code).toBe("lockfile-invalid");
    expect(problem.position?.line).toBe(4);
  });
});

describe("decodeLockfile: real lockfiles of every version", () => {
  const cases: [string, number][] = [
    ["LemmyNet__lemmy__v1_2020/server/Cargo.lock", 1],
    ["loewenheim__latexbot-rs/Cargo.lock", 2],
    ["wez__wezterm/Cargo.lock", 3],
    ["vectordotdev__vector/Cargo.lock", 4],
  ];
  for (const [file, version] of cases) {
    const path = join(corpusDir, file);
    it.skipIf(!existsSync(path))(`${file} is v${version}, with every dependency string resolved`, () => {
      const text = readFileSync(path, "utf8");
      const { lockfile, problems } = decode(text);
      expect(lockfile.version).toBe(version);
      expect(problems).toEqual([]);
      expect(lockfile.packages.length).toBe((text.match(/^\[\[package\]\]$/gm) ?? []).length);
      const edges = lockfile.packages.reduce((n, p) => n + p.dependencies.length, 0);
      const strings = [...text.matchAll(/^dependencies = \[\n((?: ".*",\n)*)\]/gm)].reduce((n, m) => n + m[1]!.split("\n").filter(Boolean).length, 0);
      expect(edges).toBe(strings);
    });
  }
});

describe("decodeLockfile: cargo-written fixtures of every version", () => {
  const dir = join(import.meta.dirname, "../../fixtures/lockfile-versions");
  it.each([1, 2, 3, 4])("v%i: two bitflags versions, a git twin and a path package, every edge resolved", (version) => {
    const file = join(dir, `v${version}`, "Cargo.lock");
    const { lockfile, problems } = decodeLockfile(readFileSync(file, "utf8"), file);
    expect(problems).toEqual([]);
    expect(lockfile.version).toBe(version);
    const label = (id: number) => {
      const p = lockfile.packages[id]!;
      return `${p.name} ${p.version} ${p.source === null ? "path" : p.source.split("+")[0]}`;
    };
    const edges = Object.fromEntries(lockfile.packages.filter((p) => p.dependencies.length > 0).map((p) => [label(p.id), p.dependencies.map(label).sort()]));
    expect(edges).toEqual({
      "gitdep 0.1.0 git": ["bitflags 1.3.2 registry"],
      "local-util 0.1.0 path": ["bitflags 2.8.0 git"],
      "lockver 0.1.0 path": ["bitflags 1.3.2 registry", "bitflags 2.8.0 registry", "gitdep 0.1.0 git", "local-util 0.1.0 path", "unicode-ident 1.0.13 registry"],
    });
    // Checksums are kept as written: Debian's registry writes a placeholder, cargo copies it.
    expect(lockfile.packages.find((p) => p.name === "unicode-ident")!.checksum).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe("parseDependencyRef", () => {
  // The grammar as one pattern; the reader takes shortcuts for the common forms and must answer the same.
  const byPattern = (text: string) => {
    const match = /^(\S+)(?: (\S+))?(?: \((.+)\))?$/.exec(text.trim());
    return match ? { name: match[1], version: match[2], source: match[3] } : undefined;
  };
  const plain = (ref: ReturnType<typeof parseDependencyRef>) => ref && { name: ref.name, version: ref.version, source: ref.source };

  it("reads the forms cargo writes", () => {
    expect(plain(parseDependencyRef("serde"))).toEqual({ name: "serde", version: undefined, source: undefined });
    expect(plain(parseDependencyRef("serde 1.0.215"))).toEqual({ name: "serde", version: "1.0.215", source: undefined });
    expect(plain(parseDependencyRef("serde 1.0.215 (registry+https://github.com/rust-lang/crates.io-index)"))).toEqual({
      name: "serde",
      version: "1.0.215",
      source: "registry+https://github.com/rust-lang/crates.io-index",
    });
  });

  it("agrees with the grammar's pattern on any text made of names, versions, blanks and brackets", () => {
    const text = fc.array(fc.constantFrom("a", "1", ".", "-", " ", "\t", "(", ")", "+", "#", "\n"), { maxLength: 14 }).map((chars) => chars.join(""));
    fc.assert(
      fc.property(text, (t) => {
        expect(plain(parseDependencyRef(t))).toEqual(byPattern(t));
      }),
      { numRuns: 20_000 },
    );
  });
});
