// Cargo's version-requirement syntax, mapped onto node-semver (a bare "1.2" means "^1.2" in cargo).
import semver from "semver";

/** Converts a cargo requirement ("0.11", ">=1, <2", "=0.12.2", "*") into a node-semver range. */
export function toSemverRange(req: string): string {
  return req
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part !== "")
    .map((part) => (/^[\d]/.test(part) ? `^${part}` : part))
    .join(" ");
}

/** Whether `version` satisfies the cargo requirement `req`; an unparsable requirement satisfies nothing. */
export function satisfiesCargoReq(version: string, req: string): boolean {
  try {
    return semver.satisfies(version, toSemverRange(req), { includePrerelease: true, loose: true });
  } catch {
    return false;
  }
}
