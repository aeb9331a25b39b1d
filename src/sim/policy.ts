/**
 * A policy for the simulator, and the loop that runs one over a platform.
 */
import type { Platform, StepResult } from "./platform.js";
import type { SimSummary } from "./metrics.js";

export interface SimPolicy {
  readonly name: string;
  /**
   * Writes one slate per deciding user of the current batch into `actions` (nDeciding x
   * slateSize, row i for platform.deciding[i]). Must choose only live streams (platform.liveMask).
   */
  act(platform: Platform, actions: Int32Array): void;
  /** Sees the results of each step (a learner stores them; the reference policies ignore them). */
  learn?(result: StepResult, platform: Platform): void;
  /**
   * A run is over and the next run is another week of the same world (training runs): what the
   * policy carries from one to the next besides what `learn` saw (the users' past, for one).
   */
  endRun?(platform: Platform): void;
}

export interface RunOptions {
  /** Called after each step with the share of the run done (0..1), e.g. for a progress bar. */
  readonly onProgress?: (done: number, platform: Platform) => void;
}

/** Runs `policy` on `platform` to the end of the run and returns the metrics. */
export function runPolicy(platform: Platform, policy: SimPolicy, options: RunOptions = {}): SimSummary {
  let lastDay = -1;
  while (!platform.done) {
    const actions = platform.actions();
    policy.act(platform, actions);
    const result = platform.step(actions);
    policy.learn?.(result, platform);
    if (options.onProgress && platform.day !== lastDay) {
      lastDay = platform.day;
      options.onProgress(platform.done ? 1 : platform.tick / platform.horizon, platform);
    }
  }
  options.onProgress?.(1, platform);
  return platform.summary();
}
