// What the process writes on its standard output and error, and what happens when it cannot: a reader that has
// gone ends the output quietly, any other failure is one line and exit 2. The start-up module's short paths
// (nothing to check, a replayed run) write to the descriptors directly, without creating process.stdout.
import { writeSync } from "node:fs";
import { isatty } from "node:tty";
import { describeFsError } from "../host/index.js";
import { writeFully } from "../host/write.js";

let failed = false;

/**
 * An output that cannot be written (a full disk, `> /dev/full`) is an input error of the run: one line on standard
 * error, exit code 2, whatever the audit found. A reader that has gone (EPIPE, as with `| head`) is not a failure.
 */
function outputFailed(fd: 1 | 2, error: unknown): void {
  if (failed) return;
  failed = true;
  process.exitCode = 2;
  // The bin sets the audit's exit code after the run; this runs last.
  process.on("exit", () => (process.exitCode = 2));
  if (fd === 2) return; // nowhere left to say it
  try {
    writeSync(2, `tls-audit: cannot write to standard output: ${describeFsError(error, "write")}\n`);
  } catch {
    // standard error is gone too
  }
}

/** Whether standard output is a terminal, as `process.stdout.isTTY` says, without creating the stream. */
export function stdoutIsTerminal(): boolean {
  return isatty(1);
}

/**
 * Writes all of `text` to standard output (1) or error (2). A reader that has gone (EPIPE, as with `| head`) ends
 * the output quietly; any other failure is reported (`outputFailed`).
 */
export function writeOutput(fd: 1 | 2, text: string): void {
  try {
    writeFully(fd, text);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EPIPE") outputFailed(fd, error);
  }
}

/**
 * The same for the CLI's streams, which otherwise end in an unhandled 'error' event and its stack trace: a reader
 * that has gone (`tls-audit | head`) ends the output quietly and the exit code is still the audit's; any other
 * failure is reported.
 */
export function guardOutputStreams(): void {
  for (const [stream, fd] of [[process.stdout, 1], [process.stderr, 2]] as const) {
    stream.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code !== "EPIPE") outputFailed(fd, error);
    });
  }
}
