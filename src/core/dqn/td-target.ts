/**
 * The DQN target for a batch of transitions:
 *
 *   y = r + discount * (1 - done) * Q_target(s', a*),
 *   a* = argmax over AVAILABLE a' of Q_target(s', a')   (DQN), or
 *   a* = argmax over AVAILABLE a' of Q_online(s', a')   (Double DQN, van Hasselt et al. 2016).
 *
 * `discount` is gamma^n for an n-step transition. Only actions available in the next state (its
 * mask row) take part in the max: an offline stream's Q value never leaks into a target. A
 * non-terminal next state with no available action is worth 0 (nothing can be done there).
 */
export interface TdTargetInput {
  batch: number;
  actions: number;
  rewards: Float32Array;
  dones: Uint8Array;
  discounts: Float32Array;
  /** Q_target(s', .), batch x actions. */
  qNextTarget: Float32Array;
  /** Q_online(s', .) for Double DQN, else null. */
  qNextOnline: Float32Array | null;
  /** Availability of each action in s' (batch x actions, 1 = available), or null = all. */
  nextMask: Uint8Array | null;
}

export function computeTdTargets(input: TdTargetInput, out: Float32Array): void {
  const { batch, actions: A, rewards, dones, discounts, qNextTarget, qNextOnline, nextMask } = input;
  const selector = qNextOnline ?? qNextTarget;
  for (let b = 0; b < batch; b++) {
    let bootstrap = 0;
    if (dones[b] === 0) {
      const row = b * A;
      let best = -1;
      let bestSel = -Infinity;
      for (let a = 0; a < A; a++) {
        if (nextMask !== null && nextMask[row + a] === 0) continue;
        const v = selector[row + a];
        if (best < 0 || v > bestSel) {
          best = a;
          bestSel = v;
        }
      }
      if (best >= 0) bootstrap = qNextTarget[row + best];
    }
    out[b] = rewards[b] + discounts[b] * bootstrap;
  }
}
