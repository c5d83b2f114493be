// The fix-judge cases: small workspaces that pull native TLS in the ways real projects do.
// scripts/fix-judge/generate.sh writes them under fixtures/fix-judge/<suite>/<name>/ and lets cargo lock them.
// Every manifest that has a [package] gets a tiny src/lib.rs. `crlf: true` writes the manifests with CRLF.

const pkg = (name) => `[package]\nname = "${name}"\nversion = "0.1.0"\nedition = "2021"\npublish = false\n`;
const ws = (members, extra = "") => `[workspace]\nmembers = [${members.map((m) => `"${m}"`).join(", ")}]\nresolver = "2"\n${extra}`;

export const CASES = [
  // ───────────── bookworm: reqwest 0.11.13, ureq 2.6.2, oauth2 4.3 ─────────────
  {
    suite: "bookworm", name: "reqwest-defaults-json-blocking-cookies",
    covers: "reqwest 0.11 on default features (default-tls) with json, blocking, cookies",
    files: { "Cargo.toml": `${pkg("fetcher")}\n[dependencies]\nreqwest = { version = "0.11", features = ["json", "blocking", "cookies"] }\nserde = { version = "1", features = ["derive"] }\n` },
  },
  {
    suite: "bookworm", name: "reqwest-native-tls-feature",
    covers: "reqwest 0.11 with defaults off but features [\"native-tls\", \"json\"]",
    files: { "Cargo.toml": `${pkg("client")}\n[dependencies]\nreqwest = { version = "0.11.4", default-features = false, features = ["native-tls", "json", "stream"] }\n` },
  },
  {
    suite: "bookworm", name: "reqwest-rustls-but-defaults-kept",
    covers: "reqwest 0.11 asks for rustls-tls but keeps the default features (native-tls stays on too)",
    files: { "Cargo.toml": `${pkg("uploader")}\n[dependencies]\nreqwest = { version = "0.11", features = ["rustls-tls", "json", "multipart"] }\n` },
  },
  {
    suite: "bookworm", name: "workspace-inherited-added-features",
    covers: "[workspace.dependencies] reqwest 0.11 on defaults, inherited by two members that add features (inline table and dotted `reqwest.workspace = true`)",
    files: {
      "Cargo.toml": ws(["api", "worker"], `\n[workspace.dependencies]\n# shared HTTP client\nreqwest = { version = "0.11", features = ["json"] }\nserde = "1"\n`),
      "api/Cargo.toml": `${pkg("api")}\n[dependencies]\nreqwest = { workspace = true, features = ["blocking", "cookies"] }\nserde.workspace = true\n`,
      "worker/Cargo.toml": `${pkg("worker")}\n[dependencies]\nreqwest.workspace = true\n`,
    },
  },
  {
    suite: "bookworm", name: "table-form",
    covers: "reqwest 0.11 declared as a [dependencies.reqwest] table with default features",
    files: { "Cargo.toml": `${pkg("tabled")}\n[dependencies.reqwest]\nversion = "0.11"\nfeatures = ["json", "cookies"]\n\n[dependencies.serde]\nversion = "1"\n` },
  },
  {
    suite: "bookworm", name: "dotted-keys",
    covers: "reqwest 0.11 declared with dotted keys (reqwest.version / reqwest.features)",
    files: { "Cargo.toml": `${pkg("dotted")}\n[dependencies]\nreqwest.version = "0.11"\nreqwest.features = ["blocking", "json"]\nserde.version = "1"\n` },
  },
  {
    suite: "bookworm", name: "renamed-package",
    covers: "reqwest 0.11 renamed: http = { package = \"reqwest\" } on default features",
    files: { "Cargo.toml": `${pkg("renamed")}\n[dependencies]\nhttp = { package = "reqwest", version = "0.11", features = ["json"] }\n` },
  },
  {
    suite: "bookworm", name: "target-specific",
    covers: "reqwest 0.11 on defaults under [target.'cfg(unix)'.dependencies], rustls under cfg(windows)",
    files: { "Cargo.toml": `${pkg("platformed")}\n[dependencies]\nserde = "1"\n\n[target.'cfg(unix)'.dependencies]\nreqwest = { version = "0.11", features = ["json", "blocking"] }\n\n[target.'cfg(windows)'.dependencies]\nreqwest = { version = "0.11", default-features = false, features = ["rustls-tls"] }\n` },
  },
  {
    suite: "bookworm", name: "ureq2-native-tls",
    covers: "ureq 2.6 with features [\"json\", \"native-tls\"] (defaults keep rustls)",
    files: { "Cargo.toml": `${pkg("pager")}\n[dependencies]\nureq = { version = "2.6", features = ["json", "native-tls", "cookies"] }\n` },
  },
  {
    suite: "bookworm", name: "crlf-comments",
    covers: "CRLF line endings, comments around and inside the entries, reqwest 0.11 defaults in a workspace",
    crlf: true,
    files: {
      "Cargo.toml": `# Ops tooling workspace\n${ws(["cli"], `\n[workspace.dependencies]\n# NOTE: keep in sync with the deploy image\nreqwest = { version = "0.11", features = ["json"] } # HTTP\n`)}`,
      "cli/Cargo.toml": `${pkg("cli")}\n[dependencies]\n# the HTTP client\nreqwest = { workspace = true, features = [\n    "blocking", # sync API for the CLI\n    "cookies",\n] }\n# ureq for the small health probe\nureq = { version = "2", features = ["native-tls"] } # corporate CA\n`,
    },
  },
  {
    suite: "bookworm", name: "unfixable-direct-native-tls",
    covers: "one member uses native-tls directly (no rustls option: unfixable), another reqwest 0.11 defaults (fixable)",
    files: {
      "Cargo.toml": ws(["mailer", "web"]),
      "mailer/Cargo.toml": `${pkg("mailer")}\n[dependencies]\nnative-tls = "0.2"\n`,
      "web/Cargo.toml": `${pkg("web")}\n[dependencies]\nreqwest = { version = "0.11", features = ["json"] }\n`,
    },
  },
  {
    suite: "bookworm", name: "dev-and-build-scopes",
    covers: "reqwest 0.11 on defaults as a dev-dependency and as a build-dependency; rustls-only normal dependency",
    files: { "Cargo.toml": `${pkg("scoped")}\n[dependencies]\nreqwest = { version = "0.11", default-features = false, features = ["rustls-tls", "json"] }\n\n[build-dependencies]\nureq = { version = "2.6", features = ["native-tls"] }\n\n[dev-dependencies]\nreqwest = { version = "0.11", features = ["blocking"] }\n` },
  },
  {
    suite: "bookworm", name: "oauth2-native-tls",
    covers: "oauth2 4.3 with its native-tls feature (turns on reqwest's native-tls)",
    files: { "Cargo.toml": `${pkg("login")}\n[dependencies]\noauth2 = { version = "4.3", features = ["native-tls"] }\n` },
  },

  {
    suite: "bookworm", name: "default-features-underscore",
    covers: "table form with the deprecated `default_features = true` spelling",
    files: { "Cargo.toml": `${pkg("legacy")}\n[dependencies.reqwest]\nversion = "0.11"\ndefault_features = true\nfeatures = ["json"]\n` },
  },
  {
    suite: "bookworm", name: "member-default-features-ignored",
    covers: "member says default-features = false on an inherited reqwest whose workspace entry keeps the defaults (cargo ignores the member's flag)",
    files: {
      "Cargo.toml": ws(["app"], `\n[workspace.dependencies]\nreqwest = { version = "0.11", features = ["json"] }\n`),
      "app/Cargo.toml": `${pkg("app")}\n[dependencies]\nreqwest = { workspace = true, default-features = false, features = ["rustls-tls"] }\n`,
    },
  },
  {
    suite: "bookworm", name: "local-feature-enables-native-tls",
    covers: "reqwest is rustls-only in [dependencies], but the package's own default feature turns on reqwest/native-tls",
    files: { "Cargo.toml": `${pkg("featured")}\n[features]\ndefault = ["tls"]\ntls = ["reqwest/native-tls"]\n\n[dependencies]\nreqwest = { version = "0.11", default-features = false, features = ["json", "rustls-tls"] }\n` },
  },
  {
    suite: "bookworm", name: "optional-dependency-default-feature",
    covers: "reqwest 0.11 optional on default features, switched on by the package's default feature through dep:reqwest",
    files: { "Cargo.toml": `${pkg("optional")}\n[features]\ndefault = ["http"]\nhttp = ["dep:reqwest"]\n\n[dependencies]\nreqwest = { version = "0.11", optional = true, features = ["json"] }\n` },
  },
  {
    suite: "bookworm", name: "resolver1-dev-unification",
    covers: "edition 2018 (resolver 1): a dev-dependency on reqwest defaults unifies native-tls into the rustls-only normal dependency",
    files: { "Cargo.toml": `[package]\nname = "old"\nversion = "0.1.0"\nedition = "2018"\n\n[dependencies]\nreqwest = { version = "0.11", default-features = false, features = ["rustls-tls", "json"] }\n\n[dev-dependencies]\nreqwest = { version = "0.11", features = ["blocking"] }\n` },
  },
  {
    suite: "bookworm", name: "quoted-and-reordered",
    covers: "single-quoted strings, features before version, a quoted key",
    files: { "Cargo.toml": `${pkg("quoted")}\n[dependencies]\nreqwest = { features = ['json'], version = '0.11' }\n"ureq" = { features = ['native-tls'], version = '2.6' }\n` },
  },
  {
    suite: "bookworm", name: "excluded-path-dependency",
    covers: "a member depends on a path crate excluded from the workspace, which keeps reqwest 0.11 defaults",
    files: {
      "Cargo.toml": ws(["app"], `exclude = ["vendor/sdk"]\n`),
      "app/Cargo.toml": `${pkg("app")}\n[dependencies]\nsdk = { path = "../vendor/sdk" }\n`,
      "vendor/sdk/Cargo.toml": `${pkg("sdk")}\n[dependencies]\nreqwest = { version = "0.11", features = ["json"] }\n`,
    },
  },

  // ───────────── trixie: reqwest 0.12.15, tokio-tungstenite 0.24, ureq 3.0, sqlx 0.8.3 ─────────────
  {
    suite: "trixie", name: "reqwest-defaults-json-blocking-cookies-gzip",
    covers: "reqwest 0.12 on default features (default-tls, charset, http2) with json, blocking, cookies, gzip",
    files: { "Cargo.toml": `${pkg("fetcher")}\n[dependencies]\nreqwest = { version = "0.12", features = ["json", "blocking", "cookies", "gzip"] }\n` },
  },
  {
    suite: "trixie", name: "reqwest-native-tls-feature",
    covers: "reqwest 0.12 with defaults off and features [\"native-tls\", \"json\", \"http2\"]",
    files: { "Cargo.toml": `${pkg("client")}\n[dependencies]\nreqwest = { version = "0.12", default-features = false, features = ["native-tls", "json", "http2"] }\n` },
  },
  {
    suite: "trixie", name: "reqwest-rustls-but-defaults-kept",
    covers: "reqwest 0.12 asks for rustls-tls but keeps the default features",
    files: { "Cargo.toml": `${pkg("uploader")}\n[dependencies]\nreqwest = { version = "0.12", features = ["rustls-tls", "stream"] }\n` },
  },
  {
    suite: "trixie", name: "workspace-inherited-added-features",
    covers: "[workspace.dependencies] reqwest 0.12 (table form in the root) inherited with added features by three members, one in table form",
    files: {
      "Cargo.toml": ws(["crates/*"], `\n[workspace.dependencies.reqwest]\nversion = "0.12"\ndefault-features = true\n`),
      "crates/a/Cargo.toml": `${pkg("a")}\n[dependencies]\nreqwest = { workspace = true, features = ["json", "gzip"] }\n`,
      "crates/b/Cargo.toml": `${pkg("b")}\n[dependencies.reqwest]\nworkspace = true\nfeatures = ["blocking"]\n`,
      "crates/c/Cargo.toml": `${pkg("c")}\n[dependencies]\nreqwest = { workspace = true }\n`,
    },
  },
  {
    suite: "trixie", name: "renamed-target-specific",
    covers: "renamed http = { package = \"reqwest\" } under [target.'cfg(unix)'.dependencies] with native-tls",
    files: { "Cargo.toml": `${pkg("renamed")}\n[target.'cfg(unix)'.dependencies]\nhttp = { package = "reqwest", version = "0.12", default-features = false, features = ["native-tls", "json", "charset"] }\n` },
  },
  {
    suite: "trixie", name: "tokio-tungstenite-native-tls",
    covers: "tokio-tungstenite 0.24 with the native-tls feature (default connect + handshake kept)",
    files: { "Cargo.toml": `${pkg("socket")}\n[dependencies]\ntokio-tungstenite = { version = "0.24", features = ["native-tls"] }\n` },
  },
  {
    suite: "trixie", name: "sqlx-runtime-tokio-native-tls",
    covers: "sqlx 0.8 with the combined runtime-tokio-native-tls feature and postgres",
    files: { "Cargo.toml": `${pkg("db")}\n[dependencies]\nsqlx = { version = "0.8", default-features = false, features = ["runtime-tokio-native-tls", "postgres", "json"] }\n` },
  },
  {
    suite: "trixie", name: "sqlx-tls-native-tls",
    covers: "sqlx 0.8 on defaults with runtime-tokio + tls-native-tls + sqlite",
    files: { "Cargo.toml": `${pkg("store")}\n[dependencies]\nsqlx = { version = "0.8", features = ["runtime-tokio", "tls-native-tls", "sqlite"] }\n` },
  },
  {
    suite: "trixie", name: "ureq3-native-tls",
    covers: "ureq 3.0 with features [\"native-tls\", \"json\"]",
    files: { "Cargo.toml": `${pkg("probe")}\n[dependencies]\nureq = { version = "3", features = ["native-tls", "json"] }\n` },
  },
  {
    suite: "trixie", name: "mixed-workspace",
    covers: "a workspace with reqwest 0.12 defaults (dotted keys), tokio-tungstenite native-tls (workspace dep) and a rustls-only member",
    files: {
      "Cargo.toml": ws(["bot", "feed", "clean"], `\n[workspace.dependencies]\ntokio-tungstenite = { version = "0.24", features = ["native-tls"] }\n`),
      "bot/Cargo.toml": `${pkg("bot")}\n[dependencies]\nreqwest.version = "0.12"\nreqwest.features = ["json"]\ntokio-tungstenite.workspace = true\n`,
      "feed/Cargo.toml": `${pkg("feed")}\n[dependencies]\ntokio-tungstenite = { workspace = true }\n`,
      "clean/Cargo.toml": `${pkg("clean")}\n[dependencies]\nreqwest = { version = "0.12", default-features = false, features = ["rustls-tls", "json"] }\n`,
    },
  },

  {
    suite: "trixie", name: "octocrab-opentls",
    covers: "octocrab 0.43 with the opentls feature (hyper-tls) next to its default rustls",
    files: { "Cargo.toml": `${pkg("gh")}\n[dependencies]\noctocrab = { version = "0.43", features = ["opentls"] }\n` },
  },
  {
    suite: "trixie", name: "sqlx-async-std-native-tls",
    covers: "sqlx 0.8 with runtime-async-std-native-tls and mysql, as a dotted-key entry",
    files: { "Cargo.toml": `${pkg("db")}\n[dependencies]\nsqlx.version = "0.8"\nsqlx.default-features = false\nsqlx.features = ["runtime-async-std-native-tls", "mysql"]\n` },
  },

  // ───────────── sid: reqwest 0.13.5 / 0.12.28, ureq 3.4, redis 0.32, sqlx 0.9, tokio-tungstenite 0.28 ─────────────
  {
    suite: "sid", name: "reqwest013-native-tls",
    covers: "reqwest 0.13 (rustls by default) with the native-tls feature added, plus json and cookies",
    files: { "Cargo.toml": `${pkg("client")}\n[dependencies]\nreqwest = { version = "0.13", features = ["native-tls", "json", "cookies"] }\n` },
  },
  {
    suite: "sid", name: "reqwest012-defaults",
    covers: "reqwest 0.12.28 on defaults (default-tls, charset, http2, system-proxy) with json and gzip",
    files: { "Cargo.toml": `${pkg("legacy")}\n[dependencies]\nreqwest = { version = "0.12", features = ["json", "gzip"] }\n` },
  },
  {
    suite: "sid", name: "ureq3-native-tls",
    covers: "ureq 3.4 with features [\"native-tls\", \"json\"] in table form",
    files: { "Cargo.toml": `${pkg("probe")}\n[dependencies.ureq]\nversion = "3"\nfeatures = ["native-tls", "json"]\n` },
  },
  {
    suite: "sid", name: "redis-tokio-native-tls-comp",
    covers: "redis 0.32 with tokio-native-tls-comp and json",
    files: { "Cargo.toml": `${pkg("cache")}\n[dependencies]\nredis = { version = "0.32", features = ["tokio-native-tls-comp", "json"] }\n` },
  },
  {
    suite: "sid", name: "sqlx09-tls-native-tls",
    covers: "sqlx 0.9 with runtime-tokio + tls-native-tls + postgres, inherited from [workspace.dependencies]",
    files: {
      "Cargo.toml": ws(["db"], `\n[workspace.dependencies]\nsqlx = { version = "0.9", default-features = false, features = ["runtime-tokio", "tls-native-tls", "postgres", "macros"] }\n`),
      "db/Cargo.toml": `${pkg("db")}\n[dependencies]\nsqlx = { workspace = true, features = ["json"] }\n`,
    },
  },
  {
    suite: "sid", name: "tokio-tungstenite028-native-tls",
    covers: "tokio-tungstenite 0.28 with native-tls under [target.'cfg(unix)'.dependencies]",
    files: { "Cargo.toml": `${pkg("stream")}\n[target.'cfg(unix)'.dependencies]\ntokio-tungstenite = { version = "0.28", features = ["native-tls", "connect"] }\n` },
  },
  {
    suite: "sid", name: "crlf-mixed-workspace",
    covers: "CRLF workspace: reqwest 0.13 native-tls inherited, ureq 3 native-tls dotted, a comment inside the features array",
    crlf: true,
    files: {
      "Cargo.toml": ws(["svc"], `\n[workspace.dependencies]\n# HTTP\nreqwest = { version = "0.13", features = [\n  "json",\n  "native-tls", # corporate proxy CA\n] }\n`),
      "svc/Cargo.toml": `${pkg("svc")}\n[dependencies]\nreqwest = { workspace = true, features = ["blocking"] }\nureq.version = "3"\nureq.features = ["native-tls"]\n`,
    },
  },

  // ───────────── issue 15: a fix keeps TLS, keeps non-TLS features, and never writes through bad input ─────────────
  {
    suite: "bookworm", name: "curl-no-rustls-defaults",
    covers: "curl 0.4.44 on defaults (ssl) from a registry build without a rustls feature: unfixable, never `default-features = false, features = []`",
    files: { "Cargo.toml": `${pkg("fetch")}
[dependencies]
curl = "0.4"
` },
  },
  {
    suite: "bookworm", name: "curl-http2-no-rustls",
    covers: "curl 0.4.44 with http2 (curl-sys/http2, not TLS) on defaults: unfixable without a rustls feature, and http2 is never dropped",
    files: { "Cargo.toml": `${pkg("h2fetch")}
[dependencies]
curl = { version = "0.4", features = ["http2"] }
` },
  },
  {
    suite: "bookworm", name: "tiny-http-ssl-no-rustls",
    covers: "tiny_http 0.12 with features [\"ssl\"] from a build without ssl-rustls: unfixable (removing ssl would serve plain HTTP)",
    files: { "Cargo.toml": `${pkg("server")}
[dependencies]
tiny_http = { version = "0.12", features = ["ssl"] }
` },
  },
  {
    suite: "trixie", name: "inherited-member-native-two-versions",
    covers: "[workspace.dependencies] reqwest 0.12 rustls-only; member b adds native-tls to its `workspace = true` entry; member a also locks reqwest 0.11 under a rename",
    files: {
      "Cargo.toml": ws(["a", "b"], `
[workspace.dependencies]
reqwest = { version = "0.12", default-features = false, features = ["rustls-tls", "json", "http2"] }
`),
      "a/Cargo.toml": `${pkg("a")}
[dependencies]
reqwest.workspace = true
old_http = { package = "reqwest", version = "0.11", default-features = false, features = ["rustls-tls"] }
`,
      "b/Cargo.toml": `${pkg("b")}
[dependencies]
reqwest = { workspace = true, features = ["native-tls"] }
`,
    },
  },
  {
    suite: "bookworm", name: "input-error-conflict-markers",
    covers: "a fixable member next to a member whose Cargo.toml has merge conflict markers: --write writes nothing, exits 2, prints the whole report",
    files: {
      "Cargo.toml": ws(["web", "mail"]),
      "web/Cargo.toml": `${pkg("web")}
[dependencies]
reqwest = { version = "0.11", features = ["json"] }
`,
      "mail/Cargo.toml": `${pkg("mail")}
[dependencies]
ureq = { version = "2.6", features = ["native-tls"] }
`,
    },
    brokenAfterLock: {
      "mail/Cargo.toml": `${pkg("mail")}
[dependencies]
<<<<<<< HEAD
ureq = { version = "2.6", features = ["native-tls"] }
=======
ureq = { version = "2.6", features = ["native-tls", "json"] }
>>>>>>> feature
`,
    },
  },
  {
    suite: "bookworm", name: "input-error-missing-member-dir",
    covers: "a fixable member, and a `members` entry naming a directory that is gone: --write writes nothing, exits 2, prints the whole report",
    files: {
      "Cargo.toml": ws(["web"]),
      "web/Cargo.toml": `${pkg("web")}
[dependencies]
reqwest = { version = "0.11", features = ["json"] }
`,
    },
    brokenAfterLock: { "Cargo.toml": ws(["web", "tools/*", "gone"]) },
  },
];
