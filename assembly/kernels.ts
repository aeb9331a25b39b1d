// liveq's neural-network kernels in WebAssembly SIMD (AssemblyScript, compiled with --enable simd).
//
// Every function works on raw byte offsets into this instance's linear memory; the TypeScript side
// (src/core/nn/wasm-backend.ts) lays out one network per instance and calls these. The semantics of
// each kernel are documented on the Backend interface (src/core/nn/backend.ts), and the reference
// backend (src/core/nn/reference-backend.ts) implements the same operations as plain loops.
//
// Why hand-written: the compiler does not vectorise loops by itself. What paid here, measured on
// the project machine (an x86 core doing at most two f32x4 multiplies or adds per cycle, no FMA in
// baseline wasm SIMD): explicit f32x4 code with eight independent accumulators ("register
// blocking": two rows times sixteen outputs, so each loaded vector is reused and the adder pipelines
// stay full); addressing four vectors from one pointer with immediate offsets (V8 spends an
// instruction on every other address); the outer-product form on a transposed weight copy for
// batched forward passes (no horizontal sums; bias and ReLU fused); the dot-product form, eight
// outputs at a time, for single rows; the ReLU mask fused into the input gradient; and a sparse
// backward for the DQN loss, whose gradient touches one action per row. What did not pay: unrolling
// the inner loops further (V8 then hoists the loads and spills accumulators).
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

/** The vector at p with the lanes where `mask` is zero cleared. */
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
// Single rows use the dot-product form on W (eight outputs at a time); batches use the outer-product
// form on a transposed copy W^T, which the network keeps fresh.

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

/**
 * W^T: wt[i][o] = w[o][i] (nIn rows of nOut), in 4 x 4 blocks transposed in registers. The batched
 * forward pass reads this copy, which the network refreshes whenever the parameters change.
 */
export function transpose(w: usize, wt: usize, nIn: i32, nOut: i32): void {
  const inBytes = <usize>nIn << 2;
  const outBytes = <usize>nOut << 2;
  let o = 0;
  for (; o + 4 <= nOut; o += 4) {
    const r0 = w + <usize>o * inBytes;
    let i = 0;
    for (; i + 4 <= nIn; i += 4) {
      const c = <usize>i << 2;
      const a = v128.load(r0 + c), b = v128.load(r0 + inBytes + c);
      const e = v128.load(r0 + 2 * inBytes + c), d = v128.load(r0 + 3 * inBytes + c);
      const ab0 = f32x4.shuffle(a, b, 0, 4, 1, 5), ab1 = f32x4.shuffle(a, b, 2, 6, 3, 7);
      const ed0 = f32x4.shuffle(e, d, 0, 4, 1, 5), ed1 = f32x4.shuffle(e, d, 2, 6, 3, 7);
      const t = wt + <usize>i * outBytes + (<usize>o << 2);
      v128.store(t, f32x4.shuffle(ab0, ed0, 0, 1, 4, 5));
      v128.store(t + outBytes, f32x4.shuffle(ab0, ed0, 2, 3, 6, 7));
      v128.store(t + 2 * outBytes, f32x4.shuffle(ab1, ed1, 0, 1, 4, 5));
      v128.store(t + 3 * outBytes, f32x4.shuffle(ab1, ed1, 2, 3, 6, 7));
    }
    for (; i < nIn; i++) {
      for (let q = 0; q < 4; q++) {
        store<f32>(wt + <usize>i * outBytes + (<usize>(o + q) << 2), load<f32>(r0 + <usize>q * inBytes + (<usize>i << 2)));
      }
    }
  }
  for (; o < nOut; o++) {
    for (let i = 0; i < nIn; i++) {
      store<f32>(wt + <usize>i * outBytes + (<usize>o << 2), load<f32>(w + <usize>o * inBytes + (<usize>i << 2)));
    }
  }
}

/**
 * Batched forward on the transposed weights: y[r][o..o+16) = b + sum_i x[r][i] * wt[i][o..o+16),
 * two rows at a time (8 accumulators, started at the bias; each step loads four vectors of a row
 * of W^T and splats one input of each row). No horizontal sums, bias and ReLU fused. In profiling
 * this ran clearly faster than the dot-product form on W, which denseForwardRow still uses for
 * single rows (no transposed copy needed there).
 */
export function denseForward(x: usize, w: usize, wt: usize, b: usize, y: usize, batch: i32, nIn: i32, nOut: i32, relu: i32): void {
  // pmax(v, floor) is ReLU with floor 0 and the identity with floor -inf (NaN propagates in both).
  const floor = relu ? f32x4.splat(0) : f32x4.splat(-Infinity);
  const pairs = batch & ~1;
  matmulRows(x, nIn, wt, b, y, nOut, pairs, nIn, nOut, floor);
  // The last row of an odd batch (and the whole of a batch of one), on W.
  if (batch & 1) {
    denseForwardRow(x + <usize>pairs * (<usize>nIn << 2), w, b, y + <usize>pairs * (<usize>nOut << 2), nIn, nOut, floor);
  }
}

// ---------------------------------------------------------------------------------------------
// Dense layer backward.

/**
 * dW = dY^T x and db = column sums of dY. Two outputs times sixteen inputs at a time (8
 * accumulators), looping over the batch: each step loads four vectors of a row of x (one pointer,
 * immediate offsets) and splats two gradients.
 */
export function denseGradWeights(x: usize, dy: usize, dw: usize, db: usize, batch: i32, nIn: i32, nOut: i32): void {
  const inBytes = <usize>nIn << 2;
  const outBytes = <usize>nOut << 2;
  const zero = f32x4.splat(0);
  let o = 0;
  for (; o + 2 <= nOut; o += 2) {
    const g = dy + (<usize>o << 2);
    const d0 = dw + <usize>o * inBytes;
    const d1 = d0 + inBytes;
    let i = 0;
    for (; i + 16 <= nIn; i += 16) {
      let a0 = zero, a1 = zero, a2 = zero, a3 = zero, c0 = zero, c1 = zero, c2 = zero, c3 = zero;
      let xp = x + (<usize>i << 2);
      let gp = g;
      for (let r = 0; r < batch; r++) {
        const s0 = v128.load32_splat(gp), s1 = v128.load32_splat(gp, 4);
        const v0 = v128.load(xp), v1 = v128.load(xp, 16), v2 = v128.load(xp, 32), v3 = v128.load(xp, 48);
        a0 = madd(a0, s0, v0); a1 = madd(a1, s0, v1); a2 = madd(a2, s0, v2); a3 = madd(a3, s0, v3);
        c0 = madd(c0, s1, v0); c1 = madd(c1, s1, v1); c2 = madd(c2, s1, v2); c3 = madd(c3, s1, v3);
        xp += inBytes;
        gp += outBytes;
      }
      const e0 = d0 + (<usize>i << 2), e1 = d1 + (<usize>i << 2);
      v128.store(e0, a0); v128.store(e0, a1, 16); v128.store(e0, a2, 32); v128.store(e0, a3, 48);
      v128.store(e1, c0); v128.store(e1, c1, 16); v128.store(e1, c2, 32); v128.store(e1, c3, 48);
    }
    for (; i + 4 <= nIn; i += 4) {
      let a0 = zero, c0 = zero;
      let xp = x + (<usize>i << 2);
      let gp = g;
      for (let r = 0; r < batch; r++) {
        const v0 = v128.load(xp);
        a0 = madd(a0, v128.load32_splat(gp), v0);
        c0 = madd(c0, v128.load32_splat(gp, 4), v0);
        xp += inBytes;
        gp += outBytes;
      }
      v128.store(d0 + (<usize>i << 2), a0);
      v128.store(d1 + (<usize>i << 2), c0);
    }
    for (; i < nIn; i++) {
      let s0: f32 = 0, s1: f32 = 0;
      let xp = x + (<usize>i << 2);
      let gp = g;
      for (let r = 0; r < batch; r++) {
        const xv = load<f32>(xp);
        s0 += load<f32>(gp) * xv;
        s1 += load<f32>(gp, 4) * xv;
        xp += inBytes;
        gp += outBytes;
      }
      store<f32>(d0 + (<usize>i << 2), s0);
      store<f32>(d1 + (<usize>i << 2), s1);
    }
  }
  if (o < nOut) {
    // The last output of an odd nOut.
    const g = dy + (<usize>o << 2);
    const d0 = dw + <usize>o * inBytes;
    let i = 0;
    for (; i + 16 <= nIn; i += 16) {
      let a0 = zero, a1 = zero, a2 = zero, a3 = zero;
      let xp = x + (<usize>i << 2);
      let gp = g;
      for (let r = 0; r < batch; r++) {
        const s0 = v128.load32_splat(gp);
        a0 = madd(a0, s0, v128.load(xp)); a1 = madd(a1, s0, v128.load(xp, 16));
        a2 = madd(a2, s0, v128.load(xp, 32)); a3 = madd(a3, s0, v128.load(xp, 48));
        xp += inBytes;
        gp += outBytes;
      }
      const e0 = d0 + (<usize>i << 2);
      v128.store(e0, a0); v128.store(e0, a1, 16); v128.store(e0, a2, 32); v128.store(e0, a3, 48);
    }
    for (; i + 4 <= nIn; i += 4) {
      let a0 = zero;
      let xp = x + (<usize>i << 2);
      let gp = g;
      for (let r = 0; r < batch; r++) {
        a0 = madd(a0, v128.load32_splat(gp), v128.load(xp));
        xp += inBytes;
        gp += outBytes;
      }
      v128.store(d0 + (<usize>i << 2), a0);
    }
    for (; i < nIn; i++) {
      let s0: f32 = 0;
      let xp = x + (<usize>i << 2);
      let gp = g;
      for (let r = 0; r < batch; r++) {
        s0 += load<f32>(gp) * load<f32>(xp);
        xp += inBytes;
        gp += outBytes;
      }
      store<f32>(d0 + (<usize>i << 2), s0);
    }
  }
  columnSums(dy, db, batch, nOut);
}

/** db = column sums of dY ([batch][nOut]), each summed over the rows in order; four columns at a time. */
function columnSums(dy: usize, db: usize, batch: i32, nOut: i32): void {
  const outBytes = <usize>nOut << 2;
  let o = 0;
  for (; o + 4 <= nOut; o += 4) {
    let a = f32x4.splat(0);
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

/** acc, with lanes zeroed where x <= 0 when `mask` is set (ReLU derivative). */
@inline
function gradOut(acc: v128, xv: v128, mask: i32): v128 {
  return mask ? reluMask(acc, xv) : acc;
}

/**
 * dX = dY W, masked by x > 0 when `mask` is 1. Two rows times sixteen inputs at a time (8
 * accumulators), looping over the outputs: each step loads four vectors of a row of W (one
 * pointer, immediate offsets) and splats two gradients. The ReLU mask is applied when storing.
 */
export function denseGradInput(dy: usize, w: usize, x: usize, dx: usize, batch: i32, nIn: i32, nOut: i32, mask: i32): void {
  const inBytes = <usize>nIn << 2;
  const outBytes = <usize>nOut << 2;
  const zero = f32x4.splat(0);
  let r = 0;
  for (; r + 2 <= batch; r += 2) {
    const g0 = dy + <usize>r * outBytes;
    const gEnd = g0 + outBytes;
    const xa = x + <usize>r * inBytes, xb = xa + inBytes;
    const oa = dx + <usize>r * inBytes, ob = oa + inBytes;
    let i = 0;
    for (; i + 16 <= nIn; i += 16) {
      let a0 = zero, a1 = zero, a2 = zero, a3 = zero, c0 = zero, c1 = zero, c2 = zero, c3 = zero;
      let wp = w + (<usize>i << 2);
      for (let gp = g0; gp < gEnd; gp += 4) {
        const s0 = v128.load32_splat(gp), s1 = v128.load32_splat(gp + outBytes);
        const v0 = v128.load(wp), v1 = v128.load(wp, 16), v2 = v128.load(wp, 32), v3 = v128.load(wp, 48);
        a0 = madd(a0, s0, v0); a1 = madd(a1, s0, v1); a2 = madd(a2, s0, v2); a3 = madd(a3, s0, v3);
        c0 = madd(c0, s1, v0); c1 = madd(c1, s1, v1); c2 = madd(c2, s1, v2); c3 = madd(c3, s1, v3);
        wp += inBytes;
      }
      const c = <usize>i << 2;
      const pa = xa + c, pb = xb + c, qa = oa + c, qb = ob + c;
      v128.store(qa, gradOut(a0, v128.load(pa), mask)); v128.store(qa, gradOut(a1, v128.load(pa, 16), mask), 16);
      v128.store(qa, gradOut(a2, v128.load(pa, 32), mask), 32); v128.store(qa, gradOut(a3, v128.load(pa, 48), mask), 48);
      v128.store(qb, gradOut(c0, v128.load(pb), mask)); v128.store(qb, gradOut(c1, v128.load(pb, 16), mask), 16);
      v128.store(qb, gradOut(c2, v128.load(pb, 32), mask), 32); v128.store(qb, gradOut(c3, v128.load(pb, 48), mask), 48);
    }
    for (; i + 4 <= nIn; i += 4) {
      let a0 = zero, c0 = zero;
      let wp = w + (<usize>i << 2);
      for (let gp = g0; gp < gEnd; gp += 4) {
        const v0 = v128.load(wp);
        a0 = madd(a0, v128.load32_splat(gp), v0);
        c0 = madd(c0, v128.load32_splat(gp + outBytes), v0);
        wp += inBytes;
      }
      const c = <usize>i << 2;
      v128.store(oa + c, gradOut(a0, v128.load(xa + c), mask));
      v128.store(ob + c, gradOut(c0, v128.load(xb + c), mask));
    }
    for (; i < nIn; i++) {
      let s0: f32 = 0, s1: f32 = 0;
      let wp = w + (<usize>i << 2);
      for (let gp = g0; gp < gEnd; gp += 4) {
        const wv = load<f32>(wp);
        s0 += load<f32>(gp) * wv;
        s1 += load<f32>(gp + outBytes) * wv;
        wp += inBytes;
      }
      const c = <usize>i << 2;
      store<f32>(oa + c, mask && !(load<f32>(xa + c) > 0) ? 0 : s0);
      store<f32>(ob + c, mask && !(load<f32>(xb + c) > 0) ? 0 : s1);
    }
  }
  if (r < batch) {
    // The last row of an odd batch.
    const g0 = dy + <usize>r * outBytes;
    const gEnd = g0 + outBytes;
    const xa = x + <usize>r * inBytes;
    const oa = dx + <usize>r * inBytes;
    let i = 0;
    for (; i + 16 <= nIn; i += 16) {
      let a0 = zero, a1 = zero, a2 = zero, a3 = zero;
      let wp = w + (<usize>i << 2);
      for (let gp = g0; gp < gEnd; gp += 4) {
        const s0 = v128.load32_splat(gp);
        a0 = madd(a0, s0, v128.load(wp)); a1 = madd(a1, s0, v128.load(wp, 16));
        a2 = madd(a2, s0, v128.load(wp, 32)); a3 = madd(a3, s0, v128.load(wp, 48));
        wp += inBytes;
      }
      const c = <usize>i << 2;
      const pa = xa + c, qa = oa + c;
      v128.store(qa, gradOut(a0, v128.load(pa), mask)); v128.store(qa, gradOut(a1, v128.load(pa, 16), mask), 16);
      v128.store(qa, gradOut(a2, v128.load(pa, 32), mask), 32); v128.store(qa, gradOut(a3, v128.load(pa, 48), mask), 48);
    }
    for (; i + 4 <= nIn; i += 4) {
      let a0 = zero;
      let wp = w + (<usize>i << 2);
      for (let gp = g0; gp < gEnd; gp += 4) {
        a0 = madd(a0, v128.load32_splat(gp), v128.load(wp));
        wp += inBytes;
      }
      const c = <usize>i << 2;
      v128.store(oa + c, gradOut(a0, v128.load(xa + c), mask));
    }
    for (; i < nIn; i++) {
      let s0: f32 = 0;
      let wp = w + (<usize>i << 2);
      for (let gp = g0; gp < gEnd; gp += 4) {
        s0 += load<f32>(gp) * load<f32>(wp);
        wp += inBytes;
      }
      const c = <usize>i << 2;
      store<f32>(oa + c, mask && !(load<f32>(xa + c) > 0) ? 0 : s0);
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
// Sparse inputs: a first layer whose input is mostly zeros (the classic head's input: a user's few
// history streamers among the whole catalogue) costs its non-zero inputs only. The rows are
// compressed once (compressRows); the forward pass and the weight gradient then skip the zeros and
// give the same values as denseForward and denseGradWeights: the same products added in the same
// order, less terms that are exactly zero.

/**
 * The non-zero entries of x ([batch][nIn]) row by row: row r's are cols/vals[starts[r] ..
 * starts[r + 1]) in column order (starts: batch + 1 int32). Returns how many, or -1 as soon as
 * there are more than `limit` (the caller then takes the dense path).
 */
export function compressRows(x: usize, batch: i32, nIn: i32, limit: i32, cols: usize, vals: usize, starts: usize): i32 {
  let n = 0;
  const inBytes = <usize>nIn << 2;
  const end = <usize>(nIn & ~3) << 2;
  const zero = f32x4.splat(0);
  for (let r = 0; r < batch; r++) {
    store<i32>(starts + (<usize>r << 2), n);
    const row = x + <usize>r * inBytes;
    let c: usize = 0;
    for (; c < end; c += 16) {
      const v = v128.load(row + c);
      // Four zeros (either sign) at once: the common case.
      if (!v128.any_true(f32x4.ne(v, zero))) continue;
      for (let q: usize = 0; q < 16; q += 4) {
        const e = load<f32>(row + c + q);
        if (e == 0) continue;
        if (n == limit) return -1;
        store<i32>(cols + (<usize>n << 2), <i32>((c + q) >> 2));
        store<f32>(vals + (<usize>n << 2), e);
        n++;
      }
    }
    for (; c < inBytes; c += 4) {
      const e = load<f32>(row + c);
      if (e == 0) continue;
      if (n == limit) return -1;
      store<i32>(cols + (<usize>n << 2), <i32>(c >> 2));
      store<f32>(vals + (<usize>n << 2), e);
      n++;
    }
  }
  store<i32>(starts + (<usize>batch << 2), n);
  return n;
}

/**
 * denseForward on compressed rows, to its bits: the rows it takes in pairs in the outer-product
 * form on W^T (here one at a time, each value summed in the same order from the bias on), the last
 * row of an odd batch as denseForwardRow (dot-product form on W: four lanes by column mod 4,
 * summed as its hsum does, then the bias).
 */
export function sparseForward(cols: usize, vals: usize, starts: usize, w: usize, wt: usize, b: usize, y: usize, batch: i32, nIn: i32, nOut: i32, relu: i32): void {
  const floor = relu ? f32x4.splat(0) : f32x4.splat(-Infinity);
  const outBytes = <usize>nOut << 2;
  const pairs = batch & ~1;
  for (let r = 0; r < pairs; r++) {
    const e0 = load<i32>(starts + (<usize>r << 2)), e1 = load<i32>(starts + (<usize>(r + 1) << 2));
    const yr = y + <usize>r * outBytes;
    let o = 0;
    for (; o + 16 <= nOut; o += 16) {
      const bo = b + (<usize>o << 2);
      let a0 = v128.load(bo), a1 = v128.load(bo, 16), a2 = v128.load(bo, 32), a3 = v128.load(bo, 48);
      for (let e = e0; e < e1; e++) {
        const s = v128.load32_splat(vals + (<usize>e << 2));
        const wp = wt + <usize>load<i32>(cols + (<usize>e << 2)) * outBytes + (<usize>o << 2);
        a0 = madd(a0, s, v128.load(wp)); a1 = madd(a1, s, v128.load(wp, 16));
        a2 = madd(a2, s, v128.load(wp, 32)); a3 = madd(a3, s, v128.load(wp, 48));
      }
      const yo = yr + (<usize>o << 2);
      v128.store(yo, activate(a0, floor)); v128.store(yo, activate(a1, floor), 16);
      v128.store(yo, activate(a2, floor), 32); v128.store(yo, activate(a3, floor), 48);
    }
    for (; o + 4 <= nOut; o += 4) {
      let a0 = v128.load(b + (<usize>o << 2));
      for (let e = e0; e < e1; e++) {
        const wp = wt + <usize>load<i32>(cols + (<usize>e << 2)) * outBytes + (<usize>o << 2);
        a0 = madd(a0, v128.load32_splat(vals + (<usize>e << 2)), v128.load(wp));
      }
      v128.store(yr + (<usize>o << 2), activate(a0, floor));
    }
    for (; o < nOut; o++) {
      let s = load<f32>(b + (<usize>o << 2));
      for (let e = e0; e < e1; e++) {
        s += load<f32>(vals + (<usize>e << 2)) * load<f32>(wt + <usize>load<i32>(cols + (<usize>e << 2)) * outBytes + (<usize>o << 2));
      }
      store<f32>(yr + (<usize>o << 2), f32x4.extract_lane(activate(f32x4.splat(s), floor), 0));
    }
  }
  if (batch & 1) {
    const r = pairs;
    const e0 = load<i32>(starts + (<usize>r << 2)), e1 = load<i32>(starts + (<usize>(r + 1) << 2));
    const yr = y + <usize>r * outBytes;
    const inBytes = <usize>nIn << 2;
    const lanes = i32x4(0, 1, 2, 3);
    for (let o = 0; o < nOut; o++) {
      // Lane c & 3 gets each product, the others +0 (which changes no sum).
      let a = f32x4.splat(0);
      const wo = w + <usize>o * inBytes;
      for (let e = e0; e < e1; e++) {
        const c = load<i32>(cols + (<usize>e << 2));
        const p = load<f32>(vals + (<usize>e << 2)) * load<f32>(wo + (<usize>c << 2));
        a = f32x4.add(a, v128.and(f32x4.splat(p), i32x4.eq(lanes, i32x4.splat(c & 3))));
      }
      const s = hsum(a) + load<f32>(b + (<usize>o << 2));
      store<f32>(yr + (<usize>o << 2), f32x4.extract_lane(activate(f32x4.splat(s), floor), 0));
    }
  }
}

/**
 * denseGradWeights on compressed rows of x, to its bits: dW[o][i] = the sum over rows in order of
 * dY[r][o] x[r][i], accumulated as W^T in `scratch` (nIn x nOut floats; a row of it per input, so
 * each entry adds one vectorised row) and transposed into dw; db as there.
 */
export function sparseGradWeights(cols: usize, vals: usize, starts: usize, dy: usize, dw: usize, db: usize, scratch: usize, batch: i32, nIn: i32, nOut: i32): void {
  const outBytes = <usize>nOut << 2;
  const end = <usize>(nOut & ~3) << 2;
  memory.fill(scratch, 0, <usize>nIn * outBytes);
  for (let r = 0; r < batch; r++) {
    const g = dy + <usize>r * outBytes;
    const e0 = load<i32>(starts + (<usize>r << 2)), e1 = load<i32>(starts + (<usize>(r + 1) << 2));
    for (let e = e0; e < e1; e++) {
      const xv = load<f32>(vals + (<usize>e << 2));
      const s = f32x4.splat(xv);
      const t = scratch + <usize>load<i32>(cols + (<usize>e << 2)) * outBytes;
      let c: usize = 0;
      for (; c < end; c += 16) v128.store(t + c, madd(v128.load(t + c), v128.load(g + c), s));
      for (; c < outBytes; c += 4) store<f32>(t + c, load<f32>(t + c) + load<f32>(g + c) * xv);
    }
  }
  transpose(scratch, dw, nOut, nIn);
  columnSums(dy, db, batch, nOut);
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
// Row reductions over Q values: the DQN target's max and the greedy action.

/** out[r] = max_a q[r][a]; NaN if the row holds a NaN (f32x4.max propagates it). */
export function rowMax(q: usize, out: usize, batch: i32, actions: i32): void {
  const rowBytes = <usize>actions << 2;
  const end = <usize>(actions & ~3) << 2;
  for (let r = 0; r < batch; r++) {
    const row = q + <usize>r * rowBytes;
    let m = f32x4.splat(-Infinity);
    let k: usize = 0;
    for (; k < end; k += 16) m = f32x4.max(m, v128.load(row + k));
    m = f32x4.max(m, f32x4.shuffle(m, m, 2, 3, 0, 1));
    m = f32x4.max(m, f32x4.shuffle(m, m, 1, 0, 3, 2));
    let s = f32x4.extract_lane(m, 0);
    for (; k < rowBytes; k += 4) s = max<f32>(s, load<f32>(row + k));
    store<f32>(out + (<usize>r << 2), s);
  }
}

/**
 * out[r] = the lowest index of the largest value of row r, NaNs ignored (0 if the row has no
 * number above -infinity). Four lanes track their own best value and index; the lanes are merged
 * at the end, lowest index first among equal values.
 */
export function rowArgmax(q: usize, out: usize, batch: i32, actions: i32): void {
  const rowBytes = <usize>actions << 2;
  const end = <usize>(actions & ~3) << 2;
  const step = i32x4.splat(4);
  for (let r = 0; r < batch; r++) {
    const row = q + <usize>r * rowBytes;
    let best = f32x4.splat(-Infinity);
    let bestIdx = i32x4.splat(-1);
    let idx = i32x4(0, 1, 2, 3);
    let k: usize = 0;
    for (; k < end; k += 16) {
      const v = v128.load(row + k);
      const better = f32x4.gt(v, best); // false for NaN
      best = v128.bitselect(v, best, better);
      bestIdx = v128.bitselect(idx, bestIdx, better);
      idx = i32x4.add(idx, step);
    }
    // Merge the lanes: a lane with an index (it saw a value above -infinity) wins over the best
    // so far with a larger value, or with an equal value and a lower index.
    let bv: f32 = -Infinity;
    let bi: i32 = -1;
    let v: f32 = f32x4.extract_lane(best, 0);
    let i: i32 = i32x4.extract_lane(bestIdx, 0);
    if (i >= 0) { bv = v; bi = i; }
    v = f32x4.extract_lane(best, 1); i = i32x4.extract_lane(bestIdx, 1);
    if (i >= 0 && (v > bv || (v == bv && i < bi))) { bv = v; bi = i; }
    v = f32x4.extract_lane(best, 2); i = i32x4.extract_lane(bestIdx, 2);
    if (i >= 0 && (v > bv || (v == bv && i < bi))) { bv = v; bi = i; }
    v = f32x4.extract_lane(best, 3); i = i32x4.extract_lane(bestIdx, 3);
    if (i >= 0 && (v > bv || (v == bv && i < bi))) { bv = v; bi = i; }
    // The remaining values come after every vector lane's, so only a larger value wins.
    for (; k < rowBytes; k += 4) {
      const t = load<f32>(row + k);
      if (t > bv) {
        bv = t;
        bi = <i32>(k >> 2);
      }
    }
    store<i32>(out + (<usize>r << 2), bi < 0 ? 0 : bi);
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

// ---------------------------------------------------------------------------------------------
// Scoring every action of a feature-based Q-function (src/core/qfunction/feature-qfunction.ts).

/**
 * y = x M + c, with c added to each row: x [batch][nIn] (rows ldx floats apart), M [nIn][nOut]
 * (row-major, so the layout denseForward reads as W^T), c [nOut], y [batch][nOut] (rows ldy floats
 * apart; only columns 0 .. nOut-1 of each are written). The feature head scores every action of
 * every row with it: x = [phi(s) | P^T phi(s) | V(s)] and M = [E ; X^T ; 1] over the actions,
 * c = b; and it computes the P^T phi(s) part of x itself with it, in place (x = phi, M = P).
 */
export function matmulAddRow(x: usize, ldx: i32, m: usize, c: usize, y: usize, ldy: i32, batch: i32, nIn: i32, nOut: i32): void {
  matmulRows(x, ldx, m, c, y, ldy, batch, nIn, nOut, f32x4.splat(-Infinity));
}

/**
 * matmulAddRow for the available columns only: y[r][o] = c[o] + x[r] . M[.][o] where mask[r][o]
 * (bytes, rows nOut apart) is not 0, and -inf where it is. Each value is the same sum in the same
 * order as matmulAddRow's (c first, then the inputs one by one, in float32), so the two agree bit
 * for bit; this one costs what the available columns cost, not the catalogue: a platform has a
 * few dozen streams live out of hundreds of streamers. Four available columns at a time, their
 * entries of each row of M gathered into one vector (then the last ones alone); `cols` is scratch
 * for nOut int32 (a row's available columns).
 */
export function matmulAddRowMasked(x: usize, ldx: i32, m: usize, c: usize, y: usize, ldy: i32, batch: i32, nIn: i32, nOut: i32, mask: usize, cols: usize): void {
  const xBytes = <usize>ldx << 2;
  const rowEnd = <usize>nIn << 2;
  const outBytes = <usize>nOut << 2;
  const yBytes = <usize>ldy << 2;
  const none = f32x4.splat(-Infinity);
  for (let r = 0; r < batch; r++) {
    const mr = mask + <usize>r * <usize>nOut;
    const yr = y + <usize>r * yBytes;
    // The row's available columns; -inf everywhere else (four at a time, then the rest).
    let n = 0;
    let o = 0;
    for (; o + 4 <= nOut; o += 4) v128.store(yr + (<usize>o << 2), none);
    for (; o < nOut; o++) store<f32>(yr + (<usize>o << 2), -Infinity);
    for (o = 0; o < nOut; o++) {
      if (load<u8>(mr + <usize>o) != 0) {
        store<i32>(cols + (<usize>n << 2), o);
        n++;
      }
    }
    const x0 = x + <usize>r * xBytes;
    const xEnd = x0 + rowEnd;
    let j = 0;
    for (; j + 4 <= n; j += 4) {
      const cj = cols + (<usize>j << 2);
      const o0 = <usize>load<i32>(cj) << 2, o1 = <usize>load<i32>(cj, 4) << 2;
      const o2 = <usize>load<i32>(cj, 8) << 2, o3 = <usize>load<i32>(cj, 12) << 2;
      let acc = v128.load32_zero(c + o0);
      acc = v128.load32_lane(c + o1, acc, 1);
      acc = v128.load32_lane(c + o2, acc, 2);
      acc = v128.load32_lane(c + o3, acc, 3);
      let w0 = m + o0, w1 = m + o1, w2 = m + o2, w3 = m + o3;
      for (let xp = x0; xp < xEnd; xp += 4) {
        let v = v128.load32_zero(w0);
        v = v128.load32_lane(w1, v, 1);
        v = v128.load32_lane(w2, v, 2);
        v = v128.load32_lane(w3, v, 3);
        acc = madd(acc, v128.load32_splat(xp), v);
        w0 += outBytes; w1 += outBytes; w2 += outBytes; w3 += outBytes;
      }
      store<f32>(yr + o0, f32x4.extract_lane(acc, 0));
      store<f32>(yr + o1, f32x4.extract_lane(acc, 1));
      store<f32>(yr + o2, f32x4.extract_lane(acc, 2));
      store<f32>(yr + o3, f32x4.extract_lane(acc, 3));
    }
    for (; j < n; j++) {
      const oj = <usize>load<i32>(cols + (<usize>j << 2)) << 2;
      let s = load<f32>(c + oj);
      let wp = m + oj;
      for (let xp = x0; xp < xEnd; xp += 4) {
        s += load<f32>(xp) * load<f32>(wp);
        wp += outBytes;
      }
      store<f32>(yr + oj, s);
    }
  }
}

/**
 * y = act(x M + c) row by row, act = pmax(., floor) (ReLU with floor 0, the identity with floor
 * -inf): the outer-product form denseForward and matmulAddRow share. Sixteen columns times two rows
 * at a time (eight accumulators started at c, each step loads four vectors of a row of M and splats
 * one input of each row; no horizontal sums), then four columns, then one; the last row of an odd
 * batch in the same form (one row, four accumulators). x rows ldx floats apart, y rows ldy.
 */
function matmulRows(x: usize, ldx: i32, m: usize, c: usize, y: usize, ldy: i32, batch: i32, nIn: i32, nOut: i32, floor: v128): void {
  const xBytes = <usize>ldx << 2;
  const rowEnd = <usize>nIn << 2;
  const outBytes = <usize>nOut << 2;
  const yBytes = <usize>ldy << 2;
  const pairs = batch & ~1;
  let o = 0;
  for (; o + 16 <= nOut; o += 16) {
    const co = c + (<usize>o << 2);
    const b0 = v128.load(co), b1 = v128.load(co, 16), b2 = v128.load(co, 32), b3 = v128.load(co, 48);
    const col = m + (<usize>o << 2);
    let r = 0;
    for (; r < pairs; r += 2) {
      const x0 = x + <usize>r * xBytes;
      let a0 = b0, a1 = b1, a2 = b2, a3 = b3;
      let c0 = b0, c1 = b1, c2 = b2, c3 = b3;
      let wp = col;
      const xEnd = x0 + rowEnd;
      for (let xp = x0; xp < xEnd; xp += 4) {
        const s0 = v128.load32_splat(xp), s1 = v128.load32_splat(xp + xBytes);
        const v0 = v128.load(wp), v1 = v128.load(wp, 16), v2 = v128.load(wp, 32), v3 = v128.load(wp, 48);
        a0 = madd(a0, s0, v0); a1 = madd(a1, s0, v1); a2 = madd(a2, s0, v2); a3 = madd(a3, s0, v3);
        c0 = madd(c0, s1, v0); c1 = madd(c1, s1, v1); c2 = madd(c2, s1, v2); c3 = madd(c3, s1, v3);
        wp += outBytes;
      }
      const y0 = y + <usize>r * yBytes + (<usize>o << 2);
      const y1 = y0 + yBytes;
      v128.store(y0, activate(a0, floor)); v128.store(y0, activate(a1, floor), 16); v128.store(y0, activate(a2, floor), 32); v128.store(y0, activate(a3, floor), 48);
      v128.store(y1, activate(c0, floor)); v128.store(y1, activate(c1, floor), 16); v128.store(y1, activate(c2, floor), 32); v128.store(y1, activate(c3, floor), 48);
    }
    if (r < batch) {
      const x0 = x + <usize>r * xBytes;
      let a0 = b0, a1 = b1, a2 = b2, a3 = b3;
      let wp = col;
      const xEnd = x0 + rowEnd;
      for (let xp = x0; xp < xEnd; xp += 4) {
        const s0 = v128.load32_splat(xp);
        a0 = madd(a0, s0, v128.load(wp)); a1 = madd(a1, s0, v128.load(wp, 16));
        a2 = madd(a2, s0, v128.load(wp, 32)); a3 = madd(a3, s0, v128.load(wp, 48));
        wp += outBytes;
      }
      const y0 = y + <usize>r * yBytes + (<usize>o << 2);
      v128.store(y0, activate(a0, floor)); v128.store(y0, activate(a1, floor), 16); v128.store(y0, activate(a2, floor), 32); v128.store(y0, activate(a3, floor), 48);
    }
  }
  // Remaining columns four at a time (rows in pairs, then the odd one), then one at a time.
  for (; o + 4 <= nOut; o += 4) {
    const bias = v128.load(c + (<usize>o << 2));
    const col = m + (<usize>o << 2);
    let r = 0;
    for (; r < pairs; r += 2) {
      const x0 = x + <usize>r * xBytes;
      let a0 = bias, c0 = bias;
      let wp = col;
      const xEnd = x0 + rowEnd;
      for (let xp = x0; xp < xEnd; xp += 4) {
        const v0 = v128.load(wp);
        a0 = madd(a0, v128.load32_splat(xp), v0);
        c0 = madd(c0, v128.load32_splat(xp + xBytes), v0);
        wp += outBytes;
      }
      const y0 = y + <usize>r * yBytes + (<usize>o << 2);
      v128.store(y0, activate(a0, floor));
      v128.store(y0 + yBytes, activate(c0, floor));
    }
    if (r < batch) {
      const x0 = x + <usize>r * xBytes;
      let a0 = bias;
      let wp = col;
      const xEnd = x0 + rowEnd;
      for (let xp = x0; xp < xEnd; xp += 4) {
        a0 = madd(a0, v128.load32_splat(xp), v128.load(wp));
        wp += outBytes;
      }
      v128.store(y + <usize>r * yBytes + (<usize>o << 2), activate(a0, floor));
    }
  }
  for (; o < nOut; o++) {
    const co = load<f32>(c + (<usize>o << 2));
    for (let r = 0; r < batch; r++) {
      const x0 = x + <usize>r * xBytes;
      let s = co;
      let wp = m + (<usize>o << 2);
      for (let i = 0; i < nIn; i++) {
        s += load<f32>(x0 + (<usize>i << 2)) * load<f32>(wp);
        wp += outBytes;
      }
      store<f32>(y + <usize>r * yBytes + (<usize>o << 2), f32x4.extract_lane(activate(f32x4.splat(s), floor), 0));
    }
  }
}

/**
 * dst += tau (src - dst) over n floats, each step in float64 and rounded once to float32: bit for
 * bit what the TypeScript loop `dst[i] += tau * (src[i] - dst[i])` computes (which lerp, in float32
 * and as (1 - tau) dst + tau src, does not). The feature head's Polyak average uses it.
 */
export function lerpExact(dst: usize, src: usize, n: i32, tau: f64): void {
  const end = <usize>(n & ~3) << 2;
  const t = f64x2.splat(tau);
  let k: usize = 0;
  for (; k < end; k += 16) {
    const d = v128.load(dst + k), s = v128.load(src + k);
    const dHi = f32x4.shuffle(d, d, 2, 3, 0, 1), sHi = f32x4.shuffle(s, s, 2, 3, 0, 1);
    const dl = f64x2.promote_low_f32x4(d), dh = f64x2.promote_low_f32x4(dHi);
    const lo = f64x2.add(dl, f64x2.mul(t, f64x2.sub(f64x2.promote_low_f32x4(s), dl)));
    const hi = f64x2.add(dh, f64x2.mul(t, f64x2.sub(f64x2.promote_low_f32x4(sHi), dh)));
    v128.store(dst + k, f32x4.shuffle(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5));
  }
  const all = <usize>n << 2;
  for (; k < all; k += 4) {
    const d = <f64>load<f32>(dst + k);
    store<f32>(dst + k, <f32>(d + tau * (<f64>load<f32>(src + k) - d)));
  }
}

/**
 * x[r][0 .. d) += the mean of the rows table[idx[r][j]] (d floats each) over the entries j < K of
 * row r of idx (int32) that are >= 0; nothing for a row without one. x rows are ldx floats apart.
 * The feature head adds the mean history embedding of each user's sketched streamers with it.
 */
export function addRowMeans(x: usize, ldx: i32, table: usize, idx: usize, batch: i32, K: i32, d: i32): void {
  const xBytes = <usize>ldx << 2;
  const dBytes = <usize>d << 2;
  const end = <usize>(d & ~3) << 2;
  for (let r = 0; r < batch; r++) {
    const ir = idx + <usize>(r * K) * 4;
    let n = 0;
    for (let j = 0; j < K; j++) if (load<i32>(ir + (<usize>j << 2)) >= 0) n++;
    if (n == 0) continue;
    const w: f32 = <f32>1 / <f32>n;
    const wv = f32x4.splat(w);
    const xr = x + <usize>r * xBytes;
    let c: usize = 0;
    for (; c < end; c += 16) {
      let acc = f32x4.splat(0);
      for (let j = 0; j < K; j++) {
        const h = load<i32>(ir + (<usize>j << 2));
        if (h >= 0) acc = f32x4.add(acc, v128.load(table + <usize>h * dBytes + c));
      }
      v128.store(xr + c, madd(v128.load(xr + c), wv, acc));
    }
    for (; c < dBytes; c += 4) {
      let s: f32 = 0;
      for (let j = 0; j < K; j++) {
        const h = load<i32>(ir + (<usize>j << 2));
        if (h >= 0) s += load<f32>(table + <usize>h * dBytes + c);
      }
      store<f32>(xr + c, load<f32>(xr + c) + w * s);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The feature head's training pass (src/core/qfunction/feature-head-kernels.ts): Q(s, a) of the
// chosen actions, its gradient, and the head's Adam step. These replace TypeScript loops bit for
// bit: where TypeScript computes in float64 and rounds when it stores into a Float32Array, these
// compute in float64 and round at the same stores, and every sum runs in the same order. So only
// loops over independent elements are vectorised (two doubles to a vector, four floats loaded,
// promoted, combined and demoted); sums over an index stay sequential.

/** The four floats at p as two f64x2 (lanes 0-1, then 2-3). */
@inline
function lowPair(v: v128): v128 {
  return f64x2.promote_low_f32x4(v);
}
@inline
function highPair(v: v128): v128 {
  return f64x2.promote_low_f32x4(f32x4.shuffle(v, v, 2, 3, 0, 1));
}
/** Four floats from two f64x2, each rounded once. */
@inline
function demotePairs(lo: v128, hi: v128): v128 {
  return f32x4.shuffle(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5);
}

/** dst[c] = f32(dst[c] + w src[c]) for c < d, in float64 (w = 1 for a plain sum). */
function addScaledExact(dst: usize, src: usize, w: f64, d: i32): void {
  const end = <usize>(d & ~3) << 2;
  const wv = f64x2.splat(w);
  let c: usize = 0;
  for (; c < end; c += 16) {
    const a = v128.load(dst + c), b = v128.load(src + c);
    const lo = f64x2.add(lowPair(a), f64x2.mul(wv, lowPair(b)));
    const hi = f64x2.add(highPair(a), f64x2.mul(wv, highPair(b)));
    v128.store(dst + c, demotePairs(lo, hi));
  }
  const all = <usize>d << 2;
  for (; c < all; c += 4) store<f32>(dst + c, <f32>(<f64>load<f32>(dst + c) + w * <f64>load<f32>(src + c)));
}

/** dst[c] = f32(dst[c] + (g src[c]) / n) for c < d, in float64. */
function addScaledDividedExact(dst: usize, src: usize, g: f64, n: f64, d: i32): void {
  const end = <usize>(d & ~3) << 2;
  const gv = f64x2.splat(g), nv = f64x2.splat(n);
  let c: usize = 0;
  for (; c < end; c += 16) {
    const a = v128.load(dst + c), b = v128.load(src + c);
    const lo = f64x2.add(lowPair(a), f64x2.div(f64x2.mul(gv, lowPair(b)), nv));
    const hi = f64x2.add(highPair(a), f64x2.div(f64x2.mul(gv, highPair(b)), nv));
    v128.store(dst + c, demotePairs(lo, hi));
  }
  const all = <usize>d << 2;
  for (; c < all; c += 4) store<f32>(dst + c, <f32>(<f64>load<f32>(dst + c) + (g * <f64>load<f32>(src + c)) / n));
}

/** dst[c] = f32(g src[c]) for c < n, in float64. */
function scaleExact(dst: usize, src: usize, g: f64, n: i32): void {
  const end = <usize>(n & ~3) << 2;
  const gv = f64x2.splat(g);
  let c: usize = 0;
  for (; c < end; c += 16) {
    const b = v128.load(src + c);
    v128.store(dst + c, demotePairs(f64x2.mul(gv, lowPair(b)), f64x2.mul(gv, highPair(b))));
  }
  const all = <usize>n << 2;
  for (; c < all; c += 4) store<f32>(dst + c, <f32>(g * <f64>load<f32>(src + c)));
}

/**
 * The prior of actions never trained on: priorE[k] = the mean over the actions whose b_a is not 0
 * of E[a][k] (summed in float32, in order of a, then divided), and the mean of their b_a (in
 * float64), which it returns; 0 and zeros when none is trained. FeatureQFunction's prior() bit for bit.
 */
export function headPrior(head: usize, A: i32, d: i32, bOff: i32, priorE: usize): f64 {
  const dBytes = <usize>d << 2;
  const end = <usize>(d & ~3) << 2;
  memory.fill(priorE, 0, dBytes);
  let n = 0;
  let b: f64 = 0;
  for (let a = 0; a < A; a++) {
    const ba = load<f32>(head + (<usize>(bOff + a) << 2));
    if (ba == 0) continue;
    n++;
    b += <f64>ba;
    const e = head + <usize>a * dBytes;
    let c: usize = 0;
    for (; c < end; c += 16) v128.store(priorE + c, f32x4.add(v128.load(priorE + c), v128.load(e + c)));
    for (; c < dBytes; c += 4) store<f32>(priorE + c, load<f32>(priorE + c) + load<f32>(e + c));
  }
  if (n == 0) return 0;
  const nv = f32x4.splat(<f32>n);
  let c: usize = 0;
  for (; c < end; c += 16) v128.store(priorE + c, f32x4.div(v128.load(priorE + c), nv));
  for (; c < dBytes; c += 4) store<f32>(priorE + c, load<f32>(priorE + c) / <f32>n);
  return b / <f64>n;
}

/**
 * Q(s, a) of each row's chosen action, and what its gradient needs, as FeatureQFunction's
 * TypeScript forwardChosen computes them (see there for the formula). In: obs rows (S floats: U user
 * features, f action features, K sketch entries of 1 + m, then, with a pair table, the r values
 * the kernels leave to TypeScript, then the user index with userIds > 0 or a pair table),
 * `phi` rows (O floats: V, the trunk's phi (d), phi_g (m)), actions (int32), the head (E | b | P |
 * F | G at the given float offsets), the prior (priorE, d floats, and priorB). Out: phi rows with
 * the history and user parts added, psi (batch x d), the pair features of the chosen action
 * (batch x m, 0 when not sketched), the action features (batch x f), the sketched streamers
 * (batch x K int32, -1 after the last), the user indices (int32, -1: none) and Q (batch floats).
 * `drop` (int32 per row, or 0 for none): a row marked there scores its action with the prior, as
 * one never trained on (FeatureQOptions: action dropout).
 */
export function featureChosenForward(
  obs: usize, S: i32, U: i32, f: i32, m: i32, K: i32,
  phi: usize, O: i32, actions: usize, batch: i32,
  head: usize, A: i32, d: i32, bOff: i32, pOff: i32, fOff: i32, gOff: i32,
  own: i32, history: i32, userIds: i32, priorE: usize, priorB: f64,
  psi: usize, pair: usize, x: usize, slots: usize, users: usize, q: usize, drop: usize,
): void {
  const dBytes = <usize>d << 2;
  for (let r = 0; r < batch; r++) {
    const a = load<i32>(actions + (<usize>r << 2));
    const dropped = drop != 0 && load<i32>(drop + (<usize>r << 2)) != 0;
    const fresh = own != 0 && (dropped || load<f32>(head + (<usize>(bOff + a) << 2)) == 0);
    const row = obs + <usize>(r * S) * 4;
    const o = phi + <usize>(r * O) * 4;
    const sketch = row + <usize>(U + f) * 4;
    if (history != 0) {
      const sr = slots + <usize>(r * K) * 4;
      let n = 0;
      for (let k = 0; k < K; k++) {
        const h = load<f32>(sketch + <usize>(k * (1 + m)) * 4);
        if (h >= 0 && h < <f32>A) {
          store<i32>(sr + (<usize>n << 2), <i32>h);
          n++;
        }
      }
      for (let k = n; k < K; k++) store<i32>(sr + (<usize>k << 2), -1);
      if (n > 0) {
        const w: f64 = 1.0 / <f64>n;
        for (let k = 0; k < n; k++) addScaledExact(o + 4, head + (<usize>fOff << 2) + <usize>load<i32>(sr + (<usize>k << 2)) * dBytes, w, d);
      }
    }
    if (userIds > 0) {
      const u = load<f32>(row + <usize>(S - 1) * 4);
      if (u >= 0 && u < <f32>userIds) {
        store<i32>(users + (<usize>r << 2), <i32>u);
        addScaledExact(o + 4, head + (<usize>gOff << 2) + <usize>(<i32>u) * dBytes, 1.0, d);
      } else {
        store<i32>(users + (<usize>r << 2), -1);
      }
    }
    const xf = row + (<usize>U << 2);
    memory.copy(x + <usize>(r * f) * 4, xf, <usize>f << 2);
    // psi(a) = e_a (or the prior) + P x_a, and <phi, psi> on top of V + b_a (or the prior's b).
    let s: f64 = <f64>load<f32>(o) + (fresh ? priorB : <f64>load<f32>(head + (<usize>(bOff + a) << 2)));
    const e = fresh ? priorE : head + <usize>a * dBytes;
    const pr = psi + <usize>r * dBytes;
    for (let k = 0; k < d; k++) {
      let p: f64 = <f64>load<f32>(e + (<usize>k << 2));
      const pk = head + (<usize>(pOff + k * f) << 2);
      for (let j = 0; j < f; j++) p += <f64>load<f32>(pk + (<usize>j << 2)) * <f64>load<f32>(xf + (<usize>j << 2));
      store<f32>(pr + (<usize>k << 2), <f32>p);
      s += <f64>load<f32>(o + (<usize>(1 + k) << 2)) * p;
    }
    // g(s, a) from the sketch (the first entry for a), zero when a is not in it.
    const gr = pair + <usize>(r * m) * 4;
    memory.fill(gr, 0, <usize>m << 2);
    for (let k = 0; k < K; k++) {
      const en = sketch + <usize>(k * (1 + m)) * 4;
      if (<f64>load<f32>(en) != <f64>a) continue;
      for (let j = 0; j < m; j++) {
        const gj = load<f32>(en + (<usize>(1 + j) << 2));
        store<f32>(gr + (<usize>j << 2), gj);
        s += <f64>load<f32>(o + (<usize>(1 + d + j) << 2)) * <f64>gj;
      }
      break;
    }
    store<f32>(q + (<usize>r << 2), <f32>s);
  }
}

/**
 * The gradient of the loss through featureChosenForward, as FeatureQFunction's TypeScript
 * backwardChosen computes it: dOut rows (O floats: dV, dphi, dphi_g, for the trunk's backward) and
 * the head's gradient hg (added to: the caller zeroes what it must), from the loss's gradient per
 * row (grad) and what the forward pass left (phi, psi, pair, x, slots, users). A row marked in
 * `drop` (as in the forward pass) leaves its action's own e_a, b_a alone.
 */
export function featureChosenBackward(
  grad: usize, actions: usize, batch: i32,
  phi: usize, O: i32, psi: usize, pair: usize, x: usize, slots: usize, users: usize, dOut: usize,
  hg: usize, d: i32, m: i32, f: i32, K: i32, bOff: i32, pOff: i32, fOff: i32, gOff: i32,
  own: i32, history: i32, userIds: i32, drop: usize,
): void {
  const dBytes = <usize>d << 2;
  for (let r = 0; r < batch; r++) {
    const g: f64 = <f64>load<f32>(grad + (<usize>r << 2));
    const a = load<i32>(actions + (<usize>r << 2));
    const o = phi + <usize>(r * O) * 4, dr = dOut + <usize>(r * O) * 4;
    const pr = psi + <usize>r * dBytes;
    store<f32>(dr, <f32>g);
    scaleExact(dr + 4, pr, g, d);
    scaleExact(dr + 4 + dBytes, pair + <usize>(r * m) * 4, g, m);
    if (own != 0 && (drop == 0 || load<i32>(drop + (<usize>r << 2)) == 0)) {
      const bp = hg + (<usize>(bOff + a) << 2);
      store<f32>(bp, <f32>(<f64>load<f32>(bp) + g));
      // dQ/de_a = phi(s): e_a += g phi, each value as g phi[k] added in float64.
      addScaledExact(hg + <usize>a * dBytes, o + 4, g, d);
    }
    // dQ/dP = phi(s) x_a^T: row k of P gets (g phi[k]) x_a.
    const xr = x + <usize>(r * f) * 4;
    for (let k = 0; k < d; k++) {
      const gp: f64 = g * <f64>load<f32>(o + (<usize>(1 + k) << 2));
      addScaledExact(hg + (<usize>(pOff + k * f) << 2), xr, gp, f);
    }
    if (history != 0) {
      // dQ/dF_h = psi(a) / n for each of the n sketched streamers h.
      const sr = slots + <usize>(r * K) * 4;
      let n = 0;
      while (n < K && load<i32>(sr + (<usize>n << 2)) >= 0) n++;
      const nf: f64 = <f64>n;
      for (let k = 0; k < n; k++) {
        addScaledDividedExact(hg + (<usize>fOff << 2) + <usize>load<i32>(sr + (<usize>k << 2)) * dBytes, pr, g, nf, d);
      }
    }
    if (userIds > 0) {
      const u = load<i32>(users + (<usize>r << 2));
      if (u >= 0) addScaledExact(hg + (<usize>gOff << 2) + <usize>u * dBytes, pr, g, d);
    }
  }
}

/** Where embedding row `id` of the head starts (floats): E's rows 0 .. A-1, then F's and G's from fOff. */
@inline
function rowStart(id: i32, A: i32, d: i32, fOff: i32): i32 {
  return id < A ? id * d : fOff + (id - A) * d;
}

/**
 * The sum of squares of g over [from, to) and then over the d floats of each listed embedding row
 * (rows: int32 ids, see rowStart), in that order, one at a time in float64.
 */
export function headSquares(g: usize, from: i32, to: i32, rows: usize, count: i32, A: i32, d: i32, fOff: i32): f64 {
  let s: f64 = 0;
  for (let i = from; i < to; i++) {
    const x = <f64>load<f32>(g + (<usize>i << 2));
    s += x * x;
  }
  for (let r = 0; r < count; r++) {
    const at = rowStart(load<i32>(rows + (<usize>r << 2)), A, d, fOff);
    for (let i = at; i < at + d; i++) {
      const x = <f64>load<f32>(g + (<usize>i << 2));
      s += x * x;
    }
  }
  return s;
}

/** One Adam(W) step on p[from, to), each value as the TypeScript loop computes it (float64, rounded at each store). */
function adamExact(p: usize, g: usize, m: usize, v: usize, from: i32, to: i32, scale: f64, beta1: f64, c1: f64, beta2: f64, c2: f64, stepSize: f64, invSqrtBc2: f64, eps: f64, decay: f64): void {
  let i = from;
  const sc = f64x2.splat(scale), b1 = f64x2.splat(beta1), k1 = f64x2.splat(c1), b2 = f64x2.splat(beta2), k2 = f64x2.splat(c2);
  const st = f64x2.splat(stepSize), ib = f64x2.splat(invSqrtBc2), ep = f64x2.splat(eps), dc = f64x2.splat(decay);
  for (; i + 4 <= to; i += 4) {
    const at = <usize>i << 2;
    const gv = v128.load(g + at), mv = v128.load(m + at), vv = v128.load(v + at), pv = v128.load(p + at);
    const g0 = f64x2.mul(sc, lowPair(gv)), g1 = f64x2.mul(sc, highPair(gv));
    // m and v are rounded when stored, and the step reads them back: round them first.
    const m32 = demotePairs(f64x2.add(f64x2.mul(b1, lowPair(mv)), f64x2.mul(k1, g0)), f64x2.add(f64x2.mul(b1, highPair(mv)), f64x2.mul(k1, g1)));
    const v32 = demotePairs(
      f64x2.add(f64x2.mul(b2, lowPair(vv)), f64x2.mul(f64x2.mul(k2, g0), g0)),
      f64x2.add(f64x2.mul(b2, highPair(vv)), f64x2.mul(f64x2.mul(k2, g1), g1)),
    );
    v128.store(m + at, m32);
    v128.store(v + at, v32);
    const p0 = f64x2.sub(f64x2.mul(dc, lowPair(pv)), f64x2.div(f64x2.mul(st, lowPair(m32)), f64x2.add(f64x2.mul(f64x2.sqrt(lowPair(v32)), ib), ep)));
    const p1 = f64x2.sub(f64x2.mul(dc, highPair(pv)), f64x2.div(f64x2.mul(st, highPair(m32)), f64x2.add(f64x2.mul(f64x2.sqrt(highPair(v32)), ib), ep)));
    v128.store(p + at, demotePairs(p0, p1));
  }
  for (; i < to; i++) {
    const at = <usize>i << 2;
    const gi = scale * <f64>load<f32>(g + at);
    const mi = <f32>(beta1 * <f64>load<f32>(m + at) + c1 * gi);
    const vi = <f32>(beta2 * <f64>load<f32>(v + at) + c2 * gi * gi);
    store<f32>(m + at, mi);
    store<f32>(v + at, vi);
    store<f32>(p + at, <f32>(decay * <f64>load<f32>(p + at) - (stepSize * <f64>mi) / (Math.sqrt(<f64>vi) * invSqrtBc2 + eps)));
  }
}

/**
 * The head's Adam(W) step: dense on [from, to) (b and P), lazy on the listed embedding rows, which
 * step by rowStepSize and decay by rowDecay (the embedding tables' own learning rate).
 */
export function headAdam(
  p: usize, g: usize, m: usize, v: usize, from: i32, to: i32, rows: usize, count: i32, A: i32, d: i32, fOff: i32,
  scale: f64, beta1: f64, c1: f64, beta2: f64, c2: f64, stepSize: f64, invSqrtBc2: f64, eps: f64, decay: f64,
  rowStepSize: f64, rowDecay: f64,
): void {
  adamExact(p, g, m, v, from, to, scale, beta1, c1, beta2, c2, stepSize, invSqrtBc2, eps, decay);
  for (let r = 0; r < count; r++) {
    const at = rowStart(load<i32>(rows + (<usize>r << 2)), A, d, fOff);
    adamExact(p, g, m, v, at, at + d, scale, beta1, c1, beta2, c2, rowStepSize, invSqrtBc2, eps, rowDecay);
  }
}
