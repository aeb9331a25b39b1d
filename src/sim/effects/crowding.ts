/**
 * Crowding: beyond a threshold of viewers, each further doubling worsens the experience (chat too
 * fast, no attention from the streamer), shortening watches and making likes, gifts and follows
 * rarer. Users who pick the same stream in the same tick crowd each other: this is where one
 * user's recommendation changes what the others get.
 */
import type { SimConfig } from "../config.js";

export interface CrowdingEffect {
  readonly enabled: boolean;
  readonly threshold: number;
  readonly strength: number;
}

export function crowdingEffect(config: SimConfig): CrowdingEffect {
  return { ...config.effects.crowding };
}

/** Match lost by the experience with `viewers` watching (the user included). */
export function crowdingPenalty(viewers: number, e: CrowdingEffect): number {
  return e.enabled && viewers > e.threshold ? e.strength * Math.log(viewers / e.threshold) : 0;
}
