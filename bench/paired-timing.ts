/**
 * Timing for the paired benchmarks (a kernel against its reference, in alternating rounds of one
 * run): their flags, microseconds per call over a time budget, and the median of the rounds.
 */
import { parseArgs } from "node:util";

/** Microseconds per call of fn over `seconds` (after `warmup` calls). */
export function microsPerCall(fn: () => void, seconds: number, warmup = 20): number {
  for (let i = 0; i < warmup; i++) fn();
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000) {
    fn();
    n++;
  }
  return ((performance.now() - t0) * 1000) / n;
}

export const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1];

/** The flags every paired benchmark takes: --json, --seconds S (per side and round), --rounds R; checked. */
export function pairedBenchFlags(defaultSeconds: number): { json: boolean; seconds: number; rounds: number } {
  const { values } = parseArgs({
    options: {
      json: { type: "boolean", default: false },
      seconds: { type: "string", default: String(defaultSeconds) },
      rounds: { type: "string", default: "5" },
    },
  });
  const seconds = Number(values.seconds);
  const rounds = Number(values.rounds);
  if (!(seconds > 0)) throw new RangeError(`--seconds must be > 0, got ${values.seconds}`);
  if (!(Number.isInteger(rounds) && rounds > 0)) throw new RangeError(`--rounds must be a positive integer, got ${values.rounds}`);
  return { json: values.json, seconds, rounds };
}
