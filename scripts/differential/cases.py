"""The case catalogue: which workspaces are generated for each Debian suite.

Every case is plain data: {"slug", "shape", "root": {...}, "members": [...]} (see oracle.write_workspace).
Cases are built from a handful of templates (A-I below) crossed with per-suite crate "profiles".
Template I (build-*) holds the multi-member workspaces of issue 13, where a build reaches native TLS through
another local package.
The order of the returned list fixes the NNN prefix of each case directory, so append new
cases at the end of a template (or bump the template) to keep numbers stable.
"""
from __future__ import annotations

import json
import os

# --------------------------------------------------------------------------- per-suite crate profiles
# A profile names one registry crate and a few ways of depending on it:
#   off    : a spec that does NOT pull native TLS (default-features = false / rustls / plain default)
#   on     : a spec that DOES pull native TLS (often the plain default)
#   native : the feature name that switches native TLS on (used in `x/feature`, `x?/feature`)
# `pkg` is the crate's package name when the key is a rename (two versions of one crate).


def P(pkg, req, off, on, native, **kw):
    d = {"pkg": pkg, "req": req, "off": off, "on": on, "native": native}
    d.update(kw)
    return d


DEF = {}  # plain default features
NODEF = {"default-features": False}


def F(*feats, default=True):
    d = {} if default else {"default-features": False}
    if feats:
        d["features"] = list(feats)
    return d


PROFILES = {
    "bookworm": {
        "reqwest": P("reqwest", "0.11", F("rustls-tls", default=False), DEF, "native-tls"),
        "curl": P("curl", "0.4", NODEF, DEF, "ssl"),
        "git2": P("git2", "0.16", NODEF, DEF, "https"),
        "ureq": P("ureq", "2", DEF, F("native-tls"), "native-tls"),   # implicit optional-dep feature
        "isahc": P("isahc", "1", NODEF, DEF, "static-ssl"),
        "tiny_http": P("tiny_http", "0.12", DEF, F("ssl-openssl"), "ssl-openssl"),
        "trust-dns-resolver": P("trust-dns-resolver", "0.22", DEF, F("dns-over-native-tls"), "dns-over-native-tls",
                                alt=F("dns-over-openssl"), rustls=F("dns-over-rustls")),
        "oauth2": P("oauth2", "4", DEF, F("native-tls"), "native-tls", nodef=NODEF),
        "tokio-postgres": P("tokio-postgres", "0.7", DEF, None, None),
    },
    "trixie": {
        "reqwest": P("reqwest", "0.12", F("rustls-tls", default=False), DEF, "native-tls"),
        "reqwest011": P("reqwest", "0.11", F("rustls-tls", default=False), DEF, "native-tls"),
        "sqlx": P("sqlx", "0.8", F("runtime-tokio", "tls-rustls", "postgres", default=False),
                  F("runtime-tokio-native-tls", "postgres"), "tls-native-tls"),
        "tokio-tungstenite": P("tokio-tungstenite", "0.24", DEF, F("native-tls"), "native-tls"),
        "ureq": P("ureq", "3", DEF, F("native-tls"), "native-tls"),
        "git2": P("git2", "0.20", NODEF, DEF, "https"),
        "octocrab": P("octocrab", "0.43", DEF, F("opentls"), "opentls"),
        "hickory-resolver": P("hickory-resolver", "0.24", DEF, F("dns-over-native-tls"), "dns-over-native-tls",
                              alt=F("dns-over-openssl"), rustls=F("dns-over-rustls")),
        "oauth2": P("oauth2", "4", DEF, F("native-tls"), "native-tls", nodef=NODEF),
        "isahc": P("isahc", "1", NODEF, DEF, "static-ssl"),
        "curl": P("curl", "0.4", NODEF, DEF, "ssl"),
        "tiny_http": P("tiny_http", "0.12", DEF, F("ssl-openssl"), "ssl-openssl"),
        "postgres": P("postgres", "0.19", DEF, None, None),
    },
    "sid": {
        "reqwest": P("reqwest", "0.13", DEF, F("native-tls"), "native-tls", nodef_native=F("native-tls", default=False)),
        "reqwest012": P("reqwest", "0.12", F("rustls-tls", default=False), DEF, "native-tls"),
        "redis": P("redis", "0.32", DEF, F("tls-native-tls"), "tls-native-tls",
                   alt=F("tokio-native-tls-comp"), rustls=F("tls-rustls")),
        "attohttpc": P("attohttpc", "0.31", F("tls-rustls", default=False), DEF, "tls-native"),
        "sqlx": P("sqlx", "0.9", F("runtime-tokio", "tls-rustls", "postgres", default=False),
                  F("runtime-tokio", "tls-native-tls", "postgres"), "tls-native-tls"),
        "tokio-tungstenite": P("tokio-tungstenite", "0.28", DEF, F("native-tls"), "native-tls"),
        "ureq": P("ureq", "3", DEF, F("native-tls"), "native-tls"),
        "octocrab": P("octocrab", "0.43", DEF, F("opentls"), "opentls"),
        "oauth2": P("oauth2", "5", DEF, F("native-tls"), "native-tls", nodef=NODEF),
        "git2": P("git2", "0.21", DEF, None, None),
        "isahc": P("isahc", "1", NODEF, DEF, None),
        "curl": P("curl", "0.4", NODEF, DEF, "ssl"),
        "hickory-resolver": P("hickory-resolver", "0.26", DEF, None, None, rustls=F("tls-ring")),
        "tokio-postgres": P("tokio-postgres", "0.7", DEF, None, None),
    },
}

# Crates that pull native TLS whatever their features (direct use).
DIRECT = {
    "bookworm": {"native-tls": "0.2", "openssl": "0.10", "openssl-sys": "0.9", "hyper-tls": "0.5",
                 "tokio-native-tls": "0.3", "tokio-openssl": "0.6"},
    "trixie": {"native-tls": "0.2", "openssl": "0.10", "openssl-sys": "0.9", "hyper-tls": "0.6",
               "tokio-native-tls": "0.3", "async-native-tls": "0.5", "ssh2": "0.9", "tokio-openssl": "0.6"},
    "sid": {"native-tls": "0.2", "openssl": "0.10", "openssl-sys": "0.9", "hyper-tls": "0.6",
            "tokio-native-tls": "0.3", "async-native-tls": "0.5", "ssh2": "0.9", "tokio-openssl": "0.6"},
}

# The crates used by the unification templates (A, B, F) and the "main" HTTP client per suite.
UNIFY = {"bookworm": ["reqwest", "curl"], "trixie": ["reqwest", "sqlx"], "sid": ["reqwest012", "redis"]}
SECOND = {"bookworm": "ureq", "trixie": "tokio-tungstenite", "sid": "attohttpc"}
TWO_VERSIONS = {"bookworm": None, "trixie": ("reqwest", "reqwest011"), "sid": ("reqwest", "reqwest012")}


# --------------------------------------------------------------------------- helpers
def spec(prof: dict, variant: str, **extra) -> dict:
    """Dependency spec (inline table) for a profile variant."""
    base = prof[variant]
    d = {}
    d["version"] = prof["req"]
    for k, v in base.items():
        d[k] = list(v) if isinstance(v, list) else v
    d.update(extra)
    return d


def dep_key(key: str, prof: dict) -> tuple[str, dict]:
    """Key under which the dependency is written; renamed keys get `package = ...`."""
    if key != prof["pkg"]:
        return key, {"package": prof["pkg"]}
    return key, {}


def dep(key: str, prof: dict, variant: str, **extra) -> dict:
    k, ren = dep_key(key, prof)
    d = dict(ren)
    d.update(spec(prof, variant, **extra))
    return {k: d}


def member(name, deps=None, features=None, edition="2021", path=None, listed=True):
    m = {"name": name, "edition": edition, "deps": deps or {}}
    if features is not None:
        m["features"] = features
    if path:
        m["path"] = path
    if not listed:
        m["listed"] = False
    return m


def root_for(resolver: str):
    """resolver '1'|'2'|'3' for a virtual workspace; 'none' = virtual without resolver key (=> 1)."""
    return {"kind": "virtual"} if resolver == "none" else {"kind": "virtual", "resolver": resolver}


def ed_for(resolver: str) -> str:
    return "2024" if resolver == "3" else "2021"


KIND_SECTIONS = {
    "dev": "dev-dependencies",
    "build": "build-dependencies",
    "unix": "target.'cfg(unix)'.dependencies",
    "windows": "target.'cfg(windows)'.dependencies",
    "macos": "target.'cfg(target_os = \"macos\")'.dependencies",
}


# --------------------------------------------------------------------------- templates
def t_kind_unify(suite):
    """A: the same crate as a normal dep without native TLS and as dev/build/target dep with it."""
    out = []
    first, second = UNIFY[suite]
    combos = [(first, r, k) for r in ["1", "2", "3"] for k in ["dev", "build", "unix", "windows"]
              if not (r == "3" and k in ("unix", "windows"))]
    combos += [(second, r, "dev") for r in ["none", "2"]]
    for key, res, kind in combos:
        prof = PROFILES[suite][key]
        deps = {"dependencies": dep(key, prof, "off"), KIND_SECTIONS[kind]: dep(key, prof, "on")}
        rname = {"none": "virtual workspace without resolver key (=> resolver 1)"}.get(res, f"resolver {res}")
        out.append({
            "slug": f"unify-{key}-r{res}-{kind}",
            "shape": f"{rname}; app: {prof['pkg']} {prof['req']} as normal dep without native TLS "
                     f"and as {KIND_SECTIONS[kind]} with native TLS on",
            "root": root_for(res),
            "members": [member("app", deps, edition=ed_for(res))],
        })
    # root package instead of a virtual workspace; edition decides the resolver
    for ed, kind in [("2018", "dev"), ("2024", "build")]:
        prof = PROFILES[suite][first]
        deps = {"dependencies": dep(first, prof, "off"), KIND_SECTIONS[kind]: dep(first, prof, "on")}
        out.append({
            "slug": f"unify-rootpkg-ed{ed}-{kind}",
            "shape": f"root package, edition {ed} (implied resolver {'1' if ed == '2018' else '2' if ed == '2021' else '3'}); "
                     f"{prof['pkg']} normal without native TLS, {KIND_SECTIONS[kind]} with it",
            "root": {"kind": "package"},
            "members": [member("app", deps, edition=ed, path=".")],
        })
    return out


def t_member_forwarding(suite):
    """B: member app enables member netlib's `native` feature, which forwards to the TLS crate."""
    out = []
    key = UNIFY[suite][0]
    prof = PROFILES[suite][key]
    k, _ = dep_key(key, prof)
    netlib = member("netlib", {"dependencies": dep(key, prof, "off")},
                    features={"native": [f"{k}/{prof['native']}"]})
    for res, how in [("1", "normal"), ("1", "dev"), ("1", "windows"), ("2", "normal"), ("2", "normal-nofeat"),
                     ("2", "dev"), ("2", "build"), ("2", "windows")]:
        if True:
            section = {"normal": "dependencies", "normal-nofeat": "dependencies", "dev": "dev-dependencies",
                       "build": "build-dependencies", "windows": KIND_SECTIONS["windows"],
                       "unix": KIND_SECTIONS["unix"]}[how]
            spec_ = {"path": "../netlib"} if how == "normal-nofeat" else {"path": "../netlib", "features": ["native"]}
            deps = {section: {"netlib": spec_}}
            if how in ("dev", "build", "windows", "unix"):
                deps["dependencies"] = {"netlib": {"path": "../netlib"}}
            out.append({
                "slug": f"forward-r{res}-{how}",
                "shape": f"resolver {res}; app -> path member netlib ({section}"
                         f"{'' if how == 'normal-nofeat' else ', features = [native]'}); netlib: native = [\"{k}/{prof['native']}\"]",
                "root": root_for(res),
                "members": [member("app", deps), netlib],
            })
    # a third member enables the feature; app does not (unification only when both are selected)
    out.append({
        "slug": "forward-sibling-enables",
        "shape": "resolver 2; app -> netlib (no features); tool -> netlib features=[native]: per-member trees differ",
        "root": root_for("2"),
        "members": [member("app", {"dependencies": {"netlib": {"path": "../netlib"}}}),
                    member("tool", {"dependencies": {"netlib": {"path": "../netlib", "features": ["native"]}}}),
                    netlib],
    })
    # chain: app -> mid (features = [native]) -> netlib (native forwarded through mid's feature)
    out.append({
        "slug": "forward-chain",
        "shape": "resolver 2; app -> mid features=[tls]; mid: tls = [\"netlib/native\"]; netlib forwards to the TLS crate",
        "root": root_for("2"),
        "members": [member("app", {"dependencies": {"mid": {"path": "../mid", "features": ["tls"]}}}),
                    member("mid", {"dependencies": {"netlib": {"path": "../netlib"}}}, features={"tls": ["netlib/native"]}),
                    netlib],
    })
    # root package forwards into a member
    out.append({
        "slug": "forward-rootpkg",
        "shape": "root package app (edition 2021) -> member netlib features=[native]",
        "root": {"kind": "package"},
        "members": [member("app", {"dependencies": {"netlib": {"path": "netlib", "features": ["native"]}}}, path="."),
                    netlib],
    })
    return out


def t_optional(suite):
    """C: optional deps, `dep:`, implicit optional-dependency features, weak `x?/feat` features."""
    out = []
    key = UNIFY[suite][0]
    prof = PROFILES[suite][key]
    k, _ = dep_key(key, prof)
    nt = {"native-tls": {"version": DIRECT[suite]["native-tls"], "optional": True}}

    def lib(features, extra_deps=None):
        deps = dict(nt)
        if extra_deps:
            deps.update(extra_deps)
        return member("tlsopt", {"dependencies": deps}, features=features)

    def app(spec_):
        return member("app", {"dependencies": {"tlsopt": dict({"path": "../tlsopt"}, **spec_)}})

    variants = [
        ("dep-default", {"default": ["tls"], "tls": ["dep:native-tls"]}, {}, None,
         "tlsopt: default = [tls], tls = [dep:native-tls]; app uses default features"),
        ("dep-default-off", {"default": ["tls"], "tls": ["dep:native-tls"]}, {"default-features": False}, None,
         "tlsopt: default = [tls], tls = [dep:native-tls]; app: default-features = false"),
        ("dep-explicit", {"default": [], "tls": ["dep:native-tls"]}, {"default-features": False, "features": ["tls"]}, None,
         "tlsopt: tls = [dep:native-tls], not default; app enables tls"),
        ("implicit-default", {"default": ["native-tls"]}, {}, None,
         "tlsopt: implicit optional-dependency feature native-tls in default"),
        ("implicit-off", {"default": []}, {}, None,
         "tlsopt: optional native-tls (implicit feature) not enabled by anyone"),
        ("implicit-app", {"default": []}, {"features": ["native-tls"]}, None,
         "tlsopt: optional native-tls (implicit feature) enabled by app"),
    ]
    for slug, feats, aspec, res, shape in variants:
        for r in ["2"] if slug != "implicit-app" else ["1", "2"]:
            out.append({"slug": f"optional-{slug}-r{r}", "shape": f"resolver {r}; {shape}", "root": root_for(r),
                        "members": [app(aspec), lib(feats)]})
    # weak features on the TLS crate
    optdep = dep(key, prof, "off", optional=True)
    weak = [
        ("weak-only", {"default": ["native"], "native": [f"{k}?/{prof['native']}"]}, {},
         f"tlsopt: native = [\"{k}?/{prof['native']}\"] in default, optional {k} never enabled"),
        ("weak-with-dep", {"default": ["native", "http"], "native": [f"{k}?/{prof['native']}"], "http": [f"dep:{k}"]}, {},
         f"tlsopt: weak native plus http = [dep:{k}] both default"),
        ("weak-implicit", {"default": ["native", k], "native": [f"{k}?/{prof['native']}"]}, {},
         f"tlsopt: weak native plus implicit feature {k} in default"),
        ("weak-app-enables-dep", {"default": ["native"], "native": [f"{k}?/{prof['native']}"]}, {"features": [k]},
         f"tlsopt: weak native default; app enables implicit feature {k}"),
        ("weak-nodefault", {"default": ["native", k], "native": [f"{k}?/{prof['native']}"]}, {"default-features": False},
         "tlsopt: weak native plus implicit dep feature; app: default-features = false"),
        ("strong-enables-dep", {"default": ["native"], "native": [f"{k}/{prof['native']}"]}, {},
         f"tlsopt: native = [\"{k}/{prof['native']}\"] (non-weak) enables optional {k}"),
    ]
    for slug, feats, aspec, shape in weak:
        for r in ["2"] if slug != "weak-only" else ["1", "2"]:
            out.append({"slug": f"optional-{slug}-r{r}", "shape": f"resolver {r}; {shape}", "root": root_for(r),
                        "members": [app(aspec), member("tlsopt", {"dependencies": optdep}, features=feats)]})
    return out


def t_renamed(suite):
    """D: renamed dependencies (`http = { package = "...", ... }`)."""
    out = []
    key = UNIFY[suite][0]
    prof = PROFILES[suite][key]
    pkg, nat = prof["pkg"], prof["native"]
    off = spec(prof, "off")
    on = spec(prof, "on")
    out.append({"slug": "renamed-feature", "shape": f"http = {{ package = \"{pkg}\" }} without native TLS; default feature native = [\"http/{nat}\"]",
                "root": root_for("2"),
                "members": [member("app", {"dependencies": {"http": dict({"package": pkg}, **off)}},
                                   features={"default": ["native"], "native": [f"http/{nat}"]})]})
    out.append({"slug": "renamed-optional", "shape": f"optional renamed http = {{ package = \"{pkg}\" }}; tls = [\"dep:http\", \"http/{nat}\"] not default",
                "root": root_for("2"),
                "members": [member("app", {"dependencies": {"http": dict({"package": pkg, "optional": True}, **off)}},
                                   features={"tls": ["dep:http", f"http/{nat}"]})]})
    out.append({"slug": "renamed-workspace", "shape": f"[workspace.dependencies] http = {{ package = \"{pkg}\", default-features = false }}; member adds features [{nat}]",
                "root": dict(root_for("2"), workspace_deps={"http": dict({"package": pkg}, **off)}),
                "members": [member("app", {"dependencies": {"http": {"workspace": True, "features": [nat]}}}),
                            member("tool", {"dependencies": {"http": {"workspace": True}}})]})
    for res in ["1", "2"]:
        out.append({"slug": f"renamed-dev-r{res}", "shape": f"resolver {res}; {pkg} normal without native TLS and renamed dev-dep webclient = {{ package = \"{pkg}\" }} with it",
                    "root": root_for(res),
                    "members": [member("app", {"dependencies": {pkg: dict(off)},
                                               "dev-dependencies": {"webclient": dict({"package": pkg}, **on)}})]})
    return out


def t_two_versions(suite):
    """E: two locked versions of one crate (renamed), or two different client crates."""
    out = []
    pair = TWO_VERSIONS[suite]
    if pair:
        a, b = PROFILES[suite][pair[0]], PROFILES[suite][pair[1]]
        bk = f"reqwest{b['req'].replace('.', '')}"
        out.append({"slug": "two-versions-new-native", "shape": f"reqwest {a['req']} with native TLS and reqwest {b['req']} (renamed {bk}) without",
                    "root": root_for("2"),
                    "members": [member("app", {"dependencies": {"reqwest": spec(a, "on"), bk: dict({"package": "reqwest"}, **spec(b, "off"))}})]})
        out.append({"slug": "two-versions-old-native", "shape": f"reqwest {a['req']} without native TLS and reqwest {b['req']} (renamed {bk}) with it",
                    "root": root_for("2"),
                    "members": [member("app", {"dependencies": {"reqwest": spec(a, "off"), bk: dict({"package": "reqwest"}, **spec(b, "on"))}})]})
        out.append({"slug": "two-versions-members", "shape": f"member app uses reqwest {a['req']} (no native TLS), member tool reqwest {b['req']} (native TLS)",
                    "root": root_for("2"),
                    "members": [member("app", {"dependencies": {"reqwest": spec(a, "off")}}),
                                member("tool", {"dependencies": {"reqwest": dict(spec(b, "on"))}})]})
        out.append({"slug": "two-versions-dev", "shape": f"resolver 1; reqwest {a['req']} normal without native TLS, reqwest {b['req']} as dev-dep with it",
                    "root": root_for("1"),
                    "members": [member("app", {"dependencies": {"reqwest": spec(a, "off")},
                                               "dev-dependencies": {bk: dict({"package": "reqwest"}, **spec(b, "on"))}})]})
    # two different crates both reaching native-tls (every suite)
    p1 = PROFILES[suite][UNIFY[suite][0]]
    p2 = PROFILES[suite][SECOND[suite]]
    k1, _ = dep_key(UNIFY[suite][0], p1)
    k2, _ = dep_key(SECOND[suite], p2)
    out.append({"slug": "two-clients-native", "shape": f"{p1['pkg']} {p1['req']} and {p2['pkg']} {p2['req']} both with native TLS",
                "root": root_for("2"),
                "members": [member("app", {"dependencies": {**dep(UNIFY[suite][0], p1, "on"), **dep(SECOND[suite], p2, "on")}})]})
    out.append({"slug": "two-clients-mixed", "shape": f"{p1['pkg']} without native TLS, {p2['pkg']} with it, in two members",
                "root": root_for("2"),
                "members": [member("app", {"dependencies": dep(UNIFY[suite][0], p1, "off")}),
                            member("tool", {"dependencies": dep(SECOND[suite], p2, "on")})]})
    return out


def t_targets(suite):
    """F: target-only dependencies under various cfg() / triple specs."""
    out = []
    direct = DIRECT[suite]
    cfgs = [
        ("windows", "cfg(windows)"), ("unix", "cfg(unix)"), ("macos", 'cfg(target_os = "macos")'),
        ("not-windows", "cfg(not(windows))"), ("triple-linux", "x86_64-unknown-linux-gnu"),
        ("unix-not-macos", 'cfg(all(unix, not(target_os = "macos")))'),
    ]
    if suite == "bookworm":
        cfgs += [("linux", 'cfg(target_os = "linux")'), ("triple-msvc", "x86_64-pc-windows-msvc")]
    elif suite == "trixie":
        cfgs += [("any-win-mac", 'cfg(any(windows, target_os = "macos"))')]
    else:
        cfgs += [("wasm", 'cfg(target_arch = "wasm32")')]
    for i, (slug, cfg) in enumerate(cfgs):
        crate = ["native-tls", "openssl", "native-tls", "openssl-sys", "native-tls"][i % 5]
        out.append({"slug": f"target-{slug}", "shape": f"{crate} only under [target.'{cfg}'.dependencies]",
                    "root": root_for("2"),
                    "members": [member("app", {f"target.'{cfg}'.dependencies": {crate: direct[crate]}})]})
    key = UNIFY[suite][0]
    prof = PROFILES[suite][key]
    for res in ["1", "2"]:
        out.append({"slug": f"target-dev-unix-r{res}", "shape": f"resolver {res}; {prof['pkg']} normal without native TLS; [target.'cfg(unix)'.dev-dependencies] with it",
                    "root": root_for(res),
                    "members": [member("app", {"dependencies": dep(key, prof, "off"),
                                               "target.'cfg(unix)'.dev-dependencies": dep(key, prof, "on")})]})
        if res == "2":
            continue
        out.append({"slug": f"target-build-macos-r{res}", "shape": f"resolver {res}; {prof['pkg']} normal without native TLS; [target.'cfg(target_os = \"macos\")'.build-dependencies] with it",
                    "root": root_for(res),
                    "members": [member("app", {"dependencies": dep(key, prof, "off"),
                                               "target.'cfg(target_os = \"macos\")'.build-dependencies": dep(key, prof, "on")})]})
    out.append({"slug": "target-optional-windows", "shape": "optional native-tls under cfg(windows) enabled by default feature; optional openssl under cfg(unix) enabled by feature",
                "root": root_for("2"),
                "members": [member("app", {"target.'cfg(windows)'.dependencies": {"native-tls": {"version": direct["native-tls"], "optional": True}},
                                           "target.'cfg(unix)'.dependencies": {"openssl": {"version": direct["openssl"], "optional": True}}},
                                   features={"default": ["native-tls"], "ossl": ["dep:openssl"]})]})
    return out


def t_workspace_inherit(suite):
    """G: [workspace.dependencies] inheritance with added features / default-features."""
    out = []
    key = UNIFY[suite][0]
    prof = PROFILES[suite][key]
    pkg, nat = prof["pkg"], prof["native"]
    k, ren = dep_key(key, prof)
    off = dict(ren, **spec(prof, "off"))
    on = dict(ren, **spec(prof, "on"))
    nodef = dict(ren, version=prof["req"], **{"default-features": False})
    cases = [
        ("ws-off-member-native", off, [("app", {"workspace": True, "features": [nat]}), ("tool", {"workspace": True})], "2",
         f"workspace dep {pkg} without native TLS; app adds features [{nat}], tool inherits as is"),
        ("ws-default-member-json", on, [("app", {"workspace": True, "features": ["json"] if pkg == "reqwest" else []})], "2",
         f"workspace dep {pkg} with default features; member adds a non-TLS feature"),
        ("ws-default-member-nodefault", on, [("app", {"workspace": True, "default-features": False})], "2",
         f"workspace dep {pkg} default features; member says default-features = false (ignored by cargo, with a warning)"),
        ("ws-nodefault-member-default", nodef, [("app", {"workspace": True, "default-features": True})], "2",
         f"workspace dep {pkg} default-features = false; member sets default-features = true"),
        ("ws-nodefault-member-inherit", nodef, [("app", {"workspace": True})], "2",
         f"workspace dep {pkg} default-features = false; member inherits"),
        ("ws-optional-member", off, [("app", {"workspace": True, "optional": True, "features": [nat]})], "2",
         f"member: {k} = {{ workspace = true, optional = true, features = [{nat}] }}, not enabled by default"),
        ("ws-dev-native-r1", off, [("app", {"workspace": True}), ("app#dev", {"workspace": True, "features": [nat]})], "1",
         f"resolver 1; workspace dep {pkg} as normal dep and as dev-dep with added feature {nat}"),
        ("ws-dev-native-r2", off, [("app", {"workspace": True}), ("app#dev", {"workspace": True, "features": [nat]})], "2",
         f"resolver 2; workspace dep {pkg} as normal dep and as dev-dep with added feature {nat}"),
    ]
    for slug, wsdep, uses, res, shape in cases:
        mems = {}
        for who, s in uses:
            name, _, sect = who.partition("#")
            section = "dev-dependencies" if sect == "dev" else "dependencies"
            s = {kk: vv for kk, vv in s.items() if vv != []}
            mems.setdefault(name, {}).setdefault(section, {})[k] = s
        feats = None
        if slug == "ws-optional-member":
            feats = {"default": []}
        members = [member(n, d, features=feats if n == "app" else None) for n, d in mems.items()]
        out.append({"slug": slug, "shape": f"resolver {res}; {shape}",
                    "root": dict(root_for(res), workspace_deps={k: wsdep}), "members": members})
    return out


# H: (profile key, variant) pairs; variant is a profile field or "default" / "nodefault" / "nodefault-native"
MATRIX = {
    "bookworm": [("reqwest", "default"), ("reqwest", "nodefault"), ("git2", "default"), ("git2", "nodefault-native"),
                 ("isahc", "default"), ("isahc", "nodefault"), ("ureq", "on"), ("tiny_http", "on"),
                 ("trust-dns-resolver", "on"), ("oauth2", "on")],
    "trixie": [("reqwest", "off"), ("reqwest011", "default"), ("sqlx", "default"), ("sqlx", "on"),
               ("tokio-tungstenite", "on"), ("ureq", "on"), ("git2", "default"), ("octocrab", "default"),
               ("octocrab", "on"), ("hickory-resolver", "on"), ("hickory-resolver", "alt"), ("oauth2", "on"),
               ("isahc", "default")],
    "sid": [("reqwest", "default"), ("reqwest", "on"), ("reqwest012", "default"), ("redis", "on"), ("redis", "alt"),
            ("redis", "rustls"), ("attohttpc", "default"), ("attohttpc", "off"), ("sqlx", "on"),
            ("tokio-tungstenite", "on"), ("ureq", "on"), ("octocrab", "on"), ("oauth2", "on"), ("isahc", "default")],
}
DIRECT_MATRIX = {"bookworm": ["hyper-tls"], "trixie": ["async-native-tls", "ssh2"],
                 "sid": ["async-native-tls", "ssh2"]}


def t_matrix(suite):
    """H: each client crate alone, in the configurations that matter for native TLS."""
    out = []
    for key, variant in MATRIX[suite]:
        prof = PROFILES[suite][key]
        if variant == "default":
            s = {"version": prof["req"]}
        elif variant == "nodefault":
            s = {"version": prof["req"], "default-features": False}
        elif variant == "nodefault-native":
            s = {"version": prof["req"], "default-features": False, "features": [prof["native"]]}
        else:
            s = spec(prof, variant)
        k, ren = dep_key(key, prof)
        out.append({"slug": f"crate-{key}-{variant}".replace("_", "-"),
                    "shape": f"{prof['pkg']} {prof['req']} alone ({variant}): {s}",
                    "root": root_for("2"),
                    "members": [member("app", {"dependencies": {k: dict(ren, **s)}})]})
    for crate in DIRECT_MATRIX[suite]:
        req = DIRECT[suite][crate]
        out.append({"slug": f"crate-direct-{crate}", "shape": f"{crate} {req} as a plain dependency",
                    "root": root_for("2"), "members": [member("app", {"dependencies": {crate: req}})]})
    return out


# I (issue 13): the per-suite crates of the build templates.
#   opt : a crate whose default features reach native TLS, made optional behind a member feature (`git`/`http`)
#   tgt : declared target-specifically on several members (native under one cfg, rustls under another)
OPT = {"bookworm": ("git2", "git"), "trixie": ("git2", "git"), "sid": ("attohttpc", "http")}
TGT = {"bookworm": "reqwest", "trixie": "reqwest", "sid": "attohttpc"}


def path_to(frm: str, to: str) -> dict:
    """A path dependency from the package at directory frm to the one at directory to ("." is the root)."""
    return {"path": os.path.relpath(to, frm).replace(os.sep, "/")}


def t_builds(suite):
    """I (issue 13): a member's build reaches native TLS through other local packages (members, implicit
    members, excluded path packages): features requested by dependents along path chains 2-4 deep, unification
    of sibling declarations, dev- and build-dependencies on members, resolver 1 unifying across targets, platform
    only declarations, root packages. The oracle's buildFindings (and platformFindings) are what these test."""
    out = []
    prof = PROFILES[suite]
    okey, feat = OPT[suite]
    opt = prof[okey]
    net_opt = {"dependencies": {okey: dict(spec(opt, "on"), optional=True)}}
    net_feats = {feat: [f"dep:{okey}"]}
    mkey = UNIFY[suite][0]
    main = prof[mkey]
    mk, _ = dep_key(mkey, main)
    curl = prof["curl"]
    tkey = TGT[suite]
    tgt = prof[tkey]

    def case(slug, shape, members, resolver="2", **root):
        kind = "package" if any(m.get("path") == "." for m in members) else "virtual"
        r = {"kind": kind} if kind == "package" else root_for(resolver)
        r.update(root)
        out.append({"slug": f"build-{slug}", "shape": shape if kind == "package" else f"resolver {resolver}; {shape}",
                    "root": r, "members": members})

    def net(path="net", listed=True, edition="2021"):
        return member("net", net_opt, features=net_feats, path=path, listed=listed, edition=edition)

    def netf(path="net"):
        """net forwards `native` to the main client, which it declares without native TLS."""
        return member("net", {"dependencies": dep(mkey, main, "off")}, features={"native": [f"{mk}/{main['native']}"]}, path=path)

    # (1) a feature requested by another member, along path chains
    case("chain2-feature", f"bin -> net features=[{feat}]; net: optional {okey}, {feat} = [dep:{okey}]",
         [member("bin", {"dependencies": {"net": path_to("bin", "net") | {"features": [feat]}}}), net()])
    for r in ["2", "1"]:
        case(f"chain3-feature-r{r}", f"bin -> core -> net features=[{feat}] (asked by core); net: optional {okey}",
             [member("bin", {"dependencies": {"core": path_to("bin", "core")}}),
              member("core", {"dependencies": {"net": path_to("core", "net") | {"features": [feat]}}}), net()], resolver=r)
    case("chain4-feature-r3", f"edition 2024; app -> bin -> core -> net features=[{feat}]; net: optional {okey}",
         [member("app", {"dependencies": {"bin": path_to("app", "bin")}}, edition="2024"),
          member("bin", {"dependencies": {"core": path_to("bin", "core")}}, edition="2024"),
          member("core", {"dependencies": {"net": path_to("core", "net") | {"features": [feat]}}}, edition="2024"),
          net(edition="2024")], resolver="3")
    case("chain3-forward", f"bin -> core features=[tls]; core: tls = [net/native]; net: native = [{mk}/{main['native']}]",
         [member("bin", {"dependencies": {"core": path_to("bin", "core") | {"features": ["tls"]}}}),
          member("core", {"dependencies": {"net": path_to("core", "net")}}, features={"tls": ["net/native"]}), netf()])
    case("chain3-optional-core", f"bin -> core features=[{feat}]; core: optional net, {feat} = [dep:net, net/{feat}]; tool -> core (none)",
         [member("bin", {"dependencies": {"core": path_to("bin", "core") | {"features": [feat]}}}),
          member("tool", {"dependencies": {"core": path_to("tool", "core")}}),
          member("core", {"dependencies": {"net": path_to("core", "net") | {"optional": True}}},
                 features={"default": [], feat: ["dep:net", f"net/{feat}"]}), net()])
    case("chain3-weak", f"bin -> core features=[net]; core: optional net, default tls = [net?/{feat}]; tool -> core (defaults)",
         [member("bin", {"dependencies": {"core": path_to("bin", "core") | {"features": ["net"]}}}),
          member("tool", {"dependencies": {"core": path_to("tool", "core")}}),
          member("core", {"dependencies": {"net": path_to("core", "net") | {"optional": True}}},
                 features={"default": ["tls"], "tls": [f"net?/{feat}"]}), net()])
    case("diamond", f"app -> a, b; a -> net features=[{feat}]; b -> net: b's net line in app's build",
         [member("app", {"dependencies": {"a": path_to("app", "a"), "b": path_to("app", "b")}}),
          member("a", {"dependencies": {"net": path_to("a", "net") | {"features": [feat]}}}),
          member("b", {"dependencies": {"net": path_to("b", "net")}}), net()])
    # (2) unification across sibling declarations
    for slug, p_, pk, r, sect in [("sibling-unify", curl, "curl", "2", "dependencies"),
                                  ("sibling-unify-r1", curl, "curl", "1", "dependencies"),
                                  ("sibling-unify-main", main, mkey, "2", "dependencies"),
                                  ("sibling-unify-dev-r1", curl, "curl", "1", "dev-dependencies"),
                                  ("sibling-unify-dev-r2", curl, "curl", "2", "dev-dependencies")]:
        m1 = {sect: dep(pk, p_, "on")}
        m1.setdefault("dependencies", {})["m2"] = path_to("m1", "m2")
        case(slug, f"m1: {p_['pkg']} {p_['req']} with native TLS ({sect}) and -> member m2; m2: {p_['pkg']} without it",
             [member("m1", m1), member("m2", {"dependencies": dep(pk, p_, "off")})], resolver=r)
    # dev- and build-dependencies on members
    case("dev-member", f"app dev-depends on member testutil; testutil: {main['pkg']} with native TLS",
         [member("app", {"dev-dependencies": {"testutil": path_to("app", "testutil")}}),
          member("testutil", {"dependencies": dep(mkey, main, "on")})])
    case("build-member", "app build-depends on member gen; gen: curl with default features",
         [member("app", {"build-dependencies": {"gen": path_to("app", "gen")}}),
          member("gen", {"dependencies": dep("curl", curl, "on")})])
    for kind, other in [("dev", "testutil"), ("build", "gen")]:
        for r in ["1", "2"]:
            case(f"{kind}-member-feature-r{r}", f"app -> net; app {kind}-depends on {other}; {other} -> net features=[native]",
                 [member("app", {"dependencies": {"net": path_to("app", "net")},
                                 f"{kind}-dependencies": {other: path_to("app", other)}}),
                  member(other, {"dependencies": {"net": path_to(other, "net") | {"features": ["native"]}}}), netf()],
                 resolver=r)
    # non-member path packages
    case("exclude-path", f"members = [app], exclude = [vendor/net]; app -> vendor/net features=[{feat}]",
         [member("app", {"dependencies": {"net": path_to("app", "vendor/net") | {"features": [feat]}}}),
          net(path="vendor/net", listed=False)], exclude=["vendor/net"])
    case("exclude-chain", f"members = [bin, core], exclude = [vendor]; bin -> core -> vendor/net features=[{feat}]",
         [member("bin", {"dependencies": {"core": path_to("bin", "core")}}),
          member("core", {"dependencies": {"net": path_to("core", "vendor/net") | {"features": [feat]}}}),
          net(path="vendor/net", listed=False)], exclude=["vendor"])
    case("implicit-member", f"members = [app]; app -> libs/net (a path dependency inside the root: an implicit member) features=[{feat}]",
         [member("app", {"dependencies": {"net": path_to("app", "libs/net") | {"features": [feat]}}}),
          net(path="libs/net", listed=False)])
    # (3) one crate declared target-specifically on several members
    for r in ["1", "2"]:
        case(f"target-unify-r{r}", f"m0: {tgt['pkg']} with native TLS under cfg(windows), -> m1; m1: {tgt['pkg']} rustls under cfg(unix)",
             [member("m0", {KIND_SECTIONS["windows"]: dep(tkey, tgt, "on"), "dependencies": {"m1": path_to("m0", "m1")}}),
              member("m1", {KIND_SECTIONS["unix"]: dep(tkey, tgt, "off")})], resolver=r)
    case("target-unify-macos-r1", f"m0: {tgt['pkg']} native under macOS, -> m1; m1: {tgt['pkg']} rustls under cfg(not(windows)); m2 -> m1 only",
         [member("m0", {KIND_SECTIONS["macos"]: dep(tkey, tgt, "on"), "dependencies": {"m1": path_to("m0", "m1")}}),
          member("m1", {"target.'cfg(not(windows))'.dependencies": dep(tkey, tgt, "off")}),
          member("m2", {"dependencies": {"m1": path_to("m2", "m1")}})], resolver="1")
    # (4) platform-only declarations
    rq = prof["reqwest"]
    case("platform-macos-reqwest", f"app -> net; net: {rq['pkg']} {rq['req']} with native TLS only under cfg(target_os = \"macos\")",
         [member("app", {"dependencies": {"net": path_to("app", "net")}}),
          member("net", {KIND_SECTIONS["macos"]: dep("reqwest", rq, "on")})])
    case("platform-windows-native-tls", "app -> lib; lib: native-tls under cfg(windows); app: openssl under cfg(unix)",
         [member("app", {"dependencies": {"lib": path_to("app", "lib")}, KIND_SECTIONS["unix"]: {"openssl": DIRECT[suite]["openssl"]}}),
          member("lib", {KIND_SECTIONS["windows"]: {"native-tls": DIRECT[suite]["native-tls"]}})])
    # root package plus members
    case("rootpkg-chain", f"root package app -> core -> net features=[{feat}]",
         [member("app", {"dependencies": {"core": path_to(".", "core")}}, path="."),
          member("core", {"dependencies": {"net": path_to("core", "net") | {"features": [feat]}}}), net()])
    case("rootpkg-dev-member", f"root package app (edition 2024) dev-depends on member testutil; testutil: {main['pkg']} with native TLS",
         [member("app", {"dev-dependencies": {"testutil": path_to(".", "testutil")}}, path=".", edition="2024"),
          member("testutil", {"dependencies": dep(mkey, main, "on")}, edition="2024")])
    # mixes
    case("mix-chain-sibling", f"bin: curl with defaults, -> core; core: curl without, -> net features=[{feat}]",
         [member("bin", {"dependencies": dict(dep("curl", curl, "on"), core=path_to("bin", "core"))}),
          member("core", {"dependencies": dict(dep("curl", curl, "off"), net=path_to("core", "net") | {"features": [feat]})}), net()])
    case("mix-build-chain", f"app build-depends on core features=[{feat}]; core: {feat} = [net/{feat}] -> net",
         [member("app", {"build-dependencies": {"core": path_to("app", "core") | {"features": [feat]}}}),
          member("core", {"dependencies": {"net": path_to("core", "net")}}, features={feat: [f"net/{feat}"]}), net()])
    case("mix-dev-target-r1", f"app: {main['pkg']} without native TLS, dev-depends on testutil; testutil: {main['pkg']} with it under cfg(unix)",
         [member("app", {"dependencies": dep(mkey, main, "off"), "dev-dependencies": {"testutil": path_to("app", "testutil")}}),
          member("testutil", {KIND_SECTIONS["unix"]: dep(mkey, main, "on")})], resolver="1")
    case("mix-ws-inherit", f"[workspace.dependencies] {main['pkg']} without native TLS; m1 adds [{main['native']}] and -> m2; m2 inherits",
         [member("m1", {"dependencies": {mk: {"workspace": True, "features": [main["native"]]}, "m2": path_to("m1", "m2")}}),
          member("m2", {"dependencies": {mk: {"workspace": True}}})],
         workspace_deps={mk: dict(dep(mkey, main, "off")[mk])})
    return out


def t_regressions(suite):
    """J: random workspaces (random_cases.py) on which fuzz.py found tls-audit wrong, kept as data once fixed
    (adopt.py writes regressions.json). Last, so that adopting a case renumbers no other."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "regressions.json")
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [dict(case) for case in json.load(f).get(suite, [])]


TEMPLATES = [t_kind_unify, t_member_forwarding, t_optional, t_renamed, t_two_versions, t_targets,
             t_workspace_inherit, t_matrix, t_builds, t_regressions]


def cases_for(suite: str) -> list[dict]:
    out = []
    for t in TEMPLATES:
        out.extend(t(suite))
    slugs = [c["slug"] for c in out]
    assert len(slugs) == len(set(slugs)), "duplicate slugs"
    for i, c in enumerate(out, 1):
        c["dir"] = f"{i:03d}-{c['slug']}"
    return out


if __name__ == "__main__":
    import sys
    for s in sys.argv[1:] or ["bookworm", "trixie", "sid"]:
        cs = cases_for(s)
        print(s, len(cs))
        for c in cs:
            print("  ", c["dir"], "|", c["shape"])
