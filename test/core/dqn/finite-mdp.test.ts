/**
 * Ground truth: on a random finite MDP (20 states, 5 actions, one-hot states, gamma 0.9) DQN must
 * find the optimal policy of value iteration and Q within 5% of max|Q*|.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { DqnAgent } from "../../../src/core/dqn/agent.js";
import { optimalQ, randomFiniteMdp, sampleNextState } from "../../../src/envs/finite-mdp.js";
import { Rng } from "../../../src/core/random/rng.js";

test("DQN recovers Q* and the optimal policy of a random finite MDP", (t) => {
  const S = 20, A = 5, gamma = 0.9;
  // MDP seed 2 is the first whose optimal policy differs from the myopic one (in 2 states: there
  // the best action is not the best-paying one) while every state's action gap is >= 0.05.
  const mdp = randomFiniteMdp(S, A, gamma, 2);
  const qStar = optimalQ(mdp);
  let myopicDiffers = 0;
  for (let s = 0; s < S; s++) {
    let bq = 0, br = 0;
    for (let a = 1; a < A; a++) {
      if (qStar[s * A + a] > qStar[s * A + bq]) bq = a;
      if (mdp.reward[s * A + a] > mdp.reward[s * A + br]) br = a;
    }
    if (bq !== br) myopicDiffers++;
  }
  assert.ok(myopicDiffers > 0, "the test MDP must need planning");
  const agent = new DqnAgent({
    obsSize: S,
    actions: A,
    network: { hidden: [64], head: "linear" },
    gamma,
    loss: "mse",
    optimizer: { lr: 1e-3 },
    batchSize: 64,
    replay: { kind: "uniform", capacity: 100_000 },
    target: { kind: "hard", every: 250 },
    maxGradNorm: null,
    seed: 3,
  });
  // Experience: every (state, action) pair tried 1000 times, as from a uniformly exploring policy.
  const rng = new Rng(11);
  const obs = new Float32Array(S);
  const next = new Float32Array(S);
  for (let k = 0; k < 1000; k++) {
    for (let s = 0; s < S; s++) {
      for (let a = 0; a < A; a++) {
        const s2 = sampleNextState(mdp, s, a, rng);
        obs.fill(0);
        obs[s] = 1;
        next.fill(0);
        next[s2] = 1;
        agent.observe(0, obs, 0, a, mdp.reward[s * A + a], next, 0, false);
      }
    }
  }
  for (let u = 0; u < 25_000; u++) agent.update();

  const states = new Float32Array(S * S);
  for (let s = 0; s < S; s++) states[s * S + s] = 1;
  const q = agent.qValues(states, S);
  let maxStar = 0, maxErr = 0;
  for (let i = 0; i < S * A; i++) {
    maxStar = Math.max(maxStar, Math.abs(qStar[i]));
    maxErr = Math.max(maxErr, Math.abs(q[i] - qStar[i]));
  }
  const greedy = new Int32Array(S);
  agent.greedy(states, S, null, greedy);
  for (let s = 0; s < S; s++) {
    let best = 0;
    for (let a = 1; a < A; a++) if (qStar[s * A + a] > qStar[s * A + best]) best = a;
    assert.equal(greedy[s], best, `state ${s}: DQN picks ${greedy[s]}, the optimal action is ${best}`);
  }
  t.diagnostic(`max|Q - Q*| = ${maxErr.toFixed(4)} = ${((100 * maxErr) / maxStar).toFixed(2)}% of max|Q*| = ${maxStar.toFixed(3)}`);
  assert.ok(maxErr <= 0.05 * maxStar, `max|Q - Q*| = ${maxErr.toFixed(4)} exceeds 5% of max|Q*| = ${maxStar.toFixed(4)}`);
});
