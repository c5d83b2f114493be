// Cargo as the judge of --write: the recorded judgement of every oracle case (the live re-judgement runs with the
// live differential test, in test/resolve/differential.test.ts, so that the two cargo runs do not overlap).
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "../../fixtures/cargo-oracle");
const judged = ["bookworm", "trixie", "sid"].filter((s) => existsSync(join(root, s, "fix-judgement.json")));

interface Judgement {
  cases: number;
  fixableFindings: number;
  failures: unknown[];
}

describe("--write judged by cargo", () => {
  it.each(judged)("%s: every fixable finding was fixed as far as cargo can tell, with no features lost", (suite) => {
    const judgement = JSON.parse(readFileSync(join(root, suite, "fix-judgement.json"), "utf8")) as Judgement;
    expect(judgement.cases).toBeGreaterThan(50);
    expect(judgement.fixableFindings).toBeGreaterThan(20);
    expect(judgement.failures).toEqual([]);
  });

});
