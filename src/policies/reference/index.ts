/**
 * The reference policies of the simulator, by name: the floor (random), the popularity baseline
 * (most-viewed-now) and the two oracles that read the hidden truth (myopic-oracle, the bar a
 * learner must beat, and lookahead-oracle).
 */
import type { SimPolicy } from "../../sim/policy.js";
import { LookaheadOraclePolicy } from "./lookahead-oracle.js";
import { MostViewedNowPolicy } from "./most-viewed-now.js";
import { MyopicOraclePolicy } from "./myopic-oracle.js";
import { RandomPolicy } from "./random.js";

export { LookaheadOraclePolicy, type LookaheadOptions, type LookaheadTerms } from "./lookahead-oracle.js";
export { MostViewedNowPolicy } from "./most-viewed-now.js";
export { MyopicOraclePolicy, type MyopicOracleOptions, type PairEvidence } from "./myopic-oracle.js";
export { RandomPolicy } from "./random.js";
export { greedySlate } from "./slate.js";

export const REFERENCE_POLICIES = ["random", "most-viewed-now", "myopic-oracle", "oracle-without-pair-appeal", "oracle-of-interests", "lookahead-oracle"] as const;
export type ReferencePolicyName = (typeof REFERENCE_POLICIES)[number];

/** A reference policy by name; `seed` seeds the random one. */
export function referencePolicy(name: string, seed: number): SimPolicy {
  switch (name) {
    case "random": return new RandomPolicy(seed);
    case "most-viewed-now": return new MostViewedNowPolicy();
    case "myopic-oracle": return new MyopicOraclePolicy();
    case "oracle-without-pair-appeal": return new MyopicOraclePolicy("tastes");
    case "oracle-of-interests": return new MyopicOraclePolicy("interests");
    case "lookahead-oracle": return new LookaheadOraclePolicy();
    default: throw new Error(`unknown policy "${name}" (known: ${REFERENCE_POLICIES.join(", ")})`);
  }
}
