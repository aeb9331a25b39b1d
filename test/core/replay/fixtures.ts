/**
 * Test fixtures: transitions whose every field is a function of an integer id t, so a sampled row
 * can be checked against what was stored for the id it carries in obs[0].
 */
import assert from "node:assert/strict";
import type { ReplayBatch, ReplayBuffer, ReplaySpec } from "../../../src/core/replay/types.js";

/** 37 actions: masks span two 32-bit words. */
export const SPEC: ReplaySpec = { capacity: 50, obsSize: 3, numActions: 37, maskSize: 37 };

export const fixture = {
  obs: (t: number, j: number) => t + j / 4,
  nextObs: (t: number, j: number) => -(t + j / 4) - 1,
  action: (t: number, numActions: number) => t % numActions,
  reward: (t: number) => t * 0.5 - 3,
  done: (t: number) => t % 5 === 4,
  discount: (t: number) => [1, 0.9, 0.81][t % 3],
  /** Valid unless (t + a) % 3 === 0: at least one valid action for any t when numActions >= 2. */
  valid: (t: number, a: number) => (t + a) % 3 !== 0,
};

/** Where add() reads from inside the scratch arrays (nonzero, to exercise offsets). */
const PAD = 5;

/** Adds transition t through add(), reading from offsets inside larger arrays. */
export function addTransition(buf: ReplayBuffer, t: number): number {
  const { obsSize, numActions, maskSize } = buf.spec;
  const obs = new Float32Array(PAD + obsSize + 2);
  const next = new Float32Array(PAD * 2 + obsSize);
  for (let j = 0; j < obsSize; j++) {
    obs[PAD + j] = fixture.obs(t, j);
    next[2 * PAD + j] = fixture.nextObs(t, j);
  }
  let mask: Uint8Array | null = null;
  if (maskSize > 0) {
    mask = new Uint8Array(PAD + maskSize);
    for (let a = 0; a < maskSize; a++) mask[PAD + a] = fixture.valid(t, a) ? 1 : 0;
  }
  return buf.add(obs, PAD, fixture.action(t, numActions), fixture.reward(t), next, 2 * PAD, fixture.done(t), fixture.discount(t), mask, PAD);
}

/** Rows t0 .. t0+count-1 as TransitionRows (a ReplayBatch-shaped object). */
export function fixtureRows(spec: ReplaySpec, t0: number, count: number) {
  const { obsSize, numActions, maskSize } = spec;
  const rows = {
    obs: new Float32Array(count * obsSize),
    nextObs: new Float32Array(count * obsSize),
    actions: new Int32Array(count),
    rewards: new Float32Array(count),
    dones: new Uint8Array(count),
    discounts: new Float32Array(count),
    nextMask: maskSize > 0 ? new Uint8Array(count * maskSize) : null,
  };
  for (let i = 0; i < count; i++) {
    const t = t0 + i;
    for (let j = 0; j < obsSize; j++) {
      rows.obs[i * obsSize + j] = fixture.obs(t, j);
      rows.nextObs[i * obsSize + j] = fixture.nextObs(t, j);
    }
    rows.actions[i] = fixture.action(t, numActions);
    rows.rewards[i] = fixture.reward(t);
    rows.dones[i] = fixture.done(t) ? 1 : 0;
    rows.discounts[i] = fixture.discount(t);
    for (let a = 0; a < maskSize; a++) rows.nextMask![i * maskSize + a] = fixture.valid(t, a) ? 1 : 0;
  }
  return rows;
}

/** Asserts row b of a batch is exactly fixture transition t (the id in obs[0]); returns t. */
export function checkBatchRow(spec: ReplaySpec, batch: ReplayBatch, b: number): number {
  const { obsSize, numActions, maskSize } = spec;
  const t = batch.obs[b * obsSize];
  assert.ok(Number.isInteger(t) && t >= 0, `row ${b}: obs[0] ${t} is not a fixture id`);
  for (let j = 0; j < obsSize; j++) {
    assert.equal(batch.obs[b * obsSize + j], Math.fround(fixture.obs(t, j)), `row ${b} obs[${j}]`);
    assert.equal(batch.nextObs[b * obsSize + j], Math.fround(fixture.nextObs(t, j)), `row ${b} nextObs[${j}]`);
  }
  assert.equal(batch.actions[b], fixture.action(t, numActions), `row ${b} action`);
  assert.equal(batch.rewards[b], Math.fround(fixture.reward(t)), `row ${b} reward`);
  assert.equal(batch.dones[b], fixture.done(t) ? 1 : 0, `row ${b} done`);
  assert.equal(batch.discounts[b], Math.fround(fixture.discount(t)), `row ${b} discount`);
  for (let a = 0; a < maskSize; a++) assert.equal(batch.nextMask[b * maskSize + a], fixture.valid(t, a) ? 1 : 0, `row ${b} mask[${a}]`);
  return t;
}

/** A plain copy of the first `size` rows of a batch, for deep comparisons. */
export function batchSnapshot(batch: ReplayBatch) {
  const n = batch.size;
  return {
    size: n,
    obs: Array.from(batch.obs.subarray(0, n * batch.obsSize)),
    nextObs: Array.from(batch.nextObs.subarray(0, n * batch.obsSize)),
    actions: Array.from(batch.actions.subarray(0, n)),
    rewards: Array.from(batch.rewards.subarray(0, n)),
    dones: Array.from(batch.dones.subarray(0, n)),
    discounts: Array.from(batch.discounts.subarray(0, n)),
    nextMask: Array.from(batch.nextMask.subarray(0, n * batch.maskSize)),
    weights: Array.from(batch.weights.subarray(0, n)),
    indices: Array.from(batch.indices.subarray(0, n)),
  };
}
