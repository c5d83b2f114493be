// The one optional helper that runs a program: `rustc --print cfg --target T`, for a triple we have no table for.

let calls = 0;

/** How many times rustc was run: its answers are not recorded, so a run that asked it is not replayed from cache. */
export function rustcCalls(): number {
  return calls;
}

/** rustc's cfg lines for a target, or undefined when rustc is missing or does not know the triple. */
export function rustcPrintCfg(triple: string): string[] | undefined {
  calls++;
  // Loaded here: almost no run asks rustc, and node:child_process costs every start-up a few milliseconds.
  const { spawnSync } = process.getBuiltinModule("node:child_process");
  const run = spawnSync("rustc", ["--print", "cfg", "--target", triple], { encoding: "utf8", timeout: 10_000 });
  if (run.status !== 0 || typeof run.stdout !== "string") return undefined;
  return run.stdout.split("\n").map((l) => l.trim()).filter(Boolean);
}
