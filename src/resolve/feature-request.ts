// `--features` as cargo reads it for a workspace build: plain names for the members that have them, `member/feature`
// for one member, `dependency/feature` for the members with that dependency; names no selected package has are errors.
import type { LocalPackage } from "../workspace/model.js";
import { withImplicitFeatures } from "./feature-value.js";
import type { FeatureRequest } from "./features.js";

/** Splits `-F "a,b c"` values the way cargo does. */
function requestedNames(request: FeatureRequest): string[] {
  return request.features.flatMap((f) => f.split(/[\s,]+/)).filter(Boolean);
}

/** A package's feature names, as `-F` and dependents may ask for them: its `[features]` and the implicit features of optional dependencies. */
export function featureNames(pkg: LocalPackage): Set<string> {
  const optional = pkg.dependencies.filter((d) => d.optional).map((d) => d.key);
  return new Set(withImplicitFeatures(pkg.manifest.features, optional).keys());
}

/** The request as `cargo build -p <member>` gets it from a workspace-wide `-F`: only what applies to that member. */
export function featureRequestFor(member: LocalPackage, request: FeatureRequest): FeatureRequest {
  const names = requestedNames(request);
  if (names.length === 0) return request;
  const own = featureNames(member);
  const features: string[] = [];
  for (const name of names) {
    const slash = name.indexOf("/");
    if (slash === -1) {
      if (own.has(name)) features.push(name);
      continue;
    }
    const [prefix, feature] = [name.slice(0, slash), name.slice(slash + 1)];
    if (prefix === member.name) features.push(feature);
    // Another member's feature (`-F other/f`) is that member's alone, unless this member depends on it by that name.
    else if (member.dependencies.some((d) => d.key === prefix)) features.push(name);
  }
  return { ...request, features };
}

/**
 * The requests of `cargo build -p <member>` run from the root of a workspace under cargo's old command-line feature
 * behaviour (resolver 1 and a root package: `Workspace::members_with_features_old`). The flags belong to the current
 * package (the root package), which is resolved beside the member even though only the member is built; the member
 * gets only the `member/feature` names given for it, its default features whatever `--no-default-features` says, and
 * `--all-features`.
 */
export function oldBehaviourRequests(member: LocalPackage, current: LocalPackage, members: readonly LocalPackage[], request: FeatureRequest): { member: FeatureRequest; current: FeatureRequest } {
  const own: string[] = [];
  const cwd: string[] = [];
  for (const name of requestedNames(request)) {
    const slash = name.indexOf("/");
    const prefix = slash === -1 ? undefined : name.slice(0, slash).replace(/\?$/, "");
    // `m/f` is member m's when m is selected (`-p m`) and not the current package; anything else is the current one's.
    if (prefix !== undefined && prefix === member.name && member !== current && members.includes(member)) own.push(name.slice(slash + 1));
    else cwd.push(name);
  }
  return {
    member: { features: own, allFeatures: request.allFeatures, defaultFeatures: true },
    current: { features: cwd, allFeatures: request.allFeatures, defaultFeatures: request.defaultFeatures },
  };
}

/**
 * Cargo's errors for `-F` names that no selected member has, worded as cargo words them. Under the old command-line
 * feature behaviour (`current` given: see `oldBehaviourRequests`) a name without a member prefix is the current
 * package's alone.
 */
export function unknownFeatures(request: FeatureRequest, members: readonly LocalPackage[], current?: LocalPackage): string[] {
  const errors: string[] = [];
  for (const name of requestedNames(request)) {
    const slash = name.indexOf("/");
    if (slash === -1) {
      if (current && !featureNames(current).has(name)) errors.push(`the package '${current.name}' does not contain this feature: ${name}`);
      else if (!members.some((m) => featureNames(m).has(name))) errors.push(`none of the selected packages contains this feature: ${name}`);
      continue;
    }
    const [prefix, feature] = [name.slice(0, slash), name.slice(slash + 1)];
    if (current && !members.some((m) => m.name === prefix && m !== current)) {
      if (!current.dependencies.some((d) => d.key === prefix.replace(/\?$/, ""))) errors.push(`the package '${current.name}' has no dependency \`${prefix}\` for this feature: ${name}`);
      continue;
    }
    const member = members.find((m) => m.name === prefix);
    if (member) {
      if (!featureNames(member).has(feature)) errors.push(`the package '${member.name}' does not contain this feature: ${feature}`);
    } else if (!members.some((m) => m.dependencies.some((d) => d.key === prefix))) {
      errors.push(`none of the selected packages contains this feature: ${name}`);
    }
  }
  return errors;
}
