/**
 * Both backends' backward passes against finite differences. The reference function is computed
 * in float64 by an independent forward pass (helpers.forward64) from the network's own float32
 * parameters, so central differences with a tiny step are accurate to ~1e-9 and the comparison
 * measures only the backend's float32 gradient. The loss is L = sum(c * Q) with random c, whose
 * dL/dQ is c: backward(c) must give dL/dparams.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { createQNetwork } from "../../../src/core/nn/create-network.js";
import type { BackendKind, QNetworkSpec } from "../../../src/core/nn/types.js";
import { Rng } from "../../../src/core/random/rng.js";
import { forward64, maxRelErr, paramBlocks, randomArray } from "./helpers.js";

const H = 1e-6;
const TOL = 1e-5;

function lossOf(spec: QNetworkSpec, p: Float64Array, x: Float32Array, batch: number, c: Float32Array): number {
  const q = forward64(spec, p, x, batch);
  let s = 0;
  for (let i = 0; i < q.length; i++) s += c[i] * q[i];
  return s;
}

function finiteDifferenceGrad(spec: QNetworkSpec, params: Float32Array, x: Float32Array, batch: number, c: Float32Array): Float64Array {
  const p = Float64Array.from(params);
  const g = new Float64Array(p.length);
  for (let j = 0; j < p.length; j++) {
    const keep = p[j];
    p[j] = keep + H;
    const up = lossOf(spec, p, x, batch, c);
    p[j] = keep - H;
    const down = lossOf(spec, p, x, batch, c);
    p[j] = keep;
    g[j] = (up - down) / (2 * H);
  }
  return g;
}

const cases: Array<{ spec: QNetworkSpec; batch: number }> = [
  { spec: { inputSize: 5, hidden: [7, 6], actions: 3, head: "linear" }, batch: 4 },
  { spec: { inputSize: 9, hidden: [13], actions: 5, head: "dueling" }, batch: 3 },
  { spec: { inputSize: 6, hidden: [], actions: 4, head: "linear" }, batch: 1 },
  { spec: { inputSize: 11, hidden: [8, 9, 5], actions: 7, head: "dueling" }, batch: 6 },
  { spec: { inputSize: 8, hidden: [16, 8], actions: 9, head: "linear" }, batch: 9 },
];

for (const backend of ["reference", "wasm"] as BackendKind[]) {
  test(`${backend}: backward matches float64 finite differences`, () => {
    cases.forEach(({ spec, batch }, n) => {
      const net = createQNetwork(spec, { backend, rng: new Rng(40 + n) });
      const rng = new Rng(90 + n);
      const x = randomArray(rng, batch * spec.inputSize);
      const c = randomArray(rng, batch * spec.actions);
      // The forward pass itself agrees with the float64 definition.
      assert.ok(maxRelErr(net.forward(x, batch), forward64(spec, net.params(), x, batch)) <= TOL, "forward vs float64");
      net.backward(c);
      const fd = finiteDifferenceGrad(spec, net.params(), x, batch, c);
      const g = net.grads();
      for (const b of paramBlocks(spec)) {
        const e = maxRelErr(g.subarray(b.start, b.end), fd.subarray(b.start, b.end));
        assert.ok(e <= TOL, `${JSON.stringify(spec)} ${b.name}: relative error ${e.toExponential(3)} vs finite differences`);
      }
      // A wrong gradient would fail: the check is not vacuous.
      assert.ok(fd.some((v) => Math.abs(v) > 1e-3), "finite-difference gradient is not all zero");
    });
  });

  test(`${backend}: backwardChosen equals backward with the scattered gradient`, () => {
    for (const head of ["linear", "dueling"] as const) {
      const spec: QNetworkSpec = { inputSize: 10, hidden: [12, 7], actions: 6, head };
      const net = createQNetwork(spec, { backend, rng: new Rng(3) });
      const rng = new Rng(4);
      const batch = 9;
      const x = randomArray(rng, batch * spec.inputSize);
      const actions = new Int32Array(batch).map(() => rng.int(spec.actions));
      const g = randomArray(rng, batch);
      const dQ = new Float32Array(batch * spec.actions);
      for (let r = 0; r < batch; r++) dQ[r * spec.actions + actions[r]] = g[r];
      net.forward(x, batch);
      net.backward(dQ);
      const dense = net.grads().slice();
      net.forward(x, batch);
      net.backwardChosen(actions, g);
      assert.ok(maxRelErr(net.grads(), dense) <= 1e-6, `${head}: chosen vs dense`);
    }
  });
}
