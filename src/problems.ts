// Problems: why the tool could not fully do its job (bad input, unreadable files), as data.

/** A position in a file: 1-based line and column. */
export interface SourcePosition {
  line: number;
  column: number;
}

/** A problem with the input, not a finding about dependencies. */
export interface Problem {
  /** `error` makes the run exit 2; `warning` leaves a sound, possibly partial, result. */
  severity: "error" | "warning";
  /** Stable kebab-case code, e.g. `toml-syntax`, `lockfile-missing`. */
  code: string;
  message: string;
  /** Absolute path of the file concerned, when there is one. */
  file?: string;
  position?: SourcePosition;
  /** What the user can do about it. */
  hint?: string;
}

/** Thrown by readers when a file cannot be used at all; carries the problem to report. */
export class InputError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.message);
    this.name = "InputError";
  }
}

/** Returns 1-based line and column of a UTF-16 offset in `text`. */
export function positionAt(text: string, offset: number): SourcePosition {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf("\n"); i !== -1 && i < offset; i = text.indexOf("\n", i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

const CONFLICT_MARKER = /^(<{7}|={7}|>{7})(?: |$)/m;

/** Finds an unresolved git conflict marker, which no TOML parser reports helpfully. */
export function findConflictMarker(text: string): SourcePosition | undefined {
  // A plain search first: the line-anchored pattern costs milliseconds on a large lock, and markers are rare.
  if (!text.includes("<<<<<<<") && !text.includes("=======") && !text.includes(">>>>>>>")) return undefined;
  const match = CONFLICT_MARKER.exec(text);
  return match ? positionAt(text, match.index) : undefined;
}

/** Throws a `conflict-markers` InputError when the text still has them; checked before any TOML parse. */
export function rejectConflictMarkers(text: string, file: string, what: string, hint: string): void {
  const marker = findConflictMarker(text);
  if (marker) throw new InputError({ severity: "error", code: "conflict-markers", message: `${what} contains git conflict markers`, file, position: marker, hint });
}
