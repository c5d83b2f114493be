#!/usr/bin/env bash
# gen-fixtures.sh — regenerate the cargo-written parts of fixtures/ with real cargo.
#
#   bash scripts/gen-fixtures.sh            # all fixtures
#   bash scripts/gen-fixtures.sh demo       # only fixtures/demo
#   bash scripts/gen-fixtures.sh lockfile-versions
#
# What is hand-written (committed, never touched here): every Cargo.toml and
# src/ file of the fixture workspaces, and fixtures/lockfile-versions/gitdep-repo/.
# What this script writes (also committed), always from cargo itself:
#   <ws>/Cargo.lock                         `cargo generate-lockfile --offline` (fresh; old lock deleted first)
#   <ws>/expected/cargo-tree-*.txt          `cargo tree` output, the oracle for the resolver
#   <ws>/registry-manifests/<name>-<ver>/Cargo.toml
#                                           the registry's (Debian-normalised) manifest of every
#                                           registry package in the lock, so tests can resolve
#                                           features without cargo or a registry
#
# How: crate registries are built from Debian's packaged crates with
# scripts/lib/debian-crates.sh into a cache OUTSIDE the repo,
# ${FIXTURE_REGISTRY_DIR:-/tmp/tls-audit-registry}/<suite>. Each workspace gets a
# temporary .cargo/config.toml that replaces crates-io with that directory source
# (absolute path); it is removed again on exit, so nothing under .cargo is committed.
# CARGO_HOME is private to the cache (<cache>/cargo-home) so the user's ~/.cargo
# config cannot leak in.
#
# Environment:
#   FIXTURE_REGISTRY_DIR  registry cache root            (default /tmp/tls-audit-registry)
#   DEBIAN_CRATES         path of the debian-crates tool (default scripts/lib/debian-crates.sh)
#   CARGO                 cargo binary                   (default cargo)
#
# Fixed path: the lockfile-versions fixtures depend on a git repository at
# file:///tmp/tls-audit-gitdep. That URL is baked into their Cargo.lock, so it is
# not configurable. The repo is re-created from fixtures/lockfile-versions/gitdep-repo
# with fixed author/committer names and dates, so its commit id is reproducible.
#
# Path normalisation: cargo tree prints path packages with their absolute path,
# e.g. "bot v0.4.2 (/abs/fixtures/demo/crates/bot)". In expected/ the absolute
# workspace root is replaced by the literal token {ws}: "bot v0.4.2 ({ws}/crates/bot)".
# When cargo reports that the -i crate is not in the graph ("package ID
# specification `openssl-sys` did not match any packages", or "nothing to print")
# the expected file is written empty.
#
# Idempotent: re-running with the same Debian suite contents yields byte-identical
# output. (bookworm/trixie are stable suites, but a point release that updates a
# crate will show up as a diff here — that is intended.)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
FX=$ROOT/fixtures
REG=${FIXTURE_REGISTRY_DIR:-/tmp/tls-audit-registry}
TOOL=${DEBIAN_CRATES:-$(cd "$(dirname "$0")/.." && pwd)/lib/debian-crates.sh}
CARGO=${CARGO:-cargo}
GITDEP_DIR=/tmp/tls-audit-gitdep
export CARGO_HOME=$REG/cargo-home
export CARGO_TERM_COLOR=never
mkdir -p "$REG" "$CARGO_HOME"

log() { printf '== %s\n' "$*" >&2; }

# --- registries ---------------------------------------------------------------
# ensure_registry SUITE CRATE...: build $REG/SUITE once per distinct crate list.
# The stamp lives beside (not inside) the directory source, which must contain
# only crate directories.
ensure_registry() {
  local suite=$1; shift
  local stamp="$REG/$suite.stamp" want="$*"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -d "$REG/$suite" ]; then
    return 0
  fi
  log "building $suite registry in $REG/$suite ($want)"
  "$TOOL" "$suite" "$REG/$suite" "$@" >&2
  printf '%s' "$want" > "$stamp"
}

# --- per-workspace helpers ------------------------------------------------------
CLEANUP=()
cleanup() { local d; for d in "${CLEANUP[@]:-}"; do [ -n "$d" ] && rm -rf "$d"; done; }
trap cleanup EXIT

# use_registry WS SUITE: temporary .cargo/config.toml (removed on exit and by done_registry).
use_registry() {
  local ws=$1 suite=$2
  mkdir -p "$ws/.cargo"
  CLEANUP+=("$ws/.cargo")
  cat > "$ws/.cargo/config.toml" <<EOF
# written by scripts/gen-fixtures.sh; removed when it finishes — do not commit
[source.crates-io]
replace-with = "debian"
[source.debian]
directory = "$REG/$suite"
EOF
}
done_registry() { rm -rf "$1/.cargo"; }

# fresh_lock WS [ONLINE]: delete and regenerate Cargo.lock. ONLINE=1 drops --offline
# (needed only to clone the file:// git dependency; the registry is local anyway).
fresh_lock() {
  local ws=$1 online=${2:-0}
  rm -f "$ws/Cargo.lock"
  if [ "$online" = 1 ]; then
    (cd "$ws" && "$CARGO" generate-lockfile -q)
  else
    (cd "$ws" && "$CARGO" generate-lockfile -q --offline)
  fi
}

# copy_manifests WS SUITE: registry-manifests/<name>-<version>/Cargo.toml for every
# registry package in WS/Cargo.lock.
copy_manifests() {
  local ws=$1 suite=$2 nv
  rm -rf "$ws/registry-manifests"
  while read -r nv; do
    [ -f "$REG/$suite/$nv/Cargo.toml" ] || { echo "missing $REG/$suite/$nv/Cargo.toml" >&2; exit 1; }
    mkdir -p "$ws/registry-manifests/$nv"
    cp "$REG/$suite/$nv/Cargo.toml" "$ws/registry-manifests/$nv/Cargo.toml"
  done < <(awk '
      /^\[\[package\]\]/ { n = ""; v = "" }
      /^name = /         { n = $3; gsub(/"/, "", n) }
      /^version = "/     { v = $3; gsub(/"/, "", v) }
      /^source = "registry\+/ { print n "-" v }' "$ws/Cargo.lock" | sort -u)
}

# tree WS OUTFILE ARGS...: run `cargo tree ARGS` in WS and save normalised stdout.
tree() {
  local ws=$1 out=$2; shift 2
  local err rc=0
  err=$(mktemp); CLEANUP+=("$err")
  mkdir -p "$(dirname "$out")"
  (cd "$ws" && "$CARGO" tree --offline --locked --charset utf8 --color never "$@") \
      > "$out.tmp" 2> "$err" || rc=$?
  if [ $rc -ne 0 ]; then
    if grep -q 'did not match any packages' "$err"; then
      : > "$out.tmp"
    else
      echo "cargo tree $* failed in $ws:" >&2; cat "$err" >&2; rm -f "$out.tmp"; exit 1
    fi
  fi
  # "warning: nothing to print" goes to stderr with exit 0 and empty stdout: keep empty.
  sed "s#$ws#{ws}#g" "$out.tmp" > "$out"
  rm -f "$out.tmp"
}

# check_lock_version FILE WANT: fail unless cargo wrote the lock format we asked for.
check_lock_version() {
  local f=$1 want=$2 got
  if grep -q '^version = [0-9]' "$f"; then
    got=$(sed -n 's/^version = \([0-9]*\)$/\1/p' "$f" | head -1)
  elif grep -q '^\[metadata\]' "$f"; then got=1
  else got=2; fi
  [ "$got" = "$want" ] || { echo "$f: cargo wrote lock v$got, wanted v$want" >&2; exit 1; }
}

member_names() { # WS: package names of crates/*/Cargo.toml
  local m
  for m in "$1"/crates/*/Cargo.toml; do
    sed -n 's/^name = "\(.*\)"$/\1/p' "$m" | head -1
  done
}

# --- fixtures/demo (bookworm: reqwest 0.11) ---------------------------------------
gen_demo() {
  local ws=$FX/demo m c
  ensure_registry bookworm reqwest ureq tokio serde serde-json winapi log
  log "demo: lock"
  use_registry "$ws" bookworm
  fresh_lock "$ws"
  copy_manifests "$ws" bookworm
  rm -rf "$ws/expected"
  log "demo: cargo tree oracle"
  for c in openssl-sys native-tls; do
    # whole workspace (all members selected together: features unify across members)
    tree "$ws" "$ws/expected/cargo-tree-workspace-$c.txt" \
        --workspace -e normal,build,dev --target all -i "$c"
    tree "$ws" "$ws/expected/cargo-tree-workspace-$c-features.txt" \
        --workspace -e normal,build,dev,features --target all -i "$c"
    for m in $(member_names "$ws"); do
      tree "$ws" "$ws/expected/cargo-tree-$m-$c.txt" \
          -p "$m" -e normal,build,dev --target all -i "$c"
      tree "$ws" "$ws/expected/cargo-tree-$m-$c-features.txt" \
          -p "$m" -e normal,build,dev,features --target all -i "$c"
    done
  done
  done_registry "$ws"
  write_demo_vendor_config "$ws"
}

# The demo ships its dependencies' manifests like a `cargo vendor` directory, so that
# `npm start` resolves features exactly with no CARGO_HOME and no network. tls-audit only
# needs the manifests; cargo itself would also want sources and checksums, so cargo runs
# in this script always use their own temporary config.
write_demo_vendor_config() {
  mkdir -p "$1/.cargo"
  cat > "$1/.cargo/config.toml" <<'EOF'
# Source replacement for tls-audit's metadata provider: registry-manifests/ holds the
# normalised Cargo.toml of every locked crate (written by scripts/gen-fixtures.sh).
[source.crates-io]
replace-with = "demo-manifests"

[source.demo-manifests]
directory = "registry-manifests"
EOF
}

# --- fixtures/lockfile-versions (trixie: has bitflags 1.x and 2.x) -----------------
make_gitdep() {
  local src=$FX/lockfile-versions/gitdep-repo
  rm -rf "$GITDEP_DIR"
  mkdir -p "$GITDEP_DIR"
  cp -a "$src/." "$GITDEP_DIR/"
  (
    cd "$GITDEP_DIR"
    export GIT_AUTHOR_NAME=fixtures GIT_AUTHOR_EMAIL=fixtures@example.invalid
    export GIT_COMMITTER_NAME=fixtures GIT_COMMITTER_EMAIL=fixtures@example.invalid
    export GIT_AUTHOR_DATE='2024-01-01T00:00:00Z' GIT_COMMITTER_DATE='2024-01-01T00:00:00Z'
    git init -q -b main .
    git add -A
    git -c commit.gpgsign=false -c core.autocrlf=false commit -q -m 'gitdep fixture'
  )
  # drop cargo's cached clone so a changed repo is re-fetched
  rm -rf "$CARGO_HOME/git"
}

gen_lockfile_versions() {
  local v ws
  ensure_registry trixie bitflags bitflags-1 unicode-ident
  make_gitdep
  for v in 1 2 3 4; do
    ws=$FX/lockfile-versions/v$v
    log "lockfile-versions/v$v: lock (encoding chosen by rust-version)"
    use_registry "$ws" trixie
    fresh_lock "$ws" 1
    check_lock_version "$ws/Cargo.lock" "$v"
    copy_manifests "$ws" trixie
    rm -rf "$ws/expected"
    local before; before=$(cksum < "$ws/Cargo.lock")
    tree "$ws" "$ws/expected/cargo-tree.txt" --workspace -e normal,build,dev --target all
    tree "$ws" "$ws/expected/cargo-tree-features.txt" --workspace -e normal,build,dev,features --target all
    [ "$(cksum < "$ws/Cargo.lock")" = "$before" ] || { echo "cargo rewrote $ws/Cargo.lock" >&2; exit 1; }
    done_registry "$ws"
  done
}

targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(demo lockfile-versions)
for t in "${targets[@]}"; do
  case $t in
    demo) gen_demo ;;
    lockfile-versions) gen_lockfile_versions ;;
    *) echo "unknown fixture: $t (demo | lockfile-versions)" >&2; exit 2 ;;
  esac
done
log "done: $(cd "$ROOT" && du -sh fixtures | cut -f1) in fixtures/"
