/**
 * Interest drift: watching moves a user's interests towards the watched category and their taste
 * vector towards the streamer's, in proportion to the time watched. Interests stay a distribution
 * (the move is a convex combination).
 */
import type { SimConfig } from "../config.js";

export interface DriftEffect {
  readonly enabled: boolean;
  readonly perHour: number;
}

export function driftEffect(config: SimConfig): DriftEffect {
  return { ...config.effects.drift };
}

/**
 * Moves interests (`categories` entries of `vec` from `interestAt`) towards category c and taste
 * (`dims` entries from `tasteAt`) towards the streamer's taste (from `streamerAt` in
 * `streamerTaste`), by a share perHour x hours watched (at most 1).
 */
export function drift(
  vec: Float32Array, interestAt: number, tasteAt: number, streamerTaste: Float32Array, streamerAt: number,
  c: number, categories: number, dims: number, minutes: number, e: DriftEffect,
): void {
  if (!e.enabled) return;
  const a = Math.min(1, (e.perHour * minutes) / 60);
  if (a <= 0) return;
  for (let k = interestAt; k < interestAt + categories; k++) vec[k] *= 1 - a;
  vec[interestAt + c] += a;
  for (let d = 0; d < dims; d++) vec[tasteAt + d] += a * (streamerTaste[streamerAt + d] - vec[tasteAt + d]);
}
