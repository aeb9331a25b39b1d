/**
 * Ctrl-C for the long commands (train, compare, demo): the first asks the work to stop at its
 * next safe point, so that what it finished is saved and it can be resumed; a second quits at once.
 */

/** An error a command ends with when Ctrl-C stopped it: main prints its message and exits with 130 (128 + SIGINT, as a shell reports it). */
export class Interrupted extends Error {
  readonly exitCode = 130;
}

/**
 * A SIGINT this soon after the first is the same Ctrl-C: `timeout -s INT` and other supervisors
 * signal both the process and its process group, so one stop request can arrive twice within
 * microseconds, and quitting at once on the echo would skip the orderly stop.
 */
export const REPEAT_WINDOW_MS = 500;

/**
 * Listens for Ctrl-C (SIGINT) until `dispose`: the first aborts `signal` and prints `stopping`
 * to stderr; a second, REPEAT_WINDOW_MS or more later, exits with 130 at once. `abort` stops the
 * work as Ctrl-C would (a failure elsewhere, say), without a word. `now` is the clock (ms).
 */
export function onCtrlC(stopping: string, now: () => number = () => performance.now()): { signal: AbortSignal; abort(): void; dispose(): void } {
  const stop = new AbortController();
  let first = -1;
  const onSigint = () => {
    if (first >= 0) {
      if (now() - first < REPEAT_WINDOW_MS) return;
      process.exit(130);
    }
    first = now();
    stop.abort();
    process.stderr.write(`\n${stopping}\n`);
  };
  process.on("SIGINT", onSigint);
  return { signal: stop.signal, abort: () => stop.abort(), dispose: () => process.off("SIGINT", onSigint) };
}

/** The command line this process was started with, as `liveq ...` to type again (arguments quoted for a POSIX shell where needed). */
export function sameCommand(): string {
  const quote = (a: string) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);
  return ["liveq", ...process.argv.slice(2).map(quote)].join(" ");
}
