/**
 * Turns what the platform shows a recommender into the DQN's observation rows, for either head:
 *
 * - feature head: [ user features | features of the stream recommended (filled in after acting) |
 *   sketch of the user's K most relevant history streamers: (streamer slot, pair features) |
 *   with user embeddings, the user's index ];
 * - classic head (one output per catalogue slot, Mnih et al.'s shape): [ user features | the
 *   user's affinity with every catalogue streamer (1 if followed, else log(1 + viewings) / 4,
 *   capped at 1) ], so repeat consumption is visible to it, at the cost of an input as wide as
 *   the catalogue and no way to score a streamer it has never trained on.
 *
 * With a UserPast, the user features end with the user's profile from the weeks before this one
 * (share of past minutes by category, hours per week; see src/policies/user-past.ts), for either head.
 * With a PairPast (feature head), the pair's record from past weeks (src/policies/pair-past.ts)
 * reaches the model in one of two ways:
 * - `pairTerm` (the platform DQN's default, not this class's): the Q-function reads it for every
 *   candidate from the PairPast's table (layout.pairTableSize); a row carries only the record of
 *   the stream recommended (filled in with its features) and ends with the user's index;
 * - otherwise every sketch entry's pair features end with the pair's record.
 * Either way `pastSlots` more entries may follow this week's K: the user's past pairs of most
 * evidence (recommendations plus viewings) that this week's sketch does not hold, with this week's
 * pair features at 0 (and, in the sketch, their record).
 *
 * The action table (features of every streamer slot) is refreshed each tick for the live streams.
 * Only observable facts are used (src/sim/observe.ts): never the hidden truth.
 */
import type { Platform } from "../sim/platform.js";
import { writePairFeatures } from "../sim/observe.js";
import { ActionTable } from "../core/qfunction/action-table.js";
import { featureObsSize, hasUserIndex, type FeatureLayout } from "../core/qfunction/feature-qfunction.js";
import type { UserPast } from "../policies/user-past.js";
import type { PairTable } from "../core/qfunction/pair-table.js";
import { PAIR_PAST_FEATURES, type PairPast } from "../policies/pair-past.js";

export type EncoderMode = "feature" | "classic";

export interface PlatformEncoderOptions {
  /** K: this week's history entries in the sketch (feature head; default 16). */
  readonly sketchSlots?: number;
  /** The action table to fill (the one a trained feature-head agent reads); a new one by default. */
  readonly table?: ActionTable;
  /**
   * Users with a learned embedding (feature head; 0 = none, the default): the row then ends with
   * the user's index.
   */
  readonly userIds?: number;
  /** The users' profile from past weeks, appended to the user features (null: none). */
  readonly past?: UserPast | null;
  /** The pairs' record from past weeks (feature head; null: none). */
  readonly pairPast?: PairPast | null;
  /** With pairPast: sketch entries for the user's past pairs of most evidence (default 0). */
  readonly pastSlots?: number;
  /** With pairPast: the record as the Q-function's per-candidate term (true) or in the sketch (false, the default here). */
  readonly pairTerm?: boolean;
}

export class PlatformEncoder {
  readonly mode: EncoderMode;
  readonly layout: FeatureLayout;
  readonly obsSize: number;
  readonly actions: number;
  readonly table: ActionTable;
  /** The users' past weeks (null: none); read, never written, by the encoder. */
  readonly past: UserPast | null;
  /** User features the platform gives (the profile of the past follows them). */
  private readonly platformUserSize: number;
  /** Rows for the current batch of deciding users (grown as needed). */
  obs = new Float32Array(0);
  /** The live mask repeated for each deciding user (batch x actions). */
  mask = new Uint8Array(0);
  private pickScore = new Float64Array(0);
  private pickEntry = new Int32Array(0);
  /** Each user's record of pairs from past weeks (null: none), and the sketch slots it adds. */
  readonly pairPast: PairPast | null;
  private readonly thisWeekSlots: number;
  private readonly pastSlots: number;
  /**
   * The table the Q-function must read the record from (layout.pairTableSize), when the record goes
   * to its per-candidate term; null otherwise.
   */
  readonly pairTable: PairTable | null;
  /** Whether the record goes into the sketch entries' pair features instead. */
  private readonly recordInSketch: boolean;
  private pastScore = new Float64Array(0);
  private pastStreamer = new Int32Array(0);

  /**
   * @param actions the action space: at least the platform's catalogue (see platformBounds); the
   *   slots beyond the catalogue are never live.
   */
  constructor(platform: Platform, mode: EncoderMode, actions: number, options: PlatformEncoderOptions = {}) {
    const { sketchSlots = 16, table, userIds = 0, past = null, pairPast = null, pastSlots = 0, pairTerm = false } = options;
    if (!(actions >= platform.catalogueSize)) {
      throw new RangeError(`PlatformEncoder: ${actions} action slots cannot hold this platform's catalogue of ${platform.catalogueSize} streamers`);
    }
    if (past !== null && past.categories !== platform.categories) {
      throw new RangeError(`PlatformEncoder: the users' past has ${past.categories} categories, the platform ${platform.categories}`);
    }
    this.mode = mode;
    this.past = past;
    this.pairPast = mode === "feature" ? pairPast : null;
    this.thisWeekSlots = sketchSlots;
    this.pastSlots = this.pairPast === null ? 0 : pastSlots;
    this.pairTable = this.pairPast !== null && pairTerm ? this.pairPast.table : null;
    this.recordInSketch = this.pairPast !== null && !pairTerm;
    this.platformUserSize = platform.userFeatureSize;
    this.layout = {
      userSize: platform.userFeatureSize + (past === null ? 0 : past.featureSize),
      actionFeatureSize: platform.streamFeatureSize,
      pairSize: platform.pairFeatureSize + (this.recordInSketch ? PAIR_PAST_FEATURES : 0),
      sketchSlots: sketchSlots + this.pastSlots,
      ...(userIds > 0 ? { userIds } : {}),
      ...(this.pairTable !== null ? { pairTableSize: PAIR_PAST_FEATURES } : {}),
    };
    this.actions = actions;
    this.obsSize = mode === "feature" ? featureObsSize(this.layout) : this.layout.userSize + this.actions;
    this.table = table ?? new ActionTable(this.actions, this.layout.actionFeatureSize);
    if (this.table.actions !== actions || this.table.featureSize !== this.layout.actionFeatureSize) {
      throw new RangeError(`PlatformEncoder: the action table is ${this.table.actions} x ${this.table.featureSize}, expected ${actions} x ${this.layout.actionFeatureSize}`);
    }
    this.pickScore = new Float64Array(sketchSlots);
    this.pickEntry = new Int32Array(sketchSlots);
    this.pastScore = new Float64Array(this.pastSlots);
    this.pastStreamer = new Int32Array(this.pastSlots);
  }

  /** Rewrites the action table's rows of the streams live now. */
  refreshTable(platform: Platform): void {
    const live = platform.liveStreams, n = platform.nLive, f = this.layout.actionFeatureSize;
    const X = platform.streamObservations, T = this.table.features;
    for (let j = 0; j < n; j++) T.set(X.subarray(j * f, (j + 1) * f), live[j] * f);
    this.table.touch();
  }

  /** Encodes every deciding user of the current tick into `obs` and the live mask into `mask`. */
  encode(platform: Platform): number {
    const n = platform.nDeciding, S = this.obsSize, A = this.actions;
    if (this.obs.length < n * S) this.obs = new Float32Array(Math.max(n, 64) * 2 * S);
    if (this.mask.length < n * A) this.mask = new Uint8Array(Math.max(n, 64) * 2 * A);
    const { userSize: U, actionFeatureSize: f, pairSize: m } = this.layout;
    const K = this.thisWeekSlots, KP = this.pastSlots, pp = this.pairPast, mw = platform.pairFeatureSize;
    const uo = platform.userObservations, PU = this.platformUserSize, past = this.past;
    const users = platform.users, H = users.historyCapacity, hs = users.histStreamer;
    const live = platform.liveMask;
    const userIds = this.layout.userIds ?? 0, indexed = hasUserIndex(this.layout), sketchRecord = this.recordInSketch ? pp : null;
    for (let i = 0; i < n; i++) {
      const row = i * S;
      this.obs.set(uo.subarray(i * PU, (i + 1) * PU), row);
      if (past !== null) past.write(platform.deciding[i], this.obs, row + PU);
      this.mask.set(live, i * A);
      this.mask.fill(0, i * A + live.length, (i + 1) * A);
      if (this.mode === "classic") {
        this.obs.fill(0, row + U, row + S);
        const u = platform.deciding[i];
        for (let h = 0; h < H; h++) {
          const j = u * H + h;
          if (hs[j] < 0) continue;
          this.obs[row + U + hs[j]] = users.historyFollowed(j) ? 1 : Math.min(1, Math.log1p(users.historyCount(j)) / 4);
        }
        continue;
      }
      this.obs.fill(0, row + U, row + U + f);
      // The sketch: the K history entries with the most pull (followed first, then most watched).
      const u = platform.deciding[i];
      let kept = 0;
      for (let h = 0; h < H; h++) {
        const j = u * H + h;
        if (hs[j] < 0) continue;
        const score = (users.historyFollowed(j) ? 1e6 : 0) + users.historyCount(j);
        if (score <= 0) continue;
        kept = offerTop(this.pickScore, this.pickEntry, kept, K, score, j);
      }
      const base = row + U + f;
      for (let k = 0; k < K; k++) {
        const e = base + k * (1 + m);
        if (k < kept) {
          this.obs[e] = hs[this.pickEntry[k]];
          writePairFeatures(users, this.pickEntry[k], platform.tick, this.obs, e + 1);
          sketchRecord?.write(u, hs[this.pickEntry[k]], this.obs, e + 1 + mw);
        } else {
          this.obs[e] = -1;
          this.obs.fill(0, e + 1, e + 1 + m);
        }
      }
      if (pp !== null && KP > 0) {
        // The past slots: the pairs of past weeks with the most evidence, not in this week's sketch.
        let pk = 0;
        for (let s = 0; s < Math.min(A, pp.streamers); s++) {
          const ev = pp.evidence(u, s);
          if (!(ev > 0)) continue;
          let sketched = false;
          for (let k = 0; k < kept; k++) if (hs[this.pickEntry[k]] === s) { sketched = true; break; }
          if (!sketched) pk = offerTop(this.pastScore, this.pastStreamer, pk, KP, ev, s);
        }
        for (let k = 0; k < KP; k++) {
          const e = base + (K + k) * (1 + m);
          this.obs.fill(0, e + 1, e + 1 + m);
          if (k < pk) {
            this.obs[e] = this.pastStreamer[k];
            sketchRecord?.write(u, this.pastStreamer[k], this.obs, e + 1 + mw);
          } else {
            this.obs[e] = -1;
          }
        }
      }
      // The pair term's record of the stream recommended comes with its features (writeActionFeatures).
      if (this.pairTable !== null) this.obs.fill(0, row + S - 1 - PAIR_PAST_FEATURES, row + S - 1);
      // The user's index: with a pair table every user's (the table knows which it holds), else
      // only those with an embedding.
      if (indexed) this.obs[row + S - 1] = this.pairTable !== null || u < userIds ? u : -1;
    }
    return n;
  }

  /** Writes the features of stream s (as the table holds them now) into the action part of row i. */
  setActionFeatures(i: number, s: number): void {
    this.writeActionFeatures(s, this.obs, i * this.obsSize);
  }

  /**
   * Writes the features of stream s into the action part of the observation row at dst[rowStart ..]
   * and, with the pair term, the record of the row's user with s (before the user's index).
   */
  writeActionFeatures(s: number, dst: Float32Array, rowStart: number): void {
    if (this.mode === "classic") return;
    const { userSize: U, actionFeatureSize: f } = this.layout;
    dst.set(this.table.features.subarray(s * f, (s + 1) * f), rowStart + U);
    if (this.pairTable !== null) {
      const end = rowStart + this.obsSize - 1;
      this.pairTable.write(dst[end], s, dst, end - PAIR_PAST_FEATURES);
    }
  }
}

/**
 * Offers (score, id) to the K best kept so far in scores/ids[0 .. kept): taken while there is room,
 * else in place of the lowest score if higher. Returns the new count kept.
 */
function offerTop(scores: Float64Array, ids: Int32Array, kept: number, K: number, score: number, id: number): number {
  if (kept < K) {
    scores[kept] = score;
    ids[kept] = id;
    return kept + 1;
  }
  let worst = 0;
  for (let k = 1; k < K; k++) if (scores[k] < scores[worst]) worst = k;
  if (score > scores[worst]) {
    scores[worst] = score;
    ids[worst] = id;
  }
  return kept;
}
