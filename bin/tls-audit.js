#!/usr/bin/env node
// Entry point for both `tls-audit` and `cargo-tls-audit`; runs the built CLI.
// CommonJS (bin/package.json): Node starts an ES module entry several milliseconds slower, which a pre-commit hook
// would pay on every commit. The require is guarded so that a broken install says so in one line, not a stack trace.
"use strict";
// A run lasts a few hundred milliseconds, and V8's default tier-up budget, tuned for long-lived programs, spends much
// of that compiling functions with TurboFan that are barely used after (on two cores, beside the main thread): four
// times the budget optimises only what stays hot. Set before the CLI is compiled, so its code cache matches
// (docs/decisions.md, "Issue 16", the tier-up budget). Only on Node 20's V8 11, where it was measured: a V8 that
// no longer has the flag would print an error on every run.
if (process.versions.v8.startsWith("11.")) require("node:v8").setFlagsFromString("--interrupt-budget=270336");
const { join } = require("node:path");
let run;
try {
  ({ run } = require("../dist/cli/startup.cjs"));
} catch (error) {
  process.stderr.write(`tls-audit: internal error, please report (installation is incomplete): ${String(error?.message ?? error).split("\n")[0]}\n`);
  process.exit(2);
}
run(process.argv.slice(2), join(__dirname, "..", "dist")).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`tls-audit: internal error, please report: ${String(error?.message ?? error).split("\n")[0]}\n`);
    process.exitCode = 2;
  },
);
