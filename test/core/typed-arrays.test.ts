/** Growing a typed array keeps its kind and contents. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { grownTo } from "../../src/core/typed-arrays.js";

test("grownTo copies into a longer array of the same kind, zeros after, and refuses to shrink", () => {
  const a = Float64Array.from([1.5, -2, 3]);
  const b = grownTo(a, 5);
  assert.ok(b instanceof Float64Array);
  assert.deepEqual(Array.from(b), [1.5, -2, 3, 0, 0]);
  assert.notEqual(b.buffer, a.buffer);
  const c = grownTo(Uint8Array.from([7]), 1);
  assert.ok(c instanceof Uint8Array);
  assert.deepEqual(Array.from(c), [7]);
  assert.throws(() => grownTo(new Int32Array(4), 3), /cannot grow to 3/);
});
