"""Real cargo as the oracle: write a workspace, lock it, run `cargo tree`, derive findings.

The unit is a build (issue 13): for each member M, `cargo tree -p M` over three edge sets and two feature modes
gives every local package L in M's build with a direct dependency D that reaches a banned crate (buildFindings;
L = M gives findings and memberEdges), and for cases with target tables, what three platforms build
(platformFindings). fixtures/differential/README.md describes expected.json.

Shared by gen.py (generation) and verify.py (re-check against the committed registry).
Only the standard library is used (python3 >= 3.11 for tomllib).
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tomllib

TARGET = "x86_64-unknown-linux-gnu"
# platformFindings: the main target first (its answer is the default-mode normal tree, already run)
PLATFORMS = [TARGET, "aarch64-apple-darwin", "x86_64-pc-windows-msvc"]
BANNED = ["native-tls", "openssl", "openssl-sys"]
MODES = ["default", "all-features"]
# cargo's flag for each feature mode; fuzz.py also asks for the ones committed cases do not record
MODE_FLAGS = {"default": [], "all-features": ["--all-features"], "no-default-features": ["--no-default-features"]}


def mode_flags(mode: str) -> list[str]:
    """cargo's (and tls-audit's) flags for a feature mode; `features:F` is `-F F`."""
    return ["-F", mode.split(":", 1)[1]] if mode.startswith("features:") else MODE_FLAGS[mode]
# narrowest first: scope is the first edge set under which a finding appears
EDGE_SETS = [("normal", "normal"), ("build", "normal,build"), ("dev", "normal,build,dev")]

CRATES_IO = "registry+https://github.com/rust-lang/crates.io-index"


# --------------------------------------------------------------------------- TOML writing
def _toml_value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return json.dumps(v)  # basic TOML strings are a subset of JSON strings for our data
    if isinstance(v, list):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{_key(k)} = {_toml_value(x)}" for k, x in v.items()) + " }"
    raise TypeError(v)


def _key(k: str) -> str:
    return k if re.fullmatch(r"[A-Za-z0-9_-]+", k) else json.dumps(k)


def toml_table(header: str, entries: dict) -> str:
    out = [f"[{header}]"]
    for k, v in entries.items():
        out.append(f"{_key(k)} = {_toml_value(v)}")
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------- workspace writing
def member_manifest(m: dict) -> str:
    """m: {name, edition?, version?, features?, proc_macro?, deps: {section header: {dep: spec}}}"""
    parts = [toml_table("package", {
        "name": m["name"],
        "version": m.get("version", "0.1.0"),
        "edition": m.get("edition", "2021"),
        "publish": False,
    })]
    if m.get("proc_macro"):
        parts.append(toml_table("lib", {"proc-macro": True}))
    for section, deps in m.get("deps", {}).items():
        if deps:
            parts.append(toml_table(section, deps))
    if m.get("features") is not None:
        parts.append(toml_table("features", m["features"]))
    return "\n".join(parts)


def write_workspace(case: dict, ws: str) -> None:
    """case: {root: {kind: virtual|package, resolver?, exclude?, workspace_deps?, patch?, package?}, members: [...]}.
    A member with "path": "." is the root package. A package with "listed": False is written but left out of
    `members`: it is an implicit member when a member depends on it by path, or no member when under `exclude`."""
    if os.path.exists(ws):
        shutil.rmtree(ws)
    os.makedirs(ws)
    root = case["root"]
    root_parts = []
    root_member = None
    members = []
    for m in case["members"]:
        path = m.get("path", m["name"])
        if path == ".":
            root_member = m
        else:
            if m.get("listed", True):
                members.append(path)
            os.makedirs(os.path.join(ws, path, "src"))
            with open(os.path.join(ws, path, "Cargo.toml"), "w") as f:
                f.write(member_manifest(m))
            with open(os.path.join(ws, path, "src", "lib.rs"), "w") as f:
                f.write(f"//! `{m['name']}`: member of a generated differential-test workspace.\n")
    if root_member is not None:
        root_parts.append(member_manifest(root_member))
        os.makedirs(os.path.join(ws, "src"))
        with open(os.path.join(ws, "src", "lib.rs"), "w") as f:
            f.write(f"//! `{root_member['name']}`: root package of a generated differential-test workspace.\n")
    wst = {"members": members}
    if root.get("exclude"):
        wst["exclude"] = root["exclude"]
    if root.get("resolver"):
        wst["resolver"] = root["resolver"]
    root_parts.append(toml_table("workspace", wst))
    if root.get("workspace_deps"):
        root_parts.append(toml_table("workspace.dependencies", root["workspace_deps"]))
    if root.get("patch"):
        root_parts.append(toml_table("patch.crates-io", root["patch"]))
    header = f"# generated by scripts/differential/gen.py: {case['shape']}\n"
    with open(os.path.join(ws, "Cargo.toml"), "w") as f:
        f.write(header + "\n".join(root_parts))


def write_cargo_config(ws: str, registry: str) -> None:
    os.makedirs(os.path.join(ws, ".cargo"), exist_ok=True)
    with open(os.path.join(ws, ".cargo", "config.toml"), "w") as f:
        f.write(
            "[source.crates-io]\nreplace-with = \"differential\"\n"
            f"[source.differential]\ndirectory = {json.dumps(os.path.abspath(registry))}\n"
            "[net]\noffline = true\n"
        )


# --------------------------------------------------------------------------- cargo
def cargo(args: list[str], ws: str) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env["CARGO_TERM_COLOR"] = "never"
    # a private, empty CARGO_HOME per workspace: no user config leaks in, and parallel cargo
    # processes do not serialise on the package-cache lock
    env["CARGO_HOME"] = os.path.join(ws, ".cargo", "home")
    return subprocess.run([os.environ.get("CARGO", "cargo"), *args], cwd=ws, env=env,
                          capture_output=True, text=True)


def cargo_version() -> str:
    return subprocess.run([os.environ.get("CARGO", "cargo"), "--version"], capture_output=True,
                          text=True, check=True).stdout.strip()


def generate_lockfile(ws: str) -> None:
    lock = os.path.join(ws, "Cargo.lock")
    if os.path.exists(lock):
        os.remove(lock)
    r = cargo(["generate-lockfile", "--offline"], ws)
    if r.returncode != 0:
        raise RuntimeError(f"generate-lockfile failed in {ws}:\n{r.stderr}")


def refresh_lock(ws: str) -> None:
    """Brings a stale Cargo.lock up to date as any cargo build would (a minimal update, unlike generate-lockfile)."""
    r = cargo(["metadata", "--format-version", "1", "--offline"], ws)
    if r.returncode != 0:
        raise RuntimeError(f"cargo metadata failed in {ws}:\n{r.stderr}")


def workspace_members(ws: str) -> list[dict]:
    r = cargo(["metadata", "--format-version", "1", "--no-deps", "--offline"], ws)
    if r.returncode != 0:
        raise RuntimeError(f"cargo metadata failed in {ws}:\n{r.stderr}")
    meta = json.loads(r.stdout)
    ids = set(meta["workspace_members"])
    return sorted(({"name": p["name"], "version": p["version"], "features": sorted(p["features"])}
                   for p in meta["packages"] if p["id"] in ids), key=lambda p: p["name"])


LINE = re.compile(r"^(\d+)(\S+) v(\S+)((?: \([^()]*\))*)$")


def parse_tree(stdout: str):
    """-> list of (depth, name, version, paren) from `--prefix depth` output. paren is the package's source (a path
    for local packages) without cargo's other notes: `m2 v0.1.0 (proc-macro) (/ws/m2)` gives "/ws/m2"."""
    out = []
    for line in stdout.splitlines():
        if not line.strip():
            continue
        mt = LINE.match(line)
        if not mt:
            raise ValueError(f"unparsed cargo tree line: {line!r}")
        notes = re.findall(r" \(([^()]*)\)", mt.group(4))
        source = next((n for n in notes if n not in ("proc-macro", "*")), "")
        out.append((int(mt.group(1)), mt.group(2), mt.group(3), source))
    return out


def reach_edges(tree) -> set:
    """Forward tree of one build: (L, D, D version, D is local, B) for every line of a local package L (a path
    source: a member or a path package) with a child line D (L depends on D directly) that has banned crate B in
    its subtree (D itself included). With --no-dedupe the tree lists every path from the root, so these are
    exactly the local lines of `cargo tree -i B` and their parents there."""
    stack, below, parent = [], [set() for _ in tree], {}
    for i, (depth, name, _, _) in enumerate(tree):
        del stack[depth:]
        if depth:
            parent[i] = stack[-1]
        stack.append(i)
        if name in BANNED:
            for k in stack:
                below[k].add(name)
    return {(tree[p][1], tree[i][1], tree[i][2], tree[i][3].startswith("/"), b)
            for i, p in parent.items() if tree[p][3].startswith("/") for b in below[i]}


def has_target_tables(ws: str) -> bool:
    """Whether any manifest of the case declares a dependency under [target.*]: those cases get platformFindings."""
    for dirpath, dirnames, filenames in os.walk(ws):
        dirnames[:] = [d for d in dirnames if d not in (".cargo", "target")]
        if "Cargo.toml" in filenames:
            with open(os.path.join(dirpath, "Cargo.toml"), "rb") as f:
                if "target" in tomllib.load(f):
                    return True
    return False


def run_tree(ws: str, member: str, edges: str, mode: str, locked: bool, target: str = TARGET) -> str:
    args = ["tree", "-p", member, "-e", edges, "--target", target, "--no-dedupe",
            "--prefix", "depth", "--charset", "ascii", "--offline", *mode_flags(mode)]
    if locked:
        args.append("--locked")
    r = cargo(args, ws)
    if r.returncode != 0:
        raise RuntimeError(f"cargo {' '.join(args)} failed in {ws}:\n{r.stderr}")
    return r.stdout


def lock_package_names(ws: str) -> set[str]:
    with open(os.path.join(ws, "Cargo.lock"), "rb") as f:
        lock = tomllib.load(f)
    return {p["name"] for p in lock.get("package", [])}


def _log_edges(log: list, header: str, edges: set) -> None:
    log.append(header + "\n" + "".join(f"{l} -> {d} v{v}{' (local)' if local else ''}: {b}\n"
                                        for l, d, v, local, b in sorted(edges)))


def compute_expected(ws: str, suite: str, shape: str, locked: bool = False, modes: list[str] = MODES):
    """-> (expected dict, cargo-tree.txt text)."""
    members = workspace_members(ws)
    names = [m["name"] for m in members]
    # --all-features or --no-default-features -p M only changes M's own features (optional dependencies included):
    # without any, it is the default build
    featureless = {m["name"] for m in members if not m["features"]}
    features_of = {m["name"]: set(m["features"]) for m in members}
    findings = {m: [] for m in modes}
    via = {m: [] for m in modes}
    builds = {m: [] for m in modes}
    platforms = {t: [] for t in PLATFORMS} if has_target_tables(ws) else None
    log = []
    any_banned = bool(lock_package_names(ws) & set(BANNED))
    if not any_banned:
        log.append("### no banned crate in Cargo.lock: cargo tree not run\n")
    default_results = {}
    for mode in modes:
        for member in names if any_banned else []:
            # `-F F` reaches only the members that have F (tls-audit's workspace-wide -F; cargo -p M -F F for those)
            asked = mode.split(":", 1)[1] if mode.startswith("features:") else None
            if mode != "default" and (member in featureless or (asked is not None and asked not in features_of[member])):
                results = default_results[member]
                log.append(f"### mode={mode} member={member}: no features, the default build, cargo not run\n")
            else:
                results = {}
            # widest first. Features and edges only grow with more edge kinds, so the reaching edges (and with
            # them findings, memberEdges and buildFindings) are monotone: normal <= normal,build <= normal,build,dev.
            # An empty widest answer means the narrower ones are empty; normal,build is only needed when some
            # widest edge is missing from the normal-only answer.
            for scope, edges in [EDGE_SETS[2], EDGE_SETS[0], EDGE_SETS[1]] if not results else []:
                skip = None
                if scope != "dev" and not results["dev"]:
                    skip = "empty with normal,build,dev"
                elif scope == "build" and results["dev"] <= results["normal"]:
                    skip = "every normal,build,dev edge is already in the normal tree"
                if skip:
                    results[scope] = results["normal"] if scope == "build" and results["dev"] else set()
                    log.append(f"### mode={mode} member={member} edges={edges}: not run ({skip})\n")
                    continue
                results[scope] = reach_edges(parse_tree(run_tree(ws, member, edges, mode, locked)))
                _log_edges(log, f"### mode={mode} member={member} edges={edges}", results[scope])
            if mode == "default":
                default_results[member] = results
            seen = set()
            for scope, _ in EDGE_SETS:
                for edge in sorted(results[scope]):
                    if edge in seen:
                        continue
                    seen.add(edge)
                    package, dname, dver, d_local, banned = edge
                    if d_local:
                        # another member (or a non-member path package): its own dependencies are its lines
                        if package == member:
                            via[mode].append({"member": member, "viaMember": dname, "banned": banned, "scope": scope})
                        continue
                    if package == member:
                        findings[mode].append({"member": member, "dependency": dname, "dependencyVersion": dver,
                                               "banned": banned, "scope": scope})
                    builds[mode].append({"build": member, "package": package, "dependency": dname,
                                         "dependencyVersion": dver, "banned": banned, "scope": scope})
            if platforms is None or mode != "default":
                continue
            for target in PLATFORMS:
                if target == TARGET:
                    edges_ = results["normal"]  # the same command, already run (or known empty)
                else:
                    edges_ = reach_edges(parse_tree(run_tree(ws, member, "normal", "default", locked, target)))
                    _log_edges(log, f"### platform={target} member={member} edges=normal", edges_)
                for package, dname, dver, d_local, banned in sorted(edges_):
                    if not d_local:
                        platforms[target].append({"build": member, "package": package, "dependency": dname,
                                                  "dependencyVersion": dver, "banned": banned})
    key = lambda f: (f["member"], f.get("dependency", f.get("viaMember")), f.get("dependencyVersion", ""),
                     BANNED.index(f["banned"]))
    build_key = lambda f: (f["build"], f["package"], f["dependency"], f["dependencyVersion"], BANNED.index(f["banned"]))
    expected = {
        "suite": suite,
        "target": TARGET,
        "cargo": cargo_version(),
        "shape": shape,
        "members": names,
        "findings": {m: sorted(findings[m], key=key) for m in modes},
        "memberEdges": {m: sorted(via[m], key=key) for m in modes},
        "buildFindings": {m: sorted(builds[m], key=build_key) for m in modes},
    }
    if platforms is not None:
        expected["platformFindings"] = {t: sorted(platforms[t], key=build_key) for t in PLATFORMS}
    return expected, "".join(log)


def dump_json(obj) -> str:
    return json.dumps(obj, indent=2, sort_keys=False) + "\n"
