/**
 * Social proof: a stream that many people watch looks more appealing, growing with the logarithm
 * of its viewers up to a cap. It raises the chance of being chosen, not the experience itself.
 */
import type { SimConfig } from "../config.js";

export interface SocialProofEffect {
  readonly enabled: boolean;
  readonly strength: number;
  readonly capViewers: number;
}

export function socialProofEffect(config: SimConfig): SocialProofEffect {
  return { ...config.effects.socialProof };
}

/** Utility added to a stream's appeal by its viewer count. */
export function socialProof(viewers: number, e: SocialProofEffect): number {
  return e.enabled ? e.strength * Math.log1p(viewers < e.capViewers ? viewers : e.capViewers) : 0;
}
