/**
 * The statistics of LinUCB (Li, Chu, Langford and Schapire 2010, "A contextual-bandit approach to
 * personalized news article recommendation"), shared by all arms: ridge regression of the reward on
 * a feature vector x, with
 *
 *     A = lambda I + sum x x^T,   b = sum r x,   theta = A^-1 b,
 *     estimate(x) = theta . x,    width(x) = sqrt(x^T A^-1 x)   (the confidence radius, before alpha).
 *
 * A^-1 is kept up to date by the Sherman-Morrison formula, O(d^2) per observation instead of an
 * O(d^3) inverse; A is kept too, and A^-1 is recomputed from it by Cholesky every `refreshEvery`
 * updates so round-off cannot build up over a long run. Written by hand: the dimension is a few
 * dozen, and a dense linear-algebra library would cost more in glue than these loops.
 */
import { choleskyFactor } from "../../core/linalg/cholesky.js";

export class LinearUcbModel {
  readonly dims: number;
  readonly lambda: number;
  /** lambda I + sum x x^T (row-major d x d). */
  readonly A: Float64Array;
  /** A^-1 (row-major, symmetric). */
  readonly Ainv: Float64Array;
  readonly b: Float64Array;
  /** A^-1 b, current after refreshTheta() (update() leaves it stale). */
  readonly theta: Float64Array;
  /** Observations seen. */
  updates = 0;
  /** Sherman-Morrison updates between exact re-inversions. */
  readonly refreshEvery: number;
  private sinceRefresh = 0;
  private readonly ax: Float64Array;
  private readonly chol: Float64Array;

  constructor(dims: number, lambda: number, refreshEvery = 4096) {
    if (!(Number.isInteger(dims) && dims >= 1)) throw new RangeError(`LinUCB: dims must be a positive integer, got ${dims}`);
    if (!(lambda > 0 && Number.isFinite(lambda))) throw new RangeError(`LinUCB: regularisation lambda must be a positive number, got ${lambda}`);
    this.dims = dims;
    this.lambda = lambda;
    this.refreshEvery = refreshEvery;
    this.A = new Float64Array(dims * dims);
    this.Ainv = new Float64Array(dims * dims);
    for (let k = 0; k < dims; k++) {
      this.A[k * dims + k] = lambda;
      this.Ainv[k * dims + k] = 1 / lambda;
    }
    this.b = new Float64Array(dims);
    this.theta = new Float64Array(dims);
    this.ax = new Float64Array(dims);
    this.chol = new Float64Array(dims * dims);
  }

  /** A copy (for a warm start that later runs must not disturb). */
  clone(): LinearUcbModel {
    const m = new LinearUcbModel(this.dims, this.lambda, this.refreshEvery);
    m.A.set(this.A);
    m.Ainv.set(this.Ainv);
    m.b.set(this.b);
    m.theta.set(this.theta);
    m.updates = this.updates;
    m.sinceRefresh = this.sinceRefresh;
    return m;
  }

  /** Learns from one observation: reward r for the features x[offset .. offset + dims). */
  update(x: ArrayLike<number>, offset: number, r: number): void {
    const d = this.dims, A = this.A, M = this.Ainv, ax = this.ax, b = this.b;
    // Sherman-Morrison: (A + x x^T)^-1 = M - (M x)(M x)^T / (1 + x^T M x), M symmetric.
    let q = 0;
    for (let k = 0; k < d; k++) {
      let s = 0;
      for (let l = 0, row = k * d; l < d; l++) s += M[row + l] * x[offset + l];
      ax[k] = s;
      q += x[offset + k] * s;
    }
    const f = 1 / (1 + q);
    for (let k = 0; k < d; k++) {
      const xk = x[offset + k], fa = f * ax[k];
      b[k] += r * xk;
      for (let l = 0, row = k * d; l < d; l++) {
        A[row + l] += xk * x[offset + l];
        M[row + l] -= fa * ax[l];
      }
    }
    this.updates++;
    if (++this.sinceRefresh >= this.refreshEvery) this.reinvert();
  }

  /** theta = A^-1 b (call after a batch of updates). */
  refreshTheta(): void {
    const d = this.dims, M = this.Ainv, b = this.b, th = this.theta;
    for (let k = 0; k < d; k++) {
      let s = 0;
      for (let l = 0, row = k * d; l < d; l++) s += M[row + l] * b[l];
      th[k] = s;
    }
  }

  /** theta . x (theta as of the last refreshTheta). */
  estimate(x: ArrayLike<number>, offset = 0): number {
    let s = 0;
    for (let k = 0; k < this.dims; k++) s += this.theta[k] * x[offset + k];
    return s;
  }

  /** sqrt(x^T A^-1 x). */
  width(x: ArrayLike<number>, offset = 0): number {
    const d = this.dims, M = this.Ainv;
    let q = 0;
    for (let k = 0; k < d; k++) {
      const xk = x[offset + k];
      if (xk === 0) continue;
      let s = 0;
      for (let l = 0, row = k * d; l < d; l++) s += M[row + l] * x[offset + l];
      q += xk * s;
    }
    return Math.sqrt(Math.max(0, q));
  }

  /** Recomputes A^-1 from A exactly (Cholesky A = L L^T, then A^-1 = L^-T L^-1). */
  reinvert(): void {
    const d = this.dims, A = this.A, L = this.chol, M = this.Ainv;
    L.fill(0);
    choleskyFactor(A, d, L, "LinUCB: A lost positive definiteness");
    // Invert L in place (lower triangular): W = L^-1.
    for (let j = 0; j < d; j++) {
      L[j * d + j] = 1 / L[j * d + j];
      for (let i = j + 1; i < d; i++) {
        let t = 0;
        for (let k = j; k < i; k++) t -= L[i * d + k] * L[k * d + j];
        L[i * d + j] = t / L[i * d + i];
      }
    }
    // A^-1 = W^T W.
    for (let i = 0; i < d; i++) {
      for (let j = 0; j <= i; j++) {
        let t = 0;
        for (let k = i; k < d; k++) t += L[k * d + i] * L[k * d + j];
        M[i * d + j] = t;
        M[j * d + i] = t;
      }
    }
    this.sinceRefresh = 0;
  }
}
