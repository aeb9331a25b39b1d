/**
 * The shared multi-agent DQN as a platform policy: every user is an agent, all share one
 * Q-function and one replay. Each tick the users who need a decision are encoded and acted for in
 * one batch (epsilon-greedy while training, greedy when serving), masked to the streams live now.
 *
 * A user's transition runs from one of their decisions to their next one, whenever that comes
 * (later in the session, or in their next session days later): the reward is the feedback to the
 * recommendation; the next state is what the user looks like at their next decision, with the
 * streams live then. Leaving the platform for good (churn) is the only terminal state, so the Q
 * values price in whether a user comes back: what is shown today changes tomorrow.
 */
import type { Platform, StepResult } from "../../sim/platform.js";
import type { SimPolicy } from "../../sim/policy.js";
import type { DqnAgent } from "../../core/dqn/agent.js";
import { PlatformEncoder } from "../../train/platform-encoder.js";
import { TICKS_PER_HOUR } from "../../sim/time.js";
import type { OutcomeValue } from "../outcome-value.js";
import type { StreamerTable } from "../../sim/streamers.js";
import { NewUserFoldIn } from "./new-user-fold-in.js";
import type { FeatureQFunction } from "../../core/qfunction/feature-qfunction.js";

export interface PlatformDqnOptions {
  /** "train": epsilon-greedy, store transitions and learn; "serve": greedy, frozen. */
  readonly mode: "train" | "serve";
  /**
   * In "train" mode: act epsilon-greedily (true, the default: training) or greedily (false: a
   * served model that goes on learning from its feedback, exploring only through the head's
   * cold-start bonus).
   */
  readonly explore?: boolean;
  readonly name?: string;
  /**
   * In "train" mode: learn from each reward plus what its outcome is worth over the next days
   * (src/policies/outcome-value.ts); null or absent = the reward alone.
   */
  readonly outcomeValue?: OutcomeValue | null;
  /**
   * In "serve" mode: describe each user who arrived after training by the embedding of the users
   * who watched what they watched (src/policies/dqn/new-user-fold-in.ts). Needs a feature head with
   * user embeddings and the pairs' past. Default false here; liveq compare serves a trained model
   * as its dqn.newUserFoldIn says (on by default there): pass `foldsInNewUsers(pd)` to do the same.
   */
  readonly newUserFoldIn?: boolean;
}

export class PlatformDqnPolicy implements SimPolicy {
  readonly name: string;
  readonly mode: "train" | "serve";
  private readonly explore: boolean;
  private readonly outcomeValue: OutcomeValue | null;
  private readonly S: number;
  private readonly A: number;
  private pendingObs: Float32Array;
  private pendingAction: Int32Array;
  private pendingReward: Float32Array;
  private hasPending: Uint8Array;
  /** Tick of each user's pending decision (an agent with stepDiscounts is told the hours to the next). */
  private pendingTick: Int32Array;
  private chosen = new Int32Array(0);
  /** The streamers of the platform acted on last (an outcome's value reads the record of the one watched). */
  private streamers: StreamerTable | null = null;
  private explored = new Uint8Array(0);
  /** The new users' embeddings, when folded in (options.newUserFoldIn): the head's, and its acceptance gate's. */
  private readonly foldIns: readonly NewUserFoldIn[];
  /** Sum of rewards and count of decisions since the last read (for progress displays). */
  rewardSum = 0;
  rewardCount = 0;

  constructor(readonly agent: DqnAgent, readonly encoder: PlatformEncoder, options: PlatformDqnOptions) {
    this.mode = options.mode;
    this.explore = options.explore ?? true;
    this.outcomeValue = options.outcomeValue ?? null;
    this.name = options.name ?? "dqn";
    this.S = encoder.obsSize;
    this.A = encoder.actions;
    if (agent.config.obsSize !== this.S || agent.config.actions !== this.A) {
      throw new RangeError(`PlatformDqnPolicy: the agent expects obsSize ${agent.config.obsSize} and ${agent.config.actions} actions; the platform gives ${this.S} and ${this.A}`);
    }
    const users = agent.config.maxAgents;
    this.pendingObs = new Float32Array(users * this.S);
    this.pendingAction = new Int32Array(users);
    this.pendingReward = new Float32Array(users);
    this.hasPending = new Uint8Array(users);
    this.pendingTick = new Int32Array(users);
    this.foldIns = options.newUserFoldIn === true ? newUserFoldIns(agent, encoder, this.mode) : [];
  }

  /** Whether this policy explores (epsilon-greedy) while it learns. */
  get explores(): boolean {
    return this.mode === "train" && this.explore;
  }

  act(platform: Platform, actions: Int32Array): void {
    const n = this.prepare(platform);
    if (n === 0) return;
    const obs = this.encoder.obs.subarray(0, n * this.S);
    const mask = this.encoder.mask.subarray(0, n * this.A);
    const chosen = this.chosenBuffer(n);
    if (this.mode === "train" && this.explore) this.agent.act(obs, n, mask, chosen, this.explored);
    else if (this.mode === "train") this.agent.actGreedy(obs, n, mask, chosen);
    else this.agent.greedy(obs, n, mask, chosen);
    // A slate ranks the rest by the scores the first was chosen by.
    this.commit(platform, n, chosen, platform.slateSize > 1 ? this.agent.serveScores(obs, n, mask) : null, actions);
  }

  /**
   * The first half of act(): encodes the users deciding now (this policy's encoder then holds
   * their observations and masks) and, in training, closes each one's previous transition with
   * this state as its next. Returns how many users decide. An ensemble calls it on every member,
   * chooses, then calls commit().
   */
  prepare(platform: Platform): number {
    const enc = this.encoder;
    this.streamers = platform.streamers;
    for (const f of this.foldIns) f.update(platform);
    enc.refreshTable(platform);
    const n = enc.encode(platform);
    if (n === 0 || this.mode !== "train") return n;
    const S = this.S, A = this.A;
    const users = platform.deciding;
    // An agent trained with gammaPerHour (config.stepDiscounts, gamma per hour) is told each step's hours.
    const timed = this.agent.config.stepDiscounts;
    for (let i = 0; i < n; i++) {
      const u = users[i];
      if (this.hasPending[u] === 0) continue;
      const hours = timed ? (platform.tick - this.pendingTick[u]) / TICKS_PER_HOUR : undefined;
      this.agent.observe(u, this.pendingObs, u * S, this.pendingAction[u], this.pendingReward[u], enc.obs, i * S, false, enc.mask, i * A, hours);
      this.hasPending[u] = 0;
    }
    return n;
  }

  /** The scores this policy's agent serves by for the users prepare() encoded (a view; see DqnAgent.serveScores). */
  serveScores(n: number): Float32Array {
    return this.agent.serveScores(this.encoder.obs.subarray(0, n * this.S), n, this.encoder.mask.subarray(0, n * this.A));
  }

  /**
   * The second half of act(): writes the chosen action of each of the n users (and, for a slate,
   * the best others by `slateScores`, batch x actions) into `actions`, and in training keeps each
   * user's state and action until its reward and next state come.
   */
  commit(platform: Platform, n: number, chosen: Int32Array, slateScores: Float32Array | null, actions: Int32Array): void {
    const S = this.S, A = this.A, K = platform.slateSize;
    const enc = this.encoder;
    // The new users are scored: their rows go back to the trained model's (NewUserFoldIn.restore).
    for (const f of this.foldIns) f.restore();
    if (K === 1) {
      actions.set(chosen.subarray(0, n));
    } else {
      if (slateScores === null) throw new RangeError("PlatformDqnPolicy.commit: a slate needs scores to rank the rest by");
      for (let i = 0; i < n; i++) fillSlate(slateScores, i, A, enc.mask, chosen[i], K, actions);
    }
    if (this.mode === "train") {
      for (let i = 0; i < n; i++) {
        const u = platform.deciding[i];
        enc.setActionFeatures(i, chosen[i]);
        this.pendingObs.set(enc.obs.subarray(i * S, (i + 1) * S), u * S);
        this.pendingAction[u] = chosen[i];
        this.pendingTick[u] = platform.tick;
      }
    }
  }

  private chosenBuffer(n: number): Int32Array {
    if (this.chosen.length < n) {
      this.chosen = new Int32Array(n * 2);
      this.explored = new Uint8Array(n * 2);
    }
    return this.chosen.subarray(0, n);
  }

  learn(result: StepResult): void {
    for (let i = 0; i < result.n; i++) {
      this.rewardSum += result.reward[i];
      this.rewardCount++;
    }
    if (this.mode !== "train") return;
    const S = this.S;
    for (let i = 0; i < result.n; i++) {
      const u = result.users[i];
      // In a slate the user may pick another stream than the first: learn about what they watched.
      if (result.chosen[i] >= 0 && result.chosen[i] !== this.pendingAction[u]) {
        this.pendingAction[u] = result.chosen[i];
        this.encoder.writeActionFeatures(result.chosen[i], this.pendingObs, u * S);
      }
      this.pendingReward[u] = this.outcomeValue === null ? result.reward[i] : this.outcomeValue.shaped(result, i, this.streamers!);
      this.hasPending[u] = 1;
      if (result.churned[i]) {
        this.agent.observe(u, this.pendingObs, u * S, this.pendingAction[u], this.pendingReward[u], this.pendingObs, u * S, true, null, 0);
        this.hasPending[u] = 0;
      }
    }
    this.agent.learn();
  }

  /** The run is over: open transitions end without a terminal state (they still bootstrap). */
  finish(): void {
    if (this.mode !== "train") return;
    for (let u = 0; u < this.hasPending.length; u++) {
      if (this.hasPending[u] === 0) continue;
      this.hasPending[u] = 0;
      // No next state was seen: drop the last step rather than invent one, and cut the n-step tail.
      this.agent.endEpisode(u);
    }
  }
}

/**
 * The fold-ins of a served feature head with user embeddings and the pairs' past (and of its
 * acceptance gate, which has user embeddings of its own); a RangeError naming what is missing otherwise.
 */
function newUserFoldIns(agent: DqnAgent, encoder: PlatformEncoder, mode: "train" | "serve"): NewUserFoldIn[] {
  const why = mode !== "serve" ? "a model that goes on learning trains its new users' embeddings itself (serve mode only)"
    : agent.online.kind !== "feature" ? "the classic head has no user embeddings"
    : (agent.online as FeatureQFunction).userEmbeddingCount === 0 ? "the feature head has no user embeddings (dqn.userEmbeddings)"
    : encoder.pairPast === null ? "the encoder has no pairs' past (dqn.pairPast) to say who watched whom"
    : null;
  if (why !== null) throw new RangeError(`PlatformDqnPolicy: newUserFoldIn: ${why}`);
  const q = agent.online as FeatureQFunction;
  return [q, ...(q.gate !== null ? [q.gate] : [])].map((h) => new NewUserFoldIn(h, encoder.pairPast!));
}

/** Row i of `actions` (K entries): `first`, then the K-1 best other available actions by Q (or -1). */
function fillSlate(q: Float32Array, i: number, A: number, mask: Uint8Array, first: number, K: number, actions: Int32Array): void {
  const row = i * A, out = i * K;
  actions[out] = first;
  for (let k = 1; k < K; k++) {
    let best = -1;
    for (let a = 0; a < A; a++) {
      if (mask[row + a] === 0) continue;
      let used = false;
      for (let j = 0; j < k; j++) if (actions[out + j] === a) used = true;
      if (used) continue;
      if (best < 0 || q[row + a] > q[row + best]) best = a;
    }
    actions[out + k] = best;
  }
}
