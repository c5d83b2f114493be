// A rule that reports nothing: it records what a (re-)audit's resolution builds, so a fix can be judged in the resolver.
import type { BuiltPackage, Rule } from "../engine/types.js";

/** Crates that carry rustls into a build, looked for next to the fixed dependencies. */
const RUSTLS_CRATES = ["rustls", "rustls-ffi", "hyper-rustls", "tokio-rustls", "async-rustls", "futures-rustls"];

/** What one member builds of the watched crates: name, version, active features, and the direct dependency (package) it comes through. */
export interface ProbedPackage {
  name: string;
  version: string;
  features: string[];
  via: string;
}

export interface BuildProbe {
  rule: Rule;
  /** `${workspace root}\0${member}` → the watched crates its normal build has. */
  builds: Map<string, ProbedPackage[]>;
}

/** A probe for these crates (the fixed dependencies) and every rustls crate. */
export function buildProbe(crates: Iterable<string>): BuildProbe {
  const builds = new Map<string, ProbedPackage[]>();
  const rule: Rule = {
    meta: {
      id: "fix-probe",
      description: "Records the active features of the crates a fix changes (internal to --write's verification)",
      docs: "docs/rules/no-native-tls.md",
      fixable: false,
      defaultSeverity: "warning",
      buildCrates: [...new Set([...crates, ...RUSTLS_CRATES])],
      messages: {},
    },
    create(context) {
      return {
        memberBuild(member, packages: BuiltPackage[]) {
          builds.set(`${context.workspace.root}\0${member.name}`, packages.map((p) => ({ name: p.name, version: p.version, features: p.features, via: p.dependency.decl.package })));
        },
      };
    },
  };
  return { rule, builds };
}
