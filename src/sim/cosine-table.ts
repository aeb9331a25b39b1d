/**
 * A coarse table of cosines with a proven error bound, to settle comparisons against a cosine
 * without computing it.
 *
 * The users' daily rhythm accepts a proposed return time when a uniform draw falls below
 * 1 + amp cos(theta). Most draws are far from that threshold, and the table's value, within
 * COSINE_TABLE_ERROR of cos(theta) (cosine is 1-Lipschitz and the table's step is 2 pi / 1024),
 * already tells which side they fall on. Only a draw within that error of the threshold needs
 * Math.cos, so every answer is the one Math.cos gives, bit for bit, at a fraction of the cost.
 */
const SIZE = 1024;
const STEPS_PER_RADIAN = SIZE / (2 * Math.PI);
const VALUES = Float64Array.from({ length: SIZE }, (_, k) => Math.cos((2 * Math.PI * k) / SIZE));

/**
 * Bound on |cosineNear(theta) - Math.cos(theta)| for |theta| < 4 pi: half a step of the table
 * (pi / 1024 = 0.00307), plus room for rounding in the index and in Math.cos.
 */
export const COSINE_TABLE_ERROR = 0.0031;

/** cos(theta) within COSINE_TABLE_ERROR, for |theta| < 4 pi: the table's entry nearest theta. */
export function cosineNear(theta: number): number {
  return VALUES[Math.round(Math.abs(theta) * STEPS_PER_RADIAN) & (SIZE - 1)];
}

/**
 * Is draw < 1 + amp cos(theta), exactly as Math.cos would answer it, for amp >= 0 and
 * |theta| < 4 pi? The table settles it unless the draw is within the table's error of the
 * threshold; only then is Math.cos called.
 */
export function belowOnePlusCosine(draw: number, amp: number, theta: number): boolean {
  const side = settleOnePlusCosine(draw, amp, theta * STEPS_PER_RADIAN);
  return side >= 0 ? side === 1 : draw < 1 + amp * Math.cos(theta);
}

/** Positions on the table per full turn (2 pi): an angle theta is at theta x TABLE_STEPS / (2 pi). */
export const TABLE_STEPS = SIZE;

/**
 * belowOnePlusCosine for an angle given by its position on the table: `steps` is theta x
 * TABLE_STEPS / (2 pi) up to a whole number of turns, computed within 1e-6 of a step (any sign,
 * magnitude below 2^31; a caller can so skip the divisions that give theta exactly). Returns 1
 * when draw < 1 + amp cos(theta), 0 when not, and -1 when the draw is too close to the threshold
 * for the table to tell: only then need theta and Math.cos be computed. The table's value is that
 * of the entry nearest theta, so within COSINE_TABLE_ERROR of cos(theta) (the 1e-6 step, 6e-9
 * radians, is well within the bound's room for rounding).
 */
export function settleOnePlusCosine(draw: number, amp: number, steps: number): number {
  const near = 1 + amp * VALUES[Math.round(Math.abs(steps)) & (SIZE - 1)], margin = amp * COSINE_TABLE_ERROR + 1e-12;
  if (draw < near - margin) return 1;
  if (draw > near + margin) return 0;
  return -1;
}
