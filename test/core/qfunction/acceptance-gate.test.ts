/**
 * The feature head's acceptance gate: Q = log sigmoid(z) + the head's own score, z a second head
 * of its own that also learns, from the targets, whether a recommendation was accepted.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../../src/core/random/rng.js";
import { FeatureQFunction, featureObsSize, type FeatureLayout, type GateOptions } from "../../../src/core/qfunction/feature-qfunction.js";
import { ActionTable } from "../../../src/core/qfunction/action-table.js";
import { parseDqnConfig } from "../../../src/core/dqn/config.js";
import { parseSimConfig } from "../../../src/sim/config.js";
import { Platform } from "../../../src/sim/platform.js";
import { runPolicy } from "../../../src/sim/policy.js";
import { createPlatformDqn, DEFAULT_PLATFORM_DQN, platformDqnCheckpoint, restorePlatformDqn } from "../../../src/train/platform-dqn-config.js";
import { trainOnPlatforms } from "../../../src/train/platform-trainer.js";
import { PlatformDqnPolicy } from "../../../src/policies/dqn/platform-dqn.js";

const A = 6;
const layout: FeatureLayout = { userSize: 4, actionFeatureSize: 3, pairSize: 2, sketchSlots: 2, userIds: 3 };
const table = new ActionTable(A, layout.actionFeatureSize);
{
  const r = new Rng(7);
  for (let i = 0; i < table.features.length; i++) table.features[i] = r.float();
  table.touch();
}
const S = featureObsSize(layout);

function make(backend: "wasm" | "reference", gate: GateOptions | undefined, seed = 1, trainInKernels = true): FeatureQFunction {
  const q = new FeatureQFunction({ layout, actions: A, hidden: [8], embedding: 4, backend, table, rng: new Rng(seed), historyEmbeddings: true, trainInKernels, ...(gate ? { gate } : {}) });
  // As after training: every parameter set (b_a never 0, so every action is a trained one).
  const p = q.exportParams(), r = new Rng(seed + 50);
  for (let i = 0; i < p.length; i++) p[i] = 0.4 * r.normal() + 0.05;
  q.importParams(p);
  return q;
}

function rows(batch: number, actions: Int32Array, seed: number): Float32Array {
  const r = new Rng(seed), o = new Float32Array(batch * S), f = layout.actionFeatureSize;
  for (let b = 0; b < batch; b++) {
    const row = b * S;
    for (let j = 0; j < layout.userSize; j++) o[row + j] = r.normal();
    for (let j = 0; j < f; j++) o[row + layout.userSize + j] = table.features[actions[b] * f + j];
    const sk = row + layout.userSize + f;
    o[sk] = actions[b];
    o[sk + 1] = r.float();
    o[sk + 2] = r.float();
    o[sk + 3] = (actions[b] + 1) % A;
    o[sk + 4] = r.float();
    o[sk + 5] = r.float();
    o[row + S - 1] = b % 4 === 3 ? -1 : r.int(3);
  }
  return o;
}

const gate: GateOptions = { hidden: [5], embedding: 3, labelWeight: 1 };
const B = 6;
const actions = Int32Array.from({ length: B }, (_, b) => (b * 5) % A);
const obs = rows(B, actions, 11);

const logSigmoid = (z: number): number => -Math.log1p(Math.exp(-z));

test("acceptance gate: Q is log sigmoid(z) plus the head's own score, for every action and for the chosen ones", () => {
  const q = make("reference", gate);
  const own = make("reference", undefined);
  // The gated head's own parameters come first, the gate's after them.
  const p = q.exportParams();
  own.importParams(p.slice(0, own.paramCount));
  assert.equal(q.paramCount, own.paramCount + q.gate!.paramCount);
  const all = q.forward(obs, B).slice(), base = own.forward(obs, B).slice(), z = q.gate!.forward(obs, B).slice();
  for (let i = 0; i < B * A; i++) assert.ok(Math.abs(all[i] - (base[i] + logSigmoid(z[i]))) < 1e-5, `entry ${i}`);
  const chosen = new Float32Array(B);
  q.forwardChosen(obs, actions, B, chosen);
  for (let b = 0; b < B; b++) assert.ok(Math.abs(chosen[b] - all[b * A + actions[b]]) < 1e-5, `row ${b}`);
  // With a mask, the available entries are scored as without one, gate included.
  const mask = new Uint8Array(B * A).map((_, i) => (i % 3 === 1 ? 0 : 1));
  const masked = q.forward(obs, B, mask);
  for (let i = 0; i < B * A; i++) if (mask[i] === 1) assert.ok(Math.abs(masked[i] - all[i]) < 1e-5, `available entry ${i}: ${masked[i]} against ${all[i]}`);
});

test("acceptance gate: one gradient norm over the head and its gate, which clipping scales both by", () => {
  const targets = Float32Array.from({ length: B }, (_, b) => (b % 2 === 0 ? 0 : 2));
  const grads = (q: FeatureQFunction, scale: number): void => {
    const out = new Float32Array(B), g = new Float32Array(B);
    q.forwardChosen(obs, actions, B, out);
    for (let b = 0; b < B; b++) g[b] = (scale * (Math.exp(out[b]) - targets[b])) / B;
    q.backwardChosen(actions, g, targets);
  };
  const opts = { lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-12, weightDecay: 0 };
  const q = make("reference", { ...gate, labelWeight: 0 });
  const opt = q.createOptimizer(opts);
  grads(q, 1);
  const all = q.exportGradients();
  let sq = 0, sqGate = 0;
  const own = q.paramCount - q.gate!.paramCount;
  for (let i = 0; i < all.length; i++) {
    sq += all[i] * all[i];
    if (i >= own) sqGate += all[i] * all[i];
  }
  assert.ok(sqGate > 0.01 * sq, "the gate's part of the gradient is too small to tell");
  const norm = opt.step(null);
  assert.ok(Math.abs(norm - Math.sqrt(sq)) < 1e-6 * Math.sqrt(sq), `step() said ${norm}, the whole gradient's norm is ${Math.sqrt(sq)}`);
  // Clipped to a quarter of its norm, a step is the step on a gradient a quarter as large (the
  // label loss is off, so the whole gradient scales with the reward's), gate included.
  const clipped = make("reference", { ...gate, labelWeight: 0 }), scaled = make("reference", { ...gate, labelWeight: 0 });
  const oc = clipped.createOptimizer(opts), os = scaled.createOptimizer(opts);
  grads(clipped, 1);
  oc.step(0.25 * norm);
  grads(scaled, 0.25);
  os.step(null);
  const a = clipped.exportParams(), b = scaled.exportParams(), start = make("reference", { ...gate, labelWeight: 0 }).exportParams();
  let moved = 0;
  for (let i = 0; i < a.length; i++) {
    assert.ok(Math.abs(a[i] - b[i]) <= 1e-6 + 1e-4 * Math.abs(a[i] - start[i]), `parameter ${i}: clipped ${a[i]}, scaled ${b[i]}`);
    if (i >= own && a[i] !== start[i]) moved++;
  }
  assert.ok(moved > q.gate!.paramCount / 2, `only ${moved} gate parameters moved`);
});

test("acceptance gate: with targets, the gradient is that of sum_r w_r Q_r plus labelWeight / batch x the logistic loss of sigmoid(z_r) against target_r > 0", () => {
  const q = make("reference", { ...gate, labelWeight: 2.5 });
  const w = Float32Array.from({ length: B }, (_, b) => 0.3 + 0.2 * b);
  const targets = Float32Array.from({ length: B }, (_, b) => (b % 3 === 0 ? 0 : 1.5 * b));
  const out = new Float32Array(B), z = new Float32Array(B);
  q.forwardChosen(obs, actions, B, out);
  q.backwardChosen(actions, w, targets);
  const grad = q.exportGradients(), p0 = q.exportParams();
  const objective = (p: Float32Array): number => {
    q.importParams(p);
    q.forwardChosen(obs, actions, B, out);
    q.gate!.forwardChosen(obs, actions, B, z);
    let s = 0;
    for (let b = 0; b < B; b++) {
      const y = targets[b] > 0 ? 1 : 0;
      s += w[b] * out[b] - (2.5 / B) * (y * logSigmoid(z[b]) + (1 - y) * logSigmoid(-z[b]));
    }
    return s;
  };
  // Every gate parameter that moves the objective, and a sample of the head's own.
  const own = q.paramCount - q.gate!.paramCount, r = new Rng(3);
  const idx = [...Array.from({ length: 30 }, () => r.int(own)), ...Array.from({ length: q.gate!.paramCount }, (_, i) => own + i)];
  let gateChecked = 0;
  for (const i of idx) {
    const h = 1e-3 * Math.max(1, Math.abs(p0[i]));
    const pp = p0.slice(); pp[i] += h;
    const pm = p0.slice(); pm[i] -= h;
    const num = (objective(pp) - objective(pm)) / (2 * h);
    assert.ok(Math.abs(num - grad[i]) <= 2e-3 + 2e-2 * Math.abs(num), `param ${i}: numeric ${num}, analytic ${grad[i]}`);
    if (i >= own && Math.abs(num) > 1e-3) gateChecked++;
  }
  assert.ok(gateChecked > 20, `only ${gateChecked} gate parameters moved the objective`);
  q.importParams(p0);
});

test("acceptance gate: the training kernels and the TypeScript loops train it to the same bits, and the optimizer's state resumes exactly", () => {
  const run = (kernels: boolean, split: boolean): Float32Array => {
    const q = make("wasm", gate, 1, kernels);
    let opt = q.createOptimizer({ lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, embeddingLrScale: 3 });
    const out = new Float32Array(B), g = new Float32Array(B), targets = Float32Array.from({ length: B }, (_, b) => (b % 2 === 0 ? 0 : 2));
    for (let i = 0; i < 6; i++) {
      if (split && i === 3) {
        // Resume from the saved state in a fresh optimizer (as a checkpoint does).
        const state = opt.getState();
        assert.equal(state.m.length, q.paramCount);
        opt = q.createOptimizer({ lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, embeddingLrScale: 3 });
        opt.setState(state);
      }
      q.forwardChosen(obs, actions, B, out);
      for (let b = 0; b < B; b++) g[b] = (Math.exp(out[b]) - targets[b]) / B;
      q.backwardChosen(actions, g, targets);
      // A small bound, so the clipping (one norm over the head and its gate) takes part.
      opt.step(0.05);
    }
    return q.exportParams();
  };
  const ref = run(false, false);
  assert.deepEqual(run(true, false), ref);
  assert.deepEqual(run(true, true), ref);
  assert.notDeepEqual(ref, make("wasm", gate).exportParams());
});

test("acceptance gate: learns the chance of acceptance from the labels alone (no reward gradient)", () => {
  const q = make("reference", { ...gate, labelWeight: 1 });
  const opt = q.createOptimizer({ lr: 2e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 });
  // Rows 0, 2, 4 accepted, the others declined.
  const targets = Float32Array.from({ length: B }, (_, b) => (b % 2 === 0 ? 3 : 0));
  const out = new Float32Array(B), zero = new Float32Array(B), z = new Float32Array(B);
  for (let i = 0; i < 200; i++) {
    q.forwardChosen(obs, actions, B, out);
    q.backwardChosen(actions, zero, targets);
    opt.step(null);
  }
  q.gate!.forwardChosen(obs, actions, B, z);
  for (let b = 0; b < B; b++) {
    const p = 1 / (1 + Math.exp(-z[b]));
    assert.ok(b % 2 === 0 ? p > 0.9 : p < 0.1, `row ${b}: sigmoid(z) = ${p}`);
  }
});

test("acceptance gate: the config refuses it without the feature head and the poisson loss, and a bad weight", () => {
  const base = {
    obsSize: S, actions: A, gamma: 0, loss: "poisson",
    network: { head: "feature", hidden: [8], embedding: 4, layout, gate: { hidden: [5], embedding: 3, labelWeight: 1 } },
  };
  assert.equal(parseDqnConfig(base).network.gate?.embedding, 3);
  assert.equal(parseDqnConfig({ ...base, network: { ...base.network, gate: undefined } }).network.gate, null);
  assert.throws(() => parseDqnConfig({ ...base, loss: "huber" }), /network\.gate: .*loss "poisson".*"huber"/);
  assert.throws(() => parseDqnConfig({ ...base, network: { head: "linear", hidden: [8], gate: base.network.gate } }), /network\.gate: .*head "linear"/);
  assert.throws(() => parseDqnConfig({ ...base, network: { ...base.network, gate: { hidden: [5], embedding: 3, labelWeight: -1 } } }), /network\.gate\.labelWeight/);
  assert.throws(
    () => new FeatureQFunction({ layout, actions: A, hidden: [8], embedding: 4, backend: "reference", table, rng: new Rng(1), gate: { ...gate, labelWeight: NaN } }),
    /gate\.labelWeight must be a finite number >= 0, got NaN/,
  );
});

test("acceptance gate on the platform: dqn.gateEmbedding trains one, a checkpoint restores it to the same scores, and serving folds in and puts back the gate's new users too", async () => {
  const sim = parseSimConfig({ users: 120, streamers: 24, days: 4, population: { newUsersPerDay: 0.2 } });
  const hyper = { ...DEFAULT_PLATFORM_DQN, hidden: [16], embedding: 6, gateEmbedding: 4, gateHidden: [8], learningStarts: 100, explorationDecisions: 400, replayCapacity: 4_000, trainEvery: 4, embeddingLrScale: 3 };
  const pd = createPlatformDqn(sim, "feature", hyper, 1);
  const q = pd.agent.online as FeatureQFunction;
  assert.ok(q.gate !== null && q.gate.embedding === 4 && q.gate.userEmbeddingCount === q.userEmbeddingCount);
  const untrained = q.gate.exportParams();
  await trainOnPlatforms(pd, { world: 0, seeds: [1, 2], episodes: 1 });
  assert.notDeepEqual(q.gate.exportParams(), untrained, "the gate did not train");
  const bundle = platformDqnCheckpoint(pd);
  const back = restorePlatformDqn(bundle), qb = back.agent.online as FeatureQFunction;
  assert.deepEqual(qb.exportParams(), q.exportParams());
  // The restored model scores as the trained one (on the rows of a week's first decisions).
  // (Each model scores through its own encoder, which fills the tables it reads.)
  const w = new Platform(sim, 6), encoders = [pd.encoderFor(w), back.encoderFor(w)];
  let compared = 0;
  runPolicy(w, {
    name: "compare",
    act(platform, actions) {
      let n = 0;
      const scores = encoders.map((e, k) => {
        e.refreshTable(platform);
        n = e.encode(platform);
        return n === 0 ? null : [q, qb][k].forward(e.obs.subarray(0, n * e.obsSize), n, e.mask.subarray(0, n * e.actions)).slice();
      });
      if (scores[0] === null) return;
      if (compared < 3) {
        assert.deepEqual(scores[1], scores[0]);
        compared++;
      }
      const e = encoders[1];
      qb.greedy(e.obs.subarray(0, n * e.obsSize), n, e.mask.subarray(0, n * e.actions), actions);
    },
  });
  assert.equal(compared, 3);
  const p = new Platform(sim, 5);
  // Serve a week with the fold-in: afterwards every user row of both heads is as trained.
  const gateRows = qb.gate!.userEmbeddings(), headRows = qb.userEmbeddings();
  let newDecisions = 0;
  const served = new PlatformDqnPolicy(back.agent, back.encoderFor(p), { mode: "serve", newUserFoldIn: true });
  // Count the gate's rows the fold-in writes (each new user's, then put back).
  let gateWrites = 0;
  const write = qb.gate!.writeUserEmbedding.bind(qb.gate!);
  qb.gate!.writeUserEmbedding = (u, values) => {
    gateWrites++;
    write(u, values);
  };
  runPolicy(p, {
    name: "count",
    act(platform, actions) {
      for (const u of platform.deciding) if (platform.users.isNew(u)) newDecisions++;
      served.act(platform, actions);
    },
  });
  assert.ok(newDecisions > 10, `only ${newDecisions} decisions of new users`);
  assert.ok(gateWrites >= 2 * newDecisions, `the gate's rows were written ${gateWrites} times for ${newDecisions} decisions of new users`);
  assert.deepEqual(qb.gate!.userEmbeddings(), gateRows);
  assert.deepEqual(qb.userEmbeddings(), headRows);
  assert.throws(() => createPlatformDqn(sim, "feature", { ...hyper, loss: "huber" }, 1), /dqn\.gateEmbedding \(4\).*loss "poisson", got "huber"/);
  assert.equal((createPlatformDqn(sim, "classic", hyper, 1).agent.online as { kind: string }).kind, "mlp", "the classic head ignores the gate");
});
