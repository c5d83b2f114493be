import { describe, expect, it } from "vitest";
import { audit } from "../../src/audit.js";
import type { Finding } from "../../src/engine/types.js";
import { CRATES_IO, lockText, memoryHost } from "../helpers/memory-host.js";

const R = CRATES_IO;
/** The crates.io subgraph every case shares: reqwest 0.11 on native-tls, reqwest 0.12 on rustls. */
const registry = [
  { name: "reqwest", version: "0.11.27", source: R, dependencies: ["hyper-tls", "native-tls", "serde"] },
  { name: "reqwest", version: "0.12.9", source: R, dependencies: ["hyper-rustls", "serde"] },
  { name: "hyper-tls", version: "0.5.0", source: R, dependencies: ["native-tls"] },
  { name: "hyper-rustls", version: "0.27.3", source: R, dependencies: ["rustls"] },
  { name: "rustls", version: "0.23.16", source: R },
  { name: "native-tls", version: "0.2.12", source: R, dependencies: ["openssl", "openssl-sys"] },
  { name: "openssl", version: "0.10.68", source: R, dependencies: ["openssl-sys"] },
  { name: "openssl-sys", version: "0.9.104", source: R },
  { name: "serde", version: "1.0.215", source: R },
  { name: "slack-morphism", version: "1.17.0", source: R, dependencies: ["hyper-rustls"] },
];

function run(files: Record<string, string>) {
  const result = audit({ paths: ["/ws"], host: memoryHost(files) });
  const [ws] = result.workspaces;
  return { ws: ws!, findings: ws!.findings, result };
}
const brief = (f: Finding) => `${f.member} → ${f.dependency} ${f.dependencyVersion} [${f.scope}/${f.severity}] ${f.path.map((s) => s.name).join(">")}`;
const pkg = (name: string, deps: string) => `[package]\nname = "${name}"\nversion = "0.1.0"\nedition = "2021"\n\n${deps}`;
const lockWith = (...locals: { name: string; dependencies: string[] }[]) => lockText([...locals.map((l) => ({ ...l, version: "0.1.0" })), ...registry]);

describe("audit with the lockfile graph", () => {
  it("reports a direct dependency on default features with its why-path, location and scope", () => {
    const { ws, findings } = run({
      "Cargo.toml": pkg("bot", `[dependencies]\nserde = "1"\nreqwest = { version = "0.11", features = ["json"] }\n`),
      "Cargo.lock": lockWith({ name: "bot", dependencies: ["reqwest 0.11.27", "serde"] }),
    });
    expect(ws.resolution).toBe("lockfile");
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      ruleId: "no-native-tls",
      severity: "error",
      member: "bot",
      dependency: "reqwest",
      dependencyVersion: "0.11.27",
      scope: "normal",
      reaches: ["native-tls", "openssl", "openssl-sys"],
      manifest: "/ws/Cargo.toml",
      line: 8,
      column: 1,
    });
    expect(findings[0]!.path).toEqual([
      { name: "bot", version: "0.1.0", source: null },
      { name: "reqwest", version: "0.11.27", source: R },
      { name: "native-tls", version: "0.2.12", source: R, role: "banned" },
      { name: "openssl-sys", version: "0.9.104", source: R, role: "banned" },
    ]);
  });

  it("maps each declaration to the right one of two locked versions", () => {
    const { findings } = run({
      "Cargo.toml": pkg("app", `[dependencies]\nnew = { package = "reqwest", version = "0.12" }\n\n[dev-dependencies]\nold = { package = "reqwest", version = "0.11.4" }\n`),
      "Cargo.lock": lockWith({ name: "app", dependencies: ["reqwest 0.11.27", "reqwest 0.12.9"] }),
    });
    expect(findings.map(brief)).toEqual(["app → reqwest 0.11.27 [dev/warning] app>reqwest>native-tls>openssl-sys"]);
    expect(findings[0]).toMatchObject({ dependencyKey: "old", line: 10 });
  });

  it("keeps one finding per member and dependency, with the narrowest scope", () => {
    const { findings } = run({
      "Cargo.toml": pkg("app", `[dev-dependencies]\nnative-tls = "0.2"\n\n[dependencies]\nnative-tls = "0.2"\n`),
      "Cargo.lock": lockWith({ name: "app", dependencies: ["native-tls"] }),
    });
    expect(findings.map(brief)).toEqual(["app → native-tls 0.2.12 [normal/error] app>native-tls>openssl-sys"]);
    expect(findings[0]!.messageId).toBe("isBanned");
  });

  it("does not blame a crate whose locked edges reach only rustls", () => {
    const { findings } = run({
      "Cargo.toml": pkg("app", `[dependencies]\nslack-morphism = { version = "1.17", features = ["hyper"] }\nreqwest = "0.12"\n`),
      "Cargo.lock": lockWith({ name: "app", dependencies: ["reqwest 0.12.9", "slack-morphism"] }),
    });
    expect(findings).toEqual([]);
  });

  it("reports at each member's own manifest, never a member as a dependency", () => {
    const { findings } = run({
      "Cargo.toml": `[workspace]\nmembers = ["app", "net"]\n`,
      "app/Cargo.toml": pkg("app", `[dependencies]\nnet = { path = "../net" }\n`),
      "net/Cargo.toml": pkg("net", `[target.'cfg(unix)'.dependencies]\nhyper-tls = "0.5"\n`),
      "Cargo.lock": lockWith({ name: "app", dependencies: ["net"] }, { name: "net", dependencies: ["hyper-tls"] }),
    });
    expect(findings.map(brief)).toEqual(["net → hyper-tls 0.5.0 [normal/error] net>hyper-tls>native-tls>openssl-sys"]);
    expect(findings[0]).toMatchObject({ manifest: "/ws/net/Cargo.toml", target: "cfg(unix)" });
    expect(findings[0]!.path[1]!.role).toBe("tls-wrapper");
  });

  it("reports a local path package's own build-dependency, at build scope, in the member's build", () => {
    const { findings } = run({
      "Cargo.toml": pkg("app", `[dependencies]\ncodegen = { path = "../vendor/codegen" }\n`),
      "../vendor/codegen/Cargo.toml": pkg("codegen", `[build-dependencies]\nopenssl = "0.10"\n\n[dev-dependencies]\nreqwest = "0.11"\n`),
      "Cargo.lock": lockWith({ name: "app", dependencies: ["codegen"] }, { name: "codegen", dependencies: ["openssl"] }),
    });
    // What `cargo tree -p app -i openssl-sys -e normal,build` shows: the path package above the registry crate.
    expect(findings.map(brief)).toEqual(["codegen → openssl 0.10.68 [build/warning] codegen>openssl>openssl-sys"]);
    expect(findings[0]).toMatchObject({ manifest: "/vendor/codegen/Cargo.toml", line: 7, pathPackage: true });
  });

  it("honours an inline allow in a path package's manifest, where its finding points", () => {
    const { findings, ws } = run({
      "Cargo.toml": pkg("app", `[dependencies]\ncodegen = { path = "../vendor/codegen" }\n`),
      "../vendor/codegen/Cargo.toml": pkg("codegen", `[build-dependencies]\nopenssl = "0.10" # tls-audit: allow(openssl) reason: signs artefacts at build time\n`),
      "Cargo.lock": lockWith({ name: "app", dependencies: ["codegen"] }, { name: "codegen", dependencies: ["openssl"] }),
    });
    expect(findings).toEqual([]);
    expect(ws.suppressed.map((s) => [s.finding.member, s.finding.dependency, s.reason])).toEqual([["codegen", "openssl", "signs artefacts at build time"]]);
  });

  it("does not call a path package's optional dependency stale: cargo locks it only when a feature asks for it", () => {
    const { ws, findings } = run({
      "Cargo.toml": pkg("app", `[dependencies]\ncodegen = { path = "../vendor/codegen" }\n`),
      "../vendor/codegen/Cargo.toml": pkg("codegen", `[dependencies]\nopenssl = { version = "0.10", optional = true }\nzip = { version = "2", optional = true }\n`),
      "Cargo.lock": lockWith({ name: "app", dependencies: ["codegen"] }, { name: "codegen", dependencies: [] }),
    });
    expect(ws.problems).toEqual([]);
    expect(findings).toEqual([]);
  });

  it("points an inherited dependency at the member line and the [workspace.dependencies] line", () => {
    const { findings } = run({
      "Cargo.toml": `[workspace]\nmembers = ["bot"]\n\n[workspace.dependencies]\nreqwest = "0.11"\n`,
      "bot/Cargo.toml": pkg("bot", `[dependencies]\nreqwest = { workspace = true, features = ["json"] }\n`),
      "Cargo.lock": lockWith({ name: "bot", dependencies: ["reqwest 0.11.27"] }),
    });
    expect(findings[0]).toMatchObject({ manifest: "/ws/bot/Cargo.toml", line: 7, inheritedFrom: { manifest: "/ws/Cargo.toml", line: 5, column: 1 } });
  });

  it("warns when a declared dependency is not in the lock", () => {
    const { ws, findings } = run({
      "Cargo.toml": pkg("app", `[dependencies]\nreqwest = "0.11"\nnewly-added = "1"\n`),
      "Cargo.lock": lockWith({ name: "app", dependencies: ["reqwest 0.11.27"] }),
    });
    expect(findings).toHaveLength(1);
    expect(ws.problems).toMatchObject([{ code: "lockfile-stale", severity: "warning", position: { line: 8 } }]);
  });
});

describe("audit without a lockfile", () => {
  it("falls back to the manifests, reports directly declared native TLS crates and says so", () => {
    const { ws, findings } = run({ "Cargo.toml": pkg("app", `[dependencies]\nopenssl = "0.10"\ntokio-native-tls = "0.3"\nserde = "1"\n`) });
    expect(ws.resolution).toBe("manifest");
    expect(ws.problems.map((p) => p.code)).toEqual(["lockfile-missing"]);
    expect(findings.map((f) => [f.dependency, f.reaches])).toEqual([
      ["openssl", ["openssl"]],
      ["tokio-native-tls", ["native-tls"]],
    ]);
  });
});

describe("audit of several paths", () => {
  it("audits each workspace once", () => {
    const host = memoryHost({
      "a/Cargo.toml": pkg("a", `[dependencies]\nopenssl = "0.10"\n`),
      "b/Cargo.toml": pkg("b", ""),
    });
    const result = audit({ paths: ["/ws/a", "/ws/a/Cargo.toml", "/ws/b", "/ws/missing"], host });
    expect(result.workspaces.map((w) => w.workspace.root)).toEqual(["/ws/a", "/ws/b"]);
    expect(result.problems.map((p) => p.code)).toEqual(["path-not-found"]);
  });
});
