"""Random workspaces for the differential suite: what the templates of cases.py do not combine.

  random_cases(suite, seed, count) -> [case, ...]      (the case shape of cases.py / oracle.write_workspace)

Each case is derived from (suite, seed, index) alone. It draws 1-4 members over the suite's crate profiles with:
path dependencies between members (as normal, build, dev or platform-specific dependencies, some optional, some
asking features of the other member), registry dependencies in every section with or without native TLS, renamed
second versions, optional dependencies switched on by `dep:x`, `x/f`, `x?/f` or their implicit feature, features
that forward to other members' features, default features, and resolvers 1, 2 and 3. Only manifests cargo accepts
are produced; a combination whose crates the registry lacks fails at `cargo generate-lockfile` and is skipped by
the caller (fuzz.py).
"""
from __future__ import annotations

import copy
import random
import re

from cases import DIRECT, KIND_SECTIONS, PROFILES, dep_key, ed_for, path_to, root_for, spec

SECTIONS = ["dependencies", "dependencies", "dependencies", "dev-dependencies", "build-dependencies",
            KIND_SECTIONS["unix"], KIND_SECTIONS["windows"], KIND_SECTIONS["macos"],
            "target.'cfg(target_os = \"linux\")'.dependencies", "target.'cfg(not(windows))'.dependencies",
            "target.'cfg(all(unix, target_arch = \"x86_64\"))'.dependencies", "target.x86_64-pc-windows-msvc.dependencies",
            "target.'cfg(unix)'.build-dependencies", "target.'cfg(windows)'.dev-dependencies"]
# Sections whose entries may be optional (cargo refuses optional dev-dependencies).
OPTIONAL_OK = {s for s in SECTIONS if not s.endswith("dev-dependencies")}


def _variants(prof: dict) -> list[str]:
    names = ["off", "on"] if prof.get("on") is not None else ["off"]
    return names + [k for k in ("alt", "rustls", "nodef", "nodef_native") if k in prof]


def random_case(suite: str, seed: int, index: int, available: frozenset[str] | None = None) -> dict:
    """`available`: the crate names the registry has (a case naming another cannot be locked); None for all."""
    rng = random.Random(f"{suite}/{seed}/{index}")
    has = (lambda name: True) if available is None else (lambda name: name in available)
    profiles = {k: p for k, p in PROFILES[suite].items() if has(p["pkg"])}
    direct = sorted((crate, req) for crate, req in DIRECT[suite].items() if has(crate))
    resolver = rng.choice(["1", "2", "2", "3", "none"])
    edition = ed_for(resolver)
    count = rng.randint(1, 4)
    names = [f"m{i}" for i in range(count)]
    built: dict[str, dict] = {}
    # Sometimes the first member is the root package (its edition then decides the resolver), and sometimes registry
    # dependencies are declared once in [workspace.dependencies] and inherited with `workspace = true`.
    root_package = rng.random() < 0.2
    if root_package:
        edition = rng.choice(["2018", "2021", "2024"])
    workspace_deps: dict[str, dict] = {}
    inherit = rng.random() < 0.3
    # Later members first: a member may depend on any later one, so the graph of path dependencies is acyclic, and
    # the features a member asks of another are known when it is drawn.
    for i in reversed(range(count)):
        name = names[i]
        deps: dict[str, dict] = {}
        features: dict[str, list[str]] = {}
        optional: list[tuple[str, list[str]]] = []  # (key, the features a dependent may ask of it)
        used_keys: dict[str, set[str]] = {}

        def add(section: str, key: str, entry: dict) -> bool:
            if key in used_keys.setdefault(section, set()):
                return False
            used_keys[section].add(key)
            deps.setdefault(section, {})[key] = entry
            return True

        here = "." if root_package and i == 0 else name
        for other in names[i + 1:]:
            if rng.random() >= 0.5:
                continue
            section = rng.choice(SECTIONS)
            entry = path_to(here, other)
            key = other
            if rng.random() < 0.15:
                # A member depended on under another name: features then say `alias/f`.
                key = f"{other}-alias"
                entry["package"] = other
            theirs = [f for f in built[other].get("features", {}) if f != "default"]
            if theirs and rng.random() < 0.5:
                entry["features"] = [rng.choice(theirs)]
            if rng.random() < 0.2:
                entry["default-features"] = False
            if section in OPTIONAL_OK and rng.random() < 0.35:
                entry["optional"] = True
            if add(section, key, entry) and entry.get("optional"):
                optional.append((key, theirs))

        for _ in range(rng.randint(0 if i + 1 < count else 1, 3)):
            section = rng.choice(SECTIONS)
            if direct and (rng.random() < 0.15 or not profiles):
                crate, req = rng.choice(direct)
                entry = {"version": req}
                key, asked = crate, []
            else:
                pkey = rng.choice(sorted(profiles))
                prof = profiles[pkey]
                key, renamed = dep_key(pkey, prof)
                entry = dict(renamed)
                entry.update(spec(prof, rng.choice(_variants(prof))))
                asked = [prof["native"]] if prof.get("native") else []
                if inherit and rng.random() < 0.6:
                    # The first declaration of a key defines it for the workspace; a member may add features.
                    workspace_deps.setdefault(key, entry)
                    entry = {"workspace": True}
                    if asked and rng.random() < 0.4:
                        entry["features"] = list(asked)
            if section in OPTIONAL_OK and rng.random() < 0.4:
                entry["optional"] = True
            if add(section, key, entry) and entry.get("optional"):
                optional.append((key, asked))

        # Features: each optional dependency is switched on by `dep:x`, its implicit feature, `x/f` or `x?/f`.
        hidden: set[str] = set()
        for key, child_features in optional:
            fname = f"f-{key}"
            how = rng.choice(["dep", "implicit", "slash", "weak"])
            if how == "dep":
                features[fname] = [f"dep:{key}"]
                hidden.add(key)
            elif how == "slash" and child_features:
                features[fname] = [f"{key}/{rng.choice(child_features)}"]
            elif how == "weak" and child_features:
                # `x?/f` alone never switches x on: a second feature does, as `dep:x` or its implicit feature.
                features[fname] = [f"{key}?/{rng.choice(child_features)}"]
                if rng.random() < 0.5:
                    features[f"g-{key}"] = [f"dep:{key}"]
                    hidden.add(key)
        # A non-optional dependency's features forwarded by a feature of this member: another member's, or the
        # registry crate's native one.
        for section, entries in deps.items():
            if section.endswith("dev-dependencies"):
                continue
            for key, entry in entries.items():
                if entry.get("optional") or f"fwd-{key}" in features:
                    continue
                if "path" in entry:
                    member_name = entry.get("package", key)
                    theirs = [f for f in built[member_name].get("features", {}) if f != "default"]
                else:
                    prof = next((p for k, p in profiles.items() if dep_key(k, p)[0] == key), None)
                    theirs = [prof["native"]] if prof and prof.get("native") else []
                if theirs and rng.random() < 0.4:
                    features[f"fwd-{key}"] = [f"{key}/{rng.choice(theirs)}"]
        # The implicit feature of an optional dependency no `dep:` hides can be named too.
        implicit = [key for key, _ in optional if key not in hidden]
        names_on = list(features) + implicit
        if names_on and rng.random() < 0.5:
            features["default"] = sorted(set(rng.sample(names_on, rng.randint(1, min(2, len(names_on))))))
        m = {"name": name, "edition": edition, "deps": deps}
        # A proc-macro member is built for the host (its own FeaturesFor under resolver 2), never as a dev-dependency's.
        if here != "." and rng.random() < 0.15:
            m["proc_macro"] = True
        if here == ".":
            m["path"] = "."
        if features:
            m["features"] = features
        built[name] = m

    # Sometimes a later package that another depends on by path is excluded from the workspace: a path package that
    # is no member (its own findings are found in the builds that reach it). It cannot inherit from
    # [workspace.dependencies]: cargo refuses `workspace = true` outside the workspace.
    excluded = []
    depended = {entry.get("package", key) for m in built.values() for entries in m["deps"].values() for key, entry in entries.items() if "path" in entry}
    for name in names[1:]:
        inherits = any(entry.get("workspace") for entries in built[name]["deps"].values() for entry in entries.values())
        if name in depended and not inherits and rng.random() < 0.15:
            built[name]["listed"] = False
            excluded.append(name)
    members = [built[n] for n in names]
    # Sometimes a registry crate the workspace uses is replaced through `[patch.crates-io]` by a local package
    # (vendored under the excluded `patched/`), whose own features decide whether it pulls native-tls.
    patched = _patch(rng, suite, built, workspace_deps, has) if rng.random() < 0.15 else None
    if patched:
        members.append(patched)
        excluded.append("patched")
    root = {"kind": "package"} if root_package else root_for(resolver)
    if patched:
        root["patch"] = {patched["name"]: {"path": patched["path"]}}
    if excluded:
        root["exclude"] = excluded
    if workspace_deps:
        root["workspace_deps"] = workspace_deps
    how = f"root package m0, edition {edition}" if root_package else f"resolver {resolver}"
    unlisted = [n for n in excluded if n != "patched"]
    shape = (f"random {suite}/{seed}/{index}: {how}, {count - len(unlisted)} member(s)"
             f"{f', excluded path package(s) {unlisted}' if unlisted else ''}{', [workspace.dependencies]' if workspace_deps else ''}")
    if patched:
        shape += f", [patch.crates-io] {patched['name']}"
    return {"slug": f"random-{seed}-{index:03d}", "shape": shape, "root": root, "members": members}


def _patch_version(req: str) -> str:
    """A version above every release the requirement's registry line has, that the requirement still accepts."""
    parts = req.split(".")
    return f"{parts[0]}.{parts[1]}.999" if len(parts) == 2 else f"{parts[0]}.999.0"


def _patch(rng: random.Random, suite: str, built: dict, workspace_deps: dict, has) -> dict | None:
    """A local package replacing one registry crate the case declares (by its own name, a plain requirement), with
    every feature any declaration asks of it, each switching native-tls on or not."""
    declared: dict[str, str] = {}
    for entries in [*(e for m in built.values() for e in m["deps"].values()), workspace_deps]:
        for key, entry in entries.items():
            if "path" in entry or entry.get("workspace") or "package" in entry:
                continue
            # Not a banned crate itself: a local fork of openssl is still openssl to tls-audit, while cargo tree shows
            # it as a path package, which the oracle never counts as a dependency that reaches a banned crate.
            if key not in ("native-tls", "openssl", "openssl-sys") and re.fullmatch(r"\d+(\.\d+)?", entry.get("version", "")):
                declared[key] = entry["version"]
    native_req = DIRECT[suite].get("native-tls")
    if not declared or not native_req or not has("native-tls"):
        return None
    name = rng.choice(sorted(declared))
    keys = {name} | {k for m in built.values() for e in m["deps"].values() for k, entry in e.items()
                     if entry.get("package") == name}
    asked: set[str] = set()
    for entries in [*(e for m in built.values() for e in m["deps"].values()), workspace_deps]:
        for key, entry in entries.items():
            if key in keys or entry.get("package") == name:
                asked.update(entry.get("features", []))
    for m in built.values():
        for values in m.get("features", {}).values():
            for v in values:
                k, _, f = v.partition("/")
                if f and k.rstrip("?") in keys:
                    asked.add(f)
    features = {f: (["dep:native-tls"] if rng.random() < 0.5 else []) for f in sorted(asked)}
    features["native"] = ["dep:native-tls"]
    features["default"] = rng.choice([[], ["native"]])
    return {"name": name, "version": _patch_version(declared[name]), "path": f"patched/{name}", "listed": False,
            "edition": "2021", "deps": {"dependencies": {"native-tls": {"version": native_req, "optional": True}}},
            "features": features}


def feature_names(member: dict) -> list[str]:
    """A member's features a dependent or `-F` may name, `default` aside: its [features], and the implicit feature of
    each optional dependency no `dep:` hides (cargo's rule; tls-audit's `featureNames`)."""
    features = member.get("features", {})
    hidden = {v[4:] for vs in features.values() for v in vs if v.startswith("dep:")}
    optional = sorted({key for entries in member["deps"].values() for key, entry in entries.items() if entry.get("optional")})
    return [f for f in features if f != "default"] + [key for key in optional if key not in hidden and key not in features]


def _mentioned(member: dict, key: str) -> bool:
    """Whether a feature of the member names the dependency key (then removing the key makes cargo refuse it)."""
    return any(v == key or v.startswith((f"dep:{key}", f"{key}/", f"{key}?/")) for vs in member.get("features", {}).values() for v in vs)


def drifted_case(suite: str, seed: int, index: int, available: frozenset[str] | None = None) -> tuple[dict, dict, str]:
    """(before, after, what changed): a random case and an edit of it. The workspace is locked with `before`, then
    its manifests are replaced by `after` and the old lock kept: what a developer has between editing a Cargo.toml
    and the next cargo command (which refreshes the lock). Sometimes the lock is dropped instead ("no lock")."""
    before = random_case(suite, seed, index, available)
    after = copy.deepcopy(before)
    after["slug"] = f"drift-{seed}-{index:03d}"
    rng = random.Random(f"drift/{suite}/{seed}/{index}")
    has = (lambda name: True) if available is None else (lambda name: name in available)
    profiles = {k: p for k, p in PROFILES[suite].items() if has(p["pkg"])}
    members = [m for m in after["members"] if not m.get("path", "").startswith("patched/")]
    edits = []
    wanted = rng.randint(1, 3)
    for _ in range(30):  # an edit that does not apply is drawn again
        if len(edits) == wanted:
            break
        m = rng.choice(members)
        here = m.get("path", m["name"])
        kind = rng.choice(["add", "add", "remove", "native", "default-features", "default", "path", "patch"])
        entries = [(section, key) for section, deps in m["deps"].items() for key in deps]
        if kind == "add" and profiles:
            pkey = rng.choice(sorted(profiles))
            prof = profiles[pkey]
            key, renamed = dep_key(pkey, prof)
            section = rng.choice(SECTIONS)
            if key in m["deps"].get(section, {}):
                continue
            entry = dict(renamed)
            entry.update(spec(prof, rng.choice(_variants(prof))))
            m["deps"].setdefault(section, {})[key] = entry
            edits.append(f"{m['name']}: added [{section}] {key} = {entry}")
        elif kind == "remove" and entries:
            section, key = rng.choice(entries)
            if _mentioned(m, key):
                continue
            del m["deps"][section][key]
            edits.append(f"{m['name']}: removed [{section}] {key}")
        elif kind == "native" and entries:
            section, key = rng.choice(entries)
            entry = m["deps"][section][key]
            prof = next((p for k, p in profiles.items() if dep_key(k, p)[0] == key), None)
            if "path" in entry or entry.get("workspace") or not prof or not prof.get("native"):
                continue
            if prof["native"] in entry.get("features", []):
                continue
            entry["features"] = [*entry.get("features", []), prof["native"]]
            edits.append(f"{m['name']}: [{section}] {key} asks for {prof['native']}")
        elif kind == "default-features" and entries:
            section, key = rng.choice(entries)
            entry = m["deps"][section][key]
            if entry.get("workspace"):
                continue
            if entry.get("default-features") is False:
                del entry["default-features"]
                edits.append(f"{m['name']}: [{section}] {key} default features back on")
            else:
                entry["default-features"] = False
                edits.append(f"{m['name']}: [{section}] {key} default-features = false")
        elif kind == "default":
            names_on = feature_names(m)
            if not names_on:
                continue
            features = m.setdefault("features", {})
            features["default"] = sorted({*features.get("default", []), rng.choice(names_on)})
            edits.append(f"{m['name']}: default = {m['features']['default']}")
        elif kind == "patch" and "patch" not in after["root"]:
            # A [patch] added over a lock that links the registry's version: cargo keeps that version (the patch
            # is recorded as unused) until `cargo update`; a dependency the lock lacks takes the patch.
            patched = _patch(rng, suite, {x["name"]: x for x in members}, after["root"].get("workspace_deps", {}), has)
            if not patched:
                continue
            after["members"].append(patched)
            after["root"]["patch"] = {patched["name"]: {"path": patched["path"]}}
            after["root"]["exclude"] = [*after["root"].get("exclude", []), "patched"]
            edits.append(f"[patch.crates-io] {patched['name']} added")
        elif kind == "path":
            # A new path dependency on a later member (later ones never depend on earlier ones: no cycle).
            names = [x["name"] for x in members]
            later = names[names.index(m["name"]) + 1:]
            if not later:
                continue
            other = rng.choice(later)
            section = rng.choice([s for s in SECTIONS if s != "build-dependencies"])
            if other in m["deps"].get(section, {}):
                continue
            entry = path_to(here, other)
            m["deps"].setdefault(section, {})[other] = entry
            edits.append(f"{m['name']}: added [{section}] {other} = {entry}")
    if rng.random() < 0.15:
        edits.append("no lock")
    if not edits:
        edits.append("no edit")
    what = "; ".join(edits)
    after["shape"] = f"drift of {before['shape']}: {what}"
    return before, after, what


def random_cases(suite: str, seed: int, count: int) -> list[dict]:
    return [random_case(suite, seed, i) for i in range(count)]
