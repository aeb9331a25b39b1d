/**
 * One evaluation run: a policy over one run of a platform (a week, in the comparison's terms), as
 * `liveq compare` runs every policy, with the cold-start tracker watching its recommendations.
 * Returns what the comparison's metrics are read from.
 */
import type { Platform } from "../../sim/platform.js";
import type { SimSummary } from "../../sim/metrics.js";
import type { SimPolicy } from "../../sim/policy.js";
import { ColdStartTracker, newStreamerParities, type StreamerParities } from "./cold-start.js";

export interface EvaluationRun {
  summary: SimSummary;
  parity: StreamerParities;
}

/** Runs `policy` on `platform` to the end (it learns if it does); `onTick` is called after each step. */
export function evaluationRun(platform: Platform, policy: SimPolicy, onTick?: (tick: number) => void): EvaluationRun {
  const tracker = new ColdStartTracker(platform);
  while (!platform.done) {
    const actions = platform.actions();
    policy.act(platform, actions);
    tracker.beforeStep(platform, actions);
    const r = platform.step(actions);
    tracker.afterStep(r);
    policy.learn?.(r, platform);
    onTick?.(platform.tick);
  }
  return { summary: platform.summary(), parity: newStreamerParities(platform, tracker) };
}
