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
const TWO_POW_32 = 4294967296;

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

  /**
   * Takes the next BLOCK draws. The generator's steps (xoshiro128**, as Rng.nextU32 takes them) run
   * here on the four state words held in local variables, written back once a block: the same
   * numbers, where a loop of rng.float() calls loads and stores its state at every draw.
   */
  private refill(): void {
    const state = this.rng.getState(), values = this.values;
    let s0 = state.s[0] | 0, s1 = state.s[1] | 0, s2 = state.s[2] | 0, s3 = state.s[3] | 0;
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
    this.rng.setState({ s: [s0 >>> 0, s1 >>> 0, s2 >>> 0, s3 >>> 0], spareNormal: state.spareNormal });
    this.next = 0;
  }

  byteSize(): number {
    return this.values.byteLength;
  }
}
