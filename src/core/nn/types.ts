/**
 * The contract of liveq's neural networks. The DQN, the trainers and the server program against
 * these interfaces only; the implementations (a WebAssembly SIMD backend for speed and a plain
 * TypeScript reference backend for checking it) live beside this file.
 */

/** Which backend runs the kernels: "wasm" (SIMD, default) or "reference" (plain TypeScript). */
export type BackendKind = "wasm" | "reference";

/** The Q-value head on top of the trunk. */
export type HeadKind =
  /** One linear layer: Q(s, .) = W h + b. */
  | "linear"
  /** Dueling (Wang et al. 2016): Q(s,a) = V(s) + A(s,a) - mean_a' A(s,a'), V and A linear on h. */
  | "dueling";

export interface QNetworkSpec {
  /** Size of one input (state) vector. */
  readonly inputSize: number;
  /** Widths of the hidden layers, each followed by ReLU. The classic DQN is [128, 64]. */
  readonly hidden: readonly number[];
  /** Number of outputs (actions). */
  readonly actions: number;
  readonly head: HeadKind;
}

export type LossKind = "mse" | "huber" | "poisson";

export interface QNetwork {
  readonly spec: QNetworkSpec;
  readonly backend: BackendKind;
  /** Total number of trainable parameters. */
  readonly paramCount: number;
  /**
   * All parameters as one flat array (layer by layer: W row-major [out][in], then b), a view into
   * the network's memory. Writing into it (e.g. `net.params().set(saved)`) sets the parameters:
   * this is how checkpoints restore a network. Take a fresh view for each use: a view taken before
   * a forward() call may be detached or no longer seen by later passes (the network caches derived
   * copies of the weights and refreshes them when params() is called). The dueling head is stored as one layer with 1 + actions outputs: row 0 is
   * the value V, rows 1..actions the advantages A (same maths as two separate layers).
   */
  params(): Float32Array;
  /** Gradients, same layout as params(); written by backward(). */
  grads(): Float32Array;
  /**
   * Forward pass on `batch` rows of `input` (row-major, batch * inputSize). Returns the Q values
   * (batch * actions, row-major), a view valid until the next call on this network. Keeps what
   * backward() needs.
   */
  forward(input: Float32Array, batch: number): Float32Array;
  /**
   * Backward pass from dLoss/dQ (batch * actions) for the last forward(). Overwrites grads() (does
   * not accumulate).
   */
  backward(dQ: Float32Array): void;
  /**
   * Backward pass for an output gradient that is non-zero at one action per row only, as the DQN
   * TD loss produces: equivalent to backward(dQ) with dQ[r * actions + actionsTaken[r]] =
   * gradChosen[r] and zero elsewhere, but skips the zeros (much less work in the last layer).
   * Both arrays hold exactly the last forward's batch. See tdLossChosen() in loss.ts.
   */
  backwardChosen(actionsTaken: Int32Array, gradChosen: Float32Array): void;
  /**
   * forward() then, per row, the largest Q value: out[r] = max_a Q(s_r, a) (the DQN target's
   * max over next actions). NaN when a row holds a NaN. `out` holds exactly `batch` values.
   */
  maxQ(input: Float32Array, batch: number, out: Float32Array): Float32Array;
  /**
   * forward() then, per row, the greedy action: out[r] = argmax_a Q(s_r, a), the lowest index
   * among equal values (NaNs ignored). `out` holds exactly `batch` values.
   */
  greedy(input: Float32Array, batch: number, out: Int32Array): Int32Array;
  /** Hard copy of another network's parameters (same spec). */
  copyFrom(other: QNetwork): void;
  /** Polyak averaging: theta <- tau * other + (1 - tau) * theta. */
  polyakFrom(other: QNetwork, tau: number): void;
}
