#!/usr/bin/env bash
# debian-crates.sh: a cargo "directory" source (a local crate registry) from Debian's packaged Rust crates.
# The project's own copy of the tool its generators and live tests use: nothing here needs ../shared.
#
#   scripts/lib/debian-crates.sh SUITE OUTDIR CRATE...
#
#   SUITE   bookworm (reqwest 0.11), trixie (reqwest 0.12) or sid (reqwest 0.13)
#   OUTDIR  receives OUTDIR/<name>-<version>/ per crate, each with Cargo.toml and .cargo-checksum.json
#   CRATE   crate names as Debian spells them (librust-<CRATE>-dev); their dependencies come along
#
# apt-get runs with a private state directory (DEBIAN_CRATES_CACHE, default $TMPDIR/debian-crates-SUITE), so the
# system's package state is never touched; only downloads happen. Exit 3 when apt-get or Debian's archive key is
# missing, or Debian's archive cannot be reached, so callers can skip with a reason instead of failing.
set -euo pipefail
[ $# -ge 3 ] || { sed -n '2,14p' "$0"; exit 2; }
suite=$1; out=$2; shift 2
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
command -v apt-get >/dev/null && command -v dpkg >/dev/null || { echo "debian-crates: apt-get and dpkg are needed" >&2; exit 3; }
[ -r "$keyring" ] || { echo "debian-crates: $keyring is missing (package debian-archive-keyring)" >&2; exit 3; }
work=${DEBIAN_CRATES_CACHE:-${TMPDIR:-/tmp}/debian-crates-$suite}
mkdir -p "$work"/{lists/partial,cache/archives/partial} "$out"
echo "deb [signed-by=$keyring] http://deb.debian.org/debian $suite main" > "$work/sources.list"
: > "$work/status"
apt_opts=(-o Dir::Etc::sourcelist="$work/sources.list" -o Dir::Etc::sourceparts=- -o Dir::State::Lists="$work/lists"
  -o Dir::Cache="$work/cache" -o Dir::State::status="$work/status" -o APT::Get::List-Cleanup=0 -o Debug::NoLocking=1)
# The package lists are fetched once per cache directory; delete it to refresh them.
unreachable() { echo "debian-crates: Debian's archive (deb.debian.org) cannot be reached: $1" >&2; exit 3; }
if ! ls "$work/lists" 2>/dev/null | grep -q Packages; then
  # apt-get update only warns when a source cannot be fetched: no package list afterwards is the sign.
  log=$(apt-get "${apt_opts[@]}" -qq update 2>&1) || true
  ls "$work/lists" 2>/dev/null | grep -q Packages || unreachable "no package list for $suite ($(echo "$log" | tail -n 1))"
fi
packages=()
for crate in "$@"; do packages+=("librust-$crate-dev"); done
if ! log=$(apt-get "${apt_opts[@]}" -qq -y --download-only --no-install-recommends install "${packages[@]}" 2>&1 >/dev/null); then
  if echo "$log" | grep -qE "Failed to fetch|Could not resolve|Temporary failure|Unable to connect|Connection failed"; then unreachable "$(echo "$log" | grep -E "Failed to fetch|Could not|Temporary|Unable|Connection" | head -n 1)"; fi
  echo "$log" >&2
  exit 1
fi
unpacked=$(mktemp -d)
trap 'rm -rf "$unpacked"' EXIT
for deb in "$work"/cache/archives/librust-*.deb; do dpkg -x "$deb" "$unpacked"; done
cp -a "$unpacked"/usr/share/cargo/registry/. "$out"/
echo "$(ls "$out" | wc -l) crates in $out"
