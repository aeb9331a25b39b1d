/**
 * The myopic oracle: reads the hidden truth and recommends, for each user, the stream with the
 * highest expected immediate reward, P(accept) x E[reward | watch], with the viewers at the start
 * of the tick. With slates, a greedy best slate under the user's true choice model (see slate.ts).
 *
 * It knows everything about now and nothing about later: it ignores that a follow brings the user
 * back, that a satisfied user stays longer and returns sooner, that fatigue builds up, and that the
 * other users of the same tick may crowd the same stream. A learner that beats it has learned to
 * plan.
 *
 * Partial oracles (a diagnostic, not a bar): the same policy knowing less of each user's taste for
 * each streamer (see OracleKnowledge). "oracle-without-pair-appeal" does not know the pair's
 * idiosyncratic appeal, which a recommender can learn only from this user's feedback on this very
 * streamer; "oracle-of-interests" does not know how the user's and the streamer's latent tastes
 * match either (what collaborative filtering learns from many users' feedback). Their rewards show
 * how much of the oracle's lead rests on such facts.
 *
 * Cold-start oracles (a diagnostic too): `newcomers` sets what it knows of the streamers who
 * debuted during the run apart from what it knows of the others. A learner is in that position:
 * what it learned of an established streamer's audience it cannot know of a newcomer, only its
 * category and what its first viewers show. So the new streamers' discovery parity (src/eval/
 * platform/cold-start.ts) of such an oracle says how far that asymmetry alone keeps newcomers
 * from matching established streamers of equal quality (examples/cold-start-oracles.ts).
 */
import type { Platform } from "../../sim/platform.js";
import type { SimPolicy } from "../../sim/policy.js";
import type { OracleKnowledge } from "../../sim/truth.js";
import { greedySlate } from "./slate.js";

const NAMES: Record<OracleKnowledge, string> = { everything: "myopic-oracle", tastes: "oracle-without-pair-appeal", interests: "oracle-of-interests" };

export interface MyopicOracleOptions {
  /** What it knows of the streamers who debuted during the run (default: as much as of the others). */
  readonly newcomers?: OracleKnowledge;
}

export class MyopicOraclePolicy implements SimPolicy {
  readonly name: string;
  private utility = new Float64Array(0);
  private value = new Float64Array(0);
  private taken = new Uint8Array(0);

  private readonly knowsOfNewcomers: OracleKnowledge;

  constructor(private readonly knows: OracleKnowledge = "everything", options: MyopicOracleOptions = {}) {
    this.knowsOfNewcomers = options.newcomers ?? knows;
    this.name = this.knowsOfNewcomers === knows ? NAMES[knows] : `${NAMES[knows]} (newcomers: ${this.knowsOfNewcomers})`;
  }

  act(platform: Platform, actions: Int32Array): void {
    const truth = platform.truth, streamers = platform.streamers;
    const live = platform.liveStreams, L = live.length, K = platform.slateSize, n = platform.nDeciding;
    if (this.value.length < L) {
      this.utility = new Float64Array(platform.catalogueSize);
      this.value = new Float64Array(platform.catalogueSize);
      this.taken = new Uint8Array(platform.catalogueSize);
    }
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < L; j++) {
        const s = live[j];
        const a = truth.assess(i, s, 0, streamers.isNew(s) ? this.knowsOfNewcomers : this.knows);
        this.utility[j] = a.utility;
        this.value[j] = a.reward;
      }
      greedySlate(live, this.utility, this.value, L, truth.noThanks(), K, actions, i, this.taken);
    }
  }
}
