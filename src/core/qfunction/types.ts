/**
 * What the DQN needs from its Q-function, whatever shape it has inside. Two implementations:
 *
 * - MlpQFunction: the classic DQN network (an MLP with one output per action, or a Dueling head);
 * - FeatureQFunction: Q(s, a) = V(s) + <phi(s), psi(a)> + b_a + <phi_g(s), g(s, a)>, where psi(a)
 *   comes from the action's features plus a learned per-action part, so an action (a streamer)
 *   never trained on still gets a sensible value from its features (cold start); optionally
 *   + <w(s), r(u, a)>, with r the (user, action) pair's features from a PairTable.
 *
 * Both score a fixed catalogue of `actions` slots; masks say which are available.
 */
import type { Rng } from "../random/rng.js";

export interface OptimizerState {
  readonly t: number;
  readonly m: Float32Array;
  readonly v: Float32Array;
}

export interface QOptimizer {
  /** One step; with maxGradNorm, the global gradient norm is clipped first. Returns the norm before clipping. */
  step(maxGradNorm: number | null): number;
  /** Sets the learning rate of the following steps (a schedule's value times the configured rate). */
  setLr(lr: number): void;
  getState(): OptimizerState;
  setState(s: OptimizerState): void;
}

export interface OptimizerOptions {
  readonly lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  /**
   * The step size of a Q-function's row-sparse embedding tables as a multiple of lr (default 1;
   * only the feature head has such tables), their decoupled weight decay likewise (AdamW's decay
   * is lr x weightDecay). A row moves only when its user or streamer is in the batch, a small
   * share of the updates, so it may need larger steps than the dense weights.
   */
  readonly embeddingLrScale?: number;
}

export interface QFunction {
  readonly kind: "mlp" | "feature";
  /** Length of one observation row. */
  readonly obsSize: number;
  /** Catalogue size (number of action slots). */
  readonly actions: number;
  readonly paramCount: number;
  /**
   * Q(s, .) for `batch` rows: batch x actions, row-major; a view valid until the next call. With a
   * mask, entries of unavailable actions may be left unspecified (only available ones are computed).
   */
  forward(obs: Float32Array, batch: number, mask?: Uint8Array | null): Float32Array;
  /**
   * The scores greedy() maximises, batch x actions (a view valid until the next call): Q(s, .),
   * and for a feature head with a cold-start bonus, untrained actions raised by it. Several
   * Q-functions served as one (an ensemble) average these.
   */
  serveScores(obs: Float32Array, batch: number, mask: Uint8Array | null): Float32Array;
  /** Greedy available action of each row (ties to the lowest index); throws if a row has none. */
  greedy(obs: Float32Array, batch: number, mask: Uint8Array | null, out: Int32Array): void;
  /**
   * Q(s, a) of the action taken in each row, into out[0 .. batch), keeping what backwardChosen
   * needs. Rows are transitions from replay (the observation holds what was known when acting).
   * `dropped` (1 per row, optional): rows in which a head with a learned per-action part scores the
   * action as one never trained on, and whose gradient leaves that part alone (action dropout,
   * see FeatureQFunction); a head without one ignores it.
   */
  forwardChosen(obs: Float32Array, actions: Int32Array, batch: number, out: Float32Array, dropped?: Uint8Array | null): void;
  /**
   * Gradients from dLoss/dQ(s, a) of the last forwardChosen. Overwrites the gradients. `targets`
   * (the rows' targets) are for a head with an objective of its own beside the loss's (a feature
   * head's acceptance gate); the others ignore them.
   */
  backwardChosen(actions: Int32Array, grad: Float32Array, targets?: Float32Array | null): void;
  /** Hard copy of another Q-function's parameters (same shape). */
  copyFrom(other: QFunction): void;
  /** theta <- tau * other + (1 - tau) * theta. */
  polyakFrom(other: QFunction, tau: number): void;
  /** A copy of the gradient of the last backwardChosen, same layout as exportParams(). */
  exportGradients(): Float32Array;
  /** A copy of every parameter, flat. */
  exportParams(): Float32Array;
  /** Replaces every parameter (length must be paramCount; all finite). */
  importParams(p: Float32Array): void;
  createOptimizer(options: OptimizerOptions): QOptimizer;
}

export interface QFunctionFactoryOptions {
  readonly rng: Rng;
}
