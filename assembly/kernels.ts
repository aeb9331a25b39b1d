// liveq's neural-network kernels in WebAssembly SIMD (AssemblyScript, compiled with --enable simd).
//
// Every function works on raw byte offsets into this instance's linear memory; the TypeScript side
// (src/core/nn/wasm-backend.ts) lays out one network per instance and calls these. The semantics of
// each kernel are documented on the Backend interface (src/core/nn/backend.ts), and the reference
// backend (src/core/nn/reference-backend.ts) implements the same operations as plain loops.
//
// Why hand-written: the compiler does not vectorise loops by itself. What pays here is explicit
// f32x4 code with several independent accumulators ("register blocking": a few rows times a few
// outputs at once, so each loaded vector is reused and the adder pipelines stay full), fusing bias
// and ReLU into the matrix product, and fusing the ReLU mask into the input gradient.
//
// Layout conventions: matrices are row-major, a dense layer's weights are W[nOut][nIn]. Rows are not
// padded, so every loop has a remainder path; a remainder of fewer than 4 floats inside a dot
// product is read as one full vector and masked (the arena always has 16 spare bytes at its end, so
// such a read stays in bounds, and masking both operands keeps stray NaNs out).

// ---------------------------------------------------------------------------------------------
// Small helpers (inlined).

/** [sum(a), sum(b), sum(c), sum(d)]: four horizontal sums at once, by transposing pairs. */
@inline
function hsum4(a: v128, b: v128, c: v128, d: v128): v128 {
  const ab = f32x4.add(f32x4.shuffle(a, b, 0, 4, 1, 5), f32x4.shuffle(a, b, 2, 6, 3, 7));
  const cd = f32x4.add(f32x4.shuffle(c, d, 0, 4, 1, 5), f32x4.shuffle(c, d, 2, 6, 3, 7));
  return f32x4.add(f32x4.shuffle(ab, cd, 0, 1, 4, 5), f32x4.shuffle(ab, cd, 2, 3, 6, 7));
}

/** The sum of the four lanes of a. */
@inline
function hsum(a: v128): f32 {
  const s = f32x4.add(a, f32x4.shuffle(a, a, 2, 3, 0, 1));
  return f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1);
}

/** All-ones in the lanes below `rem` (0..3), zero above. */
@inline
function laneMask(rem: i32): v128 {
  return i32x4.lt_s(i32x4(0, 1, 2, 3), i32x4.splat(rem));
}

/** The vector at p with the lanes at and above `mask`'s zero lanes cleared. */
@inline
function loadMasked(p: usize, mask: v128): v128 {
  return v128.and(v128.load(p), mask);
}

/**
 * max(v, floor) lane-wise, as ReLU (floor 0) or the identity (floor -inf). pmax(v, floor) is
 * "v < floor ? floor : v": one maxps instruction (f32x4.max needs eight for its NaN rules), and a
 * NaN in v still comes out as NaN.
 */
@inline
function activate(v: v128, floor: v128): v128 {
  return f32x4.pmax(v, floor);
}

@inline
function madd(acc: v128, a: v128, b: v128): v128 {
  return f32x4.add(acc, f32x4.mul(a, b));
}

/** Zeroes lanes of v where the matching lane of x is not > 0 (the ReLU derivative). */
@inline
function reluMask(v: v128, x: v128): v128 {
  return v128.and(v, f32x4.gt(x, f32x4.splat(0)));
}

/** First usable byte after the module's static data, for the arena. */
export function heapBase(): usize {
  return __heap_base;
}

// ---------------------------------------------------------------------------------------------
// Dense layer forward: y = x W^T + b, optionally ReLU.

/**
 * One row: y[o] = x . W[o] + b[o] for all outputs, eight outputs at a time (eight independent
 * accumulators hide the adder latency). This is the batch-1 path (action selection).
 */
function denseForwardRow(x: usize, w: usize, b: usize, y: usize, nIn: i32, nOut: i32, floor: v128): void {
  const rowBytes = <usize>nIn << 2;
  const end = <usize>(nIn & ~3) << 2;
  const rem = nIn & 3;
  const mask = laneMask(rem);
  const zero = f32x4.splat(0);
  let o = 0;
  for (; o + 8 <= nOut; o += 8) {
    const w0 = w + <usize>o * rowBytes;
    const w1 = w0 + rowBytes, w2 = w1 + rowBytes, w3 = w2 + rowBytes;
    const w4 = w3 + rowBytes, w5 = w4 + rowBytes, w6 = w5 + rowBytes, w7 = w6 + rowBytes;
    let a0 = zero, a1 = zero, a2 = zero, a3 = zero, a4 = zero, a5 = zero, a6 = zero, a7 = zero;
    let k: usize = 0;
    for (; k < end; k += 16) {
      const xv = v128.load(x + k);
      a0 = madd(a0, xv, v128.load(w0 + k));
      a1 = madd(a1, xv, v128.load(w1 + k));
      a2 = madd(a2, xv, v128.load(w2 + k));
      a3 = madd(a3, xv, v128.load(w3 + k));
      a4 = madd(a4, xv, v128.load(w4 + k));
      a5 = madd(a5, xv, v128.load(w5 + k));
      a6 = madd(a6, xv, v128.load(w6 + k));
      a7 = madd(a7, xv, v128.load(w7 + k));
    }
    if (rem) {
      const xv = loadMasked(x + k, mask);
      a0 = madd(a0, xv, loadMasked(w0 + k, mask));
      a1 = madd(a1, xv, loadMasked(w1 + k, mask));
      a2 = madd(a2, xv, loadMasked(w2 + k, mask));
      a3 = madd(a3, xv, loadMasked(w3 + k, mask));
      a4 = madd(a4, xv, loadMasked(w4 + k, mask));
      a5 = madd(a5, xv, loadMasked(w5 + k, mask));
      a6 = madd(a6, xv, loadMasked(w6 + k, mask));
      a7 = madd(a7, xv, loadMasked(w7 + k, mask));
    }
    const yo = y + (<usize>o << 2);
    const bo = b + (<usize>o << 2);
    v128.store(yo, activate(f32x4.add(hsum4(a0, a1, a2, a3), v128.load(bo)), floor));
    v128.store(yo + 16, activate(f32x4.add(hsum4(a4, a5, a6, a7), v128.load(bo + 16)), floor));
  }
  for (; o + 4 <= nOut; o += 4) {
    const w0 = w + <usize>o * rowBytes;
    const w1 = w0 + rowBytes, w2 = w1 + rowBytes, w3 = w2 + rowBytes;
    let a0 = zero, a1 = zero, a2 = zero, a3 = zero;
    let k: usize = 0;
    for (; k < end; k += 16) {
      const xv = v128.load(x + k);
      a0 = madd(a0, xv, v128.load(w0 + k));
      a1 = madd(a1, xv, v128.load(w1 + k));
      a2 = madd(a2, xv, v128.load(w2 + k));
      a3 = madd(a3, xv, v128.load(w3 + k));
    }
    if (rem) {
      const xv = loadMasked(x + k, mask);
      a0 = madd(a0, xv, loadMasked(w0 + k, mask));
      a1 = madd(a1, xv, loadMasked(w1 + k, mask));
      a2 = madd(a2, xv, loadMasked(w2 + k, mask));
      a3 = madd(a3, xv, loadMasked(w3 + k, mask));
    }
    v128.store(y + (<usize>o << 2), activate(f32x4.add(hsum4(a0, a1, a2, a3), v128.load(b + (<usize>o << 2))), floor));
  }
  for (; o < nOut; o++) {
    const w0 = w + <usize>o * rowBytes;
    let a0 = zero;
    let k: usize = 0;
    for (; k < end; k += 16) a0 = madd(a0, v128.load(x + k), v128.load(w0 + k));
    if (rem) a0 = madd(a0, loadMasked(x + k, mask), loadMasked(w0 + k, mask));
    const s = hsum(a0) + load<f32>(b + (<usize>o << 2));
    store<f32>(y + (<usize>o << 2), f32x4.extract_lane(activate(f32x4.splat(s), floor), 0));
  }
}

export function denseForward(x: usize, w: usize, b: usize, y: usize, batch: i32, nIn: i32, nOut: i32, relu: i32): void {
  // max(v, floor) is ReLU with floor 0 and the identity with floor -inf (NaN propagates in both).
  const floor = relu ? f32x4.splat(0) : f32x4.splat(-Infinity);
  const inBytes = <usize>nIn << 2;
  const outBytes = <usize>nOut << 2;
  const end = <usize>(nIn & ~3) << 2;
  const rem = nIn & 3;
  const mask = laneMask(rem);
  const zero = f32x4.splat(0);
  const pairs = batch & ~1;
  // Rows two at a time, outputs four at a time: 8 accumulators, 6 loads per 8 multiply-adds.
  // (Unrolling the inner loop further made V8 hoist the loads and spill accumulators: slower.)
  let o = 0;
  for (; o + 4 <= nOut; o += 4) {
    const w0 = w + <usize>o * inBytes;
    const w1 = w0 + inBytes, w2 = w1 + inBytes, w3 = w2 + inBytes;
    const bias = v128.load(b + (<usize>o << 2));
    for (let r = 0; r < pairs; r += 2) {
      const x0 = x + <usize>r * inBytes;
      const x1 = x0 + inBytes;
      let a00 = zero, a01 = zero, a02 = zero, a03 = zero;
      let a10 = zero, a11 = zero, a12 = zero, a13 = zero;
      let k: usize = 0;
      for (; k < end; k += 16) {
        const xa = v128.load(x0 + k), xb = v128.load(x1 + k);
        const v0 = v128.load(w0 + k), v1 = v128.load(w1 + k), v2 = v128.load(w2 + k), v3 = v128.load(w3 + k);
        a00 = madd(a00, xa, v0); a01 = madd(a01, xa, v1); a02 = madd(a02, xa, v2); a03 = madd(a03, xa, v3);
        a10 = madd(a10, xb, v0); a11 = madd(a11, xb, v1); a12 = madd(a12, xb, v2); a13 = madd(a13, xb, v3);
      }
      if (rem) {
        const xa = loadMasked(x0 + k, mask), xb = loadMasked(x1 + k, mask);
        const v0 = loadMasked(w0 + k, mask), v1 = loadMasked(w1 + k, mask);
        const v2 = loadMasked(w2 + k, mask), v3 = loadMasked(w3 + k, mask);
        a00 = madd(a00, xa, v0); a01 = madd(a01, xa, v1); a02 = madd(a02, xa, v2); a03 = madd(a03, xa, v3);
        a10 = madd(a10, xb, v0); a11 = madd(a11, xb, v1); a12 = madd(a12, xb, v2); a13 = madd(a13, xb, v3);
      }
      const y0 = y + <usize>r * outBytes + (<usize>o << 2);
      v128.store(y0, activate(f32x4.add(hsum4(a00, a01, a02, a03), bias), floor));
      v128.store(y0 + outBytes, activate(f32x4.add(hsum4(a10, a11, a12, a13), bias), floor));
    }
  }
  // Remaining outputs (nOut not a multiple of 4), for the paired rows.
  for (; o < nOut; o++) {
    const w0 = w + <usize>o * inBytes;
    const bo = load<f32>(b + (<usize>o << 2));
    for (let r = 0; r < pairs; r++) {
      const x0 = x + <usize>r * inBytes;
      let a0 = zero;
      let k: usize = 0;
      for (; k < end; k += 16) a0 = madd(a0, v128.load(x0 + k), v128.load(w0 + k));
      if (rem) a0 = madd(a0, loadMasked(x0 + k, mask), loadMasked(w0 + k, mask));
      const s = hsum(a0) + bo;
      store<f32>(y + <usize>r * outBytes + (<usize>o << 2), f32x4.extract_lane(activate(f32x4.splat(s), floor), 0));
    }
  }
  // The last row of an odd batch (and the whole of a batch of one).
  if (batch & 1) {
    denseForwardRow(x + <usize>pairs * inBytes, w, b, y + <usize>pairs * outBytes, nIn, nOut, floor);
  }
}

// ---------------------------------------------------------------------------------------------
// Dense layer backward.

/**
 * dW = dY^T x and db = column sums of dY. Outputs four at a time times inputs eight at a time
 * (8 accumulators), looping over the batch: each step loads two vectors of x and splats four
 * gradients.
 */
export function denseGradWeights(x: usize, dy: usize, dw: usize, db: usize, batch: i32, nIn: i32, nOut: i32): void {
  const inBytes = <usize>nIn << 2;
  const outBytes = <usize>nOut << 2;
  const zero = f32x4.splat(0);
  let o = 0;
  for (; o + 4 <= nOut; o += 4) {
    const g = dy + (<usize>o << 2);
    const d0 = dw + <usize>o * inBytes;
    const d1 = d0 + inBytes, d2 = d1 + inBytes, d3 = d2 + inBytes;
    let i = 0;
    for (; i + 8 <= nIn; i += 8) {
      let a0 = zero, a1 = zero, a2 = zero, a3 = zero, b0 = zero, b1 = zero, b2 = zero, b3 = zero;
      let xp = x + (<usize>i << 2);
      let gp = g;
      for (let r = 0; r < batch; r++) {
        const xa = v128.load(xp), xb = v128.load(xp + 16);
        const g0 = v128.load32_splat(gp), g1 = v128.load32_splat(gp + 4);
        const g2 = v128.load32_splat(gp + 8), g3 = v128.load32_splat(gp + 12);
        a0 = madd(a0, g0, xa); b0 = madd(b0, g0, xb);
        a1 = madd(a1, g1, xa); b1 = madd(b1, g1, xb);
        a2 = madd(a2, g2, xa); b2 = madd(b2, g2, xb);
        a3 = madd(a3, g3, xa); b3 = madd(b3, g3, xb);
        xp += inBytes;
        gp += outBytes;
      }
      const c = <usize>i << 2;
      v128.store(d0 + c, a0); v128.store(d0 + c + 16, b0);
      v128.store(d1 + c, a1); v128.store(d1 + c + 16, b1);
      v128.store(d2 + c, a2); v128.store(d2 + c + 16, b2);
      v128.store(d3 + c, a3); v128.store(d3 + c + 16, b3);
    }
    for (; i + 4 <= nIn; i += 4) {
      let a0 = zero, a1 = zero, a2 = zero, a3 = zero;
      let xp = x + (<usize>i << 2);
      let gp = g;
      for (let r = 0; r < batch; r++) {
        const xa = v128.load(xp);
        a0 = madd(a0, v128.load32_splat(gp), xa);
        a1 = madd(a1, v128.load32_splat(gp + 4), xa);
        a2 = madd(a2, v128.load32_splat(gp + 8), xa);
        a3 = madd(a3, v128.load32_splat(gp + 12), xa);
        xp += inBytes;
        gp += outBytes;
      }
      const c = <usize>i << 2;
      v128.store(d0 + c, a0); v128.store(d1 + c, a1); v128.store(d2 + c, a2); v128.store(d3 + c, a3);
    }
    for (; i < nIn; i++) {
      // Four outputs of one input column at once: a vector of gradients times a splat of x.
      let a = zero;
      let xp = x + (<usize>i << 2);
      let gp = g;
      for (let r = 0; r < batch; r++) {
        a = madd(a, v128.load(gp), v128.load32_splat(xp));
        xp += inBytes;
        gp += outBytes;
      }
      const c = <usize>i << 2;
      store<f32>(d0 + c, f32x4.extract_lane(a, 0));
      store<f32>(d1 + c, f32x4.extract_lane(a, 1));
      store<f32>(d2 + c, f32x4.extract_lane(a, 2));
      store<f32>(d3 + c, f32x4.extract_lane(a, 3));
    }
  }
  for (; o < nOut; o++) {
    const g = dy + (<usize>o << 2);
    const d0 = dw + <usize>o * inBytes;
    let i = 0;
    for (; i + 4 <= nIn; i += 4) {
      let a = zero;
      let xp = x + (<usize>i << 2);
      let gp = g;
      for (let r = 0; r < batch; r++) {
        a = madd(a, v128.load32_splat(gp), v128.load(xp));
        xp += inBytes;
        gp += outBytes;
      }
      v128.store(d0 + (<usize>i << 2), a);
    }
    for (; i < nIn; i++) {
      let s: f32 = 0;
      let xp = x + (<usize>i << 2);
      let gp = g;
      for (let r = 0; r < batch; r++) {
        s += load<f32>(gp) * load<f32>(xp);
        xp += inBytes;
        gp += outBytes;
      }
      store<f32>(d0 + (<usize>i << 2), s);
    }
  }
  // db: column sums of dY, four columns at a time.
  o = 0;
  for (; o + 4 <= nOut; o += 4) {
    let a = zero;
    let gp = dy + (<usize>o << 2);
    for (let r = 0; r < batch; r++) {
      a = f32x4.add(a, v128.load(gp));
      gp += outBytes;
    }
    v128.store(db + (<usize>o << 2), a);
  }
  for (; o < nOut; o++) {
    let s: f32 = 0;
    let gp = dy + (<usize>o << 2);
    for (let r = 0; r < batch; r++) {
      s += load<f32>(gp);
      gp += outBytes;
    }
    store<f32>(db + (<usize>o << 2), s);
  }
}

/**
 * dX = dY W, masked by x > 0 when `mask` is 1. Rows four at a time times inputs eight at a time
 * (8 accumulators), looping over the outputs: each step loads two vectors of a row of W and splats
 * four gradients. The ReLU mask is applied when storing.
 */
export function denseGradInput(dy: usize, w: usize, x: usize, dx: usize, batch: i32, nIn: i32, nOut: i32, mask: i32): void {
  const inBytes = <usize>nIn << 2;
  const outBytes = <usize>nOut << 2;
  const zero = f32x4.splat(0);
  let r = 0;
  for (; r + 4 <= batch; r += 4) {
    const g0p = dy + <usize>r * outBytes;
    const g1p = g0p + outBytes, g2p = g1p + outBytes, g3p = g2p + outBytes;
    const x0 = x + <usize>r * inBytes;
    const o0 = dx + <usize>r * inBytes;
    let i = 0;
    for (; i + 8 <= nIn; i += 8) {
      let a0 = zero, a1 = zero, a2 = zero, a3 = zero, b0 = zero, b1 = zero, b2 = zero, b3 = zero;
      let wp = w + (<usize>i << 2);
      let k: usize = 0;
      const kEnd = outBytes;
      for (; k < kEnd; k += 4) {
        const wa = v128.load(wp), wb = v128.load(wp + 16);
        const g0 = v128.load32_splat(g0p + k), g1 = v128.load32_splat(g1p + k);
        const g2 = v128.load32_splat(g2p + k), g3 = v128.load32_splat(g3p + k);
        a0 = madd(a0, g0, wa); b0 = madd(b0, g0, wb);
        a1 = madd(a1, g1, wa); b1 = madd(b1, g1, wb);
        a2 = madd(a2, g2, wa); b2 = madd(b2, g2, wb);
        a3 = madd(a3, g3, wa); b3 = madd(b3, g3, wb);
        wp += inBytes;
      }
      const c = <usize>i << 2;
      if (mask) {
        a0 = reluMask(a0, v128.load(x0 + c)); b0 = reluMask(b0, v128.load(x0 + c + 16));
        a1 = reluMask(a1, v128.load(x0 + inBytes + c)); b1 = reluMask(b1, v128.load(x0 + inBytes + c + 16));
        a2 = reluMask(a2, v128.load(x0 + 2 * inBytes + c)); b2 = reluMask(b2, v128.load(x0 + 2 * inBytes + c + 16));
        a3 = reluMask(a3, v128.load(x0 + 3 * inBytes + c)); b3 = reluMask(b3, v128.load(x0 + 3 * inBytes + c + 16));
      }
      v128.store(o0 + c, a0); v128.store(o0 + c + 16, b0);
      v128.store(o0 + inBytes + c, a1); v128.store(o0 + inBytes + c + 16, b1);
      v128.store(o0 + 2 * inBytes + c, a2); v128.store(o0 + 2 * inBytes + c + 16, b2);
      v128.store(o0 + 3 * inBytes + c, a3); v128.store(o0 + 3 * inBytes + c + 16, b3);
    }
    for (; i + 4 <= nIn; i += 4) {
      let a0 = zero, a1 = zero, a2 = zero, a3 = zero;
      let wp = w + (<usize>i << 2);
      for (let k: usize = 0; k < outBytes; k += 4) {
        const wa = v128.load(wp);
        a0 = madd(a0, v128.load32_splat(g0p + k), wa);
        a1 = madd(a1, v128.load32_splat(g1p + k), wa);
        a2 = madd(a2, v128.load32_splat(g2p + k), wa);
        a3 = madd(a3, v128.load32_splat(g3p + k), wa);
        wp += inBytes;
      }
      const c = <usize>i << 2;
      if (mask) {
        a0 = reluMask(a0, v128.load(x0 + c));
        a1 = reluMask(a1, v128.load(x0 + inBytes + c));
        a2 = reluMask(a2, v128.load(x0 + 2 * inBytes + c));
        a3 = reluMask(a3, v128.load(x0 + 3 * inBytes + c));
      }
      v128.store(o0 + c, a0);
      v128.store(o0 + inBytes + c, a1);
      v128.store(o0 + 2 * inBytes + c, a2);
      v128.store(o0 + 3 * inBytes + c, a3);
    }
    for (; i < nIn; i++) {
      for (let q = 0; q < 4; q++) {
        const gp = g0p + <usize>q * outBytes;
        let s: f32 = 0;
        let wp = w + (<usize>i << 2);
        for (let k: usize = 0; k < outBytes; k += 4) {
          s += load<f32>(gp + k) * load<f32>(wp);
          wp += inBytes;
        }
        const at = <usize>q * inBytes + (<usize>i << 2);
        store<f32>(o0 + at, mask && !(load<f32>(x0 + at) > 0) ? 0 : s);
      }
    }
  }
  for (; r < batch; r++) {
    const gp = dy + <usize>r * outBytes;
    const x0 = x + <usize>r * inBytes;
    const o0 = dx + <usize>r * inBytes;
    let i = 0;
    for (; i + 16 <= nIn; i += 16) {
      let a0 = zero, a1 = zero, a2 = zero, a3 = zero;
      let wp = w + (<usize>i << 2);
      for (let k: usize = 0; k < outBytes; k += 4) {
        const g = v128.load32_splat(gp + k);
        a0 = madd(a0, g, v128.load(wp));
        a1 = madd(a1, g, v128.load(wp + 16));
        a2 = madd(a2, g, v128.load(wp + 32));
        a3 = madd(a3, g, v128.load(wp + 48));
        wp += inBytes;
      }
      const c = <usize>i << 2;
      if (mask) {
        a0 = reluMask(a0, v128.load(x0 + c));
        a1 = reluMask(a1, v128.load(x0 + c + 16));
        a2 = reluMask(a2, v128.load(x0 + c + 32));
        a3 = reluMask(a3, v128.load(x0 + c + 48));
      }
      v128.store(o0 + c, a0);
      v128.store(o0 + c + 16, a1);
      v128.store(o0 + c + 32, a2);
      v128.store(o0 + c + 48, a3);
    }
    for (; i + 4 <= nIn; i += 4) {
      let a0 = zero;
      let wp = w + (<usize>i << 2);
      for (let k: usize = 0; k < outBytes; k += 4) {
        a0 = madd(a0, v128.load32_splat(gp + k), v128.load(wp));
        wp += inBytes;
      }
      const c = <usize>i << 2;
      if (mask) a0 = reluMask(a0, v128.load(x0 + c));
      v128.store(o0 + c, a0);
    }
    for (; i < nIn; i++) {
      let s: f32 = 0;
      let wp = w + (<usize>i << 2);
      for (let k: usize = 0; k < outBytes; k += 4) {
        s += load<f32>(gp + k) * load<f32>(wp);
        wp += inBytes;
      }
      const at = <usize>i << 2;
      store<f32>(o0 + at, mask && !(load<f32>(x0 + at) > 0) ? 0 : s);
    }
  }
}

/**
 * dW and db for an output gradient that is non-zero at one column per row (the DQN TD loss only
 * touches the chosen action's Q value): zero dW and db, then add g[r] * x[r] into row actions[r].
 */
export function chosenGradWeights(x: usize, actions: usize, g: usize, dw: usize, db: usize, batch: i32, nIn: i32, nOut: i32): void {
  const inBytes = <usize>nIn << 2;
  memory.fill(dw, 0, <usize>nOut * inBytes);
  memory.fill(db, 0, <usize>nOut << 2);
  const end = <usize>(nIn & ~3) << 2;
  const all = <usize>nIn << 2;
  for (let r = 0; r < batch; r++) {
    const a = <usize>load<i32>(actions + (<usize>r << 2));
    const gr = load<f32>(g + (<usize>r << 2));
    const gv = f32x4.splat(gr);
    const xr = x + <usize>r * inBytes;
    const d = dw + a * inBytes;
    let k: usize = 0;
    for (; k < end; k += 16) v128.store(d + k, madd(v128.load(d + k), gv, v128.load(xr + k)));
    for (; k < all; k += 4) store<f32>(d + k, load<f32>(d + k) + gr * load<f32>(xr + k));
    store<f32>(db + (a << 2), load<f32>(db + (a << 2)) + gr);
  }
}

/** dX[r] = g[r] * W[actions[r]], masked by x > 0 when `mask` is 1. */
export function chosenGradInput(actions: usize, g: usize, w: usize, x: usize, dx: usize, batch: i32, nIn: i32, mask: i32): void {
  const inBytes = <usize>nIn << 2;
  const end = <usize>(nIn & ~3) << 2;
  for (let r = 0; r < batch; r++) {
    const a = <usize>load<i32>(actions + (<usize>r << 2));
    const gr = load<f32>(g + (<usize>r << 2));
    const gv = f32x4.splat(gr);
    const wr = w + a * inBytes;
    const xr = x + <usize>r * inBytes;
    const dr = dx + <usize>r * inBytes;
    let k: usize = 0;
    for (; k < end; k += 16) {
      let v = f32x4.mul(gv, v128.load(wr + k));
      if (mask) v = reluMask(v, v128.load(xr + k));
      v128.store(dr + k, v);
    }
    for (; k < inBytes; k += 4) {
      store<f32>(dr + k, mask && !(load<f32>(xr + k) > 0) ? 0 : gr * load<f32>(wr + k));
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Dueling head.

/** Sum of n floats at p (vectorised). */
@inline
function sumFloats(p: usize, n: i32): f32 {
  const end = <usize>(n & ~3) << 2;
  let a = f32x4.splat(0);
  let k: usize = 0;
  for (; k < end; k += 16) a = f32x4.add(a, v128.load(p + k));
  let s = hsum(a);
  const all = <usize>n << 2;
  for (; k < all; k += 4) s += load<f32>(p + k);
  return s;
}

export function duelingForward(z: usize, q: usize, batch: i32, actions: i32): void {
  const zBytes = <usize>(actions + 1) << 2;
  const qBytes = <usize>actions << 2;
  const end = <usize>(actions & ~3) << 2;
  for (let r = 0; r < batch; r++) {
    const zr = z + <usize>r * zBytes;
    const adv = zr + 4;
    const qr = q + <usize>r * qBytes;
    const base = load<f32>(zr) - sumFloats(adv, actions) / <f32>actions;
    const bv = f32x4.splat(base);
    let k: usize = 0;
    for (; k < end; k += 16) v128.store(qr + k, f32x4.add(bv, v128.load(adv + k)));
    for (; k < qBytes; k += 4) store<f32>(qr + k, base + load<f32>(adv + k));
  }
}

export function duelingBackward(dq: usize, dz: usize, batch: i32, actions: i32): void {
  const zBytes = <usize>(actions + 1) << 2;
  const qBytes = <usize>actions << 2;
  const end = <usize>(actions & ~3) << 2;
  for (let r = 0; r < batch; r++) {
    const qr = dq + <usize>r * qBytes;
    const zr = dz + <usize>r * zBytes;
    const sum = sumFloats(qr, actions);
    const mean = sum / <f32>actions;
    store<f32>(zr, sum);
    const adv = zr + 4;
    const mv = f32x4.splat(mean);
    let k: usize = 0;
    for (; k < end; k += 16) v128.store(adv + k, f32x4.sub(v128.load(qr + k), mv));
    for (; k < qBytes; k += 4) store<f32>(adv + k, load<f32>(qr + k) - mean);
  }
}

// ---------------------------------------------------------------------------------------------
// Whole-vector operations: checks, norms, the optimizer, Polyak averaging.

export function firstNonFinite(p: usize, n: i32): i32 {
  const end = <usize>(n & ~3) << 2;
  const zero = f32x4.splat(0);
  let k: usize = 0;
  // x - x is 0 for finite x and NaN for NaN or infinity; NaN != 0.
  for (; k < end; k += 16) {
    const v = v128.load(p + k);
    if (v128.any_true(f32x4.ne(f32x4.sub(v, v), zero))) break;
  }
  const all = <usize>n << 2;
  for (; k < all; k += 4) {
    const s = load<f32>(p + k);
    if (s - s != 0) return <i32>(k >> 2);
  }
  return -1;
}

export function sumSquares(p: usize, n: i32): f64 {
  const end = <usize>(n & ~3) << 2;
  let lo = f64x2.splat(0), hi = f64x2.splat(0);
  let k: usize = 0;
  for (; k < end; k += 16) {
    const v = v128.load(p + k);
    const a = f64x2.promote_low_f32x4(v);
    const b = f64x2.promote_low_f32x4(f32x4.shuffle(v, v, 2, 3, 0, 1));
    lo = f64x2.add(lo, f64x2.mul(a, a));
    hi = f64x2.add(hi, f64x2.mul(b, b));
  }
  const t = f64x2.add(lo, hi);
  let s = f64x2.extract_lane(t, 0) + f64x2.extract_lane(t, 1);
  const all = <usize>n << 2;
  for (; k < all; k += 4) {
    const x = <f64>load<f32>(p + k);
    s += x * x;
  }
  return s;
}

export function adamStep(
  p: usize, g: usize, m: usize, v: usize, n: i32,
  stepSize: f32, invSqrtBc2: f32, oneMinusBeta1: f32, oneMinusBeta2: f32, eps: f32, gradScale: f32, decay: f32,
): void {
  // The caller passes 1 - beta (exact in float64, then rounded): rounding beta = 0.999 to f32 first
  // and subtracting would put a 1e-5 relative error on 1 - beta.
  const beta1: f32 = <f32>1 - oneMinusBeta1, beta2: f32 = <f32>1 - oneMinusBeta2;
  const end = <usize>(n & ~3) << 2;
  const b1 = f32x4.splat(beta1), c1 = f32x4.splat(oneMinusBeta1);
  const b2 = f32x4.splat(beta2), c2 = f32x4.splat(oneMinusBeta2);
  const sc = f32x4.splat(gradScale), st = f32x4.splat(stepSize), ib = f32x4.splat(invSqrtBc2);
  const ep = f32x4.splat(eps), dc = f32x4.splat(decay);
  let k: usize = 0;
  for (; k < end; k += 16) {
    const gi = f32x4.mul(sc, v128.load(g + k));
    const mi = f32x4.add(f32x4.mul(b1, v128.load(m + k)), f32x4.mul(c1, gi));
    const vi = f32x4.add(f32x4.mul(b2, v128.load(v + k)), f32x4.mul(c2, f32x4.mul(gi, gi)));
    v128.store(m + k, mi);
    v128.store(v + k, vi);
    const denom = f32x4.add(f32x4.mul(f32x4.sqrt(vi), ib), ep);
    const pi = f32x4.sub(f32x4.mul(dc, v128.load(p + k)), f32x4.div(f32x4.mul(st, mi), denom));
    v128.store(p + k, pi);
  }
  const all = <usize>n << 2;
  for (; k < all; k += 4) {
    const gi = gradScale * load<f32>(g + k);
    const mi = beta1 * load<f32>(m + k) + oneMinusBeta1 * gi;
    const vi = beta2 * load<f32>(v + k) + oneMinusBeta2 * gi * gi;
    store<f32>(m + k, mi);
    store<f32>(v + k, vi);
    store<f32>(p + k, decay * load<f32>(p + k) - (stepSize * mi) / (Mathf.sqrt(vi) * invSqrtBc2 + eps));
  }
}

export function lerp(dst: usize, src: usize, n: i32, tau: f32): void {
  const end = <usize>(n & ~3) << 2;
  const t = f32x4.splat(tau), u = f32x4.splat(1 - tau);
  let k: usize = 0;
  for (; k < end; k += 16) {
    v128.store(dst + k, f32x4.add(f32x4.mul(u, v128.load(dst + k)), f32x4.mul(t, v128.load(src + k))));
  }
  const all = <usize>n << 2;
  for (; k < all; k += 4) store<f32>(dst + k, (1 - tau) * load<f32>(dst + k) + tau * load<f32>(src + k));
}
