import { test } from "node:test";
import assert from "node:assert/strict";
import { WeightAverage } from "../../../src/core/dqn/weight-average.js";
import { CheckpointError } from "../../../src/core/checkpoint/bundle.js";
import type { QFunction } from "../../../src/core/qfunction/types.js";

/** Just enough of a Q-function for the average: its parameters, read and written. */
function fakeQ(values: number[]): QFunction & { params: Float32Array } {
  const q = {
    params: Float32Array.from(values),
    exportParams: () => q.params.slice(),
    importParams: (p: Float32Array) => q.params.set(p),
  };
  return q as unknown as QFunction & { params: Float32Array };
}

test("WeightAverage: the mean of the snapshots added, put into every Q-function given", () => {
  const avg = new WeightAverage(3);
  assert.throws(() => avg.mean(), /no snapshot/);
  avg.reset(5);
  avg.add(fakeQ([1, 2, 3]));
  avg.add(fakeQ([3, 2, 0.1]));
  avg.add(fakeQ([2, -4, 0.2]));
  assert.equal(avg.count, 3);
  assert.equal(avg.from, 5);
  assert.deepEqual(avg.mean(), Float32Array.from([2, 0, (Math.fround(0.1) + Math.fround(0.2) + 3) / 3]));
  const a = fakeQ([9, 9, 9]), b = fakeQ([7, 7, 7]);
  avg.applyTo(a, b);
  assert.deepEqual(a.params, avg.mean());
  assert.deepEqual(b.params, avg.mean());
  assert.throws(() => avg.add(fakeQ([1, 2])), /2 parameters, the average 3/);
  avg.reset(7);
  assert.equal(avg.count, 0);
  assert.deepEqual([...avg.sum], [0, 0, 0]);
  assert.throws(() => new WeightAverage(0), /paramCount/);
});

test("WeightAverage: a checkpoint round trip gives the same average; bad stored ones are refused by name", () => {
  const avg = new WeightAverage(2);
  avg.reset(3);
  avg.add(fakeQ([1, 2]));
  avg.add(fakeQ([0.5, -1]));
  const { arrays, meta } = avg.toBundle();
  const bundle = { kind: "test", version: 1, meta: {}, arrays };
  const back = WeightAverage.fromBundle(bundle, meta, 2);
  assert.deepEqual(back.sum, avg.sum);
  assert.equal(back.count, 2);
  assert.equal(back.from, 3);
  assert.deepEqual(back.mean(), avg.mean());
  const refused = (b: typeof bundle, m: unknown, pattern: RegExp, n = 2) => assert.throws(() => WeightAverage.fromBundle(b, m, n), (e: Error) => e instanceof CheckpointError && pattern.test(e.message));
  refused(bundle, undefined, /meta for "average" is missing/);
  refused(bundle, { ...meta, count: -1 }, /average\.count/);
  refused(bundle, { ...meta, from: 1.5 }, /average\.from/);
  refused(bundle, meta, /has length 2, expected 3/, 3);
  refused({ ...bundle, arrays: {} }, meta, /"average\.sum" is missing/);
  refused({ ...bundle, arrays: { "average.sum": Float64Array.from([1, Number.NaN]) } }, meta, /average\.sum\[1\] = NaN/);
  refused(bundle, { ...meta, count: 0 }, /count is 0 but average\.sum\[0\]/);
});
