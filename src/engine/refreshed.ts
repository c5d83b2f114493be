// Findings through packages a lock refresh added (lockfile/refresh.ts) are only as sure as what described them.
import type { RefreshedLock } from "../lockfile/refresh.js";
import type { Finding } from "./types.js";

/**
 * Marks `possible` (a warning) every finding whose path runs through an added package whose candidate versions may
 * disagree: cargo could pick a version that does not pull native TLS.
 */
export function markUncertainFindings(findings: Iterable<Finding>, refreshed: RefreshedLock): void {
  const uncertain = new Set<string>();
  for (const [id, how] of refreshed.synthesized) {
    if (how.certain) continue;
    const pkg = refreshed.lockfile.packages[id]!;
    uncertain.add(`${pkg.name}\0${pkg.version}\0${pkg.source}`);
  }
  if (uncertain.size === 0) return;
  for (const finding of findings) {
    if (finding.path.some((step) => uncertain.has(`${step.name}\0${step.version}\0${step.source}`))) {
      finding.possible = true;
      finding.severity = "warning";
    }
  }
}
