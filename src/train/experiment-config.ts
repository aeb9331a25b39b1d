/**
 * The config of a training or comparison run, one JSON file: the platform (`sim`, the simulator's
 * keys), the DQN's hyper-parameters (`dqn`) and the training schedule (`training`). A file with
 * none of these three keys is read as a plain simulator config. Unknown keys are refused.
 */
import { z } from "zod";
import { parseSimConfig, type SimConfig } from "../sim/config.js";
import { DEFAULT_PLATFORM_DQN, type PlatformDqnHyper } from "./platform-dqn-config.js";

const pos = z.number().int().positive();
export const dqnHyperSchema = z
  .object({
    hidden: z.array(pos).min(1).max(6),
    embedding: pos,
    actionEmbeddings: z.boolean(),
    historyEmbeddings: z.boolean(),
    userEmbeddings: z.boolean(),
    userPast: z.boolean(),
    sketchSlots: z.number().int().min(0).max(256),
    pairPast: z.boolean(),
    pastSlots: z.number().int().min(0).max(256),
    pairTerm: z.boolean(),
    coldStartBonus: z.number().min(0).max(10),
    newUserFoldIn: z.boolean(),
    actionDropout: z.number().min(0).lt(1),
    gateEmbedding: z.number().int().min(0).max(1024),
    gateHidden: z.array(pos).min(1).max(6),
    gateLabelWeight: z.number().min(0).max(100),
    gamma: z.number().min(0).max(1),
    gammaPerHour: z.number().min(0).max(1),
    loss: z.enum(["huber", "mse", "poisson"]),
    nStep: z.number().int().min(1).max(20),
    doubleDqn: z.boolean(),
    lr: z.number().positive().max(1),
    embeddingLrScale: z.number().min(0).max(1000),
    outcomeDays: z.number().min(0).max(365),
    averageShare: z.number().min(0).max(1),
    batchSize: pos,
    replayCapacity: pos,
    tau: z.number().gt(0).max(1),
    explorationDecisions: z.number().int().min(0),
    explorationShare: z.number().gt(0).max(1),
    epsilonEnd: z.number().min(0).max(1),
    lrEnd: z.number().gt(0).max(1),
    lrDecayDecisions: z.number().int().min(0),
    learningStarts: z.number().int().min(0),
    trainEvery: z.number().int().min(0),
    updatesPerDay: z.number().positive().max(1e9),
  })
  .strict()
  .partial();

export const trainingSchema = z
  .object({
    /**
     * Days of this world's past to train on (the DQN) and learn from (the baselines): the training
     * runs are seeds 1, 2, ..., as many runs of `sim.days` as make at least this many days. So the
     * history a learner gets is the same length whatever the length of one run (half the days a
     * run, twice the runs), as a platform trains on its last months of logs. 420 days (60 weeks):
     * on validation weeks the DQN earned more from twice the 140 days with half the updates per
     * decision (the same training time) than from more updates on less data, and (sessions 5 and
     * 6, with the discount at 0) more from 420 days than from 280 at the same number of updates:
     * +2.8% and +0.3% on two agent seeds, +2.3% for the two served as one.
     */
    days: pos.max(100_000).default(420),
    /** Simulated runs (each `sim.days` long) to train on; default: one per training seed. */
    episodes: pos.optional(),
    /**
     * The world trained in and evaluated in: one platform (its streamers and users, with their
     * hidden tastes), as a recommender is trained on its own platform's past and serves its future.
     */
    world: z.number().int().default(0),
    /**
     * Seeds of the training runs: the same world on other days (held apart from evaluation seeds).
     * Default: 1, 2, ... enough for `days` (see above).
     */
    seeds: z.array(z.number().int()).min(1).optional(),
    /** Seed of the agent (weights, exploration, replay sampling). */
    agentSeed: z.number().int().default(1),
    /**
     * Agents of the feature head trained on the same runs and served as one by `liveq compare`
     * and `liveq demo`: agent seeds agentSeed, agentSeed + 1, ...; the ensemble recommends by the
     * mean of their scores (src/policies/dqn/ensemble.ts). On validation weeks two agents earned
     * 4.7% more than one (6.30 against 6.10 and 5.93), and four 1.0% more than two (6.36; on the
     * evaluation weeks +3.3%, README, session 8). Four were the default from session 9, when the
     * rest of the demo became cheap enough for them (BPR-MF's training and the classic head's sparse
     * input in the kernels); eight since session 13: two sets of four earned 6.579 and 6.541 on
     * validation weeks and the eight as one 6.729 (+2.3%), while eight trained on half the weeks
     * each (the same training time as four) earned 6.479: the ensemble averages away the scores'
     * noise, but each agent still needs all of the weeks. `liveq train` trains them too (one
     * checkpoint each); the classic head is one agent (agentSeed).
     */
    ensemble: z.number().int().min(1).max(16).default(8),
  })
  .strict();

/**
 * The training runs of an experiment, given its platform (call it after any override of
 * `sim.days`): the seeds as given, else 1 .. ceil(training.days / sim.days); one episode per seed
 * unless `training.episodes` says otherwise (the seeds are then taken in turn).
 */
export function trainingRuns(exp: ExperimentConfig): { seeds: number[]; episodes: number } {
  const t = exp.training;
  const seeds = t.seeds ? [...t.seeds] : Array.from({ length: Math.ceil(t.days / exp.sim.days) }, (_, i) => i + 1);
  return { seeds, episodes: t.episodes ?? seeds.length };
}

export interface ExperimentConfig {
  sim: SimConfig;
  dqn: PlatformDqnHyper;
  training: z.output<typeof trainingSchema>;
}

export function parseExperimentConfig(json: unknown, source = "config"): ExperimentConfig {
  const obj = (json ?? {}) as Record<string, unknown>;
  const combined = typeof obj === "object" && ("sim" in obj || "dqn" in obj || "training" in obj);
  if (!combined) return { sim: parseSimConfig(obj, source), dqn: { ...DEFAULT_PLATFORM_DQN }, training: trainingSchema.parse({}) };
  const extra = Object.keys(obj).filter((k) => !["sim", "dqn", "training"].includes(k));
  if (extra.length > 0) throw new RangeError(`${source}: unknown key "${extra[0]}" (allowed: sim, dqn, training)`);
  const dqn = dqnHyperSchema.safeParse(obj.dqn ?? {});
  if (!dqn.success) throw new RangeError(`${source}: ${dqn.error.issues.map((i) => `dqn.${i.path.join(".")}: ${i.message}`).join("; ")}`);
  const training = trainingSchema.safeParse(obj.training ?? {});
  if (!training.success) throw new RangeError(`${source}: ${training.error.issues.map((i) => `training.${i.path.join(".")}: ${i.message}`).join("; ")}`);
  // Action dropout drops the per-streamer part: without one (actionEmbeddings false) its default is
  // none; set explicitly, createPlatformDqn refuses the pair.
  const noDropout = dqn.data.actionEmbeddings === false && dqn.data.actionDropout === undefined ? { actionDropout: 0 } : {};
  // Likewise the default loss, "poisson", scores the log of a reward and cannot bootstrap: with a
  // discount its default is "huber"; "poisson" set explicitly with one, createPlatformDqn refuses.
  const bootstraps = (dqn.data.gamma ?? 0) > 0 || (dqn.data.gammaPerHour ?? 0) > 0;
  const lossDefault = bootstraps && dqn.data.loss === undefined ? { loss: "huber" as const } : {};
  return { sim: parseSimConfig(obj.sim ?? {}, `${source} (sim)`), dqn: { ...DEFAULT_PLATFORM_DQN, ...noDropout, ...lossDefault, ...dqn.data } as PlatformDqnHyper, training: training.data };
}
