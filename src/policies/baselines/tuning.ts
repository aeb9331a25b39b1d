/**
 * Fair tuning of the baselines: each one's hyper-parameters are chosen on TRAINING seeds only, by
 * the very figure the comparison reports, so no baseline is handicapped by a guess and none sees
 * the evaluation seeds.
 *
 * The protocol, the same for every policy:
 * - the grid is the policy's registry grid (or one given), the cartesian product of its values:
 *     pop     halfLifeDays in {0 (no decay), 3, 1}                                   3 settings
 *     bpr-mf  factors in {16, 32} x regularization in {0.001, 0.01} x epochs in {5, 20}  8 settings
 *     linucb  alpha in {0, 0.1, 0.3, 1} x lambda in {1, 10}                           8 settings
 *     random, most-viewed-now, rep and the oracles have nothing to tune;
 * - each setting runs one policy instance over the first three training seeds in order (a platform
 *   of the given config per seed) and scores the mean reward per user-day over those runs;
 * - the best mean wins (ties: the first in grid order); a learner then goes on over the other
 *   training seeds, so it has learned from every training run, as the DQN has.
 * A policy whose learning carries across platforms (LinUCB: its features describe streams and
 * users, not their indices) keeps what the winning instance learned over the training seeds, and
 * every evaluation run starts from a copy of it. POP and BPR-MF learn from viewings, which are tied
 * to one world's indices: when the training runs are the evaluation's world (`world`), each run of
 * a setting starts from the viewings logged in its earlier runs, and evaluation starts from all the
 * viewings the winning setting logged; in another world they start afresh with the tuned settings.
 */
import { Platform } from "../../sim/platform.js";
import type { SimConfig } from "../../sim/config.js";
import { runPolicy, type SimPolicy } from "../../sim/policy.js";
import type { Interactions } from "./interactions.js";
import type { UserPast } from "../user-past.js";
import type { PairPast } from "../pair-past.js";
import type { LinearUcbModel } from "./linear-ucb.js";
import { LinUcbPolicy } from "./linucb.js";
import { baselineSpec, createBaseline, resolveParams, type BaselineKind, type BaselineGrid, type BaselineParams } from "./registry.js";

/** Training seeds the grid is searched on, by default. */
export const TUNE_SEEDS = 3;

export interface TuningOptions {
  /** The platform to tune on (the same config as the evaluation, as a rule). */
  readonly config: SimConfig;
  /**
   * The world of the training runs (PlatformOptions.world), the evaluation's: the runs are that
   * world without its newcomers, and POP and BPR-MF carry their logged viewings to evaluation.
   * Default: each training seed is its own world.
   */
  readonly world?: number;
  /** Seeds of the training platforms; never the evaluation seeds. */
  readonly trainSeeds: readonly number[];
  /** How many of the training seeds (the first ones) the grid is searched on (default 3). */
  readonly tuneSeeds?: number;
  /** Grids by policy name, replacing the registry's (e.g. a smaller one for a quick run). */
  readonly grids?: Readonly<Record<string, BaselineGrid>>;
  /** Called after each training run with the runs done, the runs planned and what ran. */
  readonly onProgress?: (done: number, total: number, label: string) => void;
  /**
   * Readers of the users' past (LinUCB) also keep each pair's record of past weeks (as the DQN
   * does with dqn.pairPast, so that both read the same facts); in one world only. Default false.
   */
  readonly pairPast?: boolean;
}

/** One setting tried: its parameters and its reward per user-day on each training seed and on average. */
export interface GridPointResult {
  readonly params: BaselineParams;
  readonly perSeed: number[];
  readonly reward_per_user_day: number;
}

/** How a policy was tuned: plain JSON, for the compare report. */
export interface TuningRecord {
  readonly policy: string;
  readonly criterion: "reward_per_user_day";
  readonly trainSeeds: number[];
  readonly grid: Record<string, number[]>;
  /** Every setting tried, in grid order (empty when there was nothing to tune). */
  readonly results: GridPointResult[];
  /** The parameters used for evaluation (all of them, defaults included). */
  readonly chosen: BaselineParams;
  /** Whether evaluation starts from what the chosen setting learned on the training seeds. */
  readonly warmStarted: boolean;
  /** One plain sentence saying how it was tuned. */
  readonly summary: string;
}

/** A baseline ready for evaluation: tuned, and warm-started where its learning carries. */
export interface PreparedBaseline {
  readonly name: string;
  readonly kind: BaselineKind;
  readonly params: BaselineParams;
  readonly tuning: TuningRecord;
  /** A fresh policy for one evaluation run (with its own copy of any warm start). */
  create(seed: number): SimPolicy;
}

/** The settings of a grid, in order (the last parameter varies fastest). */
export function gridPoints(grid: BaselineGrid): BaselineParams[] {
  let points: Record<string, number>[] = [{}];
  for (const [key, values] of Object.entries(grid)) {
    if (values.length === 0) throw new Error(`tuning grid: "${key}" lists no values`);
    points = points.flatMap((p) => values.map((v) => ({ ...p, [key]: v })));
  }
  return points;
}

type PlanOptions = Pick<TuningOptions, "trainSeeds" | "grids" | "tuneSeeds" | "world">;

/** How one policy is tuned: its grid, the seeds the grid is searched on, and what carries to evaluation. */
function tuningPlan(name: string, options: PlanOptions) {
  const spec = baselineSpec(name);
  const grid = options.grids?.[name] ?? spec.grid;
  const seeds = [...options.trainSeeds];
  // The grid is searched on the first few training seeds; a learner then goes on over the rest.
  const tuneSeeds = seeds.slice(0, Math.max(1, options.tuneSeeds ?? TUNE_SEEDS));
  /** Learns from logged viewings of the evaluation's world (POP, BPR-MF with a world). */
  const logs = spec.learnsFromLog && options.world !== undefined;
  /** What it learns on training seeds carries to evaluation (a warm start or a log). */
  const goesOn = spec.warmStarts || logs;
  return { spec, grid, seeds, tuneSeeds, logs, goesOn, tuned: Object.keys(grid).length > 0 };
}

/** Runs needed to tune `names` (for a progress bar's total). */
export function tuningRuns(names: readonly string[], options: PlanOptions): number {
  let runs = 0;
  for (const name of names) {
    const { grid, seeds, tuneSeeds, goesOn, tuned } = tuningPlan(name, options);
    if (tuned || goesOn) runs += gridPoints(grid).length * tuneSeeds.length;
    if (goesOn) runs += seeds.length - tuneSeeds.length;
  }
  return runs;
}

/** Tunes each policy of `names` on the training seeds and readies it for evaluation. */
export function prepareBaselines(names: readonly string[], options: TuningOptions): PreparedBaseline[] {
  const counter = startTuning(names, options);
  return names.map((name) => readyBaseline(runToEnd(tuneSteps(name, options, counter))));
}

/**
 * prepareBaselines, letting the event loop turn after each training run: a comparison that tunes
 * in its main thread then hears Ctrl-C and its workers' messages meanwhile. Rejects with the
 * signal's reason once `signal` is aborted. The same baselines as prepareBaselines.
 */
export async function prepareBaselinesAsync(names: readonly string[], options: TuningOptions, signal?: AbortSignal): Promise<PreparedBaseline[]> {
  const counter = startTuning(names, options);
  const prepared: PreparedBaseline[] = [];
  for (const name of names) {
    const steps = tuneSteps(name, options, counter);
    for (;;) {
      signal?.throwIfAborted();
      const s = steps.next();
      if (s.done) {
        prepared.push(readyBaseline(s.value));
        break;
      }
      await new Promise((r) => setImmediate(r));
    }
  }
  return prepared;
}

/** Checks the seeds and every grid before the first run, so a typo does not cost the runs before it; returns the run counter. */
function startTuning(names: readonly string[], options: TuningOptions): { done: number; total: number } {
  if (options.trainSeeds.length === 0 && names.some((n) => Object.keys(options.grids?.[n] ?? baselineSpec(n).grid).length > 0)) {
    throw new Error("tuning needs at least one training seed");
  }
  for (const s of options.trainSeeds) if (!Number.isInteger(s)) throw new Error(`training seed ${s} is not an integer`);
  for (const name of names) {
    const grid = options.grids?.[name] ?? baselineSpec(name).grid;
    for (const [key, values] of Object.entries(grid)) for (const v of values) resolveParams(name, { [key]: v });
    gridPoints(grid);
  }
  return { done: 0, total: tuningRuns(names, options) };
}

/**
 * What tuning leaves of a baseline: its setting, how it was chosen, and what it learned on the
 * training seeds (a log, a warm start, the users' past). Plain data except warmStart and past.
 */
export interface TunedBaseline {
  readonly name: string;
  readonly params: BaselineParams;
  readonly tuning: TuningRecord;
  readonly trainingLog?: Interactions;
  readonly warmStart?: LinearUcbModel;
  readonly past?: UserPast;
  readonly pairPast?: PairPast;
}

/** A tuned baseline ready for evaluation runs (each gets a fresh policy with its own copy of any warm start). */
export function readyBaseline(t: TunedBaseline): PreparedBaseline {
  const { name, params, trainingLog, warmStart, past, pairPast } = t;
  return {
    name, kind: baselineSpec(name).kind, params, tuning: t.tuning,
    create: (seed) => createBaseline(name, { seed, params, warmStart, trainingLog, past, pairPast }),
  };
}

/**
 * Whether what tuning leaves of this baseline is plain data (no warm-started model, no users'
 * past), so it can be tuned in another thread and handed back (see tuning-worker.ts).
 */
export function tunesToPlainData(name: string): boolean {
  const spec = baselineSpec(name);
  return !spec.warmStarts && !spec.readsPast;
}

/** Tunes one baseline (see prepareBaselines). */
export function tuneBaseline(name: string, options: TuningOptions): TunedBaseline {
  return runToEnd(tuneSteps(name, options, { done: 0, total: tuningRuns([name], options) }));
}

/** Steps to the end at once. */
function runToEnd<T>(steps: Generator<void, T>): T {
  for (;;) {
    const s = steps.next();
    if (s.done) return s.value;
  }
}

/** Tunes one baseline (see prepareBaselines), one training run a step. */
function* tuneSteps(name: string, options: TuningOptions, counter: { done: number; total: number }): Generator<void, TunedBaseline> {
  const { spec, grid, seeds, tuneSeeds, logs, goesOn, tuned } = tuningPlan(name, options);
  const results: GridPointResult[] = [];
  let best = -1;
  let warmStart: LinearUcbModel | undefined;
  let trainingLog: Interactions | undefined;
  let past: UserPast | undefined;
  let pairPast: PairPast | undefined;
  const world = options.world;
  // The logged runs (one per training seed, each sim.days long) a learner from logs gets: the latest ones within its window.
  const window = spec.logWindowDays === undefined ? Infinity : Math.max(1, Math.ceil(spec.logWindowDays / options.config.days));
  const recent = (logged: Interactions[]) => logged.slice(Math.max(0, logged.length - window));
  const platformFor = (seed: number) =>
    world === undefined ? new Platform(options.config, seed) : new Platform(options.config, seed, { world, withholdNewcomers: true });
  /** Runs `policy` (a learner from logs: a fresh one from the logs so far) on `seed`; returns the policy that ran. */
  const runOn = (policy: SimPolicy, point: BaselineParams, seed: number, logged: Interactions[], perSeed: number[]): SimPolicy => {
    // A learner from logs starts each run from what it logged in the earlier runs of this world.
    if (logged.length > 0) policy = createBaseline(name, { seed: seeds[0] ?? 0, params: point, trainingLog: concatInteractions(recent(logged)) });
    const platform = platformFor(seed);
    const viewings = logs ? platform.recordViewings() : null;
    perSeed.push(runPolicy(platform, policy).metrics.reward_per_user_day);
    policy.endRun?.(platform);
    if (viewings) logged.push(viewings);
    options.onProgress?.(++counter.done, counter.total, `${name} ${describe(point)} seed ${seed}`);
    return policy;
  };
  let bestPolicy: SimPolicy | null = null;
  let bestLogged: Interactions[] = [];
  if (tuned || goesOn) {
    for (const point of gridPoints(grid)) {
      // A reader of the users' past starts with none and grows it run by run (in one world only:
      // user indices mean nothing across worlds).
      const reads = spec.readsPast && world !== undefined;
      let policy = createBaseline(name, { seed: seeds[0] ?? 0, params: point, ...(reads ? { past: true } : {}), ...(reads && options.pairPast ? { pairPast: true } : {}) });
      const perSeed: number[] = [];
      const logged: Interactions[] = [];
      for (const seed of tuneSeeds) {
        policy = runOn(policy, point, seed, logged, perSeed);
        yield;
      }
      const mean = perSeed.reduce((a, b) => a + b, 0) / Math.max(1, perSeed.length);
      results.push({ params: point, perSeed, reward_per_user_day: mean });
      if (best < 0 || mean > results[best].reward_per_user_day) {
        best = results.length - 1;
        bestPolicy = policy;
        bestLogged = logged;
      }
    }
  }
  // The winner goes on over the other training seeds (learning on, logging on).
  if (bestPolicy !== null && goesOn) {
    for (const seed of seeds.slice(tuneSeeds.length)) {
      bestPolicy = runOn(bestPolicy, results[best].params, seed, bestLogged, []);
      yield;
    }
    if (spec.warmStarts && bestPolicy instanceof LinUcbPolicy && bestPolicy.model !== null) {
      warmStart = bestPolicy.snapshot();
      past = bestPolicy.past ?? undefined;
      pairPast = bestPolicy.pairPast ?? undefined;
    }
    if (logs) trainingLog = concatInteractions(recent(bestLogged));
  }
  const chosen = resolveParams(name, best >= 0 ? results[best].params : {});
  const record: TuningRecord = {
    policy: name,
    criterion: "reward_per_user_day",
    trainSeeds: seeds,
    grid: Object.fromEntries(Object.entries(grid).map(([k, v]) => [k, [...v]])),
    results,
    chosen,
    warmStarted: warmStart !== undefined || trainingLog !== undefined,
    summary: summarize(name, grid, results, best, chosen, tuneSeeds, seeds, warmStart !== undefined, trainingLog?.n, Math.min(window, seeds.length), past?.weeks, pairPast !== undefined),
  };
  return { name, params: chosen, tuning: record, trainingLog, warmStart, past, pairPast };
}

/** The rows of several logs, one after the other. */
function concatInteractions(logs: readonly Interactions[]): Interactions {
  const n = logs.reduce((a, l) => a + l.n, 0);
  const out = { n, user: new Int32Array(n), streamer: new Int32Array(n), tick: new Int32Array(n) };
  let at = 0;
  for (const l of logs) {
    out.user.set(l.user.subarray(0, l.n), at);
    out.streamer.set(l.streamer.subarray(0, l.n), at);
    out.tick.set(l.tick.subarray(0, l.n), at);
    at += l.n;
  }
  return out;
}

function describe(p: BaselineParams): string {
  return Object.entries(p).map(([k, v]) => `${k}=${v}`).join(" ");
}

function summarize(
  name: string, grid: BaselineGrid, results: GridPointResult[], best: number, chosen: BaselineParams,
  seeds: number[], allSeeds: number[], warm: boolean, logRows?: number, logRunsKept?: number, pastWeeks?: number, pairPast = false,
): string {
  const params = Object.keys(chosen).length ? ` (${describe(chosen)})` : "";
  const where = allSeeds.length > seeds.length ? `over training seeds ${allSeeds.join(", ")}` : "there";
  const windowed = logRunsKept !== undefined && logRunsKept < allSeeds.length;
  const fromLog = logRows === undefined ? "" : `; evaluation starts from the ${logRows} viewings it logged ` +
    (windowed ? `in the last ${logRunsKept} training runs (seeds ${allSeeds.slice(-logRunsKept).join(", ")}; its log window)` : where);
  if (Object.keys(grid).length === 0) {
    return `${name}: nothing to tune${params}` + (warm ? `; warm-started by a run over training seeds ${allSeeds.join(", ")}` : "") + fromLog + ".";
  }
  const space = Object.entries(grid).map(([k, v]) => `${k} in {${v.join(", ")}}`).join(" x ");
  const rewards = results.map((r) => r.reward_per_user_day);
  return (
    `${name}: chose ${describe(results[best].params)} from ${space} (${results.length} settings) by mean reward per user-day ` +
    `on training seed${seeds.length > 1 ? "s" : ""} ${seeds.join(", ")}: ${rewards[best].toFixed(3)} ` +
    `(settings ranged ${Math.min(...rewards).toFixed(3)} to ${Math.max(...rewards).toFixed(3)})` +
    (warm ? `; evaluation starts from the model it learned ${where}` : "") + fromLog +
    (pastWeeks === undefined ? "" : `, and the users' ${pairPast ? "and the pairs' " : ""}past of its ${pastWeeks} training runs`) + "."
  );
}
