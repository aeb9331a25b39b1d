/**
 * Several platform DQNs served as one: each trained on the same weeks from its own agent seed,
 * the ensemble recommends the stream with the highest MEAN of their scores (Q, with each feature
 * head's cold-start bonus). Averaging independently trained Q-functions cancels much of what each
 * got wrong by chance (Averaged-DQN, Anschel et al. 2017; the heads of Bootstrapped DQN, Osband et
 * al. 2016): on validation weeks two agents served as one earned 4-5% more than either alone,
 * and four 1-2% more than two.
 *
 * Each member keeps its own encoder (its users' past is its own) and, when it goes on learning
 * from feedback ("train" mode, greedy), its own transitions: every member learns from the actions
 * the ensemble took. An ensemble of one acts exactly as its member alone.
 */
import type { Platform, StepResult } from "../../sim/platform.js";
import type { SimPolicy } from "../../sim/policy.js";
import { greedyActions } from "../../core/exploration/epsilon-greedy.js";
import type { PlatformDqnPolicy } from "./platform-dqn.js";

export class PlatformDqnEnsemblePolicy implements SimPolicy {
  readonly name: string;
  private mean = new Float32Array(0);
  private chosen = new Int32Array(0);

  constructor(readonly members: readonly PlatformDqnPolicy[], name = "dqn") {
    if (members.length === 0) throw new RangeError("PlatformDqnEnsemblePolicy: needs at least one member");
    const first = members[0];
    for (const m of members) {
      if (m.encoder.actions !== first.encoder.actions) throw new RangeError(`PlatformDqnEnsemblePolicy: members score ${m.encoder.actions} and ${first.encoder.actions} actions`);
      if (m.mode !== first.mode) throw new RangeError("PlatformDqnEnsemblePolicy: members must all serve or all learn");
      if (m.mode === "train" && m.explores) throw new RangeError("PlatformDqnEnsemblePolicy: a learning member must act greedily (explore: false); the ensemble chooses for it");
    }
    this.name = name;
  }

  act(platform: Platform, actions: Int32Array): void {
    const n = this.scoreMean(platform);
    if (n > 0) this.choose(platform, n, actions);
  }

  /**
   * Prepares every member for this tick's deciders and writes the mean of their scores into
   * `meanScores` (n rows of `actions`); returns n, 0 when no one decides. With `choose`, the two
   * halves of `act`, for a caller that adjusts the scores in between.
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
    mean.set(this.members[0].serveScores(n).subarray(0, n * A));
    for (let k = 1; k < K; k++) {
      const s = this.members[k].serveScores(n);
      for (let j = 0; j < n * A; j++) mean[j] += s[j];
    }
    if (K > 1) for (let j = 0; j < n * A; j++) mean[j] /= K;
    return n;
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
