/**
 * The messages between the service (main thread) and its learner (a worker thread, or the same
 * thread in tests). Transitions travel as typed arrays whose buffers are transferred, not copied.
 */
import type { DqnConfigInput } from "../../core/dqn/config.js";

export interface LearnerOptions {
  dqn: DqnConfigInput;
  publishEvery: number;
  updatesPerTransition: number;
  maxUpdatesPerSecond: number;
  learningStarts: number;
  checkpointEverySeconds: number;
  /** Where the learner keeps its checkpoint (loaded at start when present). */
  checkpointDir: string | null;
  /** A DQN checkpoint to start from when checkpointDir holds none. */
  initialModelDir: string | null;
}

/** A batch of one-step transitions; row i's next-state mask is masks[maskIndex[i] * actions ..]. */
export interface TransitionsMessage {
  kind: "transitions";
  count: number;
  obs: Float32Array;
  nextObs: Float32Array;
  actions: Int32Array;
  rewards: Float32Array;
  maskIndex: Int32Array;
  masks: Uint8Array;
  /** Log sequence number of the last event these transitions come from. */
  seq: number;
}

/** A slot changed hands (recycled): reset its action head. */
export interface ResetSlotMessage {
  kind: "reset";
  slot: number;
  seq: number;
}

export type ToLearner =
  | { kind: "init"; options: LearnerOptions }
  | TransitionsMessage
  | ResetSlotMessage
  | { kind: "checkpoint"; id: number }
  | { kind: "close" };

export interface LearnerStats {
  updates: number;
  version: number;
  replaySize: number;
  /** Transitions received in total. */
  received: number;
  /** Sequence number of the last event whose transitions the learner holds. */
  seq: number;
  loss: number;
  meanQ: number;
  updatesPerSecond: number;
}

export type FromLearner =
  | { kind: "ready"; version: number; seq: number; params: Float32Array; restoredFrom: string | null; stats: LearnerStats }
  | { kind: "weights"; version: number; params: Float32Array; stats: LearnerStats }
  | { kind: "stats"; stats: LearnerStats }
  | { kind: "checkpointed"; id: number; version: number; seq: number; ms: number }
  | { kind: "error"; message: string; id?: number }
  | { kind: "closed" };
