/**
 * Satisfaction ("temper"), in [0, 1]. Each outcome has a score (0 for a "no thanks", rising towards
 * 1 with minutes watched) and satisfaction moves part of the way towards it. Low satisfaction ends
 * sessions sooner, slows the user's return and raises the chance of leaving for good; high
 * satisfaction does the opposite. Switched off, satisfaction stays at its initial value, so these
 * chances stay at their baseline.
 */
import type { SimConfig } from "../config.js";

export interface SatisfactionEffect {
  readonly enabled: boolean;
  readonly initial: number;
  readonly learningRate: number;
  readonly sessionEnd: number;
  readonly returnDelay: number;
  readonly churnBase: number;
  readonly churn: number;
}

export function satisfactionEffect(config: SimConfig): SatisfactionEffect {
  return { ...config.effects.satisfaction };
}

/** Score of an outcome: 0 for a "no thanks", 1 - exp(-minutes / typical minutes) after watching. */
export function outcomeScore(minutesWatched: number, typicalMinutes: number): number {
  return 1 - Math.exp(-minutesWatched / typicalMinutes);
}

/** Satisfaction after an outcome with the given score. */
export function updatedSatisfaction(s: number, score: number, e: SatisfactionEffect): number {
  return e.enabled ? s + e.learningRate * (score - s) : s;
}

/** Extra chance of ending the session that comes from dissatisfaction. */
export function dissatisfiedEndChance(s: number, e: SatisfactionEffect): number {
  return e.sessionEnd * (1 - s);
}

/** Factor on the rate of returning: 1 at the initial satisfaction, lower below it, higher above. */
export function returnRateFactor(s: number, e: SatisfactionEffect): number {
  return Math.exp(e.returnDelay * (s - e.initial));
}

/** Chance of leaving for good at the end of a session. */
export function churnChance(s: number, e: SatisfactionEffect): number {
  return Math.min(1, e.churnBase * Math.exp(e.churn * (e.initial - s)));
}

/**
 * A bound on churnChance(s) over satisfactions s >= 0 (it is largest at 0, as churn >= 0), with
 * room for the rounding of Math.exp; see churns.
 */
export function churnCeiling(e: SatisfactionEffect): number {
  return churnChance(0, e) * (1 + 1e-9) + 1e-15;
}

/**
 * Does a user of satisfaction s churn, for the uniform draw u01: u01 < churnChance(s)? Churn is
 * rare, so most draws are above `ceiling` (churnCeiling(e)) and answer "no" without the
 * exponential; the answer is always the one churnChance gives.
 */
export function churns(u01: number, s: number, e: SatisfactionEffect, ceiling: number): boolean {
  if (s >= 0 && u01 >= ceiling) return false;
  return u01 < churnChance(s, e);
}
