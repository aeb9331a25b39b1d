/**
 * Several platform DQNs served as one: each trained on the same weeks from its own agent seed,
 * the ensemble recommends the stream the members expect most reward from on average. Averaging
 * independently trained Q-functions cancels much of what each got wrong by chance (Averaged-DQN,
 * Anschel et al. 2017; the heads of Bootstrapped DQN, Osband et al. 2016): on validation weeks two
 * agents served as one earned 4-5% more than either alone, and four 1-2% more than two.
 *
 * The mean is taken in the reward's units ("reward", the default). A member trained with the
 * "poisson" loss scores the LOG of the expected reward, so the ensemble's score is the log of the
 * mean of exp(score), log((1/K) sum_k exp(q_k)); for the other losses, whose scores are rewards,
 * it is the plain mean. Up to session 19 the ensemble took the plain mean of the log scores (the
 * geometric mean of the expected rewards, "score"), which ranks a stream the members disagree on
 * below one they agree on at the same mean reward. On validation weeks the mean in the reward's
 * units earned more at the demo's size (+1.1% with the default agents) and at double (+1.3%)
 * with each of five sets of trained agents, and was a wash at half (README, session 20).
 *
 * Each member keeps its own encoder (its users' past is its own) and, when it goes on learning
 * from feedback ("train" mode, greedy), its own transitions: every member learns from the actions
 * the ensemble took. An ensemble of one acts exactly as its member alone.
 */
import type { Platform, StepResult } from "../../sim/platform.js";
import type { SimPolicy } from "../../sim/policy.js";
import { greedyActions } from "../../core/exploration/epsilon-greedy.js";
import type { PlatformDqnPolicy } from "./platform-dqn.js";

/**
 * How the ensemble averages its members' scores: "reward", the mean of the expected rewards they
 * stand for (for the "poisson" loss the log of the mean of exp(score)); "score", the plain mean of
 * the scores (the same as "reward" for the other losses).
 */
export type EnsembleMean = "reward" | "score";

export class PlatformDqnEnsemblePolicy implements SimPolicy {
  readonly name: string;
  readonly average: EnsembleMean;
  /** Whether the members' scores are logs of the expected reward (the "poisson" loss) and "reward" averages exp(score). */
  private readonly logScores: boolean;
  private mean = new Float32Array(0);
  private chosen = new Int32Array(0);
  // For "reward" with log scores, per entry: the largest member score so far (the shift that keeps
  // exp from overflowing) and the sum of exp(score - shift), in float64.
  private top = new Float64Array(0);
  private sum = new Float64Array(0);

  constructor(readonly members: readonly PlatformDqnPolicy[], name = "dqn", options: { average?: EnsembleMean } = {}) {
    if (members.length === 0) throw new RangeError("PlatformDqnEnsemblePolicy: needs at least one member");
    const first = members[0];
    for (const m of members) {
      if (m.encoder.actions !== first.encoder.actions) throw new RangeError(`PlatformDqnEnsemblePolicy: members score ${m.encoder.actions} and ${first.encoder.actions} actions`);
      if (m.mode !== first.mode) throw new RangeError("PlatformDqnEnsemblePolicy: members must all serve or all learn");
      if (m.mode === "train" && m.explores) throw new RangeError("PlatformDqnEnsemblePolicy: a learning member must act greedily (explore: false); the ensemble chooses for it");
      if (m.agent.config.loss !== first.agent.config.loss) {
        throw new RangeError(`PlatformDqnEnsemblePolicy: members trained with the "${first.agent.config.loss}" and "${m.agent.config.loss}" losses score in different units`);
      }
    }
    const average = options.average ?? "reward";
    if (average !== "reward" && average !== "score") throw new RangeError(`PlatformDqnEnsemblePolicy: average must be "reward" or "score", got ${JSON.stringify(average)}`);
    this.name = name;
    this.average = average;
    this.logScores = average === "reward" && first.agent.config.loss === "poisson" && members.length > 1;
  }

  act(platform: Platform, actions: Int32Array): void {
    const n = this.scoreMean(platform);
    if (n > 0) this.choose(platform, n, actions);
  }

  /**
   * Prepares every member for this tick's deciders and writes the mean of their scores (see
   * `average`) into `meanScores` (n rows of `actions`, in the members' units: the log of a reward
   * for the "poisson" loss); returns n, 0 when no one decides. With `choose`, the two halves of
   * `act`, for a caller that adjusts the scores in between.
   */
  scoreMean(platform: Platform): number {
    let n = 0;
    for (const m of this.members) n = m.prepare(platform);
    if (n === 0) return 0;
    const A = this.members[0].encoder.actions;
    if (this.mean.length < n * A) {
      this.mean = new Float32Array(n * A * 2);
      this.chosen = new Int32Array(n * 2);
    }
    const mean = this.mean.subarray(0, n * A);
    const K = this.members.length;
    // (entries of actions not live now are whatever each scorer left there: the mask skips them)
    if (this.logScores) {
      this.logMeanExp(n, n * A);
      return n;
    }
    mean.set(this.members[0].serveScores(n).subarray(0, n * A));
    for (let k = 1; k < K; k++) {
      const s = this.members[k].serveScores(n);
      for (let j = 0; j < n * A; j++) mean[j] += s[j];
    }
    if (K > 1) for (let j = 0; j < n * A; j++) mean[j] /= K;
    return n;
  }

  /**
   * mean[j] = log((1/K) sum_k exp(q_k[j])) over the n deciders' `size` entries, summed one member
   * at a time (each member's scores are read as soon as it scores, as the plain mean reads them)
   * and shifted by the largest score seen so far, so no exp overflows: when a member scores an
   * entry above that shift, the sum so far is rescaled to the new one.
   */
  private logMeanExp(n: number, size: number): void {
    if (this.top.length < size) {
      this.top = new Float64Array(this.mean.length);
      this.sum = new Float64Array(this.mean.length);
    }
    const top = this.top, sum = this.sum, mean = this.mean;
    top.set(this.members[0].serveScores(n).subarray(0, size));
    sum.fill(1, 0, size);
    for (let k = 1; k < this.members.length; k++) {
      const s = this.members[k].serveScores(n);
      for (let j = 0; j < size; j++) {
        const q = s[j];
        if (q > top[j]) {
          sum[j] = sum[j] * Math.exp(top[j] - q) + 1;
          top[j] = q;
        } else {
          sum[j] += Math.exp(q - top[j]);
        }
      }
    }
    const logK = Math.log(this.members.length);
    for (let j = 0; j < size; j++) mean[j] = top[j] + Math.log(sum[j]) - logK;
  }

  /** The mean scores scoreMean wrote (its n rows come first). */
  get meanScores(): Float32Array {
    return this.mean;
  }

  /** Recommends for the n deciders by the (possibly adjusted) mean scores, as `act` does after scoreMean. */
  choose(platform: Platform, n: number, actions: Int32Array): void {
    const A = this.members[0].encoder.actions;
    const mean = this.mean.subarray(0, n * A);
    // Every member encodes the same live streams: the first one's mask is everyone's.
    const mask = this.members[0].encoder.mask.subarray(0, n * A);
    const chosen = this.chosen.subarray(0, n);
    greedyActions(mean, n, A, mask, chosen);
    for (const m of this.members) {
      if (m.mode === "train") m.agent.countDecisions(n);
      m.commit(platform, n, chosen, platform.slateSize > 1 ? mean : null, actions);
    }
  }

  learn(result: StepResult): void {
    for (const m of this.members) m.learn(result);
  }

  finish(): void {
    for (const m of this.members) m.finish();
  }
}
