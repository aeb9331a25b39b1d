/**
 * One suite for every Q-function head (linear, dueling, feature-based) and every target-update
 * rule: the DQN relies on exactly these properties.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../../src/core/random/rng.js";
import { createQNetwork } from "../../../src/core/nn/create-network.js";
import { MlpQFunction } from "../../../src/core/qfunction/mlp-qfunction.js";
import { FeatureQFunction, featureObsSize, type FeatureLayout } from "../../../src/core/qfunction/feature-qfunction.js";
import { ActionTable } from "../../../src/core/qfunction/action-table.js";
import { PairTable } from "../../../src/core/qfunction/pair-table.js";
import type { QFunction } from "../../../src/core/qfunction/types.js";
import { HardTargetUpdate, PolyakTargetUpdate } from "../../../src/core/target/target-update.js";

const A = 7;
const layout: FeatureLayout = { userSize: 5, actionFeatureSize: 3, pairSize: 2, sketchSlots: 3 };
const table = new ActionTable(A, layout.actionFeatureSize);
{
  const r = new Rng(99);
  for (let i = 0; i < table.features.length; i++) table.features[i] = r.float();
  table.touch();
}

interface Maker {
  name: string;
  make(seed: number): QFunction;
  /** Random observation rows consistent with `actions` (the stored action features match the table). */
  obs(rng: Rng, batch: number, actions: Int32Array): Float32Array;
}

/** A feature head as after training: every action's e_a and b_a set (b_a never exactly 0), the last `extra` values too. */
function trained(q: FeatureQFunction, seed: number, extra = 0): FeatureQFunction {
  const p = q.exportParams(), r = new Rng(seed + 100), off = q.trunk.paramCount;
  for (let i = off; i < off + A * 4 + A; i++) p[i] = 0.3 * r.normal() + (i >= off + A * 4 ? 0.5 : 0);
  for (let i = p.length - extra; i < p.length; i++) p[i] = 0.5 * r.normal();
  q.importParams(p);
  return q;
}

const mlpObs = (size: number) => (rng: Rng, batch: number) => new Float32Array(batch * size).map(() => rng.normal());
const makers: Maker[] = [
  { name: "linear", make: (seed) => new MlpQFunction(createQNetwork({ inputSize: 6, hidden: [9], actions: A, head: "linear" }, { rng: new Rng(seed), backend: "reference" })), obs: mlpObs(6) },
  { name: "dueling", make: (seed) => new MlpQFunction(createQNetwork({ inputSize: 6, hidden: [9], actions: A, head: "dueling" }, { rng: new Rng(seed), backend: "reference" })), obs: mlpObs(6) },
  {
    name: "feature",
    make: (seed) => trained(new FeatureQFunction({ layout, actions: A, hidden: [9], embedding: 4, backend: "reference", table, rng: new Rng(seed) }), seed),
    obs(rng, batch, actions) {
      const S = featureObsSize(layout);
      const o = new Float32Array(batch * S);
      for (let r = 0; r < batch; r++) {
        const row = r * S;
        for (let j = 0; j < layout.userSize; j++) o[row + j] = rng.normal();
        const a = actions[r];
        for (let j = 0; j < layout.actionFeatureSize; j++) o[row + layout.userSize + j] = table.features[a * layout.actionFeatureSize + j];
        const base = row + layout.userSize + layout.actionFeatureSize;
        const inSketch = [a, (a + 2) % A, -1];
        for (let k = 0; k < layout.sketchSlots; k++) {
          o[base + k * 3] = inSketch[k];
          o[base + k * 3 + 1] = rng.float();
          o[base + k * 3 + 2] = rng.float();
        }
      }
      return o;
    },
  },
];
// The feature head with history embeddings, its F (zero at the start) set at random so it counts.
makers.push({
  name: "feature with history embeddings",
  make: (seed) => trained(new FeatureQFunction({ layout, actions: A, hidden: [9], embedding: 4, backend: "reference", table, rng: new Rng(seed), historyEmbeddings: true }), seed, A * 4),
  obs: makers[2].obs,
});

// ... and with user embeddings: the row ends with the user's index (G set at random so it counts).
const userLayout: FeatureLayout = { ...layout, userIds: 3 };
makers.push({
  name: "feature with user embeddings",
  make: (seed) => trained(new FeatureQFunction({ layout: userLayout, actions: A, hidden: [9], embedding: 4, backend: "reference", table, rng: new Rng(seed), historyEmbeddings: true }), seed, (A + 3) * 4),
  obs(rng, batch, actions) {
    const base = makers[2].obs(rng, batch, actions);
    const S = featureObsSize(layout), S2 = featureObsSize(userLayout);
    const o = new Float32Array(batch * S2);
    for (let r = 0; r < batch; r++) {
      o.set(base.subarray(r * S, (r + 1) * S), r * S2);
      o[r * S2 + S] = r % 4 === 3 ? -1 : rng.int(3); // some rows without a known user
    }
    return o;
  },
});

// ... and with a pair table read for every candidate: the row stores the table's features of its
// user and action (what the user's record said when the action was taken) before the user's
// index; user 3 has a record but no embedding, a row without a user (-1) has neither.
const tableLayout: FeatureLayout = { ...userLayout, pairTableSize: 2 };
const pairTable = new PairTable(4, A, 2);
{
  const r = new Rng(98);
  for (let i = 0; i < pairTable.features.length; i++) pairTable.features[i] = r.normal();
  pairTable.touch();
}
makers.push({
  name: "feature with a pair table",
  make: (seed) => trained(new FeatureQFunction({ layout: tableLayout, actions: A, hidden: [9], embedding: 4, backend: "reference", table, pairTable, rng: new Rng(seed), historyEmbeddings: true }), seed, (A + 3) * 4),
  obs(rng, batch, actions) {
    const base = makers[2].obs(rng, batch, actions);
    const S = featureObsSize(layout), S2 = featureObsSize(tableLayout);
    const o = new Float32Array(batch * S2);
    for (let r = 0; r < batch; r++) {
      o.set(base.subarray(r * S, (r + 1) * S), r * S2);
      const u = r % 4 === 3 ? -1 : rng.int(4);
      o[(r + 1) * S2 - 1] = u;
      pairTable.write(u, actions[r], o, r * S2 + S);
    }
    return o;
  },
});

// ... and with an acceptance gate (a second head of its own, whose parameters come last: set at random).
makers.push({
  name: "feature with an acceptance gate",
  make(seed) {
    const q = new FeatureQFunction({ layout: tableLayout, actions: A, hidden: [9], embedding: 4, backend: "reference", table, pairTable, rng: new Rng(seed), historyEmbeddings: true, gate: { hidden: [6], embedding: 3, labelWeight: 1 } });
    // The gate's parameters come last, the head's F and G just before them.
    return trained(q, seed, q.gate!.paramCount + (A + 3) * 4);
  },
  obs: makers[makers.length - 1].obs,
});

for (const m of makers) {
  describe(`QFunction contract: ${m.name}`, () => {
    const rng = new Rng(3);
    const B = 5;
    const actions = Int32Array.from({ length: B }, () => rng.int(A));
    const obs = m.obs(rng, B, actions);

    test("forwardChosen is forward at the chosen actions; a masked forward agrees where available", () => {
      const q = m.make(1);
      const all = q.forward(obs, B).slice();
      const chosen = new Float32Array(B);
      q.forwardChosen(obs, actions, B, chosen);
      for (let r = 0; r < B; r++) assert.ok(Math.abs(chosen[r] - all[r * A + actions[r]]) < 1e-5, `row ${r}`);
      const mask = new Uint8Array(B * A).map((_, i) => (i % 3 === 0 ? 0 : 1));
      const masked = q.forward(obs, B, mask);
      for (let i = 0; i < B * A; i++) if (mask[i]) assert.ok(Math.abs(masked[i] - all[i]) < 1e-5);
    });

    test("backwardChosen gives the gradient of sum_r w_r Q(s_r, a_r) (finite differences)", () => {
      const q = m.make(2);
      const w = Float32Array.from({ length: B }, (_, r) => 0.5 + r * 0.25);
      const out = new Float32Array(B);
      q.forwardChosen(obs, actions, B, out);
      q.backwardChosen(actions, w);
      const grad = q.exportGradients();
      const p0 = q.exportParams();
      const f = (p: Float32Array): number => {
        q.importParams(p);
        q.forwardChosen(obs, actions, B, out);
        let s = 0;
        for (let r = 0; r < B; r++) s += w[r] * out[r];
        return s;
      };
      const step = new Rng(5);
      let checked = 0;
      for (let t = 0; t < 40; t++) {
        const i = step.int(q.paramCount);
        const h = 1e-3 * Math.max(1, Math.abs(p0[i]));
        const pp = p0.slice(); pp[i] += h;
        const pm = p0.slice(); pm[i] -= h;
        const num = (f(pp) - f(pm)) / (2 * h);
        assert.ok(Math.abs(num - grad[i]) <= 2e-3 + 2e-2 * Math.abs(num), `param ${i}: numeric ${num}, analytic ${grad[i]}`);
        checked++;
      }
      assert.equal(checked, 40);
      q.importParams(p0);
    });

    test("export/import round-trip; import refuses wrong sizes and non-finite values", () => {
      const a = m.make(3), b = m.make(4);
      b.importParams(a.exportParams());
      assert.deepEqual(b.forward(obs, B).slice(), a.forward(obs, B).slice());
      assert.throws(() => b.importParams(new Float32Array(3)), /parameters/);
      const bad = a.exportParams();
      bad[0] = NaN;
      assert.throws(() => b.importParams(bad), /parameter 0 is NaN/);
    });

    test("target updates: hard copy every C updates, Polyak averaging", () => {
      const online = m.make(5), target = m.make(6);
      const hard = new HardTargetUpdate(3);
      hard.apply(online, target, 2);
      assert.notDeepEqual(target.exportParams(), online.exportParams());
      hard.apply(online, target, 3);
      assert.deepEqual(target.exportParams(), online.exportParams());
      const t2 = m.make(7);
      const before = t2.exportParams();
      new PolyakTargetUpdate(0.25).apply(online, t2);
      const after = t2.exportParams(), on = online.exportParams();
      for (let i = 0; i < after.length; i++) assert.ok(Math.abs(after[i] - (0.75 * before[i] + 0.25 * on[i])) < 1e-6);
    });

    test("an optimizer step lowers the loss (sum of squared Q(s,a) - 1)", () => {
      const q = m.make(8);
      const opt = q.createOptimizer({ lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 });
      const out = new Float32Array(B), g = new Float32Array(B);
      const loss = () => { q.forwardChosen(obs, actions, B, out); let s = 0; for (let r = 0; r < B; r++) { s += (out[r] - 1) ** 2; g[r] = 2 * (out[r] - 1); } return s; };
      const l0 = loss();
      for (let i = 0; i < 50; i++) { loss(); q.backwardChosen(actions, g); opt.step(10); }
      assert.ok(loss() < 0.5 * l0, `${l0} -> ${loss()}`);
      const st = opt.getState();
      assert.equal(st.t, 50);
      assert.equal(st.m.length, q.paramCount);
    });

    test("setLr: steps at a rate set later are the steps of an optimizer made with that rate", () => {
      const run = (lr: number, later: number | null, at: number) => {
        const q = m.make(8);
        const opt = q.createOptimizer({ lr, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01 });
        const out = new Float32Array(B), g = new Float32Array(B);
        for (let i = 0; i < 5; i++) {
          if (i === at && later !== null) opt.setLr(later);
          q.forwardChosen(obs, actions, B, out);
          for (let r = 0; r < B; r++) g[r] = 2 * (out[r] - 1);
          q.backwardChosen(actions, g);
          opt.step(10);
        }
        return q.exportParams();
      };
      const slow = run(1e-3, null, 0), fast = run(1e-2, null, 0);
      assert.deepEqual(run(1e-2, 1e-3, 0), slow, "made at 1e-2, set to 1e-3 before the first step");
      // Two steps at 1e-2, then 1e-3: differs from both constant runs.
      const switched = run(1e-2, 1e-3, 2);
      assert.notDeepEqual(switched, slow);
      assert.notDeepEqual(switched, fast);
    });
  });
}

test("feature head: a new action is scored from its features (no per-action training needed)", () => {
  const q = new FeatureQFunction({ layout, actions: A, hidden: [9], embedding: 4, backend: "reference", table, rng: new Rng(1) });
  const p = q.exportParams();
  // Zero every per-action embedding and bias: what remains is V + <phi, P x_a> + pair terms.
  const off = q.trunk.paramCount;
  p.fill(0, off, off + A * 4 + A);
  q.importParams(p);
  const rng = new Rng(2);
  const obs = makers[2].obs(rng, 1, Int32Array.of(0));
  const q1 = q.forward(obs, 1).slice();
  // Give action 4 the features of action 1 and no sketch entry: it scores like action 1 without pair terms.
  const row1 = table.features.slice(3, 6);
  const saved = table.features.slice();
  table.setRow(4, row1);
  for (let k = 0; k < layout.sketchSlots; k++) if (obs[layout.userSize + layout.actionFeatureSize + k * 3] === 1) obs[layout.userSize + layout.actionFeatureSize + k * 3] = -1;
  const q2 = q.forward(obs, 1);
  assert.ok(Math.abs(q2[4] - q2[1]) < 1e-5, `${q2[4]} vs ${q2[1]}`);
  assert.notEqual(q1[4], q2[4]);
  table.features.set(saved);
  table.touch();
});

test("feature head without action embeddings: the per-action part stays zero through training", () => {
  const q = new FeatureQFunction({ layout, actions: A, hidden: [9], embedding: 4, backend: "reference", table, rng: new Rng(4), actionEmbeddings: false });
  const opt = q.createOptimizer({ lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 });
  const rng = new Rng(6);
  const acts = Int32Array.from({ length: 4 }, () => rng.int(A));
  const obs = makers[2].obs(rng, 4, acts);
  const out = new Float32Array(4);
  for (let i = 0; i < 10; i++) {
    q.forwardChosen(obs, acts, 4, out);
    q.backwardChosen(acts, Float32Array.from(out, (v) => v - 1));
    opt.step(10);
  }
  const p = q.exportParams();
  for (let i = q.trunk.paramCount; i < q.trunk.paramCount + A * 4 + A; i++) assert.equal(p[i], 0, `per-action parameter ${i}`);
});

test("feature head: an action never trained on (b_a exactly 0) is scored with the mean e and b of the trained ones", () => {
  const q = trained(new FeatureQFunction({ layout, actions: A, hidden: [9], embedding: 4, backend: "reference", table, rng: new Rng(5) }), 5);
  const obs = makers[2].obs(new Rng(6), 1, Int32Array.of(0));
  for (let k = 0; k < layout.sketchSlots; k++) obs[layout.userSize + layout.actionFeatureSize + k * 3] = -1; // no pair terms
  const before = q.forward(obs, 1).slice();
  // Action 6 forgets its training (e and b back to 0): it now scores as the average trained action with its features.
  const p = q.exportParams(), off = q.trunk.paramCount, d = 4;
  const meanE = new Float64Array(d);
  let meanB = 0;
  for (let a = 0; a < A - 1; a++) {
    meanB += p[off + A * d + a] / (A - 1);
    for (let k = 0; k < d; k++) meanE[k] += p[off + a * d + k] / (A - 1);
  }
  const ownB = p[off + A * d + 6], ownE = Array.from(p.subarray(off + 6 * d, off + 7 * d));
  p.fill(0, off + 6 * d, off + 7 * d);
  p[off + A * d + 6] = 0;
  q.importParams(p);
  const after = q.forward(obs, 1).slice();
  for (let a = 0; a < A - 1; a++) assert.ok(Math.abs(after[a] - before[a]) < 1e-6, `trained action ${a} unchanged`);
  // Q_6 moved by (meanB - b_6) + <phi, meanE - e_6>; check through a second action-6-only change: phi is shared.
  const chosen = new Float32Array(1);
  q.forwardChosen(obs.map((v, i) => (i >= layout.userSize && i < layout.userSize + layout.actionFeatureSize ? table.features[6 * 3 + i - layout.userSize] : v)), Int32Array.of(6), 1, chosen);
  assert.ok(Math.abs(chosen[0] - after[6]) < 1e-5, `forwardChosen ${chosen[0]} = forward ${after[6]} for a never-trained action`);
  assert.ok(Math.abs(after[6] - before[6]) > 1e-4, "forgetting changed its score");
  assert.ok(Number.isFinite(meanB) && ownB !== 0 && ownE.length === d);
});

test("feature head: an action's first training step starts from the prior it was scored with, and a target copy takes it whole", () => {
  const make = () => {
    const q = trained(new FeatureQFunction({ layout, actions: A, hidden: [9], embedding: 4, backend: "reference", table, rng: new Rng(5) }), 5);
    const p = q.exportParams(), off = q.trunk.paramCount, d = 4;
    p.fill(0, off + 6 * d, off + 7 * d); // action 6 never trained on
    p[off + A * d + 6] = 0;
    q.importParams(p);
    return q;
  };
  const q = make(), target = make();
  const obs = makers[2].obs(new Rng(6), 1, Int32Array.of(6));
  const before = new Float32Array(1), after = new Float32Array(1);
  q.forwardChosen(obs, Int32Array.of(6), 1, before);
  // A zero gradient: the action becomes trained without moving, so its score must not move either.
  q.backwardChosen(Int32Array.of(6), new Float32Array(1));
  const off = q.trunk.paramCount, d = 4;
  assert.notEqual(q.head[A * d + 6], 0, "action 6 now has its own b (the prior's)");
  q.forwardChosen(obs, Int32Array.of(6), 1, after);
  assert.ok(Math.abs(after[0] - before[0]) < 1e-5, `score ${after[0]} after its first (zero) step = ${before[0]} before`);
  // The target copy (action 6 still untrained there) takes the online row whole, not a tau of it.
  target.polyakFrom(q, 0.01);
  const own = q.exportParams(), copy = target.exportParams();
  for (let k = 0; k < d; k++) assert.equal(copy[off + 6 * d + k], own[off + 6 * d + k]);
  assert.equal(copy[off + A * d + 6], own[off + A * d + 6]);
});

test("feature head: the cold-start bonus raises only never-trained actions, by that many standard deviations of the row, in greedy() alone", () => {
  const make = (coldStartBonus: number) => {
    const q = trained(new FeatureQFunction({ layout, actions: A, hidden: [9], embedding: 4, backend: "reference", table, rng: new Rng(5), coldStartBonus }), 5);
    // Action 6 never trained on.
    const p = q.exportParams(), off = q.trunk.paramCount, d = 4;
    p.fill(0, off + 6 * d, off + 7 * d);
    p[off + A * d + 6] = 0;
    q.importParams(p);
    return q;
  };
  const plain = make(0), bold = make(3);
  const rows = 6, rng = new Rng(8);
  const obs = makers[2].obs(rng, rows, Int32Array.from({ length: rows }, () => rng.int(A)));
  // forward() (targets, qValues) is the same with or without the bonus.
  const q0 = plain.forward(obs, rows).slice();
  assert.deepEqual(bold.forward(obs, rows).slice(), q0);
  const mask = new Uint8Array(rows * A).fill(1);
  mask[1] = 0; // row 0: action 1 unavailable (left out of the spread)
  const out0 = new Int32Array(rows), out3 = new Int32Array(rows);
  plain.greedy(obs, rows, mask, out0);
  bold.greedy(obs, rows, mask, out3);
  const argmax = (r: number, bonus: number) => {
    let best = -1;
    for (let a = 0; a < A; a++) if (mask[r * A + a] && (best < 0 || q0[r * A + a] + (a === 6 ? bonus : 0) > q0[r * A + best] + (best === 6 ? bonus : 0))) best = a;
    return best;
  };
  for (let r = 0; r < rows; r++) {
    const trainedQ: number[] = [];
    for (let a = 0; a < A - 1; a++) if (mask[r * A + a]) trainedQ.push(q0[r * A + a]);
    const mean = trainedQ.reduce((s, v) => s + v, 0) / trainedQ.length;
    const sd = Math.sqrt(trainedQ.reduce((s, v) => s + (v - mean) ** 2, 0) / trainedQ.length);
    assert.equal(out3[r], argmax(r, 3 * sd), `row ${r}`);
    assert.equal(out0[r], argmax(r, 0), `row ${r} without the bonus`);
  }
  assert.ok(out3.some((a, r) => a === 6 && out0[r] !== 6), "the bonus changed some row's choice to the untrained action");
  assert.throws(() => make(-1), /coldStartBonus/);
});
