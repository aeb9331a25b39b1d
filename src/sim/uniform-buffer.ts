/**
 * The uniform draws of one random stream, taken ahead in blocks.
 *
 * The simulator's per-concern streams (choices, watches, sessions, returns, notifications) are
 * only ever read as uniform floats, in order. Taking them from a buffer refilled by a tight loop
 * gives exactly the numbers rng.float() would give, in the same order, while each read in the hot
 * path is a load and a compare instead of the generator's inlined body: that matters in V8, which
 * inlines a bounded amount of code into an optimised function, and a few inlined generators would
 * use most of it. The buffer takes the stream over: it copies the generator's state once and runs
 * the generator's steps itself, so the Rng given to it must not be used again.
 */
import type { Rng } from "../core/random/rng.js";

/** Anything that gives uniform floats in [0, 1): an Rng or a UniformBuffer. */
export interface UniformSource {
  float(): number;
}

const BLOCK = 256;
const TWO_POW_32 = 4294967296;

export class UniformBuffer implements UniformSource {
  private readonly values = new Float64Array(BLOCK);
  private next = BLOCK;
  /** The generator's four state words (xoshiro128**), as int32. */
  private readonly state = new Int32Array(4);

  /** @param rng the stream; the buffer takes it over (it must not be read elsewhere). */
  constructor(rng: Rng) {
    const { s } = rng.getState();
    for (let k = 0; k < 4; k++) this.state[k] = s[k] | 0;
  }

  /** The next uniform draw in [0, 1): the same number rng.float() would have returned. */
  float(): number {
    if (this.next === BLOCK) this.refill();
    return this.values[this.next++];
  }

  /** An exponential deviate with the given mean, computed as Rng.exponential computes it. */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.float());
  }

  /**
   * Takes the next BLOCK draws. The generator's steps (xoshiro128**, as Rng.nextU32 takes them) run
   * here on the four state words held in local variables, stored back once a block: the same
   * numbers, where a loop of rng.float() calls loads and stores its state at every draw.
   */
  private refill(): void {
    const state = this.state, values = this.values;
    let s0 = state[0], s1 = state[1], s2 = state[2], s3 = state[3];
    for (let k = 0; k < BLOCK; k++) {
      const m = Math.imul(s1, 5);
      const result = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
      const t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
      values[k] = result / TWO_POW_32;
    }
    state[0] = s0;
    state[1] = s1;
    state[2] = s2;
    state[3] = s3;
    this.next = 0;
  }

  byteSize(): number {
    return this.values.byteLength + this.state.byteLength;
  }
}
