// Output of the start-up module's short paths (nothing to check, a replayed run), written to the file descriptors
// directly: creating process.stdout or process.stderr loads Node's stream machinery, about 5 ms of a run that is
// otherwise little more than Node's own start-up.
import { writeSync } from "node:fs";
import { isatty } from "node:tty";

/** Whether standard output is a terminal, as `process.stdout.isTTY` says, without creating the stream. */
export function stdoutIsTerminal(): boolean {
  return isatty(1);
}

/**
 * Writes all of `text` to standard output (1) or error (2). A non-blocking pipe that is full (EAGAIN) gets the
 * rest through the stream, which waits; a reader that has gone (EPIPE, as with `| head`) ends the output quietly.
 */
export function writeOutput(fd: 1 | 2, text: string): void {
  if (text === "") return;
  const bytes = Buffer.from(text, "utf8");
  let written = 0;
  try {
    while (written < bytes.length) written += writeSync(fd, bytes, written);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EAGAIN") (fd === 1 ? process.stdout : process.stderr).write(bytes.subarray(written));
    else if (code !== "EPIPE") throw error;
  }
}

/**
 * The same for the CLI's streams: a reader that has gone (`tls-audit | head`) ends the output quietly, instead of
 * an unhandled 'error' event and its stack trace. The exit code is still the audit's.
 */
export function endQuietlyOnClosedPipe(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code !== "EPIPE") throw error;
    });
  }
}
