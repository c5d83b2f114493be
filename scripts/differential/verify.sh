#!/usr/bin/env bash
# verify.sh — prove that committed differential cases are reproducible from committed files only.
#
#   bash scripts/differential/verify.sh                    # a sample: every 10th case of each suite
#   bash scripts/differential/verify.sh all                # every case (several minutes)
#   bash scripts/differential/verify.sh bookworm           # every case of one suite
#   bash scripts/differential/verify.sh fixtures/differential/sid/cases/001-*   # given case dirs
#   bash scripts/differential/verify.sh --tree ...         # also compare cargo-tree.txt
#
# For each case: copy it to a temp dir, write a temporary .cargo/config.toml that replaces
# crates-io with the COMMITTED directory source fixtures/differential/<suite>/registry (absolute
# path), use a throw-away CARGO_HOME, and recompute expected.json with
# `cargo tree ... --offline --locked`. Nothing in the repo is written. Needs cargo (skips
# with exit 0 and a message when cargo is absent) and python3 >= 3.11.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
FX=$(cd "$HERE/../.." && pwd)/fixtures/differential
command -v "${CARGO:-cargo}" >/dev/null || { echo "verify.sh: cargo not found, skipping" >&2; exit 0; }
flags=()
if [ "${1:-}" = "--tree" ]; then flags+=(--tree); shift; fi
cases=()
case "${1:-sample}" in
  sample)
    for s in bookworm trixie sid; do
      i=0
      for d in "$FX/$s"/cases/*/; do
        if [ $((i % 10)) -eq 0 ]; then cases+=("${d%/}"); fi
        i=$((i + 1))
      done
    done ;;
  all) for d in "$FX"/*/cases/*/; do cases+=("${d%/}"); done ;;
  bookworm|trixie|sid) for d in "$FX/$1"/cases/*/; do cases+=("${d%/}"); done ;;
  *) cases=("$@") ;;
esac
exec python3 "$HERE/verify.py" "${flags[@]}" "${cases[@]}"
