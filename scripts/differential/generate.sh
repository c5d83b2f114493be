#!/usr/bin/env bash
# generate.sh — regenerate fixtures/differential/ (differential test data for the feature
# resolver) with real cargo as the oracle.
#
#   bash scripts/differential/generate.sh                # bookworm trixie sid
#   bash scripts/differential/generate.sh trixie         # one suite
#   DIFF_JOBS=2 bash scripts/differential/generate.sh    # parallel cargo workspaces (default 3)
#
# Steps, per suite:
#  1. Build a cargo directory source from Debian's packaged crates with
#     scripts/lib/debian-crates.sh into $DIFF_REGISTRY_DIR/<suite> (default
#     /tmp/tls-audit-diff-registry/<suite>, OUTSIDE the repo), once per crate list (a stamp
#     file beside the registry records the list). apt cache: $DEBIAN_CRATES_CACHE_PREFIX<suite>
#     (default /tmp/dc-cache-differential-<suite>).
#  2. python3 scripts/differential/gen.py <suite>: for every case in cases.py write the
#     workspace under $DIFF_BUILD_DIR (default /tmp/tls-audit-diff-build) with a temporary
#     .cargo/config.toml (absolute path of the registry; never committed), run
#     `cargo generate-lockfile --offline`, then the `cargo tree` matrix (see oracle.py), and
#     copy Cargo.toml/Cargo.lock/src/expected.json/cargo-tree.txt into
#     fixtures/differential/<suite>/cases/NNN-slug/ (the suite's cases/ dir is wiped first).
#  3. Write fixtures/differential/<suite>/registry/<name>-<version>/ for every crate version in
#     any of the suite's lockfiles: Cargo.toml verbatim, .cargo-checksum.json (verbatim if
#     <= 1 KiB, else {"files":{},"package":<original>}), and empty src/lib.rs / build.rs
#     stand-ins where cargo's target inference needs the file to exist.
#  4. Run scripts/differential/verify.sh on a sample to prove the committed files suffice.
#
# Deterministic: same Debian suite contents + same cargo => byte-identical output
# (sid is a moving target; bookworm/trixie change only on point releases).
# Needs: cargo (offline), python3 >= 3.11, apt-get/dpkg and access to deb.debian.org for step 1.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOOL=${DEBIAN_CRATES:-$(cd "$(dirname "$0")/.." && pwd)/lib/debian-crates.sh}
export DIFF_REGISTRY_DIR=${DIFF_REGISTRY_DIR:-/tmp/tls-audit-diff-registry}
CACHE_PREFIX=${DEBIAN_CRATES_CACHE_PREFIX:-/tmp/dc-cache-differential-}
suites=("$@"); [ ${#suites[@]} -gt 0 ] || suites=(bookworm trixie sid)

# Crate lists as Debian spells them (librust-<name>-dev); "+feature" packages pull the
# dependencies of optional features. Names missing or uninstallable in a suite are left out
# (sid: git2+https, git2+ssh and async-tungstenite were uninstallable when this was written).
crates_for() {
  case "$1" in
    bookworm) echo "reqwest reqwest+native-tls reqwest+rustls-tls reqwest+json reqwest+blocking reqwest+default-tls reqwest+native-tls-alpn reqwest+rustls-tls-native-roots reqwest+cookies reqwest+stream reqwest-0.11 reqwest-0.11+native-tls reqwest-0.11+rustls-tls reqwest-0.11+json reqwest-0.11+blocking ureq git2 git2+https git2+ssh git2-curl isahc curl curl+ssl curl+http2 curl-sys tiny-http tiny-http+ssl tiny-http+ssl-openssl trust-dns-resolver trust-dns-resolver+dns-over-native-tls trust-dns-resolver+dns-over-rustls trust-dns-resolver+dns-over-openssl trust-dns-resolver+tokio-runtime native-tls native-tls+alpn openssl openssl-sys openssl-probe hyper-tls tokio-native-tls tokio-openssl hyper-rustls tokio-rustls rustls rustls-native-certs oauth2 oauth2+native-tls oauth2+rustls-tls oauth2+reqwest oauth2+ureq oauth2+curl tokio-postgres libssh2-sys serde serde+derive serde-json tokio tokio+full anyhow log cc pkg-config" ;;
    trixie) echo "reqwest reqwest+native-tls reqwest+rustls-tls reqwest+json reqwest+blocking reqwest+default-tls reqwest+native-tls-alpn reqwest+rustls-tls-native-roots reqwest+cookies reqwest+stream reqwest+http2 reqwest-0.11 reqwest-0.11+native-tls reqwest-0.11+rustls-tls reqwest-0.11+json reqwest-0.11+blocking reqwest-0.12 reqwest-0.12+native-tls reqwest-0.12+rustls-tls reqwest-0.12+json reqwest-0.12+blocking ureq git2 git2+https git2+ssh git2-curl isahc curl curl+ssl curl+http2 curl-sys tiny-http tiny-http+ssl tiny-http+ssl-openssl hickory-resolver hickory-resolver+dns-over-native-tls hickory-resolver+dns-over-rustls hickory-resolver+dns-over-openssl hickory-resolver+tokio-runtime hickory-resolver+tokio native-tls native-tls+alpn openssl openssl-sys openssl-probe hyper-tls tokio-native-tls tokio-openssl hyper-rustls tokio-rustls rustls rustls-native-certs oauth2 oauth2+native-tls oauth2+rustls-tls oauth2+reqwest oauth2+curl tokio-postgres postgres tokio-tungstenite tokio-tungstenite+native-tls tokio-tungstenite+connect tungstenite tungstenite+native-tls async-tungstenite sqlx sqlx+runtime-tokio-native-tls sqlx+runtime-tokio-rustls sqlx+tls-native-tls sqlx+tls-rustls sqlx+postgres sqlx+sqlite sqlx+runtime-tokio sqlx+mysql octocrab octocrab+default octocrab+rustls octocrab+opentls async-native-tls ssh2 libssh2-sys serde serde+derive serde-json tokio tokio+full anyhow log cc pkg-config" ;;
    sid) echo "reqwest reqwest+native-tls reqwest+json reqwest+blocking reqwest+default-tls reqwest+rustls reqwest+cookies reqwest+stream reqwest+http2 reqwest-0.12 reqwest-0.12+native-tls reqwest-0.12+rustls-tls reqwest-0.12+json reqwest-0.12+blocking ureq git2 git2-curl isahc curl curl+ssl curl+http2 curl-sys tiny-http tiny-http+ssl tiny-http+ssl-openssl hickory-resolver hickory-resolver+tls-ring hickory-resolver+tokio native-tls native-tls+alpn openssl openssl-sys openssl-probe hyper-tls tokio-native-tls tokio-openssl hyper-rustls tokio-rustls rustls rustls-native-certs oauth2 oauth2+native-tls oauth2+rustls-tls oauth2+reqwest oauth2+curl tokio-postgres postgres tokio-tungstenite tokio-tungstenite+native-tls tokio-tungstenite+connect tungstenite tungstenite+native-tls sqlx sqlx+tls-native-tls sqlx+tls-rustls sqlx+postgres sqlx+sqlite sqlx+runtime-tokio sqlx+mysql octocrab octocrab+default octocrab+rustls octocrab+opentls async-native-tls redis redis+tls-native-tls redis+tokio-native-tls-comp redis+tls-rustls redis+tokio-comp attohttpc attohttpc+tls-native attohttpc+tls-rustls attohttpc+tls attohttpc+json ssh2 libssh2-sys serde serde+derive serde-json tokio tokio+full anyhow log cc pkg-config" ;;
    *) echo "unknown suite $1" >&2; exit 2 ;;
  esac
}

for s in "${suites[@]}"; do
  want=$(crates_for "$s")
  stamp=$DIFF_REGISTRY_DIR/$s.stamp
  if ! { [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -d "$DIFF_REGISTRY_DIR/$s" ]; }; then
    echo "== building $s registry in $DIFF_REGISTRY_DIR/$s" >&2
    rm -rf "${DIFF_REGISTRY_DIR:?}/$s"
    # shellcheck disable=SC2086
    DEBIAN_CRATES_CACHE=$CACHE_PREFIX$s "$TOOL" "$s" "$DIFF_REGISTRY_DIR/$s" $want >&2
    printf '%s' "$want" > "$stamp"
  fi
done

start=$(date +%s)
python3 "$HERE/gen.py" "${suites[@]}"
echo "== generated in $(( $(date +%s) - start ))s" >&2
cases=()
for s in "${suites[@]}"; do
  i=0
  for d in "$HERE/../../fixtures/differential/$s"/cases/*/; do
    if [ $((i % 10)) -eq 0 ]; then cases+=("${d%/}"); fi
    i=$((i + 1))
  done
done
bash "$HERE/verify.sh" "${cases[@]}"
