/**
 * Ranks the streams live now for a user.
 *
 * The scoring, and why: the DQN's actions are streamer slots, so ONE forward pass of the state
 * gives Q(s, a) for every streamer at once (about 0.2 ms for 8,192 slots); the live ones are then
 * read out of that row. Ranking 5,000 live streams costs one pass plus a scan, not 5,000 passes,
 * which is what keeps k = 10 among 5,000 well under a millisecond. The score of a live stream is
 *
 *   score = Q(s, slot)                                  the long-term value the DQN expects
 *         + followBonus [user follows the streamer]     explicit personal signals, which a slot
 *         + recentBonus * 2^(-age / halfLife)           model cannot see in a shared state
 *         + viewersTieBreak * ln(1 + viewers)           orders streams the model rates alike
 *
 * Cold start: an unknown user is encoded as a newcomer (see features.ts); a streamer new to the
 * model has an average advantage, so its Q is V(s), the user's mean over streamers, and its
 * viewers and the user's follows order it among the others alike. Exploration: each position of the slate shows, with probability `explore`, a
 * uniformly drawn live stream instead, and every item carries the probability that it was shown
 * there (its propensity, for off-policy evaluation): (1 - explore) + explore / nLive for a greedy
 * pick, explore / nLive for an explored one.
 */
import type { ServeConfig } from "../config.js";
import type { PlatformState } from "../state/platform-state.js";
import { RECENT_STREAMERS } from "../state/user-table.js";
import { Rng } from "../../core/random/rng.js";
import { FEATURE_COUNT, FEATURE_NAMES, type FeatureEncoder } from "./features.js";
import type { ServingModel } from "./serving-model.js";

export interface RecommendedItem {
  stream: string;
  streamer: string;
  category: string | null;
  viewers: number;
  /** Ranking score (Q plus the personal bonuses and the tie-break). */
  score: number;
  /** The DQN's Q value of the streamer's slot. */
  q: number;
  /** Probability that this item was shown at this position by the policy. */
  propensity: number;
  /** Drawn at random (exploration) rather than ranked. */
  explored: boolean;
  /** Why, when asked (explain): the parts of the score. */
  why?: { follows: boolean; recentBonus: number; tieBreak: number; slot: number };
}

export interface Recommendation {
  rec: string;
  user: string;
  knownUser: boolean;
  modelVersion: number;
  /** Live streams considered. */
  candidates: number;
  items: RecommendedItem[];
  /** The state features (explain only). */
  features?: Record<string, number>;
}

export type RecommendConfig = ServeConfig["recommend"];

/** One request of a batch. */
export interface RecommendRequest {
  user: string;
  k: number;
  /** Greedy, with the features and the parts of each score; not logged as shown. */
  explain: boolean;
}

/** Requests answered together share one forward pass (see recommendMany). */
export const MAX_BATCH = 32;

export class Recommender {
  private readonly states: Float32Array = new Float32Array(MAX_BATCH * FEATURE_COUNT);
  private readonly bonus: Float32Array;
  private readonly touched: Int32Array;
  private readonly followedSlot: Uint8Array;
  private readonly isTouched: Uint8Array;
  private readonly topScore: Float64Array;
  private readonly topSlot: Int32Array;
  private readonly chosen: Int32Array;
  private readonly explored: Uint8Array;
  private readonly userIndex = new Int32Array(MAX_BATCH);
  private readonly rng: Rng;
  private counter = 0;
  private readonly prefix: string;

  constructor(
    private readonly platform: PlatformState,
    private readonly encoder: FeatureEncoder,
    private readonly model: ServingModel,
    private readonly config: RecommendConfig,
  ) {
    const S = platform.catalogue.slots;
    this.bonus = new Float32Array(S);
    this.followedSlot = new Uint8Array(S);
    this.touched = new Int32Array(S);
    this.isTouched = new Uint8Array(S);
    // room for k plus every slot a user's bonuses may touch (see best)
    this.topScore = new Float64Array(config.maxK + S);
    this.topSlot = new Int32Array(config.maxK + S);
    this.chosen = new Int32Array(config.maxK);
    this.explored = new Uint8Array(config.maxK);
    this.rng = new Rng(config.seed);
    this.prefix = `r${Date.now().toString(36)}`;
  }

  /**
   * The top-k live streams for `userId`. `explain` ranks greedily (no exploration) and adds the
   * features and the parts of each score; it is for people, so it is not logged as shown.
   */
  recommend(userId: string, k: number, explain = false): Recommendation {
    return this.recommendMany([{ user: userId, k, explain }])[0];
  }

  /**
   * Answers up to MAX_BATCH requests with ONE forward pass of all their states: a batched pass
   * costs far less per row than single ones (about 4x less at 8 rows), which is what lets bursts
   * of simultaneous requests drain quickly.
   */
  recommendMany(requests: readonly RecommendRequest[]): Recommendation[] {
    const n = requests.length;
    if (n < 1 || n > MAX_BATCH) throw new RangeError(`recommendMany: between 1 and ${MAX_BATCH} requests, got ${n}`);
    const p = this.platform, users = p.users;
    const now = p.now();
    const ids = this.userIndex;
    for (let i = 0; i < n; i++) {
      ids[i] = users.find(requests[i].user);
      this.encoder.encode(ids[i], now, this.states, i * FEATURE_COUNT);
    }
    const q = this.model.forward(this.states.subarray(0, n * FEATURE_COUNT), n);
    const A = p.catalogue.slots;
    const out: Recommendation[] = [];
    for (let i = 0; i < n; i++) out.push(this.rank(requests[i], ids[i], now, q.subarray(i * A, (i + 1) * A), i));
    return out;
  }

  /**
   * Writes user u's personal bonuses (followed streamers, recently watched ones) into the per-slot
   * scratch row `bonus`, and lists the slots it touched in `touched` (cleared after the ranking).
   * Returns how many slots it touched.
   */
  private personalBonuses(u: number, now: number): number {
    const p = this.platform, cat = p.catalogue, users = p.users, cfg = this.config;
    let nTouched = 0;
    const followed = users.followed[u];
    if (followed !== undefined) {
      for (const s of followed) {
        const slot = cat.streamerSlot[s];
        if (slot >= 0 && cat.liveMask[slot] === 1) {
          if (this.isTouched[slot] === 0) {
            this.isTouched[slot] = 1;
            this.touched[nTouched++] = slot;
          }
          this.bonus[slot] += cfg.followBonus;
          this.followedSlot[slot] = 1;
        }
      }
    }
    const base = u * RECENT_STREAMERS, halfLife = cfg.recentHalfLifeHours * 3_600_000;
    for (let i = 0; i < RECENT_STREAMERS; i++) {
      const s = users.recentStreamer[base + i];
      if (s < 0) break;
      const slot = cat.streamerSlot[s];
      if (slot < 0 || cat.liveMask[slot] !== 1) continue;
      if (this.isTouched[slot] === 0) {
        this.isTouched[slot] = 1;
        this.touched[nTouched++] = slot;
      }
      this.bonus[slot] += cfg.recentBonus * Math.pow(2, -Math.max(0, now - users.recentAt[base + i]) / halfLife);
    }
    return nTouched;
  }

  /**
   * The k best live slots by score, best first, into topScore and topSlot; returns how many. The
   * personal bonuses touch a few slots only, so the scan of every live slot (topK) ranks by Q and
   * the tie-break alone and keeps k + nTouched places: the k best untouched slots are among them
   * whatever the touched ones did. The touched slots then leave the list and come back with their
   * bonus. One array fewer to read per live slot makes the scan about a third faster.
   */
  private best(q: Float32Array, k: number, nTouched: number): number {
    const cat = this.platform.catalogue, tie = this.config.viewersTieBreak, logViewers = cat.slotLogViewers;
    const topScore = this.topScore, topSlot = this.topSlot;
    let n = topK(q, logViewers, tie, cat.liveList, cat.nLive, Math.min(k + nTouched, cat.nLive), topScore, topSlot);
    if (nTouched === 0) return Math.min(n, k);
    let untouched = 0;
    for (let i = 0; i < n; i++) {
      if (this.isTouched[topSlot[i]] === 1) continue;
      topScore[untouched] = topScore[i];
      topSlot[untouched++] = topSlot[i];
    }
    n = Math.min(untouched, k);
    for (let t = 0; t < nTouched; t++) {
      const slot = this.touched[t];
      n = insertTop(slot, q[slot] + this.bonus[slot] + tie * logViewers[slot], n, k, topScore, topSlot);
    }
    return n;
  }

  /** Ranks the live streams for one request, given its Q row. */
  private rank(request: RecommendRequest, u: number, now: number, q: Float32Array, row: number): Recommendation {
    const { user: userId, k, explain } = request;
    const p = this.platform, cat = p.catalogue, cfg = this.config;
    const nTouched = u >= 0 ? this.personalBonuses(u, now) : 0;
    const n = this.best(q, Math.min(k, cat.nLive), nTouched);
    const tie = cfg.viewersTieBreak, logViewers = cat.slotLogViewers, live = cat.liveList, topSlot = this.topSlot;

    // exploration: each position may show a random live stream instead
    const explore = explain ? 0 : cfg.explore;
    const nLive = cat.nLive;
    const chosen = this.chosen;
    for (let i = 0; i < n; i++) chosen[i] = topSlot[i];
    const explored = this.explored.fill(0, 0, n);
    if (explore > 0 && nLive > n) {
      for (let i = 0; i < n; i++) {
        if (this.rng.float() >= explore) continue;
        for (let attempt = 0; attempt < 8; attempt++) {
          const slot = live[this.rng.int(nLive)];
          let dup = false;
          for (let j = 0; j < n; j++) if (chosen[j] === slot) dup = true;
          if (!dup) {
            chosen[i] = slot;
            explored[i] = 1;
            break;
          }
        }
      }
    }

    const items: RecommendedItem[] = [];
    for (let i = 0; i < n; i++) {
      const slot = chosen[i];
      const st = cat.slotStream[slot];
      const viewers = cat.streamViewers[st];
      const c = cat.streamCategory[st];
      const tieBreak = tie * logViewers[slot];
      const item: RecommendedItem = {
        stream: cat.streamIds[st],
        streamer: cat.streamerIds[cat.streamStreamer[st]],
        category: c >= 0 ? cat.categoryNames[c] : null,
        viewers,
        score: q[slot] + this.bonus[slot] + tieBreak,
        q: q[slot],
        propensity: explored[i] === 1 ? explore / nLive : 1 - explore + explore / nLive,
        explored: explored[i] === 1,
      };
      if (explain) {
        const follows = this.followedSlot[slot] === 1;
        item.why = { follows, recentBonus: this.bonus[slot] - (follows ? cfg.followBonus : 0), tieBreak, slot };
      }
      items.push(item);
    }
    for (let i = 0; i < nTouched; i++) {
      const slot = this.touched[i];
      this.bonus[slot] = 0;
      this.followedSlot[slot] = 0;
      this.isTouched[slot] = 0;
    }

    const result: Recommendation = {
      rec: `${this.prefix}-${(this.counter++).toString(36)}`,
      user: userId,
      knownUser: u >= 0,
      modelVersion: this.model.servingVersion,
      candidates: nLive,
      items,
    };
    if (explain) {
      const features: Record<string, number> = {};
      for (let i = 0; i < FEATURE_COUNT; i++) features[FEATURE_NAMES[i]] = this.states[row * FEATURE_COUNT + i];
      result.features = features;
    }
    return result;
  }
}

/**
 * The k best live slots by score = q + tie * logViewers, best first, into topScore and topSlot
 * (insertion into a short sorted list); returns how many (min(k, nLive)). The scan of every live
 * slot is the hot loop of a recommendation, so it is a small function of its own: inside the long
 * ranking function the optimizer compiled it on the fly and threw the compiled loop away again at
 * every call (a rarely taken branch after it had no type feedback yet), which made it three times
 * slower.
 */
function topK(
  q: Float32Array, logViewers: Float32Array, tie: number, live: Int32Array, nLive: number, k: number,
  topScore: Float64Array, topSlot: Int32Array,
): number {
  let n = 0, threshold = -Infinity;
  for (let j = 0; j < nLive; j++) {
    const slot = live[j];
    const score = q[slot] + tie * logViewers[slot];
    if (score <= threshold) continue;
    n = insertTop(slot, score, n, k, topScore, topSlot);
    if (n === k) threshold = topScore[k - 1];
  }
  return n;
}

/** Inserts a slot into the sorted list of the n best so far (at most k); returns the new n. */
function insertTop(slot: number, score: number, n: number, k: number, topScore: Float64Array, topSlot: Int32Array): number {
  if (n === k && score <= topScore[n - 1]) return n;
  let i = n < k ? n++ : n - 1;
  while (i > 0 && topScore[i - 1] < score) {
    topScore[i] = topScore[i - 1];
    topSlot[i] = topSlot[i - 1];
    i--;
  }
  topScore[i] = score;
  topSlot[i] = slot;
  return n;
}
