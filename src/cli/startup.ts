// The process entry point: answers what it can before loading the CLI (nothing to check, an unchanged run),
// so that a pre-commit hook costs little more than Node's own start-up.
// It is bundled on its own, as CommonJS, into dist/cli/startup.cjs (scripts/bundle.mjs): bin/tls-audit.js is a
// CommonJS file, since an ES module entry costs Node several milliseconds more to start.
import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { usableCacheDir } from "../host/cache-dir.js";
import { nodeHost } from "../host/index.js";
import { loadBundle } from "./bundle-loader.js";
import { NOTHING_TO_CHECK, nothingToCheck } from "./inputs.js";
import { guardOutputStreams, writeOutput } from "./output.js";

/** Flags that take a value: their value is not a path. */
const VALUED = new Set(["-f", "--format", "-o", "--output", "-F", "--features", "--target", "--roots", "--crypto", "--manifest-path", "-p", "--package"]);
/** Flags a hook may pass that cannot make a run with nothing to check do anything. */
const HARMLESS = new Set(["-q", "--quiet", "--write", "--diff", "--color", "--no-color", "--no-cache", "--format=stylish", "--format=github"]);
/** A run with these writes files, prints timings or reads the network: it is never replayed from the cache. */
const UNCACHED = new Set(["--write", "--diff", "--timings", "--online", "-o", "--output", "--print-config", "--no-cache", "-h", "--help", "-V", "--version"]);

interface Command {
  flags: string[];
  paths: string[];
}

function split(args: readonly string[]): Command {
  const flags: string[] = [];
  const paths: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--") {
      paths.push(...args.slice(i + 1));
      break;
    }
    if (!arg.startsWith("-") || arg === "-") paths.push(arg);
    else if (VALUED.has(arg)) flags.push(`${arg}=${args[++i] ?? ""}`);
    else flags.push(arg);
  }
  return { flags, paths };
}

/** The build's identity (dist/build-id, written by `npm run build`); undefined when there is none. */
function buildId(dist: string): string | undefined {
  try {
    return readFileSync(join(dist, "build-id"), "utf8").trim() || undefined;
  } catch {
    return undefined;
  }
}

export type Cli = typeof import("./bundle-entry.js");

/** Runs the CLI for `argv`; `dist` is the built package's dist/ directory. */
export async function run(argv: string[], dist: string): Promise<number> {
  const cwd = process.cwd();
  const env = process.env;
  const args = argv[0] === "tls-audit" ? argv.slice(1) : argv;
  const { flags, paths } = split(args);
  const quiet = flags.includes("-q") || flags.includes("--quiet");

  if (flags.every((flag) => HARMLESS.has(flag)) && nothingToCheck(paths.map((p) => resolve(cwd, p)), (p) => nodeHost.kind(p))) {
    if (!quiet) writeOutput(2, NOTHING_TO_CHECK);
    return 0;
  }

  const build = buildId(dist);
  const cache = usableCacheDir(env, process.platform, homedir());
  if (cache.problem) {
    // A directory the user named is worth a word; an unusable default one (no writable home) just means no cache.
    if (env.TLS_AUDIT_CACHE_DIR && !quiet) writeOutput(2, `tls-audit: warning: ${cache.problem}\n`);
    // main() and the run cache read this too.
    env.TLS_AUDIT_NO_CACHE = "1";
  }
  // The CLI's compiled code is kept per build; it never changes what a run finds, so --no-cache leaves it on.
  const codeCache = build !== undefined && !cache.problem && env.TLS_AUDIT_NO_CODE_CACHE !== "1" ? join(cache.dir, "code", `cli-${build}.bin`) : undefined;
  let saveCode = () => {};
  const loadCli = async (): Promise<Cli> => {
    guardOutputStreams();
    const bundle = loadBundle(join(dist, "cli", "cli.cjs"), codeCache);
    saveCode = bundle.save;
    return bundle.exports as Cli;
  };
  const cacheable =
    build !== undefined &&
    env.TLS_AUDIT_NO_CACHE !== "1" &&
    env.TLS_AUDIT_TIMINGS !== "1" &&
    !flags.some((flag) => UNCACHED.has(flag.split("=")[0]!));
  let exitCode: number;
  if (!cacheable) exitCode = await (await loadCli()).main(argv);
  else {
    // Evaluated only now: a run with nothing to check needs none of the cache code.
    const { cachedRun } = await import("./cached-run.js");
    exitCode = await cachedRun(argv, { args, build, cwd, env }, loadCli);
  }
  saveCode();
  return exitCode;
}
