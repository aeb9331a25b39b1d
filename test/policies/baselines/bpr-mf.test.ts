import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../../src/core/random/rng.js";
import { BprModel } from "../../../src/policies/baselines/bpr-model.js";
import { BprMfPolicy } from "../../../src/policies/baselines/bpr-mf.js";
import { runPolicy } from "../../../src/sim/policy.js";
import { runSteps, smallPlatform } from "./helpers.js";

/**
 * A planted preference: 4 groups of users and 4 of streamers; a user watches only streamers of
 * their own group. Each user's last viewing is held out.
 */
function plantedLog(seed: number) {
  const rng = new Rng(seed);
  const users = 200, streamers = 40, groups = 4, perUser = 8;
  const groupOf = (x: number, n: number) => Math.floor((x * groups) / n);
  const train: [number, number][] = [], held: [number, number][] = [];
  for (let u = 0; u < users; u++) {
    const g = groupOf(u, users);
    for (let k = 0; k < perUser; k++) {
      const s = g * (streamers / groups) + rng.int(streamers / groups);
      (k === perUser - 1 ? held : train).push([u, s]);
    }
  }
  return { users, streamers, train, held, groupOf };
}

/** AUC of held-out viewings against every streamer the user never watched. */
function heldOutAuc(model: BprModel, log: ReturnType<typeof plantedLog>): number {
  const watched = new Set(log.train.concat(log.held).map(([u, s]) => u * log.streamers + s));
  let pairs = 0, wins = 0;
  for (const [u, pos] of log.held) {
    const sp = model.score(u, pos);
    for (let s = 0; s < log.streamers; s++) {
      if (watched.has(u * log.streamers + s)) continue;
      const sn = model.score(u, s);
      pairs++;
      wins += sp > sn ? 1 : sp === sn ? 0.5 : 0;
    }
  }
  return wins / pairs;
}

test("BPR learns a planted preference: held-out AUC well above 0.5", () => {
  const log = plantedLog(7);
  const model = new BprModel(log.users, log.streamers, { factors: 8, regularization: 0.01, learningRate: 0.05 }, 1);
  for (const [u, s] of log.train) model.log(u, s, -1);
  const before = heldOutAuc(model, log);
  model.train(30);
  const after = heldOutAuc(model, log);
  assert.ok(Math.abs(before - 0.5) < 0.1, `untrained AUC ${before} is chance`);
  assert.ok(after > 0.85, `trained AUC ${after}`);
  assert.ok(model.knowsUser(0) && model.knowsStreamer(0));
});

test("BPR draws a viewing's negatives from its live set", () => {
  // Streamer 0 and 1 are the only ones live with the viewings of 0; 2 is never live with them.
  const model = new BprModel(4, 3, { factors: 4, regularization: 0, learningRate: 0.1 }, 3);
  const set = model.addLiveSet([0, 1]);
  for (let u = 0; u < 4; u++) model.log(u, 0, set);
  model.log(0, 2, -1);
  model.train(50);
  for (let u = 0; u < 4; u++) assert.ok(model.score(u, 0) > model.score(u, 1), `user ${u} prefers 0 to 1`);
});

test("BPR-MF on a platform: POP for users it does not know, its own ranking once it knows them, retrained nightly", () => {
  const p = smallPlatform(5, { slateSize: 2 });
  const bpr = new BprMfPolicy({ seed: 3, onlineSteps: 0, epochs: 30, learningRate: 0.1, regularization: 0.001 });
  let unknownChecked = 0, knownDiffers = 0, knownN = 0;
  runSteps(p, bpr, 100_000, (actions) => {
    const model = bpr.model!;
    const counts = bpr.popularity.counts;
    const popRow = [...p.liveStreams].sort((a, b) => counts[b] - counts[a] || a - b).slice(0, 2);
    while (popRow.length < 2) popRow.push(-1);
    for (let i = 0; i < p.nDeciding; i++) {
      const row = [...actions.subarray(2 * i, 2 * i + 2)];
      if (!model.knowsUser(p.deciding[i])) {
        assert.deepEqual(row, popRow);
        unknownChecked++;
      } else {
        // the first pick has the best score among the known live streamers
        const u = p.deciding[i];
        const known = [...p.liveStreams].filter((s) => model.knowsStreamer(s));
        if (known.length > 0) {
          const best = Math.max(...known.map((s) => model.score(u, s)));
          assert.equal(model.score(u, row[0]), best);
        }
        if (row[0] !== popRow[0]) knownDiffers++;
        knownN++;
      }
    }
  });
  assert.ok(unknownChecked > 50);
  assert.ok(knownDiffers > 20, `known users get their own ranking (${knownDiffers} of ${knownN} decisions differ from POP)`);
  // 3 days: retrained at the first decision with data after midnight of days 1 and 2 (none at day 0: nothing logged yet)
  assert.equal(bpr.retrainings, 2);
});

test("BPR-MF is deterministic by seed, and the seed matters", () => {
  const run = (seed: number) => runPolicy(smallPlatform(6), new BprMfPolicy({ seed })).metrics;
  assert.deepEqual(run(1), run(1));
  assert.notDeepEqual(run(1), run(2));
});

test("BPR-MF refuses bad settings with the setting's name", () => {
  assert.throws(() => new BprMfPolicy({ factors: 0 }), /factors must be a positive integer, got 0/);
  assert.throws(() => new BprMfPolicy({ learningRate: -1 }), /learningRate must be a positive number/);
  assert.throws(() => new BprMfPolicy({ retrainHours: 0 }), /retrainHours must be a positive number/);
});

// The factors are float32: a mistake at that precision (a rounding too many, a wrong term) shows;
// a float64 reordering inside the kernel mostly survives the rounding and would not.
test("BPR's SGD steps in the WebAssembly kernels give the TypeScript step's bits", () => {
  /** A log of viewings with live sets (and some without), folds as they come, nightly epochs. */
  const train = (kernels: boolean, k: number) => {
    const model = new BprModel(150, 45, { factors: k, regularization: 0.01, learningRate: 0.05 }, 7, { kernels });
    const rng = new Rng(3);
    for (let night = 0; night < 4; night++) {
      // Live sets of 1 to 9 distinct streamers.
      const sets = Array.from({ length: 12 }, () => model.addLiveSet(rng.shuffle(Array.from({ length: 45 }, (_, s) => s)).slice(0, 1 + rng.int(9))));
      for (let v = 0; v < 600; v++) {
        const r = model.log(rng.int(150), rng.int(45), rng.bernoulli(0.8) ? sets[rng.int(sets.length)] : -1);
        if (v % 5 === 0) model.fold(r, 3);
      }
      model.train(3);
    }
    // The generator is where the TypeScript leaves it: the folds after the last training draw alike.
    for (let v = 0; v < 50; v++) model.fold(model.log(rng.int(150), rng.int(45), -1), 3);
    const { P, Q, B } = model.parameters;
    const known = Uint8Array.from({ length: 45 }, (_, s) => (model.knowsStreamer(s) ? 1 : 0));
    return [P, Q, B, known].map((a) => Buffer.from(a.slice().buffer));
  };
  for (const k of [1, 2, 7, 16, 32]) {
    const viaKernels = train(true, k), viaTypeScript = train(false, k);
    for (const [n, name] of ["P", "Q", "B", "streamers known"].entries()) assert.ok(viaKernels[n].equals(viaTypeScript[n]), `k = ${k}: ${name} differs`);
  }
});

test("BprModel refuses indices that would land outside its factors, and live sets with a streamer twice", () => {
  const model = new BprModel(3, 4, { factors: 2, regularization: 0, learningRate: 0.1 }, 1);
  const set = model.addLiveSet([0, 2]);
  assert.throws(() => model.log(3, 0, set), /user 3 is not in \[0, 3\)/);
  assert.throws(() => model.log(-1, 0, set), /user -1/);
  assert.throws(() => model.log(0, 4, set), /streamer 4 is not in \[0, 4\)/);
  assert.throws(() => model.log(0, 1.5, set), /streamer 1.5/);
  assert.throws(() => model.log(0, 1, 1), /live set 1 is neither -1 nor one of the 1 recorded/);
  assert.throws(() => model.addLiveSet([1, 3, 1]), /streamer 1 is listed twice/);
  assert.throws(() => model.addLiveSet([1, 7]), /entry 1 is 7/);
  assert.throws(() => model.fold(0, 1), /row 0 is not one of the 0 logged/);
  // Nothing refused was recorded, and the marks of a refused set do not stick.
  assert.equal(model.logged, 0);
  assert.equal(model.addLiveSet([1, 3]), 1);
  assert.equal(model.log(0, 1, 1), 0);
  assert.throws(() => model.fold(1, 1), /row 1 is not one of the 1 logged/);
  assert.throws(() => model.fold(0, -1), /steps/);
  assert.throws(() => model.train(2.5), /epochs must be a whole number/);
});
