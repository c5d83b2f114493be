"""Generate fixtures/differential/<suite>/ from cases.py with real cargo as the oracle.

  python3 scripts/differential/gen.py [--jobs N] [--keep-going] SUITE...

Expects the suite registry at $DIFF_REGISTRY_DIR/<suite> (generate.sh builds it). Workspaces
are built under $DIFF_BUILD_DIR/<suite>/<case> with a temporary .cargo/config.toml and only the
case files are copied into the repo (never .cargo/ or target/).
"""
from __future__ import annotations

import argparse
import glob
import json
import os
import shutil
import sys
import time
import tomllib
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cases as catalogue  # noqa: E402
import oracle  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
FX = os.path.join(ROOT, "fixtures", "differential")
REG = os.environ.get("DIFF_REGISTRY_DIR", "/tmp/tls-audit-diff-registry")
BUILD = os.environ.get("DIFF_BUILD_DIR", "/tmp/tls-audit-diff-build")
CHECKSUM_MAX_BYTES = 1024  # larger .cargo-checksum.json files are replaced by {"files":{},"package":...}


def copy_case(ws: str, dest: str) -> None:
    if os.path.exists(dest):
        shutil.rmtree(dest)
    for dirpath, dirnames, filenames in os.walk(ws):
        dirnames[:] = sorted(d for d in dirnames if d not in (".cargo", "target"))
        rel = os.path.relpath(dirpath, ws)
        os.makedirs(os.path.join(dest, rel), exist_ok=True)
        for fn in sorted(filenames):
            shutil.copyfile(os.path.join(dirpath, fn), os.path.join(dest, rel, fn))


def run_case(suite: str, case: dict) -> dict:
    ws = os.path.join(BUILD, suite, case["dir"])
    t0 = time.time()
    oracle.write_workspace(case, ws)
    oracle.write_cargo_config(ws, os.path.join(REG, suite))
    oracle.generate_lockfile(ws)
    expected, tree_log = oracle.compute_expected(ws, suite, case["shape"])
    with open(os.path.join(ws, "expected.json"), "w") as f:
        f.write(oracle.dump_json(expected))
    with open(os.path.join(ws, "cargo-tree.txt"), "w") as f:
        f.write(f"# cargo tree answers for {suite}/{case['dir']}: each local package L -> direct dependency D: banned crate under D\n"
                f"# each section: cargo tree -p MEMBER -e EDGES --target {oracle.TARGET} (platform= sections: that triple)"
                f" --no-dedupe --prefix depth --charset ascii [--all-features] --offline\n" + tree_log)
    with open(os.path.join(ws, "Cargo.lock"), "rb") as f:
        lock = tomllib.load(f)
    pkgs = {(p["name"], p["version"]) for p in lock.get("package", []) if p.get("source") == oracle.CRATES_IO}
    copy_case(ws, os.path.join(FX, suite, "cases", case["dir"]))
    return {"dir": case["dir"], "pkgs": pkgs, "expected": expected, "seconds": time.time() - t0}


def registry_index(reg: str) -> dict:
    idx = {}
    for d in sorted(glob.glob(os.path.join(reg, "*"))):
        mf = os.path.join(d, "Cargo.toml")
        if os.path.isfile(mf):
            with open(mf, "rb") as f:
                p = tomllib.load(f)["package"]
            idx[(p["name"], p["version"])] = d
    return idx


TARGET_DIRS = {"bin": "src/bin"}  # [[example]]/[[test]]/[[bench]] files are not needed by cargo tree (verified)


def target_stubs(m: dict, src: str) -> list[str]:
    """Relative paths of target files cargo needs to see for this manifest (those present in src)."""
    cands = [m.get("lib", {}).get("path", "src/lib.rs")]
    build = m["package"].get("build")
    if isinstance(build, str):
        cands.append(build)
    elif build is None:
        cands.append("build.rs")
    for kind, d in TARGET_DIRS.items():
        for t in m.get(kind, []):
            if "path" in t:
                cands.append(t["path"])
                continue
            n = t.get("name", "")
            cands += [f"{d}/{n}.rs", f"{d}/{n}/main.rs"]
            if kind == "bin":
                cands.append("src/main.rs")
    out = []
    for c in cands:
        if c not in out and os.path.isfile(os.path.join(src, c)):
            out.append(c)
    return out


def locked_registry_packages(suite: str) -> set:
    pkgs = set()
    for lock in glob.glob(os.path.join(FX, suite, "cases", "*", "Cargo.lock")):
        with open(lock, "rb") as f:
            pkgs |= {(p["name"], p["version"]) for p in tomllib.load(f).get("package", [])
                     if p.get("source") == oracle.CRATES_IO}
    return pkgs


def write_registry_subset(suite: str, pkgs: set) -> int:
    """Commit Cargo.toml + .cargo-checksum.json (+ empty target stubs) of every locked crate version."""
    out = os.path.join(FX, suite, "registry")
    if os.path.exists(out):
        shutil.rmtree(out)
    os.makedirs(out)
    idx = registry_index(os.path.join(REG, suite))
    for name, version in sorted(pkgs):
        src = idx[(name, version)]
        dst = os.path.join(out, f"{name}-{version}")
        os.makedirs(dst)
        shutil.copyfile(os.path.join(src, "Cargo.toml"), os.path.join(dst, "Cargo.toml"))
        ck_path = os.path.join(src, ".cargo-checksum.json")
        if os.path.getsize(ck_path) <= CHECKSUM_MAX_BYTES:
            shutil.copyfile(ck_path, os.path.join(dst, ".cargo-checksum.json"))
        else:
            with open(ck_path) as f:
                pkg_sum = json.load(f).get("package")
            with open(os.path.join(dst, ".cargo-checksum.json"), "w") as f:
                f.write(json.dumps({"files": {}, "package": pkg_sum}, separators=(",", ":")))
        # Cargo infers target paths from files: a manifest with no explicit [lib] path / build key
        # (older normalised manifests, common in bookworm) or a [[bin]] without path is rejected
        # when the file is missing (no lib target, `links` without build script, "can't find bin").
        # Empty stand-ins for exactly those files suffice for `cargo tree`/`cargo metadata`;
        # no source code is committed.
        with open(os.path.join(src, "Cargo.toml"), "rb") as f:
            m = tomllib.load(f)
        for stub in target_stubs(m, src):
            p = os.path.join(dst, stub)
            os.makedirs(os.path.dirname(p), exist_ok=True)
            open(p, "w").close()
    return len(pkgs)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("suites", nargs="+")
    ap.add_argument("--jobs", type=int, default=int(os.environ.get("DIFF_JOBS", "3")))
    ap.add_argument("--keep-going", action="store_true", help="report all failing cases, then exit 1")
    ap.add_argument("--registry-only", action="store_true",
                    help="only rewrite <suite>/registry from the committed lockfiles")
    args = ap.parse_args()
    if args.registry_only:
        for suite in args.suites:
            print(f"{suite}: {write_registry_subset(suite, locked_registry_packages(suite))} registry crate versions")
        return 0
    os.environ.setdefault("CARGO_HOME", os.path.join(REG, "cargo-home"))
    os.makedirs(os.environ["CARGO_HOME"], exist_ok=True)
    status = 0
    for suite in args.suites:
        t0 = time.time()
        all_cases = catalogue.cases_for(suite)
        cases_dir = os.path.join(FX, suite, "cases")
        if os.path.exists(cases_dir):
            shutil.rmtree(cases_dir)
        os.makedirs(cases_dir)
        shutil.rmtree(os.path.join(BUILD, suite), ignore_errors=True)
        results, failures = [], []

        def job(c):
            try:
                return run_case(suite, c)
            except Exception as e:  # noqa: BLE001
                if not args.keep_going:
                    raise
                failures.append((c["dir"], str(e)))
                return None

        with ThreadPoolExecutor(max_workers=args.jobs) as ex:
            for r in ex.map(job, all_cases):
                if r:
                    results.append(r)
                    print(f"  {suite}/{r['dir']}: {sum(len(v) for v in r['expected']['findings'].values())} findings"
                          f" ({r['seconds']:.1f}s)", flush=True)
        for d, e in failures:
            print(f"FAILED {suite}/{d}: {e}", file=sys.stderr)
            status = 1
        if failures:
            continue
        pkgs = set().union(*(r["pkgs"] for r in results))
        n = write_registry_subset(suite, pkgs)
        index = [{"case": r["dir"], "shape": r["expected"]["shape"], "members": r["expected"]["members"],
                  "findings": {m: len(v) for m, v in r["expected"]["findings"].items()},
                  "buildFindings": {m: len(v) for m, v in r["expected"]["buildFindings"].items()}} for r in results]
        with open(os.path.join(FX, suite, "index.json"), "w") as f:
            f.write(oracle.dump_json({"suite": suite, "cargo": oracle.cargo_version(), "cases": index}))
        print(f"{suite}: {len(results)} cases, {n} registry crate versions, {time.time() - t0:.0f}s", flush=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
