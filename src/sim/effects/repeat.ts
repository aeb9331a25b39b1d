/**
 * Repeat consumption: users like to come back to streamers they know. A followed streamer and one
 * watched before appeal more (and are enjoyed more), and when a followed streamer goes live the
 * user may come back to the platform for it. Switched off, knowing a streamer changes nothing and
 * follows bring nobody back (follows are still counted and observed).
 */
import type { SimConfig } from "../config.js";

export interface RepeatEffect {
  readonly enabled: boolean;
  readonly follow: number;
  readonly familiarity: number;
  readonly notifyResponse: number;
}

export function repeatEffect(config: SimConfig): RepeatEffect {
  return { ...config.effects.repeat };
}

/** Utility of knowing a streamer: followed or not, and how often watched before. */
export function familiarity(followed: boolean, pastViewings: number, e: RepeatEffect): number {
  if (!e.enabled) return 0;
  return (followed ? e.follow : 0) + e.familiarity * Math.log1p(pastViewings);
}

/** Chance that a followed streamer going live brings the user back. */
export function notifyResponse(e: RepeatEffect): number {
  return e.enabled ? e.notifyResponse : 0;
}
