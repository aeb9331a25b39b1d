/**
 * The uniform draws of one random stream, taken ahead in blocks.
 *
 * The simulator's per-concern streams (choices, watches, sessions, returns, notifications) are
 * only ever read as uniform floats, in order. Taking them from a buffer refilled by a tight loop
 * gives exactly the numbers rng.float() would give, in the same order, while each read in the hot
 * path is a load and a compare instead of the generator's inlined body: that matters in V8, which
 * inlines a bounded amount of code into an optimised function, and a few inlined generators would
 * use most of it. The Rng itself runs ahead of what has been read; nothing else reads it.
 */
import type { Rng } from "../core/random/rng.js";

/** Anything that gives uniform floats in [0, 1): an Rng or a UniformBuffer. */
export interface UniformSource {
  float(): number;
}

const BLOCK = 256;

export class UniformBuffer implements UniformSource {
  private readonly values = new Float64Array(BLOCK);
  private next = BLOCK;

  /** @param rng the stream; it must not be read elsewhere once buffered. */
  constructor(private readonly rng: Rng) {}

  /** The next uniform draw in [0, 1): the same number rng.float() would have returned. */
  float(): number {
    if (this.next === BLOCK) this.refill();
    return this.values[this.next++];
  }

  /** An exponential deviate with the given mean, computed as Rng.exponential computes it. */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.float());
  }

  private refill(): void {
    for (let k = 0; k < BLOCK; k++) this.values[k] = this.rng.float();
    this.next = 0;
  }

  byteSize(): number {
    return this.values.byteLength;
  }
}
