/**
 * The WebAssembly SIMD backend against the reference backend on random shapes and data: forward,
 * backward (dense and chosen-action), Adam, Polyak averaging. Shapes include sizes that are not
 * multiples of 4 or 8 (the kernels' remainder paths), batch 1 (the single-row path) and batch 257.
 * Tolerance: normwise relative error (see maxRelErr) <= 1e-5 per tensor / parameter block.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { createQNetwork } from "../../../src/core/nn/create-network.js";
import { Adam } from "../../../src/core/nn/adam.js";
import type { HeadKind, QNetwork, QNetworkSpec } from "../../../src/core/nn/types.js";
import { Rng } from "../../../src/core/random/rng.js";
import { maxRelErr, paramBlocks, randomArray } from "./helpers.js";

const TOL = 1e-5;

function pair(spec: QNetworkSpec, seed: number): { wasm: QNetwork; ref: QNetwork } {
  return {
    wasm: createQNetwork(spec, { backend: "wasm", rng: new Rng(seed) }),
    ref: createQNetwork(spec, { backend: "reference", rng: new Rng(seed) }),
  };
}

function assertClose(what: string, a: ArrayLike<number>, ref: ArrayLike<number>, tol = TOL): void {
  const e = maxRelErr(a, ref);
  assert.ok(e <= tol, `${what}: max relative error ${e.toExponential(3)} > ${tol}`);
}

function assertBlocksClose(what: string, spec: QNetworkSpec, a: Float32Array, ref: Float32Array): void {
  for (const b of paramBlocks(spec)) assertClose(`${what} ${b.name}`, a.subarray(b.start, b.end), ref.subarray(b.start, b.end));
}

/** Runs every operation on both backends and compares. */
function compareBackends(spec: QNetworkSpec, batch: number, seed: number): void {
  const { wasm, ref } = pair(spec, seed);
  assert.deepEqual(wasm.params(), ref.params(), "same seed, same initial parameters");
  const rng = new Rng(seed + 1000);
  const x = randomArray(rng, batch * spec.inputSize);
  const label = `${JSON.stringify(spec)} batch ${batch}`;

  assertClose(`${label} forward`, wasm.forward(x, batch), ref.forward(x, batch));

  const dQ = randomArray(rng, batch * spec.actions);
  wasm.backward(dQ);
  ref.backward(dQ);
  assertBlocksClose(`${label} backward`, spec, wasm.grads(), ref.grads());

  const actions = new Int32Array(batch).map(() => rng.int(spec.actions));
  const g = randomArray(rng, batch);
  wasm.forward(x, batch);
  ref.forward(x, batch);
  wasm.backwardChosen(actions, g);
  ref.backwardChosen(actions, g);
  assertBlocksClose(`${label} backwardChosen`, spec, wasm.grads(), ref.grads());

  // Adam from identical gradients (copy the reference's into the wasm network), with clipping.
  wasm.grads().set(ref.grads());
  const optW = new Adam(wasm, { lr: 1e-2, weightDecay: 0.01 });
  const optR = new Adam(ref, { lr: 1e-2, weightDecay: 0.01 });
  const normW = optW.clipAndStep(0.5);
  const normR = optR.clipAndStep(0.5);
  // The wasm backend's batched forward reads a transposed copy of W, which must follow every
  // change of the parameters (checked before anything else touches params()).
  assertClose(`${label} forward after Adam`, wasm.forward(x, batch), ref.forward(x, batch));
  assertClose(`${label} grad norm`, [normW], [normR]);
  assertBlocksClose(`${label} Adam params`, spec, wasm.params(), ref.params());
  const sW = optW.getState(), sR = optR.getState();
  assertClose(`${label} Adam m`, sW.m, sR.m);
  assertClose(`${label} Adam v`, sW.v, sR.v);

  // Polyak averaging towards a third network.
  const other = createQNetwork(spec, { backend: "reference", rng: new Rng(seed + 7) });
  wasm.forward(x, batch); // leaves a fresh transposed copy
  wasm.polyakFrom(other, 0.3);
  ref.polyakFrom(other, 0.3);
  assertClose(`${label} forward after polyak`, wasm.forward(x, batch), ref.forward(x, batch));
  assertBlocksClose(`${label} polyak`, spec, wasm.params(), ref.params());
  const fresh = randomArray(rng, wasm.paramCount, 0.2);
  wasm.params().set(fresh);
  ref.params().set(fresh);
  assertClose(`${label} forward after params().set`, wasm.forward(x, batch), ref.forward(x, batch));
  const other2 = createQNetwork(spec, { backend: "wasm", rng: new Rng(seed + 8) });
  wasm.copyFrom(other2);
  ref.copyFrom(other2);
  assertClose(`${label} forward after copyFrom`, wasm.forward(x, batch), ref.forward(x, batch));
}

const specArb = fc.record({
  inputSize: fc.integer({ min: 1, max: 70 }),
  hidden: fc.array(fc.integer({ min: 1, max: 70 }), { minLength: 0, maxLength: 3 }),
  actions: fc.integer({ min: 1, max: 40 }),
  head: fc.constantFrom<HeadKind>("linear", "dueling"),
});
const batchArb = fc.oneof(fc.constantFrom(1, 2, 3, 4, 5, 8, 257), fc.integer({ min: 1, max: 70 }));

test("wasm matches reference on random shapes, heads and batches (property, 40 cases)", () => {
  fc.assert(
    fc.property(specArb, batchArb, fc.integer({ min: 1, max: 1e6 }), (spec, batch, seed) => {
      compareBackends(spec, batch, seed);
    }),
    { seed: 20240601, numRuns: 40 },
  );
});

test("wasm matches reference on the standard DQN shape at batch 1, 64, 257", () => {
  for (const head of ["linear", "dueling"] as const) {
    for (const batch of [1, 64, 257]) {
      compareBackends({ inputSize: 64, hidden: [128, 64], actions: 100, head }, batch, 11 + batch);
    }
  }
});

test("wasm matches reference on sizes just off the SIMD block sizes", () => {
  for (const w of [1, 3, 5, 7, 9, 13, 15, 17]) {
    compareBackends({ inputSize: w, hidden: [w + 2, w], actions: w + 1, head: "linear" }, w, 100 + w);
  }
});
