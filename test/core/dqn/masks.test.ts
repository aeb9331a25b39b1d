/** An action that is not available (an offline stream) never leaks into a target. */
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { computeTdTargets } from "../../../src/core/dqn/td-target.js";
import { DqnAgent } from "../../../src/core/dqn/agent.js";
import { Rng } from "../../../src/core/random/rng.js";

test("TD targets take the max over the next state's available actions only (property, DQN and Double DQN)", () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 2, max: 9 }), fc.integer({ min: 0, max: 1e9 }), fc.boolean(), (B, A, seed, double) => {
      const rng = new Rng(seed);
      const qT = new Float32Array(B * A).map(() => rng.normal());
      const qO = new Float32Array(B * A).map(() => rng.normal());
      const mask = new Uint8Array(B * A).map(() => (rng.float() < 0.5 ? 1 : 0));
      for (let b = 0; b < B; b++) mask[b * A + rng.int(A)] = 1;
      for (let i = 0; i < B * A; i++) if (mask[i] === 0) { qT[i] = 1e6; qO[i] = 1e6; }
      const rewards = new Float32Array(B).map(() => rng.normal());
      const dones = new Uint8Array(B).map(() => (rng.float() < 0.2 ? 1 : 0));
      const discounts = new Float32Array(B).fill(0.9);
      const out = new Float32Array(B);
      computeTdTargets({ batch: B, actions: A, rewards, dones, discounts, qNextTarget: qT, qNextOnline: double ? qO : null, nextMask: mask }, out);
      for (let b = 0; b < B; b++) {
        let best = -1;
        for (let a = 0; a < A; a++) {
          if (!mask[b * A + a]) continue;
          const sel = double ? qO : qT;
          if (best < 0 || sel[b * A + a] > sel[b * A + best]) best = a;
        }
        const expected = rewards[b] + (dones[b] ? 0 : 0.9 * qT[b * A + best]);
        if (Math.abs(out[b] - Math.fround(expected)) > 1e-5) return false;
        if (Math.abs(out[b]) > 1e3) return false;
      }
      return true;
    }),
    { seed: 7, numRuns: 300 },
  );
});

test("Double DQN selects with the online network and evaluates with the target", () => {
  const out = new Float32Array(1);
  computeTdTargets(
    {
      batch: 1, actions: 3, rewards: Float32Array.of(0), dones: Uint8Array.of(0), discounts: Float32Array.of(1),
      qNextTarget: Float32Array.of(1, 2, 3), qNextOnline: Float32Array.of(5, 0, 0), nextMask: null,
    },
    out,
  );
  assert.equal(out[0], 1);
});

test("end to end: an unavailable action with a huge Q value never reaches the loss", () => {
  const A = 4;
  const agent = new DqnAgent({ obsSize: 3, actions: A, actionMasks: true, network: { hidden: [8], head: "linear" }, batchSize: 16, replay: { capacity: 64 }, seed: 1 });
  // Make action 0 look enormously valuable to both networks (its output bias).
  for (const net of [agent.online, agent.target]) {
    const p = net.exportParams();
    p[net.paramCount - A] = 1e6;
    net.importParams(p);
  }
  const obs = Float32Array.of(0.1, 0.2, 0.3);
  const mask = Uint8Array.of(0, 1, 1, 1); // action 0 is offline in every next state
  for (let i = 0; i < 64; i++) agent.observe(0, obs, 0, 1 + (i % 3), 0, obs, 0, false, mask, 0);
  const stats = agent.update();
  assert.ok(Number.isFinite(stats.loss) && stats.loss < 10, `loss ${stats.loss}: a masked Q value leaked into the targets`);
  // And acting never picks it.
  const out = new Int32Array(1);
  agent.greedy(obs, 1, mask, out);
  assert.notEqual(out[0], 0);
});
