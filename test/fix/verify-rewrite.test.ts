// verifyRewrite: a fix's rewrite may change only the dependency entries it targets, and the shared parsed
// documents it compares are left as they were.
import { describe, expect, it } from "vitest";
import { verifyRewrite } from "../../src/fix/run.js";
import { tomlData } from "../../src/manifest/toml-ast.js";

const BEFORE = `[package]
name = "app"
version = "0.1.0"

[dependencies]
reqwest = "0.12"
serde = { version = "1", features = ["derive"] }

[target.'cfg(unix)'.dependencies]
openssl = { version = "0.10", optional = true }

[features]
tls = ["dep:openssl"]
`;

const REWRITTEN = BEFORE.replace(`reqwest = "0.12"`, `reqwest = { version = "0.12", default-features = false, features = ["rustls-tls"] }`);
const REQWEST = ["dependencies", "reqwest"];

describe("verifyRewrite", () => {
  it("accepts a rewrite of the targeted entry's features alone", () => {
    expect(verifyRewrite(BEFORE, REWRITTEN, [REQWEST])).toBeUndefined();
  });

  it("refuses a rewrite that also changes another key, however deep", () => {
    expect(verifyRewrite(BEFORE, REWRITTEN.replace(`features = ["derive"]`, `features = []`), [REQWEST])).toBe(
      "the edit would change keys other than the dependency entries it targets",
    );
    expect(verifyRewrite(BEFORE, REWRITTEN.replace(`version = "0.1.0"`, `version = "0.1.1"`), [REQWEST])).toMatch(/other than the dependency entries/);
    expect(verifyRewrite(BEFORE, REWRITTEN.replace(`tls = ["dep:openssl"]`, `tls = []`), [REQWEST])).toMatch(/other than the dependency entries/);
  });

  it("refuses a rewrite that changes the targeted entry's version or source", () => {
    const bumped = BEFORE.replace(`reqwest = "0.12"`, `reqwest = { version = "0.13", features = ["rustls"] }`);
    expect(verifyRewrite(BEFORE, bumped, [REQWEST])).toBe("the edit would change `dependencies.reqwest.version`");
  });

  it("compares values exactly: -inf is not inf, as JSON text would have had it", () => {
    const withFloat = `${BEFORE}\n[package.metadata.x]\nlimit = inf\n`;
    expect(verifyRewrite(withFloat, withFloat.replace("limit = inf", "limit = -inf"), [])).toMatch(/other than the dependency entries/);
  });

  it("handles entries under target tables, and a changed path whose parent is not a table", () => {
    const openssl = ["target", "cfg(unix)", "dependencies", "openssl"];
    const moved = BEFORE.replace(`openssl = { version = "0.10", optional = true }`, `openssl = { version = "0.10", optional = true, features = ["vendored"] }`);
    expect(verifyRewrite(BEFORE, moved, [openssl])).toBeUndefined();
    // `package.name` is a string: nothing below it can be taken out, and the rest must still match.
    expect(verifyRewrite(BEFORE, REWRITTEN, [REQWEST, ["package", "name", "x"]])).toBeUndefined();
  });

  it("leaves the shared parsed documents untouched", () => {
    const before = JSON.stringify(tomlData(BEFORE));
    const after = JSON.stringify(tomlData(REWRITTEN));
    verifyRewrite(BEFORE, REWRITTEN, [REQWEST]);
    expect(JSON.stringify(tomlData(BEFORE))).toBe(before);
    expect(JSON.stringify(tomlData(REWRITTEN))).toBe(after);
    expect(tomlData(BEFORE).dependencies).toHaveProperty("reqwest");
  });
});
