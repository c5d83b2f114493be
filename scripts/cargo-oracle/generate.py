#!/usr/bin/env python3
"""Differential test data: small Cargo workspaces resolved by real cargo against Debian-packaged crates.

  python3 scripts/cargo-oracle/generate.py [--registry-root DIR] [--out fixtures/cargo-oracle] [suite ...]

For every case this writes the workspace (manifests, a tiny src/lib.rs, the Cargo.lock cargo generated),
expected.json with cargo's answer, and, once per suite, registry/<name>-<version>/Cargo.toml for every crate
the locks use, so the tests run with neither cargo nor network. The registries themselves are built with
scripts/lib/debian-crates.sh (see --registry-root); nothing from them but those manifests is committed.

cargo's answer: for each member M, feature mode (default, --all-features) and edge set (normal;
normal,build; normal,build,dev), `cargo tree -p M -e <edges> --target x86_64-unknown-linux-gnu --no-dedupe
--prefix depth`. The scope of an answer is the narrowest edge set in which it holds.
- findings: a direct dependency D of M reaches banned crate B when B appears in D's subtree. Direct
  dependencies that are workspace members are skipped here: their own findings are computed at their own
  manifests (as tls-audit reported them before issue 13).
- buildFindings (issue 13: the unit is a build): every local package L in M's build (M, another member, a path
  package) with a direct registry dependency D whose subtree has B: the lines of L in `cargo tree -p M -i B`
  whose parent is D. L = M gives back findings.
- platformFindings, for cases with a [target.*] table: the same with default features and normal edges for
  x86_64-unknown-linux-gnu, aarch64-apple-darwin and x86_64-pc-windows-msvc, without scope.
Runs that cannot change the answer are skipped (narrower edge sets after an empty or equal widest one;
--all-features for a member without features).
"""
import argparse, json, os, re, shutil, subprocess, sys, tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "differential"))
import oracle  # noqa: E402  the tree parsing and walking shared with the catalogue generator

BANNED = ["native-tls", "openssl", "openssl-sys"]
TARGET = "x86_64-unknown-linux-gnu"
PLATFORMS = [TARGET, "aarch64-apple-darwin", "x86_64-pc-windows-msvc"]
EDGES = [("normal", "normal"), ("build", "normal,build"), ("dev", "normal,build,dev")]

# Per suite: the TLS-capable crates, their version requirement, native feature N and rustls feature R
# (None when the crate has no rustls option), read from the Debian manifests of that suite.
CRATES = {
    "bookworm": [
        {"name": "reqwest", "req": "0.11", "native": "native-tls", "rustls": "rustls-tls"},
        {"name": "ureq", "req": "2.6", "native": "native-tls", "rustls": "tls"},
        {"name": "curl", "req": "0.4", "native": "ssl", "rustls": None},
        {"name": "git2", "req": "0.16", "native": "https", "rustls": None},
        {"name": "oauth2", "req": "4.3", "native": "native-tls", "rustls": "rustls-tls"},
    ],
    "trixie": [
        {"name": "reqwest", "req": "0.12", "native": "native-tls", "rustls": "rustls-tls"},
        {"name": "tokio-tungstenite", "req": "0.24", "native": "native-tls", "rustls": "rustls-tls-native-roots"},
        {"name": "ureq", "req": "3", "native": "native-tls", "rustls": "rustls"},
        {"name": "octocrab", "req": "0.43", "native": "opentls", "rustls": "rustls"},
    ],
    "sid": [
        {"name": "reqwest", "req": "0.13", "native": "native-tls", "rustls": "rustls"},
        {"name": "ureq", "req": "3", "native": "native-tls", "rustls": "rustls"},
        {"name": "redis", "req": "*", "native": "tokio-native-tls-comp", "rustls": "tokio-rustls-comp"},
        {"name": "attohttpc", "req": "*", "native": "tls-native", "rustls": "tls-rustls"},
    ],
}


def dep(c, default=True, features=(), extra=""):
    parts = [f'version = "{c["req"]}"']
    if not default:
        parts.append("default-features = false")
    if features:
        parts.append("features = [" + ", ".join(f'"{f}"' for f in features) + "]")
    if extra:
        parts.append(extra)
    return "{ " + ", ".join(parts) + " }"


def quiet(c):
    """A declaration that selects no TLS at all, or rustls."""
    return dep(c, default=False, features=[c["rustls"]] if c["rustls"] else [])


def shapes(c, suite):
    """Yields (shape description, root manifest, {member: manifest}) for one crate."""
    n, name = c["native"], c["name"]
    pkg = lambda m, body, edition="2021", extra="": f'[package]\nname = "{m}"\nversion = "0.1.0"\nedition = "{edition}"\n{extra}\n{body}'
    ws = lambda resolver, more="": f'[workspace]\nmembers = ["a", "b"]\nresolver = "{resolver}"\n{more}'
    plain_b = pkg("b", "[dependencies]\n")
    yield "default features", ws("2"), {"a": pkg("a", f"[dependencies]\n{name} = {dep(c)}\n"), "b": plain_b}
    yield "no default features, rustls chosen", ws("2"), {"a": pkg("a", f"[dependencies]\n{name} = {quiet(c)}\n"), "b": plain_b}
    yield "explicit native feature", ws("2"), {"a": pkg("a", f"[dependencies]\n{name} = {dep(c, default=False, features=[n])}\n"), "b": plain_b}
    for resolver in ["1", "2"]:
        yield f"resolver {resolver}: quiet normal dep, default-features dev-dependency", ws(resolver), {
            "a": pkg("a", f"[dependencies]\n{name} = {quiet(c)}\n\n[dev-dependencies]\n{name} = {dep(c)}\n"), "b": plain_b}
        yield f"resolver {resolver}: quiet normal dep, native build-dependency", ws(resolver), {
            "a": pkg("a", f"[dependencies]\n{name} = {quiet(c)}\n\n[build-dependencies]\n{name} = {dep(c, features=[n])}\n"), "b": plain_b}
        yield f"resolver {resolver}: quiet normal dep, native windows-only dep", ws(resolver), {
            "a": pkg("a", f"[dependencies]\n{name} = {quiet(c)}\n\n[target.'cfg(windows)'.dependencies]\n{name} = {dep(c, features=[n])}\n"), "b": plain_b}
        yield f"resolver {resolver}: native unix-only dep", ws(resolver), {
            "a": pkg("a", f"[target.'cfg(unix)'.dependencies]\n{name} = {dep(c, features=[n])}\n"), "b": plain_b}
        yield f"resolver {resolver}: member b enables a native feature on a's quiet dep through a path dep", ws(resolver), {
            "a": pkg("a", f'[dependencies]\n{name} = {quiet(c)}\nb = {{ path = "../b", features = ["native"] }}\n'),
            "b": pkg("b", f'[dependencies]\n{name} = {quiet(c)}\n\n[features]\nnative = ["{name}/{n}"]\n')}
    yield "member feature forwards the native feature (only with --all-features)", ws("2"), {
        "a": pkg("a", f'[dependencies]\n{name} = {quiet(c)}\n\n[features]\nnative = ["{name}/{n}"]\n'), "b": plain_b}
    yield "optional dependency enabled by the member's defaults", ws("2"), {
        "a": pkg("a", f'[dependencies]\n{name} = {dep(c, features=[n], extra="optional = true")}\n\n[features]\ndefault = ["tls"]\ntls = ["dep:{name}"]\n'), "b": plain_b}
    yield "optional dependency as an implicit feature, off by default", ws("2"), {
        "a": pkg("a", f'[dependencies]\n{name} = {dep(c, features=[n], extra="optional = true")}\n\n[features]\ndefault = []\n'), "b": plain_b}
    yield "weak feature without the dependency", ws("2"), {
        "a": pkg("a", f'[dependencies]\n{name} = {dep(c, default=False, extra="optional = true")}\n\n[features]\ndefault = ["tls"]\ntls = ["{name}?/{n}"]\nhttp = ["dep:{name}"]\n'), "b": plain_b}
    yield "weak feature with the dependency enabled", ws("2"), {
        "a": pkg("a", f'[dependencies]\n{name} = {dep(c, default=False, extra="optional = true")}\n\n[features]\ndefault = ["tls", "http"]\ntls = ["{name}?/{n}"]\nhttp = ["dep:{name}"]\n'), "b": plain_b}
    renamed = dep(c, features=[n], extra='package = "%s"' % name)
    yield "renamed dependency", ws("2"), {"a": pkg("a", f"[dependencies]\nhttp = {renamed}\n"), "b": plain_b}
    yield "workspace inheritance with an added native feature", ws("2", f"\n[workspace.dependencies]\n{name} = {quiet(c)}\n"), {
        "a": pkg("a", f'[dependencies]\n{name} = {{ workspace = true, features = ["{n}"] }}\n'), "b": pkg("b", f"[dependencies]\n{name}.workspace = true\n")}
    yield "workspace inheritance of default features", ws("2", f"\n[workspace.dependencies]\n{name} = \"{c['req']}\"\n"), {
        "a": pkg("a", f"[dependencies]\n{name} = {{ workspace = true }}\n"), "b": plain_b}
    yield "edition 2024 (resolver 3): quiet normal dep, default dev-dependency", f'[workspace]\nmembers = ["a", "b"]\nresolver = "3"\n', {
        "a": pkg("a", f"[dependencies]\n{name} = {quiet(c)}\n\n[dev-dependencies]\n{name} = {dep(c)}\n", edition="2024"), "b": pkg("b", "[dependencies]\n", edition="2024")}
    yield "root package that is also the workspace, resolver from edition 2021", None, {
        ".": pkg("root", f'[dependencies]\n{name} = {dep(c, features=[n])}\nb = {{ path = "b" }}\n', extra="") + '\n[workspace]\nmembers = ["b"]\n',
        "b": pkg("b", f"[dependencies]\n{name} = {dep(c)}\n")}


def run(cmd, cwd, check=True):
    p = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    if check and p.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed in {cwd}:\n{p.stderr[-2000:]}")
    return p


def build_registry(cmd):
    """Runs debian-crates; its exit 3 (no apt, no archive key, archive unreachable) becomes ours, so callers skip."""
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode == 3:
        sys.stderr.write(p.stderr)
        sys.exit(3)
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{p.stderr[-2000:]}")




def tree_lines(ws, member, edges, all_features, target=TARGET):
    """(depth, name, version, source) per line of cargo's full, undeduplicated tree of member's build."""
    cmd = ["cargo", "tree", "--offline", "-p", member, "-e", edges, "--target", target, "--no-dedupe", "--prefix", "depth", "--charset", "ascii"]
    if all_features:
        cmd.append("--all-features")
    return oracle.parse_tree(run(cmd, ws).stdout)


def build_edges(lines):
    """(L, D, D version, B): a local package L depends directly on the registry package D, which reaches B."""
    return {(l, d, v, b) for l, d, v, d_local, b in oracle.reach_edges(lines) if not d_local}


def findings_for(ws, member, member_names, all_features):
    """(member, dependency, version, banned, scope) tuples from cargo tree's full, undeduplicated tree, and the
    build's (L, dependency, version, banned, scope) tuples for every local package L in it."""
    per_scope = {}
    # widest first: more edge kinds only add features and edges, so an empty widest answer empties the narrower
    # ones, and normal,build is only needed when the widest answer has more than the normal one
    for scope, edges in [EDGES[2], EDGES[0], EDGES[1]]:
        if scope != "dev" and not per_scope["dev"][1]:
            per_scope[scope] = (set(), set())
            continue
        if scope == "build" and all(w <= n for w, n in zip(per_scope["dev"], per_scope["normal"])):
            per_scope[scope] = per_scope["normal"]
            continue
        lines = tree_lines(ws, member, edges, all_features)
        direct, found = None, set()
        for depth, name, version, _ in lines:
            if depth == 0:
                continue
            if depth == 1:
                direct = None if name in member_names else (name, version)
            if direct and name in BANNED:
                found.add((member, direct[0], direct[1], name))
        per_scope[scope] = (found, build_edges(lines))
    found, build = {}, {}
    for scope, _ in EDGES:
        for key in per_scope[scope][0]:
            found.setdefault(key, scope)
        for edge in per_scope[scope][1]:
            build.setdefault(edge, scope)
    return ([{"member": k[0], "dependency": k[1], "dependencyVersion": k[2], "banned": k[3], "scope": v} for k, v in sorted(found.items())],
            [{"build": member, "package": k[0], "dependency": k[1], "dependencyVersion": k[2], "banned": k[3], "scope": v}
             for k, v in sorted(build.items())])


def platform_findings_for(ws, member, target):
    """Default features, normal edges, one target: the build's (L, dependency, version, banned) tuples."""
    return [{"build": member, "package": k[0], "dependency": k[1], "dependencyVersion": k[2], "banned": k[3]}
            for k in sorted(build_edges(tree_lines(ws, member, "normal", False, target)))]


def write_case(path, root_manifest, members):
    path.mkdir(parents=True)
    if root_manifest is not None:
        (path / "Cargo.toml").write_text(root_manifest)
    for m, manifest in members.items():
        d = path / m
        d.mkdir(parents=True, exist_ok=True)
        (d / "Cargo.toml").write_text(manifest)
        (d / "src").mkdir(exist_ok=True)
        (d / "src" / "lib.rs").write_text("")


def registry_index(registry):
    """(name, version) -> directory: Debian names directories without build metadata (curl-sys-0.4.58)."""
    index = {}
    for d in registry.iterdir():
        manifest = d / "Cargo.toml"
        if not manifest.is_file():
            continue
        text = manifest.read_text(errors="replace")
        name = re.search(r'^name = "([^"]+)"', text, re.M)
        version = re.search(r'^version = "([^"]+)"', text, re.M)
        if name and version:
            index[(name.group(1), version.group(1))] = d
    return index


def collect_registry(out, registry):
    """Copies the registry manifest of every crate any case's lock uses into out/registry."""
    index = registry_index(registry)
    used = set()
    for lock in (out / "cases").glob("*/Cargo.lock"):
        for m in re.finditer(r'name = "([^"]+)"\nversion = "([^"]+)"\nsource = "registry', lock.read_text()):
            used.add((m.group(1), m.group(2)))
    shutil.rmtree(out / "registry", ignore_errors=True)
    for name, version in sorted(used):
        dst = out / "registry" / f"{name}-{version}"
        dst.mkdir(parents=True, exist_ok=True)
        shutil.copy(index[(name, version)] / "Cargo.toml", dst / "Cargo.toml")
    return used


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--registry-root", default=os.environ.get("DIFF_REGISTRY_ROOT", "/tmp/tls-audit-oracle-registry"))
    ap.add_argument("--out", default=str(Path(__file__).resolve().parents[2] / "fixtures" / "cargo-oracle"))
    ap.add_argument("--collect-only", action="store_true", help="only refresh registry/ from the committed cases")
    ap.add_argument("--only", default="", help="only cases whose name starts with this prefix (the live test uses it)")
    ap.add_argument("--debian-crates", default=str(Path(__file__).resolve().parents[1] / "lib" / "debian-crates.sh"))
    ap.add_argument("suites", nargs="*", default=list(CRATES))
    args = ap.parse_args()
    cargo_version = run(["cargo", "--version"], ".").stdout.strip()
    for suite in args.suites:
        registry = Path(args.registry_root) / suite
        out = Path(args.out) / suite
        if not registry.is_dir() or not any(registry.iterdir()):
            crates = [c["name"] for c in CRATES[suite]] + ["tokio", "serde"]
            build_registry([args.debian_crates, suite, str(registry), *crates])
        if args.collect_only:
            print(f"{suite}: {len(collect_registry(out, registry))} registry manifests")
            continue
        if not args.only:
            shutil.rmtree(out, ignore_errors=True)
        (out / "cases").mkdir(parents=True, exist_ok=True)
        count, skipped = 0, []
        for c in CRATES[suite]:
            for index, (shape, root_manifest, members) in enumerate(shapes(c, suite)):
                case_name = f"{c['name']}-{index:02d}"
                if not case_name.startswith(args.only):
                    continue
                with tempfile.TemporaryDirectory() as tmp:
                    ws = Path(tmp) / case_name
                    write_case(ws, root_manifest, members)
                    (ws / ".cargo").mkdir()
                    (ws / ".cargo" / "config.toml").write_text(f'[source.crates-io]\nreplace-with = "debian"\n[source.debian]\ndirectory = "{registry}"\n[net]\noffline = true\n')
                    p = run(["cargo", "generate-lockfile", "--offline"], ws, check=False)
                    if p.returncode != 0:
                        skipped.append(f"{case_name} ({shape}): {p.stderr.strip().splitlines()[-1] if p.stderr.strip() else 'failed'}")
                        continue
                    meta = json.loads(run(["cargo", "metadata", "--offline", "--format-version", "1", "--no-deps"], ws).stdout)
                    member_names = {pkg["name"] for pkg in meta["packages"]}
                    # --all-features -p M adds only M's own features: a member without any builds as by default
                    featureless = {pkg["name"] for pkg in meta["packages"] if not pkg["features"]}
                    try:
                        expected, builds, by_member = {}, {}, {}
                        for mode in ["default", "all-features"]:
                            for m in sorted(member_names):
                                if not (mode == "all-features" and m in featureless):
                                    by_member[m] = findings_for(ws, m, member_names, mode == "all-features")
                            expected[mode] = [f for m in sorted(member_names) for f in by_member[m][0]]
                            builds[mode] = [f for m in sorted(member_names) for f in by_member[m][1]]
                        # cases with target-specific declarations: what each platform builds (the main target's
                        # answer is the default normal-scope one)
                        platforms = None
                        if any("[target." in text for text in [root_manifest or "", *members.values()]):
                            platforms = {t: [{k: v for k, v in f.items() if k != "scope"} for f in builds["default"] if f["scope"] == "normal"]
                                         if t == TARGET else [f for m in sorted(member_names) for f in platform_findings_for(ws, m, t)] for t in PLATFORMS}
                    except RuntimeError as error:
                        skipped.append(f"{case_name} ({shape}): {str(error).splitlines()[-1]}")
                        continue
                    shutil.rmtree(ws / ".cargo")
                    shutil.copytree(ws, out / "cases" / case_name, ignore=shutil.ignore_patterns("target"))
                    doc = {"suite": suite, "target": TARGET, "cargo": cargo_version, "shape": f"{c['name']} {c['req']}: {shape}", "members": sorted(member_names),
                           "findings": expected, "buildFindings": builds}
                    if platforms is not None:
                        doc["platformFindings"] = platforms
                    (out / "cases" / case_name / "expected.json").write_text(json.dumps(doc, indent=1) + "\n")
                    count += 1
        if not args.only:
            collect_registry(out, registry)
        (out / "SKIPPED.txt").write_text("".join(f"{s}\n" for s in skipped))
        manifests = len(list((out / "registry").iterdir())) if (out / "registry").is_dir() else 0
        print(f"{suite}: {count} cases, {manifests} registry manifests, {len(skipped)} skipped")


if __name__ == "__main__":
    main()
