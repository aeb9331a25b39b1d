/**
 * BPR-MF's training in the WebAssembly kernels against its TypeScript reference (BprModelOptions
 * .kernels false): alternating rounds in one run, medians and their ratio.
 *
 *   npm run --silent bench:bpr -- [--json] [--seconds S] [--rounds R]
 *
 * The case is the demo's tuned BPR-MF (factors 32, regularization 0.001, learning rate 0.05) on the
 * demo's platform (2,000 users, 366 streamer slots) with its log window: 46,000 viewings, each with
 * the live set of its tick (40 streams live, 7 days of ticks). What is timed: a nightly retraining,
 * train(20) (each epoch a shuffle, a negative per viewing, an SGD step per viewing), reported per
 * epoch. Both sides run the same epochs from the same start, so they must end with the same
 * factors, bit for bit (checked after the rounds).
 *
 * Last line: one JSON object with epoch_ms, epoch_ts_ms, ratio, steps_per_s, same_bits.
 */
import { Rng } from "../src/core/random/rng.js";
import { BprModel } from "../src/policies/baselines/bpr-model.js";
import { median, microsPerCall, pairedBenchFlags } from "./paired-timing.js";

const { json, seconds, rounds } = pairedBenchFlags(2);
const log = (s: string): void => void process.stderr.write(s + "\n");

const USERS = 2000, STREAMERS = 366, VIEWINGS = 46_000, TICKS = 7 * 144, LIVE = 40, EPOCHS = 20;

/** A model holding the log (the same for both sides: the log's draws come from their own generator). */
function make(kernels: boolean): BprModel {
  const model = new BprModel(USERS, STREAMERS, { factors: 32, regularization: 0.001, learningRate: 0.05 }, 1, { kernels });
  const rng = new Rng(11);
  const sets: { id: number; live: number[] }[] = [];
  for (let t = 0; t < TICKS; t++) {
    const live = rng.shuffle(Array.from({ length: STREAMERS }, (_, s) => s)).slice(0, LIVE);
    sets.push({ id: model.addLiveSet(live), live });
  }
  for (let v = 0; v < VIEWINGS; v++) {
    const set = sets[rng.int(TICKS)];
    model.log(rng.int(USERS), set.live[rng.int(LIVE)], set.id);
  }
  return model;
}

const sides = { kernels: make(true), ts: make(false) };
const epochs = { kernels: 0, ts: 0 };
const retrain = (side: keyof typeof sides) => {
  sides[side].train(EPOCHS);
  epochs[side] += EPOCHS;
};

const k: number[] = [], t: number[] = [];
for (let r = 0; r < rounds; r++) {
  k.push(microsPerCall(() => retrain("kernels"), seconds, 1) / 1000 / EPOCHS);
  t.push(microsPerCall(() => retrain("ts"), seconds, 1) / 1000 / EPOCHS);
  log(`round ${r + 1}/${rounds}: an epoch ${k[r].toFixed(1)} ms in the kernels, ${t[r].toFixed(1)} ms in TypeScript`);
}
while (epochs.kernels < epochs.ts) retrain("kernels");
while (epochs.ts < epochs.kernels) retrain("ts");
const a = sides.kernels.parameters, b = sides.ts.parameters;
const sameBits = (["P", "Q", "B"] as const).every((name) => a[name].every((v, i) => Object.is(v, b[name][i])));

const out = {
  epoch_ms: median(k), epoch_ts_ms: median(t), ratio: median(t) / median(k),
  steps_per_s: VIEWINGS / (median(k) / 1000), steps_per_s_ts: VIEWINGS / (median(t) / 1000),
  same_bits: sameBits, epochs_compared: epochs.kernels, rounds, seconds,
};
if (!json) {
  log(`an epoch over ${VIEWINGS} viewings: ${out.epoch_ms.toFixed(1)} ms in the kernels, ${out.epoch_ts_ms.toFixed(1)} ms in TypeScript: ${out.ratio.toFixed(2)}x`);
  log(`same bits: ${sameBits} (${epochs.kernels} epochs each)`);
}
console.log(JSON.stringify(out));
if (!sameBits) process.exitCode = 1;
