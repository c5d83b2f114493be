"""Re-check committed differential cases with cargo, using ONLY committed files.

  python3 scripts/differential/verify.py [--jobs N] [--tree] CASE_DIR...

Each case is copied to a temporary directory, a temporary .cargo/config.toml points
crates-io at the committed fixtures/differential/<suite>/registry, and expected.json is
recomputed with `cargo tree --locked` (so Cargo.lock must be complete and unchanged).
--tree also compares cargo-tree.txt. Exits 1 on any difference.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import oracle  # noqa: E402


def verify(case_dir: str, compare_tree: bool) -> list[str]:
    case_dir = os.path.abspath(case_dir)
    suite_dir = os.path.dirname(os.path.dirname(case_dir))  # fixtures/differential/<suite>
    registry = os.path.join(suite_dir, "registry")
    with open(os.path.join(case_dir, "expected.json")) as f:
        want = json.load(f)
    problems = []
    with tempfile.TemporaryDirectory(prefix="tls-audit-verify-") as tmp:
        ws = os.path.join(tmp, os.path.basename(case_dir))
        shutil.copytree(case_dir, ws)
        with open(os.path.join(ws, "Cargo.lock"), "rb") as f:
            lock_before = f.read()
        oracle.write_cargo_config(ws, registry)
        try:
            got, tree_log = oracle.compute_expected(ws, want["suite"], want["shape"], locked=True)
        except Exception as e:  # noqa: BLE001
            return [f"{case_dir}: cargo failed: {e}"]
        with open(os.path.join(ws, "Cargo.lock"), "rb") as f:
            if f.read() != lock_before:
                problems.append(f"{case_dir}: Cargo.lock changed")
        if got != want:
            problems.append(f"{case_dir}: expected.json differs:\n  committed {json.dumps(want['findings'])}\n"
                            f"  recomputed {json.dumps(got['findings'])}")
        if compare_tree:
            with open(os.path.join(case_dir, "cargo-tree.txt")) as f:
                old = f.read()
            body = old.split("\n", 2)[2] if old.count("\n") >= 2 else ""
            if body != tree_log:
                problems.append(f"{case_dir}: cargo-tree.txt differs")
    return problems


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("cases", nargs="+")
    ap.add_argument("--jobs", type=int, default=int(os.environ.get("DIFF_JOBS", "3")))
    ap.add_argument("--tree", action="store_true")
    args = ap.parse_args()
    cargo_home = tempfile.mkdtemp(prefix="tls-audit-verify-cargo-home-")
    os.environ["CARGO_HOME"] = cargo_home  # no user config, no registry cache
    bad = 0
    try:
        with ThreadPoolExecutor(max_workers=args.jobs) as ex:
            for case, problems in zip(args.cases, ex.map(lambda c: verify(c, args.tree), args.cases)):
                if problems:
                    bad += 1
                    for p in problems:
                        print("FAIL", p)
                else:
                    print("ok  ", os.path.relpath(case))
    finally:
        shutil.rmtree(cargo_home, ignore_errors=True)
    print(f"{len(args.cases) - bad}/{len(args.cases)} cases reproduced from committed files")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
