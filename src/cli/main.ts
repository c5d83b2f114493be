// Command-line wiring: flags → audit → report → exit code. The only module that knows `process`.
import { readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { inspect } from "node:util";
import { Command, CommanderError, Option } from "commander";
import { audit, allProblems, Timings, type AuditRequest, type AuditResult, type WorkspaceSettings } from "../audit.js";
import { DEFAULT_BANNED } from "../../rules/data/tls-crates.js";
import { RULES } from "../../rules/index.js";
import type { Rule } from "../engine/types.js";
import { auditedCrates } from "../engine/run.js";
import { isWorkspace, loadWorkspace } from "../workspace/load.js";
import { bannedCratesOf, mergeConfig, type Config } from "../config/config.js";
import { loadConfig } from "../config/load.js";
import { displayPath } from "../report/message.js";
import { localManifests, type Workspace } from "../workspace/model.js";
import { nodeHost, type Host } from "../host/index.js";
import { allTargetCfgs, KNOWN_TRIPLES, targetCfg } from "../../rules/data/targets.js";
import { createMetadataChain, type MetadataChain } from "../registry/chain.js";
import type { MetadataStore } from "../registry/crate-manifest.js";
import { fileMetadataStore } from "../host/metadata-store.js";
import { usableCacheDir } from "../host/cache-dir.js";
import { runFixes } from "../fix/run.js";
import { diffsOf, formatDiffs, formatFixSummary, writeFixes } from "./fix-command.js";
import { isAuditInput, NOTHING_TO_CHECK, nothingToCheck } from "./inputs.js";
import { indexCacheProvider } from "../registry/index-cache.js";
import { knowledgeProvider } from "../registry/knowledge.js";
import { registrySrcProvider } from "../registry/registry-src.js";
import { vendorProvider } from "../registry/vendor.js";
import { readRustcCfg, type TargetCfg } from "../resolve/cfg.js";
import { rustcPrintCfg } from "../host/rustc.js";
import { toJsonReport, type JsonWriteOutcome } from "../report/json.js";
import { formatProblem, formatStylish, formatSummary, plainPalette, type Palette } from "../report/stylish.js";
import { toSarif } from "../report/sarif.js";
import { formatGithub } from "../report/github.js";
import { HostWriteError, writeReportFile } from "../host/write.js";

export const EXIT_CLEAN = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_TOOL_ERROR = 2;

/** Our package.json's version, found from this module upwards (src/cli in tests, dist/src/cli when built). */
function toolVersion(): string {
  for (const up of ["../../package.json", "../../../package.json"]) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(up, import.meta.url), "utf8")) as { name?: string; version?: string };
      if (pkg.name === "cargo-tls-audit" && pkg.version) return pkg.version;
    } catch {
      // not there; try the next level
    }
  }
  return "unknown";
}

/** Colour is on for a TTY unless NO_COLOR is set; FORCE_COLOR wins over both (https://no-color.org, https://force-color.org). */
export function colorEnabled(env: NodeJS.ProcessEnv, isTTY: boolean, flag: boolean | undefined): boolean {
  if (flag !== undefined) return flag;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "0" && env.FORCE_COLOR !== "false") return true;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  return isTTY;
}

/** ANSI SGR codes from Node's own table; styleText cannot be forced on for FORCE_COLOR in a pipe. */
function ansi(style: keyof typeof inspect.colors): (text: string) => string {
  const [open, close] = inspect.colors[style] ?? [0, 0];
  return (text) => `\u001b[${open}m${text}\u001b[${close}m`;
}

const ansiPalette: Palette = { red: ansi("red"), yellow: ansi("yellow"), cyan: ansi("cyan"), dim: ansi("dim"), bold: ansi("bold") };

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
  $ tls-audit --diff                  show the Cargo.toml changes that move dependencies to rustls
  $ tls-audit --write                 make them (verified first; Cargo.lock refreshes on the next cargo build)

Exit codes: 0 no error findings, 1 error findings, 2 the audit could not be done (bad input).`;

interface CliOptions {
  format?: "stylish" | "json" | "sarif" | "github";
  output?: string;
  quiet?: boolean;
  color?: boolean;
  features?: string[];
  allFeatures?: boolean;
  defaultFeatures: boolean;
  target?: string[];
  lockfileOnly?: boolean;
  explain?: boolean;
  write?: boolean;
  diff?: boolean;
  roots: "native" | "webpki";
  crypto?: "ring" | "aws-lc-rs";
  printConfig?: boolean;
  timings?: boolean;
  online?: boolean;
  manifestPath?: string;
  package?: string[];
  /** `possible`: undecided findings fail the run too (`[severity] possible = "error"`). */
  failOn?: "possible";
  /** False with --no-cache. */
  cache: boolean;
}

/** The effective configuration as people write it (relative paths, no internals). */
function printable(config: Config | undefined, cwd: string) {
  if (!config) return {};
  return {
    source: config.file ? displayPath(config.file, cwd) : null,
    ban: config.ban,
    unban: config.unban,
    severity: { normal: config.severity.normal ?? "error", build: config.severity.build ?? "warning", dev: config.severity.dev ?? "warning", possible: config.severity.possible ?? "warning" },
    resolve: { targets: config.targets ?? ["all"], features: config.features ?? [], "all-features": config.allFeatures ?? false, "no-default-features": config.noDefaultFeatures ?? false },
    fix: { roots: config.roots ?? "native", crypto: config.crypto ?? "crate default" },
    allow: config.allow.map((a) => ({ dependency: a.dependency, crates: a.crates, member: a.member, version: a.version, reason: a.reason, at: `${displayPath(a.file, cwd)}:${a.position.line}` })),
  };
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** The triple of the machine running the audit, which cargo uses for build scripts and proc-macros. */
function hostTriple(): string {
  const arch = process.arch === "arm64" ? "aarch64" : process.arch === "x64" ? "x86_64" : process.arch;
  if (process.platform === "darwin") return `${arch}-apple-darwin`;
  if (process.platform === "win32") return `${arch}-pc-windows-msvc`;
  const triple = `${arch}-unknown-linux-gnu`;
  return KNOWN_TRIPLES.includes(triple) ? triple : "x86_64-unknown-linux-gnu";
}

/**
 * `--target` values → target cfg sets; null for every target. A triple missing from the bundled table is asked
 * of `rustc --print cfg` (the user named it explicitly); one rustc does not know either is reported as unknown.
 */
function resolveTargets(values: string[]): { targets: TargetCfg[] | null; unknown: string[] } {
  const list = values.flatMap((v) => v.split(",")).map((v) => v.trim()).filter(Boolean);
  if (list.length === 0 || list.includes("all")) return { targets: null, unknown: [] };
  const targets: TargetCfg[] = [];
  const unknown: string[] = [];
  for (const triple of list) {
    const known = targetCfg(triple);
    const lines = known ? undefined : rustcPrintCfg(triple);
    if (known) targets.push(known);
    else if (lines) targets.push(readRustcCfg(triple, lines));
    else unknown.push(triple);
  }
  return { targets, unknown };
}

/**
 * Crate metadata, in the order the resolver trusts it: vendored sources, unpacked crates, cargo's index cache,
 * what --online fetched (full metadata, so before the partial bundled knowledge), bundled knowledge.
 */
function metadataFor(host: Host, online: (root: string) => import("../registry/model.js").MetadataProvider[] = () => [], store?: MetadataStore) {
  // One chain per workspace for the whole run: the re-audits that verify fixes change only workspace manifests,
  // never what the chain reads, so they reuse its answers instead of reading every crate's metadata again.
  const chains = new Map<string, MetadataChain>();
  return (root: string) => {
    let chain = chains.get(root);
    if (!chain) chains.set(root, (chain = createMetadataChain([vendorProvider(host, root, store), registrySrcProvider(host, { store }), indexCacheProvider(host), ...online(root), knowledgeProvider()])));
    return chain;
  };
}

export async function main(argv: string[], io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream; env: NodeJS.ProcessEnv; cwd: string; isTTY: boolean; host?: Host } = {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
  isTTY: Boolean(process.stdout.isTTY),
}): Promise<number> {
  const version = toolVersion();
  // `cargo tls-audit …` runs `cargo-tls-audit tls-audit …`.
  const args = argv[0] === "tls-audit" ? argv.slice(1) : argv;
  let store: ReturnType<typeof fileMetadataStore> | undefined;
  try {
    let parsed: { paths: string[]; options: CliOptions } | undefined;
    let parsedProgram: Command | undefined;
    const program = new Command("tls-audit")
      .description("Find the Cargo dependencies that pull in native TLS (OpenSSL), and by which path.")
      .version(version, "-V, --version")
      .argument("[paths...]", "workspace directories, Cargo.toml or Cargo.lock files (default: the current directory)")
      .addOption(new Option("-f, --format <format>", "output format (default: stylish; github when GITHUB_ACTIONS=true and the report goes to stdout)").choices(["stylish", "json", "sarif", "github"]))
      .option("-o, --output <file>", "write the report to a file instead of stdout (for SARIF uploads)")
      .option("--manifest-path <path>", "a Cargo.toml to audit, as cargo takes it (the same as giving it as a path)")
      .option("-p, --package <name>", "audit only this workspace member (repeatable), as cargo's -p selects it", collect)
      .option("-q, --quiet", "report errors only: no warnings")
      .option("-F, --features <features>", "member features to enable, comma separated (repeatable)", collect)
      .option("--all-features", "enable every feature of each member")
      .option("--no-default-features", "do not enable the default features of the members")
      .option("--target <triple>", `platform to audit (repeatable), or "all" (default: all)`, collect)
      .option("--lockfile-only", "skip feature resolution: report every path in Cargo.lock")
      .option("--explain", "say which metadata source described each crate")
      .option("--write", "edit Cargo.toml files to move dependencies to rustls (verified before writing)")
      .option("--diff", "print the --write changes as unified diffs, without writing")
      .addOption(new Option("--roots <roots>", "trust roots for the rustls features --write picks").choices(["native", "webpki"]).default("native"))
      .addOption(new Option("--crypto <provider>", "rustls crypto provider --write should end up with (default: the crate's own)").choices(["ring", "aws-lc-rs"]))
      .option("--print-config", "print the effective configuration of each workspace and exit")
      .option("--timings", "print how long each stage took, on stderr (also TLS_AUDIT_TIMINGS=1)")
      .option("--online", "fetch the metadata of crates no local source describes from their registry's sparse index (crates.io: https://index.crates.io/); cached, honours HTTPS_PROXY/CARGO_HTTP_PROXY")
      .addOption(new Option("--fail-on <what>", "also fail on undecided findings: `possible` makes them errors (as `[severity] possible = \"error\"`)").choices(["possible"]))
      .option("--no-cache", "use no cache: neither replay an unchanged earlier run nor reuse parsed crate manifests (also TLS_AUDIT_NO_CACHE=1)")
      .option("--color", "force coloured output")
      .option("--no-color", "disable coloured output")
      .addHelpText("after", HELP_EXAMPLES)
      .exitOverride()
      .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
      .action((paths: string[], options: CliOptions, command: Command) => {
        parsed = { paths, options };
        parsedProgram = command;
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
    const { options } = parsed;
    if (options.manifestPath !== undefined && basename(options.manifestPath) !== "Cargo.toml") {
      // cargo's own words for the same mistake.
      io.stderr.write(`tls-audit: the manifest-path must be a path to a Cargo.toml file: ${options.manifestPath}\n`);
      return EXIT_TOOL_ERROR;
    }
    const paths = options.manifestPath !== undefined ? [...parsed.paths, options.manifestPath] : parsed.paths;
    const packages = options.package?.flatMap((p) => p.split(",")).map((p) => p.trim()).filter(Boolean);
    const { targets, unknown } = resolveTargets(options.target ?? []);
    if (unknown.length > 0) {
      io.stderr.write(`tls-audit: unknown target ${unknown.map((t) => `"${t}"`).join(", ")} (not in the bundled table, and \`rustc --print cfg\` did not know it); bundled: ${KNOWN_TRIPLES.join(", ")}\n`);
      return EXIT_TOOL_ERROR;
    }
    const timings = options.timings || io.env.TLS_AUDIT_TIMINGS === "1" ? new Timings() : undefined;
    // Only --timings reads the clock: `performance` loads a handful of Node's modules on first use.
    const started = timings ? performance.now() : 0;
    const timed = <T>(stage: string, run: () => T): T => (timings ? timings.time(stage, run) : run());
    const baseHost = io.host ?? nodeHost;
    const host: Host = timings ? { ...baseHost, readText: (path) => timings.time("read files", () => baseHost.readText(path)) } : baseHost;
    // Filled by --online before the first audit; the chains are built lazily, per workspace.
    let online: ((root: string) => import("../registry/model.js").MetadataProvider[]) | undefined;
    // Parsed crate manifests are kept between runs (by file stamp), under the user cache dir named by this
    // environment; with none (an empty environment, as in-process tests give), or with --no-cache, nothing is kept.
    const home = io.env.HOME || io.env.USERPROFILE;
    if (options.cache && io.env.TLS_AUDIT_NO_CACHE !== "1" && (io.env.TLS_AUDIT_CACHE_DIR || home)) {
      const cache = usableCacheDir(io.env, process.platform, home ?? "");
      if (!cache.problem) store = fileMetadataStore(join(cache.dir, "metadata", "crates.json"));
      else if (io.env.TLS_AUDIT_CACHE_DIR && !options.quiet) io.stderr.write(`tls-audit: warning: ${cache.problem}\n`);
    }
    const metadata = metadataFor(host, (root) => online?.(root) ?? [], store);
    const given = (name: string) => parsedProgram?.getOptionValueSource(name) === "cli";
    const hostTarget = targetCfg(hostTriple()) ?? allTargetCfgs()[0]!;
    const configs = new Map<string, Config>();
    // Per workspace: its configuration file, overridden by whatever was given on the command line.
    const configure = (ws: Workspace): WorkspaceSettings => {
      const { config, problems } = loadConfig(host, ws);
      const merged = mergeConfig(config, {
        targets: options.target,
        features: options.features,
        allFeatures: given("allFeatures") ? true : undefined,
        noDefaultFeatures: given("defaultFeatures") ? true : undefined,
        roots: given("roots") ? options.roots : undefined,
        crypto: options.crypto,
      });
      configs.set(ws.root, merged);
      const configured = resolveTargets(merged.targets ?? []);
      // Unknown triples on the command line stopped the run already: these come from the file.
      for (const triple of configured.unknown) {
        const index = merged.targets?.findIndex((t) => t.split(",").map((v) => v.trim()).includes(triple)) ?? -1;
        problems.push({
          severity: "error",
          code: "config-invalid",
          message: `\`resolve.targets\`: unknown target "${triple}" (not in the bundled table, and \`rustc --print cfg\` did not know it)`,
          file: merged.file,
          position: merged.positions?.get(`resolve.targets.${index}`) ?? merged.positions?.get("resolve.targets"),
        });
      }
      const banned = bannedCratesOf(merged, DEFAULT_BANNED);
      problems.push(...banned.problems);
      // With no known target left, resolving for none would find nothing: report every locked path instead (an upper
      // bound, never a false "clean"); the error above already makes the run exit 2.
      const lockfileOnly = options.lockfileOnly || (configured.unknown.length > 0 && configured.targets?.length === 0);
      return {
        bannedCrates: banned.banned,
        severity: options.failOn === "possible" ? { ...merged.severity, possible: "error" } : merged.severity,
        allow: merged.allow,
        problems,
        resolution: lockfileOnly
          ? undefined
          : {
              request: { features: merged.features ?? [], allFeatures: merged.allFeatures ?? false, defaultFeatures: !merged.noDefaultFeatures },
              targets: configured.targets,
              host: hostTarget,
              metadataFor: metadata,
            },
      };
    };
    const givenPaths = paths.map((p) => (p.startsWith("/") ? p : `${io.cwd}/${p}`));
    const idle = nothingToCheck(givenPaths, (p) => host.kind(p));
    if (idle && !options.quiet) io.stderr.write(NOTHING_TO_CHECK);
    // A hook's file list may mix source files with manifests: only the files that can change an audit count.
    const absolutePaths = givenPaths.filter((p) => isAuditInput(p) || host.kind(p) !== "file");
    const runAudit = (over: Host, only?: Pick<AuditRequest, "members" | "unordered" | "rules">): AuditResult =>
      idle ? { workspaces: [], problems: [] } : audit({ paths: absolutePaths, host: over, configure, timings, packages, ...only });
    // What a fix is checked against: the same audit of the planned members, in no particular order.
    const reaudit = (over: Host, members: ReadonlySet<string>, extraRules: readonly Rule[] = []): AuditResult => runAudit(over, { members, unordered: true, rules: [...RULES, ...extraRules] });
    const resolution = !options.lockfileOnly;
    // Under GitHub Actions the log shows annotations; a report file keeps the default format.
    const format = options.format ?? (io.env.GITHUB_ACTIONS === "true" && !options.output ? "github" : "stylish");
    // Loaded only with --online, so that no other run loads network code (test/cli/hostile-inputs.test.ts).
    if (options.online && resolution && !options.printConfig && !idle) {
      const { prepareOnlineMetadata } = await import("./online.js");
      const fetchStarted = performance.now();
      // What a workspace's audit looks for, with its configured bans: only those crates' index entries are worth a request.
      const audited = (root: string) => {
        const loaded = loadWorkspace(host, root);
        return auditedCrates(isWorkspace(loaded) ? (configure(loaded).bannedCrates ?? DEFAULT_BANNED) : DEFAULT_BANNED, RULES);
      };
      online = await prepareOnlineMetadata({ paths: absolutePaths, host, env: io.env, cwd: io.cwd, stderr: io.stderr, format, quiet: options.quiet ?? false, version, auditedCrates: audited });
      timings?.add("fetch online metadata", performance.now() - fetchStarted);
    }
    let result = runAudit(host);
    if (options.printConfig) {
      const effective = result.workspaces.map((w) => ({ workspace: displayPath(w.workspace.root, io.cwd), ...printable(configs.get(w.workspace.root), io.cwd) }));
      io.stdout.write(`${JSON.stringify(effective, null, 2)}\n`);
      return allProblems(result).some((p) => p.severity === "error") ? EXIT_TOOL_ERROR : EXIT_CLEAN;
    }
    // Fixes are planned (and verified by a re-audit) whenever features were resolved; --lockfile-only cannot verify.
    const outcome =
      resolution && result.workspaces.some((w) => w.findings.length > 0)
        ? timed("plan and verify fixes", () =>
            runFixes({ result, host, reaudit, metadataFor: metadata, preferences: {
                roots: configs.get(result.workspaces[0]!.workspace.root)?.roots ?? options.roots,
                crypto: configs.get(result.workspaces[0]!.workspace.root)?.crypto ?? options.crypto,
              },
            }),
          )
        : undefined;
    // The write's outcome goes into a JSON report; a refused write still prints the whole report, then exits 2.
    let writeOutcome: JsonWriteOutcome | undefined;
    if (options.diff || options.write) {
      const fixPalette = colorEnabled(io.env, false, options.color) ? ansiPalette : plainPalette;
      if (options.diff && !options.write && format === "sarif") {
        io.stderr.write("tls-audit: --diff prints unified diffs, which a SARIF document cannot hold; its results carry each fix already: drop --diff\n");
        return EXIT_TOOL_ERROR;
      }
      if (!outcome) {
        io.stderr.write(options.lockfileOnly ? "tls-audit: --write and --diff need feature resolution; drop --lockfile-only\n" : "tls-audit: nothing to fix\n");
        if (options.lockfileOnly) return EXIT_TOOL_ERROR;
        writeOutcome = { mode: options.write ? "write" : "diff", written: [], failed: [], ...(options.write ? {} : { diffs: [] }) };
      } else if (options.diff && !options.write) {
        io.stderr.write(formatFixSummary(outcome, undefined, io.cwd, fixPalette));
        // JSON keeps stdout one document: the diffs go inside it.
        if (format !== "json") {
          io.stdout.write(formatDiffs(outcome, io.cwd));
          return exitCodeOf(result);
        }
        writeOutcome = { mode: "diff", written: [], failed: [], diffs: diffsOf(outcome, io.cwd) };
      } else {
        const written = writeFixes(outcome, result);
        io.stderr.write(formatFixSummary(outcome, written, io.cwd, fixPalette));
        writeOutcome = { mode: "write", ...written };
        // Report what is left, as it is on disk now.
        if (written.failed.length === 0 && written.written.length > 0) result = runAudit(host);
      }
    }
    const palette = colorEnabled(io.env, io.isTTY, options.color) ? ansiPalette : plainPalette;
    const errPalette = colorEnabled(io.env, false, options.color) ? ansiPalette : plainPalette;
    for (const problem of allProblems(result)) {
      if (!options.quiet || problem.severity === "error") io.stderr.write(`${formatProblem(problem, io.cwd, errPalette)}\n`);
    }
    const report = () => {
      const sources = new Map(result.workspaces.flatMap((w) => localManifests(w.workspace)).map((m) => [m.file, m.text]));
      // --quiet keeps errors only in what people read; machine formats stay complete.
      const shown: AuditResult = options.quiet && (format === "stylish" || format === "github")
        ? { problems: result.problems.filter((p) => p.severity === "error"), workspaces: result.workspaces.map((w) => ({ ...w, findings: w.findings.filter((f) => f.severity === "error"), problems: w.problems.filter((p) => p.severity === "error") })) }
        : result;
      let text: string;
      if (format === "json") text = `${JSON.stringify(toJsonReport(result, { name: "cargo-tls-audit", version }, io.cwd, { explain: options.explain ?? false, write: writeOutcome }), null, 2)}\n`;
      else if (format === "sarif") text = `${JSON.stringify(toSarif({ result, sources, cwd: io.cwd, version }), null, 2)}\n`;
      else if (format === "github") text = `${formatGithub(shown, io.cwd, sources)}${formatSummary(result, io.cwd, plainPalette)}\n`;
      else text = formatStylish({ result: shown, summaryOf: result, sources, cwd: io.cwd, palette: options.output ? plainPalette : palette, explain: options.explain ?? false });
      if (!options.output) {
        io.stdout.write(text);
        return true;
      }
      try {
        writeReportFile(options.output.startsWith("/") ? options.output : `${io.cwd}/${options.output}`, text);
        return true;
      } catch (error) {
        // A report nobody can read is a failed run, not an internal error: say which file and why.
        io.stderr.write(`tls-audit: cannot write the report to ${error instanceof HostWriteError ? `${options.output}: ${error.reason}` : options.output}\n`);
        return false;
      }
    };
    const reported = timed("report", report);
    if (timings) {
      const lines = [...timings.stages].map(([stage, ms]) => `  ${stage.padEnd(22)} ${ms.toFixed(1).padStart(8)} ms`);
      io.stderr.write(`timings (stages overlap: "read files", "parse lock" and "parse manifests" are inside "load workspace"; re-audits count again):\n${lines.join("\n")}\n  ${"total".padEnd(22)} ${(performance.now() - started).toFixed(1).padStart(8)} ms\n`);
    }
    return reported && !writeOutcome?.failed.length ? exitCodeOf(result) : EXIT_TOOL_ERROR;
  } catch (error) {
    const cause = error instanceof Error ? error.message.split("\n")[0] : String(error);
    io.stderr.write(`tls-audit: internal error, please report (cargo-tls-audit ${version}): ${cause}\n`);
    return EXIT_TOOL_ERROR;
  } finally {
    store?.flush();
  }
}
