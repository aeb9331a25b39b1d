/**
 * The fixed sizes a learner on the platform needs across every seed of one config: the action
 * space (catalogue slots) and the agent ids (users). A platform's own sizes vary with its seed
 * (how many streamers debut and users arrive is random), so the learner reserves a bound that a
 * Poisson count exceeds with negligible probability (mean + 8 standard deviations + 8).
 */
import type { SimConfig } from "../sim/config.js";

export interface PlatformBounds {
  /** Catalogue slots the DQN scores (the platform's slots beyond its own size are never live). */
  readonly actions: number;
  /** Agent ids (users) the DQN tracks. */
  readonly agents: number;
}

function poissonBound(mean: number): number {
  return Math.ceil(mean + 8 * Math.sqrt(mean) + 8);
}

export function platformBounds(config: SimConfig): PlatformBounds {
  const debuts = config.population.newStreamersPerDay * config.streamers * config.days;
  const arrivals = config.population.newUsersPerDay * config.users * config.days;
  return { actions: config.streamers + poissonBound(debuts), agents: config.users + poissonBound(arrivals) };
}
