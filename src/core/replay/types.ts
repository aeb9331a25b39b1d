/**
 * The contract of liveq's experience replay. The DQN programs against `ReplayBuffer` only; the
 * implementations (uniform ring buffer, prioritized replay) and the n-step writer live beside this
 * file.
 *
 * Everything is data-oriented: a buffer preallocates all its memory from its spec, transitions are
 * rows in typed arrays (never objects), and batches are preallocated structs of typed arrays that
 * `sample` fills in place.
 */
import type { Rng } from "../random/rng.js";

/** The fixed shape of a replay buffer; all memory is allocated from this at construction. */
export interface ReplaySpec {
  /** Maximum number of transitions held; the oldest is overwritten once full. */
  readonly capacity: number;
  /** Length of one observation (state) vector. */
  readonly obsSize: number;
  /** Number of actions; every stored action is an integer in [0, numActions). */
  readonly numActions: number;
  /**
   * Length of the next-state action mask: 0 (no masks, every action is always valid) or
   * numActions (a mask of the actions valid in the next state is stored with each transition,
   * one bit per action).
   */
  readonly maskSize: number;
  /**
   * Whether each transition keeps its next state and next-state mask (default true). False for a
   * learner whose targets never look at the next state (a discount of 0: y = r): the buffer then
   * stores, checks and samples neither, which halves its memory and the copying per row. A batch
   * sampled from it leaves nextObs and nextMask as they were.
   */
  readonly nextStates?: boolean;
}

/**
 * Rows of transitions laid out in typed arrays: row i lives at obs[i*obsSize ..], actions[i], ...,
 * nextMask[i*maskSize ..]. Both the input of `addBatch` and (as part of ReplayBatch) the output of
 * `sample`, so a sampled batch can be added straight into another buffer.
 */
export interface TransitionRows {
  /** Observations, row-major rows * obsSize. */
  readonly obs: Float32Array;
  /** Action taken in each row. */
  readonly actions: Int32Array;
  /** (n-step) return of each row. */
  readonly rewards: Float32Array;
  /** Observation after the transition, row-major rows * obsSize. */
  readonly nextObs: Float32Array;
  /** 1 if the episode ended with this transition (no bootstrap), else 0. */
  readonly dones: Uint8Array;
  /** Bootstrap discount of each row: gamma^k for a k-step transition. */
  readonly discounts: Float32Array;
  /**
   * Valid actions in the next state, row-major rows * maskSize, 1 = valid, 0 = invalid. For
   * addBatch, null means "every action valid" (and is required when maskSize is 0).
   */
  readonly nextMask: Uint8Array | null;
}

/**
 * A preallocated minibatch that `sample` fills in place (make one with createReplayBatch). The DQN
 * target is y = rewards[b] + discounts[b] * (1 - dones[b]) * max over valid a' of Q'(nextObs[b], a'),
 * where a' is valid when nextMask[b*maskSize + a'] is 1 (every a' when maskSize is 0).
 */
export interface ReplayBatch extends TransitionRows {
  /** Rows allocated; sample() accepts any batchSize up to this. */
  readonly capacity: number;
  /** Rows filled by the last sample() (rows [0, size) are valid). */
  size: number;
  readonly obsSize: number;
  readonly maskSize: number;
  /** Unpacked next-state masks, capacity * maskSize bytes (empty when maskSize is 0). */
  readonly nextMask: Uint8Array;
  /** Importance-sampling weights, normalised so the largest possible is 1; all 1 for uniform replay. */
  readonly weights: Float32Array;
  /** Buffer slot of each row, to pass back to updatePriorities. */
  readonly indices: Int32Array;
}

/** Fields common to every replay buffer's checkpoint state. */
export interface TransitionRingState {
  readonly version: 1;
  readonly capacity: number;
  readonly obsSize: number;
  readonly numActions: number;
  readonly maskSize: number;
  /** Transitions held. The arrays below hold exactly these rows, slots 0 .. size-1. */
  readonly size: number;
  /** Slot the next add writes (== size until the buffer is full, then the oldest slot). */
  readonly next: number;
  readonly obs: Float32Array;
  readonly nextObs: Float32Array;
  readonly actions: Int32Array;
  readonly rewards: Float32Array;
  readonly discounts: Float32Array;
  readonly dones: Uint8Array;
  /** Bit-packed next-state masks, ceil(maskSize / 32) words per row (bit a of row r = word r*W + a>>5, bit a&31). */
  readonly nextMaskWords: Uint32Array;
}

export interface UniformReplayState extends TransitionRingState {
  readonly kind: "uniform";
}

export interface PrioritizedReplayState extends TransitionRingState {
  readonly kind: "prioritized";
  readonly alpha: number;
  readonly beta0: number;
  readonly epsilon: number;
  /** Largest |td| + epsilon seen so far (new transitions get maxPriority^alpha). */
  readonly maxPriority: number;
  /** Priority (|td| + epsilon)^alpha of each held row, slots 0 .. size-1. */
  readonly priorities: Float64Array;
}

/**
 * A buffer's checkpoint: plain numbers and typed arrays, ready to be written to files. The typed
 * arrays returned by getState() are views of the live storage (no copy, since a full buffer can
 * hold gigabytes): write them out, or cloneReplayState() them, before the buffer changes again.
 */
export type ReplayState = UniformReplayState | PrioritizedReplayState;

export type ReplayKind = ReplayState["kind"];

export interface ReplayBuffer {
  readonly kind: ReplayKind;
  readonly spec: ReplaySpec;
  /** Transitions currently held (grows to spec.capacity, then stays there). */
  readonly size: number;
  /** Bytes of typed-array memory this buffer owns (fixed at construction). */
  readonly byteLength: number;
  /**
   * Adds one transition, reading obs[obsOffset .. +obsSize], nextObs[nextObsOffset .. +obsSize] and
   * (when maskSize > 0 and nextMask is not null) nextMask[nextMaskOffset .. +maskSize], nonzero =
   * valid. A null nextMask means every action is valid. Overwrites the oldest transition when full.
   * Returns the slot written. Throws RangeError naming the field on bad input, leaving the buffer
   * unchanged.
   */
  add(
    obs: Float32Array,
    obsOffset: number,
    action: number,
    reward: number,
    nextObs: Float32Array,
    nextObsOffset: number,
    done: boolean,
    discount: number,
    nextMask: Uint8Array | null,
    nextMaskOffset: number,
  ): number;
  /** Adds rows [start, start + count) of `rows`. All rows are validated before any is written. */
  addBatch(rows: TransitionRows, start: number, count: number): void;
  /**
   * Fills rows [0, batchSize) of `out` with transitions drawn (with replacement) using `rng`, and
   * sets out.size = batchSize. `progress` in [0, 1] is the fraction of training done (anneals the
   * importance-sampling exponent of prioritized replay; ignored by uniform replay).
   */
  sample(batchSize: number, rng: Rng, out: ReplayBatch, progress?: number): void;
  /**
   * Sets the priority of slots indices[0 .. n) from the TD errors tdErrors[0 .. n) (no-op for
   * uniform replay, after checking the arguments).
   */
  updatePriorities(indices: Int32Array, tdErrors: Float32Array, n: number): void;
  /** The checkpoint state (typed arrays are views of live storage; see ReplayState). */
  getState(): ReplayState;
  /** Restores a checkpoint; validates everything first and leaves the buffer unchanged on error. */
  setState(state: ReplayState): void;
}
