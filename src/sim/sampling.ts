/**
 * Draws from the few distributions the simulator needs beyond what Rng offers, and a hash that gives
 * each (user, streamer) pair a fixed personal taste without storing a users x streamers matrix.
 */
import type { Rng } from "../core/random/rng.js";

/** Gamma(shape, 1) deviate (Marsaglia and Tsang 2000; shape < 1 by the boost shape + 1). */
export function gamma(shape: number, rng: Rng): number {
  if (shape < 1) {
    const u = rng.float();
    return gamma(shape + 1, rng) * Math.pow(u === 0 ? Number.MIN_VALUE : u, 1 / shape);
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number, v: number;
    do {
      x = rng.normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rng.float();
    if (u < 1 - 0.0331 * x * x * x * x) return d * v;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** Fills out[offset .. offset+alpha.length) with a Dirichlet(alpha) draw. */
export function dirichlet(alpha: ArrayLike<number>, rng: Rng, out: Float32Array | Float64Array, offset = 0): void {
  let sum = 0;
  for (let k = 0; k < alpha.length; k++) {
    const g = gamma(alpha[k], rng);
    out[offset + k] = g;
    sum += g;
  }
  if (sum <= 0) {
    // All draws underflowed (tiny alpha): put everything on one random component.
    for (let k = 0; k < alpha.length; k++) out[offset + k] = 0;
    out[offset + rng.int(alpha.length)] = 1;
    return;
  }
  for (let k = 0; k < alpha.length; k++) out[offset + k] /= sum;
}

/** Poisson deviate (Knuth's product method below mean 30, a rounded normal above). */
export function poisson(mean: number, rng: Rng): number {
  if (mean <= 0) return 0;
  if (mean > 30) return Math.max(0, Math.round(mean + Math.sqrt(mean) * rng.normal()));
  const limit = Math.exp(-mean);
  let k = 0;
  let p = rng.float();
  while (p > limit) {
    k++;
    p *= rng.float();
  }
  return k;
}

/** A log-normal factor with mean 1 whose logarithm has standard deviation `spread`. */
export function meanOneLogNormal(spread: number, rng: Rng): number {
  return Math.exp(spread * rng.normal() - 0.5 * spread * spread);
}

/**
 * A fixed, roughly standard normal number for the pair (a, b) under `salt`: the sum of four bytes
 * of a 32-bit integer hash, centred and scaled (bounded tails, at most 3.5 in magnitude). It stands
 * for a user's personal like or dislike of a streamer, which never changes and costs no memory.
 */
export function pairNoise(a: number, b: number, salt: number): number {
  let h = Math.imul(a ^ salt, 0x9e3779b1) ^ Math.imul(b + 0x7f4a7c15, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  h ^= h >>> 16;
  const sum = (h & 0xff) + ((h >>> 8) & 0xff) + ((h >>> 16) & 0xff) + ((h >>> 24) & 0xff);
  // Four uniform bytes: mean 510, standard deviation sqrt(4 * (256^2 - 1) / 12) = 147.8.
  return (sum - 510) / 147.8;
}
