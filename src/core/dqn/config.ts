/**
 * Everything that defines a DQN agent, as one zod schema: the type and its validation are the
 * same thing. Defaults are the classic DQN (Mnih et al. 2015) at the scale of the standard case
 * (64 -> 128 -> 64 -> actions); each improvement (Double DQN, Dueling head, prioritized replay,
 * n-step returns, Polyak target) is one switch.
 */
import { z } from "zod";
import { featureObsSize } from "../qfunction/feature-qfunction.js";

const positiveInt = z.number().int().positive();
const unit = z.number().min(0).max(1);

export const scheduleSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("constant"), value: unit }).strict(),
  z.object({ kind: z.literal("linear"), start: unit, end: unit, steps: positiveInt }).strict(),
  z.object({ kind: z.literal("exponential"), start: unit, end: unit, steps: positiveInt }).strict(),
]);

export const dqnConfigSchema = z
  .object({
    /** Size of a state vector. */
    obsSize: positiveInt,
    /** Number of actions (outputs of the network). */
    actions: positiveInt,
    /** Whether states come with a mask of available actions (live streams); stored for every next state. */
    actionMasks: z.boolean().default(false),
    network: z
      .object({
        hidden: z.array(positiveInt).max(8).default([128, 64]),
        /**
         * "linear" and "dueling": one output per action (the classic DQN); "feature": Q(s, a) =
         * V(s) + <phi(s), psi(a)> + b_a + <phi_g(s), g(s, a)> from action features (cold start).
         */
        head: z.enum(["linear", "dueling", "feature"]).default("linear"),
        backend: z.enum(["wasm", "reference"]).default("wasm"),
        /** For head "feature": d, the size of phi(s) and psi(a). */
        embedding: positiveInt.default(32),
        /** For head "feature": learn a per-action part (e_a, b_a) besides the features. */
        actionEmbeddings: z.boolean().default(true),
        /** For head "feature": add to phi(s) the mean of learned embeddings of the user's sketched streamers. */
        historyEmbeddings: z.boolean().default(false),
        /**
         * For head "feature": optimism for actions never trained on when acting greedily (serving),
         * in standard deviations of the row's Q values over the trained ones (0 = none).
         */
        coldStartBonus: z.number().min(0).max(10).default(0),
        /**
         * For head "feature" with actionEmbeddings: the share of each training batch's rows whose
         * action is scored as one never trained on (the prior e, b) and keeps its own e_a, b_a
         * (action dropout, as DropoutNet: the features learn to score a streamer alone, as a
         * newcomer must be scored). 0 = none.
         */
        actionDropout: z.number().min(0).lt(1).default(0),
        /**
         * For head "feature": an acceptance gate, Q = log sigmoid(z) + the head's score, z a second
         * feature head with these hidden layers and embedding size (FeatureQOptions.gate; needs
         * loss "poisson", whose Q is the log of an expected reward); null = none.
         */
        gate: z
          .object({ hidden: z.array(positiveInt).max(8), embedding: positiveInt, labelWeight: z.number().min(0).max(100) })
          .strict()
          .nullable()
          .default(null),
        /** For head "feature": how an observation row is laid out (obsSize must equal its total). */
        layout: z
          .object({
            userSize: positiveInt,
            actionFeatureSize: z.number().int().min(0),
            pairSize: z.number().int().min(0),
            sketchSlots: z.number().int().min(0),
            userIds: z.number().int().min(0).optional(),
            pairTableSize: z.number().int().min(0).optional(),
          })
          .strict()
          .optional(),
      })
      .strict()
      .default({ hidden: [128, 64], head: "linear", backend: "wasm", embedding: 32, actionEmbeddings: true, historyEmbeddings: false, coldStartBonus: 0, actionDropout: 0, gate: null }),
    gamma: z.number().min(0).max(1).default(0.99),
    /**
     * Steps of uneven length (a semi-Markov discount): gamma is then the discount per unit of time,
     * every non-terminal step observed gives its duration in that unit (observe's `duration`), and
     * its discount is gamma^duration. Needs gamma > 0 and nStep 1.
     */
    stepDiscounts: z.boolean().default(false),
    /** n of n-step returns (1 = classic one-step TD). */
    nStep: z.number().int().min(1).max(100).default(1),
    doubleDqn: z.boolean().default(false),
    /**
     * The TD loss (src/core/nn/loss.ts). "poisson" makes Q the LOG of the expected reward (a log
     * link): for nonnegative rewards without bootstrapping (gamma 0), where the reward is a product
     * (the chance a user accepts times what they then watch) that an additive Q fits poorly. Acting
     * and serving rank by it as by Q, as exp is increasing.
     */
    loss: z.enum(["huber", "mse", "poisson"]).default("huber"),
    optimizer: z
      .object({
        lr: z.number().positive().max(1).default(1e-3),
        beta1: z.number().min(0).lt(1).default(0.9),
        beta2: z.number().min(0).lt(1).default(0.999),
        eps: z.number().positive().default(1e-8),
        weightDecay: z.number().min(0).default(0),
        /**
         * For head "feature": the step size of the embedding tables (e_a, the history's F_h, the
         * users' G_u) as a multiple of lr. Each row moves only in the updates whose batch holds its
         * streamer or user, so at lr it learns far more slowly than the dense weights.
         */
        embeddingLrScale: z.number().positive().max(1000).default(1),
      })
      .strict()
      .default({ lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, embeddingLrScale: 1 }),
    /** Clip the global gradient L2 norm to this value; null = no clipping. */
    maxGradNorm: z.number().positive().nullable().default(10),
    batchSize: positiveInt.default(64),
    replay: z
      .object({
        kind: z.enum(["uniform", "prioritized"]).default("uniform"),
        capacity: positiveInt.default(10_000),
        alpha: z.number().min(0).max(1).default(0.6),
        beta0: unit.default(0.4),
        priorityEps: z.number().positive().default(1e-6),
        /** Updates over which prioritized replay's importance exponent beta anneals from beta0 to 1. */
        betaUpdates: positiveInt.default(100_000),
      })
      .strict()
      .default({ kind: "uniform", capacity: 10_000, alpha: 0.6, beta0: 0.4, priorityEps: 1e-6, betaUpdates: 100_000 }),
    target: z
      .discriminatedUnion("kind", [
        z.object({ kind: z.literal("hard"), every: positiveInt }).strict(),
        z.object({ kind: z.literal("polyak"), tau: z.number().gt(0).max(1) }).strict(),
      ])
      .default({ kind: "hard", every: 100 }),
    exploration: scheduleSchema.default({ kind: "linear", start: 1, end: 0.05, steps: 10_000 }),
    /**
     * The learning rate's multiplier by decisions made (e.g. linear from 1 to 0.1 over the planned
     * training): absent, optimizer.lr throughout. Annealing the step size settles the weights a
     * run ends with instead of leaving them wherever the last noisy steps put them.
     */
    lrSchedule: scheduleSchema.optional(),
    /** Decisions before learning starts (the replay fills with exploratory experience first). */
    learningStarts: z.number().int().min(0).default(1_000),
    /** One gradient update every this many decisions. */
    trainEvery: positiveInt.default(4),
    /** Distinct agents (users) whose n-step transitions are tracked at once; agent ids are in [0, maxAgents). */
    maxAgents: positiveInt.default(1),
    seed: z.number().int().default(1),
  })
  .strict();

export type DqnConfigInput = z.input<typeof dqnConfigSchema>;

export type DqnConfig = z.output<typeof dqnConfigSchema>;

/** Parses and validates; a bad field gives an error naming its path and the allowed range. */
export function parseDqnConfig(input: unknown): DqnConfig {
  const r = dqnConfigSchema.safeParse(input);
  if (!r.success) {
    const lines = r.error.issues.map((i) => `  ${i.path.join(".") || "(root)"}: ${i.message}`);
    throw new RangeError(`invalid DQN config:\n${lines.join("\n")}`);
  }
  const c = r.data;
  if (c.network.actionDropout > 0 && !(c.network.head === "feature" && c.network.actionEmbeddings)) {
    throw new RangeError(`invalid DQN config:\n  network.actionDropout: ${c.network.actionDropout} needs network.head "feature" with actionEmbeddings (a learned per-action part to drop)`);
  }
  const fastest = c.optimizer.lr * Math.max(1, c.optimizer.embeddingLrScale) * c.optimizer.weightDecay;
  if (fastest >= 1) {
    throw new RangeError(`invalid DQN config:\n  optimizer.weightDecay: ${c.optimizer.weightDecay} at a rate of ${c.optimizer.lr} x ${Math.max(1, c.optimizer.embeddingLrScale)} would shrink weights by ${fastest} (>= 1) a step`);
  }
  if (c.optimizer.embeddingLrScale !== 1 && c.network.head !== "feature") {
    throw new RangeError(`invalid DQN config:\n  optimizer.embeddingLrScale: ${c.optimizer.embeddingLrScale} needs network.head "feature" (the only head with embedding tables)`);
  }
  if (c.network.head === "feature") {
    const l = c.network.layout;
    if (!l) throw new RangeError("invalid DQN config:\n  network.layout: required when network.head is \"feature\"");
    const size = featureObsSize(l);
    if (size !== c.obsSize) throw new RangeError(`invalid DQN config:\n  obsSize: ${c.obsSize} does not match network.layout (${size} values)`);
  }
  if (c.network.gate !== null && !(c.network.head === "feature" && c.loss === "poisson")) {
    throw new RangeError(`invalid DQN config:\n  network.gate: an acceptance gate multiplies an expected reward by a chance: it needs network.head "feature" and loss "poisson", got head "${c.network.head}" and loss "${c.loss}"`);
  }
  if (c.loss === "poisson" && c.gamma !== 0) {
    throw new RangeError(`invalid DQN config:\n  loss: "poisson" scores the log of the expected reward and needs gamma 0 (a target that is a reward, not a bootstrapped value), got gamma ${c.gamma}`);
  }
  if (c.stepDiscounts && !(c.gamma > 0 && c.nStep === 1)) {
    throw new RangeError(`invalid DQN config:\n  stepDiscounts: needs gamma > 0 (the agent bootstraps) and nStep 1, got gamma ${c.gamma}, nStep ${c.nStep}`);
  }
  return c;
}
