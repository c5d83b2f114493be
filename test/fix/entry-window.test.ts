// Fix planning edits a `key = …` entry inside a window of its own lines (src/manifest/entry-window.ts). On every
// manifest we have, and for every dependency entry, the edits must be byte for byte those planned on the whole
// text's AST; and most entries must get a window, or the test would prove nothing.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import type { DependencyChange } from "../../src/fix/model.js";
import { applyTextEdits, planManifestEdits, planTextEdits } from "../../src/fix/toml-edit.js";
import * as entryWindows from "../../src/manifest/entry-window.js";
import { tomlData } from "../../src/manifest/toml-ast.js";
import { dependencyPaths, manifestsUnder, PUBLISHED_MANIFEST } from "../helpers/manifests.js";
import { corpusDir } from "../helpers/memory-host.js";

vi.mock("../../src/manifest/entry-window.js", async (original) => {
  const actual = await original<typeof import("../../src/manifest/entry-window.js")>();
  return { ...actual, entryWindow: vi.fn(actual.entryWindow) };
});
const { entryWindow } = await vi.importActual<typeof import("../../src/manifest/entry-window.js")>("../../src/manifest/entry-window.js");

/** The reference: the same planning with every window refused, so the whole text is parsed with positions. */
function planWhole(text: string, change: DependencyChange) {
  vi.mocked(entryWindows.entryWindow).mockReturnValue(undefined);
  try {
    return outcome(() => planTextEdits(text, change));
  } finally {
    vi.mocked(entryWindows.entryWindow).mockImplementation(entryWindow);
  }
}

function outcome<T>(run: () => T): T | string {
  try {
    return run();
  } catch (error) {
    return `${(error as Error).name}: ${(error as Error).message}`;
  }
}

const repo = join(import.meta.dirname, "../..");
const inRepo = manifestsUnder(join(repo, "fixtures")).filter((f) => !PUBLISHED_MANIFEST.test(f));
const inCorpus = manifestsUnder(corpusDir);

/** Changes of every kind a fix makes: defaults off and a rustls feature in, a native feature out, nothing. */
function changesFor(file: string, keyPath: string[], value: unknown): DependencyChange[] {
  const features = typeof value === "object" && value !== null && Array.isArray((value as { features?: unknown }).features) ? ((value as { features: string[] }).features) : [];
  return [
    { manifest: file, keyPath, disableDefaultFeatures: true, removeFeatures: ["native-tls"], addFeatures: ["rustls-tls", "http2"] },
    { manifest: file, keyPath, removeFeatures: features.slice(0, 1), addFeatures: [] },
    { manifest: file, keyPath, removeFeatures: [], addFeatures: features.slice(-1) },
  ];
}

function check(files: string[]): { entries: number; windowed: number } {
  let entries = 0;
  let windowed = 0;
  for (const file of files) {
    const text = readFileSync(file, "utf8");
    let doc: Record<string, unknown>;
    try {
      doc = tomlData(text);
    } catch {
      continue; // fixtures of broken TOML
    }
    // As fix planning does: all of a manifest's entries located in one pass.
    entryWindows.locateEntries(text, dependencyPaths(doc));
    for (const keyPath of dependencyPaths(doc)) {
      entries++;
      if (entryWindow(text, keyPath)) windowed++;
      const value = keyPath.reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], doc);
      for (const change of changesFor(file, keyPath, value)) {
        expect(outcome(() => planTextEdits(text, change)), `${file}: ${keyPath.join(".")}`).toEqual(planWhole(text, change));
      }
    }
  }
  return { entries, windowed };
}

describe("fix planning in an entry's window", () => {
  it("plans the same edits as on the whole text, for every dependency entry of the repository's fixtures", { timeout: 60_000 }, () => {
    const { entries, windowed } = check(inRepo);
    expect(entries).toBeGreaterThan(500);
    expect(windowed / entries).toBeGreaterThan(0.8);
  });

  it.skipIf(inCorpus.length === 0)("and of every manifest of the corpus", { timeout: 60_000 }, () => {
    const { entries, windowed } = check(inCorpus);
    expect(entries).toBeGreaterThan(1000);
    expect(windowed / entries).toBeGreaterThan(0.8);
  });

  it("grows the window over an entry's lines, and gives none where the entry is not one `key = …` line group", () => {
    const text = [
      "\uFEFF[package]",
      'description = """',
      "[dependencies]",
      'ureq = "fake"',
      '"""',
      "",
      "[dependencies]",
      "reqwest = { version = \"0.11\", features = [",
      "  \"json\", # a comment with ] and }",
      "  'native-tls',",
      "] }   # trailing",
      "serde.version = \"1\"",
      "serde.features = [\"derive\"]",
      'ureq = "2"',
      "[dependencies.tokio]",
      'version = "1"',
      "",
      "[target.'cfg(unix)'.dependencies]",
      '  "openssl" = "0.10"',
    ].join("\r\n");
    const window = entryWindow(text, ["dependencies", "reqwest"])!;
    expect(window.text).toBe(`[dependencies]\r\n${text.split("\r\n").slice(7, 11).join("\r\n")}\r\n`);
    expect(text.slice(window.start, window.start + window.text.length - window.headerLength)).toBe(window.text.slice(window.headerLength));
    expect(entryWindow(text, ["dependencies", "serde"])).toBeUndefined();
    expect(entryWindow(text, ["dependencies", "ureq"])).toBeUndefined(); // its look-alike in a string comes first
    expect(entryWindow(text, ["dependencies", "tokio"])).toBeUndefined();
    expect(entryWindow(text, ["target", "cfg(unix)", "dependencies", "openssl"])?.text).toBe(`[target."cfg(unix)".dependencies]\r\n  "openssl" = "0.10"`);

    const change: DependencyChange = { manifest: "/ws/Cargo.toml", keyPath: ["dependencies", "reqwest"], disableDefaultFeatures: true, removeFeatures: ["native-tls"], addFeatures: ["rustls-tls"] };
    const after = applyTextEdits(text, planManifestEdits(text, [change, { ...change, keyPath: ["target", "cfg(unix)", "dependencies", "openssl"] }]));
    expect(after.split("\r\n").slice(7, 12)).toEqual([
      'reqwest = { version = "0.11", default-features = false, features = [',
      '  "json", # a comment with ] and }',
      '  "rustls-tls",', // the first element's quote style
      "] }   # trailing",
      'serde.version = "1"',
    ]);
    expect(after.endsWith('"openssl" = { version = "0.10", default-features = false, features = ["rustls-tls"] }')).toBe(true);
    expect(after.startsWith("\uFEFF[package]\r\n")).toBe(true);
  });

  it("gives no window to an entry longer than its limit; the whole text is parsed instead, with the same edits", () => {
    const long = ["[dependencies]", "reqwest = { version = \"0.11\", features = [", ...Array.from({ length: 60 }, (_, i) => `  "f${i}",`), "] }", ""].join("\n");
    expect(entryWindow(long, ["dependencies", "reqwest"])).toBeUndefined();
    const change: DependencyChange = { manifest: "/ws/Cargo.toml", keyPath: ["dependencies", "reqwest"], removeFeatures: ["f3"], addFeatures: [] };
    expect(planTextEdits(long, change)).toEqual(planWhole(long, change));
    expect(planTextEdits(long, change)).toHaveLength(1);
  });
});
