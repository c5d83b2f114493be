#!/usr/bin/env node
// A lower bound for an audit, as a bench row: read a workspace's Cargo.lock, and read and parse every Cargo.toml
// under it with smol-toml (the parser tls-audit reads manifests with). The lock is only read, not parsed (tls-audit
// decodes it with a faster path of its own), and no crate's own manifest is read. Nothing else: no graph, no
// resolution, no report. An audit reads at least these files and needs the manifests' data, so tls-audit cannot
// start and finish faster than this.
//
//   node bench/parse-only.cjs WORKSPACE_DIR
// CommonJS, as bin/tls-audit.js: an ES module entry starts a few milliseconds later.
"use strict";
const { readdirSync, readFileSync } = require("node:fs");
const { join } = require("node:path");
const { parse } = require("smol-toml");

const workspace = process.argv[2];
const manifests = [];
const walk = (dir) => {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory() && entry.name !== "target" && !entry.name.startsWith(".")) walk(join(dir, entry.name));
    else if (entry.name === "Cargo.toml") manifests.push(join(dir, entry.name));
  }
};
walk(workspace);
const lock = readFileSync(join(workspace, "Cargo.lock"), "utf8");
let parsed = 0;
for (const file of manifests) parse(readFileSync(file, "utf8")), parsed++;
if (parsed < 1 || !lock.includes("[[package]]")) process.exit(2);
