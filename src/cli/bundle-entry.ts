// What the bundled CLI (dist/cli/) exports to the start-up module: the CLI, and rustc's call count from the
// same module instance (a run that asked rustc is not cached).
export { main } from "./main.js";
export { rustcCalls } from "../host/rustc.js";
