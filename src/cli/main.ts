// Command-line wiring: flags → audit → report → exit code. The only module that knows `process`.
import { readFileSync } from "node:fs";
import { styleText } from "node:util";
import { Command, CommanderError, Option } from "commander";
import { audit, allProblems, type AuditResult } from "../audit.js";
import { nodeHost } from "../host/index.js";
import { toJsonReport } from "../report/json.js";
import { formatProblem, formatStylish, plainPalette, type Palette } from "../report/stylish.js";

export const EXIT_CLEAN = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_TOOL_ERROR = 2;

function toolVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")) as { version?: string };
    return pkg.version ?? "unknown";
  } catch {
    return "unknown";
  }
}

/** Colour is on for a TTY unless NO_COLOR is set; FORCE_COLOR wins over both (https://no-color.org, https://force-color.org). */
export function colorEnabled(env: NodeJS.ProcessEnv, isTTY: boolean, flag: boolean | undefined): boolean {
  if (flag !== undefined) return flag;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "0" && env.FORCE_COLOR !== "false") return true;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  return isTTY;
}

const ansiPalette: Palette = {
  red: (t) => styleText("red", t),
  yellow: (t) => styleText("yellow", t),
  cyan: (t) => styleText("cyan", t),
  dim: (t) => styleText("dim", t),
  bold: (t) => styleText("bold", t),
};

function exitCodeOf(result: AuditResult): number {
  if (allProblems(result).some((p) => p.severity === "error")) return EXIT_TOOL_ERROR;
  if (result.workspaces.some((w) => w.findings.some((f) => f.severity === "error"))) return EXIT_FINDINGS;
  return EXIT_CLEAN;
}

const HELP_EXAMPLES = `
Examples:
  $ tls-audit                         audit the workspace around the current directory
  $ tls-audit path/to/workspace       audit another workspace
  $ tls-audit --format json > r.json  machine-readable report (docs/json-format.md)
  $ cargo tls-audit                   the same, as a cargo subcommand

Exit codes: 0 no error findings, 1 error findings, 2 the audit could not be done (bad input).`;

interface CliOptions {
  format: "stylish" | "json";
  color?: boolean;
}

export async function main(argv: string[], io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream; env: NodeJS.ProcessEnv; cwd: string; isTTY: boolean } = {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
  isTTY: Boolean(process.stdout.isTTY),
}): Promise<number> {
  const version = toolVersion();
  // `cargo tls-audit …` runs `cargo-tls-audit tls-audit …`.
  const args = argv[0] === "tls-audit" ? argv.slice(1) : argv;
  try {
    let parsed: { paths: string[]; options: CliOptions } | undefined;
    const program = new Command("tls-audit")
      .description("Find the Cargo dependencies that pull in native TLS (OpenSSL), and by which path.")
      .version(version, "-V, --version")
      .argument("[paths...]", "workspace directories, Cargo.toml or Cargo.lock files (default: the current directory)")
      .addOption(new Option("-f, --format <format>", "output format").choices(["stylish", "json"]).default("stylish"))
      .option("--color", "force coloured output")
      .option("--no-color", "disable coloured output")
      .addHelpText("after", HELP_EXAMPLES)
      .exitOverride()
      .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
      .action((paths: string[], options: CliOptions) => {
        parsed = { paths, options };
      });
    try {
      await program.parseAsync(args, { from: "user" });
    } catch (error) {
      if (error instanceof CommanderError) {
        return error.code === "commander.helpDisplayed" || error.code === "commander.version" ? EXIT_CLEAN : EXIT_TOOL_ERROR;
      }
      throw error;
    }
    if (!parsed) return EXIT_TOOL_ERROR;
    const { paths, options } = parsed;
    const result = audit({ paths: paths.map((p) => (p.startsWith("/") ? p : `${io.cwd}/${p}`)), host: nodeHost });
    const palette = colorEnabled(io.env, io.isTTY, options.color) ? ansiPalette : plainPalette;
    const errPalette = colorEnabled(io.env, false, options.color) ? ansiPalette : plainPalette;
    for (const problem of allProblems(result)) io.stderr.write(`${formatProblem(problem, io.cwd, errPalette)}\n`);
    if (options.format === "json") {
      io.stdout.write(`${JSON.stringify(toJsonReport(result, { name: "cargo-tls-audit", version }, io.cwd), null, 2)}\n`);
    } else {
      const sources = new Map(result.workspaces.flatMap((w) => [w.workspace.rootManifest, ...w.workspace.members.map((m) => m.manifest)]).map((m) => [m.file, m.text]));
      io.stdout.write(formatStylish({ result, sources, cwd: io.cwd, palette }));
    }
    return exitCodeOf(result);
  } catch (error) {
    const cause = error instanceof Error ? error.message.split("\n")[0] : String(error);
    io.stderr.write(`tls-audit: internal error, please report (cargo-tls-audit ${version}): ${cause}\n`);
    return EXIT_TOOL_ERROR;
  }
}
