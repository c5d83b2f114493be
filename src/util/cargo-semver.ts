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

const OPTIONS = { includePrerelease: true, loose: true };
// Parsed once per string: a lock of 20,000 packages matches tens of thousands of edges against a few thousand
// distinct requirements and versions, and semver.satisfies parses both for every call. Null: unparsable.
const ranges = new Map<string, semver.Range | null>();
const versions = new Map<string, semver.SemVer | null>();

function parsed<T>(memo: Map<string, T | null>, text: string, parse: (text: string) => T): T | null {
  let value = memo.get(text);
  if (value === undefined) {
    try {
      value = parse(text);
    } catch {
      value = null;
    }
    memo.set(text, value);
  }
  return value;
}

// Answers by (requirement, version): every audit and re-audit matches the same locked edges again.
const answers = new Map<string, boolean>();

/** Whether `version` satisfies the cargo requirement `req`; an unparsable requirement satisfies nothing. */
export function satisfiesCargoReq(version: string, req: string): boolean {
  const key = `${req}\0${version}`;
  let answer = answers.get(key);
  if (answer === undefined) {
    const range = parsed(ranges, req, (text) => new semver.Range(toSemverRange(text), OPTIONS));
    const parsedVersion = range && parsed(versions, version, (text) => new semver.SemVer(text, OPTIONS));
    answers.set(key, (answer = parsedVersion ? range.test(parsedVersion) : false));
  }
  return answer;
}

/**
 * Orders versions highest first, as semver reads them loosely; a version it cannot read sorts by text. Sorting the
 * locked candidates of every requirement parsed each version once per comparison.
 */
export function compareVersionsDesc(a: string, b: string): number {
  const va = parsed(versions, a, (text) => new semver.SemVer(text, OPTIONS));
  const vb = parsed(versions, b, (text) => new semver.SemVer(text, OPTIONS));
  return va && vb ? vb.compare(va) : b.localeCompare(a);
}

/** Whether `req` is a version requirement cargo's syntax allows (as far as node-semver reads it). */
export function isCargoReq(req: string): boolean {
  return req.trim() !== "" && isReadableCargoReq(req);
}

/** Whether node-semver can read the cargo requirement at all (an unreadable one is never called unsatisfied). */
export function isReadableCargoReq(req: string): boolean {
  return parsed(ranges, req, (text) => new semver.Range(toSemverRange(text), OPTIONS)) !== null;
}

/** A requirement as matching uses it: absent or unreadable, it accepts every version (`*`). */
export function effectiveReq(req: string | undefined): string {
  return req !== undefined && isReadableCargoReq(req) ? req : "*";
}

/** Whether a declaration's requirement (absent or unreadable: any) accepts a version. */
export function acceptsVersion(version: string, req: string | undefined): boolean {
  return req === undefined || !isReadableCargoReq(req) || satisfiesCargoReq(version, req);
}

/** The highest of `candidates` that satisfies `req`, as cargo picks among the versions it knows; undefined for none. */
export function highestSatisfying(candidates: Iterable<string>, req: string): string | undefined {
  let best: string | undefined;
  let bestParsed: semver.SemVer | undefined;
  for (const version of candidates) {
    if (!satisfiesCargoReq(version, req)) continue;
    const value = parsed(versions, version, (text) => new semver.SemVer(text, OPTIONS))!;
    if (!bestParsed || semver.compare(value, bestParsed) > 0) {
      best = version;
      bestParsed = value;
    }
  }
  return best;
}

/** The lowest version a cargo requirement accepts ("0.10" → "0.10.0"): a stand-in version for a crate nothing describes. */
export function lowestSatisfying(req: string): string | undefined {
  try {
    return semver.minVersion(toSemverRange(req), OPTIONS)?.version;
  } catch {
    return undefined;
  }
}
