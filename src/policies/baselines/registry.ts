/**
 * Every policy `liveq compare` can run against the DQN, by name: the simulator's reference policies
 * (random, most-viewed-now and the two oracles) and the platform baselines of this folder (POP,
 * REP, BPR-MF, LinUCB). Each entry says what kind of policy it is (an oracle reads the hidden truth,
 * a baseline does not), its hyper-parameters with their defaults, the grid that tuning.ts searches
 * on training seeds, and how to build one.
 */
import type { SimPolicy } from "../../sim/policy.js";
import { LookaheadOraclePolicy } from "../reference/lookahead-oracle.js";
import { MostViewedNowPolicy } from "../reference/most-viewed-now.js";
import { MyopicOraclePolicy } from "../reference/myopic-oracle.js";
import { RandomPolicy } from "../reference/random.js";
import { BprMfPolicy } from "./bpr-mf.js";
import type { Interactions } from "./interactions.js";
import type { LinearUcbModel } from "./linear-ucb.js";
import { LinUcbPolicy } from "./linucb.js";
import type { UserPast } from "../user-past.js";
import type { PairPast } from "../pair-past.js";
import { PopularityPolicy } from "./popularity.js";
import { RepeatPolicy } from "./repeat.js";

/** Hyper-parameters by name (numbers only, so a tuning record is plain JSON). */
export type BaselineParams = Readonly<Record<string, number>>;
/** The values tried for each tuned hyper-parameter; the grid is their cartesian product. */
export type BaselineGrid = Readonly<Record<string, readonly number[]>>;

/** "oracle": reads the simulator's hidden truth (a bar, not a competitor); "baseline": sees only observations. */
export type BaselineKind = "baseline" | "oracle";

export interface BaselineCreateOptions {
  /** Seeds the policy's own randomness (random, BPR-MF); the others ignore it. */
  readonly seed: number;
  /** Hyper-parameters, over the defaults; an unknown name is refused. */
  readonly params?: BaselineParams;
  /** LinUCB only: the model learned on training seeds, to go on from (copied). */
  readonly warmStart?: LinearUcbModel;
  /** POP and BPR-MF only: viewings logged in training runs of the same world, to start from. */
  readonly trainingLog?: Interactions;
  /**
   * Policies that read the users' past (LinUCB): true = start an empty one that grows at the end
   * of each run (training runs of one world); a UserPast = what training learned (copied, read).
   */
  readonly past?: boolean | UserPast;
  /**
   * Policies that read the users' past (LinUCB) can read the pairs' past too (what the DQN reads
   * with dqn.pairPast): true = start an empty record that its runs grow; a PairPast = read as it is.
   */
  readonly pairPast?: boolean | PairPast;
}

export interface BaselineSpec {
  readonly name: string;
  readonly kind: BaselineKind;
  readonly description: string;
  /** Every hyper-parameter with its default. */
  readonly defaults: BaselineParams;
  /** What tuning searches on training seeds ({} = nothing to tune). */
  readonly grid: BaselineGrid;
  /** Whether what it learns on training seeds carries to new platforms (a warm start). */
  readonly warmStarts: boolean;
  /** Whether it learns from a log of viewings in its world (indices of users and streamers). */
  readonly learnsFromLog: boolean;
  /**
   * With learnsFromLog: how many of the latest days of the log it learns from (default: all). A
   * learner that retrains on its whole log every night costs more with every week of history
   * (quadratically over a run of weeks); a window keeps it to what production retraining uses.
   */
  readonly logWindowDays?: number;
  /** Whether it reads the users' past weeks (src/policies/user-past.ts) when runs share a world. */
  readonly readsPast?: boolean;
  create(seed: number, params: BaselineParams, warmStart: LinearUcbModel | undefined, trainingLog: Interactions | undefined, past: boolean | UserPast | undefined, pairPast: boolean | PairPast | undefined): SimPolicy;
}

const SPECS: readonly BaselineSpec[] = [
  {
    name: "random", kind: "baseline", description: "a uniformly random slate of live streams (the floor)",
    defaults: {}, grid: {}, warmStarts: false, learnsFromLog: false,
    create: (seed) => new RandomPolicy(seed),
  },
  {
    name: "most-viewed-now", kind: "baseline", description: "the live streams with the most viewers at this moment",
    defaults: {}, grid: {}, warmStarts: false, learnsFromLog: false,
    create: () => new MostViewedNowPolicy(),
  },
  {
    name: "pop", kind: "baseline",
    description: "POP: the live streams with the most viewings so far on the platform (optionally recency-weighted)",
    defaults: { halfLifeDays: 0 }, grid: { halfLifeDays: [0, 3, 1] }, warmStarts: false, learnsFromLog: true,
    create: (_seed, p, _warm, trainingLog) => new PopularityPolicy({ halfLifeDays: p.halfLifeDays, trainingLog }),
  },
  {
    name: "rep", kind: "baseline", description: "REP: the live streamer this user watched most, then POP",
    defaults: {}, grid: {}, warmStarts: false, learnsFromLog: false,
    create: () => new RepeatPolicy(),
  },
  {
    name: "bpr-mf", kind: "baseline",
    description: "matrix factorisation trained with BPR on the viewings logged so far (nightly retraining, online fold-in), POP for the unknown",
    defaults: { factors: 16, regularization: 0.01, epochs: 5, learningRate: 0.05, retrainHours: 24, onlineSteps: 5 },
    grid: { factors: [16, 32], regularization: [0.001, 0.01], epochs: [5, 20] },
    // The last four weeks of viewings: retraining nightly on 40 weeks took most of a demo's time.
    warmStarts: false, learnsFromLog: true, logWindowDays: 28,
    create: (seed, p, _warm, trainingLog) => new BprMfPolicy({
      seed, factors: p.factors, regularization: p.regularization, epochs: p.epochs, learningRate: p.learningRate,
      retrainHours: p.retrainHours, onlineSteps: p.onlineSteps, trainingLog,
    }),
  },
  {
    name: "linucb", kind: "baseline",
    description: "LinUCB: a shared linear contextual bandit on stream, pair and user-category features (this week's and past weeks'), learning online",
    defaults: { alpha: 0.3, lambda: 1 }, grid: { alpha: [0, 0.1, 0.3, 1], lambda: [1, 10] }, warmStarts: true, learnsFromLog: false, readsPast: true,
    create: (_seed, p, warmStart, _log, past, pairPast) => new LinUcbPolicy({ alpha: p.alpha, lambda: warmStart ? undefined : p.lambda, warmStart, past, pairPast }),
  },
  {
    name: "linucb-without-past", kind: "baseline",
    description: "diagnostic: LinUCB without the users' past weeks (this week's category shares only), as before the past existed",
    defaults: { alpha: 0.3, lambda: 1 }, grid: { alpha: [0, 0.1, 0.3, 1], lambda: [1, 10] }, warmStarts: true, learnsFromLog: false,
    create: (_seed, p, warmStart) => new LinUcbPolicy({ alpha: p.alpha, lambda: warmStart ? undefined : p.lambda, warmStart, name: "linucb-without-past" }),
  },
  {
    name: "myopic-oracle", kind: "oracle", description: "reads the hidden truth: the best expected immediate reward",
    defaults: {}, grid: {}, warmStarts: false, learnsFromLog: false,
    create: () => new MyopicOraclePolicy(),
  },
  {
    name: "oracle-without-pair-appeal", kind: "oracle",
    description: "diagnostic: the myopic oracle without the pair's idiosyncratic appeal (what only this user's feedback on this streamer reveals)",
    defaults: {}, grid: {}, warmStarts: false, learnsFromLog: false,
    create: () => new MyopicOraclePolicy("tastes"),
  },
  {
    name: "oracle-of-interests", kind: "oracle",
    description: "diagnostic: the myopic oracle knowing category interests, quality, familiarity and fatigue, not the latent tastes' match nor the pair's appeal",
    defaults: {}, grid: {}, warmStarts: false, learnsFromLog: false,
    create: () => new MyopicOraclePolicy("interests"),
  },
  {
    name: "lookahead-oracle", kind: "oracle", description: "reads the hidden truth: immediate reward plus a one-step look at follows, returns and satisfaction",
    defaults: {}, grid: {}, warmStarts: false, learnsFromLog: false,
    create: () => new LookaheadOraclePolicy(),
  },
];

/** Names of every policy known, in the order reports list them. */
export function baselineNames(): string[] {
  return SPECS.map((s) => s.name);
}

/** The entry of `name`; throws naming the known policies. */
export function baselineSpec(name: string): BaselineSpec {
  const spec = SPECS.find((s) => s.name === name);
  if (!spec) throw new Error(`unknown policy "${name}"; known policies: ${baselineNames().join(", ")}`);
  return spec;
}

/** The full parameters of `name`: its defaults with `params` laid over them (unknown or non-finite values refused). */
export function resolveParams(name: string, params: BaselineParams = {}): BaselineParams {
  const spec = baselineSpec(name);
  const known = Object.keys(spec.defaults);
  for (const [key, value] of Object.entries(params)) {
    if (!known.includes(key)) {
      throw new Error(`policy "${name}" has no parameter "${key}"; ${known.length ? `its parameters: ${known.join(", ")}` : "it takes none"}`);
    }
    if (typeof value !== "number" || !Number.isFinite(value)) throw new Error(`policy "${name}": parameter "${key}" must be a finite number, got ${String(value)}`);
  }
  return { ...spec.defaults, ...params };
}

/** A policy by name. */
export function createBaseline(name: string, options: BaselineCreateOptions): SimPolicy {
  const spec = baselineSpec(name);
  if (options.warmStart !== undefined && !spec.warmStarts) throw new Error(`policy "${name}" takes no warm start`);
  if (options.trainingLog !== undefined && !spec.learnsFromLog) throw new Error(`policy "${name}" takes no training log`);
  if (options.past !== undefined && options.past !== false && !spec.readsPast) throw new Error(`policy "${name}" reads no users' past`);
  if (options.pairPast !== undefined && options.pairPast !== false && !spec.readsPast) throw new Error(`policy "${name}" reads no pairs' past`);
  return spec.create(options.seed, resolveParams(name, options.params), options.warmStart, options.trainingLog, options.past, options.pairPast);
}
