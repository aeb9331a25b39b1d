/** Small worlds for the simulator tests. */
import { parseSimConfig, type SimConfigInput } from "../../src/sim/config.js";
import { Platform } from "../../src/sim/platform.js";

/** A small platform: `users` users, `streamers` streamers, `days` days, more overrides on top. */
export function smallPlatform(seed = 1, overrides: SimConfigInput = {}, users = 200, streamers = 60, days = 2): Platform {
  return new Platform(parseSimConfig({ users, streamers, days, ...overrides }), seed);
}
