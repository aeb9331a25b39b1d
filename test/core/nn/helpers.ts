/**
 * Test helpers for the network engine: an independent float64 forward pass (written from the
 * definitions, not from the backends) and an honest error metric.
 */
import type { QNetworkSpec } from "../../../src/core/nn/types.js";
import { Rng } from "../../../src/core/random/rng.js";

/**
 * Normwise relative error: max_i |a_i - ref_i| / max_i |ref_i|. Every element's error is measured
 * against the largest reference magnitude of the same tensor (no per-element floor that could hide
 * errors in large entries); if the reference is all zeros the error is the largest |a_i|.
 */
export function maxRelErr(a: ArrayLike<number>, ref: ArrayLike<number>): number {
  if (a.length !== ref.length) throw new Error(`maxRelErr: lengths differ (${a.length} vs ${ref.length})`);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - ref[i]);
    if (!(d <= diff)) diff = d; // also catches NaN
    scale = Math.max(scale, Math.abs(ref[i]));
  }
  return scale === 0 ? diff : diff / scale;
}

/** Float32Array of n standard normal values from rng. */
export function randomArray(rng: Rng, n: number, scale = 1): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = scale * rng.normal();
  return a;
}

/** The dense layers' [nIn, nOut] pairs of a spec (the dueling head has 1 + actions outputs). */
export function layerDims(spec: QNetworkSpec): Array<[number, number]> {
  const widths = [spec.inputSize, ...spec.hidden, spec.head === "dueling" ? spec.actions + 1 : spec.actions];
  return widths.slice(0, -1).map((w, i) => [w, widths[i + 1]]);
}

/** Names and [start, end) ranges of each W and b block of the flat parameter vector. */
export function paramBlocks(spec: QNetworkSpec): Array<{ name: string; start: number; end: number }> {
  const blocks: Array<{ name: string; start: number; end: number }> = [];
  let at = 0;
  layerDims(spec).forEach(([nIn, nOut], l) => {
    blocks.push({ name: `W${l}`, start: at, end: at + nIn * nOut });
    at += nIn * nOut;
    blocks.push({ name: `b${l}`, start: at, end: at + nOut });
    at += nOut;
  });
  return blocks;
}

/** The Q values of `batch` rows computed in float64 from the flat parameters, by definition. */
export function forward64(spec: QNetworkSpec, params: ArrayLike<number>, input: ArrayLike<number>, batch: number): Float64Array {
  const dims = layerDims(spec);
  let x = Float64Array.from(input as ArrayLike<number>);
  let at = 0;
  dims.forEach(([nIn, nOut], l) => {
    const W = at;
    const B = at + nIn * nOut;
    at = B + nOut;
    const hidden = l < dims.length - 1;
    const y = new Float64Array(batch * nOut);
    for (let r = 0; r < batch; r++) {
      for (let o = 0; o < nOut; o++) {
        let s = params[B + o];
        for (let i = 0; i < nIn; i++) s += params[W + o * nIn + i] * x[r * nIn + i];
        y[r * nOut + o] = hidden ? Math.max(0, s) : s;
      }
    }
    x = y;
  });
  if (spec.head === "linear") return x;
  const K = spec.actions;
  const q = new Float64Array(batch * K);
  for (let r = 0; r < batch; r++) {
    const v = x[r * (K + 1)];
    let mean = 0;
    for (let a = 0; a < K; a++) mean += x[r * (K + 1) + 1 + a];
    mean /= K;
    for (let a = 0; a < K; a++) q[r * K + a] = v + x[r * (K + 1) + 1 + a] - mean;
  }
  return q;
}
