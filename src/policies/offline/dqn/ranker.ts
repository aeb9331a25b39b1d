/**
 * The offline DQN as a policy of LiveRec's protocol. `fit` learns from the training period:
 *
 * 1. Model selection on the validation window only: for each loss variant asked for (default: the
 *    configured one), a model is trained on the data before the validation window and scored on the
 *    validation targets after every epoch; the variant and epoch count with the best validation
 *    NDCG@10 over all targets win (the earliest on a tie, in the order given).
 * 2. The final model is trained with them, from the same seed, on everything before the evaluated
 *    window. The evaluated window (the test window) is never looked at before the final scoring.
 *
 * With a fixed `epochs` the search is skipped; with a pre-trained model (`liveq train-offline`),
 * `fit` only checks that the model saw no data of the evaluated window and maps streamer ids.
 */
import { CheckpointError } from "../../../core/checkpoint/bundle.js";
import type { InteractionLog } from "../../../data/interaction-log.js";
import type { OfflineRanker, TargetContext, TrainView } from "../../../eval/offline/offline-ranker.js";
import type { SegmentedMetrics } from "../../../eval/offline/rank-metrics.js";
import { parseOfflineDqnConfig, type LossVariant, type OfflineDqnConfig, type OfflineDqnConfigInput } from "./config.js";
import { OfflineDqnModel, type OfflineDqnProvenance } from "./model.js";
import { OfflineQLearner, type EpochStats } from "./q-learner.js";
import { StreamerStats } from "./streamer-stats.js";
import { OfflineTransitions } from "./transitions.js";

export type TrainingPhase = "validation search" | "final training";

export interface OfflineDqnRankerOptions {
  /** Reported name (default "dqn"). */
  readonly name?: string;
  readonly config?: OfflineDqnConfigInput;
  /** Loss variants compared on the validation window (default: the config's variant only; with one variant and fixed epochs, no search). */
  readonly variants?: readonly LossVariant[];
  /** A trained model: fit only maps it onto the log. */
  readonly model?: OfflineDqnModel;
  /** Called after every gradient update with the updates done and planned in the phase. */
  readonly onProgress?: (phase: TrainingPhase, done: number, total: number) => void;
  /** A line of text after each validation check (variant, epoch, validation metrics, losses). */
  readonly onCheck?: (line: string) => void;
  /** One-line notes: the choice made, warnings. */
  readonly onNote?: (line: string) => void;
}

/** One validation check: a variant after some epochs. */
export interface ValidationCheck {
  readonly variant: LossVariant;
  readonly epoch: number;
  readonly metrics: SegmentedMetrics;
  readonly training: EpochStats;
}

/** What fit decided (null for a loaded model). */
export interface OfflineDqnSelection {
  readonly variant: LossVariant;
  readonly epochs: number;
  /** Validation NDCG@10 over all targets of the choice (NaN when the epochs were fixed). */
  readonly validationNdcg10: number;
  readonly checks: readonly ValidationCheck[];
}

export class OfflineDqnRanker implements OfflineRanker {
  readonly name: string;
  private model: OfflineDqnModel | null;
  private scorer: ModelScorer | null = null;
  private chosen: OfflineDqnSelection | null = null;
  private readonly pretrained: boolean;

  constructor(private readonly options: OfflineDqnRankerOptions = {}) {
    this.name = options.name ?? "dqn";
    this.model = options.model ?? null;
    this.pretrained = options.model !== undefined;
  }

  /** The trained model (after fit). */
  get trained(): OfflineDqnModel | null {
    return this.model;
  }

  /** How the variant and epochs were chosen (after fit; null for a loaded model). */
  get selection(): OfflineDqnSelection | null {
    return this.chosen;
  }

  async fit(train: TrainView): Promise<void> {
    if (this.pretrained) {
      const m = this.model!;
      if (m.cutoff > train.before) {
        throw new CheckpointError(
          `${this.name}: the model was trained on data up to step ${m.cutoff - 1}, which reaches into the evaluated window ` +
            `(it starts at step ${train.before}); train it on an earlier period or evaluate a later window`,
        );
      }
      if (m.provenance.availWindow !== train.availWindow) {
        this.options.onNote?.(`${this.name}: note: the model was trained with --avail-window ${m.provenance.availWindow}, evaluated with ${train.availWindow}`);
      }
      this.scorer = new ModelScorer(m, train.log);
      return;
    }
    const config = parseOfflineDqnConfig(this.options.config);
    const seed = (train.seed ^ Math.imul(config.seed, 0x9e3779b1)) >>> 0;
    const variants = this.options.variants ?? [config.variant];
    if (variants.length === 0) throw new RangeError(`${this.name}: no loss variant to train`);
    let variant = variants[0], epochs = config.epochs ?? 0, best = NaN;
    let byEpoch: number[] = [];
    const checks: ValidationCheck[] = [];
    if (config.epochs === undefined || variants.length > 1) {
      if (train.selection === null) throw new Error(`${this.name}: no fixed epochs and no validation window to choose them`);
      const search = await this.search(train, config, variants, seed, checks);
      ({ variant, epochs, best, byEpoch } = search);
      this.options.onNote?.(`${this.name}: chose variant=${variant} epochs=${epochs} (validation ndcg@10 ${best.toFixed(4)}, ${checks.length} checks)`);
    }
    const final = { ...config, variant, epochs };
    const model = this.trainModel(train, final, seed, "final training", epochs);
    model.provenance = {
      availWindow: train.availWindow,
      epochs,
      validation: byEpoch.length > 0 ? { metric: "ndcg@10 over all validation targets", byEpoch, chosenEpoch: epochs } : null,
    };
    this.model = model;
    this.chosen = { variant, epochs, validationNdcg10: best, checks };
    this.scorer = new ModelScorer(model, train.log);
  }

  score(ctx: TargetContext, candidates: Int32Array, out: Float64Array): void {
    if (this.scorer === null) throw new Error(`${this.name}: score before fit`);
    this.scorer.score(ctx, candidates, out);
  }

  private async search(
    train: TrainView,
    config: OfflineDqnConfig,
    variants: readonly LossVariant[],
    seed: number,
    checks: ValidationCheck[],
  ): Promise<{ variant: LossVariant; epochs: number; best: number; byEpoch: number[] }> {
    const selection = train.selection!;
    const maxEpochs = config.epochs ?? config.maxEpochs;
    const data = new OfflineTransitions(selection.train, config);
    const stats = StreamerStats.fromTrainView(selection.train, data.available.first);
    const total = variants.length * maxEpochs * Math.ceil(data.count / config.batchSize);
    let done = 0;
    let best: { variant: LossVariant; epochs: number; best: number; byEpoch: number[] } | null = null;
    for (const variant of variants) {
      const cfg = { ...config, variant };
      const model = new OfflineDqnModel(cfg, stats, selection.train.log.streamerIds, emptyProvenance(train), seed);
      const learner = new OfflineQLearner(model, data, seed);
      const scorer = new ModelScorer(model, selection.train.log);
      const probe: OfflineRanker = { name: this.name, fit: () => {}, score: (ctx, c, out) => scorer.score(ctx, c, out) };
      const byEpoch: number[] = [];
      for (let e = 1; e <= maxEpochs; e++) {
        const training = learner.epoch(() => this.options.onProgress?.("validation search", ++done, total));
        const metrics = await selection.evaluate(probe);
        const ndcg = metrics.all["ndcg@10"];
        byEpoch.push(ndcg);
        checks.push({ variant, epoch: e, metrics, training });
        this.options.onCheck?.(
          `${this.name} ${variant} epoch ${e}: validation ndcg@10 ${ndcg.toFixed(4)} hr@1 ${metrics.all["hr@1"].toFixed(4)} ` +
            `new hr@10 ${fmt(metrics.new["hr@10"])} (td ${training.tdLoss.toFixed(4)}, extra ${training.extraLoss.toFixed(4)}, mean Q ${training.meanQ.toFixed(3)})`,
        );
        if (best === null || ndcg > best.best) best = { variant, epochs: e, best: ndcg, byEpoch };
      }
    }
    return best!;
  }

  private trainModel(train: TrainView, config: OfflineDqnConfig, seed: number, phase: TrainingPhase, epochs: number): OfflineDqnModel {
    const data = new OfflineTransitions(train, config);
    const stats = StreamerStats.fromTrainView(train, data.available.first);
    const model = new OfflineDqnModel(config, stats, train.log.streamerIds, emptyProvenance(train), seed);
    const learner = new OfflineQLearner(model, data, seed);
    const total = epochs * learner.updatesPerEpoch;
    let done = 0;
    for (let e = 0; e < epochs; e++) learner.epoch(() => this.options.onProgress?.(phase, ++done, total));
    return model;
  }
}

function emptyProvenance(train: TrainView): OfflineDqnProvenance {
  return { availWindow: train.availWindow, epochs: 0, validation: null };
}

function fmt(x: number): string {
  return Number.isNaN(x) ? "-" : x.toFixed(4);
}

/**
 * Scores a log's targets with a model: translates the log's streamer indices to the model's (a
 * streamer the model never saw gets an index of its own past the model's catalogue), then lets the
 * model score. Buffers are reused from target to target.
 */
export class ModelScorer {
  private readonly toModel: Int32Array;
  private history = new Int32Array(0);
  private candidates = new Int32Array(0);
  private readonly identity: boolean;

  constructor(
    private readonly model: OfflineDqnModel,
    log: InteractionLog,
  ) {
    const S = model.stats.streamers;
    const index = new Map<string, number>();
    model.streamerIds.forEach((id, i) => index.set(id, i));
    this.toModel = new Int32Array(log.streamerIds.length);
    let identity = log.streamerIds.length === S, unknown = 0;
    log.streamerIds.forEach((id, i) => {
      const m = index.get(id);
      if (m === undefined) unknown++;
      this.toModel[i] = m ?? S + i;
      if (m !== i) identity = false;
    });
    this.identity = identity;
    if (unknown > 0) model.encoder.ensureSlots(S + log.streamerIds.length);
  }

  score(ctx: TargetContext, candidates: Int32Array, out: Float64Array): void {
    if (this.identity) {
      this.model.score(ctx.historyStreamers, ctx.historySteps, ctx.step, candidates, out);
      return;
    }
    const h = ctx.historyStreamers.length, n = candidates.length;
    if (this.history.length < h) this.history = new Int32Array(h * 2);
    if (this.candidates.length < n) this.candidates = new Int32Array(n * 2);
    for (let i = 0; i < h; i++) this.history[i] = this.toModel[ctx.historyStreamers[i]];
    for (let i = 0; i < n; i++) this.candidates[i] = this.toModel[candidates[i]];
    this.model.score(this.history.subarray(0, h), ctx.historySteps, ctx.step, this.candidates.subarray(0, n), out);
  }
}
