#!/usr/bin/env python3
"""Cargo as the judge of `tls-audit --write`, on the differential cases.

  python3 scripts/cargo-oracle/judge-fixes.py [--registry-root DIR] [--only PREFIX] [--record] suite ...

For each case: copy it, let tls-audit resolve it from the committed registry manifests and `--write` its fixes,
then point cargo at the Debian registry and check that
  1. cargo accepts every written manifest (`cargo generate-lockfile --offline`);
  2. for every finding tls-audit called fixable, `cargo tree -p M -e normal --target x86_64-unknown-linux-gnu
     -i <banned>` no longer lists that dependency (banned crates gone from that path);
  3. the features cargo enabled on the fixed crate before, other than native-TLS ones, are still enabled.
Prints one line per case and exits 1 on any failure. With --record, writes fix-judgement.json per suite.
"""
import argparse, json, re, shutil, subprocess, sys, tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TARGET = "x86_64-unknown-linux-gnu"
NATIVE = re.compile(r"native|openssl|opentls|default-tls|^tls$|https|ssl|^hyper-tls$|^default$")  # features that belong to native TLS, or `default` itself (turned off on purpose; its other members are re-added)


def run(cmd, cwd, check=True):
    p = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    if check and p.returncode not in (0, 1):
        raise RuntimeError(f"{' '.join(cmd)}: {p.stderr[-1500:]}")
    return p


def point_at(ws, directory):
    (ws / ".cargo").mkdir(exist_ok=True)
    (ws / ".cargo" / "config.toml").write_text(f'[source.crates-io]\nreplace-with = "r"\n[source.r]\ndirectory = "{directory}"\n[net]\noffline = true\n')


def features_of(ws, member, crate):
    """Features cargo enables on `crate` in member's normal build (from `cargo tree -e features`)."""
    p = run(["cargo", "tree", "--offline", "-p", member, "-e", "normal,features", "--target", TARGET, "-i", crate, "--prefix", "none", "--charset", "ascii"], ws, check=False)
    return sorted(set(re.findall(rf'^{re.escape(crate)} feature "([^"]+)"', p.stdout, re.M)))


def reaches(ws, member, dependency, banned):
    p = run(["cargo", "tree", "--offline", "-p", member, "-e", "normal", "--target", TARGET, "-i", banned, "--prefix", "depth", "--charset", "ascii"], ws, check=False)
    return any(re.match(rf"^\d+{re.escape(dependency)} v", line) for line in p.stdout.splitlines())


def judge(case, suite, registry):
    with tempfile.TemporaryDirectory() as tmp:
        ws = Path(tmp) / case.name
        shutil.copytree(case, ws)
        (ws / "expected.json").unlink()
        point_at(ws, REPO / "fixtures" / "cargo-oracle" / suite / "registry")
        audit = run(["node", str(REPO / "bin" / "tls-audit.js"), "--format", "json", "--target", TARGET, "."], ws)
        before = json.loads(audit.stdout)
        fixable = [f for f in before["findings"] if f["fix"] and f["fix"]["fixable"] and f["scope"] == "normal"]
        point_at(ws, registry)
        features_before = {(f["member"], f["dependency"]): features_of(ws, f["member"], f["dependency"]) for f in fixable}
        point_at(ws, REPO / "fixtures" / "cargo-oracle" / suite / "registry")
        write = run(["node", str(REPO / "bin" / "tls-audit.js"), "--write", "--format", "json", "--target", TARGET, "."], ws)
        point_at(ws, registry)
        lock = run(["cargo", "generate-lockfile", "--offline"], ws, check=False)
        verdict = {"case": case.name, "fixable": len(fixable), "unfixable": len(before["findings"]) - len(fixable), "problems": []}
        if lock.returncode != 0:
            verdict["problems"].append(f"cargo rejects the written manifests: {lock.stderr.strip().splitlines()[-1]}")
            return verdict
        for f in fixable:
            for banned in f["reaches"]:
                if reaches(ws, f["member"], f["dependency"], banned):
                    verdict["problems"].append(f"{f['member']} -> {f['dependency']} still reaches {banned}")
            lost = [x for x in features_before[(f["member"], f["dependency"])] if not NATIVE.search(x) and x not in features_of(ws, f["member"], f["dependency"])]
            if lost:
                verdict["problems"].append(f"{f['member']} -> {f['dependency']} lost features {lost}")
        return verdict


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--registry-root", default="/tmp/tls-audit-oracle-registry")
    ap.add_argument("--only", default="")
    ap.add_argument("--record", action="store_true")
    ap.add_argument("suites", nargs="+")
    args = ap.parse_args()
    failed = 0
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from generate import CRATES, build_registry  # the same crates the cases were generated from
    for suite in args.suites:
        registry = Path(args.registry_root) / suite
        if not registry.is_dir() or not any(registry.iterdir()):
            tool = REPO / "scripts" / "lib" / "debian-crates.sh"
            build_registry([str(tool), suite, str(registry), *[c["name"] for c in CRATES[suite]], "tokio", "serde"])
        results = []
        for case in sorted((REPO / "fixtures" / "cargo-oracle" / suite / "cases").iterdir()):
            if not case.name.startswith(args.only):
                continue
            v = judge(case, suite, registry)
            results.append(v)
            failed += bool(v["problems"])
            print(f"{suite}/{v['case']}: {v['fixable']} fixable, {v['unfixable']} not; {'OK' if not v['problems'] else 'FAIL ' + '; '.join(v['problems'])}")
        if args.record:
            summary = {"cases": len(results), "fixableFindings": sum(r["fixable"] for r in results), "unfixableFindings": sum(r["unfixable"] for r in results), "failures": [r for r in results if r["problems"]], "results": results}
            (REPO / "fixtures" / "cargo-oracle" / suite / "fix-judgement.json").write_text(json.dumps(summary, indent=1) + "\n")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
