// Crates that mean native TLS (OpenSSL, SChannel, Security.framework), with a source for each entry.

export interface TlsCrate {
  name: string;
  /** `banned`: reported by default; `tls-wrapper`: always depends on a banned crate, shown on why-paths. */
  role: "banned" | "tls-wrapper";
  summary: string;
  /** Banned crates a wrapper always brings in, for audits without a lock. */
  implies?: string[];
  source: string;
}

export const TLS_CRATES: readonly TlsCrate[] = [
  {
    name: "native-tls",
    role: "banned",
    summary: "uses OpenSSL on every target except Windows (SChannel) and Apple platforms (Security.framework)",
    source: "https://github.com/sfackler/rust-native-tls/blob/master/Cargo.toml ([target.'cfg(not(any(target_os = \"windows\", target_vendor = \"apple\")))'.dependencies] openssl)",
  },
  {
    name: "openssl",
    role: "banned",
    summary: "Rust bindings to OpenSSL",
    source: "https://github.com/sfackler/rust-openssl/blob/master/openssl/Cargo.toml (depends on openssl-sys)",
  },
  {
    name: "openssl-sys",
    role: "banned",
    summary: "links the system (or vendored) OpenSSL C library",
    source: "https://github.com/sfackler/rust-openssl/blob/master/openssl-sys/Cargo.toml (links = \"openssl\")",
  },
  { name: "hyper-tls", role: "tls-wrapper", summary: "hyper connector over native-tls", implies: ["native-tls"], source: "https://github.com/hyperium/hyper-tls/blob/master/Cargo.toml (native-tls non-optional)" },
  { name: "tokio-native-tls", role: "tls-wrapper", summary: "tokio adapter over native-tls", implies: ["native-tls"], source: "https://github.com/tokio-rs/tls/blob/master/tokio-native-tls/Cargo.toml (native-tls non-optional)" },
  { name: "tokio-tls", role: "tls-wrapper", summary: "tokio 0.2 adapter over native-tls", implies: ["native-tls"], source: "https://github.com/tokio-rs/tokio/blob/tokio-0.2.0/tokio-tls/Cargo.toml (native-tls non-optional)" },
  { name: "async-native-tls", role: "tls-wrapper", summary: "async-std/futures adapter over native-tls", implies: ["native-tls"], source: "https://github.com/async-email/async-native-tls/blob/master/Cargo.toml (native-tls non-optional)" },
  { name: "postgres-native-tls", role: "tls-wrapper", summary: "tokio-postgres TLS over native-tls", implies: ["native-tls"], source: "https://github.com/sfackler/rust-postgres/blob/master/postgres-native-tls/Cargo.toml (native-tls non-optional)" },
  { name: "hyper-native-tls", role: "tls-wrapper", summary: "hyper 0.10 connector over native-tls", implies: ["native-tls"], source: "https://github.com/sfackler/hyper-native-tls/blob/master/Cargo.toml (native-tls non-optional)" },
  { name: "tokio-openssl", role: "tls-wrapper", summary: "tokio adapter over openssl", implies: ["openssl", "openssl-sys"], source: "https://github.com/tokio-rs/tokio-openssl/blob/master/Cargo.toml (openssl non-optional)" },
  { name: "hyper-openssl", role: "tls-wrapper", summary: "hyper connector over openssl", implies: ["openssl", "openssl-sys"], source: "https://github.com/sfackler/hyper-openssl/blob/master/Cargo.toml (openssl non-optional)" },
  { name: "postgres-openssl", role: "tls-wrapper", summary: "tokio-postgres TLS over openssl", implies: ["openssl", "openssl-sys"], source: "https://github.com/sfackler/rust-postgres/blob/master/postgres-openssl/Cargo.toml (openssl non-optional)" },
  { name: "opentls", role: "tls-wrapper", summary: "fork of native-tls that links OpenSSL", implies: ["openssl", "openssl-sys"], source: "shared/knowledge/crate-tls-knowledge.md, 'What counts as native TLS'" },
  { name: "curl-sys", role: "tls-wrapper", summary: "libcurl; its default `ssl` feature links OpenSSL on Unix", implies: ["openssl-sys"], source: "https://github.com/alexcrichton/curl-rust/blob/main/curl-sys/Cargo.toml ([target.'cfg(all(unix, not(target_os = \"macos\")))'.dependencies] openssl-sys, feature ssl)" },
  { name: "libssh2-sys", role: "tls-wrapper", summary: "libssh2; depends on openssl-sys on Unix", implies: ["openssl-sys"], source: "https://github.com/alexcrichton/ssh2-rs/blob/master/libssh2-sys/Cargo.toml ([target.'cfg(unix)'.dependencies] openssl-sys)" },
];

export const DEFAULT_BANNED: readonly string[] = TLS_CRATES.filter((c) => c.role === "banned").map((c) => c.name);

export function tlsCrate(name: string): TlsCrate | undefined {
  return TLS_CRATES.find((c) => c.name === name);
}
