// Golden fixes for the crate lines that matter most: manifest line in → manifest line out, byte for byte.
import { describe, expect, it } from "vitest";
import { targetCfg } from "../../rules/data/targets.js";
import { audit } from "../../src/audit.js";
import { runFixes } from "../../src/fix/run.js";
import type { Host } from "../../src/host/index.js";
import { knowledgeProvider } from "../../src/registry/knowledge.js";
import { CRATES_IO, lockText, memoryHost } from "../helpers/memory-host.js";

const knowledge = knowledgeProvider();
const R = CRATES_IO;

/** Runs audit + fix on a one-member workspace; returns the rewritten dependency lines or the reason. */
function fix(line: string, locked: { name: string; version: string; dependencies?: string[] }[], roots: "native" | "webpki" = "native", crypto?: "ring" | "aws-lc-rs", all = false) {
  const host = memoryHost({
    "Cargo.toml": `[package]\nname = "app"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\n${line}\n`,
    "Cargo.lock": lockText([
      { name: "app", version: "0.1.0", dependencies: [locked[0]!.name] },
      ...locked.map((p) => ({ ...p, source: R })),
      { name: "hyper-tls", version: "0.6.0", source: R, dependencies: ["native-tls"] },
      { name: "native-tls", version: "0.2.12", source: R, dependencies: ["openssl-sys"] },
      { name: "openssl-sys", version: "0.9.104", source: R },
    ]),
  });
  const run = (h: Host) =>
    audit({ paths: ["/ws"], host: h, resolution: { request: { features: [], allFeatures: false, defaultFeatures: true }, targets: null, host: targetCfg("x86_64-unknown-linux-gnu")!, metadataFor: () => knowledge } });
  const outcome = runFixes({ result: run(host), host, reaudit: run, metadataFor: () => knowledge, preferences: { roots, crypto } });
  const file = outcome.files[0];
  if (file) return all ? file.after.split("\n").slice(6).join("\n") : file.after.split("\n")[6];
  const [fixResult] = outcome.fixes.values();
  return fixResult && !fixResult.fixable ? `unfixable: ${fixResult.reason}` : "no change";
}

const reqwest = (version: string) => [{ name: "reqwest", version, dependencies: ["hyper-tls", "native-tls"] }];

describe("golden fixes", () => {
  it("reqwest 0.11: defaults are only default-tls, so nothing else comes back", () => {
    expect(fix(`reqwest = { version = "0.11", features = ["json", "cookies"] }`, reqwest("0.11.27"))).toBe(
      `reqwest = { version = "0.11", default-features = false, features = ["json", "cookies", "rustls-tls-native-roots"] }`,
    );
    expect(fix(`reqwest = { version = "0.11", features = ["json", "cookies"] }`, reqwest("0.11.27"), "webpki")).toBe(
      `reqwest = { version = "0.11", default-features = false, features = ["json", "cookies", "rustls-tls"] }`,
    );
  });

  it("reqwest 0.12: charset, http2 and the system proxy defaults are put back", () => {
    expect(fix(`reqwest = "0.12"`, reqwest("0.12.9"))).toBe(
      `reqwest = { version = "0.12", default-features = false, features = ["rustls-tls-native-roots", "charset", "http2", "macos-system-configuration"] }`,
    );
    expect(fix(`reqwest = "0.12.20"`, reqwest("0.12.20"))).toBe(
      `reqwest = { version = "0.12.20", default-features = false, features = ["rustls-tls-native-roots", "charset", "http2", "system-proxy"] }`,
    );
  });

  it("reqwest 0.12 with rustls-tls already chosen but defaults kept (the trap): defaults off, the user's choice honoured", () => {
    expect(fix(`reqwest = { version = "0.12", features = ["json", "rustls-tls"] }`, reqwest("0.12.9"))).toBe(
      `reqwest = { version = "0.12", default-features = false, features = ["json", "rustls-tls", "charset", "http2", "macos-system-configuration"] }`,
    );
  });

  it("reqwest 0.13: the default is already rustls, so only the explicit native feature goes", () => {
    expect(fix(`reqwest = { version = "0.13", features = ["json", "native-tls"] }`, reqwest("0.13.1"))).toBe(`reqwest = { version = "0.13", features = ["json"] }`);
  });

  it("teloxide 0.13: teloxide-core/default in its defaults, so defaults go off and ctrlc_handler comes back", () => {
    const locked = [
      { name: "teloxide", version: "0.13.0", dependencies: ["teloxide-core"] },
      { name: "teloxide-core", version: "0.10.1", dependencies: ["reqwest"] },
      ...reqwest("0.12.9"),
    ];
    expect(fix(`teloxide = { version = "0.13", features = ["macros"] }`, locked)).toBe(
      `teloxide = { version = "0.13", default-features = false, features = ["macros", "rustls-native-roots", "ctrlc_handler"] }`,
    );
  });

  it("--crypto aws-lc-rs on reqwest 0.12 (ring by default): refused while the lock has no rustls to check the provider against", () => {
    // The no-provider variant needs a rustls entry with `aws_lc_rs`; a rustls the lock lacks could be one without it
    // (Debian's), and cargo would reject the manifest: test/fix/crypto-choice.test.ts has that registry.
    expect(fix(`reqwest = "0.12.20"`, reqwest("0.12.20"), "native", "aws-lc-rs", true)).toBe(
      "unfixable: the aws-lc-rs provider needs rustls with `aws_lc_rs`, which Cargo.lock does not contain, so the change cannot be checked; add rustls with that feature and run cargo, or choose the other provider (--crypto)",
    );
    // Asking for the provider the crate already brings changes nothing about providers.
    expect(fix(`reqwest = "0.12.20"`, reqwest("0.12.20"), "native", "ring")).toContain(`"rustls-tls-native-roots"`);
  });

  it("crates with no rustls option say so and change nothing", () => {
    expect(fix(`hyper-tls = "0.6"`, [{ name: "hyper-tls", version: "0.6.0", dependencies: ["native-tls"] }])).toMatch(/^unfixable: hyper-tls is a native TLS crate itself; .*hyper-rustls/);
    expect(fix(`git2 = "0.19"`, [{ name: "git2", version: "0.19.0", dependencies: ["native-tls"] }])).toMatch(/^unfixable: git2 0.19.0 has no rustls option/);
  });
});
