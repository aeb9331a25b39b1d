// BPR-MF's stochastic gradient steps in WebAssembly SIMD (AssemblyScript, compiled with --enable
// simd into a module of its own: src/policies/baselines/bpr-kernels.ts loads it).
//
// BprModel (src/policies/baselines/bpr-model.ts) spends nearly all of a BPR-MF run in these steps:
// a nightly retraining is tens of epochs over weeks of viewings. The TypeScript step computes in
// float64 (typed-array reads are doubles) and rounds once at each store to float32; this kernel
// does the same operations in the same order, so it gives the same bits: the score's sum runs
// factor by factor in float64, the updates (independent across factors) run two factors at a time
// in f64x2, and the logistic uses the host's Math.exp (imported: AssemblyScript's exp is another
// implementation and may differ from V8's in the last bit).

@external("env", "exp")
declare function hostExp(x: f64): f64;

/** First usable byte after the module's static data, for the arena. */
export function heapBase(): usize {
  return __heap_base;
}

/** Two floats at p as an f64x2. */
@inline
function loadPair(p: usize): v128 {
  return f64x2.promote_low_f32x4(v128.load64_zero(p));
}

/** An f64x2 stored at p as two floats, each rounded once. */
@inline
function storePair(p: usize, v: v128): void {
  v128.store64_lane(p, f32x4.demote_f64x2_zero(v), 0);
}

/**
 * SGD steps of BPR on the triples (u, i, j) = (us[t], is[t], js[t]) for t = 0 .. n-1 in order
 * (int32 arrays; a triple with j < 0 has no negative and is skipped). P is [users][k], Q
 * [streamers][k] and B [streamers], float32. Each step ascends log sigmoid(x) - reg (|p_u|^2 +
 * |q_i|^2 + |q_j|^2 + b_i^2 + b_j^2), x = b_i - b_j + p_u . (q_i - q_j), with i != j:
 *   g = 1 / (1 + exp(x)); p_u += lr (g (q_i - q_j) - reg p_u); q_i += lr (g p_u - reg q_i);
 *   q_j += lr (-g p_u - reg q_j); b_i += lr (g - reg b_i); b_j += lr (-g - reg b_j)
 * (the q updates read p_u from before its update).
 */
export function bprSteps(P: usize, Q: usize, B: usize, us: usize, is: usize, js: usize, n: i32, k: i32, lr: f64, reg: f64): void {
  const rowBytes = <usize>k << 2;
  const pairsEnd = <usize>(k & ~1) << 2;
  const lrv = f64x2.splat(lr), regv = f64x2.splat(reg);
  for (let t = 0; t < n; t++) {
    const at = <usize>t << 2;
    const j = load<i32>(js + at);
    if (j < 0) continue;
    const u = load<i32>(us + at), i = load<i32>(is + at);
    const pu = P + <usize>u * rowBytes, qi = Q + <usize>i * rowBytes, qj = Q + <usize>j * rowBytes;
    const bi = B + (<usize>i << 2), bj = B + (<usize>j << 2);
    // x, summed factor by factor (the products two at a time: they are independent).
    let x: f64 = <f64>load<f32>(bi) - <f64>load<f32>(bj);
    let c: usize = 0;
    for (; c < pairsEnd; c += 8) {
      const prod = f64x2.mul(loadPair(pu + c), f64x2.sub(loadPair(qi + c), loadPair(qj + c)));
      x += f64x2.extract_lane(prod, 0);
      x += f64x2.extract_lane(prod, 1);
    }
    for (; c < rowBytes; c += 4) x += <f64>load<f32>(pu + c) * (<f64>load<f32>(qi + c) - <f64>load<f32>(qj + c));
    const g = 1 / (1 + hostExp(x));
    const gv = f64x2.splat(g), ngv = f64x2.splat(-g);
    c = 0;
    for (; c < pairsEnd; c += 8) {
      const p = loadPair(pu + c), a = loadPair(qi + c), b = loadPair(qj + c);
      storePair(pu + c, f64x2.add(p, f64x2.mul(lrv, f64x2.sub(f64x2.mul(gv, f64x2.sub(a, b)), f64x2.mul(regv, p)))));
      storePair(qi + c, f64x2.add(a, f64x2.mul(lrv, f64x2.sub(f64x2.mul(gv, p), f64x2.mul(regv, a)))));
      storePair(qj + c, f64x2.add(b, f64x2.mul(lrv, f64x2.sub(f64x2.mul(ngv, p), f64x2.mul(regv, b)))));
    }
    for (; c < rowBytes; c += 4) {
      const p = <f64>load<f32>(pu + c), a = <f64>load<f32>(qi + c), b = <f64>load<f32>(qj + c);
      store<f32>(pu + c, <f32>(p + lr * (g * (a - b) - reg * p)));
      store<f32>(qi + c, <f32>(a + lr * (g * p - reg * a)));
      store<f32>(qj + c, <f32>(b + lr * (-g * p - reg * b)));
    }
    const oldI = <f64>load<f32>(bi);
    store<f32>(bi, <f32>(oldI + lr * (g - reg * oldI)));
    const oldJ = <f64>load<f32>(bj);
    store<f32>(bj, <f32>(oldJ + lr * (-g - reg * oldJ)));
  }
}
