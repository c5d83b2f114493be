#!/usr/bin/env bash
# Regenerates fixtures/fix-judge/: the cases of scripts/fix-judge/cases.mjs, locked by real cargo against
# Debian's packaged crates, and cargo's judgement of `tls-audit --write` on each (judged.json).
#
#   bash scripts/fix-judge/generate.sh [--only CASE] [suite ...]      (suites: bookworm trixie sid; default all)
#   bash scripts/fix-judge/generate.sh --registries-only [suite ...]  (just build the Debian registries)
#   bash scripts/fix-judge/generate.sh --rejudge [--only CASE] [suite ...]  (re-record judged.json from the
#        committed cases and registry-manifests/ only: needs cargo, not the Debian registries)
#
# Needs cargo, node (the tool is built first with tsc), apt-get and deb.debian.org. Registries are cargo
# directory sources built by scripts/lib/debian-crates.sh into ${FIX_JUDGE_REGISTRY_DIR:-/tmp/tls-audit-judge-registry}/<suite>
# (apt cache: /tmp/dc-cache-judge-<suite>); a complete one under /tmp/tls-audit-diff-registry/<suite> is reused
# read-only. Nothing under /tmp is committed: the cases get a .cargo/config.toml pointing at ../registry-manifests.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
root=${FIX_JUDGE_REGISTRY_DIR:-/tmp/tls-audit-judge-registry}
tool=${DEBIAN_CRATES:-$repo/scripts/lib/debian-crates.sh}
only=(); registries_only=0; rejudge=0; suites=()
while [ $# -gt 0 ]; do
  case $1 in
    --only) only=(--only "$2"); shift 2 ;;
    --registries-only) registries_only=1; shift ;;
    --rejudge) rejudge=1; shift ;;
    *) suites+=("$1"); shift ;;
  esac
done
[ ${#suites[@]} -gt 0 ] || suites=(bookworm trixie sid)

# Debian package names (librust-<name>-dev) per suite, and crate directories that must exist.
crates_of() {
  case $1 in
    bookworm) echo "reqwest ureq oauth2 native-tls serde serde-json tokio curl curl+http2 tiny-http" ;;
    trixie) echo "reqwest ureq tokio-tungstenite sqlx oauth2 native-tls serde serde-json tokio curl tiny-http" ;;
    sid) echo "reqwest ureq redis sqlx tokio-tungstenite native-tls serde serde-json tokio curl tiny-http" ;;
  esac
}
complete() { # DIR SUITE: every crate of the suite is there (Debian spells serde_json serde-json)
  local d=$1 c
  for c in $(crates_of "$2"); do compgen -G "$d/${c}-[0-9]*" >/dev/null || compgen -G "$d/${c//-/_}-[0-9]*" >/dev/null || return 1; done
  [ "$(ls "$d" | grep -c '^rustls-')" -gt 0 ] || return 1
}
registry_for() {
  local suite=$1
  if [ -f "$root/$suite/.complete" ]; then echo "$root/$suite"; return; fi
  if [ -d "/tmp/tls-audit-diff-registry/$suite" ] && complete "/tmp/tls-audit-diff-registry/$suite" "$suite"; then echo "/tmp/tls-audit-diff-registry/$suite"; return; fi
  DEBIAN_CRATES_CACHE=/tmp/dc-cache-judge-$suite "$tool" "$suite" "$root/$suite" $(crates_of "$suite") >&2
  touch "$root/$suite/.complete"
  echo "$root/$suite"
}

args=()
for suite in "${suites[@]}"; do
  [ $rejudge = 1 ] && { args+=(--rejudge "$suite"); continue; }
  reg=$(registry_for "$suite")
  echo "$suite: registry $reg" >&2
  args+=(--registry "$suite=$reg")
done
[ $registries_only = 1 ] && exit 0
# A private build of the tool (bin/ + dist/), so that rebuilds of the repo's dist/ during the run cannot break it.
snap=$(mktemp -d); trap 'rm -rf "$snap"' EXIT
# The whole build (tsc, the bundled CLI, the build id), copied away once made.
(cd "$repo" && npm run -s build >&2 && cp -r dist "$snap/dist")
cp -r "$repo/bin" "$repo/package.json" "$snap/"; ln -s "$repo/node_modules" "$snap/node_modules"
TLS_AUDIT_BIN=$snap/bin/tls-audit.js node "$repo/scripts/fix-judge/generate.mjs" "${args[@]}" "${only[@]}"
