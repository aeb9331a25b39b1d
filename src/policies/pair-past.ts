/**
 * What the platform remembers of each user and streamer pair from the weeks before this one: how
 * often the streamer was recommended to the user, the reward those recommendations earned, and how
 * often the user watched the streamer. A user's fixed like or dislike of one streamer (and the match
 * of their hidden tastes) lasts from week to week; within a week the pair features see only this
 * week's viewings, and the embeddings learn a low-rank summary of every pair. This is the pair's
 * own record: observable facts (recommendations made, feedback, viewings), never the hidden truth.
 *
 * Every stream of a slate shown is a recommendation of its pair, and the one watched earns the
 * decision's reward (with slates of one: the recommendation, and its reward or 0 if declined).
 *
 * Causal as UserPast: a training run's decisions are noted as it goes (beforeStep, afterStep) and
 * join the past only when it ends (record), with the run's viewings; evaluation weeks read it as
 * training left it.
 *
 * Features (PAIR_PAST_FEATURES = 3), for the pair (u, s):
 *   [ log1p(recommendations) / 3 | reward per recommendation, shrunk: sum / (recs + 1) / 10 |
 *     log1p(viewings) / 3 ]
 * all 0 for a pair with no past.
 *
 * The features are kept ready in `table` (a PairTable, refreshed when a run is recorded), which the
 * DQN's feature head reads for every candidate of a decision (its pair term).
 *
 * Dense users x streamers arrays (24 bytes a pair with the table: 14 MB on the demo's platform,
 * 58 MB at double): read for every live stream of every decision, so a lookup must be an index,
 * and the platforms here are small. A catalogue of thousands for a million users would want a
 * sparse map per user.
 */
import type { Platform, StepResult } from "../sim/platform.js";
import { PairTable } from "../core/qfunction/pair-table.js";
import { CheckpointError, requireArray, requireNonNegative, requireWholeNumbers, type CheckpointBundle, type StoredArray } from "../core/checkpoint/bundle.js";

export const PAIR_PAST_FEATURES = 3;

export class PairPast {
  readonly users: number;
  readonly streamers: number;
  /** users x streamers, for the weeks recorded. */
  readonly recs: Float32Array;
  readonly reward: Float32Array;
  readonly views: Float32Array;
  /**
   * The features of every pair (PAIR_PAST_FEATURES each), as of the last run recorded: rewritten
   * from recs, reward and views by record() and fromBundle() only, so those counts change through
   * them alone (write() and the DQN's pair term read the table).
   */
  readonly table: PairTable;
  /** The slates of the tick in flight (beforeStep), waiting for their rewards (afterStep). */
  private pendingUsers = new Int32Array(0);
  private pendingStreamers = new Int32Array(0);
  private pendingN = 0;
  private pendingK = 1;
  /** The run in progress: its recommendations as (pair index, reward), joining the past at record. */
  private runPairs = new Int32Array(1024);
  private runRewards = new Float32Array(1024);
  private runN = 0;
  weeks = 0;

  constructor(users: number, streamers: number) {
    if (!Number.isInteger(users) || users < 0) throw new RangeError(`PairPast: users must be an integer >= 0, got ${users}`);
    if (!Number.isInteger(streamers) || streamers < 1) throw new RangeError(`PairPast: streamers must be an integer >= 1, got ${streamers}`);
    this.users = users;
    this.streamers = streamers;
    const n = users * streamers;
    this.recs = new Float32Array(n);
    this.reward = new Float32Array(n);
    this.views = new Float32Array(n);
    this.table = new PairTable(users, streamers, PAIR_PAST_FEATURES);
  }

  /** Forgets the decisions of a run that did not finish (call as a run starts). */
  startRun(): void {
    this.runN = 0;
    this.pendingN = 0;
  }

  /** Notes the slates of a tick before the step (every stream shown is a recommendation of its pair). */
  beforeStep(platform: Platform, actions: Int32Array): void {
    const n = platform.nDeciding, K = platform.slateSize;
    if (this.pendingUsers.length < n) this.pendingUsers = new Int32Array(Math.max(n, 64) * 2);
    if (this.pendingStreamers.length < n * K) this.pendingStreamers = new Int32Array(Math.max(n, 64) * 2 * K);
    for (let i = 0; i < n; i++) this.pendingUsers[i] = platform.deciding[i];
    this.pendingStreamers.set(actions.subarray(0, n * K));
    this.pendingN = n;
    this.pendingK = K;
  }

  /** The step's rewards: the stream watched earns the decision's reward, the others shown 0. */
  afterStep(result: StepResult): void {
    const S = this.streamers, K = this.pendingK;
    for (let i = 0; i < Math.min(result.n, this.pendingN); i++) {
      const u = this.pendingUsers[i];
      if (u < 0 || u >= this.users) continue;
      for (let k = 0; k < K; k++) {
        const s = this.pendingStreamers[i * K + k];
        if (s < 0 || s >= S) continue;
        this.note(u * S + s, s === result.chosen[i] ? result.reward[i] : 0);
      }
    }
    this.pendingN = 0;
  }

  private note(pair: number, reward: number): void {
    if (this.runN === this.runPairs.length) {
      const pairs = new Int32Array(this.runN * 2), rewards = new Float32Array(this.runN * 2);
      pairs.set(this.runPairs);
      rewards.set(this.runRewards);
      this.runPairs = pairs;
      this.runRewards = rewards;
    }
    this.runPairs[this.runN] = pair;
    this.runRewards[this.runN++] = reward;
  }

  /** Adds the finished run: its recommendations and every user's viewings of each streamer. */
  record(platform: Platform): void {
    const S = this.streamers;
    for (let i = 0; i < this.runN; i++) {
      this.recs[this.runPairs[i]]++;
      this.reward[this.runPairs[i]] += this.runRewards[i];
    }
    this.runN = 0;
    const users = platform.users, H = users.historyCapacity, hs = users.histStreamer;
    const n = Math.min(this.users, users.initialCount, users.active);
    for (let u = 0; u < n; u++) {
      for (let h = 0; h < H; h++) {
        const j = u * H + h, s = hs[j];
        if (s < 0 || s >= S) continue;
        this.views[u * S + s] += users.historyCount(j);
      }
    }
    this.weeks++;
    this.refresh();
  }

  /** Rewrites the table's features from the counts (all 0 for a pair with no past). */
  private refresh(): void {
    const T = this.table.features;
    for (let k = 0; k < this.recs.length; k++) {
      const r = this.recs[k], o = k * PAIR_PAST_FEATURES;
      T[o] = Math.log1p(r) / 3;
      T[o + 1] = this.reward[k] / (r + 1) / 10;
      T[o + 2] = Math.log1p(this.views[k]) / 3;
    }
    this.table.touch();
  }

  /** Evidence of the pair (u, s): recommendations plus viewings; 0 with no past. */
  evidence(u: number, s: number): number {
    if (u < 0 || u >= this.users || s < 0 || s >= this.streamers) return 0;
    const k = u * this.streamers + s;
    return this.recs[k] + this.views[k];
  }

  /** Writes the pair's features into out[offset .. offset + 3) (0 for a pair outside the record). */
  write(u: number, s: number, out: Float32Array, offset: number): void {
    this.table.write(u, s, out, offset);
  }

  toBundle(prefix = "pairPast"): { arrays: Record<string, StoredArray>; meta: { users: number; streamers: number; weeks: number } } {
    return {
      arrays: { [`${prefix}.recs`]: this.recs.slice(), [`${prefix}.reward`]: this.reward.slice(), [`${prefix}.views`]: this.views.slice() },
      meta: { users: this.users, streamers: this.streamers, weeks: this.weeks },
    };
  }

  static fromBundle(bundle: CheckpointBundle, meta: unknown, prefix = "pairPast"): PairPast {
    const m = requireWholeNumbers(meta, prefix, { users: 0, streamers: 1, weeks: 0 });
    const p = new PairPast(m.users, m.streamers);
    for (const k of ["recs", "reward", "views"] as const) {
      p[k].set(requireArray(bundle, `${prefix}.${k}`, Float32Array, p[k].length));
      requireNonNegative(p[k], `${prefix}.${k}`);
    }
    p.weeks = m.weeks;
    if (p.weeks === 0 && (p.recs.some((x) => x > 0) || p.views.some((x) => x > 0))) throw new CheckpointError(`checkpoint: ${prefix}.weeks is 0 but the pairs have a past`);
    p.refresh();
    return p;
  }
}
