/**
 * The classic platform head's network with its first layer on the sparse path (the input's
 * non-zero entries only) against the dense kernels (createQNetwork's sparseInput false):
 * alternating rounds in one run, medians and ratios.
 *
 *   npm run --silent bench:classic-head -- [--json] [--seconds S] [--rounds R]
 *
 * The case is the demo's classic head: 396 inputs (30 user features, then an affinity for each of
 * 366 streamer slots), 128 -> 64 -> a dueling head over 366 actions. Its rows are mostly zeros: a
 * user's features are dense-ish, but a user has a few history streamers among the whole catalogue
 * (about 12 of 396 values non-zero on the demo's platform; here 8 user features and 4 affinities).
 * What is timed: a training update at batch 64 (forward, backwardChosen, Adam with clipping) and
 * acting for 15 users (a forward pass: about the number deciding at a tick). Both sides must end
 * with the same parameters, bit for bit (checked after the rounds), and score alike.
 *
 * Last line: one JSON object with update_us, update_dense_us, update_ratio, act_us, act_dense_us,
 * act_ratio, same_bits.
 */
import { Rng } from "../src/core/random/rng.js";
import { createQNetwork } from "../src/core/nn/create-network.js";
import { Adam } from "../src/core/nn/adam.js";
import type { QNetworkSpec } from "../src/core/nn/types.js";
import { median, microsPerCall, pairedBenchFlags } from "./paired-timing.js";

const { json, seconds, rounds } = pairedBenchFlags(1);
const log = (s: string): void => void process.stderr.write(s + "\n");

const USER = 30, SLOTS = 366, BATCH = 64, ACTING = 15;
const spec: QNetworkSpec = { inputSize: USER + SLOTS, hidden: [128, 64], actions: SLOTS, head: "dueling" };
const rng = new Rng(3);

/** n rows like the platform's: 8 user features set, 4 streamers with an affinity. */
function rows(n: number): Float32Array {
  const x = new Float32Array(n * spec.inputSize);
  for (let r = 0; r < n; r++) {
    const row = r * spec.inputSize;
    for (let j = 0; j < 8; j++) x[row + rng.int(USER)] = rng.float();
    for (let j = 0; j < 4; j++) x[row + USER + rng.int(SLOTS)] = rng.bernoulli(0.3) ? 1 : rng.float();
  }
  return x;
}
const batches = Array.from({ length: 16 }, () => ({ x: rows(BATCH), actions: Int32Array.from({ length: BATCH }, () => rng.int(SLOTS)) }));
const acting = Array.from({ length: 16 }, () => rows(ACTING));

function make(sparseInput: boolean) {
  const net = createQNetwork(spec, { backend: "wasm", rng: new Rng(7), sparseInput });
  return { net, opt: new Adam(net, { lr: 5e-4 }), updates: 0, acts: 0 };
}
const sides = { sparse: make(true), dense: make(false) };
const grad = new Float32Array(BATCH);

function update(side: keyof typeof sides): void {
  const s = sides[side];
  const b = batches[s.updates++ % batches.length];
  const q = s.net.forward(b.x, BATCH);
  for (let r = 0; r < BATCH; r++) grad[r] = (q[r * SLOTS + b.actions[r]] - 1) / BATCH;
  s.net.backwardChosen(b.actions, grad);
  s.opt.clipAndStep(10);
}
function act(side: keyof typeof sides): void {
  const s = sides[side];
  s.net.forward(acting[s.acts++ % acting.length], ACTING);
}

const u: number[] = [], ud: number[] = [], a: number[] = [], ad: number[] = [];
for (let r = 0; r < rounds; r++) {
  u.push(microsPerCall(() => update("sparse"), seconds));
  ud.push(microsPerCall(() => update("dense"), seconds));
  a.push(microsPerCall(() => act("sparse"), seconds));
  ad.push(microsPerCall(() => act("dense"), seconds));
  log(`round ${r + 1}/${rounds}: update ${u[r].toFixed(0)} us (dense ${ud[r].toFixed(0)} us), acting for ${ACTING} ${a[r].toFixed(0)} us (dense ${ad[r].toFixed(0)} us)`);
}
while (sides.sparse.updates < sides.dense.updates) update("sparse");
while (sides.dense.updates < sides.sparse.updates) update("dense");
const ps = sides.sparse.net.params(), pd = sides.dense.net.params();
let sameBits = ps.every((v, i) => Object.is(v, pd[i]));
for (const x of acting) {
  const qs = Float32Array.from(sides.sparse.net.forward(x, ACTING)), qd = sides.dense.net.forward(x, ACTING);
  sameBits &&= qs.every((v, i) => Object.is(v, qd[i]));
}

const out = {
  update_us: median(u), update_dense_us: median(ud), update_ratio: median(ud) / median(u),
  act_us: median(a), act_dense_us: median(ad), act_ratio: median(ad) / median(a),
  same_bits: sameBits, updates_compared: sides.sparse.updates, rounds, seconds,
};
if (!json) {
  log(`update at batch ${BATCH}: ${out.update_us.toFixed(0)} us on the sparse path, ${out.update_dense_us.toFixed(0)} us dense: ${out.update_ratio.toFixed(2)}x`);
  log(`acting for ${ACTING} users: ${out.act_us.toFixed(0)} us sparse, ${out.act_dense_us.toFixed(0)} us dense: ${out.act_ratio.toFixed(2)}x`);
  log(`same bits: ${sameBits} (${sides.sparse.updates} updates each)`);
}
console.log(JSON.stringify(out));
if (!sameBits) process.exitCode = 1;
