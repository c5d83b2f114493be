// Valid/invalid table for no-native-tls over small cargo-shaped workspaces.
import { describe, expect, it } from "vitest";
import { audit } from "../../src/audit.js";
import { noNativeTls } from "../../rules/no-native-tls.js";
import { formatMessage } from "../../src/report/message.js";
import { CRATES_IO, lockText, memoryHost } from "../helpers/memory-host.js";

const R = CRATES_IO;
const registry = [
  { name: "reqwest", version: "0.11.27", source: R, dependencies: ["hyper-tls", "native-tls"] },
  { name: "hyper-tls", version: "0.5.0", source: R, dependencies: ["native-tls"] },
  { name: "native-tls", version: "0.2.12", source: R, dependencies: ["openssl", "openssl-sys"] },
  { name: "openssl", version: "0.10.68", source: R, dependencies: ["openssl-sys"] },
  { name: "openssl-sys", version: "0.9.104", source: R },
  { name: "rustls", version: "0.23.16", source: R },
  { name: "git2", version: "0.19.0", source: R, dependencies: ["libgit2-sys"] },
  { name: "libgit2-sys", version: "0.17.0+1.8.1", source: R, dependencies: ["libssh2-sys", "openssl-sys"] },
  { name: "libssh2-sys", version: "0.3.0", source: R, dependencies: ["openssl-sys"] },
  { name: "mailer", version: "1.0.0", source: R, dependencies: ["hyper-tls"] },
];

interface Case {
  name: string;
  dependencies: string;
  locked: string[];
  /** Expected findings as "dependency: message", or [] for a valid case. */
  expected: string[];
}

const cases: Case[] = [
  { name: "rustls only", dependencies: `rustls = "0.23"`, locked: ["rustls"], expected: [] },
  {
    name: "reqwest on default features",
    dependencies: `reqwest = "0.11"`,
    locked: ["reqwest"],
    expected: ["reqwest: reqwest 0.11.27 pulls in native-tls, openssl, openssl-sys"],
  },
  {
    name: "openssl declared directly",
    dependencies: `openssl = "0.10"`,
    locked: ["openssl"],
    expected: ["openssl: openssl 0.10.68 is itself a native TLS crate (Rust bindings to OpenSSL)"],
  },
  {
    name: "a TLS wrapper on the way is named",
    dependencies: `mailer = "1"`,
    locked: ["mailer"],
    expected: ["mailer: mailer 1.0.0 pulls in native-tls, openssl, openssl-sys through hyper-tls"],
  },
  {
    name: "git2 reaches openssl-sys through libgit2-sys",
    dependencies: `git2 = "0.19"`,
    locked: ["git2"],
    expected: ["git2: git2 0.19.0 pulls in openssl-sys"],
  },
];

describe("no-native-tls", () => {
  const seen = new Set<string>();
  for (const c of cases) {
    it(c.name, () => {
      expect(seen.has(c.name)).toBe(false); // duplicate cases hide mistakes
      seen.add(c.name);
      const host = memoryHost({
        "Cargo.toml": `[package]\nname = "app"\nversion = "0.1.0"\n\n[dependencies]\n${c.dependencies}\n`,
        "Cargo.lock": lockText([{ name: "app", version: "0.1.0", dependencies: c.locked }, ...registry]),
      });
      const result = audit({ paths: ["/ws"], host, rules: [noNativeTls] });
      const findings = result.workspaces[0]!.findings;
      expect(findings.map((f) => `${f.dependency}: ${formatMessage(f)}`)).toEqual(c.expected);
      for (const f of findings) expect(f).toMatchObject({ ruleId: "no-native-tls", line: 6, column: 1 });
    });
  }
});
