/**
 * The DQN TD loss: values and gradients for MSE and Huber, importance weights, the chosen-action
 * form against the dense form, and errors.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { tdLoss, tdLossChosen } from "../../../src/core/nn/loss.js";

const Q = new Float32Array([1, 2, 3, /* row 1 */ 0, -1, 4]);
const ACTIONS = new Int32Array([1, 2]);

test("MSE and Huber on a hand-computed example", () => {
  // Row 0: Q[1] = 2, y = 1.5 -> delta 0.5. Row 1: Q[2] = 4, y = 1 -> delta 3.
  const y = new Float32Array([1.5, 1]);
  const dQ = new Float32Array(6), td = new Float32Array(2);
  const mse = tdLoss("mse", 2, Q, ACTIONS, y, null, dQ, td);
  assert.equal(mse, (0.25 + 9) / 2);
  assert.deepEqual(Array.from(td), [0.5, 3]);
  assert.deepEqual(Array.from(dQ), [0, (2 * 0.5) / 2, 0, 0, 0, (2 * 3) / 2]);
  const huber = tdLoss("huber", 2, Q, ACTIONS, y, null, dQ, td);
  assert.equal(huber, (0.5 * 0.25 + (3 - 0.5)) / 2);
  assert.deepEqual(Array.from(dQ), [0, 0.5 / 2, 0, 0, 0, 1 / 2]);
});

test("Huber is half the MSE inside |delta| < 1 and linear outside (property)", () => {
  fc.assert(
    fc.property(fc.float({ min: -20, max: 20, noNaN: true }), (delta) => {
      const q = new Float32Array([delta]);
      const y = new Float32Array([0]);
      const a = new Int32Array([0]);
      const g = new Float32Array(1), td = new Float32Array(1);
      const d = q[0];
      const mse = tdLossChosen("mse", 1, q, a, y, null, g, td);
      assert.ok(Math.abs(mse - d * d) <= 1e-9 * Math.max(1, d * d));
      assert.ok(Math.abs(g[0] - 2 * d) <= 1e-9 * Math.max(1, Math.abs(d)));
      const huber = tdLossChosen("huber", 1, q, a, y, null, g, td);
      if (Math.abs(d) < 1) {
        assert.ok(Math.abs(huber - mse / 2) <= 1e-12);
        assert.ok(Math.abs(g[0] - d) <= 1e-7);
      } else {
        assert.ok(Math.abs(huber - (Math.abs(d) - 0.5)) <= 1e-6);
        assert.equal(g[0], Math.sign(d));
      }
    }),
    { seed: 7, numRuns: 200 },
  );
});

test("importance weights scale each row; chosen form equals the dense form", () => {
  const y = new Float32Array([0.2, 3.5]);
  const w = new Float32Array([0.5, 2]);
  const dQ = new Float32Array(6), td = new Float32Array(2), g = new Float32Array(2), td2 = new Float32Array(2);
  for (const kind of ["mse", "huber"] as const) {
    const dense = tdLoss(kind, 2, Q, ACTIONS, y, w, dQ, td);
    const chosen = tdLossChosen(kind, 2, Q, ACTIONS, y, w, g, td2);
    assert.equal(dense, chosen);
    assert.deepEqual(td, td2);
    assert.deepEqual([dQ[1], dQ[5]], [g[0], g[1]]);
    const unweighted = tdLoss(kind, 2, Q, ACTIONS, y, null, new Float32Array(6), td);
    assert.ok(Math.abs(unweighted - dense) > 1e-3, "weights matter");
  }
  // Huber with weights by hand: deltas 1.8 and 0.5.
  assert.ok(Math.abs(tdLoss("huber", 2, Q, ACTIONS, y, w, dQ, td) - (0.5 * 1.3 + 2 * 0.125) / 2) <= 1e-6);
  assert.ok(Math.abs(dQ[1] - 0.5 * 1 / 2) <= 1e-7 && Math.abs(dQ[5] - (2 * 0.5) / 2) <= 1e-6);
});

test("a NaN loss throws naming the loss and the row; bad arguments are named", () => {
  const dQ = new Float32Array(6), td = new Float32Array(2);
  assert.throws(
    () => tdLoss("huber", 2, Q, ACTIONS, new Float32Array([0, NaN]), null, dQ, td),
    (e: Error) => /loss is NaN/.test(e.message) && /row 1/.test(e.message),
  );
  const qNaN = Q.slice();
  qNaN[1] = NaN;
  assert.throws(() => tdLossChosen("mse", 2, qNaN, ACTIONS, new Float32Array(2), null, new Float32Array(2), td), /loss is NaN.*row 0/);
  assert.throws(() => tdLoss("huber", 2, Q, new Int32Array([1, 3]), new Float32Array(2), null, dQ, td), /actionsTaken\[1\]/);
  assert.throws(() => tdLoss("huber", 2, Q, ACTIONS, new Float32Array(3), null, dQ, td), /targets/);
  assert.throws(() => tdLoss("huber", 2, Q, ACTIONS, new Float32Array(2), new Float32Array(1), dQ, td), /weights/);
  assert.throws(() => tdLoss("huber", 2, Q, ACTIONS, new Float32Array(2), null, new Float32Array(5), td), /dQ/);
  assert.throws(() => tdLoss("l1" as "mse", 2, Q, ACTIONS, new Float32Array(2), null, dQ, td), /kind/);
  assert.throws(() => tdLossChosen("mse", 3, Q, ACTIONS, new Float32Array(3), null, new Float32Array(3), new Float32Array(3)), /actionsTaken/);
});

test("poisson: Q is the log of the expected target; loss exp(s) - y + y log(y / exp(s)) (0 at a perfect fit), gradient exp(s) - y, minimised at s = log(mean y)", () => {
  // Row 0: s = Q[1] = 2, y = 3; row 1: s = Q[2] = 4, y = 0.
  const y = new Float32Array([3, 0]);
  const dQ = new Float32Array(6), td = new Float32Array(2);
  const loss = tdLoss("poisson", 2, Q, ACTIONS, y, null, dQ, td);
  assert.ok(Math.abs(loss - (Math.exp(2) - 3 + 3 * (Math.log(3) - 2) + Math.exp(4)) / 2) <= 1e-9 * Math.exp(4));
  assert.ok(tdLossChosen("poisson", 1, new Float32Array([Math.log(2.5)]), new Int32Array(1), new Float32Array([2.5]), null, new Float32Array(1), new Float32Array(1)) < 1e-6, "0 where exp(s) = y");
  assert.ok(Math.abs(td[0] - (Math.exp(2) - 3)) <= 1e-6 && Math.abs(td[1] - Math.exp(4)) <= 1e-4, "TD errors in the target's units");
  assert.ok(Math.abs(dQ[1] - (Math.exp(2) - 3) / 2) <= 1e-6 && Math.abs(dQ[5] - Math.exp(4) / 2) <= 1e-4);
  // The gradient is the loss's derivative (central differences), and the loss of a batch of
  // targets is smallest where exp(s) is their mean: Q estimates log E[y].
  fc.assert(
    fc.property(fc.float({ min: -3, max: 3, noNaN: true }), fc.float({ min: 0, max: 20, noNaN: true }), (s, target) => {
      const a = new Int32Array([0]), t = new Float32Array([target]), g = new Float32Array(1), e = new Float32Array(1);
      const at = (x: number) => tdLossChosen("poisson", 1, new Float32Array([x]), a, t, null, new Float32Array(1), e);
      tdLossChosen("poisson", 1, new Float32Array([s]), a, t, null, g, e);
      const h = 1e-2, numeric = (at(Math.fround(s) + h) - at(Math.fround(s) - h)) / (2 * h);
      assert.ok(Math.abs(g[0] - numeric) <= 2e-3 * Math.max(1, Math.abs(numeric)), `s ${s}, y ${target}: ${g[0]} vs ${numeric}`);
    }),
    { seed: 11, numRuns: 200 },
  );
  const targets = new Float32Array([0, 0, 5, 1, 0, 12]), mean = 18 / 6, a6 = new Int32Array(6), g6 = new Float32Array(6), e6 = new Float32Array(6);
  const batchLoss = (s: number) => tdLossChosen("poisson", 6, new Float32Array(6).fill(s), a6, targets, null, g6, e6);
  const best = Math.log(mean);
  for (const off of [-0.3, -0.05, 0.05, 0.3]) assert.ok(batchLoss(best) < batchLoss(best + off), `log mean ${best} beats ${best + off}`);
  // A negative target has no log mean: refused, naming the row.
  assert.throws(() => tdLoss("poisson", 2, Q, ACTIONS, new Float32Array([1, -0.5]), null, dQ, td), /"poisson" loss needs targets >= 0; row 1 has -0.5/);
});
