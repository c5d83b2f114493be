// What the bundled CLI (dist/cli/) exports to the start-up module: the CLI, and from the same module instances
// rustc's call count (a run that asked rustc is not cached) and the host a cached run is recorded through (the
// CLI tells read errors apart with `instanceof HostReadError`, so they must come from its own copy of the class).
export { main } from "./main.js";
export { rustcCalls } from "../host/rustc.js";
export { nodeHost } from "../host/index.js";
