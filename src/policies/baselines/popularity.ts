/**
 * POP: historical popularity. Every user is shown the live streams that have been watched most so
 * far on this platform (viewings counted from each step's results, plus those of a training log of
 * the same world when one is given), the same ranking for everyone.
 *
 * Unlike most-viewed-now, which ranks by the viewers at this moment, POP remembers: a streamer who
 * drew many viewings yesterday ranks high as soon as they go live today. An optional half-life
 * makes the memory recency-weighted (a viewing's weight halves every `halfLifeDays`); the default,
 * Infinity, counts every viewing alike.
 */
import type { Platform, StepResult } from "../../sim/platform.js";
import type { SimPolicy } from "../../sim/policy.js";
import { TICKS_PER_DAY } from "../../sim/time.js";
import { checkInteractions, type Interactions } from "./interactions.js";
import { writeTopK } from "./top-k.js";

export interface PopularityOptions {
  /** Days after which a viewing counts half (default Infinity: no decay; 0 also means no decay). */
  readonly halfLifeDays?: number;
  /** Viewings of the same world to start from (counted as if at tick 0). */
  readonly trainingLog?: Interactions;
}

/**
 * Viewings per streamer, optionally recency-weighted. Weights are kept inflated (a viewing at tick
 * t adds 2^((t - t0) / halfLife)) so that decay costs nothing per tick; the counts are rescaled
 * when the inflation grows large. Only the ranking matters, and a common factor does not change it.
 */
export class ViewingCounts {
  /** counts[s]: the (scaled) weighted viewings of streamer s. */
  counts: Float64Array = new Float64Array(0);
  private readonly ticksPerHalving: number;
  private t0 = 0;

  /** @param halfLifeDays days after which a viewing counts half; 0 or Infinity: every viewing alike. */
  constructor(halfLifeDays = Infinity) {
    if (!(halfLifeDays >= 0)) throw new RangeError(`POP: halfLifeDays must be a number >= 0 (0 or Infinity: no decay), got ${halfLifeDays}`);
    this.ticksPerHalving = halfLifeDays === 0 ? Infinity : halfLifeDays * TICKS_PER_DAY;
  }

  /** Starts over for a catalogue of `catalogueSize` streamers. */
  reset(catalogueSize: number): void {
    if (this.counts.length !== catalogueSize) this.counts = new Float64Array(catalogueSize);
    else this.counts.fill(0);
    this.t0 = 0;
  }

  /** Adds one viewing of streamer s at tick t (ticks must not go back by more than the rescaling). */
  add(s: number, t: number): void {
    this.counts[s] += this.weight(t);
  }

  /** Counts the viewings of a step's results. */
  addStep(result: StepResult): void {
    const w = this.weight(result.tick);
    const chosen = result.chosen;
    for (let i = 0; i < result.n; i++) if (chosen[i] >= 0) this.counts[chosen[i]] += w;
  }

  private weight(t: number): number {
    if (this.ticksPerHalving === Infinity) return 1;
    let w = 2 ** ((t - this.t0) / this.ticksPerHalving);
    if (w > 1e100) {
      const c = this.counts;
      for (let s = 0; s < c.length; s++) c[s] /= w;
      this.t0 = t;
      w = 1;
    }
    return w;
  }
}

export class PopularityPolicy implements SimPolicy {
  readonly name: string = "pop";
  readonly popularity: ViewingCounts;
  private readonly trainingLog: Interactions | null;
  private platform: Platform | null = null;
  private score = new Float64Array(0);

  constructor(options: PopularityOptions = {}) {
    this.popularity = new ViewingCounts(options.halfLifeDays ?? Infinity);
    this.trainingLog = options.trainingLog ?? null;
  }

  act(platform: Platform, actions: Int32Array): void {
    this.attach(platform);
    const live = platform.liveStreams, L = live.length, K = platform.slateSize, n = platform.nDeciding;
    const counts = this.popularity.counts, score = this.score;
    for (let j = 0; j < L; j++) score[j] = counts[live[j]];
    writeTopK(live, score, L, K, actions, 0);
    for (let i = 1; i < n; i++) actions.copyWithin(i * K, 0, K);
  }

  learn(result: StepResult, platform: Platform): void {
    this.attach(platform);
    this.popularity.addStep(result);
  }

  /** Starts counting afresh when handed a platform it has not seen (a new run). */
  private attach(platform: Platform): void {
    if (platform === this.platform) return;
    this.platform = platform;
    this.popularity.reset(platform.catalogueSize);
    if (this.score.length < platform.catalogueSize) this.score = new Float64Array(platform.catalogueSize);
    const log = this.trainingLog;
    if (log !== null) {
      checkInteractions(log, platform.userCapacity, platform.catalogueSize, this.name);
      for (let r = 0; r < log.n; r++) this.popularity.add(log.streamer[r], 0);
    }
  }
}
