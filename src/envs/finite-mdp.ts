/**
 * A random finite MDP with known optimal values: the ground truth that DQN is tested against.
 * States are shown to the learner as one-hot vectors. Value iteration gives Q*.
 */
import { Rng } from "../core/random/rng.js";

export interface FiniteMdp {
  readonly states: number;
  readonly actions: number;
  readonly gamma: number;
  /** P[(s * actions + a) * states + s'] */
  readonly transition: Float64Array;
  /** R[s * actions + a]: the expected (and here exact) reward of taking a in s. */
  readonly reward: Float64Array;
}

/**
 * Each (s, a) leads to `branching` distinct next states with random probabilities. Rewards: with
 * `distinctRewards` (the default), the actions of a state pay a random permutation of the levels
 * 0, 1/(A-1), ..., 1 plus a random bonus of the state (uniform in [0, 0.5)), so the optimal action
 * of every state stands out (a learner from sampled experience cannot resolve action gaps of a
 * hundredth) while where an action leads still matters; otherwise each reward is uniform in [0, 1).
 */
export function randomFiniteMdp(states: number, actions: number, gamma: number, seed: number, branching = 3, distinctRewards = true): FiniteMdp {
  const rng = new Rng(seed);
  const transition = new Float64Array(states * actions * states);
  const reward = new Float64Array(states * actions);
  const order = Int32Array.from({ length: states }, (_, i) => i);
  const levels = Float64Array.from({ length: actions }, (_, a) => (actions === 1 ? 1 : a / (actions - 1)));
  for (let s = 0; s < states && distinctRewards; s++) {
    rng.shuffle(levels);
    const bonus = 0.5 * rng.float();
    for (let a = 0; a < actions; a++) reward[s * actions + a] = levels[a] + bonus;
  }
  for (let sa = 0; sa < states * actions; sa++) {
    if (!distinctRewards) reward[sa] = rng.float();
    rng.shuffle(order);
    let total = 0;
    const w = new Float64Array(branching);
    for (let k = 0; k < branching; k++) total += w[k] = 0.1 + rng.float();
    for (let k = 0; k < branching; k++) transition[sa * states + order[k]] = w[k] / total;
  }
  return { states, actions, gamma, transition, reward };
}

/** Q* by value iteration, to `tolerance` in the max norm. */
export function optimalQ(mdp: FiniteMdp, tolerance = 1e-10): Float64Array {
  const { states: S, actions: A, gamma, transition: P, reward: R } = mdp;
  const q = new Float64Array(S * A);
  const v = new Float64Array(S);
  for (let iter = 0; iter < 100_000; iter++) {
    let delta = 0;
    for (let s = 0; s < S; s++) {
      let best = -Infinity;
      for (let a = 0; a < A; a++) best = Math.max(best, q[s * A + a]);
      v[s] = best;
    }
    for (let sa = 0; sa < S * A; sa++) {
      let expected = 0;
      for (let s2 = 0; s2 < S; s2++) expected += P[sa * S + s2] * v[s2];
      const nq = R[sa] + gamma * expected;
      delta = Math.max(delta, Math.abs(nq - q[sa]));
      q[sa] = nq;
    }
    if (delta < tolerance) return q;
  }
  throw new Error("optimalQ: value iteration did not converge");
}

/** Samples s' ~ P(. | s, a). */
export function sampleNextState(mdp: FiniteMdp, s: number, a: number, rng: Rng): number {
  const base = (s * mdp.actions + a) * mdp.states;
  let u = rng.float();
  for (let s2 = 0; s2 < mdp.states; s2++) {
    u -= mdp.transition[base + s2];
    if (u < 0) return s2;
  }
  // Rounding left a sliver of probability: return the last reachable state.
  for (let s2 = mdp.states - 1; s2 >= 0; s2--) if (mdp.transition[base + s2] > 0) return s2;
  return 0;
}
