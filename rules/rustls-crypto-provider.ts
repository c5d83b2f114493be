// Rule: a build compiles rustls 0.23+ with no crypto provider, or with both ring and aws-lc-rs, and so panics at the first handshake.
import semver from "semver";
import type { Rule } from "../src/engine/types.js";

/** rustls 0.23 features that select a process-default CryptoProvider. */
const PROVIDERS: Record<string, string> = { ring: "ring", aws_lc_rs: "aws-lc-rs", "aws-lc-rs": "aws-lc-rs" };

export const rustlsCryptoProvider: Rule = {
  meta: {
    id: "rustls-crypto-provider",
    description: "Warn when rustls 0.23+ is built with no crypto provider feature, or with both ring and aws-lc-rs",
    docs: "docs/rules/rustls-crypto-provider.md",
    // The fix (src/fix/provider.ts) adds one provider feature; two providers are left to the user.
    fixable: true,
    defaultSeverity: "warning",
    buildCrates: ["rustls"],
    messages: {
      none: "rustls {version} is built with no crypto provider (neither `ring` nor `aws-lc-rs`): the first TLS handshake panics unless the app installs a CryptoProvider",
      both: "rustls {version} is built with both `ring` and `aws-lc-rs`: the first TLS handshake panics unless the app installs a default CryptoProvider",
    },
  },
  create(context) {
    return {
      memberBuild(_member, packages) {
        const seen = new Set<string>();
        for (const pkg of packages) {
          if (pkg.name !== "rustls" || !pkg.exact || seen.has(pkg.version)) continue;
          const version = semver.valid(pkg.version, true);
          if (!version || semver.lt(version, "0.23.0")) continue;
          seen.add(pkg.version);
          const providers = new Set(pkg.features.map((f) => PROVIDERS[f]).filter((p): p is string => p !== undefined));
          if (providers.size === 1) continue;
          context.report({
            messageId: providers.size === 0 ? "none" : "both",
            data: { version: pkg.version },
            dependency: pkg.dependency,
            group: { scope: "normal", reaches: [], path: pkg.path(), decl: pkg.dependency.decl },
          });
        }
      },
    };
  },
};
