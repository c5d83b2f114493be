#!/usr/bin/env node
// Entry point for both `tls-audit` and `cargo-tls-audit`; runs the built CLI.
import { main } from "../dist/src/cli/main.js";

process.exitCode = await main(process.argv.slice(2));
