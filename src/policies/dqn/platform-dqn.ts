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
}

export class PlatformDqnPolicy implements SimPolicy {
  readonly name: string;
  readonly mode: "train" | "serve";
  private readonly explore: boolean;
  private readonly S: number;
  private readonly A: number;
  private pendingObs: Float32Array;
  private pendingAction: Int32Array;
  private pendingReward: Float32Array;
  private hasPending: Uint8Array;
  private chosen = new Int32Array(0);
  private explored = new Uint8Array(0);
  /** Sum of rewards and count of decisions since the last read (for progress displays). */
  rewardSum = 0;
  rewardCount = 0;

  constructor(readonly agent: DqnAgent, readonly encoder: PlatformEncoder, options: PlatformDqnOptions) {
    this.mode = options.mode;
    this.explore = options.explore ?? true;
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
  }

  act(platform: Platform, actions: Int32Array): void {
    const enc = this.encoder;
    enc.refreshTable(platform);
    const n = enc.encode(platform);
    if (n === 0) return;
    const S = this.S, A = this.A, K = platform.slateSize;
    const obs = enc.obs.subarray(0, n * S);
    const mask = enc.mask.subarray(0, n * A);
    if (this.chosen.length < n) {
      this.chosen = new Int32Array(n * 2);
      this.explored = new Uint8Array(n * 2);
    }
    const chosen = this.chosen.subarray(0, n);
    if (this.mode === "train") {
      // Close each deciding user's previous transition: this is its next state.
      const users = platform.deciding;
      for (let i = 0; i < n; i++) {
        const u = users[i];
        if (this.hasPending[u] === 0) continue;
        this.agent.observe(u, this.pendingObs, u * S, this.pendingAction[u], this.pendingReward[u], obs, i * S, false, mask, i * A);
        this.hasPending[u] = 0;
      }
      if (this.explore) this.agent.act(obs, n, mask, chosen, this.explored);
      else this.agent.actGreedy(obs, n, mask, chosen);
    } else {
      this.agent.greedy(obs, n, mask, chosen);
    }
    if (K === 1) {
      actions.set(chosen);
    } else {
      // A slate: the chosen action first, then the best of the rest by Q.
      const q = this.agent.qValues(obs, n, mask);
      for (let i = 0; i < n; i++) fillSlate(q, i, A, mask, chosen[i], K, actions);
    }
    if (this.mode === "train") {
      for (let i = 0; i < n; i++) {
        const u = platform.deciding[i];
        enc.setActionFeatures(i, chosen[i]);
        this.pendingObs.set(enc.obs.subarray(i * S, (i + 1) * S), u * S);
        this.pendingAction[u] = chosen[i];
      }
    }
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
      this.pendingReward[u] = result.reward[i];
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
