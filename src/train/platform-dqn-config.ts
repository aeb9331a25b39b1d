/**
 * The DQN agent for a simulated platform: its head, its hyper-parameters and the sizes that follow
 * from the platform's config. One place, so training, comparison and the demo agree.
 */
import { Platform } from "../sim/platform.js";
import type { SimConfig } from "../sim/config.js";
import { DqnAgent } from "../core/dqn/agent.js";
import { parseDqnConfig, type DqnConfigInput } from "../core/dqn/config.js";
import { dqnCheckpoint, restoreDqn } from "../core/dqn/checkpoint.js";
import { CheckpointError, type CheckpointBundle } from "../core/checkpoint/bundle.js";
import { parseSimConfig } from "../sim/config.js";
import { PlatformEncoder, type EncoderMode } from "./platform-encoder.js";
import { UserPast } from "../policies/user-past.js";
import { PairPast } from "../policies/pair-past.js";
import { WeightAverage } from "../core/dqn/weight-average.js";
import { OutcomeValue } from "../policies/outcome-value.js";
import { platformBounds } from "./platform-bounds.js";
import { runPolicy } from "../sim/policy.js";
import { RandomPolicy } from "../policies/reference/random.js";

export type PlatformHead = "feature" | "classic";

/** Hyper-parameters of the platform DQN (everything but the sizes, which come from the platform). */
export interface PlatformDqnHyper {
  readonly hidden: number[];
  readonly embedding: number;
  /** Learn a per-streamer part besides the features (e_a, b_a: zero for a streamer never trained on). */
  readonly actionEmbeddings: boolean;
  /** Describe the user also by learned embeddings of the streamers in their history sketch. */
  readonly historyEmbeddings: boolean;
  /** Learn an embedding per user of the world (what is known of them from the training runs). */
  readonly userEmbeddings: boolean;
  /**
   * Describe each user also by their profile from past weeks (share of minutes by category, hours
   * per week: src/policies/user-past.ts), learned from the training runs and carried to serving.
   */
  readonly userPast: boolean;
  readonly sketchSlots: number;
  /**
   * Feature head: remember each user and streamer pair's record from the training weeks
   * (recommendations, their reward, viewings: src/policies/pair-past.ts), read for every candidate
   * (pairTerm) or as pair features of the sketch. A user's own like or dislike of a streamer lasts
   * from week to week in this world, and a platform logs what it showed whom. On by default since
   * session 15: on validation weeks (README) eight agents with the record in a sketch of 16 + 16
   * slots earned 1.8% more (6.972 against 6.847, ten weeks), discovery parity 0.70 against 0.80.
   * A comparison gives LinUCB the same record whenever the feature head reads it, and it is worth
   * far more to LinUCB (+17% on the evaluation weeks) than it was to the DQN through the sketch:
   * leaving it out flattered the DQN's lead. Read for every candidate (session 16) it is worth
   * +3.5% to the DQN on validation weeks (7.085 against 6.847 without it).
   */
  readonly pairPast: boolean;
  /**
   * With pairPast: the sketch slots for the user's past pairs of most evidence, beside this week's
   * sketchSlots. 0 by default since session 16 (pairTerm reads every candidate's record): 16 more
   * then earned less on validation weeks (7.022 against 7.085, discovery parity 0.66 against 0.74;
   * README) at 1.4x the training time. With the record in the sketch (pairTerm false) 16 was the
   * default of session 15 (32 earned the same, 6.986 against 6.972, at half again the memory).
   */
  readonly pastSlots: number;
  /**
   * With pairPast: the record reaches the feature head as its own term for every candidate stream,
   * Q += <w(s), r(u, a)> (r the pair's 3 record features, looked up in the PairPast's table; w three
   * more trunk outputs; see src/core/qfunction/feature-qfunction.ts), instead of as pair features
   * of the sketch, which holds 16 + pastSlots streamers while LinUCB reads the record of every live
   * stream. A stored transition keeps only the record of the stream recommended (3 values). The
   * default since session 16: on validation weeks eight agents earned 7.085 against 6.972 with the
   * record in a sketch of 16 + 16 (discovery parity 0.74 against 0.70), trained in 4 min 33 s
   * against about 8 min, at a peak RSS of 1.8 GB against 2.9 (README, "How the defaults were
   * chosen"). false (the record in the sketch) is how checkpoints of session 15 were trained.
   * Without pairPast there is no record, and this does nothing.
   */
  readonly pairTerm: boolean;
  /**
   * Feature head, serving: a streamer never trained on (a newcomer) is scored as the average
   * trained streamer with its features, raised by this many standard deviations of the user's
   * scores (FeatureQFunction.greedy); 0 = no optimism. With the "poisson" loss the scores are
   * logs of expected rewards, so the bonus multiplies a newcomer's expected reward by
   * exp(bonus x sd). 0 by default since session 20: the ensemble averages its agents' expected
   * rewards, which already favours a stream the agents disagree on, as a newcomer is; on
   * validation weeks, five sets of eight agents per platform, 0 earned as much as 0.1 at the
   * demo's size and half and 0.8% more at double, with every set (README, session 20). It was 0.1
   * from session 14 (0.5 then showed newcomers 1.7 times as much per live hour as established
   * streamers of equal quality; eight agents: 0.1 earned 6.847 with discovery parity 0.80, 0.05
   * 6.858 with 0.72). It acts in serving and in training's greedy choices, where the training
   * runs withhold newcomers: half's agents trained with 0 and with 0.1 served alike to the digit.
   */
  readonly coldStartBonus: number;
  /**
   * Feature head, serving: describe each user who arrived after training by the mean embedding of
   * the established users who watched what they watched (src/policies/dqn/new-user-fold-in.ts).
   * Needs user embeddings and the pairs' past; ignored without them. true by default since
   * session 22: on validation weeks the new users earned more with each of 15 sets of trained
   * agents, 6.1%, 7.4% and 11.0% on average at the demo's size, half and double (README). A
   * serving setting: a checkpoint trained before it serves with it.
   */
  readonly newUserFoldIn: boolean;
  /**
   * Feature head, training: the share of each batch's rows whose streamer is scored as one never
   * trained on (the prior e, b), its own e_a, b_a left alone (action dropout, src/core/qfunction/
   * feature-qfunction.ts): the stream features learn to score a streamer without its own part, as
   * a newcomer is scored. 0 = none. 0.25 by default since the embedding tables learn at 3x lr
   * (embeddingLrScale): the established streamers' e_a then know their users' tastes better, and
   * newcomers, scored from their features, fell behind (discovery parity 0.82 -> 0.73 on
   * validation weeks); with dropout 0.25 they got 0.79 at the same reward (README, session 11).
   * At lr alone (session 10) it cost 1.4% of the reward.
   */
  readonly actionDropout: number;
  /**
   * Feature head: the acceptance gate's embedding size, 0 = no gate. With one, a stream's score
   * is log sigmoid(z) plus the head's score, z a second, smaller feature head (gateHidden,
   * gateEmbedding) that learns the chance the user accepts the stream (FeatureQOptions.gate): the
   * expected reward as the chance of acceptance times what an accepted stream earns. The classic
   * head ignores it. 0 by default: on validation weeks (README, "How the defaults were chosen",
   * session 23) it moved the reward within what another set of agents moves it (+0.6% at the
   * demo's size and at half with agents 1-8, -0.2% at half with agents 9-16), at the cost of a
   * second trunk and set of tables to train and score.
   */
  readonly gateEmbedding: number;
  /** The acceptance gate's trunk's hidden layers. */
  readonly gateHidden: number[];
  /** The weight of the gate's own logistic loss on whether the reward was positive (GateOptions.labelWeight). */
  readonly gateLabelWeight: number;
  /**
   * Discount per decision of a user. 0 by default: on validation weeks (README, "How the defaults
   * were chosen", session 5) 0 earned 6% more than 0.9 on both agent seeds and 4% more than 0.5 on
   * one (measured with 40 training weeks): the bootstrapped lookahead adds more noise to the ranking
   * than it earns.
   */
  readonly gamma: number;
  /**
   * Discount per hour between a user's decision and their next one (0 = off, the default): a
   * transition's discount is then gammaPerHour^hours, not `gamma` per decision, so the rest of a
   * session counts and a visit days later hardly does (a semi-Markov discount; needs gamma 0 and
   * nStep 1). On validation weeks (README, session 7) 0.5 earned the same as gamma 0 at 1.55x the
   * training time and 0.8 lost 2.3%.
   */
  readonly gammaPerHour: number;
  /**
   * The TD loss: "huber" (quadratic within 1 of the target, then linear), "mse", or "poisson"
   * (the default since session 14: Q is the log of the expected reward, src/core/nn/loss.ts; needs
   * gamma 0). With gamma 0 the target is the reward, and the loss says which statistic of it Q
   * estimates. The expected reward of a recommendation is a product (the chance the user accepts,
   * a logistic function of how much they like the stream, times what they then watch), and its
   * log is nearly additive in the stream's appeal, the shape of the head's scores: on validation
   * weeks eight agents with "poisson" earned 6.847 against 6.761 with "huber" (10 weeks, README,
   * session 14); "mse" lost 2.1% (6.589 against 6.729 on five). The classic head trains with
   * "huber" when "poisson" is asked for (see lossOf).
   */
  readonly loss: "huber" | "mse" | "poisson";
  readonly nStep: number;
  readonly doubleDqn: boolean;
  readonly lr: number;
  /**
   * Feature head: the step size of the embedding tables (streamers' e_a and F_h, users' G_u) as a
   * multiple of lr; 0 (the default) = by the platform's size (settled with the exploration, see
   * settleExploration and embeddingLrScaleFor). A user's G_u moves only in the updates whose batch
   * holds one of that user's decisions (about 3% of them on the demo's platform), so at lr the
   * latent match of a user's and a streamer's tastes is learned only in part: scores of the trained
   * model weighed it at 0.29 of the rest of a stream's appeal, the truth at 0.95
   * (examples/dqn-score-anatomy.ts). At 3x they weigh it at 0.66 (0.57 with the default action
   * dropout) and the model earned 3.4% more on validation weeks (README, "How the defaults were
   * chosen", session 11). The streamers' b_a stays at lr with the other dense weights.
   */
  readonly embeddingLrScale: number;
  /**
   * Learn from each recommendation's reward plus what its outcome is worth over the next this
   * many days (src/policies/outcome-value.ts: a regression of the user's later reward on the
   * outcome, measured on the training runs); 0 = the reward alone. What a user watches today
   * changes how soon they come back and whether they stay; the discount at 0 sees none of it, and
   * a bootstrapped discount drowned what the reward model knew of each pair (README, session 13).
   * On validation weeks (README, session 18; eight agents) 7 days earned 7.221 against 7.085 at the
   * demo's size (ahead in 9 of 10 weeks), 8.611 against 8.060 at double (ahead in all 5, with
   * fewer users churning) and, at half, where a run lasts 4 days and planning has least to give,
   * the same as without.
   */
  readonly outcomeDays: number;
  /**
   * The share of the training, at its end, over which the weights are averaged (SWA: the agent
   * ends with the mean of its weights after each of its last episodes; see
   * src/core/dqn/weight-average.ts); 0 (the default) = none, the last weights. Measured on
   * validation weeks (README, "How the defaults were chosen", session 12): the means of the last
   * 11, 21 and 31 of 60 weekly snapshots of one training earned 6.519, 6.666 and 6.573 against
   * 6.579 for its last weights, as scattered as any nearby weights are, so no gain to take.
   */
  readonly averageShare: number;
  readonly batchSize: number;
  readonly replayCapacity: number;
  readonly tau: number;
  /**
   * Decisions over which epsilon decays from 1 to epsilonEnd; 0 = `explorationShare` of the
   * decisions the training will see (settleExploration counts them on a probe week).
   */
  readonly explorationDecisions: number;
  /** With explorationDecisions 0: the share of the training's decisions epsilon decays over. */
  readonly explorationShare: number;
  readonly epsilonEnd: number;
  /**
   * The learning rate at the end of training, as a share of lr (1 = constant). Below 1 the rate
   * falls linearly over `lrDecayDecisions` decisions; 0 there = every decision the training will see
   * (settled with the exploration, see settleExploration).
   */
  readonly lrEnd: number;
  readonly lrDecayDecisions: number;
  readonly learningStarts: number;
  /**
   * One gradient step every this many decisions; 0 = as many decisions as the platform makes in a
   * day over `updatesPerDay` (settled with the exploration, see settleExploration).
   */
  readonly trainEvery: number;
  /**
   * With trainEvery 0: gradient steps per day of training history, whatever the platform's size. A
   * platform with fewer users makes fewer decisions a day, so it replays each one more often, and a
   * larger one less: the network gets the same fitting from the same days at every size. 175 gives
   * the demo's platform (2,000 users, 300 streamers, weeks of 7 days) one step every 12 decisions,
   * the rhythm settled for it on validation weeks (README "How the defaults were chosen"), half of
   * it one every 7, double one every 19, and the simulator's plain default (500 streamers, runs of
   * 14 days, fewer decisions a day) one every 10; 420 training days make 73,500 steps at every size.
   */
  readonly updatesPerDay: number;
}

export const DEFAULT_PLATFORM_DQN: PlatformDqnHyper = {
  hidden: [128, 64],
  embedding: 64,
  actionEmbeddings: true,
  historyEmbeddings: true,
  userEmbeddings: true,
  userPast: true,
  sketchSlots: 16,
  pairPast: true,
  pastSlots: 0,
  pairTerm: true,
  coldStartBonus: 0,
  newUserFoldIn: true,
  actionDropout: 0.25,
  gateEmbedding: 0,
  gateHidden: [64],
  gateLabelWeight: 1,
  gamma: 0,
  gammaPerHour: 0,
  loss: "poisson",
  nStep: 1,
  doubleDqn: true,
  lr: 5e-4,
  embeddingLrScale: 0,
  outcomeDays: 7,
  averageShare: 0,
  batchSize: 64,
  replayCapacity: 100_000,
  tau: 0.01,
  explorationDecisions: 0,
  explorationShare: 0.5,
  epsilonEnd: 0.05,
  lrEnd: 1,
  lrDecayDecisions: 0,
  learningStarts: 2_000,
  trainEvery: 0,
  updatesPerDay: 175,
};

/**
 * The loss a head trains with. The classic head takes "huber" where "poisson" is asked for: its
 * output of a streamer slot never trained on (a streamer who debuted after training) stays near
 * its initial 0, which in the log of a reward reads as a reward of 1, better than most streams,
 * so it recommended newcomers above everyone (the demo, session 14: 2.85 against 4.74 with
 * Huber). The feature head scores such a streamer from its features and the trained ones' mean.
 */
export function lossOf(head: PlatformHead, loss: PlatformDqnHyper["loss"]): PlatformDqnHyper["loss"] {
  return head === "classic" && loss === "poisson" ? "huber" : loss;
}

/** A platform DQN: the agent, and how to encode a platform of its config for it. */
export interface PlatformDqn {
  readonly sim: SimConfig;
  readonly head: PlatformHead;
  readonly hyper: PlatformDqnHyper;
  readonly agent: DqnAgent;
  /** The users' past weeks (hyper.userPast), grown by training (trainOnPlatforms), read when serving. */
  readonly past: UserPast | null;
  /** The pairs' past weeks (hyper.pairPast, feature head), grown by training, read when serving. */
  readonly pairPast: PairPast | null;
  /** What an outcome is worth over the next days (hyper.outcomeDays > 0), measured by training, read by learning. */
  readonly outcomeValue: OutcomeValue | null;
  /** The running average of the weights (hyper.averageShare > 0), grown and applied by trainOnPlatforms. */
  readonly average: WeightAverage | null;
  encoderFor(p: Platform): PlatformEncoder;
}

/** The feature head's acceptance gate of `hyper` (null: none). */
function gateOf(hyper: PlatformDqnHyper): { hidden: number[]; embedding: number; labelWeight: number } | null {
  return hyper.gateEmbedding > 0 ? { hidden: hyper.gateHidden, embedding: hyper.gateEmbedding, labelWeight: hyper.gateLabelWeight } : null;
}

/** Whether a served `pd` folds in its new users' embeddings: hyper.newUserFoldIn, where the model can (feature head, user embeddings, the pairs' past). */
export function foldsInNewUsers(pd: PlatformDqn): boolean {
  return pd.hyper.newUserFoldIn === true && pd.head === "feature" && pd.hyper.userEmbeddings && pd.pairPast !== null;
}

/** The embedding tables' scale where their users' rows are visited often enough (see embeddingLrScaleFor). */
export const EMBEDDING_LR_SCALE = 3;
/**
 * Visits of a user's row below which the embedding tables' scale grows (see embeddingLrScaleFor):
 * a little under the demo's 2,346, so that the demo's platform, where 3 was chosen, keeps 3.
 */
export const EMBEDDING_ROW_VISITS = 2_300;
/**
 * The most the rule gives (see embeddingLrScaleFor): 6 paid at double the demo's platform and 10
 * lost there, so a smaller training (a short one, or one on many more users) stays at the largest
 * scale measured to pay rather than a rate no one has tried.
 */
export const EMBEDDING_LR_SCALE_MAX = 6;

/**
 * The embedding tables' scale (hyper.embeddingLrScale 0) for a training whose batches hold `visits`
 * rows of each user's decisions in all (updates x batchSize / users): 3, or more where a user's row
 * is visited less than EMBEDDING_ROW_VISITS times, so that rate x visits stays at least 3 x
 * EMBEDDING_ROW_VISITS, up to EMBEDDING_LR_SCALE_MAX. With the default updates per day and days of
 * history a user's row is visited about 4,700 times at half the demo's platform, 2,350 at the
 * demo's and 1,180 at double; the rule gives 3, 3 and 5.87 (on the evaluation weeks at double
 * 8.1325 against 8.0872 with 3: README, session 17). Measured on validation weeks (README, "How the defaults were
 * chosen", sessions 16 and 17), eight agents each: at double 3, 6 and 10 earned 8.017, 8.105 and
 * 8.001; at the demo's size 3 and 5 earned 7.085 and 7.082; at half 1.5, 3 and 6 earned 6.029,
 * 6.103 and 6.050. So the scale grows with the users above the demo's size, and a scale that
 * shrank below it (1.5 at half, the same rate x visits as the demo's) lost.
 */
export function embeddingLrScaleFor(visits: number): number {
  return Math.min(EMBEDDING_LR_SCALE_MAX, EMBEDDING_LR_SCALE * Math.max(1, EMBEDDING_ROW_VISITS / Math.max(1, visits)));
}

/**
 * The hyper-parameters with explorationDecisions settled: as given, or (when 0) explorationShare of
 * the decisions `episodes` training weeks of this world hold, counted on one probe week of the first
 * training seed under a random policy. So exploration scales with the platform: half the users or
 * days, half the decisions. lrDecayDecisions (when 0 and the rate decays) is settled the same way:
 * all of those decisions; trainEvery (when 0): those decisions over updatesPerDay for each day
 * the training runs cover, rounded; and embeddingLrScale (when 0): by the visits of each user's row
 * that those decisions' updates make (embeddingLrScaleFor).
 */
export function settleExploration(sim: SimConfig, hyper: PlatformDqnHyper, world: number, seeds: readonly number[], episodes: number): PlatformDqnHyper {
  const settleLr = hyper.lrEnd < 1 && hyper.lrDecayDecisions === 0;
  if (hyper.explorationDecisions > 0 && !settleLr && hyper.trainEvery > 0 && hyper.embeddingLrScale > 0) return hyper;
  const probe = new Platform(sim, seeds[0] ?? 0, { world, withholdNewcomers: true });
  const planned = runPolicy(probe, new RandomPolicy(0)).counts.decisions * episodes;
  const trainEvery = hyper.trainEvery > 0 ? hyper.trainEvery : Math.max(1, Math.round(planned / (hyper.updatesPerDay * Math.max(1, episodes * sim.days))));
  const visits = (planned / trainEvery) * hyper.batchSize / sim.users;
  return {
    ...hyper,
    explorationDecisions: hyper.explorationDecisions > 0 ? hyper.explorationDecisions : Math.max(1, Math.round(hyper.explorationShare * planned)),
    lrDecayDecisions: settleLr ? Math.max(1, planned) : hyper.lrDecayDecisions,
    trainEvery,
    embeddingLrScale: hyper.embeddingLrScale > 0 ? hyper.embeddingLrScale : embeddingLrScaleFor(visits),
  };
}

/**
 * A DQN agent sized for platforms of `sim` (a one-day probe platform gives the feature sizes).
 * `restore` (a platform checkpoint) gives the agent's state and the users' past.
 */
export function createPlatformDqn(sim: SimConfig, head: PlatformHead, hyper: PlatformDqnHyper, seed: number, restore?: CheckpointBundle): PlatformDqn {
  if (!(hyper.explorationDecisions > 0)) {
    throw new RangeError("createPlatformDqn: explorationDecisions is 0 (a share of the training): settle it first with settleExploration");
  }
  if (hyper.lrEnd < 1 && !(hyper.lrDecayDecisions > 0)) {
    throw new RangeError("createPlatformDqn: lrDecayDecisions is 0 (all of the training): settle it first with settleExploration");
  }
  if (hyper.loss === "poisson" && (hyper.gamma > 0 || hyper.gammaPerHour > 0)) {
    throw new RangeError(`createPlatformDqn: loss "poisson" scores the log of the expected reward and cannot bootstrap: it needs gamma 0 and gammaPerHour 0, got ${hyper.gamma} and ${hyper.gammaPerHour} (use loss "huber" or "mse" with a discount)`);
  }
  if (hyper.gammaPerHour > 0 && (hyper.gamma > 0 || hyper.nStep > 1)) {
    throw new RangeError(`createPlatformDqn: gammaPerHour (${hyper.gammaPerHour}) replaces gamma per decision and needs nStep 1; got gamma ${hyper.gamma}, nStep ${hyper.nStep}`);
  }
  if (head === "feature" && hyper.gateEmbedding > 0 && hyper.loss !== "poisson") {
    throw new RangeError(`createPlatformDqn: dqn.gateEmbedding (${hyper.gateEmbedding}) adds an acceptance gate to the log of the expected reward: it needs dqn.loss "poisson", got "${hyper.loss}"`);
  }
  if (head === "feature" && hyper.actionDropout > 0 && !hyper.actionEmbeddings) {
    throw new RangeError(`createPlatformDqn: dqn.actionDropout (${hyper.actionDropout}) drops the learned per-streamer part, which dqn.actionEmbeddings false leaves out (set dqn.actionDropout 0)`);
  }
  if (!(hyper.trainEvery > 0)) {
    throw new RangeError("createPlatformDqn: trainEvery is 0 (from updatesPerDay): settle it first with settleExploration");
  }
  if (head === "feature" && !(hyper.embeddingLrScale > 0)) {
    throw new RangeError("createPlatformDqn: embeddingLrScale is 0 (by the platform's size): settle it first with settleExploration");
  }
  const bounds = platformBounds(sim);
  const probe = new Platform({ ...sim, days: 1 }, 0);
  const mode: EncoderMode = head;
  const userIds = head === "feature" && hyper.userEmbeddings ? bounds.agents : 0;
  let past: UserPast | null = null;
  if (hyper.userPast) {
    const restored = restore?.meta.past;
    past = restored === undefined ? new UserPast(sim.users, sim.categories) : UserPast.fromBundle(restore!, restored);
    if (past.users !== sim.users || past.categories !== sim.categories) {
      throw new CheckpointError(`checkpoint: the users' past is ${past.users} users x ${past.categories} categories, the platform ${sim.users} x ${sim.categories}`);
    }
  }
  let pairPast: PairPast | null = null;
  if (head === "feature" && hyper.pairPast) {
    const restored = restore?.meta.pairPast;
    pairPast = restored === undefined ? new PairPast(sim.users, bounds.actions) : PairPast.fromBundle(restore!, restored);
    if (pairPast.users !== sim.users || pairPast.streamers !== bounds.actions) {
      throw new CheckpointError(`checkpoint: the pairs' past is ${pairPast.users} users x ${pairPast.streamers} streamers, the platform ${sim.users} x ${bounds.actions}`);
    }
  }
  const encoderOptions = { sketchSlots: hyper.sketchSlots, userIds, past, pairPast, pastSlots: hyper.pastSlots, pairTerm: hyper.pairTerm };
  const probeEncoder = new PlatformEncoder(probe, mode, bounds.actions, encoderOptions);
  const config: DqnConfigInput = {
    obsSize: probeEncoder.obsSize,
    actions: bounds.actions,
    actionMasks: true,
    maxAgents: bounds.agents,
    network:
      head === "feature"
        ? { hidden: hyper.hidden, head: "feature", embedding: hyper.embedding, actionEmbeddings: hyper.actionEmbeddings, historyEmbeddings: hyper.historyEmbeddings, coldStartBonus: hyper.coldStartBonus, actionDropout: hyper.actionDropout, layout: probeEncoder.layout, gate: gateOf(hyper) }
        : { hidden: hyper.hidden, head: "dueling" },
    // With a discount per hour, gamma is per hour and each step comes with its hours (stepDiscounts).
    gamma: hyper.gammaPerHour > 0 ? hyper.gammaPerHour : hyper.gamma,
    stepDiscounts: hyper.gammaPerHour > 0,
    loss: lossOf(head, hyper.loss),
    nStep: hyper.nStep,
    doubleDqn: hyper.doubleDqn,
    optimizer: { lr: hyper.lr, ...(head === "feature" ? { embeddingLrScale: hyper.embeddingLrScale } : {}) },
    batchSize: hyper.batchSize,
    replay: { kind: "uniform", capacity: hyper.replayCapacity },
    target: { kind: "polyak", tau: hyper.tau },
    exploration: { kind: "linear", start: 1, end: hyper.epsilonEnd, steps: hyper.explorationDecisions },
    ...(hyper.lrEnd < 1 ? { lrSchedule: { kind: "linear" as const, start: 1, end: hyper.lrEnd, steps: hyper.lrDecayDecisions } } : {}),
    learningStarts: hyper.learningStarts,
    trainEvery: hyper.trainEvery,
    seed,
  };
  const table = probeEncoder.table;
  const parts = { actionTable: table, ...(probeEncoder.pairTable !== null ? { pairTable: probeEncoder.pairTable } : {}) };
  let agent: DqnAgent;
  if (restore) {
    agent = restoreDqn(restore, parts);
    const expected = parseDqnConfig(config);
    if (JSON.stringify(agent.config) !== JSON.stringify(expected)) {
      throw new CheckpointError("checkpoint: the agent's config does not match this platform and head (was it trained on another config?)");
    }
  } else {
    agent = new DqnAgent(config, parts);
  }
  let outcomeValue: OutcomeValue | null = null;
  if (hyper.outcomeDays > 0) {
    const restored = restore?.meta.outcomeValue;
    outcomeValue = restored === undefined ? new OutcomeValue(hyper.outcomeDays) : OutcomeValue.fromBundle(restore!, restored);
    if (outcomeValue.days !== hyper.outcomeDays) throw new CheckpointError(`checkpoint: the outcome value looks ${outcomeValue.days} days ahead, dqn.outcomeDays says ${hyper.outcomeDays}`);
  }
  let average: WeightAverage | null = null;
  if (hyper.averageShare > 0) {
    const restored = restore?.meta.average;
    const n = agent.online.paramCount;
    average = restored === undefined ? new WeightAverage(n) : WeightAverage.fromBundle(restore!, restored, n);
  }
  return { sim, head, hyper, agent, past, pairPast, outcomeValue, average, encoderFor: (p) => new PlatformEncoder(p, mode, bounds.actions, { ...encoderOptions, table }) };
}

/** The checkpoint of a platform DQN: the agent's, plus what rebuilds the rest. */
export function platformDqnCheckpoint(pd: PlatformDqn, extra: Record<string, unknown> = {}): CheckpointBundle {
  const b = dqnCheckpoint(pd.agent);
  const past = pd.past?.toBundle();
  const pairPast = pd.pairPast?.toBundle();
  const average = pd.average?.toBundle();
  const outcome = pd.outcomeValue?.toBundle();
  return {
    ...b,
    arrays: { ...b.arrays, ...past?.arrays, ...pairPast?.arrays, ...outcome?.arrays, ...average?.arrays },
    meta: {
      ...b.meta, platform: { sim: pd.sim, head: pd.head, hyper: pd.hyper }, ...(past ? { past: past.meta } : {}), ...(pairPast ? { pairPast: pairPast.meta } : {}),
      ...(outcome ? { outcomeValue: outcome.meta } : {}), ...(average ? { average: average.meta } : {}), ...extra,
    },
  };
}

/**
 * A platform checkpoint to serve with other settings (the weights are the same): another cold-start
 * bonus, the new users' fold-in on or off, and, for a model that goes on learning online, another
 * learning rate. Both the platform's hyper-parameters and the agent's config say the bonus and the
 * rate, as restorePlatformDqn checks they agree.
 */
export function withServingSettings(b: CheckpointBundle, settings: { coldStartBonus?: number; lr?: number; newUserFoldIn?: boolean }): CheckpointBundle {
  const meta = b.meta as { platform: { hyper: { coldStartBonus: number; lr: number; newUserFoldIn?: boolean } }; config: { network: { coldStartBonus?: number }; optimizer: { lr: number } } };
  const bonus = settings.coldStartBonus ?? meta.platform.hyper.coldStartBonus;
  const lr = settings.lr ?? meta.platform.hyper.lr;
  return {
    ...b,
    meta: {
      ...b.meta,
      platform: { ...meta.platform, hyper: { ...meta.platform.hyper, coldStartBonus: bonus, lr, ...(settings.newUserFoldIn === undefined ? {} : { newUserFoldIn: settings.newUserFoldIn }) } },
      config: { ...meta.config, network: { ...meta.config.network, coldStartBonus: bonus }, optimizer: { ...meta.config.optimizer, lr: settings.lr ?? meta.config.optimizer.lr } },
    },
  };
}

/** Rebuilds a platform DQN from its checkpoint; throws CheckpointError naming what is wrong. */
export function restorePlatformDqn(bundle: CheckpointBundle): PlatformDqn {
  const p = bundle.meta.platform as { sim?: unknown; head?: unknown; hyper?: unknown } | undefined;
  if (!p || typeof p !== "object") throw new CheckpointError("checkpoint: not a platform DQN (meta.platform is missing)");
  if (p.head !== "feature" && p.head !== "classic") throw new CheckpointError(`checkpoint: meta.platform.head must be "feature" or "classic", got ${String(p.head)}`);
  let sim: SimConfig;
  try {
    sim = parseSimConfig(p.sim);
  } catch (err) {
    throw new CheckpointError(`checkpoint: meta.platform.sim is not a valid simulator config: ${(err as Error).message}`);
  }
  // A key the checkpoint's hyper-parameters lack takes its default, except userPast, pairPast,
  // pairTerm, actionDropout, embeddingLrScale, outcomeDays and averageShare: checkpoints written before they
  // existed were trained without them.
  const hyper = { ...DEFAULT_PLATFORM_DQN, userPast: false, pairPast: false, pairTerm: false, actionDropout: 0, embeddingLrScale: 1, outcomeDays: 0, averageShare: 0, ...(p.hyper as object) } as PlatformDqnHyper;
  return createPlatformDqn(sim, p.head, hyper, (bundle.meta.config as { seed?: number })?.seed ?? 1, bundle);
}
