// What the live tests (real cargo, Debian's packaged crates) need, and why they skip when it is missing. A fresh
// clone without cargo, apt or network skips them with a reason; CI has all three and runs them (.ci/run).
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

const works = (command: string, args = ["--version"]) => spawnSync(command, args, { stdio: "ignore" }).status === 0;

/** The archive debian-crates.sh fetches from; a HEAD of one small file says whether it answers. */
const PROBE = "http://deb.debian.org/debian/dists/bookworm/Release";

/**
 * Why a live test that builds a Debian crate registry (scripts/lib/debian-crates.sh) cannot run here, or undefined
 * when it can: `needs` are the commands it runs itself. The archive is probed once, for at most 10 s; behind a proxy
 * (which apt honours and this probe does not) the probe is left to apt, whose failure the scripts turn into exit 3.
 */
export function liveRegistryUnavailable(needs: string[]): string | undefined {
  for (const command of needs) if (!works(command)) return `${command} is not installed`;
  if (!works("apt-get") || !works("dpkg")) return "apt-get and dpkg are needed to fetch Debian's packaged crates";
  if (!existsSync("/usr/share/keyrings/debian-archive-keyring.gpg")) return "Debian's archive key is missing (package debian-archive-keyring)";
  if (process.env.http_proxy || process.env.HTTP_PROXY) return undefined;
  const probe = spawnSync(process.execPath, ["-e", `fetch(${JSON.stringify(PROBE)}, { method: "HEAD", signal: AbortSignal.timeout(8000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`], { stdio: "ignore", timeout: 10_000 });
  return probe.status === 0 ? undefined : `Debian's archive cannot be reached (${PROBE})`;
}

/** Exit 3 from a generator means what debian-crates.sh says with it: the registry could not be built here. */
export const REGISTRY_UNAVAILABLE = 3;

/** The reason a generator gave for its exit 3: the last line debian-crates.sh wrote. */
export function unavailableReason(stderr: string): string {
  return stderr.trim().split("\n").at(-1) ?? "the Debian crate registry could not be built";
}
