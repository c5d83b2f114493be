// --online: before the audit, fetch the index entries of the crates no local source describes (spinner on a TTY),
// and answer for them synchronously during the audit. Loaded only when the flag is given.
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import ora, { type Ora } from "ora";
import { userCacheDir } from "../host/cache-dir.js";
import { DEFAULT_FETCH_OPTIONS, fetchAll, type FetchJob, type FetchOutcome } from "../host/http.js";
import type { Host } from "../host/index.js";
import { decodeLockfile } from "../lockfile/encoding.js";
import { sourceKind } from "../lockfile/model.js";
import type { Problem } from "../problems.js";
import { createLocalMetadataChain } from "../registry/index.js";
import type { CrateMetadata, MetadataProvider } from "../registry/model.js";
import {
  allVersionsFromIndexFile,
  bypassesProxy,
  crateKey,
  indexCacheFile,
  metadataFromIndexFile,
  onlineProblems,
  onlineProvider,
  planOnlineFetch,
  proxySettings,
  readRegistryConfig,
  type CrateOutcome,
  type CrateRef,
  type IndexFileRequest,
  type OnlinePlan,
} from "../registry/online.js";
import { discoverCargoConfig } from "../registry/vendor.js";
import { knowledgeProvider } from "../registry/knowledge.js";
import { refreshLock } from "../lockfile/refresh.js";

import { packagesReaching } from "../graph/relevant.js";
import { isWorkspace, loadWorkspace, workspaceRootOf } from "../workspace/load.js";

export interface OnlineRequest {
  /** The paths given on the command line (absolute), as `audit` gets them. */
  paths: string[];
  host: Host;
  env: NodeJS.ProcessEnv;
  cwd: string;
  stderr: NodeJS.WritableStream;
  /** The report format in effect (the CLI's default applied). */
  format: string;
  quiet: boolean;
  /** Our version, for the User-Agent. */
  version: string;
  /** The crates the audit of a workspace looks for (`auditedCrates`): only those and their dependents are fetched. */
  auditedCrates: (workspaceRoot: string) => ReadonlySet<string> | "all";
}

/** Per workspace root: the providers to put in its metadata chain, after index-cache and before knowledge. */
export type OnlineProviders = (workspaceRoot: string) => MetadataProvider[];

interface WorkspacePlan {
  root: string;
  lockfile: string;
  plan: OnlinePlan;
}

/**
 * The crates of a workspace's Cargo.lock that the audit resolves (a locked path to a crate it looks for) and that no
 * local provider (vendor, registry-src, index-cache) describes.
 */
function missingLocally(host: Host, root: string, audited: ReadonlySet<string> | "all"): { lockfile: string; crates: CrateRef[] } | undefined {
  const lockfile = join(root, "Cargo.lock");
  let packages;
  try {
    packages = decodeLockfile(host.readText(lockfile), lockfile).lockfile.packages;
  } catch {
    return undefined; // the audit reports a missing or broken lock itself
  }
  const local = createLocalMetadataChain(host, root);
  // A registry crate's path to a target never runs through a local package, so locked edges decide it.
  const lockedDependencies = (id: number, visit: (to: number) => void) => {
    for (const to of packages[id]!.dependencies) visit(to);
  };
  const wanted = audited === "all" ? undefined : packagesReaching(packages.length, lockedDependencies, (id) => audited.has(packages[id]!.name));
  const crates: CrateRef[] = [];
  for (const pkg of packages) {
    if (sourceKind(pkg.source) !== "registry" || (wanted && wanted[pkg.id] !== 1)) continue;
    if (!local.lookup(pkg.name, pkg.version, pkg.source)) crates.push({ name: pkg.name, version: pkg.version, source: pkg.source! });
  }
  return { lockfile, crates };
}

function timeoutFrom(env: NodeJS.ProcessEnv): number {
  const ms = Number(env.TLS_AUDIT_HTTP_TIMEOUT_MS);
  return Number.isFinite(ms) && ms > 0 ? ms : DEFAULT_FETCH_OPTIONS.timeoutMs;
}

/**
 * Plans, fetches and tallies. Progress is a spinner on stderr only when stderr is a terminal and the
 * report is for people (stylish, not --quiet); a one-line summary follows in stylish mode unless --quiet.
 */
export async function prepareOnlineMetadata(request: OnlineRequest): Promise<OnlineProviders> {
  const { host, env } = request;
  const lookupEnv = (name: string) => env[name];
  const forPeople = request.format === "stylish" && !request.quiet;

  // Each workspace once, as `audit` maps paths to workspaces.
  const roots = [...new Set((request.paths.length > 0 ? request.paths : ["."]).map((p) => workspaceRootOf(host, p)).filter((r) => r !== undefined))];
  const workspaces: WorkspacePlan[] = [];
  let proxy: ReturnType<typeof proxySettings> | undefined;
  for (const root of roots) {
    const missing = missingLocally(host, root, request.auditedCrates(root));
    if (!missing) continue;
    const configs = discoverCargoConfig(host, root);
    // One process, one proxy: the first workspace's cargo configuration decides it.
    proxy ??= proxySettings(configs, lookupEnv);
    workspaces.push({ root, lockfile: missing.lockfile, plan: planOnlineFetch(missing.crates, readRegistryConfig(configs, lookupEnv)) });
  }

  const jobs = new Map<string, FetchJob & { crates: number }>();
  const cacheRoot = join(resolve(request.cwd, userCacheDir(env, process.platform, homedir())), "index");
  for (const { plan } of workspaces) {
    for (const file of plan.requests) {
      const job = jobs.get(file.url) ?? { url: file.url, group: file.registry, cacheFile: indexCacheFile(cacheRoot, file.registry, file.path), crates: 0 };
      job.crates += file.crates.length;
      jobs.set(file.url, job);
    }
  }
  const total = [...jobs.values()].reduce((n, job) => n + job.crates, 0);
  const proxyProblems = proxy?.problems ?? [];

  let spinner: Ora | undefined;
  const stderrIsTTY = (request.stderr as { isTTY?: boolean }).isTTY === true;
  if (forPeople && stderrIsTTY && total > 0 && proxyProblems.length === 0 && env.TERM !== "dumb" && !env.CI) {
    spinner = ora({ text: `fetching crate metadata 0/${total}`, stream: request.stderr as NodeJS.WriteStream, isEnabled: true, discardStdin: false }).start();
  }
  let done = 0;
  const outcomes =
    jobs.size === 0 || proxyProblems.length > 0
      ? new Map<string, FetchOutcome>()
      : await fetchAll([...jobs.values()], {
          ...DEFAULT_FETCH_OPTIONS,
          timeoutMs: timeoutFrom(env),
          proxy: { http: proxy?.proxy.http, https: proxy?.proxy.https },
          bypassProxy: (url) => bypassesProxy(url, proxy?.proxy.noProxy),
          userAgent: `cargo-tls-audit/${request.version}`,
          onDone: (job) => {
            done += jobs.get(job.url)?.crates ?? 0;
            if (spinner) spinner.text = `fetching crate metadata ${done}/${total}`;
          },
        });
  spinner?.stop();

  const providers = new Map<string, MetadataProvider[]>();
  const counted = new Map<string, CrateOutcome>();
  for (const { root, lockfile, plan } of workspaces) {
    const found = new Map<string, CrateMetadata>();
    const results: CrateOutcome[] = [];
    for (const file of plan.requests) {
      const outcome = outcomes.get(file.url);
      for (const crate of file.crates) {
        let result: CrateOutcome;
        if (!outcome) result = { crate, registry: file.registry, status: "failed", reason: "not fetched: invalid proxy setting" };
        else if (outcome.kind === "not-found") result = { crate, registry: file.registry, status: "failed", reason: `HTTP ${outcome.status}` };
        else if (outcome.kind === "failed") result = { crate, registry: file.registry, status: "failed", reason: outcome.reason };
        else {
          const answer = metadataFromIndexFile(outcome.body, crate, file.url);
          result =
            "meta" in answer
              ? { crate, registry: file.registry, status: "found", from: outcome.from, meta: answer.meta }
              : { crate, registry: file.registry, status: "failed", reason: answer.reason };
        }
        if (result.status === "found") found.set(crateKey(crate.name, crate.version, crate.source), result.meta);
        results.push(result);
        counted.set(crateKey(crate.name, crate.version, crate.source), result);
      }
    }
    // With an unusable proxy nothing was fetched, and the proxy problem says why.
    const notes: Problem[] = proxyProblems.length > 0 ? [...proxyProblems, ...plan.problems] : [...plan.problems, ...onlineProblems(results, plan.skipped, lockfile)];
    providers.set(root, [onlineProvider(found, notes)]);
  }

  // A stale or missing lock: the crates its refresh adds are fetched too, a level of the new subtree per round.
  const refreshFetched = proxyProblems.length > 0 ? 0 : await fetchRefreshCandidates(request, roots, providers, (files) =>
    fetchAll(files.map((file) => ({ url: file.url, group: file.registry, cacheFile: indexCacheFile(cacheRoot, file.registry, file.path) })), {
      ...DEFAULT_FETCH_OPTIONS,
      timeoutMs: timeoutFrom(env),
      proxy: { http: proxy?.proxy.http, https: proxy?.proxy.https },
      bypassProxy: (url) => bypassesProxy(url, proxy?.proxy.noProxy),
      userAgent: `cargo-tls-audit/${request.version}`,
    }),
  );

  if (forPeople && refreshFetched > 0) request.stderr.write(`tls-audit: --online: fetched the index of ${refreshFetched} ${refreshFetched === 1 ? "crate" : "crates"} a stale or missing Cargo.lock lacks\n`);
  if (forPeople) {
    const all = [...counted.values()];
    const fromCache = all.filter((o) => o.status === "found" && o.from === "cache").length;
    const failed = all.filter((o) => o.status === "failed").length;
    const fetched = all.length - failed;
    const details = [`${fromCache} from cache`, ...(failed > 0 ? [`${failed} not found or failed`] : [])].join(", ");
    request.stderr.write(
      all.length === 0 && workspaces.every((w) => w.plan.skipped.length === 0)
        ? "tls-audit: --online: nothing to fetch (every locked crate has local metadata)\n"
        : `tls-audit: fetched metadata of ${fetched} ${fetched === 1 ? "crate" : "crates"} from the registry index (${details})\n`,
    );
  }
  return (root) => providers.get(root) ?? [];
}

/** Rounds of fetching for a refreshed lock: each reaches one level deeper into the packages the lock lacks. */
const REFRESH_ROUNDS = 12;

/**
 * For each workspace whose lock is stale or missing: refreshes it (lockfile/refresh.ts) with what is known so far,
 * fetches the index files of the crates it had to add without full metadata, and repeats with what came back.
 * The fetched versions join the workspace's providers. Returns how many index files were fetched.
 */
async function fetchRefreshCandidates(
  request: OnlineRequest,
  roots: readonly string[],
  providers: Map<string, MetadataProvider[]>,
  fetch: (files: IndexFileRequest[]) => Promise<Map<string, FetchOutcome>>,
): Promise<number> {
  const { host, env } = request;
  let fetchedFiles = 0;
  for (const root of roots) {
    const loaded = loadWorkspace(host, root);
    if (!isWorkspace(loaded)) continue;
    const found = new Map<string, CrateMetadata>();
    const fetched = new Set<string>();
    const config = readRegistryConfig(discoverCargoConfig(host, root), (name) => env[name]);
    const already = providers.get(root) ?? [];
    for (let round = 0; round < REFRESH_ROUNDS; round++) {
      const chain = createLocalMetadataChain(host, root, [...already, onlineProvider(found, []), knowledgeProvider()]);
      const refreshed = refreshLock(loaded, loaded.lockfile, chain, request.auditedCrates(root));
      const wanted: CrateRef[] = [];
      for (const [id, how] of refreshed.synthesized) {
        const pkg = refreshed.lockfile.packages[id]!;
        if (how.describedBy === "metadata" || how.describedBy === "local" || sourceKind(pkg.source) !== "registry") continue;
        wanted.push({ name: pkg.name, version: pkg.version, source: pkg.source! });
      }
      const files = planOnlineFetch(wanted, config).requests.filter((file) => !fetched.has(file.url));
      if (files.length === 0) break;
      const outcomes = await fetch(files);
      for (const file of files) {
        fetched.add(file.url);
        const outcome = outcomes.get(file.url);
        if (outcome?.kind !== "ok") continue;
        fetchedFiles++;
        for (const crate of file.crates) {
          for (const meta of allVersionsFromIndexFile(outcome.body, crate.name, file.url)) found.set(crateKey(meta.name, meta.version, crate.source), meta);
        }
      }
    }
    if (found.size > 0) providers.set(root, [...already, onlineProvider(found, [])]);
  }
  return fetchedFiles;
}
