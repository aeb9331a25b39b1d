/**
 * Cholesky factorisation of a small symmetric positive definite matrix, and the solve it gives.
 * LinUCB's d x d design matrix and the outcome value's normal equations are a few dozen rows:
 * plain loops over row-major Float64Arrays, no linear-algebra library needed for that.
 */

/**
 * L (row-major d x d, lower triangle; the upper part is left as it was) with A = L L^T. Throws an
 * Error saying `what`, the column and its pivot where A is not positive definite.
 */
export function choleskyFactor(A: Float64Array, d: number, L: Float64Array, what: string): void {
  for (let j = 0; j < d; j++) {
    let s = A[j * d + j];
    for (let k = 0; k < j; k++) s -= L[j * d + k] * L[j * d + k];
    if (!(s > 0)) throw new Error(`${what} at column ${j} (pivot ${s})`);
    const ljj = Math.sqrt(s);
    L[j * d + j] = ljj;
    for (let i = j + 1; i < d; i++) {
      let t = A[i * d + j];
      for (let k = 0; k < j; k++) t -= L[i * d + k] * L[j * d + k];
      L[i * d + j] = t / ljj;
    }
  }
}

/** Solves L L^T x = b in place (b becomes x), for L from choleskyFactor. */
export function choleskySolve(L: Float64Array, d: number, b: Float64Array): void {
  for (let i = 0; i < d; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= L[i * d + k] * b[k];
    b[i] = s / L[i * d + i];
  }
  for (let i = d - 1; i >= 0; i--) {
    let s = b[i];
    for (let k = i + 1; k < d; k++) s -= L[k * d + i] * b[k];
    b[i] = s / L[i * d + i];
  }
}
