// The code frame's caret marks the dependency's name in every form a declaration takes, headers included.
import { describe, expect, it } from "vitest";
import { formatStylish, plainPalette } from "../../src/report/stylish.js";
import { fakeFinding, fakeResult } from "./fake-findings.js";

const frameOf = (line: string, dependency: string) => {
  const manifest = "/ws/crates/app/Cargo.toml";
  const text = `[package]\nname = "app"\nversion = "0.1.0"\n\n${line}\nversion = "0.2"\n`;
  const out = formatStylish({ result: fakeResult([fakeFinding({ dependency, dependencyKey: dependency, manifest, line: 5, column: 1 })]), sources: new Map([[manifest, text]]), cwd: "/ws", palette: plainPalette, summaryOf: { ...fakeResult([]), workspaces: [] } });
  const lines = out.split("\n");
  const at = lines.findIndex((l) => l.endsWith(`| ${line}`));
  return [lines[at]!.split("| ")[1], lines[at + 1]!.split("| ")[1]];
};

describe("stylish code frame", () => {
  it.each([
    // The table form of a target dependency: the caret marked `[target` (issue 17).
    [`[target."cfg(unix)".dependencies.native-tls]`, "native-tls", `                                 ^^^^^^^^^^`],
    [`[target.'cfg(any(target_os = "linux", target_os = "macos"))'.dependencies.openssl]`, "openssl", `${" ".repeat(74)}^^^^^^^`],
    [`[target.x86_64-unknown-linux-gnu.build-dependencies."openssl-sys"]`, "openssl-sys", `${" ".repeat(52)}^^^^^^^^^^^^^`],
    [`[dependencies.reqwest]`, "reqwest", `              ^^^^^^^`],
    [`[ dependencies . reqwest ]`, "reqwest", `                 ^^^^^^^`],
    [`reqwest = "0.11"`, "reqwest", `^^^^^^^`],
    [`"native-tls" = "0.2"`, "native-tls", `^^^^^^^^^^^^`],
    [`reqwest.version = "0.11"`, "reqwest", `^^^^^^^`],
  ])("%s: under the dependency's name", (line, dependency, caret) => {
    expect(frameOf(line, dependency)).toEqual([line, caret]);
  });
});
