import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../../src/core/random/rng.js";
import { PrioritizedReplay } from "../../../src/core/replay/prioritized.js";
import { createReplayBatch } from "../../../src/core/replay/batch.js";
import { createReplayBuffer } from "../../../src/core/replay/create.js";
import type { ReplaySpec } from "../../../src/core/replay/types.js";
import { replayBufferContract } from "./replay-contract.js";
import { addTransition, checkBatchRow } from "./fixtures.js";

replayBufferContract("PrioritizedReplay", (spec) => new PrioritizedReplay(spec));
replayBufferContract("createReplayBuffer prioritized (alpha 1, beta0 0)", (spec) =>
  createReplayBuffer({ kind: "prioritized", ...spec, alpha: 1, beta0: 0, epsilon: 0.01 }),
);

const SMALL: ReplaySpec = { capacity: 8, obsSize: 3, numActions: 37, maskSize: 0 };

/** A buffer of SMALL.capacity rows whose |TD errors| are `td`. */
function withPriorities(td: number[], options = {}): PrioritizedReplay {
  const buf = new PrioritizedReplay({ ...SMALL, capacity: td.length }, options);
  for (let t = 0; t < td.length; t++) addTransition(buf, t);
  buf.updatePriorities(Int32Array.from(td, (_, i) => i), Float32Array.from(td), td.length);
  return buf;
}

test("sampling frequencies are proportional to (|td| + eps)^alpha", () => {
  const td = [0.5, 1, 2, 3, 4, 5, 6, 7];
  const alpha = 0.6, eps = 1e-6;
  const buf = withPriorities(td, { alpha, epsilon: eps });
  const p = td.map((d) => Math.pow(Math.abs(d) + eps, alpha));
  const total = p.reduce((s, x) => s + x, 0);
  const batch = createReplayBatch(SMALL, 50);
  const counts = new Array(8).fill(0);
  const rng = new Rng(21);
  const draws = 100_000;
  for (let k = 0; k < draws / 50; k++) {
    buf.sample(50, rng, batch);
    for (let b = 0; b < 50; b++) counts[checkBatchRow(SMALL, batch, b)]++;
  }
  // Chi-square with 7 degrees of freedom; 24.32 is the 0.999 quantile (stratified draws only vary less).
  const chi2 = counts.reduce((s, c, i) => s + (c - (draws * p[i]) / total) ** 2 / ((draws * p[i]) / total), 0);
  assert.ok(chi2 < 24.32, `chi-square ${chi2.toFixed(2)}, counts ${counts}`);
  // The shape is really prioritized: the top slot comes up far more often than the bottom one.
  assert.ok(counts[7] > 2.5 * counts[0], `counts ${counts}`);
});

test("alpha 0 samples uniformly whatever the TD errors", () => {
  const buf = withPriorities([0.01, 100, 5, 0], { alpha: 0 });
  const batch = createReplayBatch(SMALL, 40);
  const counts = new Array(4).fill(0);
  const rng = new Rng(22);
  for (let k = 0; k < 500; k++) {
    buf.sample(40, rng, batch);
    for (let b = 0; b < 40; b++) {
      counts[batch.indices[b]]++;
      assert.equal(batch.weights[b], 1);
    }
  }
  // 40 strata over 4 equal priorities: each slot gets exactly 10 per batch.
  assert.deepEqual(counts, [5000, 5000, 5000, 5000]);
});

test("importance weights match (N P(i))^-beta / max_k (N P(k))^-beta computed by hand", () => {
  const td = [1, -2, 3, 4.5, 0];
  const alpha = 0.7, beta0 = 0.5, eps = 0.01;
  const buf = withPriorities(td, { alpha, beta0, epsilon: eps });
  const p = td.map((d) => Math.pow(Math.abs(d) + eps, alpha));
  const total = p.reduce((s, x) => s + x, 0);
  const N = td.length;
  const batch = createReplayBatch(SMALL, 64);
  for (const [progress, beta] of [[undefined, 0.5], [0, 0.5], [0.5, 0.75], [1, 1]] as const) {
    assert.equal(buf.betaAt(progress), beta);
    const raw = p.map((pi) => Math.pow(N * (pi / total), -beta));
    const maxW = Math.max(...raw);
    buf.sample(64, new Rng(23), batch, progress);
    for (let b = 0; b < 64; b++) {
      const i = batch.indices[b];
      const expected = raw[i] / maxW;
      assert.ok(Math.abs(batch.weights[b] - expected) <= 1e-6 * expected, `progress ${progress} slot ${i}: ${batch.weights[b]} vs ${expected}`);
    }
    // The lowest-priority transition (td 0) carries the largest weight, 1.
    for (let b = 0; b < 64; b++) if (batch.indices[b] === 4) assert.equal(batch.weights[b], 1);
  }
});

test("beta anneals linearly from beta0 to 1 with progress", () => {
  const buf = new PrioritizedReplay(SMALL, { beta0: 0.4 });
  assert.equal(buf.betaAt(0), 0.4);
  assert.ok(Math.abs(buf.betaAt(0.25) - 0.55) < 1e-15);
  assert.ok(Math.abs(buf.betaAt(0.5) - 0.7) < 1e-15);
  assert.equal(buf.betaAt(1), 1);
  // Weights of a fixed row shrink toward p_min / p_i as beta grows.
  const two = withPriorities([1, 3], { alpha: 1, beta0: 0.4, epsilon: 1e-9 });
  const batch = createReplayBatch(SMALL, 2);
  const weightOfSlot1 = (progress: number) => {
    two.sample(2, new Rng(24), batch, progress);
    assert.equal(batch.indices[1], 1);
    return batch.weights[1];
  };
  const ratio = (1 + 1e-9) / (3 + 1e-9);
  assert.equal(weightOfSlot1(0), Math.fround(Math.pow(ratio, 0.4)));
  assert.equal(weightOfSlot1(0.5), Math.fround(Math.pow(ratio, 0.7)));
  assert.equal(weightOfSlot1(1), Math.fround(ratio));
});

test("priority updates: new rows get the max priority seen; updates change sampling", () => {
  const alpha = 0.6, eps = 1e-6;
  const buf = new PrioritizedReplay({ ...SMALL, capacity: 6 }, { alpha, epsilon: eps });
  for (let t = 0; t < 3; t++) addTransition(buf, t);
  for (let i = 0; i < 3; i++) assert.equal(buf.priority(i), 1, "before any update, max priority is 1");
  buf.updatePriorities(Int32Array.of(0, 1, 2), Float32Array.of(5, -0.25, 0), 3);
  assert.equal(buf.priority(0), Math.pow(5 + eps, alpha));
  assert.equal(buf.priority(1), Math.pow(0.25 + eps, alpha));
  assert.equal(buf.priority(2), Math.pow(eps, alpha));
  addTransition(buf, 3);
  assert.equal(buf.priority(3), Math.pow(5 + eps, alpha), "a new row gets the largest priority seen");
  buf.updatePriorities(Int32Array.of(0), Float32Array.of(0.5), 1);
  addTransition(buf, 4);
  assert.equal(buf.priority(4), Math.pow(5 + eps, alpha), "the max survives when its row is lowered");
  assert.equal(buf.priority(5), 0, "an empty slot has no priority");
  // Slot 2 (priority eps^alpha, about 2.5e-4 of the mass) is essentially never drawn.
  const batch = createReplayBatch(SMALL, 32);
  const rng = new Rng(25);
  let hits = 0;
  for (let k = 0; k < 100; k++) {
    buf.sample(32, rng, batch);
    for (let b = 0; b < 32; b++) if (batch.indices[b] === 2) hits++;
  }
  assert.ok(hits <= 5, `slot 2 drawn ${hits} times`);
  buf.updatePriorities(Int32Array.of(2), Float32Array.of(50), 1);
  hits = 0;
  for (let k = 0; k < 100; k++) {
    buf.sample(32, rng, batch);
    for (let b = 0; b < 32; b++) if (batch.indices[b] === 2) hits++;
  }
  assert.ok(hits > 1000, `slot 2 drawn ${hits} times after its TD error rose`);
});

test("overwriting a row on wrap-around replaces its priority", () => {
  const buf = withPriorities([4, 1, 1, 1], { alpha: 1, epsilon: 0.5 });
  buf.updatePriorities(Int32Array.of(0), Float32Array.of(0), 1);
  assert.equal(buf.priority(0), 0.5);
  addTransition(buf, 10); // overwrites slot 0 with the max priority 4.5
  assert.equal(buf.priority(0), 4.5);
  const batch = createReplayBatch(SMALL, 60);
  buf.sample(60, new Rng(26), batch, 1);
  // p_min is now 1.5 (slots 1-3): slot 0's weight is 1.5 / 4.5.
  for (let b = 0; b < 60; b++) if (batch.indices[b] === 0) assert.equal(batch.weights[b], Math.fround(1.5 / 4.5));
});

test("sampling and priority updates walk O(log n) tree levels per row", () => {
  const stepsPerRow = (capacity: number) => {
    const buf = new PrioritizedReplay({ capacity, obsSize: 1, numActions: 2, maskSize: 0 });
    const o = new Float32Array(1);
    for (let t = 0; t < capacity; t++) buf.add(o, 0, 0, 0, o, 0, false, 1, null, 0);
    const batch = createReplayBatch(buf.spec, 32);
    const s0 = buf.treeSteps;
    buf.sample(32, new Rng(27), batch);
    const s1 = buf.treeSteps;
    buf.updatePriorities(batch.indices, new Float32Array(32).fill(2), 32);
    return { sample: (s1 - s0) / 32, update: (buf.treeSteps - s1) / 32, add: s0 / capacity };
  };
  assert.deepEqual(stepsPerRow(1024), { sample: 10, update: 10, add: 10 });
  assert.deepEqual(stepsPerRow(65536), { sample: 16, update: 16, add: 16 });
  assert.deepEqual(stepsPerRow(1000), { sample: 10, update: 10, add: 10 });
});

test("setState refuses another alpha, beta0 or epsilon, and bad priorities", () => {
  const a = withPriorities([1, 2, 3]);
  const state = a.getState();
  assert.throws(() => new PrioritizedReplay({ ...SMALL, capacity: 3 }, { alpha: 0.5 }).setState(state), /state has alpha 0.6 but this buffer has alpha 0.5/);
  assert.throws(() => new PrioritizedReplay({ ...SMALL, capacity: 3 }, { beta0: 0.5 }).setState(state), /beta0/);
  const b = new PrioritizedReplay({ ...SMALL, capacity: 3 });
  assert.throws(() => b.setState({ ...state, priorities: Float64Array.of(1, 0, 2) }), /state\.priorities\[1\] is 0, expected finite and > 0/);
  assert.throws(() => b.setState({ ...state, priorities: Float64Array.of(1, 2) }), /state\.priorities has length 2, expected 3/);
  assert.throws(() => b.setState({ ...state, maxPriority: NaN }), /state\.maxPriority is NaN/);
  assert.equal(b.size, 0);
  assert.throws(() => new PrioritizedReplay(SMALL, { alpha: 1.5 }), /alpha must be in \[0, 1\]/);
  assert.throws(() => new PrioritizedReplay(SMALL, { epsilon: 0 }), /epsilon must be > 0/);
});
