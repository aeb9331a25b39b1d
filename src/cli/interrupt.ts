/**
 * Ctrl-C for the long commands (train, compare, demo): the first asks the work to stop at its
 * next safe point, so that what it finished is saved and it can be resumed; a second quits at once.
 */

/** An error a command ends with when Ctrl-C stopped it: main prints its message and exits with 130 (128 + SIGINT, as a shell reports it). */
export class Interrupted extends Error {
  readonly exitCode = 130;
}

/**
 * Listens for Ctrl-C (SIGINT) until `dispose`: the first aborts `signal` and prints `stopping`
 * to stderr; a second exits with 130 at once. `abort` stops the work as Ctrl-C would (a failure
 * elsewhere, say), without a word.
 */
export function onCtrlC(stopping: string): { signal: AbortSignal; abort(): void; dispose(): void } {
  const stop = new AbortController();
  const onSigint = () => {
    if (stop.signal.aborted) process.exit(130);
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
