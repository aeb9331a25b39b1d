/**
 * MF-BPR: matrix factorisation trained with Bayesian Personalised Ranking (Rendle et al., UAI 2009).
 * score(u, i) = p_u . q_i + b_i; each training interaction (u, i) at step t is a positive, paired
 * with a negative j drawn from the streamers live at t (or uniformly from all streamers), and SGD
 * raises log sigmoid(score(u, i) - score(u, j)) with L2 regularisation.
 *
 * Hyper-parameters are chosen on the validation window only: every configuration of the grid
 * (factors x regularisation x negative sampling) is trained on the data before the validation window
 * and scored on the validation targets every `checkEvery` epochs; the configuration and epoch count
 * with the best validation NDCG@10 over all targets win (the earliest on a tie, in grid order). The
 * final model is then trained with them on everything before the evaluated window. The test window is
 * never looked at before the final scoring.
 */
import { Rng } from "../../core/random/rng.js";
import { availabilityByStep, type AvailabilityByStep } from "../../eval/offline/availability.js";
import type { OfflineRanker, TargetContext, TrainView } from "../../eval/offline/offline-ranker.js";

export type NegativeSampling = "available" | "uniform";

export interface MfBprConfig {
  /** Latent dimensions. */
  readonly factors: number;
  /** L2 regularisation of the factors and biases. */
  readonly regularization: number;
  /** Where negatives come from: the streamers live at the positive's step, or all streamers. */
  readonly negatives: NegativeSampling;
  /** SGD step size. */
  readonly learningRate: number;
  /** Passes over the training interactions. */
  readonly epochs: number;
}

export interface MfBprOptions {
  /** Reported name (default "mf"). */
  readonly name?: string;
  /** A fixed configuration: skips the validation search. */
  readonly config?: MfBprConfig;
  /** The grid searched on the validation window (default DEFAULT_MF_GRID). */
  readonly grid?: MfBprGrid;
  /** Largest number of epochs tried, and how often validation is checked (defaults 40 and 5). */
  readonly maxEpochs?: number;
  readonly checkEvery?: number;
  /** Extra seed mixed with the protocol's (default 0). */
  readonly seed?: number;
  /** Called after each validation check with a line of text, the checks done and the checks planned. */
  readonly onCheck?: (message: string, done: number, total: number) => void;
  /** Called with a line of text naming the chosen configuration. */
  readonly onChosen?: (message: string) => void;
}

export interface MfBprGrid {
  readonly factors: readonly number[];
  readonly regularization: readonly number[];
  readonly negatives: readonly NegativeSampling[];
  readonly learningRate: number;
}

export const DEFAULT_MF_GRID: MfBprGrid = {
  factors: [32, 64],
  regularization: [1e-3, 1e-2],
  negatives: ["available", "uniform"],
  learningRate: 0.05,
};

/** What the validation search found (after fit). */
export interface MfBprSelection {
  readonly config: MfBprConfig;
  readonly validationNdcg10: number;
  readonly tried: number;
}

export class MfBprRanker implements OfflineRanker {
  readonly name: string;
  private model: MfModel | null = null;
  private chosen: MfBprSelection | null = null;

  constructor(private readonly options: MfBprOptions = {}) {
    this.name = options.name ?? "mf";
  }

  /** The configuration in use and how it was chosen (null before fit). */
  get selection(): MfBprSelection | null {
    return this.chosen;
  }

  async fit(train: TrainView): Promise<void> {
    const seed = (train.seed ^ Math.imul(this.options.seed ?? 0, 0x9e3779b1)) >>> 0;
    let config = this.options.config;
    if (config === undefined) {
      if (train.selection === null) throw new Error("mf: no fixed configuration and no validation window to choose one");
      this.chosen = await this.search(train, seed);
      config = this.chosen.config;
      this.options.onChosen?.(
        `${this.name}: chose factors=${config.factors} regularization=${config.regularization} negatives=${config.negatives} ` +
          `epochs=${config.epochs} (validation ndcg@10 ${this.chosen.validationNdcg10.toFixed(4)}, ${this.chosen.tried} checks)`,
      );
    } else {
      this.chosen = { config, validationNdcg10: NaN, tried: 0 };
    }
    const model = new MfModel(train, config, seed);
    for (let e = 0; e < config.epochs; e++) model.epoch();
    this.model = model;
  }

  score(ctx: TargetContext, candidates: Int32Array, out: Float64Array): void {
    this.model!.score(ctx.user, candidates, out);
  }

  private async search(train: TrainView, seed: number): Promise<MfBprSelection> {
    const selection = train.selection!;
    const grid = this.options.grid ?? DEFAULT_MF_GRID;
    const maxEpochs = this.options.maxEpochs ?? 40;
    const checkEvery = this.options.checkEvery ?? 5;
    let best: MfBprSelection | null = null;
    let tried = 0;
    const checksPerConfig = Math.floor(maxEpochs / checkEvery) + (maxEpochs % checkEvery === 0 ? 0 : 1);
    const total = grid.factors.length * grid.regularization.length * grid.negatives.length * checksPerConfig;
    for (const factors of grid.factors) {
      for (const regularization of grid.regularization) {
        for (const negatives of grid.negatives) {
          const config = { factors, regularization, negatives, learningRate: grid.learningRate, epochs: 0 };
          const model = new MfModel(selection.train, config, seed);
          const probe: OfflineRanker = { name: this.name, fit: () => {}, score: (ctx, c, out) => model.score(ctx.user, c, out) };
          for (let e = 1; e <= maxEpochs; e++) {
            model.epoch();
            if (e % checkEvery !== 0 && e !== maxEpochs) continue;
            const ndcg = (await selection.evaluate(probe)).all["ndcg@10"];
            tried++;
            this.options.onCheck?.(`${this.name} k=${factors} reg=${regularization} neg=${negatives} epochs=${e}: validation ndcg@10 ${ndcg.toFixed(4)}`, tried, total);
            if (best === null || ndcg > best.validationNdcg10) best = { config: { ...config, epochs: e }, validationNdcg10: ndcg, tried: 0 };
          }
        }
      }
    }
    return { ...best!, tried };
  }
}

/** The factors and the SGD loop. */
class MfModel {
  private readonly k: number;
  private readonly userFactors: Float32Array;
  private readonly itemFactors: Float32Array;
  private readonly itemBias: Float32Array;
  private readonly users: Int32Array;
  private readonly items: Int32Array;
  private readonly steps: Int32Array;
  private readonly order: Int32Array;
  private readonly available: AvailabilityByStep | null;
  private readonly rng: Rng;
  private readonly streamers: number;

  constructor(
    train: TrainView,
    private readonly config: MfBprConfig,
    seed: number,
  ) {
    if (!Number.isInteger(config.factors) || config.factors < 1) throw new RangeError(`mf: factors must be a positive integer, got ${config.factors}`);
    this.k = config.factors;
    this.rng = Rng.derive(seed, 0x6d66);
    const { timelines, trainEnd } = train;
    this.streamers = train.log.streamerIds.length;
    this.users = new Int32Array(train.rows);
    this.items = new Int32Array(train.rows);
    this.steps = new Int32Array(train.rows);
    let r = 0, minStep = Infinity;
    for (let u = 0; u < timelines.users; u++) {
      for (let p = timelines.offset[u]; p < trainEnd[u]; p++, r++) {
        this.users[r] = u;
        this.items[r] = timelines.streamer[p];
        this.steps[r] = timelines.step[p];
        if (timelines.step[p] < minStep) minStep = timelines.step[p];
      }
    }
    this.order = Int32Array.from({ length: train.rows }, (_, i) => i);
    this.available = config.negatives === "available" && train.rows > 0 ? availabilityByStep(train.availability(), minStep, train.before - 1) : null;
    this.userFactors = new Float32Array(timelines.users * this.k);
    this.itemFactors = new Float32Array(this.streamers * this.k);
    this.itemBias = new Float32Array(this.streamers);
    for (let i = 0; i < this.userFactors.length; i++) this.userFactors[i] = 0.1 * this.rng.normal();
    for (let i = 0; i < this.itemFactors.length; i++) this.itemFactors[i] = 0.1 * this.rng.normal();
  }

  /** One pass over the training interactions in a fresh random order. */
  epoch(): void {
    const { k, userFactors: P, itemFactors: Q, itemBias: B, rng } = this;
    const lr = this.config.learningRate, reg = this.config.regularization;
    rng.shuffle(this.order);
    for (let n = 0; n < this.order.length; n++) {
      const r = this.order[n];
      const u = this.users[r], i = this.items[r];
      const j = this.negative(i, this.steps[r]);
      if (j < 0) continue;
      const pu = u * k, qi = i * k, qj = j * k;
      let x = B[i] - B[j];
      for (let f = 0; f < k; f++) x += P[pu + f] * (Q[qi + f] - Q[qj + f]);
      const g = 1 / (1 + Math.exp(x)); // d/dx log sigmoid(x) = sigmoid(-x)
      for (let f = 0; f < k; f++) {
        const p = P[pu + f], a = Q[qi + f], b = Q[qj + f];
        P[pu + f] = p + lr * (g * (a - b) - reg * p);
        Q[qi + f] = a + lr * (g * p - reg * a);
        Q[qj + f] = b + lr * (-g * p - reg * b);
      }
      B[i] += lr * (g - reg * B[i]);
      B[j] += lr * (-g - reg * B[j]);
    }
  }

  /** A negative for positive i at step t, or -1 when no other streamer exists. */
  private negative(i: number, t: number): number {
    const av = this.available;
    if (av !== null) {
      const from = av.offset[t - av.first], to = av.offset[t - av.first + 1];
      if (to - from > 1) {
        for (;;) {
          const j = av.streamers[from + this.rng.int(to - from)];
          if (j !== i) return j;
        }
      }
    }
    if (this.streamers < 2) return -1;
    for (;;) {
      const j = this.rng.int(this.streamers);
      if (j !== i) return j;
    }
  }

  score(user: number, candidates: Int32Array, out: Float64Array): void {
    const { k, userFactors: P, itemFactors: Q, itemBias: B } = this;
    const pu = user * k;
    for (let c = 0; c < candidates.length; c++) {
      const qi = candidates[c] * k;
      let s = B[candidates[c]];
      for (let f = 0; f < k; f++) s += P[pu + f] * Q[qi + f];
      out[c] = s;
    }
  }
}
