/**
 * The evaluation protocol of LiveRec (Rappaz, McAuley and Aberer, RecSys 2021) over an interaction
 * log: the windows and their targets, the training view a ranker learns from, and the scoring loop
 * that ranks each target among the streamers available at its step.
 */
import type { InteractionLog } from "../../data/interaction-log.js";
import { lastStep } from "../../data/interaction-log.js";
import { AvailabilitySweep } from "./availability.js";
import { selectTargets, windowBounds, WINDOW_NAMES, type WindowName, type WindowTargets } from "./evaluation-window.js";
import type { ModelSelection, OfflineRanker, TargetContext, TrainView } from "./offline-ranker.js";
import { segmentedMetrics, targetRank, type SegmentedMetrics } from "./rank-metrics.js";
import { buildUserTimelines, type UserTimelines } from "./user-timelines.js";

export interface LiveRecOptions {
  /** W: without stop steps, a streamer is live at t when an interaction with it starts in [t - W, t]. Default 6. */
  readonly availWindow?: number;
  /** Length of the test and validation windows in steps. Default 250. */
  readonly windowLength?: number;
  /** Seed handed to rankers through their training view. Default 0. */
  readonly seed?: number;
}

/** The evaluation of some rankers on one window. */
export interface OfflineEvaluation {
  readonly window: WindowName;
  /** First and last step of the window (both included). */
  readonly first: number;
  readonly last: number;
  readonly targets: { readonly all: number; readonly new: number; readonly rep: number };
  /** Share of targets that are repeats. */
  readonly repeatRatio: number;
  /** Mean number of candidates per target. */
  readonly meanCandidates: number;
  readonly results: Record<string, SegmentedMetrics>;
  /** Per ranker, the rank of each target (targets in the order of WindowTargets). */
  readonly ranks: Record<string, Int32Array>;
}

/** Called after each target is scored, with the count done and the total. */
export type ProgressCallback = (done: number, total: number) => void;

export class LiveRecProtocol {
  readonly log: InteractionLog;
  readonly timelines: UserTimelines;
  /** T, the largest step of the log. */
  readonly lastStep: number;
  readonly availWindow: number;
  readonly windowLength: number;
  readonly seed: number;
  private readonly targetCache = new Map<WindowName, WindowTargets>();
  private sweep: AvailabilitySweep | null = null;

  constructor(log: InteractionLog, options: LiveRecOptions = {}) {
    this.availWindow = options.availWindow ?? 6;
    this.windowLength = options.windowLength ?? 250;
    this.seed = options.seed ?? 0;
    if (!Number.isInteger(this.availWindow) || this.availWindow < 0) {
      throw new RangeError(`availability window must be a non-negative integer number of steps, got ${options.availWindow}`);
    }
    if (!Number.isInteger(this.windowLength) || this.windowLength < 1) {
      throw new RangeError(`window length must be a positive integer number of steps, got ${options.windowLength}`);
    }
    if (log.n === 0) throw new RangeError("the log is empty");
    this.log = log;
    this.timelines = buildUserTimelines(log);
    this.lastStep = lastStep(log);
  }

  /** The targets of a window (computed once). */
  targets(window: WindowName): WindowTargets {
    if (!WINDOW_NAMES.includes(window)) throw new RangeError(`window must be one of ${WINDOW_NAMES.join(", ")}, got "${window}"`);
    let t = this.targetCache.get(window);
    if (!t) {
      const { first, last } = windowBounds(window, this.lastStep, this.windowLength);
      t = selectTargets(this.timelines, window, first, last);
      this.targetCache.set(window, t);
    }
    return t;
  }

  /**
   * What a ranker may learn from when it is evaluated on `window`: everything before the window. Its
   * model selection uses the validation window, trained on what precedes it; when `window` is itself
   * the validation window, selection and evaluation share it (figures are then optimistic, as always
   * on the data used for selection).
   */
  trainView(window: WindowName): TrainView {
    const first = this.targets(window).first;
    const validationFirst = this.targets("validation").first;
    const selectionTrain = this.makeView(validationFirst, null);
    const selection: ModelSelection = {
      window: "validation",
      train: selectionTrain,
      evaluate: async (ranker) => this.score("validation", [ranker]).results[ranker.name],
    };
    return window === "validation" ? { ...selectionTrain, selection } : this.makeView(first, selection);
  }

  /** Fits the rankers on the training view of `window`, then scores them on its targets. */
  async evaluate(window: WindowName, rankers: readonly OfflineRanker[], onProgress?: ProgressCallback): Promise<OfflineEvaluation> {
    const view = this.trainView(window);
    for (const ranker of rankers) await ranker.fit(view);
    return this.score(window, rankers, onProgress);
  }

  /**
   * Scores already fitted rankers on the targets of `window`. Targets are visited in step order while
   * one availability sweep moves forward; the candidate list and the score buffer are reused.
   */
  score(window: WindowName, rankers: readonly OfflineRanker[], onProgress?: ProgressCallback): OfflineEvaluation {
    const names = new Set<string>();
    for (const r of rankers) {
      if (names.has(r.name)) throw new Error(`two rankers are named "${r.name}"`);
      names.add(r.name);
    }
    const targets = this.targets(window);
    const { timelines } = this;
    const sweep = (this.sweep ??= new AvailabilitySweep(this.log, this.availWindow));
    sweep.reset();
    const streamers = this.log.streamerIds.length;
    const candidates = new Int32Array(streamers);
    const scores = new Float64Array(streamers);
    const ranks = rankers.map(() => new Int32Array(targets.count));
    const ctx = { user: 0, step: 0, historyStreamers: timelines.streamer.subarray(0, 0), historySteps: timelines.step.subarray(0, 0) };
    let totalCandidates = 0;
    for (let i = 0; i < targets.count; i++) {
      const u = targets.user[i], t = targets.step[i], s = targets.streamer[i];
      sweep.advanceTo(t);
      const k = sweep.copySorted(candidates);
      const cand = candidates.subarray(0, k);
      const at = binarySearch(cand, s);
      if (at < 0) throw new Error(`internal: the target streamer ${s} is not available at its own step ${t}`);
      totalCandidates += k;
      const begin = timelines.offset[u], end = targets.position[i];
      ctx.user = u;
      ctx.step = t;
      ctx.historyStreamers = timelines.streamer.subarray(begin, end);
      ctx.historySteps = timelines.step.subarray(begin, end);
      const out = scores.subarray(0, k);
      for (let r = 0; r < rankers.length; r++) {
        out.fill(0);
        rankers[r].score(ctx as TargetContext, cand, out);
        ranks[r][i] = targetRank(out, at);
      }
      onProgress?.(i + 1, targets.count);
    }
    const rep = targets.repeat.reduce((a, b) => a + b, 0);
    const results: Record<string, SegmentedMetrics> = {};
    const rankMap: Record<string, Int32Array> = {};
    rankers.forEach((r, j) => {
      results[r.name] = segmentedMetrics(ranks[j], targets.repeat);
      rankMap[r.name] = ranks[j];
    });
    return {
      window,
      first: targets.first,
      last: targets.last,
      targets: { all: targets.count, new: targets.count - rep, rep },
      repeatRatio: targets.count === 0 ? NaN : rep / targets.count,
      meanCandidates: targets.count === 0 ? NaN : totalCandidates / targets.count,
      results,
      ranks: rankMap,
    };
  }

  private makeView(before: number, selection: ModelSelection | null): TrainView {
    const { timelines } = this;
    const trainEnd = new Int32Array(timelines.users);
    let rows = 0;
    for (let u = 0; u < timelines.users; u++) {
      let k = timelines.offset[u];
      while (k < timelines.offset[u + 1] && timelines.step[k] < before) k++;
      trainEnd[u] = k;
      rows += k - timelines.offset[u];
    }
    return {
      log: this.log,
      timelines,
      before,
      trainEnd,
      rows,
      availWindow: this.availWindow,
      availability: () => new AvailabilitySweep(this.log, this.availWindow),
      selection,
      seed: this.seed,
    };
  }
}

function binarySearch(sorted: Int32Array, value: number): number {
  let lo = 0, hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < value) lo = mid + 1;
    else if (sorted[mid] > value) hi = mid - 1;
    else return mid;
  }
  return -1;
}
