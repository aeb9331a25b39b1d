/**
 * Acting for a whole batch of agents at once: greedy (for serving) or epsilon-greedy (for
 * training), always restricted to the actions that are available (a mask row per agent). An
 * unavailable action (an offline stream) is never chosen, not even by exploration.
 */
import type { Rng } from "../random/rng.js";

/**
 * Greedy masked argmax of each row of `q` (batch x actions). `mask` (batch x actions, 1 = available)
 * may be null when every action is available. Ties go to the lowest index. Throws if a row has no
 * available action.
 */
export function greedyActions(q: Float32Array, batch: number, actions: number, mask: Uint8Array | null, out: Int32Array): void {
  for (let b = 0; b < batch; b++) {
    const row = b * actions;
    let best = -1;
    let bestQ = -Infinity;
    for (let a = 0; a < actions; a++) {
      if (mask !== null && mask[row + a] === 0) continue;
      const v = q[row + a];
      if (best < 0 || v > bestQ) {
        best = a;
        bestQ = v;
      }
    }
    if (best < 0) throw new RangeError(`greedyActions: row ${b} of mask has no available action`);
    out[b] = best;
  }
}

/** A uniformly random available action of row `b`. */
export function randomAvailableAction(rng: Rng, b: number, actions: number, mask: Uint8Array | null): number {
  if (mask === null) return rng.int(actions);
  const row = b * actions;
  let count = 0;
  for (let a = 0; a < actions; a++) count += mask[row + a];
  if (count === 0) throw new RangeError(`randomAvailableAction: row ${b} of mask has no available action`);
  let k = rng.int(count);
  for (let a = 0; a < actions; a++) {
    if (mask[row + a] === 0) continue;
    if (k-- === 0) return a;
  }
  return -1; // unreachable
}

/**
 * Epsilon-greedy over a batch: each row explores with probability `epsilon` (a uniformly random
 * available action), otherwise takes the greedy available action. `explored` (optional) gets 1 for
 * rows that explored.
 */
export function epsilonGreedyActions(
  q: Float32Array,
  batch: number,
  actions: number,
  mask: Uint8Array | null,
  epsilon: number,
  rng: Rng,
  out: Int32Array,
  explored?: Uint8Array,
): void {
  greedyActions(q, batch, actions, mask, out);
  for (let b = 0; b < batch; b++) {
    const explore = epsilon > 0 && rng.float() < epsilon;
    if (explore) out[b] = randomAvailableAction(rng, b, actions, mask);
    if (explored) explored[b] = explore ? 1 : 0;
  }
}
