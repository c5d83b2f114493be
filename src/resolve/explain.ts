// Explains why an active edge exists: the chain of features inside the dependent that enabled it.
import type { ActiveEdge } from "./active-graph.js";
import { activatedFeatures, packageKey, type ActivationCause, type FeaturesFor, type ResolvedFeatures } from "./features.js";

export interface EdgeExplanation {
  /** Features of the dependent, outermost first, that enabled the edge: e.g. ["default", "default-tls"]. Empty for non-optional edges. */
  features: string[];
  /** What started the chain: the root's requested features, or a dependent's declaration (and its feature). */
  origin: ActivationCause | undefined;
}

function dependencyCause(resolved: ResolvedFeatures, id: number, fk: FeaturesFor, dep: string): ActivationCause | undefined {
  const key = packageKey(id, resolved.decoupleHostDeps ? fk : 0);
  return resolved.dependencies.get(key)?.get(dep);
}

/** Follows `feature` causes inside one package back to where the chain entered it. */
export function featureChain(resolved: ResolvedFeatures, id: number, fk: FeaturesFor, start: ActivationCause | undefined): EdgeExplanation {
  const features: string[] = [];
  const seen = new Set<string>();
  const enabled = activatedFeatures(resolved, id, fk);
  let cause = start;
  while (cause?.type === "feature" && !seen.has(cause.feature)) {
    seen.add(cause.feature);
    features.unshift(cause.feature);
    cause = enabled.get(cause.feature);
  }
  return { features, origin: cause };
}

export function explainEdge(resolved: ResolvedFeatures, edge: ActiveEdge): EdgeExplanation {
  if (!edge.dep.optional) return { features: [], origin: undefined };
  return featureChain(resolved, edge.from, edge.fromFor, dependencyCause(resolved, edge.from, edge.fromFor, edge.dep.name));
}

/** Why a feature of a package is on: its chain inside the package. */
export function explainFeature(resolved: ResolvedFeatures, id: number, fk: FeaturesFor, feature: string): EdgeExplanation {
  const cause = activatedFeatures(resolved, id, fk).get(feature);
  const chain = featureChain(resolved, id, fk, cause);
  return { features: [...chain.features, feature], origin: chain.origin };
}
