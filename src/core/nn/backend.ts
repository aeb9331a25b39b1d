/**
 * The internal kernel interface shared by the two backends (WebAssembly SIMD and plain TypeScript).
 *
 * A backend is a set of kernels bound to one memory arena. A network owns one backend and lays out
 * all of its buffers in that arena (parameters, gradients, Adam moments, activations, scratch), so
 * every operation is a call on raw byte offsets ("pointers") into the arena. This is what lets the
 * WebAssembly backend run without copying and lets Adam be one call over the flat parameter vector.
 *
 * Conventions for every kernel:
 * - Pointers are byte offsets into the arena, 16-byte aligned when the network allocated them.
 * - Matrices are row-major. A dense layer with `nIn` inputs and `nOut` outputs has weights
 *   W[nOut][nIn] (the PyTorch nn.Linear layout) and bias b[nOut]; activations are [batch][features].
 * - Kernels never allocate and never throw on numeric values (NaN propagates); the network
 *   validates arguments before calling them.
 */
import type { BackendKind } from "./types.js";

/** A byte offset into a backend's arena. */
export type Ptr = number;

export interface Backend {
  readonly kind: BackendKind;
  /** First usable byte of the arena (16-byte aligned). */
  readonly base: Ptr;
  /** The arena's current bytes. Replaced (the old one may be detached) when reserve() grows it. */
  memory(): ArrayBuffer;
  /** Makes the arena at least `bytes` long, keeping its contents and every pointer valid. */
  reserve(bytes: number): void;

  /** wt = W^T ([nIn][nOut]), the layout some backends prefer for batched forward passes. */
  transpose(w: Ptr, wt: Ptr, nIn: number, nOut: number): void;
  /**
   * y = x W^T + b (ReLU applied when `relu` is 1): x [batch][nIn], y [batch][nOut]. `wt` must hold
   * transpose(W) when batch > 1 (the wasm backend reads it; the reference backend reads W only, so
   * comparing the two catches a stale copy).
   */
  denseForward(x: Ptr, w: Ptr, wt: Ptr, b: Ptr, y: Ptr, batch: number, nIn: number, nOut: number, relu: number): void;
  /** Overwrites dW = dY^T x ([nOut][nIn]) and db = column sums of dY ([nOut]). */
  denseGradWeights(x: Ptr, dy: Ptr, dw: Ptr, db: Ptr, batch: number, nIn: number, nOut: number): void;
  /**
   * dX = dY W ([batch][nIn]); when `mask` is 1, entries where x <= 0 are zeroed (the ReLU
   * derivative of the layer that produced x, which is that layer's post-ReLU output).
   */
  denseGradInput(dy: Ptr, w: Ptr, x: Ptr, dx: Ptr, batch: number, nIn: number, nOut: number, mask: number): void;
  /**
   * The gradient of a dense layer whose output gradient is non-zero at one column per row only:
   * dY[r][actions[r]] = g[r]. Overwrites dW and db (zero except the chosen rows).
   * `actions` points to `batch` int32 values in [0, nOut).
   */
  chosenGradWeights(x: Ptr, actions: Ptr, g: Ptr, dw: Ptr, db: Ptr, batch: number, nIn: number, nOut: number): void;
  /** dX[r] = g[r] * W[actions[r]] (masked by x > 0 when `mask` is 1), for that sparse dY. */
  chosenGradInput(actions: Ptr, g: Ptr, w: Ptr, x: Ptr, dx: Ptr, batch: number, nIn: number, mask: number): void;

  /**
   * Compresses x ([batch][nIn]) to its non-zero entries, row by row: row r's are cols/vals[starts[r]
   * .. starts[r + 1]) in column order (cols int32, vals float32, starts batch + 1 int32). Returns how
   * many, or -1 when there are more than `limit` (then cols and vals hold no useful content).
   */
  compressRows(x: Ptr, batch: number, nIn: number, limit: number, cols: Ptr, vals: Ptr, starts: Ptr): number;
  /**
   * denseForward on rows compressed by compressRows, to the same values for finite weights (the
   * zero inputs add nothing; 0 x infinity would be NaN in the dense pass): what a mostly-zero input
   * costs is its non-zero entries. `wt` as for denseForward.
   */
  sparseForward(cols: Ptr, vals: Ptr, starts: Ptr, w: Ptr, wt: Ptr, b: Ptr, y: Ptr, batch: number, nIn: number, nOut: number, relu: number): void;
  /** denseGradWeights on rows compressed by compressRows, to the same values (finite gradients); `scratch` holds nIn x nOut floats. */
  sparseGradWeights(cols: Ptr, vals: Ptr, starts: Ptr, dy: Ptr, dw: Ptr, db: Ptr, scratch: Ptr, batch: number, nIn: number, nOut: number): void;

  /** Dueling combination: z [batch][1 + actions] = (V, A...) -> q[r][a] = V + A[a] - mean(A). */
  duelingForward(z: Ptr, q: Ptr, batch: number, actions: number): void;
  /** Gradient of duelingForward: dz[r][0] = sum_a dq[r][a]; dz[r][1 + a] = dq[r][a] - mean(dq[r]). */
  duelingBackward(dq: Ptr, dz: Ptr, batch: number, actions: number): void;

  /** out[r] = max over the row q[r] (batch rows of `actions`); NaN if the row holds a NaN. */
  rowMax(q: Ptr, out: Ptr, batch: number, actions: number): void;
  /**
   * out[r] (int32) = lowest index of the largest value of row q[r], NaNs ignored; 0 when the row
   * has no value above -infinity.
   */
  rowArgmax(q: Ptr, out: Ptr, batch: number, actions: number): void;

  /** Index (in floats, from p) of the first NaN or infinity among n floats, or -1. */
  firstNonFinite(p: Ptr, n: number): number;
  /** Sum of squares of n floats, accumulated in float64. */
  sumSquares(p: Ptr, n: number): number;
  /**
   * One Adam(W) step over n parameters, with the gradient multiplied by gradScale first:
   *   g = gradScale * grad; m = beta1 m + (1 - beta1) g; v = beta2 v + (1 - beta2) g^2
   * (the caller passes 1 - beta1 and 1 - beta2, which float32 cannot recover from beta exactly)
   *   p = decay * p - stepSize * m / (sqrt(v) * invSqrtBc2 + eps)
   * where the caller passes stepSize = lr / (1 - beta1^t), invSqrtBc2 = 1 / sqrt(1 - beta2^t) and
   * decay = 1 - lr * weightDecay (decoupled weight decay; 1 when there is none).
   */
  adamStep(
    p: Ptr, g: Ptr, m: Ptr, v: Ptr, n: number,
    stepSize: number, invSqrtBc2: number, oneMinusBeta1: number, oneMinusBeta2: number, eps: number,
    gradScale: number, decay: number,
  ): void;
  /** dst = (1 - tau) dst + tau src over n floats. */
  lerp(dst: Ptr, src: Ptr, n: number, tau: number): void;
}
