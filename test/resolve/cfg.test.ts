// Tests for cargo platform specs: parsing as cargo-platform does, evaluation against the rustc target table.
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import {
  CfgParseError,
  classifyTargets,
  evalCfg,
  formatCfg,
  parseCfg,
  readRustcCfg,
  unknownCfgKeys,
  unsupportedCfgPredicates,
  type CfgExpr,
  type TargetCfg,
} from "../../src/resolve/cfg.js";
import { KNOWN_TRIPLES, RUSTC_VERSION, TARGETS, allTargetCfgs, targetCfg } from "../../rules/data/targets.js";

/** The table entry for `triple`; fails the test when it is missing. */
function target(triple: string): TargetCfg {
  const cfg = targetCfg(triple);
  if (!cfg) throw new Error(`no table entry for ${triple}`);
  return cfg;
}

const LINUX = "x86_64-unknown-linux-gnu";
const MACOS = "aarch64-apple-darwin";
const WINDOWS = "x86_64-pc-windows-msvc";
const WASM = "wasm32-unknown-unknown";

/** Evaluates `spec` on each named triple. */
function evalOn(spec: string, triples: string[]): boolean[] {
  const expr = parseCfg(spec);
  return triples.map((t) => evalCfg(expr, target(t)));
}

/** The parse error for `spec`; fails the test when it parses. */
function parseErrorOf(spec: string): CfgParseError {
  try {
    parseCfg(spec);
  } catch (error) {
    if (error instanceof CfgParseError) return error;
    throw error;
  }
  throw new Error(`expected ${spec} not to parse`);
}

const name = (n: string): CfgExpr => ({ kind: "name", name: n });
const pair = (key: string, value: string): CfgExpr => ({ kind: "pair", key, value });

describe("parseCfg", () => {
  it("reads a bare target triple", () => {
    expect(parseCfg("x86_64-pc-windows-gnu")).toEqual({ kind: "triple", triple: "x86_64-pc-windows-gnu" });
    expect(parseCfg("thumbv7em-none-eabihf")).toEqual({ kind: "triple", triple: "thumbv7em-none-eabihf" });
    // Cargo accepts dots (custom target names) and even an empty key.
    expect(parseCfg("my.custom_target-1")).toEqual({ kind: "triple", triple: "my.custom_target-1" });
    expect(parseCfg("")).toEqual({ kind: "triple", triple: "" });
  });

  it("reads names, pairs and booleans", () => {
    expect(parseCfg("cfg(unix)")).toEqual(name("unix"));
    expect(parseCfg('cfg(target_os = "linux")')).toEqual(pair("target_os", "linux"));
    expect(parseCfg('cfg(target_os="linux")')).toEqual(pair("target_os", "linux"));
    expect(parseCfg('cfg(target_abi = "")')).toEqual(pair("target_abi", ""));
    expect(parseCfg("cfg(true)")).toEqual({ kind: "bool", value: true });
    expect(parseCfg("cfg(false)")).toEqual({ kind: "bool", value: false });
    expect(parseCfg("cfg(_bar9)")).toEqual(name("_bar9"));
  });

  it("reads raw identifiers as plain names", () => {
    expect(parseCfg("cfg(r#true)")).toEqual({ kind: "name", name: "true", raw: true });
    expect(parseCfg('cfg(r#foo = "x")')).toEqual({ kind: "pair", key: "foo", value: "x", raw: true });
    // `r` alone, and names that merely start with r, are ordinary identifiers.
    expect(parseCfg("cfg(r)")).toEqual(name("r"));
    expect(parseCfg("cfg(rust)")).toEqual(name("rust"));
  });

  it("nests any, all and not", () => {
    expect(parseCfg('cfg(not(any(target_os = "windows", target_vendor = "apple")))')).toEqual({
      kind: "not",
      item: { kind: "any", items: [pair("target_os", "windows"), pair("target_vendor", "apple")] },
    });
    expect(parseCfg('cfg(all(unix, not(target_os = "macos")))')).toEqual({
      kind: "all",
      items: [name("unix"), { kind: "not", item: pair("target_os", "macos") }],
    });
    expect(parseCfg("cfg(any(all(a, any(b, not(c))), not(not(d))))")).toEqual({
      kind: "any",
      items: [
        { kind: "all", items: [name("a"), { kind: "any", items: [name("b"), { kind: "not", item: name("c") }] }] },
        { kind: "not", item: { kind: "not", item: name("d") } },
      ],
    });
  });

  it("accepts empty lists and trailing commas in any/all", () => {
    expect(parseCfg("cfg(all())")).toEqual({ kind: "all", items: [] });
    expect(parseCfg("cfg(any())")).toEqual({ kind: "any", items: [] });
    expect(parseCfg("cfg(all(a, ))")).toEqual({ kind: "all", items: [name("a")] });
    expect(parseCfg("cfg(any(a,b,))")).toEqual({ kind: "any", items: [name("a"), name("b")] });
  });

  it("tolerates spaces anywhere between tokens", () => {
    const spaced = parseCfg('cfg(  any (  unix ,target_os  =  "wasi" , )  )');
    expect(spaced).toEqual(parseCfg('cfg(any(unix, target_os = "wasi"))'));
    expect(parseCfg('cfg(foo = "3 e")')).toEqual(pair("foo", "3 e"));
  });

  it("keeps string contents verbatim: cargo has no escapes", () => {
    expect(parseCfg(String.raw`cfg(target_os = "a\b")`)).toEqual(pair("target_os", String.raw`a\b`));
    expect(parseCfg('cfg(k = "(,=)")')).toEqual(pair("k", "(,=)"));
  });

  it("round-trips through formatCfg", () => {
    for (const spec of [
      "x86_64-apple-darwin",
      "cfg(windows)",
      'cfg(target_os = "windows")',
      'cfg(not(any(target_os = "windows", target_vendor = "apple")))',
      "cfg(all())",
      "cfg(any(true, r#false))",
    ]) {
      expect(formatCfg(parseCfg(spec))).toBe(spec);
    }
  });

  it("round-trips generated expressions", () => {
    // A small deterministic generator instead of a property-testing dependency.
    let seed = 42;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const leaves = ["unix", "windows", "foo", "r#bar"];
    const generate = (depth: number): string => {
      const pick = depth > 3 ? random(3) : random(6);
      if (pick === 0) return leaves[random(leaves.length)]!;
      if (pick === 1) return `target_os = "${["linux", "", "a b", "x\\y"][random(4)]}"`;
      if (pick === 2) return ["true", "false"][random(2)]!;
      if (pick === 3) return `not(${generate(depth + 1)})`;
      const items = Array.from({ length: random(4) }, () => generate(depth + 1));
      return `${pick === 4 ? "all" : "any"}(${items.join(", ")})`;
    };
    for (let i = 0; i < 200; i++) {
      const spec = `cfg(${generate(0)})`;
      expect(formatCfg(parseCfg(spec)), spec).toBe(spec);
    }
  });
});

describe("parseCfg errors", () => {
  // [spec, part of the reason, offset into the spec]; reasons follow cargo-platform's wording.
  const cases: [string, string, number][] = [
    ["cfg(all(unix)", "expected `)`, but cfg expression ended", 12],
    ["cfg(any(unix, windows)", "expected `)`, but cfg expression ended", 21],
    ["cfg(not(unix, windows))", "expected `)`, found `,`", 12],
    ["cfg(unix))", "unexpected content `)` found after cfg expression", 8],
    ["cfg(all(unix windows))", "expected `)`, found an identifier", 13],
    ["cfg(any(unix,,windows))", "expected identifier, found `,`", 13],
    ["cfg(target_os = )", "expected a string, but cfg expression ended", 16],
    ["cfg(any(target_os = ))", "expected a string, found `)`", 20],
    ["cfg(target_os =)", "expected a string, but cfg expression ended", 15],
    ["cfg(target_os = linux)", "expected a string, found an identifier", 16],
    ['cfg(target_os = "linux)', "unterminated string in cfg", 16],
    [String.raw`cfg(target_os = "a\"b")`, "unexpected content `b\"` found after cfg expression", 20],
    ['cfg("linux")', "expected identifier, found a string", 4],
    ["cfg()", "expected start of a cfg expression, but cfg expression ended", 4],
    ["cfg( )", "expected start of a cfg expression, but cfg expression ended", 5],
    ["cfg(all)", "expected `(`, but cfg expression ended", 7],
    ["cfg(not())", "expected identifier, found `)`", 8],
    ["cfg(all(not()))", "expected identifier, found `)`", 12],
    ["cfg(unix,)", "unexpected content `,` found after cfg expression", 8],
    ["cfg(foo(a))", "unexpected content `(a)` found after cfg expression", 7],
    ["cfg(\tunix)", "unexpected character `\t` in cfg", 4],
    ["cfg(ünix)", "unexpected character `ü` in cfg", 4],
    ["cfg(7)", "unexpected character `7` in cfg", 4],
    ["cfg(r#)", "expected identifier, but cfg expression ended", 6],
    ["cfg(r#1)", "unexpected character `1` in cfg", 6],
    ['cfg(version("1.80"))', 'unexpected content `("1.80")` found after cfg expression', 11],
    // Not a cfg(...) spec, so it must be a target name.
    ["any(cfg(unix), cfg(windows))", "unexpected `(` character, cfg expressions must start with `cfg(`", 3],
    [" cfg(unix)", "unexpected `(` character, cfg expressions must start with `cfg(`", 4],
    ["cfg(unix) ", "unexpected `(` character, cfg expressions must start with `cfg(`", 3],
    ["!foo", "unexpected character ! in target name", 0],
    ["x86_64 linux", "unexpected character   in target name", 6],
  ];

  it.each(cases)("%j fails: %s", (spec, reason, offset) => {
    const error = parseErrorOf(spec);
    expect(error).toBeInstanceOf(CfgParseError);
    expect(error.reason).toContain(reason);
    expect(error.offset).toBe(offset);
    expect(error.spec).toBe(spec);
    expect(error.message).toContain(`failed to parse \`${spec}\` as a cfg expression`);
    expect(error.message).toContain(`column ${offset + 1}`);
  });

  it("reports the first error the parser reaches, as cargo does", () => {
    // A bad string after a grammar error: cargo tokenizes lazily and reports the grammar error.
    expect(parseErrorOf('cfg(all(a b "))').reason).toBe("expected `)`, found an identifier");
  });

  it("becomes a cfg-syntax problem at the offending column", () => {
    const problem = parseErrorOf("cfg(all(unix windows))").toProblem({
      file: "/ws/Cargo.toml",
      start: { line: 7, column: 10 },
    });
    expect(problem).toMatchObject({
      severity: "error",
      code: "cfg-syntax",
      file: "/ws/Cargo.toml",
      position: { line: 7, column: 23 },
    });
    expect(problem.message).toContain("expected `)`, found an identifier");
    expect(parseErrorOf("cfg(").toProblem({ severity: "warning" })).not.toHaveProperty("position");
  });
});

describe("evalCfg", () => {
  const tiers = [LINUX, MACOS, WINDOWS, WASM];

  it("matches a bare triple only on that exact target", () => {
    expect(evalOn("x86_64-unknown-linux-gnu", [LINUX, "x86_64-unknown-linux-musl", MACOS])).toEqual([
      true,
      false,
      false,
    ]);
    expect(evalOn("x86_64-pc-windows-gnu", ["x86_64-pc-windows-gnu", WINDOWS])).toEqual([true, false]);
  });

  it("cfg(unix) and cfg(windows) on linux, macOS, windows and wasm", () => {
    expect(evalOn("cfg(unix)", tiers)).toEqual([true, true, false, false]);
    expect(evalOn("cfg(windows)", tiers)).toEqual([false, false, true, false]);
    // Emscripten is both a unix and a wasm family target.
    expect(evalOn("cfg(unix)", ["wasm32-unknown-emscripten", "wasm32-wasip1"])).toEqual([true, false]);
  });

  it("the operating-system conditions TLS crates use", () => {
    expect(evalOn('cfg(target_os = "macos")', tiers)).toEqual([false, true, false, false]);
    expect(evalOn('cfg(any(target_os = "macos", target_os = "ios"))', [MACOS, "aarch64-apple-ios", LINUX])).toEqual([
      true,
      true,
      false,
    ]);
    expect(evalOn('cfg(all(unix, not(target_os = "macos")))', [LINUX, MACOS, "aarch64-apple-ios", WINDOWS])).toEqual([
      true,
      false,
      true,
      false,
    ]);
  });

  it("native-tls's OpenSSL condition holds on linux, not on windows or Apple targets", () => {
    const openssl = 'cfg(not(any(target_os = "windows", target_vendor = "apple")))';
    expect(evalOn(openssl, [LINUX, "aarch64-unknown-linux-musl", "aarch64-linux-android", "x86_64-unknown-freebsd"])).toEqual(
      [true, true, true, true],
    );
    expect(evalOn(openssl, [WINDOWS, "x86_64-pc-windows-gnu", MACOS, "x86_64-apple-darwin", "aarch64-apple-ios"])).toEqual(
      [false, false, false, false, false],
    );
  });

  it.each([
    ['target_os = "linux"', LINUX, "aarch64-linux-android"],
    ['target_os = "android"', "aarch64-linux-android", LINUX],
    ['target_family = "unix"', MACOS, WINDOWS],
    ['target_family = "windows"', WINDOWS, LINUX],
    ['target_family = "wasm"', "wasm32-wasip1", LINUX],
    ['target_vendor = "apple"', "x86_64-apple-ios", LINUX],
    ['target_vendor = "pc"', WINDOWS, LINUX],
    ['target_env = "gnu"', LINUX, "x86_64-unknown-linux-musl"],
    ['target_env = "musl"', "aarch64-unknown-linux-musl", "aarch64-unknown-linux-gnu"],
    ['target_env = "msvc"', WINDOWS, "x86_64-pc-windows-gnu"],
    ['target_env = "p1"', "wasm32-wasip1", WASM],
    ['target_arch = "x86_64"', LINUX, "aarch64-unknown-linux-gnu"],
    ['target_arch = "aarch64"', MACOS, "x86_64-apple-darwin"],
    ['target_arch = "wasm32"', WASM, LINUX],
    ['target_arch = "x86"', "i686-pc-windows-msvc", WINDOWS],
    ['target_pointer_width = "32"', "armv7-unknown-linux-gnueabihf", LINUX],
    ['target_pointer_width = "64"', LINUX, WASM],
    ['target_endian = "big"', "s390x-unknown-linux-gnu", "powerpc64le-unknown-linux-gnu"],
    ['target_endian = "little"', "powerpc64le-unknown-linux-gnu", "s390x-unknown-linux-gnu"],
    ['target_abi = "eabihf"', "armv7-unknown-linux-gnueabihf", "armv7-linux-androideabi"],
    ['target_abi = ""', LINUX, "armv7-unknown-linux-gnueabihf"],
    ['target_has_atomic = "64"', "arm-unknown-linux-gnueabihf", "no-such-target"],
    ['target_has_atomic = "ptr"', WASM, "no-such-target"],
    ['target_has_atomic = "128"', WINDOWS, LINUX],
    ['target_feature = "sse2"', LINUX, MACOS],
    ['target_feature = "neon"', MACOS, LINUX],
    ['panic = "unwind"', LINUX, WASM],
    ['panic = "abort"', WASM, LINUX],
  ])("cfg(%s) is true on %s, false on %s", (predicate, yes, no) => {
    const expr = parseCfg(`cfg(${predicate})`);
    expect(evalCfg(expr, target(yes))).toBe(true);
    const other = targetCfg(no) ?? { triple: no, names: new Set<string>(), values: new Map() };
    expect(evalCfg(expr, other)).toBe(false);
  });

  it("is false for predicates rustc does not print for a target", () => {
    for (const spec of ['cfg(feature = "native-tls")', "cfg(test)", "cfg(proc_macro)", 'cfg(foo = "bar")', "cfg(target_oss)"]) {
      expect(allTargetCfgs().some((t) => evalCfg(parseCfg(spec), t)), spec).toBe(false);
    }
    // A key used bare is never set; neither is a name used with a value.
    expect(evalOn("cfg(target_os)", [LINUX])).toEqual([false]);
    expect(evalOn('cfg(unix = "yes")', [LINUX])).toEqual([false]);
  });

  it("treats debug_assertions as set, since cargo asks rustc without profile flags", () => {
    expect(evalOn("cfg(debug_assertions)", tiers)).toEqual([true, true, true, true]);
    expect(evalOn("cfg(not(debug_assertions))", tiers)).toEqual([false, false, false, false]);
  });

  it("all() is true, any() is false, and the literals are what they say", () => {
    expect(evalOn("cfg(all())", [LINUX])).toEqual([true]);
    expect(evalOn("cfg(any())", [LINUX])).toEqual([false]);
    expect(evalOn("cfg(not(any()))", [LINUX])).toEqual([true]);
    expect(evalOn("cfg(all(true, not(false)))", [LINUX])).toEqual([true]);
    expect(evalOn("cfg(r#true)", [LINUX])).toEqual([false]);
  });

  it("works on a hand-built TargetCfg", () => {
    const custom = readRustcCfg("my-os", ["unix", 'target_os="myos"', 'weird="a\\"b"', ""]);
    expect(evalCfg(parseCfg('cfg(all(unix, target_os = "myos"))'), custom)).toBe(true);
    expect(custom.values.get("weird")).toEqual(new Set(['a"b']));
    expect(() => readRustcCfg("x", ["not a cfg line"])).toThrow(/not a rustc --print cfg line/);
  });
});

describe("classifyTargets", () => {
  it("splits the table by a spec, keeping table order", () => {
    const { matching, notMatching } = classifyTargets(parseCfg("cfg(windows)"), allTargetCfgs());
    expect(matching).toEqual([
      "x86_64-pc-windows-msvc",
      "i686-pc-windows-msvc",
      "x86_64-pc-windows-gnu",
      "aarch64-pc-windows-msvc",
      "i686-pc-windows-gnu",
    ]);
    expect(matching.length + notMatching.length).toBe(KNOWN_TRIPLES.length);
    expect(notMatching).toContain(LINUX);
  });

  it("puts every Apple and Windows target outside native-tls's OpenSSL condition", () => {
    const openssl = parseCfg('cfg(not(any(target_os = "windows", target_vendor = "apple")))');
    const { notMatching } = classifyTargets(openssl, allTargetCfgs());
    expect(notMatching.sort()).toEqual(KNOWN_TRIPLES.filter((t) => /apple|windows/.test(t)).sort());
  });
});

describe("unknownCfgKeys", () => {
  it("reports typos, once each, in order", () => {
    expect(
      unknownCfgKeys(parseCfg('cfg(any(target_oss = "linux", unixx, not(target_oss = "macos"), windows))')),
    ).toEqual(["target_oss", "unixx"]);
  });

  it("accepts every well-known name and key", () => {
    const spec =
      'cfg(any(unix, windows, test, debug_assertions, proc_macro, doc, miri, docsrs, target_thread_local, ' +
      'target_os = "linux", target_family = "unix", target_vendor = "apple", target_env = "gnu", ' +
      'target_arch = "x86_64", target_pointer_width = "64", target_endian = "little", target_abi = "", ' +
      'target_has_atomic = "64", target_feature = "sse2", panic = "abort", feature = "tls", ' +
      'relocation_model = "pic", sanitize = "address", fmt_debug = "full"))';
    expect(unknownCfgKeys(parseCfg(spec))).toEqual([]);
  });

  it("reports keys used bare and names given values", () => {
    expect(unknownCfgKeys(parseCfg('cfg(all(target_os, unix = "1"))'))).toEqual(["target_os", "unix"]);
  });

  it("has nothing to say about triples and literals", () => {
    expect(unknownCfgKeys(parseCfg("x86_64-unknown-linux-gnu"))).toEqual([]);
    expect(unknownCfgKeys(parseCfg("cfg(all(true, not(false)))"))).toEqual([]);
  });
});

describe("unsupportedCfgPredicates", () => {
  it("finds what cargo warns cannot select dependencies", () => {
    const expr = parseCfg('cfg(any(test, feature = "a", unix, debug_assertions, proc_macro, feature = "b"))');
    expect(unsupportedCfgPredicates(expr)).toEqual(["test", "feature", "debug_assertions", "proc_macro"]);
    expect(unsupportedCfgPredicates(parseCfg("cfg(unix)"))).toEqual([]);
  });
});

describe("target table", () => {
  const required = [
    "x86_64-unknown-linux-gnu",
    "x86_64-unknown-linux-musl",
    "aarch64-unknown-linux-gnu",
    "aarch64-unknown-linux-musl",
    "i686-unknown-linux-gnu",
    "armv7-unknown-linux-gnueabihf",
    "arm-unknown-linux-gnueabihf",
    "riscv64gc-unknown-linux-gnu",
    "powerpc64le-unknown-linux-gnu",
    "s390x-unknown-linux-gnu",
    "x86_64-apple-darwin",
    "aarch64-apple-darwin",
    "aarch64-apple-ios",
    "x86_64-apple-ios",
    "aarch64-linux-android",
    "armv7-linux-androideabi",
    "x86_64-linux-android",
    "x86_64-pc-windows-msvc",
    "i686-pc-windows-msvc",
    "aarch64-pc-windows-msvc",
    "x86_64-pc-windows-gnu",
    "i686-pc-windows-gnu",
    "x86_64-unknown-freebsd",
    "x86_64-unknown-netbsd",
    "x86_64-unknown-illumos",
    "wasm32-unknown-unknown",
    "wasm32-wasip1",
    "wasm32-unknown-emscripten",
  ];

  it("covers the common tier 1 and tier 2 triples, once each, with a source", () => {
    for (const triple of required) expect(KNOWN_TRIPLES, triple).toContain(triple);
    expect(new Set(KNOWN_TRIPLES).size).toBe(KNOWN_TRIPLES.length);
    for (const entry of TARGETS) {
      expect(entry.source).toBe(`${RUSTC_VERSION}: rustc --print cfg --target ${entry.triple}`);
      expect(entry.cfg).toContain("debug_assertions");
    }
    expect(targetCfg("no-such-target")).toBeUndefined();
  });

  it("agrees with the target triple's own parts", () => {
    for (const t of allTargetCfgs()) {
      const os = [...(t.values.get("target_os") ?? [])];
      expect(os, t.triple).toHaveLength(1);
      const arch = t.values.get("target_arch");
      expect(arch?.size, t.triple).toBe(1);
      if (t.triple.includes("windows")) expect(t.names.has("windows"), t.triple).toBe(true);
      if (t.triple.includes("apple")) expect(t.values.get("target_vendor"), t.triple).toEqual(new Set(["apple"]));
    }
  });

  const rustc = spawnSync("rustc", ["--version"], { encoding: "utf8" });
  const hasRustc = rustc.status === 0;

  it.skipIf(!hasRustc).each([LINUX, MACOS, WINDOWS, "wasm32-wasip1", "armv7-linux-androideabi", "s390x-unknown-linux-gnu"])(
    "matches live `rustc --print cfg --target %s`",
    (triple) => {
      const live = spawnSync("rustc", ["--print", "cfg", "--target", triple], { encoding: "utf8" });
      expect(live.status, live.stderr).toBe(0);
      const fromRustc = readRustcCfg(triple, live.stdout.split("\n"));
      // Compared as sets so a newer rustc that only reorders lines still passes; a differing
      // rustc version may legitimately add target features, so that case compares the stable keys only.
      const table = target(triple);
      if (rustc.stdout.trim() === RUSTC_VERSION) {
        expect(fromRustc).toEqual(table);
      } else {
        expect(fromRustc.names).toEqual(table.names);
        for (const key of ["target_os", "target_family", "target_arch", "target_vendor", "target_env", "target_pointer_width"]) {
          expect(fromRustc.values.get(key), `${triple} ${key}`).toEqual(table.values.get(key));
        }
      }
    },
  );
});
