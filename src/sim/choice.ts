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
