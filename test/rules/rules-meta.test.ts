// Every rule has a unique kebab-case id, a docs page, a test file and messages for what it reports.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { RULES } from "../../rules/index.js";
import { TLS_CRATES } from "../../rules/data/tls-crates.js";

const repo = join(import.meta.dirname, "../..");

describe("rules", () => {
  it("have unique kebab-case ids", () => {
    const ids = RULES.map((r) => r.meta.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z]+(-[a-z0-9]+)*$/);
  });

  it.each(RULES.map((r) => [r.meta.id, r]))("%s has a docs page, a test and a description", (id, rule) => {
    expect(rule.meta.docs).toBe(`docs/rules/${id}.md`);
    const page = readFileSync(join(repo, rule.meta.docs), "utf8");
    expect(page.startsWith(`# ${id}\n`)).toBe(true);
    expect(existsSync(join(repo, "test/rules", `${id}.test.ts`))).toBe(true);
    expect(rule.meta.description.length).toBeGreaterThan(10);
    expect(readFileSync(join(repo, "docs/rules/README.md"), "utf8")).toContain(`[${id}](${id}.md)`);
  });

  it("crate knowledge has a source for every entry", () => {
    for (const crate of TLS_CRATES) expect(crate.source, crate.name).toMatch(/\S{10,}/);
    expect(new Set(TLS_CRATES.map((c) => c.name)).size).toBe(TLS_CRATES.length);
  });
});
