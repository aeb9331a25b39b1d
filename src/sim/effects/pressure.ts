/**
 * Monetisation pressure: some streamers push their viewers to gift. Each streamer has a hidden
 * pressure in [0, 1]; it multiplies the gift rate by 1 + giftBoost x pressure, and it scales down
 * the satisfaction a viewing brings by 1 - satisfactionCost x pressure. Gifts pay at once, lost
 * satisfaction costs later (shorter sessions, slower returns, churn): the trade-off between
 * engagement now and satisfaction later that makes greedy recommendation short-sighted (the
 * "chocolate versus kale" world of RecSim, Ie et al. 2019). Switched off, pressure does nothing.
 */
import type { SimConfig } from "../config.js";

export interface PressureEffect {
  readonly enabled: boolean;
  readonly giftBoost: number;
  readonly satisfactionCost: number;
}

export function pressureEffect(config: SimConfig): PressureEffect {
  return { ...config.effects.pressure };
}

/** Factor on the gift rate of a streamer with this pressure. */
export function giftFactor(pressure: number, e: PressureEffect): number {
  return e.enabled ? 1 + e.giftBoost * pressure : 1;
}

/** Factor on the satisfaction score of a viewing of a streamer with this pressure. */
export function satisfactionFactor(pressure: number, e: PressureEffect): number {
  return e.enabled ? 1 - e.satisfactionCost * pressure : 1;
}
