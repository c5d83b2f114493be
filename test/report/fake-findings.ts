// Hand-made findings and audit results, for formatter tests that need shapes the demo workspace does not produce.
import type { AuditResult } from "../../src/audit.js";
import type { Finding } from "../../src/engine/types.js";
import type { Problem } from "../../src/problems.js";

/** A no-native-tls finding for `reqwest` in /ws/crates/app/Cargo.toml, line 5; override any field. */
export function fakeFinding(overrides: Partial<Finding> = {}): Finding {
  return {
    ruleId: "no-native-tls",
    severity: "error",
    messageId: "reaches",
    data: { dependency: "reqwest", version: "0.11.27", reaches: "native-tls, openssl-sys", through: "" },
    workspace: "/ws",
    member: "app",
    dependency: "reqwest",
    dependencyVersion: "0.11.27",
    dependencyKey: "reqwest",
    scope: "normal",
    declaredAs: "normal",
    target: null,
    reaches: ["native-tls", "openssl-sys"],
    path: [
      { name: "app", version: "0.1.0", source: null },
      { name: "reqwest", version: "0.11.27", source: "registry+https://github.com/rust-lang/crates.io-index", features: ["default", "default-tls"], via: "default" },
      { name: "native-tls", version: "0.2.12", source: "registry+https://github.com/rust-lang/crates.io-index", role: "banned" },
      { name: "openssl-sys", version: "0.9.104", source: "registry+https://github.com/rust-lang/crates.io-index", role: "banned" },
    ],
    manifest: "/ws/crates/app/Cargo.toml",
    line: 5,
    column: 1,
    // The declaration is not serialised by any formatter.
    decl: {} as Finding["decl"],
    fix: null,
    ...overrides,
  };
}

/** An audit result holding just findings and problems: all the formatters read. */
export function fakeResult(findings: Finding[], problems: Problem[] = []): AuditResult {
  return { problems: [], workspaces: [{ findings, problems }] } as unknown as AuditResult;
}
