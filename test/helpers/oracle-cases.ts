// The committed cargo-oracle cases of both differential suites, typed: what cargo answered for each workspace.
// fixtures/cargo-oracle (scripts/cargo-oracle/generate.py) and fixtures/differential (scripts/differential/gen.py)
// share one expected.json shape; memberEdges exists only in the catalogue, platformFindings only where a case has
// target-specific declarations. Reads the committed files only: no cargo, no network.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** `drift-regressions`: random workspaces edited after locking (fuzz.py --drift), over the differential registry. */
export type OracleSuite = "cargo-oracle" | "differential" | "drift-regressions";
export type DebianSuite = "bookworm" | "trixie" | "sid";
export type Mode = "default" | "all-features";
/** The feature modes an expected.json may hold: fuzz.py's cases add `--no-default-features` and `-F F`. */
export type AnyMode = Mode | "no-default-features" | `features:${string}`;
export type Scope = "normal" | "build" | "dev";
export type Banned = "native-tls" | "openssl" | "openssl-sys";
export type PlatformTriple = "x86_64-unknown-linux-gnu" | "aarch64-apple-darwin" | "x86_64-pc-windows-msvc";

export const MODES: readonly Mode[] = ["default", "all-features"];
export const PLATFORMS: readonly PlatformTriple[] = ["x86_64-unknown-linux-gnu", "aarch64-apple-darwin", "x86_64-pc-windows-msvc"];

/** A registry dependency D of member M, reaching B in M's own build (M's direct dependencies only). */
export interface MemberFinding {
  member: string;
  dependency: string;
  dependencyVersion: string;
  banned: Banned;
  scope: Scope;
}

/** M reaches B through a direct dependency on another member (catalogue only). */
export interface MemberEdge {
  member: string;
  viaMember: string;
  banned: Banned;
  scope: Scope;
}

/**
 * In the build of member `build` (`cargo tree -p build -i banned`), the local package `package` (a member or a
 * path package; `package === build` included) depends directly on the registry package `dependency`, which
 * reaches `banned`. Scope is the narrowest edge set in which this shows.
 */
export interface BuildFinding {
  build: string;
  package: string;
  dependency: string;
  dependencyVersion: string;
  banned: Banned;
  scope: Scope;
}

/** A BuildFinding of `cargo tree --target TRIPLE -e normal` with default features: no scope. */
export type PlatformFinding = Omit<BuildFinding, "scope">;

export interface OracleExpected {
  suite: DebianSuite;
  target: PlatformTriple;
  cargo: string;
  shape: string;
  members: string[];
  findings: Record<Mode, MemberFinding[]>;
  memberEdges?: Record<Mode, MemberEdge[]>;
  buildFindings: Record<Mode, BuildFinding[]> & Partial<Record<"no-default-features", BuildFinding[]>>;
  platformFindings?: Record<PlatformTriple, PlatformFinding[]>;
}

export interface OracleCase {
  oracle: OracleSuite;
  suite: DebianSuite;
  /** The case directory's name, e.g. "reqwest-05" or "247-chain-git-3". */
  name: string;
  /** Absolute path of the workspace (the case directory). */
  dir: string;
  /** The suite's committed registry manifests (a cargo directory source for the differential suite). */
  registry: string;
  expected: OracleExpected;
}

export const fixturesRoot = (oracle: OracleSuite) => join(import.meta.dirname, "../../fixtures", oracle);

/** Every committed case of one oracle (or both), sorted by oracle, suite, then name. */
export function oracleCases(only?: OracleSuite): OracleCase[] {
  const oracles: OracleSuite[] = only ? [only] : ["cargo-oracle", "differential", "drift-regressions"];
  return oracles.flatMap((oracle) => {
    const root = fixturesRoot(oracle);
    if (!existsSync(root)) return [];
    return readdirSync(root)
      .filter((suite) => existsSync(join(root, suite, "cases")))
      .sort()
      .flatMap((suite) => {
        const casesDir = join(root, suite, "cases");
        return readdirSync(casesDir)
          .filter((name) => existsSync(join(casesDir, name, "expected.json")))
          .sort()
          .map((name) => {
            const dir = join(casesDir, name);
            const expected = JSON.parse(readFileSync(join(dir, "expected.json"), "utf8")) as OracleExpected;
            // Drift regressions were locked against the differential suite's registry and keep no copy of it.
            const registry = join(oracle === "drift-regressions" ? fixturesRoot("differential") : root, suite, "registry");
            return { oracle, suite: suite as DebianSuite, name, dir, registry, expected };
          });
      });
  });
}

/** One line per tuple, for comparing sets with toEqual on sorted arrays. */
export const buildFindingKey = (f: BuildFinding) =>
  `${f.build}: ${f.package} → ${f.dependency} ${f.dependencyVersion} → ${f.banned} [${f.scope}]`;
export const platformFindingKey = (f: PlatformFinding) => `${f.build}: ${f.package} → ${f.dependency} ${f.dependencyVersion} → ${f.banned}`;
