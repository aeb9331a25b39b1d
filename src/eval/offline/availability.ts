/**
 * Which streamers are live at a step. With stop steps, a streamer is available at step t when some
 * interaction with it has start <= t < stop. Without them (the Twitch sample), when some interaction
 * with it starts in [t - W, t]: the same rule with stop = start + W + 1, so one sweep serves both.
 *
 * AvailabilitySweep walks forward in time: `advanceTo(t)` with non-decreasing t adds the intervals
 * that have begun and removes those that have ended, keeping a per-streamer count of open intervals
 * and a dense list of the streamers with a non-zero count. Evaluating N targets in step order costs
 * O(rows + N) updates instead of a scan of the log per target.
 */
import type { InteractionLog } from "../../data/interaction-log.js";
import { rowsByKey } from "./user-timelines.js";

export class AvailabilitySweep {
  private readonly byStart: Int32Array;
  private readonly byStop: Int32Array;
  private readonly stopOf: (row: number) => number;
  private readonly open: Int32Array;
  private readonly live: Int32Array;
  private readonly where: Int32Array;
  private liveCount = 0;
  private startPtr = 0;
  private stopPtr = 0;
  private now = -Infinity;

  /**
   * @param log the log whose interactions define availability
   * @param window W, used only when the log has no stop steps: an interaction keeps its streamer
   *   available for the W steps after its start step
   */
  constructor(
    private readonly log: InteractionLog,
    readonly window: number,
  ) {
    if (!Number.isInteger(window) || window < 0) throw new RangeError(`availability window must be a non-negative integer, got ${window}`);
    this.byStart = rowsByKey(log.start, log.n);
    if (log.stop) {
      const stop = log.stop;
      this.byStop = rowsByKey(stop, log.n);
      this.stopOf = (row) => stop[row];
    } else {
      this.byStop = this.byStart; // stop = start + W + 1 keeps the start order
      const start = log.start;
      this.stopOf = (row) => start[row] + window + 1;
    }
    const streamers = log.streamerIds.length;
    this.open = new Int32Array(streamers);
    this.live = new Int32Array(streamers);
    this.where = new Int32Array(streamers).fill(-1);
  }

  /** Rewinds to before the first step. */
  reset(): void {
    this.open.fill(0);
    this.where.fill(-1);
    this.liveCount = 0;
    this.startPtr = 0;
    this.stopPtr = 0;
    this.now = -Infinity;
  }

  /** Moves to step t (rewinding first when t is earlier than the current step). */
  advanceTo(t: number): void {
    if (t < this.now) this.reset();
    this.now = t;
    const { log, byStart, byStop } = this;
    while (this.startPtr < log.n && log.start[byStart[this.startPtr]] <= t) this.add(log.streamer[byStart[this.startPtr++]]);
    while (this.stopPtr < log.n && this.stopOf(byStop[this.stopPtr]) <= t) this.remove(log.streamer[byStop[this.stopPtr++]]);
  }

  /** The step the sweep stands at. */
  get step(): number {
    return this.now;
  }

  /** Number of streamers available now. */
  get count(): number {
    return this.liveCount;
  }

  /** The streamers available now, in no particular order (a view: valid until the next advance). */
  get streamers(): Int32Array {
    return this.live.subarray(0, this.liveCount);
  }

  isAvailable(streamer: number): boolean {
    return this.open[streamer] > 0;
  }

  /** Copies the available streamers, sorted ascending, into `out`; returns how many. */
  copySorted(out: Int32Array): number {
    const k = this.liveCount;
    out.set(this.live.subarray(0, k));
    out.subarray(0, k).sort();
    return k;
  }

  private add(s: number): void {
    if (this.open[s]++ === 0) {
      this.where[s] = this.liveCount;
      this.live[this.liveCount++] = s;
    }
  }

  private remove(s: number): void {
    if (--this.open[s] === 0) {
      const at = this.where[s];
      const last = this.live[--this.liveCount];
      this.live[at] = last;
      this.where[last] = at;
      this.where[s] = -1;
    }
  }
}

/** The streamers available at each step of a range, stored flat: step t's are streamers[offset[t - first] .. offset[t - first + 1]). */
export interface AvailabilityByStep {
  readonly first: number;
  readonly last: number;
  readonly offset: Int32Array;
  readonly streamers: Int32Array;
}

/**
 * Tabulates availability for every step in [first, last] (sorted ascending within a step), for
 * rankers that need it at random steps, e.g. to draw negatives among the streamers live at the time.
 */
export function availabilityByStep(sweep: AvailabilitySweep, first: number, last: number): AvailabilityByStep {
  const steps = Math.max(0, last - first + 1);
  const offset = new Int32Array(steps + 1);
  sweep.reset();
  for (let t = first; t <= last; t++) {
    sweep.advanceTo(t);
    offset[t - first + 1] = offset[t - first] + sweep.count;
  }
  const streamers = new Int32Array(offset[steps]);
  sweep.reset();
  for (let t = first; t <= last; t++) {
    sweep.advanceTo(t);
    sweep.copySorted(streamers.subarray(offset[t - first]));
  }
  return { first, last, offset, streamers };
}
