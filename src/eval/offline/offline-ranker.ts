/**
 * What a policy must do to be evaluated on logs: learn from the training period (`fit`), then score
 * the candidates of each target (`score`). The protocol calls `score` once per target with a context
 * that it reuses, so a ranker must not keep references to the context or its arrays.
 *
 * To plug in a model (a DQN, say): implement OfflineRanker, register a factory under a name in an
 * OfflinePolicyRegistry (see src/policies/offline/registry.ts), and `liveq offline-eval --policies
 * NAME` evaluates it beside the baselines.
 */
import type { InteractionLog } from "../../data/interaction-log.js";
import type { AvailabilitySweep } from "./availability.js";
import type { WindowName } from "./evaluation-window.js";
import type { SegmentedMetrics } from "./rank-metrics.js";
import type { UserTimelines } from "./user-timelines.js";

/** The training period as a ranker sees it: the log, cut at the first step of the evaluated window. */
export interface TrainView {
  readonly log: InteractionLog;
  /**
   * Every user's interactions in time order (step, then file order), the whole log. Training data are
   * the positions offset[u] .. trainEnd[u] - 1 of each user u.
   */
  readonly timelines: UserTimelines;
  /** First step that is not training data (the first step of the evaluated window). */
  readonly before: number;
  /** Per user, the end (exclusive) of their training positions in `timelines`. */
  readonly trainEnd: Int32Array;
  /** Number of training interactions. */
  readonly rows: number;
  /** W of the availability rule, for logs without stop steps. */
  readonly availWindow: number;
  /** A fresh sweep over which streamers are live when (to replay the log as the protocol sees it). */
  availability(): AvailabilitySweep;
  /**
   * Model selection on the validation window, for rankers with hyper-parameters or early stopping.
   * Null inside a selection (no nesting).
   */
  readonly selection: ModelSelection | null;
  /** Seed for every random choice of the ranker. */
  readonly seed: number;
}

/**
 * The validation window, for choosing hyper-parameters: train on `train` (everything before the
 * validation window), then `evaluate` scores the fitted ranker on the validation targets. When the
 * evaluated window is the test window, its data never enter here.
 */
export interface ModelSelection {
  readonly window: WindowName;
  readonly train: TrainView;
  /** Scores an already fitted ranker on the validation targets (does not call fit). */
  evaluate(ranker: OfflineRanker): Promise<SegmentedMetrics>;
}

/**
 * One target as the ranker sees it: whose, when, and their history before it. The target streamer
 * itself is not given. The object and its arrays are reused from target to target.
 */
export interface TargetContext {
  /** Dense user index. */
  readonly user: number;
  /** The step of the target interaction: the moment of the recommendation. */
  readonly step: number;
  /** The streamers of the user's history, oldest first (a view into shared memory). */
  readonly historyStreamers: Int32Array;
  /** Their start steps, non-decreasing. */
  readonly historySteps: Int32Array;
}

export interface OfflineRanker {
  /** The name results are reported under (e.g. "pop"). */
  readonly name: string;
  /** Learns from the training period. Called once before any `score`. */
  fit(train: TrainView): void | Promise<void>;
  /**
   * Writes a score per candidate into out[0 .. candidates.length - 1]; higher ranks first. Candidates
   * are the streamers available at ctx.step in ascending index order, the target among them. A tie
   * with the target counts against the target, so constant scores rank it last. Scores are float64,
   * so that composite scores (a count, then a tie-break) stay exact.
   */
  score(ctx: TargetContext, candidates: Int32Array, out: Float64Array): void;
}
