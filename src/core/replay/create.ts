/**
 * Building a replay buffer from a config, and copying a checkpoint state.
 */
import type { ReplayBuffer, ReplaySpec, ReplayState } from "./types.js";
import { UniformReplay } from "./uniform.js";
import { PrioritizedReplay, type PrioritizedReplayOptions } from "./prioritized.js";

export type ReplayConfig =
  | ({ readonly kind: "uniform" } & ReplaySpec)
  | ({ readonly kind: "prioritized" } & ReplaySpec & PrioritizedReplayOptions);

/** A uniform or prioritized buffer, as the config's kind says. */
export function createReplayBuffer(config: ReplayConfig): ReplayBuffer {
  switch (config?.kind) {
    case "uniform":
      return new UniformReplay(config);
    case "prioritized":
      return new PrioritizedReplay(config, config);
    default:
      throw new RangeError(`createReplayBuffer: kind must be "uniform" or "prioritized", got ${String((config as { kind?: unknown } | null)?.kind)}`);
  }
}

/** A deep copy of a state (getState() returns views of live storage; this detaches them). */
export function cloneReplayState<S extends ReplayState>(state: S): S {
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(state)) copy[key] = ArrayBuffer.isView(value) ? (value as Float32Array).slice() : value;
  return copy as S;
}
