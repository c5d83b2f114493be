// A TOML value of a type cargo refuses, in cargo's own words (serde's `invalid type: …, expected …`): for Cargo.toml and Cargo.lock.

/** What cargo expects at a place, as serde names it in `expected …`. */
export const EXPECTED = {
  string: "a string",
  boolean: "a boolean",
  sequence: "a sequence",
  map: "a map",
  /** A dependency entry: cargo's `InheritableDependency` visitor. */
  dependency: 'a version string like "0.9.8" or a detailed dependency like { version = "0.9.8" }',
  /** A `[target.X]` table: cargo names its type, which users see as `[target.X]`. */
  platform: "struct TomlPlatform",
  /** `package.version`, which cargo reads as a semver version. */
  semver: "SemVer version",
  /** `package.edition` and other inheritable strings. */
  inheritableString: "a string or workspace",
} as const;

/** serde's `Unexpected` for a TOML value: `integer \`5\``, `string "json"`, `sequence`, `map`. */
export function describeValue(value: unknown): string {
  if (typeof value === "string") return `string ${JSON.stringify(value)}`;
  if (typeof value === "boolean") return `boolean \`${value}\``;
  if (typeof value === "bigint") return `integer \`${value}\``;
  if (typeof value === "number") {
    // smol-toml reads `1.0` as 1, so a float written with a zero fraction is called an integer here.
    if (Number.isInteger(value)) return `integer \`${value}\``;
    return `floating point \`${Number.isNaN(value) ? "NaN" : value === Infinity ? "inf" : value === -Infinity ? "-inf" : value}\``;
  }
  if (Array.isArray(value)) return "sequence";
  // toml-rs hands a datetime to serde as a map.
  return "map";
}

/** A key path as TOML writes it: bare keys plain, others quoted. */
export function dottedKey(path: readonly string[]): string {
  return path.map((part) => (/^[A-Za-z0-9_-]+$/.test(part) ? part : JSON.stringify(part))).join(".");
}

/** The message for `value` at `path` where cargo expects `expected`. */
export function invalidTypeMessage(path: readonly string[], value: unknown, expected: string): string {
  return `\`${dottedKey(path)}\`: invalid type: ${describeValue(value)}, expected ${expected}`;
}
