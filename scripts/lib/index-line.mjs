// Index lines from normalised Cargo.toml manifests, as a registry publishes them (shared by the fixture generators).
//
// Used by scripts/gen-registry-formats.mjs (which serves them to real cargo) and scripts/gen-online-index.mjs
// (which checks them against the lines cargo stored, then writes fixtures/online-index/).

/** A requirement as cargo publishes it (semver's `VersionReq` display): a bare `1.2` becomes `^1.2`. */
export function publishedReq(req) {
  if (req === undefined) return "*";
  return req
    .split(",")
    .map((part) => part.trim())
    .map((part) => (/^\d/.test(part) ? `^${part}` : part.replace(/^([<>=~^]+)\s+/, "$1")))
    .join(", ");
}

function indexDeps(table, kind, target) {
  const deps = [];
  for (const [key, spec] of Object.entries(table ?? {})) {
    const s = typeof spec === "string" ? { version: spec } : spec;
    const dep = {
      name: key,
      req: publishedReq(s.version),
      features: s.features ?? [],
      optional: s.optional ?? false,
      default_features: s["default-features"] ?? s.default_features ?? true,
      target,
      kind,
    };
    if (s.registry) dep.registry = s.registry;
    if (s.package) dep.package = s.package;
    deps.push(dep);
  }
  return deps;
}

function depTables(scope, target) {
  return [
    ...indexDeps(scope.dependencies, "normal", target),
    ...indexDeps(scope["dev-dependencies"] ?? scope.dev_dependencies, "dev", target),
    ...indexDeps(scope["build-dependencies"] ?? scope.build_dependencies, "build", target),
  ];
}

/** One index line, the way crates.io splits new-syntax features into `features2` (with `v: 2`). */
export function indexLine(manifest, cksum) {
  const pkg = manifest.package;
  const deps = depTables(manifest, null);
  for (const [target, scope] of Object.entries(manifest.target ?? {})) deps.push(...depTables(scope, target));
  deps.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const features = {};
  const features2 = {};
  for (const [name, values] of Object.entries(manifest.features ?? {})) {
    const modern = values.some((v) => v.startsWith("dep:") || v.includes("?/"));
    (modern ? features2 : features)[name] = values;
  }
  const line = { name: pkg.name, vers: pkg.version, deps, cksum, features, yanked: false };
  if (pkg.links) line.links = pkg.links;
  if (Object.keys(features2).length > 0) {
    line.features2 = features2;
    line.v = 2;
  }
  if (typeof pkg["rust-version"] === "string") line.rust_version = pkg["rust-version"];
  return JSON.stringify(line);
}

export function indexPath(name) {
  const n = name.toLowerCase();
  if (n.length === 1) return `1/${n}`;
  if (n.length === 2) return `2/${n}`;
  if (n.length === 3) return `3/${n[0]}/${n}`;
  return `${n.slice(0, 2)}/${n.slice(2, 4)}/${n}`;
}
