/**
 * What the training period says about each streamer, the raw material of the action features and
 * of the co-watch pair features: how often and by how many users it was watched (in all and in the
 * last week), and which other streamers its viewers watch (a sparse co-watch matrix in CSR form).
 *
 * Two more were tried and dropped, both for leaking the answer into training states: the share of
 * time a streamer was live (the user's own later viewing makes a streamer live, so "live but watched
 * by nobody else" marked the streamers the user would watch) and a time-of-day profile (it counts
 * other viewers of the very stream the user watches at a training step, which the model learns to
 * rely on and cannot have at scoring time). On the validation window each made the model worse
 * epoch after epoch; without them validation NDCG@10 holds steady.
 *
 * These are computed once from the training period and stored with the model, so a model scores
 * the same targets the same way whether it was just trained or loaded from disk. The state encoder
 * removes the scored user's own interactions from every count (leave-one-user-out): otherwise, in
 * training, the streamer watched next would always carry the user's own viewing in its counts (the
 * answer leaking into the question), which is never so for a new streamer at test time.
 */
import type { TrainView } from "../../../eval/offline/offline-ranker.js";

/** Distinct streamers per user that enter the co-watch matrix (their most watched), bounding its size. */
const MAX_COWATCH_STREAMERS_PER_USER = 256;

export interface StreamerStatsArrays {
  /** Training interactions per streamer. */
  readonly count: Float32Array;
  /** Distinct users per streamer. */
  readonly users: Float32Array;
  /** Interactions in the last `recentSteps` steps of the training period. */
  readonly recent: Float32Array;
  /** Co-watch CSR: the streamers sharing a viewer with streamer a are coCol[coRow[a] .. coRow[a + 1]) (sorted)... */
  readonly coRow: Int32Array;
  readonly coCol: Int32Array;
  /** ...and coCount the number of users who watched both. */
  readonly coCount: Float32Array;
}

/** The scalar facts that go with the arrays. */
export interface StreamerStatsMeta {
  readonly streamers: number;
  /** First step that is not training data. */
  readonly cutoff: number;
  /** First step of the training data. */
  readonly firstStep: number;
  /** Length of "recent" in steps (one week). */
  readonly recentSteps: number;
  readonly stepMinutes: number;
  /** Minutes after midnight (UTC) at the start of step 0, when the log knows it; else 0. */
  readonly originMinutes: number;
}

export class StreamerStats {
  constructor(
    readonly meta: StreamerStatsMeta,
    readonly arrays: StreamerStatsArrays,
  ) {
    const S = meta.streamers;
    const a = arrays;
    const sized: [string, ArrayLike<number>, number][] = [
      ["count", a.count, S], ["users", a.users, S], ["recent", a.recent, S],
      ["coRow", a.coRow, S + 1], ["coCount", a.coCount, a.coCol.length],
    ];
    for (const [name, arr, n] of sized) {
      if (arr.length !== n) throw new RangeError(`streamer statistics: ${name} holds ${arr.length} values, expected ${n}`);
    }
    if (a.coRow[0] !== 0 || a.coRow[S] !== a.coCol.length) throw new RangeError("streamer statistics: the co-watch rows do not span the columns");
    for (let s = 0; s < S; s++) {
      if (a.coRow[s + 1] < a.coRow[s]) throw new RangeError(`streamer statistics: co-watch row ${s} ends before it starts`);
    }
    for (let i = 0; i < a.coCol.length; i++) {
      if (!(a.coCol[i] >= 0 && a.coCol[i] < S)) throw new RangeError(`streamer statistics: co-watch column ${i} is ${a.coCol[i]}, outside [0, ${S})`);
    }
  }

  get streamers(): number {
    return this.meta.streamers;
  }

  /** Steps of the training period. */
  get trainSteps(): number {
    return Math.max(1, this.meta.cutoff - this.meta.firstStep);
  }

  /** Number of users who watched both a and h in the training period (binary search in a's row). */
  coWatch(a: number, h: number): number {
    const { coRow, coCol, coCount } = this.arrays;
    let lo = coRow[a], hi = coRow[a + 1] - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const c = coCol[mid];
      if (c < h) lo = mid + 1;
      else if (c > h) hi = mid - 1;
      else return coCount[mid];
    }
    return 0;
  }

  /** Tallies the training period of a view, which starts at step `firstStep`. */
  static fromTrainView(train: TrainView, firstStep: number): StreamerStats {
    const { log, timelines, trainEnd } = train;
    const S = log.streamerIds.length;
    const cutoff = train.before;
    const recentSteps = Math.max(1, Math.round((7 * 1440) / log.stepMinutes));
    const originMinutes = log.stepOriginMs === undefined ? 0 : Math.floor(log.stepOriginMs / 60_000) % 1440;
    const meta: StreamerStatsMeta = { streamers: S, cutoff, firstStep, recentSteps, stepMinutes: log.stepMinutes, originMinutes };
    const count = new Float32Array(S), users = new Float32Array(S), recent = new Float32Array(S);
    const seen = new Int32Array(S).fill(-1);
    for (let u = 0; u < timelines.users; u++) {
      for (let k = timelines.offset[u]; k < trainEnd[u]; k++) {
        const s = timelines.streamer[k], t = timelines.step[k];
        count[s]++;
        if (t >= cutoff - recentSteps) recent[s]++;
        if (seen[s] !== u) {
          seen[s] = u;
          users[s]++;
        }
      }
    }
    const co = coWatchMatrix(train, S);
    return new StreamerStats(meta, { count, users, recent, ...co });
  }
}

/**
 * The co-watch matrix: for every pair of distinct streamers, the number of users who watched both.
 * Each user contributes every ordered pair of their distinct streamers (the most watched 256 at
 * most); the pairs are encoded as a*S + h in a Float64Array, sorted, and run-length counted into
 * CSR rows. Memory is O(sum over users of distinct^2), a few MB for the sample.
 */
function coWatchMatrix(train: TrainView, S: number): { coRow: Int32Array; coCol: Int32Array; coCount: Float32Array } {
  const { timelines, trainEnd } = train;
  const perUser: Int32Array[] = [];
  const counts = new Int32Array(S);
  let pairs = 0;
  for (let u = 0; u < timelines.users; u++) {
    const distinct: number[] = [];
    for (let k = timelines.offset[u]; k < trainEnd[u]; k++) {
      const s = timelines.streamer[k];
      if (counts[s]++ === 0) distinct.push(s);
    }
    // The most watched first (ties by index), so the cap keeps what matters for a heavy user.
    distinct.sort((a, b) => counts[b] - counts[a] || a - b);
    const kept = Int32Array.from(distinct.slice(0, MAX_COWATCH_STREAMERS_PER_USER));
    for (const s of distinct) counts[s] = 0;
    perUser.push(kept);
    pairs += kept.length * (kept.length - 1);
  }
  const keys = new Float64Array(pairs);
  let n = 0;
  for (const kept of perUser) {
    for (let i = 0; i < kept.length; i++) {
      for (let j = 0; j < kept.length; j++) if (i !== j) keys[n++] = kept[i] * S + kept[j];
    }
  }
  keys.sort();
  const coRow = new Int32Array(S + 1);
  const cols: number[] = [];
  const cnt: number[] = [];
  for (let i = 0; i < n; ) {
    let j = i;
    while (j < n && keys[j] === keys[i]) j++;
    const a = Math.floor(keys[i] / S);
    coRow[a + 1]++;
    cols.push(keys[i] - a * S);
    cnt.push(j - i);
    i = j;
  }
  for (let a = 0; a < S; a++) coRow[a + 1] += coRow[a];
  return { coRow, coCol: Int32Array.from(cols), coCount: Float32Array.from(cnt) };
}
