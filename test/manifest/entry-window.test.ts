// The window's own check: even given a wrong place for an entry, entryWindow never returns a window that does not
// hold the whole entry (the key locator is mocked here to answer what it would refuse).
import { describe, expect, it, vi } from "vitest";
import { entryWindow } from "../../src/manifest/entry-window.js";
import * as keyLocator from "../../src/manifest/key-locator.js";

vi.mock("../../src/manifest/key-locator.js", () => ({ locateKeys: vi.fn() }));

function placedAt(line: number, column = 1) {
  vi.mocked(keyLocator.locateKeys).mockImplementation((_text, _doc, paths) => new Map(paths.map((p) => [JSON.stringify(p), { line, column }])));
}

describe("entryWindow with a wrong position", () => {
  it("refuses a dotted entry's first line, whose window holds only part of the entry", () => {
    placedAt(2);
    expect(entryWindow('[dependencies]\nreqwest.version = "0.11"\nreqwest.features = ["json"]\n', ["dependencies", "reqwest"])).toBeUndefined();
  });

  it("refuses a look-alike inside a string, whose window parses to another value", () => {
    placedAt(3);
    expect(entryWindow('[dependencies]\nx = """\nreqwest = "0.10"\n"""\nreqwest = "0.11"\n', ["dependencies", "reqwest"])).toBeUndefined();
  });

  it("accepts the right line, with the same locator answer", () => {
    placedAt(2);
    expect(entryWindow('[dependencies]\nreqwest = "0.11"\n', ["dependencies", "reqwest"])?.text).toBe('[dependencies]\nreqwest = "0.11"\n');
  });
});
