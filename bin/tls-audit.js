#!/usr/bin/env node
// Entry point for both `tls-audit` and `cargo-tls-audit`; runs the built CLI.
// The import is guarded so that a broken install says so in one line instead of a stack trace.
let run;
try {
  ({ run } = await import("../dist/cli/startup.mjs"));
} catch (error) {
  process.stderr.write(`tls-audit: internal error, please report (installation is incomplete): ${String(error?.message ?? error).split("\n")[0]}\n`);
  process.exit(2);
}
process.exitCode = await run(process.argv.slice(2));
