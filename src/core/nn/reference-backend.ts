/**
 * The reference backend: every kernel of {@link Backend} written as the plainest possible
 * TypeScript loop over an ArrayBuffer arena, accumulating in float64. It is the yardstick the
 * WebAssembly SIMD backend is tested against, and a fallback that runs anywhere.
 */
import type { Backend, Ptr } from "./backend.js";

const ARENA_ALIGN = 16;

export class ReferenceBackend implements Backend {
  readonly kind = "reference" as const;
  readonly base: Ptr = ARENA_ALIGN;
  private buffer: ArrayBuffer;
  private f: Float32Array;
  private i32: Int32Array;
  private rowAcc = new Float64Array(0);

  constructor(initialBytes = 1 << 16) {
    this.buffer = new ArrayBuffer(roundUp(initialBytes, ARENA_ALIGN));
    this.f = new Float32Array(this.buffer);
    this.i32 = new Int32Array(this.buffer);
  }

  memory(): ArrayBuffer {
    return this.buffer;
  }

  reserve(bytes: number): void {
    if (bytes <= this.buffer.byteLength) return;
    const grown = new ArrayBuffer(roundUp(Math.max(bytes, this.buffer.byteLength * 2), ARENA_ALIGN));
    new Uint8Array(grown).set(new Uint8Array(this.buffer));
    this.buffer = grown;
    this.f = new Float32Array(grown);
    this.i32 = new Int32Array(grown);
  }

  transpose(w: Ptr, wt: Ptr, nIn: number, nOut: number): void {
    const f = this.f;
    const W = w >> 2, WT = wt >> 2;
    for (let o = 0; o < nOut; o++) for (let i = 0; i < nIn; i++) f[WT + i * nOut + o] = f[W + o * nIn + i];
  }

  denseForward(x: Ptr, w: Ptr, _wt: Ptr, b: Ptr, y: Ptr, batch: number, nIn: number, nOut: number, relu: number): void {
    const f = this.f;
    const X = x >> 2, W = w >> 2, B = b >> 2, Y = y >> 2;
    for (let r = 0; r < batch; r++) {
      for (let o = 0; o < nOut; o++) {
        let s = f[B + o];
        for (let i = 0; i < nIn; i++) s += f[X + r * nIn + i] * f[W + o * nIn + i];
        f[Y + r * nOut + o] = relu && s < 0 ? 0 : s;
      }
    }
  }

  denseGradWeights(x: Ptr, dy: Ptr, dw: Ptr, db: Ptr, batch: number, nIn: number, nOut: number): void {
    const f = this.f;
    const X = x >> 2, DY = dy >> 2, DW = dw >> 2, DB = db >> 2;
    for (let o = 0; o < nOut; o++) {
      let sb = 0;
      for (let r = 0; r < batch; r++) sb += f[DY + r * nOut + o];
      f[DB + o] = sb;
      for (let i = 0; i < nIn; i++) {
        let s = 0;
        for (let r = 0; r < batch; r++) s += f[DY + r * nOut + o] * f[X + r * nIn + i];
        f[DW + o * nIn + i] = s;
      }
    }
  }

  denseGradInput(dy: Ptr, w: Ptr, x: Ptr, dx: Ptr, batch: number, nIn: number, nOut: number, mask: number): void {
    const f = this.f;
    const DY = dy >> 2, W = w >> 2, X = x >> 2, DX = dx >> 2;
    for (let r = 0; r < batch; r++) {
      for (let i = 0; i < nIn; i++) {
        let s = 0;
        for (let o = 0; o < nOut; o++) s += f[DY + r * nOut + o] * f[W + o * nIn + i];
        f[DX + r * nIn + i] = mask && !(f[X + r * nIn + i] > 0) ? 0 : s;
      }
    }
  }

  chosenGradWeights(x: Ptr, actions: Ptr, g: Ptr, dw: Ptr, db: Ptr, batch: number, nIn: number, nOut: number): void {
    const f = this.f, a32 = this.i32;
    const X = x >> 2, A = actions >> 2, G = g >> 2, DW = dw >> 2, DB = db >> 2;
    f.fill(0, DW, DW + nOut * nIn);
    f.fill(0, DB, DB + nOut);
    // Accumulate in float64 per output row, like denseGradWeights, so both agree closely.
    if (this.rowAcc.length < nIn) this.rowAcc = new Float64Array(nIn);
    const acc = this.rowAcc;
    for (let o = 0; o < nOut; o++) {
      let any = false;
      let sb = 0;
      acc.fill(0, 0, nIn);
      for (let r = 0; r < batch; r++) {
        if (a32[A + r] !== o) continue;
        any = true;
        const gr = f[G + r];
        sb += gr;
        for (let i = 0; i < nIn; i++) acc[i] += gr * f[X + r * nIn + i];
      }
      if (!any) continue;
      f[DB + o] = sb;
      for (let i = 0; i < nIn; i++) f[DW + o * nIn + i] = acc[i];
    }
  }

  chosenGradInput(actions: Ptr, g: Ptr, w: Ptr, x: Ptr, dx: Ptr, batch: number, nIn: number, mask: number): void {
    const f = this.f, a32 = this.i32;
    const A = actions >> 2, G = g >> 2, W = w >> 2, X = x >> 2, DX = dx >> 2;
    for (let r = 0; r < batch; r++) {
      const row = W + a32[A + r] * nIn;
      const gr = f[G + r];
      for (let i = 0; i < nIn; i++) {
        f[DX + r * nIn + i] = mask && !(f[X + r * nIn + i] > 0) ? 0 : gr * f[row + i];
      }
    }
  }

  compressRows(x: Ptr, batch: number, nIn: number, limit: number, cols: Ptr, vals: Ptr, starts: Ptr): number {
    const f = this.f, a32 = this.i32;
    const X = x >> 2, C = cols >> 2, V = vals >> 2, S = starts >> 2;
    let n = 0;
    for (let r = 0; r < batch; r++) {
      a32[S + r] = n;
      for (let i = 0; i < nIn; i++) {
        const e = f[X + r * nIn + i];
        if (e === 0) continue;
        if (n === limit) return -1;
        a32[C + n] = i;
        f[V + n] = e;
        n++;
      }
    }
    a32[S + batch] = n;
    return n;
  }

  sparseForward(cols: Ptr, vals: Ptr, starts: Ptr, w: Ptr, _wt: Ptr, b: Ptr, y: Ptr, batch: number, nIn: number, nOut: number, relu: number): void {
    const f = this.f, a32 = this.i32;
    const C = cols >> 2, V = vals >> 2, S = starts >> 2, W = w >> 2, B = b >> 2, Y = y >> 2;
    for (let r = 0; r < batch; r++) {
      for (let o = 0; o < nOut; o++) {
        let s = f[B + o];
        for (let e = a32[S + r]; e < a32[S + r + 1]; e++) s += f[V + e] * f[W + o * nIn + a32[C + e]];
        f[Y + r * nOut + o] = relu && s < 0 ? 0 : s;
      }
    }
  }

  sparseGradWeights(cols: Ptr, vals: Ptr, starts: Ptr, dy: Ptr, dw: Ptr, db: Ptr, _scratch: Ptr, batch: number, nIn: number, nOut: number): void {
    const f = this.f, a32 = this.i32;
    const C = cols >> 2, V = vals >> 2, S = starts >> 2, DY = dy >> 2, DW = dw >> 2, DB = db >> 2;
    // Accumulate in float64 in denseGradWeights' order: the same values exactly (zeros add nothing).
    if (this.rowAcc.length < nIn) this.rowAcc = new Float64Array(nIn);
    const acc = this.rowAcc;
    for (let o = 0; o < nOut; o++) {
      let sb = 0;
      acc.fill(0, 0, nIn);
      for (let r = 0; r < batch; r++) {
        const g = f[DY + r * nOut + o];
        sb += g;
        for (let e = a32[S + r]; e < a32[S + r + 1]; e++) acc[a32[C + e]] += g * f[V + e];
      }
      f[DB + o] = sb;
      for (let i = 0; i < nIn; i++) f[DW + o * nIn + i] = acc[i];
    }
  }

  duelingForward(z: Ptr, q: Ptr, batch: number, actions: number): void {
    const f = this.f;
    const Z = z >> 2, Q = q >> 2;
    const width = actions + 1;
    for (let r = 0; r < batch; r++) {
      const row = Z + r * width;
      let sum = 0;
      for (let a = 0; a < actions; a++) sum += f[row + 1 + a];
      const base = f[row] - sum / actions;
      for (let a = 0; a < actions; a++) f[Q + r * actions + a] = base + f[row + 1 + a];
    }
  }

  duelingBackward(dq: Ptr, dz: Ptr, batch: number, actions: number): void {
    const f = this.f;
    const DQ = dq >> 2, DZ = dz >> 2;
    const width = actions + 1;
    for (let r = 0; r < batch; r++) {
      let sum = 0;
      for (let a = 0; a < actions; a++) sum += f[DQ + r * actions + a];
      const mean = sum / actions;
      f[DZ + r * width] = sum;
      for (let a = 0; a < actions; a++) f[DZ + r * width + 1 + a] = f[DQ + r * actions + a] - mean;
    }
  }

  rowMax(q: Ptr, out: Ptr, batch: number, actions: number): void {
    const f = this.f;
    const Q = q >> 2, O = out >> 2;
    for (let r = 0; r < batch; r++) {
      let m = -Infinity;
      for (let a = 0; a < actions; a++) m = Math.max(m, f[Q + r * actions + a]);
      f[O + r] = m;
    }
  }

  rowArgmax(q: Ptr, out: Ptr, batch: number, actions: number): void {
    const f = this.f;
    const Q = q >> 2, O = out >> 2;
    for (let r = 0; r < batch; r++) {
      let best = -Infinity;
      let at = 0;
      for (let a = 0; a < actions; a++) {
        const v = f[Q + r * actions + a];
        if (v > best) {
          best = v;
          at = a;
        }
      }
      this.i32[O + r] = at;
    }
  }

  firstNonFinite(p: Ptr, n: number): number {
    const f = this.f;
    const P = p >> 2;
    for (let i = 0; i < n; i++) if (!Number.isFinite(f[P + i])) return i;
    return -1;
  }

  sumSquares(p: Ptr, n: number): number {
    const f = this.f;
    const P = p >> 2;
    let s = 0;
    for (let i = 0; i < n; i++) s += f[P + i] * f[P + i];
    return s;
  }

  adamStep(
    p: Ptr, g: Ptr, m: Ptr, v: Ptr, n: number,
    stepSize: number, invSqrtBc2: number, oneMinusBeta1: number, oneMinusBeta2: number, eps: number,
    gradScale: number, decay: number,
  ): void {
    const f = this.f;
    const P = p >> 2, G = g >> 2, M = m >> 2, V = v >> 2;
    for (let i = 0; i < n; i++) {
      const gi = gradScale * f[G + i];
      const mi = (1 - oneMinusBeta1) * f[M + i] + oneMinusBeta1 * gi;
      const vi = (1 - oneMinusBeta2) * f[V + i] + oneMinusBeta2 * gi * gi;
      f[M + i] = mi;
      f[V + i] = vi;
      f[P + i] = decay * f[P + i] - (stepSize * mi) / (Math.sqrt(vi) * invSqrtBc2 + eps);
    }
  }

  lerp(dst: Ptr, src: Ptr, n: number, tau: number): void {
    const f = this.f;
    const D = dst >> 2, S = src >> 2;
    for (let i = 0; i < n; i++) f[D + i] = (1 - tau) * f[D + i] + tau * f[S + i];
  }
}

function roundUp(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}
