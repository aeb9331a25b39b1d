/** Experience replay: the public API of src/core/replay. */
export type {
  ReplaySpec, ReplayBuffer, ReplayBatch, TransitionRows, ReplayState, ReplayKind,
  TransitionRingState, UniformReplayState, PrioritizedReplayState,
} from "./types.js";
export { createReplayBatch } from "./batch.js";
export { UniformReplay } from "./uniform.js";
export { PrioritizedReplay, PRIORITIZED_REPLAY_DEFAULTS, type PrioritizedReplayOptions } from "./prioritized.js";
export { SumTree } from "./sum-tree.js";
export { NStepWriter, type NStepOptions, type NStepWriterState } from "./n-step.js";
export { createReplayBuffer, cloneReplayState, type ReplayConfig } from "./create.js";
export { replayMemoryReport, rawTransitionBytes, type ReplayMemoryReport } from "./memory.js";
