/**
 * The myopic oracle: reads the hidden truth and recommends, for each user, the stream with the
 * highest expected immediate reward, P(accept) x E[reward | watch], with the viewers at the start
 * of the tick. With slates, a greedy best slate under the user's true choice model (see slate.ts).
 *
 * It knows everything about now and nothing about later: it ignores that a follow brings the user
 * back, that a satisfied user stays longer and returns sooner, that fatigue builds up, and that the
 * other users of the same tick may crowd the same stream. A learner that beats it has learned to
 * plan.
 */
import type { Platform } from "../../sim/platform.js";
import type { SimPolicy } from "../../sim/policy.js";
import { greedySlate } from "./slate.js";

export class MyopicOraclePolicy implements SimPolicy {
  readonly name = "myopic-oracle";
  private utility = new Float64Array(0);
  private value = new Float64Array(0);
  private taken = new Uint8Array(0);

  act(platform: Platform, actions: Int32Array): void {
    const truth = platform.truth;
    const live = platform.liveStreams, L = live.length, K = platform.slateSize, n = platform.nDeciding;
    if (this.value.length < L) {
      this.utility = new Float64Array(platform.catalogueSize);
      this.value = new Float64Array(platform.catalogueSize);
      this.taken = new Uint8Array(platform.catalogueSize);
    }
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < L; j++) {
        const a = truth.assess(i, live[j]);
        this.utility[j] = a.utility;
        this.value[j] = a.reward;
      }
      greedySlate(live, this.utility, this.value, L, truth.noThanks(), K, actions, i, this.taken);
    }
  }
}
