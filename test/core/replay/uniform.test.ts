import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../../src/core/random/rng.js";
import { UniformReplay } from "../../../src/core/replay/uniform.js";
import { createReplayBatch } from "../../../src/core/replay/batch.js";
import { createReplayBuffer } from "../../../src/core/replay/create.js";
import { replayBufferContract } from "./replay-contract.js";
import { PrioritizedReplay } from "../../../src/core/replay/prioritized.js";
import { replayMemoryReport } from "../../../src/core/replay/memory.js";
import { SPEC, addTransition } from "./fixtures.js";

replayBufferContract("UniformReplay", (spec) => new UniformReplay(spec));
replayBufferContract("createReplayBuffer uniform", (spec) => createReplayBuffer({ kind: "uniform", ...spec }));

test("uniform sampling hits every slot about equally, with unit weights", () => {
  const spec = { ...SPEC, capacity: 10, maskSize: 0 };
  const buf = new UniformReplay(spec);
  for (let t = 0; t < 10; t++) addTransition(buf, t);
  const batch = createReplayBatch(spec, 100);
  const counts = new Array(10).fill(0);
  const rng = new Rng(11);
  const draws = 50_000;
  for (let k = 0; k < draws / 100; k++) {
    buf.sample(100, rng, batch);
    for (let b = 0; b < 100; b++) {
      counts[batch.indices[b]]++;
      assert.equal(batch.weights[b], 1);
    }
  }
  // Chi-square with 9 degrees of freedom; 27.88 is the 0.999 quantile.
  const expected = draws / 10;
  const chi2 = counts.reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
  assert.ok(chi2 < 27.88, `chi-square ${chi2.toFixed(2)} for counts ${counts}`);
});

test("createReplayBuffer refuses an unknown kind", () => {
  assert.throws(() => createReplayBuffer({ kind: "ranked" } as never), /kind must be "uniform" or "prioritized", got ranked/);
});

test("a buffer without next states (nextStates false) samples the same rows as one with them, in half the memory", () => {
  const withNext = new UniformReplay({ ...SPEC, capacity: 64 });
  const without = new UniformReplay({ ...SPEC, capacity: 64, nextStates: false });
  assert.equal(withNext.spec.nextStates, true, "the default keeps next states");
  assert.ok(without.byteLength < withNext.byteLength * 0.6, `${without.byteLength} bytes against ${withNext.byteLength}`);
  for (let t = 0; t < 80; t++) assert.equal(addTransition(without, t), addTransition(withNext, t));
  const a = createReplayBatch(SPEC, 32), b = createReplayBatch(SPEC, 32);
  b.nextObs.fill(7);
  b.nextMask.fill(2);
  withNext.sample(32, new Rng(3), a);
  without.sample(32, new Rng(3), b);
  for (const key of ["obs", "actions", "rewards", "dones", "discounts", "indices", "weights"] as const) assert.deepEqual(b[key], a[key], key);
  assert.ok(b.nextObs.every((x) => x === 7) && b.nextMask.every((x) => x === 2), "the batch's next states are left as they were");
  // What is not stored is not read: a NaN next state is taken, a NaN state is not.
  const obs = new Float32Array(SPEC.obsSize), bad = new Float32Array(SPEC.obsSize).fill(NaN);
  without.add(obs, 0, 1, 0, bad, 0, false, 0, null, 0);
  assert.throws(() => without.add(bad, 0, 1, 0, obs, 0, false, 0, null, 0), /obs/);
  assert.throws(() => withNext.add(obs, 0, 1, 0, bad, 0, false, 0, null, 0), /nextObs/);
});

test("a buffer without next states keeps none in its state, takes a state with them (and drops them), and one with next states refuses a state without", () => {
  const withNext = new UniformReplay({ ...SPEC, capacity: 64 });
  const without = new UniformReplay({ ...SPEC, capacity: 64, nextStates: false });
  // 100 rows in 64 slots: the ring has wrapped.
  for (let t = 0; t < 100; t++) {
    addTransition(withNext, t);
    addTransition(without, t);
  }
  const s = without.getState();
  assert.equal(s.nextObs.length, 0);
  assert.equal(s.nextMaskWords.length, 0);
  assert.equal(s.obs.length, 64 * SPEC.obsSize);
  assert.equal(s.next, 100 - 64);
  const restored = new UniformReplay({ ...SPEC, capacity: 64, nextStates: false });
  restored.setState(withNext.getState());
  const fromOwn = new UniformReplay({ ...SPEC, capacity: 64, nextStates: false });
  fromOwn.setState(s);
  const a = createReplayBatch(SPEC, 16), b = createReplayBatch(SPEC, 16);
  restored.sample(16, new Rng(5), a);
  fromOwn.sample(16, new Rng(5), b);
  for (const key of ["obs", "actions", "rewards", "dones", "discounts", "indices"] as const) assert.deepEqual(a[key], b[key], key);
  assert.deepEqual({ ...restored.getState() }, { ...s }, "the state with next states, loaded, is the state without them");
  assert.throws(() => new UniformReplay({ ...SPEC, capacity: 64 }).setState(s), /keeps no next states/);
  assert.throws(() => new UniformReplay({ ...SPEC, nextStates: "no" as never }), /nextStates must be a boolean/);
});

test("prioritized replay without next states samples as it does with them; the memory report counts no next-state bytes", () => {
  const a = new PrioritizedReplay({ ...SPEC, capacity: 64 }, { alpha: 0.6, beta0: 0.4, epsilon: 1e-6 });
  const b = new PrioritizedReplay({ ...SPEC, capacity: 64, nextStates: false }, { alpha: 0.6, beta0: 0.4, epsilon: 1e-6 });
  for (let t = 0; t < 70; t++) {
    addTransition(a, t);
    addTransition(b, t);
  }
  const x = createReplayBatch(SPEC, 16), y = createReplayBatch(SPEC, 16);
  a.sample(16, new Rng(9), x, 0.5);
  b.sample(16, new Rng(9), y, 0.5);
  for (const key of ["obs", "actions", "rewards", "indices", "weights"] as const) assert.deepEqual(y[key], x[key], key);
  const full = replayMemoryReport(a), lean = replayMemoryReport(b);
  assert.ok(lean.rawBytes < full.rawBytes * 0.6 && Math.abs(lean.overhead - full.overhead) < 0.5, `overheads ${full.overhead} and ${lean.overhead}`);
  assert.ok(lean.overhead > -0.05, `a buffer without next states is not under its raw bytes: ${lean.overhead}`);
});
