// What the differential suites share: their committed cases, and cargo's answer as comparable strings.
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";

/** One (member, direct dependency, banned crate, scope) that `cargo tree` shows. */
export interface ExpectedTuple {
  member: string;
  dependency: string;
  dependencyVersion: string;
  banned: string;
  scope: string;
}

/** `<root>/<suite>/cases/<name>/` for every suite, sorted; none when the fixtures are absent. */
export function differentialCases(root: string): { suite: string; name: string; dir: string }[] {
  if (!existsSync(root)) return [];
  return readdirSync(root).flatMap((suite) => {
    const dir = join(root, suite, "cases");
    return existsSync(dir) ? readdirSync(dir).sort().map((name) => ({ suite, name, dir: join(dir, name) })) : [];
  });
}

export const tupleKey = (t: ExpectedTuple): string => `${t.member} → ${t.dependency} ${t.dependencyVersion} → ${t.banned} [${t.scope}]`;
