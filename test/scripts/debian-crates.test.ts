// scripts/lib/debian-crates.sh says "cannot run here" with exit 3, which the generators pass on and the live tests
// skip on (test/helpers/live.ts), instead of failing: driven here with stand-ins for apt-get and dpkg.
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const script = join(import.meta.dirname, "../../scripts/lib/debian-crates.sh");
const hasBash = spawnSync("bash", ["--version"], { stdio: "ignore" }).status === 0;

/** A PATH whose apt-get behaves as given (dpkg does nothing), ahead of the system's. */
function fakeTools(aptGet: string): string {
  const bin = mkdtempSync(join(tmpdir(), "tls-audit-fake-apt-"));
  writeFileSync(join(bin, "apt-get"), `#!/bin/sh\n${aptGet}\n`);
  writeFileSync(join(bin, "dpkg"), "#!/bin/sh\nexit 0\n");
  chmodSync(join(bin, "apt-get"), 0o755);
  chmodSync(join(bin, "dpkg"), 0o755);
  return `${bin}:${process.env.PATH}`;
}

function build(path: string) {
  const work = mkdtempSync(join(tmpdir(), "tls-audit-debian-crates-"));
  return spawnSync("bash", [script, "bookworm", join(work, "out"), "reqwest"], { encoding: "utf8", env: { ...process.env, PATH: path, DEBIAN_CRATES_CACHE: join(work, "cache") } });
}

describe.skipIf(!hasBash)("debian-crates.sh", () => {
  it("exits 3 with the reason when Debian's archive cannot be reached (apt-get update only warns)", () => {
    const run = build(fakeTools('case "$*" in *update*) echo "W: Failed to fetch http://deb.debian.org/debian/dists/bookworm/InRelease  Could not resolve \'deb.debian.org\'" >&2; exit 0;; esac; exit 100'));
    expect(run.status, run.stderr).toBe(3);
    if (existsSync("/usr/share/keyrings/debian-archive-keyring.gpg")) {
      expect(run.stderr).toMatch(/^debian-crates: Debian's archive \(deb\.debian\.org\) cannot be reached: no package list for bookworm \(W: Failed to fetch/m);
    } else {
      expect(run.stderr).toMatch(/^debian-crates: .*debian-archive-keyring\.gpg is missing/m);
    }
  });

  it("exits 3 when the package lists are there but the downloads fail for the network", () => {
    const path = fakeTools(
      'case "$*" in *update*) for a in "$@"; do case "$a" in Dir::State::Lists=*) mkdir -p "${a#Dir::State::Lists=}" && touch "${a#Dir::State::Lists=}/deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages";; esac; done; exit 0;; esac\necho "E: Failed to fetch http://deb.debian.org/debian/pool/main/r/rust-reqwest/x.deb  Temporary failure resolving \'deb.debian.org\'" >&2; exit 100',
    );
    const run = build(path);
    expect(run.status, run.stderr).toBe(3);
  });

  it("fails (exit 1, not 3) for any other apt-get error, which is a bug to see", () => {
    const path = fakeTools(
      'case "$*" in *update*) for a in "$@"; do case "$a" in Dir::State::Lists=*) mkdir -p "${a#Dir::State::Lists=}" && touch "${a#Dir::State::Lists=}/x_Packages";; esac; done; exit 0;; esac\necho "E: Unable to locate package librust-reqwest-dev" >&2; exit 100',
    );
    const run = build(path);
    expect(run.status, run.stderr).toBe(existsSync("/usr/share/keyrings/debian-archive-keyring.gpg") ? 1 : 3);
    if (run.status === 1) expect(run.stderr).toContain("Unable to locate package");
  });
});
