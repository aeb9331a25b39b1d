/**
 * The feature head's training pass and scoring, in the WebAssembly kernels against the same
 * operations in TypeScript loops (FeatureQOptions.trainInKernels false, and scoring every action
 * then masking): alternating rounds in one run, medians and ratios reported.
 *
 *   npm run --silent bench:feature-head -- [--json] [--seconds S] [--rounds R]
 *
 * The case is the demo's platform DQN (2,000 users, 300 streamers): 323 action slots, d = 64, the
 * trunk 30 -> 128 -> 64 -> 69, 13 stream features, 16 sketched streamers with 4 pair features, a
 * learned embedding for each of 2,422 users, batch 64. What is timed:
 * - an update of the head: forwardChosen, backwardChosen and the Adam step (the trunk's part
 *   included), on random rows whose sketches hold 10 to 16 streamers;
 * - scoring a batch of 64 rows with 9% of the actions available (a few dozen streams live of the
 *   catalogue, as on the demo's platform when users decide), with the mask given to the kernels
 *   against scoring every action.
 * Both sides of each pair give the same bits (checked here on the parameters after the run and on
 * the scores). Beside them, the same update and masked scoring with the pair term the platform DQN
 * has had by default since session 16 (dqn.pairTerm: a PairTable of 3 features for each of 2,000
 * users x 323 slots, read for every available candidate; the row stores the record of the action
 * taken): what the term costs. And the same with an acceptance gate (dqn.gateEmbedding 16, gateHidden
 * [64]: a second, smaller head of the same shape) beside the pair term: what the gate costs.
 *
 * Last line: one JSON object with update_us, update_ts_us, update_ratio, score_masked_us,
 * score_all_us, score_ratio, same_bits, update_pair_term_us, score_pair_term_us and
 * pair_term_update_cost, pair_term_score_cost (the ratios with the term over without),
 * update_gate_us, score_gate_us, gate_update_cost and gate_score_cost (with the gate over the pair
 * term's case without one).
 */
import { Rng } from "../src/core/random/rng.js";
import { FeatureQFunction, featureObsSize, type FeatureLayout } from "../src/core/qfunction/feature-qfunction.js";
import { ActionTable } from "../src/core/qfunction/action-table.js";
import { PairTable } from "../src/core/qfunction/pair-table.js";
import type { QOptimizer } from "../src/core/qfunction/types.js";
import { median, microsPerCall, pairedBenchFlags } from "./paired-timing.js";

const { json, seconds, rounds } = pairedBenchFlags(1);
const log = (s: string): void => void process.stderr.write(s + "\n");

const layout: FeatureLayout = { userSize: 30, actionFeatureSize: 13, pairSize: 4, sketchSlots: 16, userIds: 2422 };
const A = 323, d = 64, B = 64, S = featureObsSize(layout);
const rng = new Rng(5);
const table = new ActionTable(A, layout.actionFeatureSize);
for (let i = 0; i < table.features.length; i++) table.features[i] = rng.normal();
table.touch();

// The pair term's case: the same rows with 3 more values (the record of the action taken) before
// the user's index, and the table every candidate's record is read from.
const termLayout: FeatureLayout = { ...layout, pairTableSize: 3 };
const termS = featureObsSize(termLayout);
const pairTable = new PairTable(2000, A, 3);
for (let i = 0; i < pairTable.features.length; i++) pairTable.features[i] = rng.float() < 0.1 ? rng.float() : 0;

function make(trainInKernels: boolean, withTerm = false, withGate = false): { q: FeatureQFunction; opt: QOptimizer } {
  const q = new FeatureQFunction({
    layout: withTerm ? termLayout : layout, actions: A, hidden: [128, 64], embedding: d, backend: "wasm", table, rng: new Rng(7),
    actionEmbeddings: true, historyEmbeddings: true, coldStartBonus: 0.5, trainInKernels,
    ...(withTerm ? { pairTable } : {}),
    ...(withGate ? { gate: { hidden: [64], embedding: 16, labelWeight: 1 } } : {}),
  });
  return { q, opt: q.createOptimizer({ lr: 5e-4, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 }) };
}

// 16 batches of rows and actions, cycled through (the same ones for both sides).
const batches = Array.from({ length: 16 }, () => {
  const obs = new Float32Array(B * S);
  for (let r = 0; r < B; r++) {
    const row = r * S, sketch = row + layout.userSize + layout.actionFeatureSize;
    for (let j = 0; j < layout.userSize + layout.actionFeatureSize; j++) obs[row + j] = rng.normal();
    const used = 10 + rng.int(7);
    for (let k = 0; k < layout.sketchSlots; k++) {
      const e = sketch + k * (1 + layout.pairSize);
      obs[e] = k < used ? rng.int(A) : -1;
      for (let j = 0; j < layout.pairSize; j++) obs[e + 1 + j] = rng.float();
    }
    obs[row + S - 1] = rng.int(layout.userIds!);
  }
  const mask = Uint8Array.from({ length: B * A }, () => (rng.float() < 0.09 ? 1 : 0));
  return { obs, actions: Int32Array.from({ length: B }, () => rng.int(A)), mask };
});

// The term's rows: each row as above, then the record of (user, action taken), then the user.
const termBatches = batches.map((b) => {
  const obs = new Float32Array(B * termS);
  for (let r = 0; r < B; r++) {
    obs.set(b.obs.subarray(r * S, (r + 1) * S - 1), r * termS);
    const u = b.obs[(r + 1) * S - 1] % pairTable.users;
    pairTable.write(u, b.actions[r], obs, (r + 1) * termS - 4);
    obs[(r + 1) * termS - 1] = u;
  }
  return { ...b, obs };
});

const fast = make(true), slow = make(false), term = make(true, true), gated = make(true, true, true);
const result = new Float32Array(B), grad = new Float32Array(B), targets = new Float32Array(B);
const step = { fast: 0, slow: 0, term: 0, gated: 0 };

function update(side: "fast" | "slow" | "term" | "gated"): void {
  const { q, opt } = side === "fast" ? fast : side === "slow" ? slow : side === "term" ? term : gated;
  const b = (side === "term" || side === "gated" ? termBatches : batches)[step[side]++ % batches.length];
  q.forwardChosen(b.obs, b.actions, B, result);
  for (let r = 0; r < B; r++) {
    grad[r] = (result[r] - 1) / B;
    targets[r] = r % 3 === 0 ? 0 : 1;
  }
  q.backwardChosen(b.actions, grad, targets);
  opt.step(10);
}

let scoreAt = 0;
function score(masked: boolean, withTerm = false, withGate = false): void {
  const at = scoreAt++ % batches.length;
  if (withGate) gated.q.forward(termBatches[at].obs, B, termBatches[at].mask);
  else if (withTerm) term.q.forward(termBatches[at].obs, B, termBatches[at].mask);
  else if (masked) fast.q.forward(batches[at].obs, B, batches[at].mask);
  else {
    // Every action scored, then the unavailable ones set aside (what the kernels did before).
    const b = batches[at], q = fast.q.forward(b.obs, B, null);
    for (let i = 0; i < B * A; i++) if (b.mask[i] === 0) q[i] = -Infinity;
  }
}

const time = (fn: () => void): number => microsPerCall(fn, seconds);

const u: number[] = [], uts: number[] = [], sm: number[] = [], sa: number[] = [], ut: number[] = [], st: number[] = [], ug: number[] = [], sg: number[] = [];
for (let r = 0; r < rounds; r++) {
  u.push(time(() => update("fast")));
  uts.push(time(() => update("slow")));
  ut.push(time(() => update("term")));
  sm.push(time(() => score(true)));
  sa.push(time(() => score(false)));
  st.push(time(() => score(true, true)));
  ug.push(time(() => update("gated")));
  sg.push(time(() => score(true, true, true)));
  log(`round ${r + 1}/${rounds}: update ${u[r].toFixed(0)} us (TypeScript loops ${uts[r].toFixed(0)} us; with the pair term ${ut[r].toFixed(0)} us, and a gate ${ug[r].toFixed(0)} us), scoring masked ${sm[r].toFixed(0)} us (all actions ${sa[r].toFixed(0)} us; with the pair term ${st[r].toFixed(0)} us, and a gate ${sg[r].toFixed(0)} us)`);
}

// Same bits: bring the two sides to the same number of updates on the same batches, compare the
// parameters; then the masked scores against the full ones.
while (step.fast < step.slow) update("fast");
while (step.slow < step.fast) update("slow");
const pf = fast.q.exportParams(), ps = slow.q.exportParams();
let sameBits = pf.every((v, i) => Object.is(v, ps[i]));
for (const b of batches) {
  const all = fast.q.forward(b.obs, B, null).slice();
  const masked = fast.q.forward(b.obs, B, b.mask);
  for (let i = 0; i < B * A && sameBits; i++) sameBits = b.mask[i] === 0 ? masked[i] === -Infinity : Object.is(masked[i], all[i]);
}

const out = {
  update_us: median(u), update_ts_us: median(uts), update_ratio: median(uts) / median(u),
  score_masked_us: median(sm), score_all_us: median(sa), score_ratio: median(sa) / median(sm),
  same_bits: sameBits, updates_compared: step.fast, rounds, seconds,
  update_pair_term_us: median(ut), score_pair_term_us: median(st),
  pair_term_update_cost: median(ut) / median(u), pair_term_score_cost: median(st) / median(sm),
  update_gate_us: median(ug), score_gate_us: median(sg),
  gate_update_cost: median(ug) / median(ut), gate_score_cost: median(sg) / median(st),
};
if (!json) {
  log(`update of the head: ${out.update_us.toFixed(0)} us in the kernels, ${out.update_ts_us.toFixed(0)} us in TypeScript loops: ${out.update_ratio.toFixed(2)}x`);
  log(`scoring 64 rows, 9% available: ${out.score_masked_us.toFixed(0)} us masked in the kernels, ${out.score_all_us.toFixed(0)} us scoring all: ${out.score_ratio.toFixed(2)}x`);
  log(`same bits: ${sameBits} (${step.fast} updates each)`);
  log(`the pair term: an update ${out.update_pair_term_us.toFixed(0)} us (${out.pair_term_update_cost.toFixed(2)}x), masked scoring ${out.score_pair_term_us.toFixed(0)} us (${out.pair_term_score_cost.toFixed(2)}x)`);
  log(`an acceptance gate beside it: an update ${out.update_gate_us.toFixed(0)} us (${out.gate_update_cost.toFixed(2)}x), masked scoring ${out.score_gate_us.toFixed(0)} us (${out.gate_score_cost.toFixed(2)}x)`);
}
console.log(JSON.stringify(out));
if (!sameBits) process.exitCode = 1;
