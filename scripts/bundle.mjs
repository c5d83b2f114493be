#!/usr/bin/env node
// Bundles the built CLI into dist/cli/: one file (plus chunks loaded when used) loads in about a third of the time
// of ~70 modules and their dependencies (measurements in docs/decisions.md). The library (dist/src) stays unbundled.
import { rmSync } from "node:fs";
import { build } from "esbuild";

// Chunk names carry a hash: without a clean output directory, old chunks pile up and ship in the package.
rmSync(new URL("../dist/cli", import.meta.url), { recursive: true, force: true });

const common = {
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20.19",
  // Names are kept so that an internal error still names the function it came from.
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: "warning",
  // CommonJS dependencies (semver, picomatch) call require(); ESM output needs one made for it.
  banner: { js: 'import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);' },
};

// The start-up module, apart and as CommonJS (bin/tls-audit.js requires it: a CommonJS entry starts faster). It
// answers "nothing to check" and cached runs without loading the CLI.
await build({
  ...common,
  format: "cjs",
  entryPoints: [new URL("../dist/src/cli/startup.js", import.meta.url).pathname],
  outfile: new URL("../dist/cli/startup.cjs", import.meta.url).pathname,
  banner: {},
});

await build({
  ...common,
  entryPoints: [new URL("../dist/src/cli/bundle-entry.js", import.meta.url).pathname],
  outdir: new URL("../dist/cli", import.meta.url).pathname,
  outExtension: { ".js": ".mjs" },
  // Dynamic imports (--online) become chunks loaded only when used, with the dependencies they import.
  splitting: true,
  chunkNames: "chunks/[name]-[hash]",
  // Only --online needs these; left out, they load from node_modules when it is given.
  external: ["undici", "ora"],
});
