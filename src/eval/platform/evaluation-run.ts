/**
 * One evaluation run: a policy over one run of a platform (a week, in the comparison's terms), as
 * `liveq compare` runs every policy, with the cold-start tracker watching its recommendations.
 * Returns what the comparison's metrics are read from.
 */
import type { Platform } from "../../sim/platform.js";
import type { SimSummary } from "../../sim/metrics.js";
import type { SimPolicy } from "../../sim/policy.js";
import { TICKS_PER_HOUR } from "../../sim/time.js";
import { ColdStartTracker, newStreamerParities, type StreamerParities } from "./cold-start.js";

export interface EvaluationRun {
  summary: SimSummary;
  parity: StreamerParities;
}

/** Runs `policy` on `platform` to the end (it learns if it does); `onTick` is called after each step. */
export function evaluationRun(platform: Platform, policy: SimPolicy, onTick?: (tick: number) => void): EvaluationRun {
  const steps = evaluationSteps(platform, policy);
  for (;;) {
    const s = steps.next();
    if (s.done) return s.value;
    onTick?.(s.value);
  }
}

/**
 * The same run, letting the event loop turn every simulated hour: a long comparison then hears
 * Ctrl-C and its training workers' messages while it evaluates. Rejects with the signal's reason
 * once `signal` is aborted (the run is abandoned; it is the same run when started again).
 */
export async function evaluationRunAsync(platform: Platform, policy: SimPolicy, o: { onTick?: (tick: number) => void; signal?: AbortSignal } = {}): Promise<EvaluationRun> {
  const steps = evaluationSteps(platform, policy);
  for (;;) {
    o.signal?.throwIfAborted();
    const s = steps.next();
    if (s.done) return s.value;
    o.onTick?.(s.value);
    if (s.value % TICKS_PER_HOUR === 0) await new Promise((r) => setImmediate(r));
  }
}

/** The run step by step: yields the tick after each step, returns the run's summary at the end. */
function* evaluationSteps(platform: Platform, policy: SimPolicy): Generator<number, EvaluationRun> {
  const tracker = new ColdStartTracker(platform);
  while (!platform.done) {
    const actions = platform.actions();
    policy.act(platform, actions);
    tracker.beforeStep(platform, actions);
    const r = platform.step(actions);
    tracker.afterStep(r);
    policy.learn?.(r, platform);
    yield platform.tick;
  }
  return { summary: platform.summary(), parity: newStreamerParities(platform, tracker) };
}
