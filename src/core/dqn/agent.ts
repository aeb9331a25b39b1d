/**
 * The DQN agent: one online Q-network shared by every agent (user) of a platform, its target
 * network, Adam, a replay buffer fed through an n-step writer, an exploration schedule and a
 * target-update rule, each a swappable part. Read it top to bottom with
 * examples/dqn-cartpole.ts beside it.
 *
 *   act:     epsilon-greedy over the available actions, for a whole batch of agents in one call
 *   observe: transitions go through the n-step writer into the shared replay
 *   learn:   one gradient step every `trainEvery` decisions once `learningStarts` have been made:
 *            sample a batch, y = r + gamma^n (1 - done) Q_target(s', argmax over available a'),
 *            weighted Huber/MSE on Q(s, a) - y, clip the gradient norm, Adam, priorities, target
 *
 * With gamma 0 the target is the reward alone (y = r): the next state is never scored and the
 * target network takes no part (it is neither read nor moved, and stays the copy it was made as).
 * Skipping that work gives the same updates to the bit and saves about a third of each one.
 *
 * Every buffer is allocated at construction; acting and learning allocate nothing per step.
 */
import { Rng } from "../random/rng.js";
import { createQNetwork, tdLossChosen } from "../nn/index.js";
import { poissonMean } from "../nn/loss.js";
import type { QFunction, QOptimizer } from "../qfunction/types.js";
import { MlpQFunction } from "../qfunction/mlp-qfunction.js";
import { FeatureQFunction } from "../qfunction/feature-qfunction.js";
import type { ActionTable } from "../qfunction/action-table.js";
import type { PairTable } from "../qfunction/pair-table.js";
import { createReplayBatch, createReplayBuffer, NStepWriter } from "../replay/index.js";
import type { ReplayBatch, ReplayBuffer, TransitionRows } from "../replay/index.js";
import { createSchedule, type Schedule } from "../exploration/schedule.js";
import { epsilonGreedyActions } from "../exploration/epsilon-greedy.js";
import { createTargetUpdate, type TargetUpdate } from "../target/target-update.js";
import { computeTdTargets } from "./td-target.js";
import { parseDqnConfig, type DqnConfig, type DqnConfigInput } from "./config.js";

/** What one gradient update measured. */
export interface UpdateStats {
  /** Mean (importance-weighted) TD loss of the batch. */
  loss: number;
  /** Mean Q(s, a) of the batch's chosen actions. */
  meanQ: number;
  /** Global gradient L2 norm before clipping. */
  gradNorm: number;
}

/** What an agent needs besides its config: the tables a feature-based head reads. */
export interface DqnAgentParts {
  /** The features of every action slot (required for network.head "feature"). */
  readonly actionTable?: ActionTable;
  /** The features of every (user, action) pair (required when network.layout.pairTableSize > 0). */
  readonly pairTable?: PairTable;
}

export class DqnAgent {
  readonly config: DqnConfig;
  readonly online: QFunction;
  readonly target: QFunction;
  readonly optimizer: QOptimizer;
  readonly replay: ReplayBuffer;
  readonly writer: NStepWriter;
  readonly exploration: Schedule;
  /** The learning rate's multiplier by decisions (config.lrSchedule), or null: optimizer.lr throughout. */
  readonly lrSchedule: Schedule | null;
  readonly targetUpdate: TargetUpdate;
  /** Random stream for exploration (acting). */
  readonly actRng: Rng;
  /** Random stream for replay sampling (learning). */
  readonly learnRng: Rng;

  /** Decisions taken with act() in training mode (drives epsilon and the update rhythm). */
  decisions = 0;
  /** Gradient updates done. */
  updates = 0;
  /** Stats of the last update (reused object). */
  readonly last: UpdateStats = { loss: NaN, meanQ: NaN, gradNorm: NaN };

  /** Whether targets bootstrap from the next state (gamma > 0); with gamma 0, y = r. */
  private readonly bootstraps: boolean;
  private readonly batch: ReplayBatch;
  private readonly targets: Float32Array;
  private readonly qChosen: Float32Array;
  private readonly zeros: Int32Array;
  private readonly gradChosen: Float32Array;
  /** The rows of a batch dropped (network.actionDropout), or null without action dropout. */
  private readonly dropped: Uint8Array | null;
  private readonly tdErrors: Float32Array;

  constructor(input: DqnConfigInput, parts: DqnAgentParts = {}) {
    const config = parseDqnConfig(input);
    this.config = config;
    const A = config.actions;
    const initRng = Rng.derive(config.seed, 0);
    this.online = buildQFunction(config, parts, initRng);
    this.target = buildQFunction(config, parts, initRng);
    this.target.copyFrom(this.online);
    this.optimizer = this.online.createOptimizer(config.optimizer);
    const maskSize = config.actionMasks ? A : 0;
    const r = config.replay;
    // With gamma 0 no target reads the next state: the replay keeps none (half its memory).
    const nextStates = config.gamma > 0;
    this.replay = createReplayBuffer(
      r.kind === "prioritized"
        ? { kind: "prioritized", capacity: r.capacity, obsSize: config.obsSize, numActions: A, maskSize, nextStates, alpha: r.alpha, beta0: r.beta0, epsilon: r.priorityEps }
        : { kind: "uniform", capacity: r.capacity, obsSize: config.obsSize, numActions: A, maskSize, nextStates },
    );
    this.writer = new NStepWriter(this.replay, { n: config.nStep, gamma: config.gamma, maxAgents: config.maxAgents });
    this.exploration = createSchedule(config.exploration);
    const ls = config.lrSchedule;
    if (ls !== undefined && !(ls.kind === "constant" ? ls.value > 0 : ls.start > 0 && ls.end > 0)) {
      throw new RangeError("DqnAgent: lrSchedule must stay above 0 (a multiplier of optimizer.lr)");
    }
    this.lrSchedule = ls === undefined ? null : createSchedule(ls);
    this.targetUpdate = createTargetUpdate(config.target);
    this.bootstraps = config.gamma > 0;
    this.actRng = Rng.derive(config.seed, 1);
    this.learnRng = Rng.derive(config.seed, 2);
    const B = config.batchSize;
    this.batch = createReplayBatch({ obsSize: config.obsSize, maskSize }, B);
    this.targets = new Float32Array(B);
    this.qChosen = new Float32Array(B);
    this.zeros = new Int32Array(B);
    this.gradChosen = new Float32Array(B);
    this.tdErrors = new Float32Array(B);
    this.dropped = config.network.actionDropout > 0 ? new Uint8Array(B) : null;
  }

  /** The exploration rate now. */
  get epsilon(): number {
    return this.exploration.value(this.decisions);
  }

  /**
   * Chooses an action for each of `batch` agents (rows of `obs`), epsilon-greedy over the
   * available actions (`mask` rows, 1 = available; null = all), and counts the decisions.
   */
  act(obs: Float32Array, batch: number, mask: Uint8Array | null, out: Int32Array, explored?: Uint8Array): void {
    this.checkMask(mask, batch);
    const q = this.online.forward(obs, batch, mask);
    epsilonGreedyActions(q, batch, this.config.actions, mask, this.epsilon, this.actRng, out, explored);
    this.decisions += batch;
  }

  /**
   * Greedy actions that count as decisions (an agent serving greedily while it goes on learning:
   * its updates stay due every trainEvery decisions).
   */
  actGreedy(obs: Float32Array, batch: number, mask: Uint8Array | null, out: Int32Array): void {
    this.greedy(obs, batch, mask, out);
    this.decisions += batch;
  }

  /** Greedy actions (serving): no exploration, no counters touched. */
  greedy(obs: Float32Array, batch: number, mask: Uint8Array | null, out: Int32Array): void {
    this.checkMask(mask, batch);
    this.online.greedy(obs, batch, mask, out);
  }

  /**
   * The scores greedy() maximises for `batch` states (Q, and a feature head's cold-start bonus): a
   * view valid until the next call. An ensemble chooses by their mean (then countDecisions).
   */
  serveScores(obs: Float32Array, batch: number, mask: Uint8Array | null): Float32Array {
    this.checkMask(mask, batch);
    return this.online.serveScores(obs, batch, mask);
  }

  /**
   * Counts `batch` decisions taken for this agent by someone else (an ensemble it belongs to, while
   * it goes on learning), as actGreedy would: epsilon and the update rhythm follow decisions.
   */
  countDecisions(batch: number): void {
    if (!Number.isInteger(batch) || batch < 0) throw new RangeError(`countDecisions: batch must be an integer >= 0, got ${batch}`);
    this.decisions += batch;
  }

  /** Q(s, .) of the online network for `batch` states: a view valid until the next call. */
  qValues(obs: Float32Array, batch: number, mask: Uint8Array | null = null): Float32Array {
    return this.online.forward(obs, batch, mask);
  }

  /**
   * Records one step of agent `agent` (0 for single-agent tasks). `truncated` episodes are cut
   * with endEpisode() instead of done, so they still bootstrap. With config.stepDiscounts every
   * non-terminal step gives its `duration` (>= 0, in the unit gamma is per), and is discounted by
   * gamma^duration; without it a duration is refused.
   */
  observe(
    agent: number,
    obs: Float32Array, obsOffset: number,
    action: number, reward: number,
    nextObs: Float32Array, nextObsOffset: number,
    done: boolean,
    nextMask: Uint8Array | null = null, nextMaskOffset = 0,
    duration?: number,
  ): void {
    let discount: number | undefined;
    if (duration !== undefined) {
      if (!this.config.stepDiscounts) throw new RangeError("DqnAgent.observe: a step's duration needs config.stepDiscounts (steps of uneven length)");
      if (!(duration >= 0 && Number.isFinite(duration))) throw new RangeError(`DqnAgent.observe: duration must be a finite number >= 0, got ${duration}`);
      discount = Math.pow(this.config.gamma, duration);
    } else if (!done && this.config.stepDiscounts) {
      throw new RangeError("DqnAgent.observe: this agent takes the duration of every step (config.stepDiscounts): none was given");
    }
    this.writer.step(agent, obs, obsOffset, action, reward, nextObs, nextObsOffset, done, nextMask, nextMaskOffset, discount);
  }

  /** Records rows [start, start+count) of `rows`, row i a step of agents[i]. */
  observeBatch(agents: Int32Array, rows: TransitionRows, start: number, count: number): void {
    if (this.config.stepDiscounts) throw new RangeError("DqnAgent.observeBatch: this agent takes the duration of every step (config.stepDiscounts): use observe()");
    this.writer.stepBatch(agents, rows, start, count);
  }

  /** An episode of `agent` ended without a terminal state (time limit, session closed). */
  endEpisode(agent: number): void {
    this.writer.flush(agent);
  }

  /** Updates owed by now: one per trainEvery decisions after learningStarts. */
  get updatesDue(): number {
    const c = this.config;
    if (this.decisions < c.learningStarts || this.replay.size < c.batchSize) return 0;
    return Math.floor((this.decisions - c.learningStarts) / c.trainEvery) + 1 - this.updates;
  }

  /**
   * Puts a fresh agent (one that learned elsewhere, weights imported) at `decisions`: exploration
   * continues from that point of its schedule, and no backlog of updates is owed; learning resumes
   * once `learningStarts` new decisions have been made.
   */
  continueAt(decisions: number): void {
    if (!Number.isInteger(decisions) || decisions < 0) throw new RangeError(`continueAt: decisions must be an integer >= 0, got ${decisions}`);
    this.decisions = decisions;
    this.updates = Math.floor(decisions / this.config.trainEvery);
  }

  /** Runs the updates owed by now (see updatesDue); returns how many ran. */
  learn(): number {
    let n = 0;
    for (let due = this.updatesDue; due > 0; due--, n++) this.update();
    return n;
  }

  /** One gradient update on a batch sampled from replay. */
  update(): UpdateStats {
    const c = this.config;
    const B = c.batchSize;
    const A = c.actions;
    const batch = this.batch;
    if (this.replay.size === 0) throw new Error("DqnAgent.update: the replay buffer is empty");
    this.replay.sample(B, this.learnRng, batch, Math.min(1, this.updates / c.replay.betaUpdates));
    const nextMask = c.actionMasks ? batch.nextMask : null;

    // Targets: y = r + gamma^n (1 - done) Q_target(s', a*), a* over the next state's available actions.
    if (this.bootstraps) {
      const qNextOnline = c.doubleDqn ? this.online.forward(batch.nextObs, B, nextMask) : null;
      const qNextTarget = this.target.forward(batch.nextObs, B, nextMask);
      computeTdTargets(
        { batch: B, actions: A, rewards: batch.rewards, dones: batch.dones, discounts: batch.discounts, qNextTarget, qNextOnline, nextMask },
        this.targets,
      );
    } else {
      this.targets.set(batch.rewards);
    }

    // Loss on Q(s, a), its gradient, and one Adam step with the clipped gradient.
    const q = this.qChosen;
    const dropped = this.dropped;
    if (dropped !== null) {
      const p = c.network.actionDropout;
      for (let b = 0; b < B; b++) dropped[b] = this.learnRng.float() < p ? 1 : 0;
    }
    this.online.forwardChosen(batch.obs, batch.actions, B, q, dropped);
    // The mean Q in the reward's units (a "poisson" Q is its log).
    let meanQ = 0;
    if (c.loss === "poisson") for (let b = 0; b < B; b++) meanQ += poissonMean(q[b]);
    else for (let b = 0; b < B; b++) meanQ += q[b];
    const weights = c.replay.kind === "prioritized" ? batch.weights : null;
    // q holds Q(s, a) of the chosen actions: as a batch x 1 "table" whose chosen column is 0.
    const loss = tdLossChosen(c.loss, B, q, this.zeros, this.targets, weights, this.gradChosen, this.tdErrors);
    this.online.backwardChosen(batch.actions, this.gradChosen, this.targets);
    if (this.lrSchedule !== null) this.optimizer.setLr(c.optimizer.lr * this.lrSchedule.value(this.decisions));
    const norm = this.optimizer.step(c.maxGradNorm);

    this.replay.updatePriorities(batch.indices, this.tdErrors, B);
    this.updates++;
    if (this.bootstraps) this.targetUpdate.apply(this.online, this.target, this.updates);

    const s = this.last;
    s.loss = loss;
    s.meanQ = meanQ / B;
    s.gradNorm = norm;
    return s;
  }

  private checkMask(mask: Uint8Array | null, batch: number): void {
    if (mask !== null && mask.length < batch * this.config.actions) {
      throw new RangeError(`DqnAgent: mask has ${mask.length} entries, expected batch * actions = ${batch * this.config.actions}`);
    }
  }
}

function buildQFunction(config: DqnConfig, parts: DqnAgentParts, rng: Rng): QFunction {
  const n = config.network;
  if (n.head === "feature") {
    if (!parts.actionTable) throw new RangeError("DqnAgent: network.head \"feature\" needs parts.actionTable");
    return new FeatureQFunction({
      layout: n.layout!, actions: config.actions, hidden: n.hidden, embedding: n.embedding,
      backend: n.backend, table: parts.actionTable, rng, actionEmbeddings: n.actionEmbeddings,
      ...(parts.pairTable !== undefined ? { pairTable: parts.pairTable } : {}),
      historyEmbeddings: n.historyEmbeddings, coldStartBonus: n.coldStartBonus,
      ...(n.gate !== null ? { gate: n.gate } : {}),
    });
  }
  const spec = { inputSize: config.obsSize, hidden: n.hidden, actions: config.actions, head: n.head };
  return new MlpQFunction(createQNetwork(spec, { backend: n.backend, rng }));
}
