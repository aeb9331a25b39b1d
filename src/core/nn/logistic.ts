/**
 * The logistic function and its log, computed without overflow at either end (exp of a large
 * positive number is never taken): the acceptance gate of the feature head
 * (src/core/qfunction/feature-qfunction.ts) scores with log sigmoid and trains with sigmoid.
 */

/** sigmoid(z) = 1 / (1 + exp(-z)). */
export function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** log sigmoid(z) = -log(1 + exp(-z)). */
export function logSigmoid(z: number): number {
  return z >= 0 ? -Math.log1p(Math.exp(-z)) : z - Math.log1p(Math.exp(z));
}
