/**
 * Fatigue and boredom: each hour watched in a category adds fatigue to it, fatigue lowers the
 * category's appeal and experience, and it wears off exponentially, so variety recovers appeal.
 * Switched off, fatigue is neither added nor felt.
 */
import type { SimConfig } from "../config.js";
import { TICKS_PER_HOUR } from "../time.js";

export interface FatigueEffect {
  readonly enabled: boolean;
  readonly perHour: number;
  readonly strength: number;
  /** Exponential decay rate per tick (1 / recovery time in ticks). */
  readonly decayPerTick: number;
}

export function fatigueEffect(config: SimConfig): FatigueEffect {
  const f = config.effects.fatigue;
  return { enabled: f.enabled, perHour: f.perHour, strength: f.strength, decayPerTick: 1 / (f.recoveryHours * TICKS_PER_HOUR) };
}

/** Utility lost to a fatigue level. */
export function fatiguePenalty(level: number, e: FatigueEffect): number {
  return e.enabled ? e.strength * level : 0;
}

/** Fatigue added by watching `minutes` of a category. */
export function fatigueAdded(minutes: number, e: FatigueEffect): number {
  return e.enabled ? (e.perHour * minutes) / 60 : 0;
}
