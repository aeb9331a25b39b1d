// BPR-MF's training in WebAssembly SIMD (AssemblyScript, compiled with --enable simd into a module
// of its own: src/policies/baselines/bpr-kernels.ts loads it).
//
// BprModel (src/policies/baselines/bpr-model.ts) spends nearly all of a BPR-MF run training: a
// nightly retraining is tens of epochs over weeks of viewings, each epoch a shuffle, a negative
// drawn per viewing and an SGD step per viewing. All three run here, to the bits of the TypeScript:
// - the steps: the TypeScript step computes in float64 (typed-array reads are doubles) and rounds
//   once at each store to float32; the kernel does the same operations in the same order: the
//   score's sum factor by factor in float64, the updates (independent across factors) two factors
//   at a time in f64x2, and the logistic with the host's Math.exp (imported: AssemblyScript's exp
//   is another implementation and may differ from V8's in the last bit);
// - the draws: the same generator (xoshiro128**, src/core/random/rng.ts), its state handed over
//   and back, the same integer draws (floor(u32 / 2^32 * n) in float64), the same Fisher-Yates
//   shuffle and the same rejection sampling of negatives, in the same order.

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

// ---------------------------------------------------------------------------------------------
// The generator: xoshiro128** as src/core/random/rng.ts, state in these globals during a call.

let s0: u32 = 0, s1: u32 = 0, s2: u32 = 0, s3: u32 = 0;

@inline
function nextU32(): u32 {
  const result = rotl<u32>(s1 * 5, 7) * 9;
  const t = s1 << 9;
  s2 ^= s0;
  s3 ^= s1;
  s1 ^= s2;
  s0 ^= s3;
  s2 ^= t;
  s3 = rotl<u32>(s3, 11);
  return result;
}

/** Uniform integer in [0, n): Rng.int. */
@inline
function draw(n: i32): i32 {
  return <i32>Math.floor((<f64>nextU32() / 4294967296.0) * <f64>n);
}

/**
 * A negative for positive i (BprModel.negative): from live set `set` (its entries are
 * liveSets[liveSetStart[set] .. the next start, or nLive]) when it has another stream, else from the
 * nSeen streamers of seenList; -1 if there are fewer than two.
 */
@inline
function negative(i: i32, set: i32, liveSets: usize, nLive: i32, liveSetStart: usize, nSets: i32, seenList: usize, nSeen: i32): i32 {
  if (set >= 0) {
    const from = load<i32>(liveSetStart + (<usize>set << 2));
    const to = set + 1 < nSets ? load<i32>(liveSetStart + (<usize>(set + 1) << 2)) : nLive;
    if (to - from > 1) {
      let j: i32;
      do j = load<i32>(liveSets + (<usize>(from + draw(to - from)) << 2));
      while (j == i);
      return j;
    }
  }
  if (nSeen < 2) return -1;
  let j: i32;
  do j = load<i32>(seenList + (<usize>draw(nSeen) << 2));
  while (j == i);
  return j;
}

/**
 * `epochs` passes over the log (BprModel.train): `order` (n int32) is set to 0 .. n-1, then each
 * epoch shuffles it and takes one step per logged row r in that order, on (user[r], streamer[r],
 * a negative drawn for it), marking the positive and the negative in `known` (a byte per
 * streamer). rng: the generator's four u32 words, read at the start and written back at the end.
 * The triples of bprSteps are written to us/is/js (n each) as scratch.
 */
export function bprTrain(
  P: usize, Q: usize, B: usize, k: i32, lr: f64, reg: f64, epochs: i32,
  user: usize, streamer: usize, liveSetOf: usize, n: i32, order: usize,
  liveSets: usize, nLive: i32, liveSetStart: usize, nSets: i32, seenList: usize, nSeen: i32,
  known: usize, rng: usize, us: usize, is: usize, js: usize,
): void {
  s0 = load<u32>(rng);
  s1 = load<u32>(rng, 4);
  s2 = load<u32>(rng, 8);
  s3 = load<u32>(rng, 12);
  for (let r = 0; r < n; r++) store<i32>(order + (<usize>r << 2), r);
  for (let e = 0; e < epochs; e++) {
    // Fisher-Yates (Rng.shuffle).
    for (let i = n - 1; i > 0; i--) {
      const j = draw(i + 1);
      const a = order + (<usize>i << 2), b = order + (<usize>j << 2);
      const t = load<i32>(a);
      store<i32>(a, load<i32>(b));
      store<i32>(b, t);
    }
    // The negatives do not depend on the factors: drawn first, in the order the steps take them.
    for (let q = 0; q < n; q++) {
      const r = <usize>load<i32>(order + (<usize>q << 2)) << 2;
      const i = load<i32>(streamer + r);
      const j = negative(i, load<i32>(liveSetOf + r), liveSets, nLive, liveSetStart, nSets, seenList, nSeen);
      const at = <usize>q << 2;
      store<i32>(us + at, load<i32>(user + r));
      store<i32>(is + at, i);
      store<i32>(js + at, j);
      if (j < 0) continue;
      store<u8>(known + <usize>i, 1);
      store<u8>(known + <usize>j, 1);
    }
    bprSteps(P, Q, B, us, is, js, n, k, lr, reg);
  }
  store<u32>(rng, s0);
  store<u32>(rng, s1, 4);
  store<u32>(rng, s2, 8);
  store<u32>(rng, s3, 12);
}
