/**
 * The state and action encoding of the offline DQN: one input row per (state, candidate streamer),
 *
 *   [ user features (the state) | action features (the streamer) | pair features (user x streamer) ]
 *
 * The state is the user's history up to the decision and the moment of it; the row of candidate a
 * is what the Q-network reads to value recommending a now (as in DRN, Zheng et al., WWW 2018: user,
 * item, user-item and context features into one Q-network). Everything is computed from the history
 * given and the training-period statistics of the model, the same code in training and in scoring.
 *
 * Leave-one-user-out: `own` is the user's interactions of the training period; they are taken out of
 * every streamer count and of the co-watch matrix before use (see streamer-stats.ts for why).
 *
 * Streamer indices are the model's (0 .. stats.streamers - 1); indices beyond are streamers the model
 * never saw (a log evaluated with a loaded model may have new ones): no statistics, but their pair
 * features from the history still count. Scratch arrays are sized once; encoding allocates nothing.
 */
import type { StreamerStats } from "./streamer-stats.js";

export const USER_FEATURES = [
  "log_history", "log_distinct", "repeat_share", "recent_repeat_share", "tod_sin", "tod_cos", "log_since_last", "has_history", "log_live",
] as const;
export const ACTION_FEATURES = ["log_count", "log_users", "log_recent_count"] as const;
export const PAIR_FEATURES = [
  "watched", "log_count", "count_share", "is_last", "recency_hour", "recency_day", "recency_week", "recency_rank",
  "cowatch_max", "cowatch_mean", "cowatch_last",
] as const;

export const FEATURE_NAMES: readonly string[] = [
  ...USER_FEATURES.map((f) => `user.${f}`),
  ...ACTION_FEATURES.map((f) => `action.${f}`),
  ...PAIR_FEATURES.map((f) => `pair.${f}`),
];
export const FEATURE_SIZE = FEATURE_NAMES.length;

const U = USER_FEATURES.length;
const F = ACTION_FEATURES.length;

/** Recent interactions whose repeat share is a user feature. */
const RECENT_INTERACTIONS = 10;

export class StateEncoder {
  readonly size = FEATURE_SIZE;
  /** Per-feature shift and scale applied after encoding: x' = (x - mean) * invStd. */
  readonly mean = new Float32Array(FEATURE_SIZE);
  readonly invStd = new Float32Array(FEATURE_SIZE).fill(1);

  private readonly stepsPerHour: number;
  // Per-streamer scratch, zero between calls.
  private slots = 0;
  private histCount = new Int32Array(0);
  private histLast = new Int32Array(0);
  private recencyRank = new Int32Array(0);
  private ownCount = new Int32Array(0);
  private ownRecent = new Int32Array(0);
  private readonly recent: Int32Array;
  private readonly user = new Float32Array(U);

  constructor(
    readonly stats: StreamerStats,
    /** K: the user's most recent distinct streamers that the co-watch features compare with. */
    readonly recentStreamers: number,
  ) {
    this.stepsPerHour = 60 / stats.meta.stepMinutes;
    this.recent = new Int32Array(recentStreamers);
    this.ensureSlots(stats.streamers);
  }

  /** Makes room for streamer indices below `slots` (model streamers plus unknown ones). */
  ensureSlots(slots: number): void {
    if (slots <= this.slots) return;
    this.slots = slots;
    this.histCount = new Int32Array(slots);
    this.histLast = new Int32Array(slots);
    this.recencyRank = new Int32Array(slots);
    this.ownCount = new Int32Array(slots);
    this.ownRecent = new Int32Array(slots);
  }

  /**
   * Writes one row per candidate into out, starting at row `outRow`.
   * @param history the user's streamers before the decision, oldest first, and their steps
   * @param own the user's training-period interactions (left out of the statistics), and their steps
   * @param step the moment of the decision
   * @param candidates the streamers to encode
   * @param liveCount how many streamers are live now (a state feature; the candidates may be fewer)
   */
  encode(
    history: Int32Array, historySteps: Int32Array,
    own: Int32Array, ownSteps: Int32Array,
    step: number, candidates: Int32Array, liveCount: number,
    out: Float32Array, outRow: number,
  ): void {
    const { stats } = this;
    const S = stats.streamers;
    const { count, users, recent: recentCount } = stats.arrays;
    const { histCount, histLast, recencyRank, ownCount, ownRecent } = this;
    const h = history.length;

    // The user's own training interactions, to leave out of the streamer statistics.
    const recentFrom = stats.meta.cutoff - stats.meta.recentSteps;
    for (let i = 0; i < own.length; i++) {
      const s = own[i];
      ownCount[s]++;
      if (ownSteps[i] >= recentFrom) ownRecent[s]++;
    }
    // Counts, last steps and repeats of the history.
    let repeats = 0, recentRepeats = 0, distinct = 0;
    for (let i = 0; i < h; i++) {
      const s = history[i];
      if (histCount[s]++ > 0) {
        repeats++;
        if (i >= h - RECENT_INTERACTIONS) recentRepeats++;
      } else {
        distinct++;
      }
      histLast[s] = historySteps[i];
    }
    // The K most recent distinct streamers, most recent first; recencyRank = position + 1.
    let k = 0;
    for (let i = h - 1; i >= 0 && k < this.recentStreamers; i--) {
      const s = history[i];
      if (recencyRank[s] !== 0) continue;
      this.recent[k++] = s;
      recencyRank[s] = k;
    }

    // The state: the same for every candidate.
    const user = this.user;
    const tod = (2 * Math.PI * ((step * stats.meta.stepMinutes + stats.meta.originMinutes) % 1440)) / 1440;
    user[0] = Math.log1p(h);
    user[1] = Math.log1p(distinct);
    user[2] = h > 0 ? repeats / h : 0;
    user[3] = h > 0 ? recentRepeats / Math.min(h, RECENT_INTERACTIONS) : 0;
    user[4] = Math.sin(tod);
    user[5] = Math.cos(tod);
    user[6] = h > 0 ? Math.log1p(Math.max(0, step - historySteps[h - 1]) / this.stepsPerHour) : 0;
    user[7] = h > 0 ? 1 : 0;
    user[8] = Math.log1p(liveCount);

    const last = h > 0 ? history[h - 1] : -1;
    const hourScale = this.stepsPerHour, dayScale = 24 * hourScale, weekScale = 7 * dayScale;
    const row0 = outRow * FEATURE_SIZE;
    for (let c = 0; c < candidates.length; c++) {
      const a = candidates[c];
      const o = row0 + c * FEATURE_SIZE;
      for (let j = 0; j < U; j++) out[o + j] = user[j];

      // The streamer, without this user's own viewing.
      const known = a < S;
      const cnt = known ? count[a] - ownCount[a] : 0;
      const usersOther = known ? users[a] - (ownCount[a] > 0 ? 1 : 0) : 0;
      const p = o + U;
      out[p] = Math.log1p(cnt);
      out[p + 1] = Math.log1p(usersOther);
      out[p + 2] = Math.log1p(known ? recentCount[a] - ownRecent[a] : 0);

      // The user and the streamer.
      const q = p + F;
      const n = histCount[a];
      const since = n > 0 ? Math.max(0, step - histLast[a]) : 0;
      out[q] = n > 0 ? 1 : 0;
      out[q + 1] = Math.log1p(n);
      out[q + 2] = h > 0 ? n / h : 0;
      out[q + 3] = a === last ? 1 : 0;
      out[q + 4] = n > 0 ? Math.exp(-since / hourScale) : 0;
      out[q + 5] = n > 0 ? Math.exp(-since / dayScale) : 0;
      out[q + 6] = n > 0 ? Math.exp(-since / weekScale) : 0;
      out[q + 7] = recencyRank[a] > 0 ? 1 / recencyRank[a] : 0;
      // Co-watch: cosine of the viewer sets of a and each recent streamer, without this user.
      let cwMax = 0, cwSum = 0, cwWeight = 0, cwLast = 0;
      if (known && usersOther > 0) {
        for (let r = 0; r < k; r++) {
          const b = this.recent[r];
          if (b === a || b >= S) continue;
          const both = stats.coWatch(a, b) - (ownCount[a] > 0 && ownCount[b] > 0 ? 1 : 0);
          const usersB = users[b] - (ownCount[b] > 0 ? 1 : 0);
          const cos = both > 0 && usersB > 0 ? both / Math.sqrt(usersOther * usersB) : 0;
          const w = 1 / (r + 1);
          if (cos > cwMax) cwMax = cos;
          cwSum += w * cos;
          cwWeight += w;
          if (b === last) cwLast = cos;
        }
      }
      out[q + 8] = cwMax;
      out[q + 9] = cwWeight > 0 ? cwSum / cwWeight : 0;
      out[q + 10] = cwLast;

      const mean = this.mean, inv = this.invStd;
      for (let j = 0; j < FEATURE_SIZE; j++) out[o + j] = (out[o + j] - mean[j]) * inv[j];
    }

    // Clear the scratch.
    for (let i = 0; i < h; i++) {
      const s = history[i];
      histCount[s] = 0;
      recencyRank[s] = 0;
    }
    for (let i = 0; i < own.length; i++) {
      const s = own[i];
      ownCount[s] = 0;
      ownRecent[s] = 0;
    }
  }

  /** Sets the normalisation from per-feature sums over `rows` encoded rows (features with no spread keep scale 1). */
  setNormalization(sum: Float64Array, sumSquares: Float64Array, rows: number): void {
    for (let j = 0; j < FEATURE_SIZE; j++) {
      const m = sum[j] / rows;
      const v = sumSquares[j] / rows - m * m;
      this.mean[j] = m;
      this.invStd[j] = v > 1e-8 ? 1 / Math.sqrt(v) : 1;
    }
  }
}
