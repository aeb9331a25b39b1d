/**
 * LinUCB: a contextual bandit over the features the DQN sees. One linear model, shared by all
 * streams, predicts the immediate reward of recommending stream s to user u from a feature vector
 * x(u, s); each user gets the streams of highest upper confidence bound theta . x + alpha width(x)
 * (see linear-ucb.ts). It learns online from each step's rewards and can be warm-started with the
 * model it learned on training seeds: its features describe streams and users, not their indices,
 * so what it learned in one world carries to another.
 *
 * x(u, s), built from the observations the platform exposes:
 *
 *     [ 1 | stream features | viewers^2 | pair features | share_c(u) * is_c(s) for each category c ]
 *
 * With the users' past weeks (options.past, the same profile the DQN reads: src/policies/user-past.ts),
 * x also holds past_share_c(u) * is_c(s) for each category, so that at the start of a week it
 * knows what the user watched before, as the DQN does; the past grows at the end of each training
 * run (endRun) and is read, not grown, when serving. With the pairs' past (options.pairPast, the
 * record the DQN reads with dqn.pairPast: src/policies/pair-past.ts), the pair features end with
 * the pair's record of past weeks (its own recommendations and their reward, the user's viewings),
 * grown the same way.
 *
 * the stream's own features (category one-hot, hours live, viewers, followers, age, the mean watch
 * time and gifts per viewing logged for it), viewers squared (crowding bends the effect of viewers),
 * the pair features (follows, watched, past viewings, recency) and the user's share of watch time in
 * the stream's category, one weight per category. User-only features are left out: they shift every
 * stream of a user alike and so cannot change a ranking.
 *
 * The vector is a per-tick part c(s) (bias and stream features: the same for every user) plus a
 * sparse per-user part z(u, s) (the pair features and one category share, two with the past), so
 * the scores of a whole batch cost O(L d^2) once a tick for the c parts and O(nnz(z)^2) per
 * (user, stream):
 *
 *     x^T M x = c^T M c + 2 z^T (M c) + z^T M z.
 *
 * With a slate of K, every stream shown is an observation: the chosen one with the reward it
 * earned, the others with 0.
 */
import type { Platform, StepResult } from "../../sim/platform.js";
import type { SimPolicy } from "../../sim/policy.js";
import { LinearUcbModel } from "./linear-ucb.js";
import { writeTopK } from "./top-k.js";
import { UserPast } from "../user-past.js";
import { PairPast, PAIR_PAST_FEATURES } from "../pair-past.js";

export interface LinUcbOptions {
  /** Weight of the confidence width in the score (exploration; default 0.3). */
  readonly alpha?: number;
  /** Ridge regularisation lambda of A = lambda I + sum x x^T (default 1). */
  readonly lambda?: number;
  /** A model learned before (on training seeds), copied: this policy goes on learning from it. */
  readonly warmStart?: LinearUcbModel;
  /**
   * Read the users' past weeks: `true` starts an empty past (sized at the first platform) that
   * endRun grows; a UserPast is copied and read as it is (what training learned). Default: none.
   */
  readonly past?: boolean | UserPast;
  /**
   * Read the pairs' past weeks: `true` starts an empty record (sized at the first platform) that
   * this policy's own recommendations and endRun grow; a PairPast is read as it is, never written
   * (what training learned). Default: none.
   */
  readonly pairPast?: boolean | PairPast;
  /** The policy's name (default "linucb"). */
  readonly name?: string;
}

/** Where the parts of x sit, resolved from the platform's feature names. */
interface Layout {
  readonly dims: number;
  /** Size of the per-tick part: bias, stream features, viewers^2. */
  readonly common: number;
  readonly streamFeatures: number;
  readonly categories: number;
  /** Pair features: the platform's, then the pair's past record with the pairs' past. */
  readonly pairFeatures: number;
  /** The platform's pair features (the first of pairFeatures). */
  readonly platformPairFeatures: number;
  /** Whether x holds the past (past_share_c(u) * is_c(s)). */
  readonly past: boolean;
  /** Offsets in the platform's vectors. */
  readonly streamCategoryAt: number;
  readonly viewersAt: number;
  readonly userShareAt: number;
}

/** The dimension of x for a platform with these features (for checking a warm start). */
export function linUcbLayout(platform: Platform, past = false, pairPast = false): Layout {
  const sNames = platform.streamFeatureNames, uNames = platform.userFeatureNames;
  const C = platform.categories, SF = platform.streamFeatureSize, P0 = platform.pairFeatureSize, P = P0 + (pairPast ? PAIR_PAST_FEATURES : 0);
  const streamCategoryAt = sNames.findIndex((n) => n.startsWith("is_"));
  const viewersAt = sNames.indexOf("viewers");
  const userShareAt = uNames.findIndex((n) => n.startsWith("share_"));
  if (streamCategoryAt < 0 || viewersAt < 0 || userShareAt < 0) {
    throw new Error(`LinUCB: the platform's features lack ${[streamCategoryAt < 0 ? "is_<category>" : "", viewersAt < 0 ? "viewers" : "", userShareAt < 0 ? "share_<category>" : ""].filter(Boolean).join(", ")}`);
  }
  const common = 1 + SF + 1;
  return { dims: common + P + C * (past ? 2 : 1), common, streamFeatures: SF, categories: C, pairFeatures: P, platformPairFeatures: P0, past, streamCategoryAt, viewersAt, userShareAt };
}

export class LinUcbPolicy implements SimPolicy {
  readonly name: string;
  readonly alpha: number;
  readonly lambda: number;
  private modelNow: LinearUcbModel | null;
  /** The users' past (null: none); `pending` while it waits for the first platform to size it. */
  private pastNow: UserPast | null;
  private readonly pastPending: boolean;
  private pastRow = new Float32Array(0);
  /** The pairs' past (null: none); with pairsGrow, its own: sized at the first platform, grown by its runs. */
  private pairsNow: PairPast | null;
  private readonly pairsGrow: boolean;
  private pairRaw = new Float32Array(0);
  private layout: Layout | null = null;
  private platform: Platform | null = null;
  // per tick: the common part c of each live stream, its category, theta_c . c, c^T M c, and (M c) on the user block
  private c = new Float64Array(0);
  private cat = new Int32Array(0);
  private meanC = new Float64Array(0);
  private quadC = new Float64Array(0);
  private mc = new Float64Array(0);
  // per decision
  private pair = new Float32Array(0);
  private score = new Float64Array(0);
  // what was shown, for learn(): the slates and their feature vectors
  private shown = new Int32Array(0);
  private xs = new Float64Array(0);
  private shownRows = 0;

  constructor(options: LinUcbOptions = {}) {
    this.alpha = options.alpha ?? 0.3;
    this.lambda = options.warmStart?.lambda ?? options.lambda ?? 1;
    if (!(this.alpha >= 0 && Number.isFinite(this.alpha))) throw new RangeError(`LinUCB: alpha must be a number >= 0, got ${this.alpha}`);
    if (!(this.lambda > 0 && Number.isFinite(this.lambda))) throw new RangeError(`LinUCB: lambda must be a positive number, got ${this.lambda}`);
    if (options.warmStart && options.lambda !== undefined && options.lambda !== options.warmStart.lambda) {
      throw new RangeError(`LinUCB: lambda ${options.lambda} differs from the warm start's ${options.warmStart.lambda}`);
    }
    this.modelNow = options.warmStart ? options.warmStart.clone() : null;
    this.pastNow = options.past instanceof UserPast ? options.past.clone() : null;
    this.name = options.name ?? "linucb";
    this.pastPending = options.past === true;
    this.pairsNow = options.pairPast instanceof PairPast ? options.pairPast : null;
    this.pairsGrow = options.pairPast === true;
  }

  /** The pairs' past this policy reads (null: none). */
  get pairPast(): PairPast | null {
    return this.pairsNow;
  }

  /** The users' past this policy reads (null: none). */
  get past(): UserPast | null {
    return this.pastNow;
  }

  /** A run is over (a training run): its viewings join the users' past, which later runs read. */
  endRun(platform: Platform): void {
    this.pastNow?.record(platform);
    if (this.pairsGrow) {
      this.pairsNow?.record(platform);
      this.pairsNow?.startRun();
    }
  }

  /** The model learned so far (null before the first platform is seen). */
  get model(): LinearUcbModel | null {
    return this.modelNow;
  }

  /** A copy of the model learned so far, to warm-start other LinUCB policies. */
  snapshot(): LinearUcbModel {
    if (this.modelNow === null) throw new Error("LinUCB: nothing learned yet (run it on a platform first)");
    return this.modelNow.clone();
  }

  act(platform: Platform, actions: Int32Array): void {
    this.attach(platform);
    const lay = this.layout!, model = this.modelNow!;
    const live = platform.liveStreams, L = live.length, K = platform.slateSize, n = platform.nDeciding;
    const d = lay.dims, DC = lay.common, P = lay.pairFeatures, C = lay.categories, DU = d - DC;
    const past = this.pastNow, pastRow = this.pastRow;
    const M = model.Ainv, th = model.theta, alpha = this.alpha;
    const explore = alpha > 0;

    // The per-tick part of every live stream.
    const obs = platform.streamObservations, SF = lay.streamFeatures;
    const c = this.c, cat = this.cat, meanC = this.meanC, quadC = this.quadC, mc = this.mc;
    for (let j = 0; j < L; j++) {
      const o = j * SF, cj = j * DC;
      c[cj] = 1;
      for (let f = 0; f < SF; f++) c[cj + 1 + f] = obs[o + f];
      const v = obs[o + lay.viewersAt];
      c[cj + 1 + SF] = v * v;
      let best = 0;
      for (let k = 1; k < C; k++) if (obs[o + lay.streamCategoryAt + k] > obs[o + lay.streamCategoryAt + best]) best = k;
      cat[j] = best;
      let m = 0;
      for (let f = 0; f < DC; f++) m += th[f] * c[cj + f];
      meanC[j] = m;
      if (explore) {
        let q = 0;
        for (let a = 0; a < DC; a++) {
          let s = 0;
          for (let b = 0, row = a * d; b < DC; b++) s += M[row + b] * c[cj + b];
          q += c[cj + a] * s;
        }
        quadC[j] = q;
        for (let k = 0; k < DU; k++) {
          let s = 0;
          for (let b = 0, row = (DC + k) * d; b < DC; b++) s += M[row + b] * c[cj + b];
          mc[j * DU + k] = s;
        }
      }
    }

    // Each user's scores: the per-tick part plus the sparse user part z = (pair features, one share).
    const users = platform.userObservations, UF = platform.userFeatureSize;
    const pair = this.pair, score = this.score;
    if (this.shown.length < n * K) {
      const rows = Math.max(n, 2 * this.shown.length / K);
      this.shown = new Int32Array(rows * K);
      this.xs = new Float64Array(rows * K * d);
    }
    const xs = this.xs, shown = this.shown;
    const pairs = this.pairsNow, P0 = lay.platformPairFeatures, raw = this.pairRaw;
    for (let i = 0; i < n; i++) {
      if (pairs === null) platform.pairFeatures(i, live, L, pair);
      else {
        // The platform's pair features, then each pair's past record.
        platform.pairFeatures(i, live, L, raw);
        const u = platform.deciding[i];
        for (let j = 0; j < L; j++) {
          for (let k = 0; k < P0; k++) pair[j * P + k] = raw[j * P0 + k];
          pairs.write(u, live[j], pair, j * P + P0);
        }
      }
      const shareRow = i * UF + lay.userShareAt;
      if (past !== null) past.write(platform.deciding[i], pastRow, 0);
      for (let j = 0; j < L; j++) {
        const pj = j * P;
        const zc = DC + P + cat[j]; // index of the non-zero share entry
        const share = users[shareRow + cat[j]];
        let mean = meanC[j] + th[zc] * share;
        for (let k = 0; k < P; k++) mean += th[DC + k] * pair[pj + k];
        // with the past, a second category entry: the past share of the stream's category
        const zp = zc + C, pastShare = past === null ? 0 : pastRow[cat[j]];
        if (past !== null) mean += th[zp] * pastShare;
        if (explore) {
          // x^T M x = c^T M c + 2 z^T (M c) + z^T M z, over the non-zero entries of z
          let q = quadC[j] + 2 * share * mc[j * DU + P + cat[j]] + share * share * M[zc * d + zc];
          if (past !== null) q += 2 * pastShare * mc[j * DU + P + C + cat[j]] + pastShare * (pastShare * M[zp * d + zp] + 2 * share * M[zc * d + zp]);
          for (let k = 0; k < P; k++) {
            const zk = pair[pj + k];
            if (zk === 0) continue;
            const row = (DC + k) * d;
            q += 2 * zk * (mc[j * DU + k] + share * M[row + zc] + (past === null ? 0 : pastShare * M[row + zp]));
            for (let l = 0; l < P; l++) q += zk * pair[pj + l] * M[row + DC + l];
          }
          mean += alpha * Math.sqrt(Math.max(0, q));
        }
        score[j] = mean;
      }
      writeTopK(live, score, L, K, actions, i);
      // Keep the feature vectors of what was shown, for learn().
      for (let k = 0; k < K; k++) {
        const s = actions[i * K + k];
        shown[i * K + k] = s;
        if (s < 0) continue;
        const j = platform.liveRow[s], x = (i * K + k) * d;
        for (let f = 0; f < DC; f++) xs[x + f] = c[j * DC + f];
        for (let f = 0; f < P; f++) xs[x + DC + f] = pair[j * P + f];
        for (let f = DC + P; f < d; f++) xs[x + f] = 0;
        xs[x + DC + P + cat[j]] = users[shareRow + cat[j]];
        if (past !== null) xs[x + DC + P + C + cat[j]] = pastRow[cat[j]];
      }
    }
    this.shownRows = n;
    if (this.pairsGrow) pairs?.beforeStep(platform, actions);
  }

  learn(result: StepResult, platform: Platform): void {
    if (platform !== this.platform || result.n !== this.shownRows) return; // not a step this policy acted for
    const model = this.modelNow!, K = platform.slateSize, d = this.layout!.dims;
    for (let i = 0; i < result.n; i++) {
      const chosen = result.chosen[i];
      for (let k = 0; k < K; k++) {
        const s = this.shown[i * K + k];
        if (s < 0) continue;
        model.update(this.xs, (i * K + k) * d, s === chosen ? result.reward[i] : 0);
      }
    }
    model.refreshTheta();
    this.shownRows = 0;
    if (this.pairsGrow) this.pairsNow?.afterStep(result);
  }

  private attach(platform: Platform): void {
    if (platform === this.platform) return;
    if (this.pastPending && this.pastNow === null) this.pastNow = new UserPast(platform.config.users, platform.categories);
    if (this.pairsGrow && this.pairsNow === null) this.pairsNow = new PairPast(platform.config.users, platform.catalogueSize);
    const lay = linUcbLayout(platform, this.pastNow !== null, this.pairsNow !== null);
    if (this.modelNow === null) this.modelNow = new LinearUcbModel(lay.dims, this.lambda);
    else if (this.modelNow.dims !== lay.dims) {
      throw new Error(`LinUCB: the model has ${this.modelNow.dims} features but this platform gives ${lay.dims} (a different number of categories?)`);
    }
    this.platform = platform;
    this.layout = lay;
    const S = platform.catalogueSize;
    const DU = lay.dims - lay.common;
    this.pastRow = new Float32Array(this.pastNow?.featureSize ?? 0);
    this.c = new Float64Array(S * lay.common);
    this.cat = new Int32Array(S);
    this.meanC = new Float64Array(S);
    this.quadC = new Float64Array(S);
    this.mc = new Float64Array(S * DU);
    this.pair = new Float32Array(S * lay.pairFeatures);
    this.pairRaw = new Float32Array(this.pairsNow === null ? 0 : S * lay.platformPairFeatures);
    this.score = new Float64Array(S);
    this.shown = new Int32Array(0); // grown to the largest batch in act()
    this.shownRows = 0;
  }
}
