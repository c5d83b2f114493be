"""Commit random workspaces that fuzz.py found tls-audit wrong on as regression cases of the differential suite.

  python3 scripts/differential/adopt.py SUITE SEED INDEX [INDEX...] [--registry DIR] [--drift]

The case is drawn again from (suite, seed, index) as fuzz.py drew it (with the same registry: by default the suite's
committed one), appended to regressions.json (which cases.py reads, after every template, so that the numbers of the
other cases stay), and generated into fixtures/differential/<suite>/cases/NNN-fuzz-SEED-INDEX/ exactly as gen.py
generates a case, against the committed registry. index.json gets its line. The registry subset is not rewritten:
a case locked against the committed registry needs nothing it lacks (checked).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import oracle  # noqa: E402
from random_cases import random_case  # noqa: E402
from fuzz import Refused, keep_case, locked_packages, prepare, registry_crates  # noqa: E402

ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
FX = os.path.join(ROOT, "fixtures", "differential")
REGRESSIONS = os.path.join(HERE, "regressions.json")
DRIFT_FX = os.path.join(ROOT, "fixtures", "drift-regressions")


def adopt_drift(suite: str, seed: int, indexes: list[int], drawn_with: str) -> int:
    """Drift cases (fuzz.py --drift) go to fixtures/drift-regressions/<suite>/cases/drift-SEED-INDEX/: the edited
    manifests over the stale lock (or none) that tls-audit read, cargo's answer after its own refresh (expected.json,
    with the --no-default-features mode too), cargo-refreshed.lock, and the case before and after the edit as data.
    They use the differential suite's committed registry, which holds every crate the refreshed lock names (checked)."""
    committed = os.path.join(FX, suite, "registry")
    present = set(os.listdir(committed))
    for index in indexes:
        with tempfile.TemporaryDirectory(prefix="tls-audit-adopt-") as work:
            try:
                prepared = prepare(suite, seed, index, drawn_with, work, drift=True)
            except Refused as e:
                raise SystemExit(f"{suite} drift {seed}/{index}: cargo refused it: {e}")
            refreshed = locked_packages(prepared["ws"])
            missing = sorted(p for p in locked_packages(prepared["ws"], registry_only=True) if f"{p[0]}-{p[1]}" not in present)
            if missing:
                raise SystemExit(f"{suite} drift {seed}/{index}: the committed registry lacks {missing}")
            dest = os.path.join(DRIFT_FX, suite, "cases", prepared["case"]["slug"])
            keep_case(prepared, dest)
            found = sum(len(v) for v in prepared["expected"]["buildFindings"].values())
            print(f"{suite}/{prepared['case']['slug']}: {found} build findings, {len(refreshed)} packages after cargo's refresh")
    return 0


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("suite", choices=["bookworm", "trixie", "sid"])
    ap.add_argument("seed", type=int)
    ap.add_argument("indexes", type=int, nargs="+")
    ap.add_argument("--registry")
    ap.add_argument("--drift", action="store_true", help="a case fuzz.py --drift drew (fixtures/drift-regressions)")
    args = ap.parse_args()
    committed = os.path.join(FX, args.suite, "registry")
    drawn_with = os.path.abspath(args.registry or committed)
    if args.drift:
        return adopt_drift(args.suite, args.seed, args.indexes, drawn_with)
    regressions = json.load(open(REGRESSIONS)) if os.path.exists(REGRESSIONS) else {}
    kept = regressions.setdefault(args.suite, [])
    for index in args.indexes:
        case = random_case(args.suite, args.seed, index, registry_crates(drawn_with))
        case["slug"] = f"fuzz-{args.seed}-{index:03d}"
        if any(c["slug"] == case["slug"] for c in kept):
            print(f"{args.suite}/{case['slug']}: already adopted", file=sys.stderr)
            continue
        kept.append(case)
    with open(REGRESSIONS, "w") as f:
        f.write(oracle.dump_json(regressions))

    # Generate the new cases as gen.py does, with the committed registry standing in for the suite's full one.
    import cases as catalogue  # noqa: E402 (reads regressions.json)

    with tempfile.TemporaryDirectory(prefix="tls-audit-adopt-") as tmp:
        os.symlink(committed, os.path.join(tmp, args.suite))
        os.environ["DIFF_REGISTRY_DIR"] = tmp
        os.environ["DIFF_BUILD_DIR"] = os.path.join(tmp, "build")
        os.environ.setdefault("CARGO_HOME", os.path.join(tmp, "cargo-home"))
        import gen  # noqa: E402 (reads the environment above)

        index_file = os.path.join(FX, args.suite, "index.json")
        index = json.load(open(index_file))
        listed = {entry["case"] for entry in index["cases"]}
        present = set(os.listdir(committed))
        for case in catalogue.cases_for(args.suite):
            if not case["slug"].startswith("fuzz-") or case["dir"] in listed:
                continue
            result = gen.run_case(args.suite, case)
            missing = sorted(p for p in result["pkgs"] if f"{p[0]}-{p[1]}" not in present)
            if missing:
                raise SystemExit(f"{case['dir']}: the committed registry lacks {missing}; regenerate the suite (generate.sh)")
            index["cases"].append({"case": result["dir"], "shape": result["expected"]["shape"], "members": result["expected"]["members"],
                                   "findings": {m: len(v) for m, v in result["expected"]["findings"].items()},
                                   "buildFindings": {m: len(v) for m, v in result["expected"]["buildFindings"].items()}})
            print(f"{args.suite}/{result['dir']}: {sum(len(v) for v in result['expected']['buildFindings'].values())} build findings")
        with open(index_file, "w") as f:
            f.write(oracle.dump_json(index))
    return 0


if __name__ == "__main__":
    sys.exit(main())
