/**
 * A sum tree (a complete binary tree over the leaves, each inner node holding the sum of its
 * children) that also keeps the minimum of each subtree. Prioritized replay stores one priority per
 * leaf: find(u) picks leaf i with probability priority_i / total in O(log n), set() updates in
 * O(log n), and `min` gives the largest importance weight in O(1).
 *
 * Written by hand: it is a few dozen lines, it must live in one preallocated Float64Array (no node
 * objects), and its state must rebuild bit for bit from the leaves for checkpoints. Inner nodes are
 * always recomputed as left + right (never adjusted by a delta), so every node is a pure function
 * of the leaves: no drift over millions of updates, and load() reproduces the tree exactly.
 */
import { checkInteger } from "./validate.js";

export class SumTree {
  /** Leaves usable: indices [0, capacity). */
  readonly capacity: number;
  /** Index of leaf 0 in the node arrays: the smallest power of two >= capacity. */
  readonly leafBase: number;
  /** Node k's children are 2k and 2k+1; the root is node 1; leaf i is node leafBase + i. */
  private readonly sums: Float64Array;
  private readonly mins: Float64Array;
  /** Tree levels walked by set() and find() since construction (a cost counter for tests and benches). */
  steps = 0;

  constructor(capacity: number) {
    checkInteger("SumTree", "capacity", capacity, 1, 0x40000000);
    this.capacity = capacity;
    let base = 1;
    while (base < capacity) base *= 2;
    this.leafBase = base;
    this.sums = new Float64Array(2 * base);
    this.mins = new Float64Array(2 * base).fill(Infinity);
  }

  /** Sum of all leaves. */
  get total(): number {
    return this.sums[1];
  }

  /** Smallest leaf set so far (Infinity while none is). */
  get min(): number {
    return this.mins[1];
  }

  get byteLength(): number {
    return this.sums.byteLength + this.mins.byteLength;
  }

  /** The value of leaf i (0 for a leaf never set). */
  get(i: number): number {
    return this.sums[this.leafBase + i];
  }

  /** Sets leaf i (an integer in [0, capacity)) to value (finite, >= 0) in O(log n). */
  set(i: number, value: number): void {
    if (!(i >= 0 && i < this.capacity && Number.isInteger(i))) throw new RangeError(`SumTree.set: index ${i} outside [0, ${this.capacity})`);
    if (!(value >= 0 && value < Infinity)) throw new RangeError(`SumTree.set: value must be finite and >= 0, got ${value}`);
    const sums = this.sums, mins = this.mins;
    let node = this.leafBase + i;
    sums[node] = value;
    mins[node] = value;
    let steps = 0;
    while (node > 1) {
      node >>>= 1;
      const l = 2 * node;
      sums[node] = sums[l] + sums[l + 1];
      const ml = mins[l], mr = mins[l + 1];
      mins[node] = ml < mr ? ml : mr;
      steps++;
    }
    this.steps += steps;
  }

  /**
   * The leaf i whose span [prefix_i, prefix_i + leaf_i) of the cumulative sum contains u, for u in
   * [0, total). Never returns a zero leaf: rounding that would step past the last nonzero leaf
   * stays on it. Requires total > 0.
   */
  find(u: number): number {
    const sums = this.sums, base = this.leafBase;
    let node = 1;
    let steps = 0;
    while (node < base) {
      const l = 2 * node;
      const left = sums[l];
      // Go right only into a subtree with mass; then the walk always ends on a nonzero leaf.
      if (u < left || sums[l + 1] <= 0) {
        node = l;
      } else {
        u -= left;
        node = l + 1;
      }
      steps++;
    }
    this.steps += steps;
    return node - base;
  }

  /** Leaves [0, count) as a view of the live storage. */
  leaves(count: number): Float64Array {
    return this.sums.subarray(this.leafBase, this.leafBase + count);
  }

  /**
   * Replaces every leaf: leaves [0, values.length) from `values` (finite, >= 0), the rest unset,
   * then rebuilds the inner nodes in O(n). The result is identical to setting the leaves one by one.
   */
  load(values: Float64Array): void {
    // The values may be a view of this very tree (leaves() of a checkpoint taken from it).
    if (values.buffer === this.sums.buffer) values = values.slice();
    const count = values.length;
    if (count > this.capacity) throw new RangeError(`SumTree.load: ${count} values for ${this.capacity} leaves`);
    for (let i = 0; i < count; i++) {
      const v = values[i];
      if (!(v >= 0 && v < Infinity)) throw new RangeError(`SumTree.load: values[${i}] must be finite and >= 0, got ${v}`);
    }
    const sums = this.sums, mins = this.mins, base = this.leafBase;
    sums.fill(0);
    mins.fill(Infinity);
    sums.set(values, base);
    mins.set(values, base);
    for (let node = base - 1; node >= 1; node--) {
      const l = 2 * node;
      sums[node] = sums[l] + sums[l + 1];
      const ml = mins[l], mr = mins[l + 1];
      mins[node] = ml < mr ? ml : mr;
    }
  }
}
