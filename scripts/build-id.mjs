#!/usr/bin/env node
// Writes dist/build-id: a hash of the built JavaScript, so that cached runs of another build are never replayed.
import { createHash } from "node:crypto";
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const dist = new URL("../dist/", import.meta.url).pathname;
const hash = createHash("sha256");
for (const file of readdirSync(dist, { recursive: true }).map(String).filter((f) => f.endsWith(".js") || f.endsWith(".mjs")).sort()) {
  hash.update(file).update("\0").update(readFileSync(join(dist, file))).update("\0");
}
writeFileSync(join(dist, "build-id"), `${hash.digest("hex").slice(0, 32)}\n`);
