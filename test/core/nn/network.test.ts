/**
 * The Q-network API on both backends: seeded initialisation, the dueling head, argument checks,
 * growing the batch beyond capacity, target copies and Polyak averaging.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { createQNetwork } from "../../../src/core/nn/create-network.js";
import { Adam } from "../../../src/core/nn/adam.js";
import { argmaxRows, maxRows } from "../../../src/core/nn/rows.js";
import { paramCountOf } from "../../../src/core/nn/spec.js";
import type { BackendKind, QNetworkSpec } from "../../../src/core/nn/types.js";
import { Rng } from "../../../src/core/random/rng.js";
import { forward64, layerDims, maxRelErr, randomArray } from "./helpers.js";

const SPEC: QNetworkSpec = { inputSize: 6, hidden: [10, 7], actions: 5, head: "linear" };
const BACKENDS: BackendKind[] = ["reference", "wasm"];

for (const backend of BACKENDS) {
  test(`${backend}: seeded initialisation is deterministic and PyTorch-like`, () => {
    const a = createQNetwork(SPEC, { backend, rng: new Rng(7) });
    const b = createQNetwork(SPEC, { backend, rng: new Rng(7) });
    const c = createQNetwork(SPEC, { backend, rng: new Rng(8) });
    assert.equal(a.paramCount, paramCountOf(SPEC));
    assert.equal(a.paramCount, 6 * 10 + 10 + 10 * 7 + 7 + 7 * 5 + 5);
    assert.deepEqual(a.params(), b.params());
    assert.notDeepEqual(a.params(), c.params());
    // Every weight and bias of a layer lies within +-1/sqrt(fan_in), and uses that range.
    const p = a.params();
    let at = 0;
    for (const [nIn, nOut] of layerDims(SPEC)) {
      const bound = 1 / Math.sqrt(nIn);
      const block = p.subarray(at, at + nIn * nOut + nOut);
      at += nIn * nOut + nOut;
      const maxAbs = block.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      assert.ok(maxAbs <= bound && maxAbs > 0.7 * bound, `layer with fan-in ${nIn}: max |w| ${maxAbs} vs bound ${bound}`);
    }
  });

  test(`${backend}: dueling head computes V + A - mean(A)`, () => {
    const spec: QNetworkSpec = { inputSize: 4, hidden: [], actions: 3, head: "dueling" };
    const net = createQNetwork(spec, { backend, rng: new Rng(1) });
    // Head rows: 0 = V, 1..3 = A. Set them by hand: V = x0, A_a = (a + 1) * x1, biases 0.5, 0, 1, 2.
    const p = net.params();
    p.fill(0);
    p[0] = 1; // V <- x0
    p[4 + 1] = 1; // A0 <- x1
    p[8 + 1] = 2; // A1 <- 2 x1
    p[12 + 1] = 3; // A2 <- 3 x1
    p.set([0.5, 0, 1, 2], 16);
    const q = net.forward(new Float32Array([2, 1, 0, 0]), 1);
    // V = 2.5, A = [1, 3, 5], mean 3 -> Q = [0.5, 2.5, 4.5]
    assert.deepEqual(Array.from(q), [0.5, 2.5, 4.5]);
    // And on random parameters, against the float64 definition.
    const big: QNetworkSpec = { inputSize: 7, hidden: [9], actions: 6, head: "dueling" };
    const net2 = createQNetwork(big, { backend, rng: new Rng(2) });
    const x = randomArray(new Rng(3), 5 * 7);
    const q2 = net2.forward(x, 5);
    assert.ok(maxRelErr(q2, forward64(big, net2.params(), x, 5)) <= 1e-6);
    // Adding a constant to every advantage changes nothing (up to float32 rounding).
    const before = q2.slice();
    const p2 = net2.params();
    const advBiasStart = 7 * 9 + 9 + 9 * 7 + 1;
    for (let a = 0; a < 6; a++) p2[advBiasStart + a] += 1;
    assert.ok(maxRelErr(net2.forward(x, 5), before) <= 1e-5);
  });

  test(`${backend}: bad arguments throw errors naming them`, () => {
    const net = createQNetwork(SPEC, { backend, rng: new Rng(1) });
    const x = new Float32Array(12);
    assert.throws(() => net.forward(x, 0), (e: Error) => e instanceof RangeError && /batch/.test(e.message));
    assert.throws(() => net.forward(x, 1.5), (e: Error) => e instanceof RangeError && /batch/.test(e.message));
    assert.throws(() => net.forward(x, 3), (e: Error) => e instanceof RangeError && /input\.length/.test(e.message));
    assert.throws(() => net.forward(new Float64Array(12) as unknown as Float32Array, 2), (e: Error) => e instanceof TypeError && /input/.test(e.message));
    const bad = new Float32Array(18);
    bad[2 * 6 + 4] = NaN;
    assert.throws(() => net.forward(bad, 3), (e: Error) => /input row 2/.test(e.message) && /NaN/.test(e.message) && /column 4/.test(e.message));
    bad[2 * 6 + 4] = 0;
    bad[5] = Infinity;
    assert.throws(() => net.forward(bad, 3), (e: Error) => /input row 0/.test(e.message) && /Infinity/.test(e.message));
    // A failed forward leaves nothing to differentiate.
    assert.throws(() => net.backward(new Float32Array(15)), /forward/);
    net.forward(x, 2);
    assert.throws(() => net.backward(new Float32Array(9)), (e: Error) => e instanceof RangeError && /dQ\.length/.test(e.message));
    assert.throws(() => net.backwardChosen(new Int32Array([0, 5]), new Float32Array(2)), (e: Error) => /actionsTaken\[1\]/.test(e.message));
    assert.throws(() => net.backwardChosen(new Int32Array(3), new Float32Array(2)), (e: Error) => /actionsTaken\.length/.test(e.message));
    assert.throws(() => createQNetwork({ ...SPEC, hidden: [10, 0] }, { backend, rng: new Rng(1) }), /hidden\[1\]/);
    assert.throws(() => createQNetwork({ ...SPEC, inputSize: 0 }, { backend, rng: new Rng(1) }), /inputSize/);
    assert.throws(() => createQNetwork({ ...SPEC, head: "conv" as "linear" }, { backend, rng: new Rng(1) }), /head/);
    const other = createQNetwork({ ...SPEC, actions: 4 }, { backend, rng: new Rng(1) });
    assert.throws(() => net.copyFrom(other), (e: Error) => e instanceof RangeError && /copyFrom/.test(e.message));
    assert.throws(() => net.polyakFrom(net, 1.5), /tau/);
  });

  test(`${backend}: growing the batch beyond capacity keeps parameters, moments and results`, () => {
    const net = createQNetwork(SPEC, { backend, rng: new Rng(5) });
    const opt = new Adam(net, { lr: 1e-2 });
    const rng = new Rng(6);
    const x1 = randomArray(rng, 6);
    const q1 = net.forward(x1, 1).slice();
    net.backward(new Float32Array([1, 0, 0, 0, 0]));
    opt.step();
    const state = opt.getState();
    const params = net.params().slice();
    const xs = randomArray(rng, 300 * 6);
    xs.set(x1, 299 * 6);
    const q300 = net.forward(xs, 300); // grows the arena
    assert.deepEqual(net.params(), params, "parameters survive the growth");
    assert.deepEqual(opt.getState(), state, "Adam moments survive the growth");
    assert.ok(maxRelErr(q300, forward64(SPEC, params, xs, 300)) <= 1e-5);
    // Back to batch 1: the new parameters' result for x1 equals row 299 of the big batch.
    const again = net.forward(x1, 1);
    assert.ok(maxRelErr(again, q300.subarray(299 * 5, 300 * 5)) <= 1e-6);
    assert.notDeepEqual(Array.from(again), Array.from(q1), "the Adam step changed the network");
  });

  test(`${backend}: copyFrom and polyakFrom`, () => {
    const a = createQNetwork(SPEC, { backend, rng: new Rng(1) });
    const b = createQNetwork(SPEC, { backend, rng: new Rng(2) });
    const pa = a.params().slice(), pb = b.params().slice();
    a.polyakFrom(b, 0.25);
    const pa2 = a.params();
    for (let i = 0; i < pa.length; i++) assert.ok(Math.abs(pa2[i] - (0.75 * pa[i] + 0.25 * pb[i])) <= 1e-7);
    a.copyFrom(b);
    assert.deepEqual(a.params(), pb);
    // A copy is independent of its source.
    b.params()[0] += 1;
    assert.equal(a.params()[0], pb[0]);
    // Across backends too.
    const other = BACKENDS.find((k) => k !== backend)!;
    const c = createQNetwork(SPEC, { backend: other, rng: new Rng(3) });
    a.copyFrom(c);
    assert.deepEqual(a.params(), c.params());
  });
}

test("argmaxRows and maxRows", () => {
  const q = new Float32Array([1, 3, 2, 5, 5, -1]);
  assert.deepEqual(Array.from(argmaxRows(q, 2, new Int32Array(2))), [1, 0]);
  assert.deepEqual(Array.from(maxRows(q, 2, new Float32Array(2))), [3, 5]);
  assert.throws(() => maxRows(q, 4, new Float32Array(4)), /multiple of batch/);
  assert.throws(() => argmaxRows(q, 2, new Int32Array(1)), /out/);
});
