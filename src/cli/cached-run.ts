// A run through the run cache (src/host/result-cache.ts): replayed when everything it read is unchanged,
// otherwise run with a recording host and stored.
import { homedir } from "node:os";
import { join } from "node:path";
import { userCacheDir } from "../host/cache-dir.js";
import { nodeHost } from "../host/index.js";
import { lookupRun, recordingHost, storeRun } from "../host/result-cache.js";
import { stdoutIsTerminal, writeOutput } from "./output.js";
import type { Cli } from "./startup.js";

/** The environment main() reads itself (everything else goes through the Host and is recorded). */
const OUTPUT_ENV = ["NO_COLOR", "FORCE_COLOR", "GITHUB_ACTIONS"];

function tee(stream: NodeJS.WriteStream, into: string[]): NodeJS.WritableStream {
  return { write: (chunk: string) => (into.push(String(chunk)), stream.write(chunk)) } as unknown as NodeJS.WritableStream;
}

export async function cachedRun(
  argv: string[],
  run: { args: string[]; build: string; cwd: string; env: NodeJS.ProcessEnv },
  loadCli: () => Promise<Cli>,
): Promise<number> {
  const { args, build, cwd, env } = run;
  const dir = join(userCacheDir(env, process.platform, homedir()), "runs");
  const isTTY = stdoutIsTerminal();
  const key = JSON.stringify({ build, args, cwd, isTTY, env: OUTPUT_ENV.map((name) => env[name] ?? null), platform: process.platform, arch: process.arch });
  const cached = lookupRun(dir, key, nodeHost);
  if (cached) {
    // The CLI writes its problems and summaries before the report.
    writeOutput(2, cached.stderr);
    writeOutput(1, cached.stdout);
    return cached.exitCode;
  }
  const cli = await loadCli();
  const { main, rustcCalls } = cli;
  const recorder = recordingHost(cli.nodeHost);
  const stdout: string[] = [];
  const stderr: string[] = [];
  const rustcBefore = rustcCalls();
  const exitCode = await main(argv, { stdout: tee(process.stdout, stdout), stderr: tee(process.stderr, stderr), env, cwd, isTTY, host: recorder.host });
  // Exit 2 may be an internal error, rustc's answers are not recorded, and a file written while (or just before) it
  // was read cannot be trusted to its stamp: none of these is replayed.
  const dependencies = recorder.dependencies();
  if (dependencies && exitCode !== 2 && rustcCalls() === rustcBefore) storeRun(dir, key, dependencies, { stdout: stdout.join(""), stderr: stderr.join(""), exitCode });
  return exitCode;
}
