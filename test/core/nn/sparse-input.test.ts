/**
 * The sparse first layer: compressRows, sparseForward and sparseGradWeights give the same bits as
 * denseForward and denseGradWeights on the same backend (the zero inputs add nothing), on both
 * backends, over shapes with every SIMD remainder, odd and even batches (the wasm forward takes the
 * last row of an odd batch another way) and inputs from empty to a quarter full; a network fed a
 * mostly-zero input (it then takes the sparse path) still matches the reference backend, and
 * trains to the same bits as with the sparse path off.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Backend } from "../../../src/core/nn/backend.js";
import { WasmBackend } from "../../../src/core/nn/wasm-backend.js";
import { ReferenceBackend } from "../../../src/core/nn/reference-backend.js";
import { createQNetwork } from "../../../src/core/nn/create-network.js";
import { Adam } from "../../../src/core/nn/adam.js";
import type { QNetworkSpec } from "../../../src/core/nn/types.js";
import { Rng } from "../../../src/core/random/rng.js";
import { maxRelErr, randomArray } from "./helpers.js";

/** A bump allocator over a backend's arena. */
function arena(k: Backend) {
  let at = k.base;
  const take = (floats: number) => {
    const p = at;
    at = Math.ceil((at + 4 * Math.max(1, floats)) / 16) * 16;
    k.reserve(at + 64);
    return p;
  };
  const f32 = () => new Float32Array(k.memory());
  return {
    put(a: Float32Array): number {
      const p = take(a.length);
      f32().set(a, p >> 2);
      return p;
    },
    take,
    read: (p: number, n: number) => Float32Array.from(f32().subarray(p >> 2, (p >> 2) + n)),
  };
}

/** batch x nIn with about `density` of the values non-zero (a few rows all zero). */
function sparseInput(rng: Rng, batch: number, nIn: number, density: number): Float32Array {
  const x = new Float32Array(batch * nIn);
  for (let r = 0; r < batch; r++) {
    if (rng.bernoulli(0.1)) continue;
    for (let i = 0; i < nIn; i++) if (rng.bernoulli(density)) x[r * nIn + i] = rng.bernoulli(0.3) ? 1 : rng.normal();
  }
  return x;
}

const sameBits = (a: Float32Array, b: Float32Array) => Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.byteLength), Buffer.from(b.buffer, b.byteOffset, b.byteLength)) === 0;

function checkShape(k: Backend, batch: number, nIn: number, nOut: number, density: number, seed: number): void {
  const rng = new Rng(seed);
  const mem = arena(k);
  const x = sparseInput(rng, batch, nIn, density);
  const xp = mem.put(x);
  const w = mem.put(randomArray(rng, nOut * nIn, 0.3));
  const wt = mem.take(nOut * nIn);
  k.transpose(w, wt, nIn, nOut);
  const b = mem.put(randomArray(rng, nOut, 0.1));
  const dy = mem.put(randomArray(rng, batch * nOut));
  const cols = mem.take(batch * nIn), vals = mem.take(batch * nIn), starts = mem.take(batch + 1);
  const label = `${k.kind} batch ${batch}, ${nIn} -> ${nOut}, density ${density}`;

  let nonZero = 0;
  for (const v of x) if (v !== 0) nonZero++;
  assert.equal(k.compressRows(xp, batch, nIn, batch * nIn, cols, vals, starts), nonZero, `${label}: entries`);
  if (nonZero > 0) assert.equal(k.compressRows(xp, batch, nIn, nonZero - 1, cols, vals, starts), -1, `${label}: over the limit`);
  assert.equal(k.compressRows(xp, batch, nIn, nonZero, cols, vals, starts), nonZero);

  for (const relu of [0, 1]) {
    const yd = mem.take(batch * nOut), ys = mem.take(batch * nOut);
    k.denseForward(xp, w, wt, b, yd, batch, nIn, nOut, relu);
    k.sparseForward(cols, vals, starts, w, wt, b, ys, batch, nIn, nOut, relu);
    assert.ok(sameBits(mem.read(ys, batch * nOut), mem.read(yd, batch * nOut)), `${label}, relu ${relu}: forward`);
  }
  const dwd = mem.take(nOut * nIn), dbd = mem.take(nOut), dws = mem.take(nOut * nIn), dbs = mem.take(nOut);
  const scratch = mem.take(nOut * nIn);
  k.denseGradWeights(xp, dy, dwd, dbd, batch, nIn, nOut);
  k.sparseGradWeights(cols, vals, starts, dy, dws, dbs, scratch, batch, nIn, nOut);
  assert.ok(sameBits(mem.read(dws, nOut * nIn), mem.read(dwd, nOut * nIn)), `${label}: dW`);
  assert.ok(sameBits(mem.read(dbs, nOut), mem.read(dbd, nOut)), `${label}: db`);
}

for (const make of [() => new WasmBackend(), () => new ReferenceBackend()]) {
  test(`${make().kind}: the sparse kernels give the dense kernels' bits`, () => {
    let seed = 1;
    for (const batch of [1, 2, 3, 5, 8, 63, 64]) {
      for (const [nIn, nOut] of [[1, 1], [3, 5], [17, 16], [64, 17], [396, 128], [130, 35]]) {
        for (const density of [0, 0.03, 0.25]) checkShape(make(), batch, nIn, nOut, density, seed++);
      }
    }
  });
}

test("a network fed a mostly-zero input (the sparse path) matches the reference backend", () => {
  for (const [spec, batch] of [
    [{ inputSize: 396, hidden: [128, 64], actions: 366, head: "dueling" }, 64],
    [{ inputSize: 396, hidden: [128, 64], actions: 366, head: "dueling" }, 15],
    [{ inputSize: 37, hidden: [19], actions: 5, head: "linear" }, 1],
  ] as Array<[QNetworkSpec, number]>) {
    const wasm = createQNetwork(spec, { backend: "wasm", rng: new Rng(5) });
    const ref = createQNetwork(spec, { backend: "reference", rng: new Rng(5) });
    const rng = new Rng(9);
    const x = sparseInput(rng, batch, spec.inputSize, 0.03);
    const label = `${spec.inputSize} inputs, batch ${batch}`;
    assert.ok(maxRelErr(wasm.forward(x, batch), ref.forward(x, batch)) <= 1e-5, `${label}: forward`);
    const actions = new Int32Array(batch).map(() => rng.int(spec.actions));
    const g = randomArray(rng, batch);
    wasm.backwardChosen(actions, g);
    ref.backwardChosen(actions, g);
    assert.ok(maxRelErr(wasm.grads(), ref.grads()) <= 1e-5, `${label}: gradients`);
    // A dense input right after takes the dense path again.
    const dense = randomArray(rng, batch * spec.inputSize);
    assert.ok(maxRelErr(wasm.forward(dense, batch), ref.forward(dense, batch)) <= 1e-5, `${label}: dense forward after`);
    wasm.backwardChosen(actions, g);
    ref.backwardChosen(actions, g);
    assert.ok(maxRelErr(wasm.grads(), ref.grads()) <= 1e-5, `${label}: dense gradients after`);
  }
});

test("the classic head's shape trains to the same bits with and without the sparse path", () => {
  const spec: QNetworkSpec = { inputSize: 396, hidden: [128, 64], actions: 366, head: "dueling" };
  const nets = [true, false].map((sparseInput) => createQNetwork(spec, { backend: "wasm", rng: new Rng(21), sparseInput }));
  const opts = nets.map((n) => new Adam(n, { lr: 1e-3 }));
  const rng = new Rng(4);
  for (let step = 0; step < 8; step++) {
    const batch = [64, 15, 1, 2][step % 4];
    const x = sparseInput(rng, batch, spec.inputSize, 0.03);
    const actions = new Int32Array(batch).map(() => rng.int(spec.actions));
    const g = randomArray(rng, batch);
    const q = nets.map((n) => Float32Array.from(n.forward(x, batch)));
    assert.ok(sameBits(q[0], q[1]), `step ${step}: Q`);
    nets.forEach((n, k) => {
      n.backwardChosen(actions, g);
      opts[k].clipAndStep(10);
    });
    assert.ok(sameBits(nets[0].params(), nets[1].params()), `step ${step}: parameters`);
  }
});
