#!/usr/bin/env node
// Bundles the built CLI into dist/cli/: one file loads in about a third of the time of ~70 modules and their
// dependencies, and as CommonJS it can be compiled from V8's code cache (src/cli/bundle-loader.ts; measurements in
// docs/decisions.md). The library (dist/src) stays unbundled ES modules.
import { rmSync } from "node:fs";
import { build } from "esbuild";

// Nothing of an earlier build's layout may stay behind and ship in the package.
rmSync(new URL("../dist/cli", import.meta.url), { recursive: true, force: true });

const common = {
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20.19",
  // Names are kept so that an internal error still names the function it came from.
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: "warning",
};

// The start-up module, apart (bin/tls-audit.js requires it: a CommonJS entry starts faster). It answers "nothing
// to check" and cached runs without loading the CLI.
await build({
  ...common,
  entryPoints: [new URL("../dist/src/cli/startup.js", import.meta.url).pathname],
  outfile: new URL("../dist/cli/startup.cjs", import.meta.url).pathname,
});

await build({
  ...common,
  entryPoints: [new URL("../dist/src/cli/bundle-entry.js", import.meta.url).pathname],
  outfile: new URL("../dist/cli/cli.cjs", import.meta.url).pathname,
  // Only --online needs these, and its code requires them only when it runs: they load from node_modules then.
  external: ["undici", "ora"],
  // The CLI finds its package.json from its own location.
  define: { "import.meta.url": "__tlsAuditModuleUrl" },
  banner: { js: 'var __tlsAuditModuleUrl = require("node:url").pathToFileURL(__filename).href;' },
});
