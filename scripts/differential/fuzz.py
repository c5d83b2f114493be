"""Random workspaces against real cargo: lock each, ask `cargo tree` (oracle.py) and tls-audit, compare.

  python3 scripts/differential/fuzz.py SUITE [--seed N] [--count K] [--jobs J] [--registry DIR] [--keep DIR] [--drift]

The workspaces come from random_cases.py. The registry is the suite's committed directory source
(fixtures/differential/<suite>/registry) unless --registry names another (a full Debian one from generate.sh
reaches more feature combinations). For each workspace that cargo can lock, the oracle's per-build answer
(buildFindings, both feature modes; platformFindings for three targets when a manifest has target tables) is
compared with the findings of `node bin/tls-audit.js -f json` exactly as test/resolve/builds.test.ts compares
the committed cases: every (package, dependency, banned crate) at its narrowest scope, and the builds named.
A case that differs is written to --keep (default /tmp/tls-audit-fuzz-keep) with expected.json and the case as
data (case.json); `python3 scripts/differential/adopt.py KEPT_DIR...` commits it as a regression case once tls-audit
is fixed. Exits 1 when any case differs.

--drift: each workspace is locked, then edited (random_cases.drifted_case: dependencies added or removed, native
features asked for, default features switched, path dependencies added, sometimes the lock deleted) with the old
lock kept. tls-audit reads that stale lock and must refresh it as cargo does; cargo's answer is taken after its own
refresh (cargo tree without --locked). A kept drift case also holds before.json and cargo-refreshed.lock.

Needs cargo, python3 >= 3.11 and a built tls-audit (npm run build); no network.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import tomllib
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import oracle  # noqa: E402
from random_cases import drifted_case, feature_names, random_case  # noqa: E402

ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
RANK = {"normal": 0, "build": 1, "dev": 2}
# the committed cases' feature modes, and --no-default-features (tls-audit's flag as cargo's)
FUZZ_MODES = [*oracle.MODES, "no-default-features"]


def audit(ws: str, mode: str, target: str, home: str, resolution_wanted: str) -> list[dict]:
    args = ["node", os.path.join(ROOT, "bin", "tls-audit.js"), "-f", "json", "--no-cache", "--target", target]
    args += oracle.mode_flags(mode)
    env = dict(os.environ, CARGO_HOME=home, TLS_AUDIT_NO_CACHE="1")
    r = subprocess.run([*args, ws], capture_output=True, text=True, env=env)
    if r.returncode not in (0, 1):
        raise RuntimeError(f"tls-audit exited {r.returncode}: {r.stderr.strip()}")
    report = json.loads(r.stdout)
    resolution = {w["resolution"] for w in report["workspaces"]}
    if resolution != {resolution_wanted}:
        raise RuntimeError(f"tls-audit resolution {sorted(resolution)}, not {resolution_wanted}: {r.stderr.strip()}")
    return [f for f in report["findings"] if f["ruleId"] == "no-native-tls"]


def folded(build_findings: list[dict]) -> dict:
    """Cargo's per-build answers as findings: (package, dependency, version, banned) -> narrowest scope, builds."""
    out: dict = {}
    for f in build_findings:
        key = (f["package"], f["dependency"], f["dependencyVersion"], f["banned"])
        entry = out.setdefault(key, {"scope": f["scope"], "builds": {}})
        if RANK[f["scope"]] < RANK[entry["scope"]]:
            entry["scope"] = f["scope"]
        known = entry["builds"].get(f["build"])
        if known is None or RANK[f["scope"]] < RANK[known]:
            entry["builds"][f["build"]] = f["scope"]
    return out


def compare(ws: str, expected: dict, home: str, resolution: str = "exact") -> list[str]:
    """resolution: what tls-audit must say it did ("unlocked" when the workspace has no Cargo.lock)."""
    problems = []
    for mode in expected["buildFindings"]:
        want = folded(expected["buildFindings"][mode])
        findings = audit(ws, mode, oracle.TARGET, home, resolution)
        ours = sorted(f"{f['member']} -> {f['dependency']} {f['dependencyVersion']} -> {b} [{f['scope']}]" for f in findings for b in f["reaches"])
        theirs = sorted(f"{k[0]} -> {k[1]} {k[2]} -> {k[3]} [{e['scope']}]" for k, e in want.items())
        if ours != theirs:
            missing = sorted(set(theirs) - set(ours))
            extra = sorted(set(ours) - set(theirs))
            problems.append(f"{mode}: cargo has, tls-audit lacks {missing}; tls-audit has, cargo lacks {extra}")
            continue
        for f in findings:
            builds = set()
            for b in f["reaches"]:
                for build, scope in want[(f["member"], f["dependency"], f["dependencyVersion"], b)]["builds"].items():
                    if RANK[scope] <= RANK[f["scope"]]:
                        builds.add(build)
            if f.get("builds", []) != sorted(builds):
                problems.append(f"{mode}: {f['member']} -> {f['dependency']}: builds {f.get('builds')} against cargo's {sorted(builds)}")
    for target, want_list in (expected.get("platformFindings") or {}).items():
        want = sorted({f"{f['package']} -> {f['dependency']} {f['dependencyVersion']} -> {f['banned']}" for f in want_list})
        findings = audit(ws, "default", target, home, resolution)
        ours = sorted({f"{f['member']} -> {f['dependency']} {f['dependencyVersion']} -> {b}" for f in findings if f["scope"] == "normal" for b in f["reaches"]})
        if ours != want:
            problems.append(f"--target {target}: cargo {want}, tls-audit {ours}")
    return problems


def registry_crates(registry: str) -> frozenset[str]:
    """Crate names of a directory source (`<name>-<version>` directories)."""
    return frozenset(d.rsplit("-", 1)[0] if "+" not in d else d.split("+")[0].rsplit("-", 1)[0] for d in os.listdir(registry))


def locked_packages(ws: str, registry_only: bool = False) -> set[tuple[str, str]]:
    """(name, version) of every package in the workspace's Cargo.lock (none without one); registry_only: with a source."""
    path = os.path.join(ws, "Cargo.lock")
    if not os.path.exists(path):
        return set()
    with open(path, "rb") as f:
        return {(p["name"], p["version"]) for p in tomllib.load(f).get("package", []) if not registry_only or "source" in p}


def modes_for(case: dict, seed: int, index: int) -> list[str]:
    """FUZZ_MODES, and `-F F` for one feature F some member declares (tls-audit applies a plain -F name to the members
    that have it, as `cargo build -p M -F F` for those). Not under cargo's old command-line behaviour (resolver 1 with
    a root package), where -F names the root package's features."""
    members = [m for m in case["members"] if m.get("listed", True)]
    root = next((m for m in members if m.get("path") == "."), None)
    if root is not None and root.get("edition") in ("2015", "2018"):
        return FUZZ_MODES
    names = {name for m in members for name in feature_names(m)}
    if not names:
        return FUZZ_MODES
    return [*FUZZ_MODES, f"features:{random.Random(f'features/{seed}/{index}').choice(sorted(names))}"]


class Refused(Exception):
    """cargo refused the workspace (a crate the registry lacks, an edit cargo rejects): skipped, not compared."""


def refused_reason(error: Exception) -> str:
    return next((line for line in str(error).splitlines() if "error" in line), "cargo refused it").strip()


def prepare(suite: str, seed: int, index: int, registry: str, work: str, drift: bool) -> dict:
    """Draws the case, writes and locks it, and asks cargo. -> {case, before, what, ws (cargo's, refreshed), audited
    (what tls-audit reads: the stale copy for drift), expected, tree_log, relocked}. Raises Refused."""
    available = registry_crates(registry)
    if drift:
        before, case, what = drifted_case(suite, seed, index, available)
    else:
        before, case, what = None, random_case(suite, seed, index, available), ""
    ws = os.path.join(work, case["slug"])
    oracle.write_workspace(before or case, ws)
    oracle.write_cargo_config(ws, registry)
    try:
        oracle.generate_lockfile(ws)
    except RuntimeError as e:
        raise Refused(refused_reason(e)) from e
    audited = ws
    if before is not None:
        # The edit: new manifests over the old lock (or none). tls-audit reads a copy made before cargo refreshes
        # the lock; cargo's answer is the one after its own refresh (cargo tree without --locked).
        with open(os.path.join(ws, "Cargo.lock")) as f:
            old_lock = f.read()
        oracle.write_workspace(case, ws)
        oracle.write_cargo_config(ws, registry)
        if "no lock" not in what:
            with open(os.path.join(ws, "Cargo.lock"), "w") as f:
                f.write(old_lock)
        audited = os.path.join(work, f"{case['slug']}-stale")
        if os.path.exists(audited):
            shutil.rmtree(audited)
        shutil.copytree(ws, audited)
    try:
        # cargo's refresh first: compute_expected reads the lock to decide whether cargo tree is needed at all.
        if not os.path.exists(os.path.join(ws, "Cargo.lock")):
            oracle.generate_lockfile(ws)
        elif before is not None:
            oracle.refresh_lock(ws)
        expected, tree_log = oracle.compute_expected(ws, suite, case["shape"], modes=modes_for(case, seed, index))
    except RuntimeError as e:
        raise Refused(refused_reason(e)) from e
    relocked = before is not None and locked_packages(audited) != locked_packages(ws)
    return {"case": case, "before": before, "what": what, "ws": ws, "audited": audited, "expected": expected,
            "tree_log": tree_log, "relocked": relocked}


def keep_case(prepared: dict, dest: str) -> None:
    """Writes what tls-audit read (the stale lock for drift), cargo's answer, its log, and the case as data."""
    case, expected = prepared["case"], prepared["expected"]
    if os.path.exists(dest):
        shutil.rmtree(dest)
    shutil.copytree(prepared["audited"], dest, ignore=shutil.ignore_patterns(".cargo", "target"))
    with open(os.path.join(dest, "expected.json"), "w") as f:
        f.write(oracle.dump_json(expected))
    with open(os.path.join(dest, "cargo-tree.txt"), "w") as f:
        f.write(f"# {expected['cargo']}\n# {case['shape']}\n{prepared['tree_log']}")
    # The case as data: adopt.py makes it a committed regression case (regressions.json, through cases.py).
    with open(os.path.join(dest, "case.json"), "w") as f:
        f.write(oracle.dump_json(case))
    if prepared["before"] is not None:
        with open(os.path.join(dest, "before.json"), "w") as f:
            f.write(oracle.dump_json(prepared["before"]))
        shutil.copyfile(os.path.join(prepared["ws"], "Cargo.lock"), os.path.join(dest, "cargo-refreshed.lock"))


def run(suite: str, seed: int, index: int, registry: str, work: str, keep: str, drift: bool) -> tuple[str, str, bool]:
    """-> (outcome, text, whether cargo's refresh changed the locked packages: drift cases only)."""
    try:
        prepared = prepare(suite, seed, index, registry, work, drift)
    except Refused as e:
        slug = f"{'drift' if drift else 'random'}-{seed}-{index:03d}"
        return "skipped", f"{slug}: {e}", False
    case, expected, relocked = prepared["case"], prepared["expected"], prepared["relocked"]
    home = os.path.join(work, f"{case['slug']}-home")
    os.makedirs(home, exist_ok=True)
    try:
        problems = compare(prepared["audited"], expected, home, "unlocked" if "no lock" in prepared["what"] else "exact")
    except RuntimeError as e:
        problems = [str(e)]
    if not problems:
        found = any(expected["buildFindings"].values())
        return ("agreed" if found else "agreed-clean"), case["slug"], relocked
    dest = os.path.join(keep, suite, "cases", case["slug"])
    keep_case(prepared, dest)
    return "differs", f"{case['slug']} ({case['shape']}):\n    " + "\n    ".join(problems) + f"\n    kept in {dest}", relocked


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("suite", choices=["bookworm", "trixie", "sid"])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, default=50)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--registry")
    ap.add_argument("--drift", action="store_true", help="edit each workspace after locking it and keep the stale lock")
    ap.add_argument("--keep", default=os.path.join(tempfile.gettempdir(), "tls-audit-fuzz-keep"))
    args = ap.parse_args()
    registry = os.path.abspath(args.registry or os.path.join(ROOT, "fixtures", "differential", args.suite, "registry"))
    if shutil.which(os.environ.get("CARGO", "cargo")) is None:
        print("fuzz.py: cargo is not installed", file=sys.stderr)
        return 2
    if not os.path.exists(os.path.join(ROOT, "dist", "cli")):
        print("fuzz.py: build tls-audit first (npm run build)", file=sys.stderr)
        return 2
    counts = {"agreed": 0, "agreed-clean": 0, "skipped": 0, "differs": 0}
    relocks = 0
    with tempfile.TemporaryDirectory(prefix="tls-audit-fuzz-") as work:
        with ThreadPoolExecutor(max_workers=args.jobs) as pool:
            jobs = [pool.submit(run, args.suite, args.seed, i, registry, work, args.keep, args.drift) for i in range(args.count)]
            for job in jobs:
                outcome, text, relocked = job.result()
                counts[outcome] += 1
                relocks += relocked
                if outcome not in ("agreed", "agreed-clean"):
                    print(f"{outcome}: {text}", flush=True)
    print(f"{args.suite} seed {args.seed}: {args.count} workspaces; cargo and tls-audit agree on "
          f"{counts['agreed'] + counts['agreed-clean']} ({counts['agreed']} where cargo builds a banned crate), "
          f"differ on {counts['differs']}; {counts['skipped']} not lockable with this registry"
          + (f"; cargo's refresh changed the locked packages in {relocks}" if args.drift else ""))
    return 1 if counts["differs"] else 0


if __name__ == "__main__":
    sys.exit(main())
