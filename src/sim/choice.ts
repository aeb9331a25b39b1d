/**
 * How a user answers a recommendation. Each recommended stream has a utility (what the user
 * expects of it: taste, quality, familiarity, social proof, minus fatigue) and "no thanks" has its
 * own. With one stream the user accepts with the logistic probability; with a slate of K the user
 * picks one stream or none by a multinomial logit (McFadden), the standard model of slate choice.
 */

/** Chance of accepting a single recommended stream of utility v against "no thanks" v0. */
export function acceptProbability(v: number, v0: number): number {
  return 1 / (1 + Math.exp(v0 - v));
}

/** The logistic 1 / (1 + exp(d)) at d = k / STEPS - SPAN, k = 0 .. 2 SPAN STEPS (see accepts). */
const SPAN = 32, STEPS = 32;
const LOGISTIC = Float64Array.from({ length: 2 * SPAN * STEPS + 1 }, (_, k) => 1 / (1 + Math.exp(k / STEPS - SPAN)));

/**
 * Does a user accept a stream of utility v against "no thanks" v0, for the uniform draw u01: is
 * u01 < acceptProbability(v, v0)? The logistic falls as d = v0 - v grows, so its values at the
 * grid points around d (a table, steps of 1/32) bound it; a draw clear of both bounds (by more
 * than the rounding of either side) is answered without the exponential. Only draws within the
 * step's span of the threshold, under 1% of them, need acceptProbability, and every answer is the
 * one it gives, bit for bit.
 */
export function accepts(u01: number, v: number, v0: number): boolean {
  const t = (v0 - v + SPAN) * STEPS;
  if (t >= 0 && t < 2 * SPAN * STEPS) {
    const k = Math.floor(t);
    if (u01 < LOGISTIC[k + 1] - 1e-14) return true;
    if (u01 >= LOGISTIC[k] + 1e-14) return false;
  }
  return u01 < acceptProbability(v, v0);
}

/**
 * Picks from a slate by multinomial logit: returns the slate position chosen, or -1 for "no thanks".
 * @param utility utilities of the n slate items (entries past n are ignored)
 * @param u01 a uniform draw in [0, 1)
 * @param scratch at least n entries of scratch space
 */
export function chooseFromSlate(utility: Float64Array, n: number, v0: number, u01: number, scratch: Float64Array): number {
  let max = v0;
  for (let j = 0; j < n; j++) if (utility[j] > max) max = utility[j];
  let total = Math.exp(v0 - max);
  for (let j = 0; j < n; j++) total += scratch[j] = Math.exp(utility[j] - max);
  let x = u01 * total - Math.exp(v0 - max);
  if (x < 0) return -1;
  for (let j = 0; j < n; j++) {
    x -= scratch[j];
    if (x < 0) return j;
  }
  return n - 1; // rounding at the very top
}

/** Choice probabilities of a slate (out[j] for item j); returns the chance of "no thanks". */
export function slateProbabilities(utility: Float64Array, n: number, v0: number, out: Float64Array): number {
  let max = v0;
  for (let j = 0; j < n; j++) if (utility[j] > max) max = utility[j];
  const none = Math.exp(v0 - max);
  let total = none;
  for (let j = 0; j < n; j++) total += out[j] = Math.exp(utility[j] - max);
  for (let j = 0; j < n; j++) out[j] /= total;
  return none / total;
}
