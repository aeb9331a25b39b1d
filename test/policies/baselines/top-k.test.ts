import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { writeTopK } from "../../../src/policies/baselines/top-k.js";

/** The reference: sort by score (descending), ties by streamer index, pad with -1. */
function reference(live: number[], score: number[], K: number): number[] {
  const order = live.map((s, j) => ({ s, v: score[j] })).sort((a, b) => b.v - a.v || a.s - b.s).map((x) => x.s);
  return Array.from({ length: K }, (_, q) => order[q] ?? -1);
}

test("writeTopK picks the K best live streams, ties by lower index, padded with -1", () => {
  fc.assert(
    fc.property(
      fc.uniqueArray(fc.integer({ min: 0, max: 200 }), { minLength: 0, maxLength: 30 }),
      fc.integer({ min: 1, max: 8 }),
      fc.integer({ min: 0, max: 3 }),
      fc.integer({ min: 0, max: 1000 }),
      (live, K, row, salt) => {
        // few distinct score values, so ties are common
        const score = live.map((s) => ((s * 7919 + salt) % 5) / 2);
        const actions = new Int32Array((row + 1) * K).fill(99);
        writeTopK(live, score, live.length, K, actions, row);
        assert.deepEqual([...actions.subarray(row * K)], reference(live, score, K));
        for (let x = 0; x < row * K; x++) assert.equal(actions[x], 99, "rows before `row` are untouched");
      },
    ),
    { seed: 42, numRuns: 300 },
  );
});

test("writeTopK ranks NaN scores last", () => {
  const actions = new Int32Array(3);
  writeTopK([5, 6, 7], [NaN, 1, 2], 3, 3, actions, 0);
  assert.deepEqual([...actions], [7, 6, 5]);
  const one = new Int32Array(1);
  writeTopK([5, 6], [NaN, -1], 2, 1, one, 0);
  assert.equal(one[0], 6);
});
