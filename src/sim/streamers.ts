/**
 * The streamers of the simulated platform, stored as a structure of arrays: one typed array per
 * attribute, indexed by catalogue slot. A streamer's slot is its action index and never changes.
 *
 * Streamers who debut during the run (cold start) occupy slots reserved at construction, in order
 * of their debut, so the streamers active at any tick are always a prefix of the catalogue.
 *
 * A streamer has a category, a hidden quality and taste vector, and a schedule: either regular
 * (a set of weekdays and a usual start hour, each start jittered, some streams skipped) or
 * irregular (streams at random times). Each stream's length is drawn when it is planned.
 */
import type { Rng } from "../core/random/rng.js";
import type { SimConfig } from "./config.js";
import { meanOneLogNormal } from "./sampling.js";
import { DAYS_PER_WEEK, TICKS_PER_DAY, TICKS_PER_HOUR, TICK_MINUTES, dayOf } from "./time.js";

/** Shares of the categories: category c gets a share proportional to (c + 1)^-skew. */
export function categoryShares(categories: number, skew: number): Float64Array {
  const w = new Float64Array(categories);
  let sum = 0;
  for (let c = 0; c < categories; c++) sum += w[c] = Math.pow(c + 1, -skew);
  for (let c = 0; c < categories; c++) w[c] /= sum;
  return w;
}

/** Draws a category from cumulative shares. */
function drawCategory(cumulative: Float64Array, rng: Rng): number {
  const u = rng.float();
  let c = 0;
  while (c < cumulative.length - 1 && u >= cumulative[c]) c++;
  return c;
}

export class StreamerTable {
  /** Slots in the catalogue: the streamers at the start plus those who debut during the run. */
  readonly capacity: number;
  /** Streamers present at tick 0 (slots 0 .. initialCount-1). */
  readonly initialCount: number;
  readonly dims: number;

  // --- fixed attributes (hidden truth unless said otherwise) ---
  /** Category index (observable). */
  readonly category: Uint8Array;
  /** Quality, normal with mean 0 (hidden). */
  readonly quality: Float64Array;
  /** Taste vector, capacity x dims (hidden). */
  readonly taste: Float32Array;
  /** Monetisation pressure in [0, 1] (hidden): more gifts, less satisfied viewers. */
  readonly pressure: Float64Array;
  /** 1 for a streamer without a weekly schedule. */
  readonly irregular: Uint8Array;
  /** Weekdays of a regular schedule, bit d = weekday d. */
  readonly weekMask: Uint8Array;
  /** Streams per week. */
  readonly streamsPerWeek: Uint8Array;
  /** Usual start, in ticks after midnight. */
  readonly usualStart: Int32Array;
  /** Mean stream length in ticks. */
  readonly meanStreamTicks: Float64Array;
  /** Tick of the debut (0 for the streamers present at the start). Non-decreasing over slots. */
  readonly debutTick: Int32Array;
  /** Tick from which no new stream starts: the streamer has stopped for good. */
  readonly retireTick: Int32Array;

  // --- state ---
  /** 1 while live. */
  readonly live: Uint8Array;
  /** Tick the current stream started (valid while live). */
  readonly liveStart: Int32Array;
  /** Tick the current stream ends, exclusive (valid while live). */
  readonly liveEnd: Int32Array;
  /** Tick the next stream starts, or -1 when none is planned (not yet debuted, or retired). */
  readonly nextStart: Int32Array;
  /** Length in ticks of the planned next stream. */
  readonly nextLength: Int32Array;
  /** Users watching now (observable). */
  readonly viewers: Int32Array;
  /** Followers (observable). */
  readonly followers: Int32Array;
  /** Viewings so far and minutes watched in them (observable: the platform logs them). */
  readonly viewings: Int32Array;
  readonly minutesWatched: Float64Array;
  /** Gifts received so far (observable). */
  readonly gifts: Int32Array;
  /** Slots 0 .. active-1 have debuted. */
  active = 0;

  private readonly config: SimConfig;
  private readonly rng: Rng;

  /**
   * @param initRng draws the fixed attributes and debut times
   * @param scheduleRng draws every planned stream (start jitter, skips, lengths) during the run
   * @param horizonTicks ticks the run lasts (debuts are drawn within it)
   */
  constructor(config: SimConfig, initRng: Rng, scheduleRng: Rng, horizonTicks: number) {
    this.config = config;
    this.rng = scheduleRng;
    const n0 = config.streamers | 0; // int32, as the sizes in users.ts
    // Debut times of new streamers: a Poisson process over the run, drawn now so slots are fixed.
    const ratePerTick = (config.population.newStreamersPerDay * n0) / TICKS_PER_DAY;
    const debuts: number[] = [];
    if (ratePerTick > 0) {
      for (let t = initRng.exponential(1 / ratePerTick); t < horizonTicks; t += initRng.exponential(1 / ratePerTick)) {
        debuts.push(Math.max(1, Math.floor(t)));
      }
    }
    const cap = n0 + debuts.length;
    this.capacity = cap;
    this.initialCount = n0;
    const dims = (this.dims = config.latentDims | 0);
    this.category = new Uint8Array(cap);
    this.quality = new Float64Array(cap);
    this.taste = new Float32Array(cap * dims);
    this.pressure = new Float64Array(cap);
    this.irregular = new Uint8Array(cap);
    this.weekMask = new Uint8Array(cap);
    this.streamsPerWeek = new Uint8Array(cap);
    this.usualStart = new Int32Array(cap);
    this.meanStreamTicks = new Float64Array(cap);
    this.debutTick = new Int32Array(cap);
    this.retireTick = new Int32Array(cap);
    this.live = new Uint8Array(cap);
    this.liveStart = new Int32Array(cap);
    this.liveEnd = new Int32Array(cap);
    this.nextStart = new Int32Array(cap).fill(-1);
    this.nextLength = new Int32Array(cap);
    this.viewers = new Int32Array(cap);
    this.followers = new Int32Array(cap);
    this.viewings = new Int32Array(cap);
    this.minutesWatched = new Float64Array(cap);
    this.gifts = new Int32Array(cap);

    const s = config.streamer;
    const shares = categoryShares(config.categories, s.categorySkew);
    const cumulative = new Float64Array(shares.length);
    for (let c = 0, acc = 0; c < shares.length; c++) cumulative[c] = acc += shares[c];
    const lifetimeTicks = config.population.streamerLifetimeDays * TICKS_PER_DAY;
    for (let k = 0; k < cap; k++) {
      this.category[k] = drawCategory(cumulative, initRng);
      this.quality[k] = s.qualitySd * initRng.normal();
      for (let d = 0; d < dims; d++) this.taste[k * dims + d] = initRng.normal();
      const r = initRng.float();
      this.pressure[k] = r * r; // most streamers push little, a few push hard (mean 1/3)
      this.irregular[k] = initRng.bernoulli(s.irregularShare) ? 1 : 0;
      const spw = s.streamsPerWeekMin + initRng.int(s.streamsPerWeekMax - s.streamsPerWeekMin + 1);
      this.streamsPerWeek[k] = spw;
      this.weekMask[k] = randomWeekdays(spw, initRng);
      const hour = s.startHourMean + s.startHourSd * initRng.normal();
      this.usualStart[k] = mod(Math.round(hour * TICKS_PER_HOUR), TICKS_PER_DAY);
      this.meanStreamTicks[k] = s.streamHoursMean * TICKS_PER_HOUR * meanOneLogNormal(s.streamHoursSpread, initRng);
      this.debutTick[k] = k < n0 ? 0 : debuts[k - n0];
      const life = Math.floor(initRng.exponential(lifetimeTicks));
      this.retireTick[k] = Math.min(2 ** 31 - 1, this.debutTick[k] + Math.max(1, life));
    }
  }

  /** Is slot k a streamer who debuted during the run (cold start)? */
  isNew(k: number): boolean {
    return k >= this.initialCount;
  }

  /** Plans streamer k's next stream to start after tick `after`, or marks it retired. */
  planNext(k: number, after: number): void {
    const start = this.irregular[k] ? this.nextIrregularStart(k, after) : this.nextRegularStart(k, after);
    if (start >= this.retireTick[k]) {
      this.nextStart[k] = -1;
      return;
    }
    this.nextStart[k] = start;
    const hours = (this.meanStreamTicks[k] / TICKS_PER_HOUR) * meanOneLogNormal(this.config.streamer.streamHoursSpread, this.rng);
    this.nextLength[k] = Math.max(2, Math.round(hours * TICKS_PER_HOUR));
  }

  private nextRegularStart(k: number, after: number): number {
    const s = this.config.streamer;
    const jitterTicks = s.startJitterMinutes / TICK_MINUTES;
    const mask = this.weekMask[k];
    for (let day = dayOf(after); ; day++) {
      if (((mask >> (day % DAYS_PER_WEEK)) & 1) === 0) continue;
      const skip = this.rng.bernoulli(s.skipProbability);
      const start = day * TICKS_PER_DAY + this.usualStart[k] + Math.round(jitterTicks * this.rng.normal());
      if (start > after && !skip) return start;
      if (day > dayOf(after) + 8 * DAYS_PER_WEEK) return after + 1 + this.rng.int(TICKS_PER_DAY); // every draw skipped: a rare, odd week
    }
  }

  private nextIrregularStart(k: number, after: number): number {
    const s = this.config.streamer;
    // Exponential gaps with the same weekly rate; the start hour is drawn around the usual one.
    const gapDays = this.rng.exponential(DAYS_PER_WEEK / this.streamsPerWeek[k]);
    const day = dayOf(after + Math.floor(gapDays * TICKS_PER_DAY));
    const hour = this.usualStart[k] / TICKS_PER_HOUR + s.startHourSd * 0.5 * this.rng.normal();
    let start = day * TICKS_PER_DAY + Math.round(hour * TICKS_PER_HOUR);
    while (start <= after) start += TICKS_PER_DAY;
    return start;
  }

  /** Bytes held by the typed arrays. */
  byteSize(): number {
    let b = 0;
    for (const v of Object.values(this)) if (ArrayBuffer.isView(v)) b += v.byteLength;
    return b;
  }
}

function randomWeekdays(count: number, rng: Rng): number {
  const days = rng.shuffle([0, 1, 2, 3, 4, 5, 6]);
  let mask = 0;
  for (let i = 0; i < count; i++) mask |= 1 << days[i];
  return mask;
}

function mod(a: number, n: number): number {
  return ((a % n) + n) % n;
}
