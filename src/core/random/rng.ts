/**
 * A small, fast, seeded pseudo-random generator: xoshiro128** (Blackman and Vigna), seeded through
 * splitmix32. Every random choice in liveq takes one of these, so the same seed gives the same run.
 *
 * Written by hand rather than taken from a library because it sits on the hot paths (the simulator
 * draws millions of numbers a second) and its whole state must be saved in checkpoints and restored
 * bit for bit, which the common npm generators do not expose.
 */
export interface RngState {
  /** The four 32-bit words of xoshiro128** state. */
  readonly s: readonly [number, number, number, number];
  /** A cached second normal deviate from Box-Muller, or null. */
  readonly spareNormal: number | null;
}

const TWO_POW_32 = 4294967296;

function splitmix32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x9e3779b9) >>> 0;
    let z = a;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

export class Rng {
  private readonly s = new Uint32Array(4);
  private spare = 0;
  private hasSpare = false;

  /** @param seed any finite number; its integer part (mod 2^32) selects the stream. */
  constructor(seed: number) {
    if (!Number.isFinite(seed)) throw new RangeError(`Rng: seed must be a finite number, got ${seed}`);
    const next = splitmix32(Math.trunc(seed));
    for (let i = 0; i < 4; i++) this.s[i] = next();
    if ((this.s[0] | this.s[1] | this.s[2] | this.s[3]) === 0) this.s[0] = 1;
  }

  /** A new generator whose stream is derived from this one's seed material and `stream` (for sub-systems). */
  static derive(seed: number, stream: number): Rng {
    const mix = splitmix32((Math.trunc(seed) ^ Math.imul(stream + 1, 0x632be5ab)) >>> 0);
    return new Rng(mix());
  }

  /** Uniform 32-bit unsigned integer. */
  nextU32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** Uniform float in [0, 1) with 32 bits of randomness. */
  float(): number {
    return this.nextU32() / TWO_POW_32;
  }

  /** Uniform integer in [0, n). n must be a positive integer below 2^32. */
  int(n: number): number {
    return Math.floor((this.nextU32() / TWO_POW_32) * n);
  }

  /** Uniform float in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.float();
  }

  /** Standard normal deviate (Box-Muller, polar form). */
  normal(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spare;
    }
    let u: number, v: number, r: number;
    do {
      u = 2 * this.float() - 1;
      v = 2 * this.float() - 1;
      r = u * u + v * v;
    } while (r >= 1 || r === 0);
    const f = Math.sqrt((-2 * Math.log(r)) / r);
    this.spare = v * f;
    this.hasSpare = true;
    return u * f;
  }

  /** True with probability p. */
  bernoulli(p: number): boolean {
    return this.float() < p;
  }

  /** Exponential deviate with the given mean. */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.float());
  }

  /** Fisher-Yates shuffle in place. */
  shuffle<T extends { length: number; [i: number]: unknown }>(a: T): T {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }

  getState(): RngState {
    return { s: [this.s[0], this.s[1], this.s[2], this.s[3]], spareNormal: this.hasSpare ? this.spare : null };
  }

  setState(state: RngState): void {
    if (!state || !Array.isArray(state.s) || state.s.length !== 4 || state.s.some((w) => !Number.isInteger(w) || w < 0 || w > 0xffffffff)) {
      throw new RangeError("Rng.setState: state.s must be four unsigned 32-bit integers");
    }
    if ((state.s[0] | state.s[1] | state.s[2] | state.s[3]) === 0) throw new RangeError("Rng.setState: state.s must not be all zero");
    for (let i = 0; i < 4; i++) this.s[i] = state.s[i];
    this.hasSpare = state.spareNormal !== null && state.spareNormal !== undefined;
    this.spare = this.hasSpare ? (state.spareNormal as number) : 0;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
