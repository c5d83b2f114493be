// The documentation against the code: every problem code is in docs/json-format.md's table, and the rule pages
// do not describe features as still to come.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const repo = join(import.meta.dirname, "..");

/** Every `code: "…"` a source file under src/ or rules/ gives a problem. */
function problemCodes(): Set<string> {
  const codes = new Set<string>();
  for (const dir of ["src", "rules"]) {
    for (const file of readdirSync(join(repo, dir), { recursive: true, encoding: "utf8" })) {
      if (!file.endsWith(".ts")) continue;
      for (const match of readFileSync(join(repo, dir, file), "utf8").matchAll(/\bcode: (?:kind === "missing" \? )?"([a-z]+(?:-[a-z]+)+)"(?: : "([a-z-]+)")?/g)) {
        codes.add(match[1]!);
        if (match[2]) codes.add(match[2]);
      }
    }
  }
  return codes;
}

describe("docs", () => {
  it("list every problem code in docs/json-format.md's problem table", () => {
    const doc = readFileSync(join(repo, "docs/json-format.md"), "utf8");
    const table = doc.slice(doc.indexOf("### Problems"), doc.indexOf("\n## ", doc.indexOf("### Problems")));
    const codes = problemCodes();
    expect(codes).toContain("config-invalid");
    expect([...codes].filter((code) => !table.includes(`\`${code}\``)).sort()).toEqual([]);
  });

  it("do not call shipped features planned or future on the rule pages", () => {
    for (const page of readdirSync(join(repo, "docs/rules"))) {
      const text = readFileSync(join(repo, "docs/rules", page), "utf8");
      expect(text, page).not.toMatch(/\bis planned\b|\bUntil feature resolution lands\b/);
    }
  });
});
