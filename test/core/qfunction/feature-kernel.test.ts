/**
 * The feature head's scoring of every action (FeatureQFunction.forward): the wasm backend does it
 * as one matrix product in the SIMD kernels, the reference backend action by action in TypeScript.
 * Both are checked against the formula evaluated here in float64, on random heads (some actions
 * never trained on, b_a exactly 0), random masks, sketches and user indices, with sizes that hit
 * every remainder path of the kernel (columns not a multiple of 16 or 4, odd batches, batch 1).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../../src/core/random/rng.js";
import { FeatureQFunction, featureObsSize, type FeatureLayout } from "../../../src/core/qfunction/feature-qfunction.js";
import { ActionTable } from "../../../src/core/qfunction/action-table.js";
import { PairTable } from "../../../src/core/qfunction/pair-table.js";
import type { BackendKind } from "../../../src/core/nn/types.js";

interface Case {
  readonly actions: number;
  readonly embedding: number;
  readonly layout: FeatureLayout;
  readonly actionEmbeddings: boolean;
  readonly historyEmbeddings: boolean;
}

const cases: Case[] = [
  { actions: 37, embedding: 8, layout: { userSize: 5, actionFeatureSize: 3, pairSize: 2, sketchSlots: 4 }, actionEmbeddings: true, historyEmbeddings: false },
  { actions: 37, embedding: 8, layout: { userSize: 5, actionFeatureSize: 3, pairSize: 2, sketchSlots: 4 }, actionEmbeddings: false, historyEmbeddings: false },
  { actions: 50, embedding: 5, layout: { userSize: 4, actionFeatureSize: 0, pairSize: 1, sketchSlots: 3 }, actionEmbeddings: true, historyEmbeddings: true },
  { actions: 7, embedding: 4, layout: { userSize: 3, actionFeatureSize: 13, pairSize: 0, sketchSlots: 2, userIds: 6 }, actionEmbeddings: true, historyEmbeddings: true },
  { actions: 83, embedding: 64, layout: { userSize: 21, actionFeatureSize: 13, pairSize: 4, sketchSlots: 16, userIds: 9 }, actionEmbeddings: true, historyEmbeddings: true },
  { actions: 19, embedding: 6, layout: { userSize: 4, actionFeatureSize: 2, pairSize: 3, sketchSlots: 5, userIds: 4 }, actionEmbeddings: false, historyEmbeddings: true },
  // A pair table read for every candidate: with user embeddings for some of its users, and without any.
  { actions: 41, embedding: 8, layout: { userSize: 6, actionFeatureSize: 5, pairSize: 4, sketchSlots: 6, userIds: 3, pairTableSize: 3 }, actionEmbeddings: true, historyEmbeddings: true },
  { actions: 23, embedding: 4, layout: { userSize: 3, actionFeatureSize: 2, pairSize: 1, sketchSlots: 2, pairTableSize: 2 }, actionEmbeddings: true, historyEmbeddings: false },
];

/** Users of the pair tables of the cases that read one (some beyond the user embeddings). */
const TABLE_USERS = 5;
const pairTables = new Map<FeatureLayout, PairTable>();
/** The pair table of a case's layout (random, made once), or undefined for a layout without one. */
function pairTableOf(l: FeatureLayout, actions: number): PairTable | undefined {
  const r = l.pairTableSize ?? 0;
  if (r === 0) return undefined;
  let t = pairTables.get(l);
  if (t === undefined) {
    t = new PairTable(TABLE_USERS, actions, r);
    const rng = new Rng(77 + r);
    for (let i = 0; i < t.features.length; i++) t.features[i] = rng.normal();
    pairTables.set(l, t);
  }
  return t;
}

function build(c: Case, backend: BackendKind, table: ActionTable, trainInKernels = true): FeatureQFunction {
  return new FeatureQFunction({
    layout: c.layout, actions: c.actions, hidden: [7], embedding: c.embedding, backend, table, rng: new Rng(3),
    actionEmbeddings: c.actionEmbeddings, historyEmbeddings: c.historyEmbeddings, trainInKernels,
    ...(pairTableOf(c.layout, c.actions) !== undefined ? { pairTable: pairTableOf(c.layout, c.actions) } : {}),
  });
}

/** A random head; about a third of the actions never trained on (b_a exactly 0, e_a 0). */
function randomHead(q: FeatureQFunction, rng: Rng): void {
  const p = q.exportParams(), off = q.trunk.paramCount, A = q.actions, d = q.embedding;
  for (let i = off; i < p.length; i++) p[i] = 0.5 * rng.normal();
  for (let a = 0; a < A; a++) {
    if (rng.float() < 1 / 3) {
      p[off + A * d + a] = 0;
      p.fill(0, off + a * d, off + (a + 1) * d);
    }
  }
  q.importParams(p);
}

function randomObs(c: Case, rng: Rng, batch: number): Float32Array {
  const l = c.layout, S = featureObsSize(l), obs = new Float32Array(batch * S);
  for (let r = 0; r < batch; r++) {
    const row = r * S;
    for (let j = 0; j < l.userSize + l.actionFeatureSize; j++) obs[row + j] = rng.normal();
    const base = row + l.userSize + l.actionFeatureSize;
    // A sketch: some slots with an action (repeats allowed), the rest -1.
    const used = rng.int(l.sketchSlots + 1);
    for (let k = 0; k < l.sketchSlots; k++) {
      const e = base + k * (1 + l.pairSize);
      obs[e] = k < used ? rng.int(c.actions) : -1;
      for (let j = 0; j < l.pairSize; j++) obs[e + 1 + j] = rng.normal();
    }
    if ((l.userIds ?? 0) > 0) obs[row + S - 1] = rng.int(l.userIds! + 1) - 1;
    const R = l.pairTableSize ?? 0;
    if (R > 0) {
      // A user of the table (or beyond it, or none), and some stored record of the action taken.
      obs[row + S - 1] = rng.int(TABLE_USERS + 2) - 1;
      for (let j = 0; j < R; j++) obs[row + S - 1 - R + j] = rng.normal();
    }
  }
  return obs;
}

/** Q(s, a) for every row and action from the formula in float64, with the magnitude of its terms (for the tolerance). */
function expected(q: FeatureQFunction, obs: Float32Array, batch: number, mask: Uint8Array | null, asFresh: (r: number) => boolean = () => false): { q: Float64Array; scale: Float64Array } {
  const l = q.layout, A = q.actions, d = q.embedding, f = l.actionFeatureSize, m = l.pairSize, K = l.sketchSlots, S = q.obsSize;
  const h = q.head, bOff = A * d, pOff = A * d + A, fOff = pOff + d * f, gOff = fOff + (q.historyEmbeddings ? A * d : 0);
  const users = new Float32Array(batch * l.userSize);
  for (let r = 0; r < batch; r++) users.set(obs.subarray(r * S, r * S + l.userSize), r * l.userSize);
  const R = l.pairTableSize ?? 0, T = pairTableOf(l, A);
  const out = q.trunk.forward(users, batch), O = 1 + d + m + R, X = q.table.features;
  const priorE = new Float64Array(d);
  let priorB = 0, n = 0;
  for (let a = 0; a < A; a++) {
    if (h[bOff + a] === 0) continue;
    n++;
    priorB += h[bOff + a];
    for (let k = 0; k < d; k++) priorE[k] += h[a * d + k];
  }
  if (n > 0) {
    priorB /= n;
    for (let k = 0; k < d; k++) priorE[k] /= n;
  }
  const res = new Float64Array(batch * A), scale = new Float64Array(batch * A);
  for (let r = 0; r < batch; r++) {
    const row = r * S, base = row + l.userSize + f;
    const phi = Float64Array.from(out.subarray(r * O + 1, r * O + 1 + d));
    const slots: number[] = [];
    for (let k = 0; k < K; k++) if (obs[base + k * (1 + m)] >= 0) slots.push(obs[base + k * (1 + m)]);
    if (q.historyEmbeddings) for (const s of slots) for (let k = 0; k < d; k++) phi[k] += h[fOff + s * d + k] / slots.length;
    const u = (l.userIds ?? 0) > 0 ? obs[row + S - 1] : -1;
    if (u >= 0 && u < l.userIds!) for (let k = 0; k < d; k++) phi[k] += h[gOff + u * d + k];
    const tu = R > 0 ? obs[row + S - 1] : -1;
    for (let a = 0; a < A; a++) {
      const i = r * A + a;
      if (mask !== null && mask[i] === 0) {
        res[i] = -Infinity;
        continue;
      }
      const fresh = h[bOff + a] === 0 || asFresh(r);
      let s = out[r * O], mag = Math.abs(s);
      for (let k = 0; k < d; k++) {
        let psi = q.actionEmbeddings ? (fresh ? priorE[k] : h[a * d + k]) : 0;
        for (let j = 0; j < f; j++) psi += h[pOff + k * f + j] * X[a * f + j];
        s += phi[k] * psi;
        mag += Math.abs(phi[k] * psi);
      }
      if (q.actionEmbeddings) {
        s += fresh ? priorB : h[bOff + a];
        mag += Math.abs(fresh ? priorB : h[bOff + a]);
      }
      for (let k = 0; k < K; k++) {
        const e = base + k * (1 + m);
        if (obs[e] !== a) continue;
        for (let j = 0; j < m; j++) {
          s += out[r * O + 1 + d + j] * obs[e + 1 + j];
          mag += Math.abs(out[r * O + 1 + d + j] * obs[e + 1 + j]);
        }
      }
      // The pair table's term, for a user the table holds.
      if (T !== undefined && tu >= 0 && tu < T.users) {
        for (let j = 0; j < R; j++) {
          const t = out[r * O + 1 + d + m + j] * T.features[(tu * A + a) * R + j];
          s += t;
          mag += Math.abs(t);
        }
      }
      res[i] = s;
      scale[i] = mag;
    }
  }
  return { q: res, scale };
}

function assertClose(got: Float32Array, want: { q: Float64Array; scale: Float64Array }, what: string): void {
  assert.equal(got.length, want.q.length, `${what}: length`);
  for (let i = 0; i < got.length; i++) {
    if (want.q[i] === -Infinity) {
      assert.equal(got[i], -Infinity, `${what}: entry ${i} is masked`);
      continue;
    }
    const err = Math.abs(got[i] - want.q[i]);
    assert.ok(err <= 1e-5 * (1 + want.scale[i]), `${what}: entry ${i} is ${got[i]}, expected ${want.q[i]} (error ${err}, scale ${want.scale[i]})`);
  }
}

for (const [ci, c] of cases.entries()) {
  const name = `A=${c.actions} d=${c.embedding} f=${c.layout.actionFeatureSize} own=${c.actionEmbeddings} history=${c.historyEmbeddings} users=${c.layout.userIds ?? 0} pair table=${c.layout.pairTableSize ?? 0}`;
  test(`feature head scoring, wasm and reference backends, agree with the formula: ${name}`, () => {
    const rng = new Rng(1000 + ci);
    const table = new ActionTable(c.actions, c.layout.actionFeatureSize);
    for (let i = 0; i < table.features.length; i++) table.features[i] = rng.normal();
    table.touch();
    const wasm = build(c, "wasm", table), ref = build(c, "reference", table);
    randomHead(wasm, rng);
    ref.importParams(wasm.exportParams());
    // Batches that grow the kernels' arena, shrink back, and are odd or one row.
    for (const batch of [3, 1, 64, 2, 65, 5]) {
      const obs = randomObs(c, rng, batch);
      const mask = batch % 2 === 0 ? null : Uint8Array.from({ length: batch * c.actions }, () => (rng.float() < 0.2 ? 0 : 1));
      for (const q of [wasm, ref]) {
        const got = q.forward(obs, batch, mask).slice();
        assertClose(got, expected(q, obs, batch, mask), `${q.trunk.constructor.name} ${name} batch ${batch}`);
      }
    }
  });
}

test("feature head scoring, wasm backend: with every action never trained on, all score with the prior (0), and forwardChosen agrees with forward", () => {
  const c = cases[4], rng = new Rng(7);
  const table = new ActionTable(c.actions, c.layout.actionFeatureSize);
  for (let i = 0; i < table.features.length; i++) table.features[i] = rng.normal();
  table.touch();
  const q = build(c, "wasm", table);
  const batch = 9, A = c.actions, S = q.obsSize, f = c.layout.actionFeatureSize, U = c.layout.userSize;
  const obs = randomObs(c, rng, batch);
  assertClose(q.forward(obs, batch, null).slice(), expected(q, obs, batch, null), "untrained head");
  randomHead(q, rng);
  const all = q.forward(obs, batch, null).slice();
  // Q(s, a) of a chosen action from forwardChosen, with the action's features as stored in the row.
  const actions = Int32Array.from({ length: batch }, () => rng.int(A));
  for (let r = 0; r < batch; r++) obs.set(table.features.subarray(actions[r] * f, (actions[r] + 1) * f), r * S + U);
  const chosen = new Float32Array(batch);
  q.forwardChosen(obs, actions, batch, chosen);
  for (let r = 0; r < batch; r++) {
    const want = all[r * A + actions[r]];
    assert.ok(Math.abs(chosen[r] - want) <= 1e-4 * (1 + Math.abs(want)), `row ${r}: forwardChosen ${chosen[r]}, forward ${want}`);
  }
});

test("feature head, wasm backend: polyakFrom moves the head bit for bit as the reference backend's TypeScript loop", () => {
  const c = cases[4], rng = new Rng(11);
  const table = new ActionTable(c.actions, c.layout.actionFeatureSize);
  const [wOnline, wTarget, rOnline, rTarget] = [build(c, "wasm", table), build(c, "wasm", table), build(c, "reference", table), build(c, "reference", table)];
  randomHead(wOnline, rng);
  randomHead(wTarget, rng);
  // Some values equal in both, and some extreme ones, where rounding differences would show.
  for (let i = 0; i < wTarget.head.length; i += 7) wTarget.head[i] = wOnline.head[i];
  for (let i = 3; i < wTarget.head.length; i += 11) wOnline.head[i] = (rng.float() - 0.5) * 1e30;
  rOnline.importParams(wOnline.exportParams());
  rTarget.importParams(wTarget.exportParams());
  // Before any forward (the arena at its smallest), then after one that grew it.
  for (const tau of [0.01, 0.3]) {
    wTarget.polyakFrom(wOnline, tau);
    rTarget.polyakFrom(rOnline, tau);
    assert.deepEqual(wTarget.head, rTarget.head, `tau ${tau}`);
    wTarget.forward(randomObs(c, rng, 33), 33, null);
  }
});

test("feature head scoring, wasm backend: with a mask only the available actions are scored, each to the same bits as without a mask", () => {
  // A sparse mask (a few dozen streams live of a catalogue), a dense one, rows with nothing or
  // everything available, and row counts of available actions that leave every remainder of four.
  for (const [ci, c] of [[0, cases[0]], [4, cases[4]], [5, cases[5]]] as const) {
    const rng = new Rng(2000 + ci);
    const table = new ActionTable(c.actions, c.layout.actionFeatureSize);
    for (let i = 0; i < table.features.length; i++) table.features[i] = rng.normal();
    table.touch();
    const q = build(c, "wasm", table);
    randomHead(q, rng);
    const A = c.actions;
    for (const [batch, density] of [[64, 0.1], [7, 0.9], [1, 0.3], [33, 0.5]] as const) {
      const obs = randomObs(c, rng, batch);
      const mask = Uint8Array.from({ length: batch * A }, () => (rng.float() < density ? 1 : 0));
      mask.fill(0, 0, A); // row 0: nothing available
      if (batch > 1) mask.fill(1, A, 2 * A); // row 1: everything
      for (let r = 2; r < Math.min(batch, 6); r++) {
        mask.fill(0, r * A, (r + 1) * A);
        for (let j = 0; j < r + 1; j++) mask[r * A + rng.int(A)] = 1; // 1..r+1 available
      }
      const all = q.forward(obs, batch, null).slice();
      const masked = q.forward(obs, batch, mask).slice();
      assert.throws(() => q.forward(obs, batch, mask.subarray(0, batch * A - 1)), /mask must hold batch \* actions/);
      const l = c.layout, at = (batch - 1) * q.obsSize + l.userSize + l.actionFeatureSize, kept = obs[at];
      obs[at] = 1.5;
      assert.throws(() => q.forward(obs, batch, mask), /sketch entry 0: streamer slot 1.5 is not a whole number/);
      obs[at] = kept;
      for (let i = 0; i < batch * A; i++) {
        if (mask[i] === 0) assert.equal(masked[i], -Infinity, `case ${ci} batch ${batch}: entry ${i} is masked`);
        else assert.ok(Object.is(masked[i], all[i]), `case ${ci} batch ${batch}: entry ${i} is ${masked[i]} masked, ${all[i]} unmasked`);
      }
    }
  }
});

test("feature head training pass, wasm backend: forwardChosen, backwardChosen and the Adam step in the kernels give the TypeScript loops' bits", () => {
  // Every case's shapes (remainders of four in d, f and m; with and without e_a, F and G), actions
  // never trained on (they start at the prior), sketches that name the chosen action or not,
  // clipped and unclipped steps, weight decay, the embedding rows at lr and at a multiple of it;
  // twelve updates each, compared bit for bit after each.
  for (const [ci, c] of cases.entries()) {
    const rng = new Rng(3000 + ci);
    const table = new ActionTable(c.actions, c.layout.actionFeatureSize);
    for (let i = 0; i < table.features.length; i++) table.features[i] = rng.normal();
    table.touch();
    const fast = build(c, "wasm", table, true), slow = build(c, "wasm", table, false);
    randomHead(fast, rng);
    slow.importParams(fast.exportParams());
    const opts = { lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, embeddingLrScale: ci % 2 === 0 ? 1 : 3.5 };
    const optFast = fast.createOptimizer(opts), optSlow = slow.createOptimizer(opts);
    const same = (a: Float32Array, b: Float32Array, what: string): void => {
      assert.equal(a.length, b.length, `${what}: length`);
      for (let i = 0; i < a.length; i++) assert.ok(Object.is(a[i], b[i]), `case ${ci} ${what}: entry ${i} is ${a[i]} in the kernels, ${b[i]} in TypeScript`);
    };
    for (let step = 0; step < 12; step++) {
      const batch = [5, 1, 16, 3][step % 4];
      const obs = randomObs(c, rng, batch);
      const actions = Int32Array.from({ length: batch }, () => rng.int(c.actions));
      // Some rows' sketch names the chosen action (its pair features count).
      const S = fast.obsSize, l = c.layout;
      for (let r = 0; r < batch; r += 2) if (l.sketchSlots > 0) obs[r * S + l.userSize + l.actionFeatureSize] = actions[r];
      const qf = new Float32Array(batch), qs = new Float32Array(batch);
      // Every other step drops some rows (action dropout): scored with the prior, their own part left alone.
      const dropped = step % 2 === 1 ? Uint8Array.from({ length: batch }, () => (rng.float() < 0.4 ? 1 : 0)) : null;
      fast.forwardChosen(obs, actions, batch, qf, dropped);
      slow.forwardChosen(obs, actions, batch, qs, dropped);
      same(qf, qs, `step ${step} Q(s, a)`);
      const grad = Float32Array.from(qf, (q) => (q - 1) / batch);
      // Refused before anything moves: an action outside the catalogue, a gradient too short.
      const bad = actions.slice();
      bad[batch - 1] = c.actions;
      assert.throws(() => fast.backwardChosen(bad, grad), /outside \[0, /);
      if (batch > 1) assert.throws(() => fast.backwardChosen(actions, grad.subarray(0, batch - 1)), /grad must hold/);
      fast.backwardChosen(actions, grad);
      slow.backwardChosen(actions, grad);
      same(fast.exportGradients(), slow.exportGradients(), `step ${step} gradient`);
      const clip = step % 3 === 0 ? 1e-3 : null;
      assert.ok(Object.is(optFast.step(clip), optSlow.step(clip)), `case ${ci} step ${step}: gradient norms differ`);
      same(fast.exportParams(), slow.exportParams(), `step ${step} parameters`);
      const sf = optFast.getState(), ss = optSlow.getState();
      same(sf.m, ss.m, `step ${step} Adam m`);
      same(sf.v, ss.v, `step ${step} Adam v`);
    }
  }
});

test("feature head, embeddingLrScale: the embedding rows (E, F, G) step that many times lr, b, P and the trunk at lr, on both paths", () => {
  // Adam's first step moves every parameter with a gradient by lr (m / sqrt(v) = sign(g), up to
  // eps): with the scale at 4, each touched embedding row moves 4 times as far, the rest alike.
  const c = cases[4], A = c.actions, d = c.embedding, f = c.layout.actionFeatureSize;
  for (const [backend, trainInKernels] of [["wasm", true], ["wasm", false], ["reference", false]] as const) {
    const rng = new Rng(41);
    const table = new ActionTable(A, f);
    for (let i = 0; i < table.features.length; i++) table.features[i] = rng.normal();
    table.touch();
    const batch = 6;
    const obs = randomObs(c, rng, batch);
    const actions = Int32Array.from({ length: batch }, () => rng.int(A));
    const moved = (scale: number): { before: Float32Array; after: Float32Array; off: number } => {
      const q = build(c, backend, table, trainInKernels);
      randomHead(q, new Rng(42));
      const opt = q.createOptimizer({ lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, embeddingLrScale: scale });
      const out = new Float32Array(batch);
      q.forwardChosen(obs, actions, batch, out);
      q.backwardChosen(actions, Float32Array.from(out, (v) => (v - 1) / batch));
      const before = q.exportParams();
      opt.step(null);
      return { before, after: q.exportParams(), off: q.trunk.paramCount };
    };
    const one = moved(1), four = moved(4);
    assert.deepEqual(four.before, one.before);
    const off = one.off, bOff = off + A * d, pOff = bOff + A, fOff = pOff + d * f, gOff = fOff + A * d;
    let denseMoved = 0;
    const tableMoved = { E: 0, F: 0, G: 0 };
    for (let i = 0; i < one.after.length; i++) {
      const d1 = one.after[i] - one.before[i], d4 = four.after[i] - four.before[i];
      const inRows = (i >= off && i < bOff) || i >= fOff;
      if (!inRows) {
        assert.ok(Object.is(four.after[i], one.after[i]), `${backend}: parameter ${i} (trunk, b or P) moved differently: ${d1} vs ${d4}`);
        if (d1 !== 0) denseMoved++;
        continue;
      }
      if (d1 === 0) {
        assert.equal(d4, 0, `${backend}: embedding parameter ${i} moved only at scale 4`);
        continue;
      }
      tableMoved[i < bOff ? "E" : i < gOff ? "F" : "G"]++;
      // Float32 rounding of the parameters (|p| ~ 0.5) bounds how exactly the 4x shows.
      assert.ok(Math.abs(d4 - 4 * d1) < 1e-6 + 1e-3 * Math.abs(d4), `${backend}: embedding parameter ${i} moved ${d4} at scale 4, ${d1} at 1`);
      assert.ok(Math.abs(Math.abs(d1) - 1e-3) < 1e-5, `${backend}: embedding parameter ${i}'s first step is ${d1}, not lr`);
    }
    for (const [table, n] of Object.entries(tableMoved)) assert.ok(n >= d, `${backend}: only ${n} parameters of ${table} moved`);
    assert.ok(denseMoved > 0, `${backend}: no dense parameter moved`);
  }
});

test("feature head, action dropout: a dropped row scores its action with the prior and leaves its own e_a, b_a alone; the features' part still learns", () => {
  const c = cases[4];
  for (const trainInKernels of [true, false]) {
    const rng = new Rng(31);
    const table = new ActionTable(c.actions, c.layout.actionFeatureSize);
    for (let i = 0; i < table.features.length; i++) table.features[i] = rng.normal();
    table.touch();
    const q = build(c, "wasm", table, trainInKernels);
    randomHead(q, rng);
    const A = c.actions, d = c.embedding, S = q.obsSize, U = c.layout.userSize, f = c.layout.actionFeatureSize;
    const bOff = A * d, pOff = A * d + A;
    // Two trained actions (b_a not 0) and one never trained on.
    const trained = Array.from({ length: A }, (_, a) => a).filter((a) => q.head[bOff + a] !== 0);
    const fresh = Array.from({ length: A }, (_, a) => a).find((a) => q.head[bOff + a] === 0)!;
    const actions = Int32Array.from([trained[0], trained[1], fresh, trained[0]]);
    const batch = actions.length;
    const obs = randomObs(c, rng, batch);
    for (let r = 0; r < batch; r++) obs.set(table.features.subarray(actions[r] * f, (actions[r] + 1) * f), r * S + U);
    const before = q.exportParams();
    const qPlain = new Float32Array(batch), qDrop = new Float32Array(batch);
    q.forwardChosen(obs, actions, batch, qPlain);
    const dropped = Uint8Array.from([1, 0, 1, 0]);
    q.forwardChosen(obs, actions, batch, qDrop, dropped);
    // The formula, evaluated here: a dropped row's action scored with the prior over the trained actions.
    const plain = expected(q, obs, batch, null), asDropped = expected(q, obs, batch, null, (r) => dropped[r] === 1);
    for (let r = 0; r < batch; r++) {
      const want = asDropped.q[r * A + actions[r]], scale = asDropped.scale[r * A + actions[r]];
      assert.ok(Math.abs(qDrop[r] - want) <= 1e-5 * (1 + scale), `${trainInKernels}: row ${r} scores ${qDrop[r]}, the formula ${want}`);
      const w = plain.q[r * A + actions[r]];
      assert.ok(Math.abs(qPlain[r] - w) <= 1e-5 * (1 + plain.scale[r * A + actions[r]]), `${trainInKernels}: row ${r} without dropout scores ${qPlain[r]}, the formula ${w}`);
    }
    assert.ok(Math.abs(qDrop[0] - qPlain[0]) > 1e-3, "a dropped trained action scores otherwise than with its own part");
    assert.ok(Object.is(qDrop[1], qPlain[1]) && Object.is(qDrop[3], qPlain[3]), "rows not dropped score as without dropout");
    assert.ok(Object.is(qDrop[2], qPlain[2]), "an action never trained on scores with the prior either way");
    q.backwardChosen(actions, Float32Array.from([0.5, 0, 0.7, 0]));
    const g = q.exportGradients(), off = q.trunk.paramCount;
    const eb = (a: number) => [...Array.from({ length: d }, (_, k) => g[off + a * d + k]), g[off + bOff + a]];
    // Only dropped rows carry gradient: the own parts take none of it; P does.
    assert.ok(eb(trained[0]).every((x) => x === 0) && eb(fresh).every((x) => x === 0), "a dropped row's action takes no gradient in e_a, b_a");
    assert.ok(Array.from({ length: d * f }, (_, i) => g[off + pOff + i]).some((x) => x !== 0), "P takes the dropped rows' gradient");
    // The action never trained on stays so (it did not start at the prior): b_a still exactly 0.
    const opt = q.createOptimizer({ lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 });
    opt.step(null);
    const after = q.exportParams();
    assert.equal(after[off + bOff + fresh], 0);
    for (let k = 0; k < d; k++) assert.equal(after[off + fresh * d + k], before[off + fresh * d + k]);
    assert.equal(after[off + bOff + trained[0]], before[off + bOff + trained[0]]);
  }
});
