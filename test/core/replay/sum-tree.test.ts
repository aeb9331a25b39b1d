import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { SumTree } from "../../../src/core/replay/sum-tree.js";

/** A capacity and a sequence of leaf writes (index taken mod capacity). */
const treeOps = fc
  .integer({ min: 1, max: 300 })
  .chain((capacity) =>
    fc.record({
      capacity: fc.constant(capacity),
      ops: fc.array(
        fc.tuple(fc.nat({ max: capacity - 1 }), fc.oneof(fc.constant(0), fc.double({ min: 0, max: 1e6, noNaN: true }))),
        { minLength: 1, maxLength: 400 },
      ),
      us: fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), { minLength: 1, maxLength: 50 }),
    }),
  );

function build(capacity: number, ops: [number, number][]) {
  const tree = new SumTree(capacity);
  const leaves = new Float64Array(capacity);
  const set = new Uint8Array(capacity);
  for (const [i, v] of ops) {
    tree.set(i, v);
    leaves[i] = v;
    set[i] = 1;
  }
  return { tree, leaves, set };
}

test("total and min agree with a direct computation over the leaves", () => {
  fc.assert(
    fc.property(treeOps, ({ capacity, ops }) => {
      const { tree, leaves, set } = build(capacity, ops);
      let sum = 0, min = Infinity;
      for (let i = 0; i < capacity; i++) {
        sum += leaves[i];
        if (set[i] && leaves[i] < min) min = leaves[i];
        assert.equal(tree.get(i), leaves[i]);
      }
      assert.ok(Math.abs(tree.total - sum) <= 1e-9 * Math.max(1, sum), `total ${tree.total} vs ${sum}`);
      assert.equal(tree.min, min);
    }),
    { seed: 101, numRuns: 300 },
  );
});

test("find(u) returns the nonzero leaf whose span of the cumulative sum holds u", () => {
  fc.assert(
    fc.property(treeOps, ({ capacity, ops, us }) => {
      const { tree, leaves } = build(capacity, ops);
      if (!(tree.total > 0)) return;
      const prefix = new Float64Array(capacity + 1);
      for (let i = 0; i < capacity; i++) prefix[i + 1] = prefix[i] + leaves[i];
      const tol = 1e-9 * tree.total;
      for (const f of [...us, 0, 1 - Number.EPSILON, 1]) {
        const u = f * tree.total; // f = 1 probes the rounding edge u == total
        const i = tree.find(u);
        assert.ok(i >= 0 && i < capacity, `index ${i}`);
        assert.ok(leaves[i] > 0, `find(${u}) returned zero leaf ${i}`);
        if (u < tree.total) assert.ok(prefix[i] - tol <= u && u < prefix[i + 1] + tol, `u ${u} outside [${prefix[i]}, ${prefix[i + 1]}) of leaf ${i}`);
      }
    }),
    { seed: 102, numRuns: 300 },
  );
});

test("load() of the leaves rebuilds exactly the tree that incremental sets produce", () => {
  fc.assert(
    fc.property(treeOps, fc.integer({ min: 0, max: 300 }), ({ capacity, ops, us }, k0) => {
      // As in prioritized replay: leaves [0, k) were all set (then updated at random), the rest never.
      const k = k0 % (capacity + 1);
      const tree = new SumTree(capacity);
      for (let i = 0; i < k; i++) tree.set(i, 1 + i);
      for (const [i, v] of ops) if (i < k) tree.set(i, v);
      const copy = new SumTree(capacity);
      copy.load(tree.leaves(k).slice());
      assert.equal(copy.total, tree.total);
      assert.equal(copy.min, tree.min);
      for (let i = 0; i < capacity; i++) assert.equal(copy.get(i), tree.get(i));
      if (tree.total > 0) for (const f of us) assert.equal(copy.find(f * tree.total), tree.find(f * tree.total));
      // Loading a tree from a view of its own leaves changes nothing.
      const total = tree.total;
      tree.load(tree.leaves(k));
      assert.equal(tree.total, total);
    }),
    { seed: 103, numRuns: 200 },
  );
});

test("each set() and find() walks log2 of the padded capacity levels", () => {
  for (const [capacity, levels] of [[1, 0], [2, 1], [3, 2], [1024, 10], [1025, 11], [100_000, 17]]) {
    const tree = new SumTree(capacity);
    tree.set(capacity - 1, 1);
    assert.equal(tree.steps, levels, `set, capacity ${capacity}`);
    assert.equal(tree.find(0.5), capacity - 1);
    assert.equal(tree.steps, 2 * levels, `find, capacity ${capacity}`);
  }
});

test("bad indices and values are refused", () => {
  const tree = new SumTree(4);
  assert.throws(() => tree.set(4, 1), /index 4 outside \[0, 4\)/);
  assert.throws(() => tree.set(-1, 1), /index -1/);
  assert.throws(() => tree.set(0, -1), /finite and >= 0, got -1/);
  assert.throws(() => tree.set(0, NaN), /got NaN/);
  assert.throws(() => tree.set(0, Infinity), /got Infinity/);
  assert.throws(() => tree.load(new Float64Array(5)), /5 values for 4 leaves/);
  assert.throws(() => new SumTree(0), /capacity/);
});
