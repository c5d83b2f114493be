#!/usr/bin/env python3
"""Differential test data for stale and missing locks: cargo's answer after it refreshes the lock.

  python3 scripts/lock-drift/generate.py [--registry-root DIR] [--out fixtures/lock-drift] [suite ...]

Drift cases: the workspace is locked with a "before" manifest, the manifest is edited to "after", and the old lock is
kept (committed as Cargo.lock). No-lock cases: a library with no Cargo.lock at all (none is committed). In both, the
truth is cargo's answer after `cargo generate-lockfile` on the "after" manifests (cargo tree per member, feature mode
and edge set, exactly as scripts/cargo-oracle/generate.py computes it); the refreshed lock is kept beside it as
cargo-refreshed.lock for reference. registry/<name>-<version>/Cargo.toml holds every crate either lock names, so the
test needs neither cargo nor network. Registries: scripts/lib/debian-crates.sh, built once under --registry-root.
"""
import argparse, json, re, shutil, sys, tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "cargo-oracle"))
import generate as oracle  # noqa: E402  (dep, quiet, run, findings_for, write_case, registry_index, TARGET)

# Crates per suite: the TLS crates of the cargo oracle, plus (where the suite has two lines of one crate) the
# requirement a drift case moves from, so that the lock's version no longer satisfies the manifest.
CRATES = {
    "bookworm": [c for c in oracle.CRATES["bookworm"] if c["name"] in ("reqwest", "ureq", "oauth2", "curl")],
    "trixie": [dict(c, older="0.11") if c["name"] == "reqwest" else c for c in oracle.CRATES["trixie"] if c["name"] in ("reqwest", "ureq")],
    "sid": [dict(c, older="0.12") if c["name"] == "reqwest" else c for c in oracle.CRATES["sid"] if c["name"] in ("reqwest", "attohttpc")],
}
DEBIAN = {
    "bookworm": "reqwest ureq oauth2 curl native-tls openssl tokio serde",
    "trixie": "reqwest reqwest-0.11 reqwest-0.12 ureq native-tls openssl tokio-tungstenite octocrab tokio serde",
    "sid": "reqwest reqwest-0.12 ureq native-tls openssl tokio-tungstenite attohttpc tokio serde",
}


def pkg(m, body):
    return f'[package]\nname = "{m}"\nversion = "0.1.0"\nedition = "2021"\n\n{body}'


WS = '[workspace]\nmembers = ["a", "b"]\nresolver = "2"\n'
PLAIN_B = pkg("b", "[dependencies]\n")


def shapes(c):
    """Yields (kind, shape, root manifest, before members or None, after members)."""
    n, name = c["native"], c["name"]
    quiet, default, native = oracle.quiet(c), oracle.dep(c), oracle.dep(c, default=False, features=[n])
    ws = lambda a, b=PLAIN_B: {"a": pkg("a", a), "b": b}
    q = f"[dependencies]\n{name} = {quiet}\n"
    yield "drift", "quiet dependency now takes default features", WS, ws(q), ws(f"[dependencies]\n{name} = {default}\n")
    yield "drift", "quiet dependency now asks for the native feature", WS, ws(q), ws(f"[dependencies]\n{name} = {native}\n")
    yield "drift", "native-tls added, not in the lock", WS, ws(q), ws(q + 'native-tls = "0.2"\n')
    yield "drift", "openssl added, not in the lock", WS, ws(q), ws(q + 'openssl = "0.10"\n')
    yield "drift", "dependency added with default features, not in the lock", WS, ws("[dependencies]\n"), ws(f"[dependencies]\n{name} = {default}\n")
    yield "drift", "dev-dependency with default features added", WS, ws(q), ws(q + f"\n[dev-dependencies]\n{name} = {default}\n")
    yield "drift", "member b (a path dependency of a) now enables the native feature", WS, \
        ws(q + 'b = { path = "../b" }\n', pkg("b", f"[dependencies]\n{name} = {quiet}\n")), \
        ws(q + 'b = { path = "../b" }\n', pkg("b", f"[dependencies]\n{name} = {native}\n"))
    yield "drift", "lock in sync (control)", WS, ws(q), ws(q)
    if c.get("older"):
        older = dict(c, req=c["older"])
        yield "drift", f"requirement moved to {c['older']}: the locked {c['req']} no longer satisfies it", WS, ws(q), ws(f"[dependencies]\n{name} = {oracle.dep(older)}\n")
        yield "drift", f"requirement moved to {c['older']} with rustls: the locked {c['req']} no longer satisfies it", WS, ws(q), ws(f"[dependencies]\n{name} = {oracle.quiet(older)}\n")
    lib = lambda body: {".": pkg("lib", body)}
    yield "no-lock", "library with default features", None, None, lib(f"[dependencies]\n{name} = {default}\n")
    yield "no-lock", "library with rustls chosen", None, None, lib(q)
    yield "no-lock", "library asking for the native feature", None, None, lib(f"[dependencies]\n{name} = {native}\n")
    yield "no-lock", "library with an optional native dependency behind a feature", None, None, \
        lib(f'[dependencies]\n{name} = {oracle.dep(c, features=[n], extra="optional = true")}\n\n[features]\ndefault = []\ntls = ["dep:{name}"]\n')


def cargo_config(ws, registry):
    (ws / ".cargo").mkdir(exist_ok=True)
    (ws / ".cargo" / "config.toml").write_text(f'[source.crates-io]\nreplace-with = "debian"\n[source.debian]\ndirectory = "{registry}"\n[net]\noffline = true\n')


def lock(ws, root, members, registry):
    """Writes the workspace and locks it as cargo does: (Cargo.lock text, None), or (None, cargo's last error line)."""
    oracle.write_case(ws, root, members)
    cargo_config(ws, registry)
    p = oracle.run(["cargo", "generate-lockfile", "--offline"], ws, check=False)
    if p.returncode != 0:
        return None, p.stderr.strip().splitlines()[-1]
    return (ws / "Cargo.lock").read_text(), None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--registry-root", default="/tmp/tls-audit-drift-registry")
    ap.add_argument("--out", default=str(Path(__file__).resolve().parents[2] / "fixtures" / "lock-drift"))
    ap.add_argument("--debian-crates", default=str(Path(__file__).resolve().parents[1] / "lib" / "debian-crates.sh"))
    ap.add_argument("--only", default="", help="comma-separated case names to generate (the live test uses it); registry/ is left alone")
    ap.add_argument("suites", nargs="*", default=list(CRATES))
    args = ap.parse_args()
    cargo_version = oracle.run(["cargo", "--version"], ".").stdout.strip()
    for suite in args.suites:
        registry = Path(args.registry_root) / suite
        if not registry.is_dir() or not any(registry.iterdir()):
            oracle.build_registry([args.debian_crates, suite, str(registry), *DEBIAN[suite].split()])
        out = Path(args.out) / suite
        only = set(filter(None, args.only.split(",")))
        if not only:
            shutil.rmtree(out, ignore_errors=True)
        (out / "cases").mkdir(parents=True, exist_ok=True)
        count, skipped = 0, []
        for c in CRATES[suite]:
            for index, (kind, shape, root, before, after) in enumerate(shapes(c)):
                case_name = f"{kind}-{c['name']}-{index:02d}"
                if only and case_name not in only:
                    continue
                with tempfile.TemporaryDirectory() as tmp:
                    ws = Path(tmp) / case_name
                    old_lock = None
                    if before is not None:
                        old_lock, error = lock(ws, root, before, registry)
                        if error:
                            skipped.append(f"{case_name}: before: {error}")
                            continue
                        shutil.rmtree(ws)
                    refreshed, error = lock(ws, root, after, registry)
                    if error:
                        skipped.append(f"{case_name}: after: {error}")
                        continue
                    meta = json.loads(oracle.run(["cargo", "metadata", "--offline", "--format-version", "1", "--no-deps"], ws).stdout)
                    members = {m["name"] for m in meta["packages"]}
                    # findings_for gives each member's own answer and its build's answer for every local package.
                    answers = {mode: [oracle.findings_for(ws, m, members, mode == "all-features") for m in sorted(members)] for mode in ["default", "all-features"]}
                    expected = {mode: [f for own, _ in answers[mode] for f in own] for mode in answers}
                    builds = {mode: [f for _, build in answers[mode] for f in build] for mode in answers}
                    shutil.rmtree(ws / ".cargo")
                    (ws / "Cargo.lock").unlink()
                    shutil.rmtree(ws / "target", ignore_errors=True)
                    dest = out / "cases" / case_name
                    shutil.copytree(ws, dest)
                    (dest / "cargo-refreshed.lock").write_text(refreshed)
                    if old_lock is not None:
                        (dest / "Cargo.lock").write_text(old_lock)
                    doc = {"suite": suite, "target": oracle.TARGET, "cargo": cargo_version, "kind": kind,
                           "shape": f"{c['name']} {c['req']}: {shape}", "stale": old_lock is not None and old_lock != refreshed,
                           "members": sorted(members), "findings": expected, "buildFindings": builds}
                    (dest / "expected.json").write_text(json.dumps(doc, indent=1) + "\n")
                    count += 1
        if only:
            print(f"{suite}: {count} cases")
            continue
        # Every crate version either lock of any case names: the test's metadata source, and the versions it knows.
        index = oracle.registry_index(registry)
        used = set()
        for lockfile in list((out / "cases").glob("*/Cargo.lock")) + list((out / "cases").glob("*/cargo-refreshed.lock")):
            for m in re.finditer(r'name = "([^"]+)"\nversion = "([^"]+)"\nsource = "registry', lockfile.read_text()):
                used.add((m.group(1), m.group(2)))
        for name, version in sorted(used):
            dst = out / "registry" / f"{name}-{version}"
            dst.mkdir(parents=True, exist_ok=True)
            shutil.copy(index[(name, version)] / "Cargo.toml", dst / "Cargo.toml")
        (out / "SKIPPED.txt").write_text("".join(f"{s}\n" for s in skipped))
        print(f"{suite}: {count} cases, {len(used)} registry manifests, {len(skipped)} skipped")


if __name__ == "__main__":
    main()
