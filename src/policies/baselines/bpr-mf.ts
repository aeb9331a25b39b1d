/**
 * BPR-MF: collaborative filtering by matrix factorisation trained with Bayesian Personalized
 * Ranking (the model: bpr-model.ts), run as a platform would run it.
 *
 * It trains on the viewings logged so far (from each step's results, plus a training log of the
 * same world when given): a full retraining of `epochs` passes every `retrainHours` of simulated
 * time, continuing from the current factors, and between retrainings `onlineSteps` SGD steps on
 * each new viewing as it is logged (fold-in), so a user is known from their first viewing on, as
 * REP knows them. Each viewing's negatives are drawn among the streams live at that tick.
 *
 * Users and streamers the model has not been trained on fall back to POP: a user without a logged
 * viewing gets POP's ranking; for a known user, streamers never trained on rank after the others,
 * by POP among themselves.
 *
 * Indices are a world's own: factors learned in one world mean nothing in another (another world
 * has other users and streamers under the same numbers). Each new platform starts with fresh
 * factors, trained from the start on the training log of its world when one is given (tuning.ts
 * gives the viewings logged in the training runs of the evaluation's world).
 */
import type { Platform, StepResult } from "../../sim/platform.js";
import type { SimPolicy } from "../../sim/policy.js";
import { TICKS_PER_HOUR } from "../../sim/time.js";
import { BprModel } from "./bpr-model.js";
import { checkInteractions, type Interactions } from "./interactions.js";
import { ViewingCounts } from "./popularity.js";
import { writeTopK } from "./top-k.js";

export interface BprMfOptions {
  /** Latent factors per user and streamer (default 16). */
  readonly factors?: number;
  /** L2 regularisation of factors and biases (default 0.01). */
  readonly regularization?: number;
  /** SGD step size (default 0.05). */
  readonly learningRate?: number;
  /** Passes over the logged viewings at each full retraining (default 5). */
  readonly epochs?: number;
  /** Hours of simulated time between full retrainings (default 24: nightly). */
  readonly retrainHours?: number;
  /** SGD steps on each new viewing as soon as it is logged (online fold-in; default 5; 0 = none). */
  readonly onlineSteps?: number;
  /** Seed of the initial factors and of the sampling (default 0). */
  readonly seed?: number;
  /** Viewings of the same world to train on from the start. */
  readonly trainingLog?: Interactions;
}

export class BprMfPolicy implements SimPolicy {
  readonly name: string = "bpr-mf";
  readonly factors: number;
  readonly regularization: number;
  readonly learningRate: number;
  readonly epochs: number;
  readonly retrainHours: number;
  readonly onlineSteps: number;
  readonly seed: number;
  /** The POP fallback's counts. */
  readonly popularity = new ViewingCounts();
  private readonly trainingLog: Interactions | null;
  private platform: Platform | null = null;
  private modelNow: BprModel | null = null;
  /** Full retrainings done on the current platform. */
  retrainings = 0;
  private nextRetrain = 0;
  private liveSetTick = -1;
  private liveSet = -1;
  private score = new Float64Array(0);
  private popRow = new Int32Array(0);

  constructor(options: BprMfOptions = {}) {
    this.factors = options.factors ?? 16;
    this.regularization = options.regularization ?? 0.01;
    this.learningRate = options.learningRate ?? 0.05;
    this.epochs = options.epochs ?? 5;
    this.retrainHours = options.retrainHours ?? 24;
    this.onlineSteps = options.onlineSteps ?? 5;
    this.seed = options.seed ?? 0;
    this.trainingLog = options.trainingLog ?? null;
    const bad = (what: string, v: number, rule: string) => new RangeError(`BPR-MF: ${what} must be ${rule}, got ${v}`);
    if (!(Number.isInteger(this.factors) && this.factors >= 1)) throw bad("factors", this.factors, "a positive integer");
    if (!(this.regularization >= 0 && Number.isFinite(this.regularization))) throw bad("regularization", this.regularization, "a number >= 0");
    if (!(this.learningRate > 0 && Number.isFinite(this.learningRate))) throw bad("learningRate", this.learningRate, "a positive number");
    if (!(Number.isInteger(this.epochs) && this.epochs >= 0)) throw bad("epochs", this.epochs, "a whole number >= 0");
    if (!(this.retrainHours > 0 && Number.isFinite(this.retrainHours))) throw bad("retrainHours", this.retrainHours, "a positive number");
    if (!(Number.isInteger(this.onlineSteps) && this.onlineSteps >= 0)) throw bad("onlineSteps", this.onlineSteps, "a whole number >= 0");
    if (!Number.isInteger(this.seed)) throw bad("seed", this.seed, "an integer");
  }

  /** The model of the current platform (null before the first). */
  get model(): BprModel | null {
    return this.modelNow;
  }

  act(platform: Platform, actions: Int32Array): void {
    this.attach(platform);
    const model = this.modelNow!;
    const t = platform.tick;
    const live = platform.liveStreams, L = live.length, K = platform.slateSize, n = platform.nDeciding;
    if (this.liveSetTick !== t) {
      this.liveSetTick = t;
      this.liveSet = model.addLiveSet(live);
    }
    if (t >= this.nextRetrain) {
      if (model.logged > 0 && this.epochs > 0) {
        model.train(this.epochs);
        this.retrainings++;
      }
      const every = Math.max(1, Math.round(this.retrainHours * TICKS_PER_HOUR));
      this.nextRetrain = (Math.floor(t / every) + 1) * every;
    }

    // POP's slate, for users the model does not know, and POP's share of the fallback score.
    const counts = this.popularity.counts, score = this.score;
    let maxCount = 0;
    for (let j = 0; j < L; j++) {
      score[j] = counts[live[j]];
      if (score[j] > maxCount) maxCount = score[j];
    }
    writeTopK(live, score, L, K, this.popRow, 0);
    const popScale = 1 / (maxCount + 1);

    const users = platform.deciding;
    for (let i = 0; i < n; i++) {
      const u = users[i];
      if (!model.knowsUser(u)) {
        for (let q = 0; q < K; q++) actions[i * K + q] = this.popRow[q];
        continue;
      }
      let lowest = Infinity;
      for (let j = 0; j < L; j++) {
        if (!model.knowsStreamer(live[j])) continue;
        const v = (score[j] = model.score(u, live[j]));
        if (v < lowest) lowest = v;
      }
      // Streamers never trained on: below every known one, by POP.
      const floor = (lowest === Infinity ? 0 : lowest) - 2;
      for (let j = 0; j < L; j++) if (!model.knowsStreamer(live[j])) score[j] = floor + counts[live[j]] * popScale;
      writeTopK(live, score, L, K, actions, i);
    }
  }

  learn(result: StepResult, platform: Platform): void {
    this.attach(platform);
    const model = this.modelNow!;
    this.popularity.addStep(result);
    const liveSet = this.liveSetTick === result.tick ? this.liveSet : -1;
    for (let i = 0; i < result.n; i++) {
      const s = result.chosen[i];
      if (s < 0) continue;
      const r = model.log(result.users[i], s, liveSet);
      if (this.onlineSteps > 0) model.fold(r, this.onlineSteps);
    }
  }

  /** A platform not seen before starts a new run: fresh factors, an empty log (plus the training log). */
  private attach(platform: Platform): void {
    if (platform === this.platform) return;
    this.platform = platform;
    const U = platform.userCapacity, S = platform.catalogueSize;
    const model = new BprModel(U, S, { factors: this.factors, regularization: this.regularization, learningRate: this.learningRate }, this.seed);
    this.modelNow = model;
    this.score = new Float64Array(S);
    this.popRow = new Int32Array(platform.slateSize);
    this.liveSetTick = -1;
    this.liveSet = -1;
    this.nextRetrain = 0;
    this.retrainings = 0;
    this.popularity.reset(S);
    const log = this.trainingLog;
    if (log !== null) {
      checkInteractions(log, U, S, this.name);
      for (let r = 0; r < log.n; r++) {
        model.log(log.user[r], log.streamer[r], -1);
        this.popularity.add(log.streamer[r], 0);
      }
    }
  }
}
