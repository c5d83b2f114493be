// A manifest's positions cost a second, slower parse (toml-eslint-parser): an audit finds them only when a finding's
// position is read, as reports and ordering do, and never when checking fixes or looking for allow comments that
// a manifest cannot hold.
import { beforeEach, describe, expect, it, vi } from "vitest";
import { audit } from "../../src/audit.js";
import { applyAllows } from "../../src/engine/allow.js";
import type { Finding } from "../../src/engine/types.js";
import * as tomlAst from "../../src/manifest/toml-ast.js";
import { CRATES_IO, lockText, memoryHost } from "../helpers/memory-host.js";

vi.mock("../../src/manifest/toml-ast.js", async (original) => {
  const actual = await original<typeof import("../../src/manifest/toml-ast.js")>();
  return { ...actual, tomlProgram: vi.fn(actual.tomlProgram) };
});
const parsesWithPositions = () => vi.mocked(tomlAst.tomlProgram).mock.calls.length;
beforeEach(() => {
  vi.mocked(tomlAst.tomlProgram).mockClear();
});

let serial = 0;
/** A fresh workspace each time (parsed manifests are memoised by text): a member with reqwest 0.11 on native-tls, as a `key = …` line or as a `[dependencies.reqwest]` table. */
function workspace(comment = "", more = "", asTable = false) {
  serial++;
  const reqwest = asTable ? `\n[dependencies.reqwest]${comment}\nversion = "0.11"` : `reqwest = "0.11"${comment}`;
  const manifest = `[package]\nname = "bot${serial}"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\nserde = "1"\n${reqwest}\n${more}`;
  const lock = lockText([
    { name: `bot${serial}`, version: "0.1.0", dependencies: ["reqwest", "serde", ...(more ? ["native-tls"] : [])] },
    { name: "reqwest", version: "0.11.27", source: CRATES_IO, dependencies: ["native-tls"] },
    { name: "native-tls", version: "0.2.12", source: CRATES_IO, dependencies: ["openssl-sys"] },
    { name: "openssl-sys", version: "0.9.104", source: CRATES_IO },
    { name: "serde", version: "1.0.215", source: CRATES_IO },
  ]);
  return memoryHost({ "Cargo.toml": manifest, "Cargo.lock": lock });
}

describe("positions are found only when read", () => {
  it("an unordered audit (checking fixes) finds its findings without positions; reading one finds it then", () => {
    // A `[dependencies.reqwest]` table: the key locator leaves it to toml-eslint-parser, which then runs once.
    const [ws] = audit({ paths: ["/ws"], host: workspace("", "", true), unordered: true }).workspaces;
    expect(ws!.findings.map((f) => f.dependency)).toEqual(["reqwest"]);
    expect(parsesWithPositions()).toBe(0);
    expect([ws!.findings[0]!.line, ws!.findings[0]!.column]).toEqual([9, 1]);
    expect(parsesWithPositions()).toBe(1);
  });

  it("an ordinary audit orders findings by position; `key = …` entries are located without toml-eslint-parser", () => {
    const [ws] = audit({ paths: ["/ws"], host: workspace("", '\n[target."cfg(unix)".dependencies]\n  native-tls = "0.2"\n') }).workspaces;
    expect(JSON.parse(JSON.stringify(ws!.findings)).map((f: Finding) => [f.dependency, f.line, f.column])).toEqual([
      ["reqwest", 8, 1],
      ["native-tls", 11, 3],
    ]);
    expect(parsesWithPositions()).toBe(0);
  });

  it("an inline allow comment is still honoured, as the manifest that holds it is read line by line", () => {
    const [ws] = audit({ paths: ["/ws"], host: workspace(" # tls-audit: allow(native-tls) reason: vendored"), unordered: true }).workspaces;
    expect(ws!.findings).toEqual([]);
    expect(ws!.suppressed.map((s) => s.reason)).toEqual(["vendored"]);
  });
});

describe("applyAllows", () => {
  it("reads no finding's position in a manifest without an allow comment", () => {
    let reads = 0;
    const finding = {
      dependency: "reqwest",
      member: "bot",
      dependencyVersion: "0.11.27",
      manifest: "/ws/Cargo.toml",
      path: [],
      get line() {
        reads++;
        return 8;
      },
    } as unknown as Finding;
    const { kept } = applyAllows([finding], [], new Map([["/ws/Cargo.toml", '[dependencies]\nreqwest = "0.11"\n']]));
    expect(kept).toEqual([finding]);
    expect(reads).toBe(0);
    applyAllows([finding], [], new Map([["/ws/Cargo.toml", '[dependencies]\nreqwest = "0.11" # tls-audit: allow(*) reason: x\n']]));
    expect(reads).toBe(1);
  });
});
