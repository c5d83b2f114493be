// formatGithub on hand-made findings and problems: workflow-command syntax and escaping.
import { describe, expect, it } from "vitest";
import { escapeData, escapeProperty, formatGithub } from "../../src/report/github.js";
import { fakeFinding, fakeResult } from "./fake-findings.js";

const sources = new Map([["/ws/crates/app/Cargo.toml", '[package]\nname = "app"\n\n[dependencies]\nreqwest = "0.11"\n']]);

describe("escaping", () => {
  it("escapes %, CR and LF in data, and also : and , in properties", () => {
    expect(escapeData("50% done\r\nnext")).toBe("50%25 done%0D%0Anext");
    expect(escapeData("a:b,c")).toBe("a:b,c");
    expect(escapeProperty("a:b,c")).toBe("a%3Ab%2Cc");
    expect(escapeProperty("100%\n")).toBe("100%25%0A");
    // % first, so an escape is never escaped twice.
    expect(escapeData("%0A")).toBe("%250A");
  });
});

describe("formatGithub", () => {
  it("annotates the dependency key with the rule, the message and the why-path", () => {
    expect(formatGithub(fakeResult([fakeFinding()]), "/ws", sources)).toBe(
      "::error file=crates/app/Cargo.toml,line=5,col=1,endColumn=8,title=no-native-tls%3A reqwest::reqwest 0.11.27 pulls in native-tls, openssl-sys%0Aapp 0.1.0 → reqwest 0.11.27 → native-tls 0.2.12 → openssl-sys 0.9.104\n",
    );
  });

  it("uses ::warning for warnings, and leaves endColumn out when the manifest text is unknown", () => {
    const text = formatGithub(fakeResult([fakeFinding({ severity: "warning", scope: "dev" })]), "/ws");
    expect(text).toMatch(/^::warning file=crates\/app\/Cargo\.toml,line=5,col=1,title=no-native-tls%3A reqwest::/);
  });

  it("keeps hostile names and paths inside their property and their command", () => {
    const finding = fakeFinding({
      manifest: "/ws/a,b:c%/Cargo.toml",
      dependency: "evil,title=x",
      data: { dependency: "evil", version: "1.0.0", reaches: "openssl-sys\n::error::injected", through: "" },
    });
    const text = formatGithub(fakeResult([finding]), "/ws");
    expect(text.split("\n").filter(Boolean)).toHaveLength(1);
    expect(text).toContain("file=a%2Cb%3Ac%25/Cargo.toml,");
    expect(text).toContain("title=no-native-tls%3A evil%2Ctitle=x::");
    expect(text).toContain("pulls in openssl-sys%0A::error::injected");
  });

  it("turns problems into annotations too, with or without a file and position", () => {
    const text = formatGithub(
      fakeResult([], [
        { severity: "error", code: "toml-syntax", message: "invalid TOML: Unterminated string", file: "/ws/Cargo.toml", position: { line: 6, column: 11 }, hint: "close the quote" },
        { severity: "warning", code: "lockfile-missing", message: "no Cargo.lock: manifests only" },
      ]),
      "/ws",
    );
    expect(text.split("\n")).toEqual([
      "::error file=Cargo.toml,line=6,col=11,title=toml-syntax::invalid TOML: Unterminated string%0Ahint: close the quote",
      "::warning title=lockfile-missing::no Cargo.lock: manifests only",
      "",
    ]);
  });

  it("prints nothing for a clean result", () => {
    expect(formatGithub(fakeResult([]), "/ws")).toBe("");
  });
});
