/**
 * The random policy: each user gets a slate of distinct live streams drawn uniformly. The floor any
 * recommender must clear.
 */
import { Rng } from "../../core/random/rng.js";
import type { Platform } from "../../sim/platform.js";
import type { SimPolicy } from "../../sim/policy.js";

export class RandomPolicy implements SimPolicy {
  readonly name = "random";
  private readonly rng: Rng;
  private scratch = new Int32Array(0);

  constructor(seed: number) {
    this.rng = Rng.derive(seed, 0x5eed);
  }

  act(platform: Platform, actions: Int32Array): void {
    const live = platform.liveStreams, L = live.length, K = platform.slateSize, n = platform.nDeciding;
    if (K === 1) {
      for (let i = 0; i < n; i++) actions[i] = live[this.rng.int(L)];
      return;
    }
    if (this.scratch.length < L) this.scratch = new Int32Array(platform.catalogueSize);
    const pool = this.scratch;
    pool.set(live);
    const k = Math.min(K, L);
    for (let i = 0; i < n; i++) {
      // A partial Fisher-Yates shuffle: the first k entries become a uniform sample.
      for (let j = 0; j < k; j++) {
        const r = j + this.rng.int(L - j);
        const t = pool[j];
        pool[j] = pool[r];
        pool[r] = t;
        actions[i * K + j] = pool[j];
      }
      for (let j = k; j < K; j++) actions[i * K + j] = -1;
    }
  }
}
