import { test } from "node:test";
import assert from "node:assert/strict";
import { meanCi, tQuantile975 } from "../../src/eval/statistics.js";

test("mean and 95% interval with Student's t", () => {
  const r = meanCi([1, 2, 3, 4, 5]);
  assert.equal(r.mean, 3);
  // s = sqrt(2.5), t(4) = 2.776: 2.776 * sqrt(2.5 / 5)
  assert.ok(Math.abs(r.ci95 - 2.776 * Math.sqrt(0.5)) < 1e-12);
  assert.deepEqual(meanCi([7]), { mean: 7, ci95: 0 });
  assert.equal(tQuantile975(1), 12.706);
  assert.equal(tQuantile975(100), 1.96);
  assert.throws(() => meanCi([]), /no values/);
});
