// Rule: a member's direct dependency brings in native TLS (native-tls / openssl / openssl-sys by default).
import type { Rule } from "../src/engine/types.js";
import { tlsCrate } from "./data/tls-crates.js";

export const noNativeTls: Rule = {
  meta: {
    id: "no-native-tls",
    description: "Disallow dependencies that compile native TLS (OpenSSL through native-tls, openssl or openssl-sys)",
    docs: "docs/rules/no-native-tls.md",
    fixable: true,
    defaultSeverity: "error",
    messages: {
      reaches: "{dependency} {version} pulls in {reaches}{through}",
      isBanned: "{dependency} {version} is itself a native TLS crate ({summary})",
    },
  },
  create(context) {
    return {
      directDependency(dependency) {
        for (const reached of context.reach(dependency)) {
        const [start, ...rest] = reached.path.slice(1);
        const isBanned = start !== undefined && context.bannedCrates.has(start.name);
        const between = rest.slice(0, -1).filter((step) => step.role === "tls-wrapper").map((step) => step.name);
        context.report({
          messageId: isBanned ? "isBanned" : "reaches",
          data: {
            dependency: start?.name ?? dependency.decl.package,
            version: start?.version ?? dependency.decl.version ?? "",
            reaches: reached.reaches.join(", "),
            through: between.length > 0 ? ` through ${between.join(" → ")}` : "",
            summary: (start && tlsCrate(start.name)?.summary) ?? "",
          },
          dependency,
          group: reached,
        });
        }
      },
    };
  },
};
