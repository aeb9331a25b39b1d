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
  /**
   * Knowing "tastes" of the established streamers, it also knows the pair's own appeal wherever
   * `record` holds at least `minEvidence` recommendations and viewings of the pair (for liveq, a
   * PairPast: the pairs' record of past weeks). A learner can learn a pair's appeal only from that
   * record, and only noisily: this oracle knows it exactly there, a bound on what the record can
   * teach (examples/learnable-bounds.ts).
   */
  readonly pairRecord?: { readonly record: PairEvidence; readonly minEvidence: number };
}

/** What a record holds of a user and streamer pair: recommendations plus viewings (0: none). */
export interface PairEvidence {
  evidence(user: number, streamer: number): number;
}

export class MyopicOraclePolicy implements SimPolicy {
  readonly name: string;
  private utility = new Float64Array(0);
  private value = new Float64Array(0);
  private taken = new Uint8Array(0);

  private readonly knowsOfNewcomers: OracleKnowledge;
  private readonly record: PairEvidence | null;
  private readonly minEvidence: number;

  constructor(private readonly knows: OracleKnowledge = "everything", options: MyopicOracleOptions = {}) {
    this.knowsOfNewcomers = options.newcomers ?? knows;
    this.name = this.knowsOfNewcomers === knows ? NAMES[knows] : `${NAMES[knows]} (newcomers: ${this.knowsOfNewcomers})`;
    this.record = options.pairRecord?.record ?? null;
    this.minEvidence = options.pairRecord?.minEvidence ?? 0;
    if (options.pairRecord !== undefined) {
      if (knows !== "tastes") throw new RangeError(`MyopicOraclePolicy: pairRecord needs knows "tastes" (the pair's appeal is what it adds to them), got "${knows}"`);
      if (!(this.minEvidence >= 0)) throw new RangeError(`MyopicOraclePolicy: pairRecord.minEvidence must be a number >= 0, got ${options.pairRecord.minEvidence}`);
      this.name += ` (+ pair appeal with evidence >= ${this.minEvidence})`;
    }
  }

  /** What it knows of stream s for user u. */
  private knowledge(platform: Platform, u: number, s: number): OracleKnowledge {
    if (platform.streamers.isNew(s)) return this.knowsOfNewcomers;
    if (this.record !== null && this.record.evidence(u, s) >= this.minEvidence) return "everything";
    return this.knows;
  }

  act(platform: Platform, actions: Int32Array): void {
    const truth = platform.truth;
    const live = platform.liveStreams, L = live.length, K = platform.slateSize, n = platform.nDeciding;
    if (this.value.length < L) {
      this.utility = new Float64Array(platform.catalogueSize);
      this.value = new Float64Array(platform.catalogueSize);
      this.taken = new Uint8Array(platform.catalogueSize);
    }
    for (let i = 0; i < n; i++) {
      const u = platform.userOf(i);
      for (let j = 0; j < L; j++) {
        const s = live[j];
        const a = truth.assess(i, s, 0, this.knowledge(platform, u, s));
        this.utility[j] = a.utility;
        this.value[j] = a.reward;
      }
      greedySlate(live, this.utility, this.value, L, truth.noThanks(), K, actions, i, this.taken);
    }
  }
}
