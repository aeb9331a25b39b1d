/**
 * Row reductions: the backends' rowMax/rowArgmax kernels against the plain TypeScript helpers on
 * rows built to contain ties, NaN and -Infinity, and QNetwork.maxQ/greedy against forward().
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import type { Backend } from "../../../src/core/nn/backend.js";
import { createQNetwork } from "../../../src/core/nn/create-network.js";
import { ReferenceBackend } from "../../../src/core/nn/reference-backend.js";
import { argmaxRows, maxRows } from "../../../src/core/nn/rows.js";
import type { BackendKind } from "../../../src/core/nn/types.js";
import { WasmBackend } from "../../../src/core/nn/wasm-backend.js";
import { Rng } from "../../../src/core/random/rng.js";
import { randomArray } from "./helpers.js";

function kernelRows(k: Backend, q: Float32Array, batch: number): { max: Float32Array; arg: Int32Array } {
  k.reserve(k.base + 8 * q.length + 64);
  const qAt = k.base, outAt = k.base + 4 * q.length + 16;
  const f = new Float32Array(k.memory());
  f.set(q, qAt >> 2);
  k.rowMax(qAt, outAt, batch, q.length / batch);
  const max = new Float32Array(k.memory(), outAt, batch).slice();
  k.rowArgmax(qAt, outAt, batch, q.length / batch);
  const arg = new Int32Array(k.memory(), outAt, batch).slice();
  return { max, arg };
}

test("rowMax/rowArgmax kernels equal the TypeScript helpers, ties, NaN and -Infinity included (property)", () => {
  const value = fc.constantFrom(0, 1, -1, 2.5, -Infinity, NaN, 3, 3, 1e-7);
  const rows = fc.integer({ min: 1, max: 13 }).chain((actions) =>
    fc.array(fc.array(value, { minLength: actions, maxLength: actions }), { minLength: 1, maxLength: 6 }),
  );
  const backends: Backend[] = [new WasmBackend(), new ReferenceBackend()];
  fc.assert(
    fc.property(rows, (table) => {
      const batch = table.length;
      const q = Float32Array.from(table.flat());
      const wantMax = maxRows(q, batch, new Float32Array(batch));
      const wantArg = argmaxRows(q, batch, new Int32Array(batch));
      for (const k of backends) {
        const got = kernelRows(k, q, batch);
        // Compare as numbers: any NaN equals any NaN (x86 produces a NaN with the sign bit set).
        assert.deepEqual(Array.from(got.max), Array.from(wantMax), `${k.kind} rowMax of ${JSON.stringify(table)}`);
        assert.deepEqual(got.arg, wantArg, `${k.kind} rowArgmax of ${JSON.stringify(table)}`);
      }
    }),
    { seed: 99, numRuns: 300 },
  );
  // The defined semantics, spelled out.
  const q = new Float32Array([NaN, 2, 5, 5, /* */ -Infinity, -Infinity, -Infinity, -Infinity, /* */ 1, NaN, 0, 1]);
  assert.deepEqual(Array.from(argmaxRows(q, 3, new Int32Array(3))), [2, 0, 0]);
  assert.deepEqual(Array.from(maxRows(q, 3, new Float32Array(3))), [NaN, -Infinity, NaN]);
});

for (const backend of ["reference", "wasm"] as BackendKind[]) {
  test(`${backend}: maxQ and greedy equal forward() followed by the helpers`, () => {
    const spec = { inputSize: 9, hidden: [11], actions: 7, head: "dueling" } as const;
    const net = createQNetwork(spec, { backend, rng: new Rng(1) });
    for (const batch of [1, 2, 5, 64]) {
      const x = randomArray(new Rng(batch), batch * 9);
      const q = net.forward(x, batch).slice();
      assert.deepEqual(Array.from(net.maxQ(x, batch, new Float32Array(batch))), Array.from(maxRows(q, batch, new Float32Array(batch))));
      assert.deepEqual(net.greedy(x, batch, new Int32Array(batch)), argmaxRows(q, batch, new Int32Array(batch)));
    }
    assert.throws(() => net.greedy(new Float32Array(9), 1, new Int32Array(2)), /greedy: out/);
    assert.throws(() => net.maxQ(new Float32Array(9), 1, new Float32Array(0)), /maxQ: out/);
  });
}
