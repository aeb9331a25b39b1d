/** Small platforms for the baseline tests. */
import { Platform } from "../../../src/sim/platform.js";
import { parseSimConfig, type SimConfigInput } from "../../../src/sim/config.js";
import type { SimPolicy } from "../../../src/sim/policy.js";

export function smallPlatform(seed = 1, overrides: SimConfigInput = {}): Platform {
  return new Platform(parseSimConfig({ users: 300, streamers: 40, days: 3, ...overrides }), seed);
}

/**
 * Runs `policy` on `platform` for at most `steps` steps (or to the end), calling `check` with each
 * batch's actions before they are applied.
 */
export function runSteps(platform: Platform, policy: SimPolicy, steps: number, check?: (actions: Int32Array) => void): void {
  for (let k = 0; k < steps && !platform.done; k++) {
    const actions = platform.actions();
    policy.act(platform, actions);
    check?.(actions);
    const result = platform.step(actions);
    policy.learn?.(result, platform);
  }
}
