import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../../src/core/random/rng.js";
import { LinearUcbModel } from "../../../src/policies/baselines/linear-ucb.js";
import { LinUcbPolicy, linUcbLayout } from "../../../src/policies/baselines/linucb.js";
import { runPolicy } from "../../../src/sim/policy.js";
import { runSteps, smallPlatform } from "./helpers.js";
import { Platform } from "../../../src/sim/platform.js";
import { parseSimConfig } from "../../../src/sim/config.js";
import { PAIR_PAST_FEATURES } from "../../../src/policies/pair-past.js";

/** The inverse of a d x d matrix by Gauss-Jordan elimination with partial pivoting. */
function inverse(a: Float64Array, d: number): Float64Array {
  const m = Array.from({ length: d }, (_, i) => [...a.subarray(i * d, i * d + d), ...Array.from({ length: d }, (_, j) => (i === j ? 1 : 0))]);
  for (let c = 0; c < d; c++) {
    let p = c;
    for (let r = c + 1; r < d; r++) if (Math.abs(m[r][c]) > Math.abs(m[p][c])) p = r;
    [m[c], m[p]] = [m[p], m[c]];
    const piv = m[c][c];
    for (let k = 0; k < 2 * d; k++) m[c][k] /= piv;
    for (let r = 0; r < d; r++) {
      if (r === c) continue;
      const f = m[r][c];
      for (let k = 0; k < 2 * d; k++) m[r][k] -= f * m[c][k];
    }
  }
  return Float64Array.from(m.flatMap((row) => row.slice(d)));
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

test("LinUCB's Sherman-Morrison A^-1 matches a direct inverse, and so does its Cholesky refresh", () => {
  const d = 6, rng = new Rng(11);
  const model = new LinearUcbModel(d, 0.5, 1_000_000);
  const A = new Float64Array(d * d);
  for (let k = 0; k < d; k++) A[k * d + k] = 0.5;
  const x = new Float64Array(d);
  for (let n = 0; n < 200; n++) {
    for (let k = 0; k < d; k++) x[k] = rng.normal() * (k + 1);
    for (let k = 0; k < d; k++) for (let l = 0; l < d; l++) A[k * d + l] += x[k] * x[l];
    model.update(x, 0, rng.normal());
  }
  assert.ok(maxAbsDiff(model.A, A) < 1e-9, "A = lambda I + sum x x^T");
  const direct = inverse(A, d);
  assert.ok(maxAbsDiff(model.Ainv, direct) < 1e-10, `Sherman-Morrison drifted by ${maxAbsDiff(model.Ainv, direct)}`);
  const sm = Float64Array.from(model.Ainv);
  model.reinvert();
  assert.ok(maxAbsDiff(model.Ainv, direct) < 1e-12, "Cholesky inverse");
  assert.ok(maxAbsDiff(sm, model.Ainv) < 1e-10);
  // width = sqrt(x^T A^-1 x)
  let q = 0;
  for (let k = 0; k < d; k++) for (let l = 0; l < d; l++) q += x[k] * direct[k * d + l] * x[l];
  assert.ok(Math.abs(model.width(x) - Math.sqrt(q)) < 1e-12);
});

test("LinUCB's reward estimate converges on a synthetic linear bandit, and its confidence shrinks", () => {
  const d = 5, arms = 20, rng = new Rng(5);
  const truth = Float64Array.from({ length: d }, () => rng.normal());
  const feats = Float64Array.from({ length: arms * d }, () => rng.normal());
  const mean = (a: number) => { let s = 0; for (let k = 0; k < d; k++) s += truth[k] * feats[a * d + k]; return s; };
  const best = Math.max(...Array.from({ length: arms }, (_, a) => mean(a)));

  // Acting by its upper confidence bounds: it settles on the best arm and estimates it closely.
  const model = new LinearUcbModel(d, 1);
  const alpha = 1;
  const widthBefore = model.width(feats, 0);
  let regretEarly = 0, regretLate = 0;
  for (let t = 0; t < 3000; t++) {
    let pick = 0, top = -Infinity;
    for (let a = 0; a < arms; a++) {
      const ucb = model.estimate(feats, a * d) + alpha * model.width(feats, a * d);
      if (ucb > top) { top = ucb; pick = a; }
    }
    model.update(feats, pick * d, mean(pick) + 0.5 * rng.normal());
    model.refreshTheta();
    if (t < 100) regretEarly += best - mean(pick);
    if (t >= 2000) regretLate += best - mean(pick);
  }
  assert.ok(regretLate / 1000 < 0.02, `late regret per round ${regretLate / 1000}`);
  assert.ok(regretEarly / 100 > 10 * (regretLate / 1000), "it had something to learn");
  for (let a = 0; a < arms; a++) {
    if (mean(a) === best) assert.ok(Math.abs(model.estimate(feats, a * d) - best) < 0.05, "the best arm's reward is estimated closely");
  }
  assert.ok(model.width(feats, 0) < widthBefore / 5);

  // Fed arms that span the feature space, the shared model recovers every arm's reward.
  const spread = new LinearUcbModel(d, 1);
  for (let t = 0; t < 3000; t++) {
    const a = rng.int(arms);
    spread.update(feats, a * d, mean(a) + 0.5 * rng.normal());
  }
  spread.refreshTheta();
  for (let a = 0; a < arms; a++) {
    const est = spread.estimate(feats, a * d);
    assert.ok(Math.abs(est - mean(a)) < 0.1, `arm ${a}: estimate ${est}, truth ${mean(a)}`);
  }
});

for (const [withPast, withPairs] of [[false, false], [true, false], [true, true]]) {
test(`LinUCB on a platform scores exactly theta . x + alpha sqrt(x^T A^-1 x) on the dense feature vector${withPast ? ", with the users' past" : ""}${withPairs ? " and the pairs'" : ""}`, () => {
  const world = (seed: number) => new Platform(parseSimConfig({ users: 300, streamers: 40, days: 6, slateSize: 2 }), seed, { world: 4 });
  const p = world(8);
  const pol = new LinUcbPolicy({ alpha: 0.7, lambda: 2, past: withPast, pairPast: withPairs });
  if (withPast) {
    // a week of the same world first: its viewings are the users' past on the next
    const before = world(7);
    runPolicy(before, pol);
    pol.endRun(before);
    assert.equal(pol.past!.weeks, 1);
  } else assert.equal(pol.past, null);
  if (withPairs) {
    const pairs = pol.pairPast!;
    assert.equal(pairs.weeks, 1);
    let recs = 0;
    for (const r of pairs.recs) recs += r;
    // Every decision of the week recommends its first slot (a live stream), noted with its reward.
    assert.ok(recs > 500, `${recs} recommendations in the pairs' past`);
  } else assert.equal(pol.pairPast, null);
  runSteps(p, pol, 300); // learn something first, so theta and A^-1 are not trivial
  const lay = linUcbLayout(p, withPast, withPairs);
  assert.equal(lay.pairFeatures, p.pairFeatureSize + (withPairs ? PAIR_PAST_FEATURES : 0));
  const past = pol.past, pastRow = new Float32Array(p.categories + 1);
  const P = lay.pairFeatures;
  let fromPast = 0, fromPairs = 0;
  const model = pol.model!;
  assert.ok(model.updates > 100);
  const d = lay.dims, x = new Float64Array(d), pair = new Float32Array(p.pairFeatureSize);
  let checked = 0;
  runSteps(p, pol, 50, (actions) => {
    const so = p.streamObservations, uo = p.userObservations;
    for (let i = 0; i < p.nDeciding; i++) {
      const scores = [...p.liveStreams].map((s, j) => {
        // the dense x of (user i, stream s), built from the observations as the docs say
        x.fill(0);
        x[0] = 1;
        for (let f = 0; f < p.streamFeatureSize; f++) x[1 + f] = so[j * p.streamFeatureSize + f];
        const v = so[j * p.streamFeatureSize + lay.viewersAt];
        x[1 + p.streamFeatureSize] = v * v;
        p.pairFeatures(i, [s], 1, pair);
        for (let f = 0; f < p.pairFeatureSize; f++) x[lay.common + f] = pair[f];
        if (withPairs) {
          const rec = new Float32Array(PAIR_PAST_FEATURES);
          pol.pairPast!.write(p.deciding[i], s, rec, 0);
          for (let f = 0; f < PAIR_PAST_FEATURES; f++) x[lay.common + p.pairFeatureSize + f] = rec[f];
          if (rec[0] > 0) fromPairs++;
        }
        const c = p.streamers.category[s];
        x[lay.common + P + c] = uo[i * p.userFeatureSize + lay.userShareAt + c];
        if (past !== null) {
          past.write(p.deciding[i], pastRow, 0);
          x[lay.common + P + p.categories + c] = pastRow[c];
          if (pastRow[c] > 0) fromPast++;
        }
        return { s, v: model.estimate(x) + 0.7 * model.width(x) };
      });
      scores.sort((a, b) => b.v - a.v || a.s - b.s);
      const row = [...actions.subarray(2 * i, 2 * i + 2)];
      // the policy's picks are the dense argmax (up to round-off in near ties)
      for (let q = 0; q < 2 && q < scores.length; q++) {
        const got = scores.find((e) => e.s === row[q])!;
        assert.ok(Math.abs(got.v - scores[q].v) < 1e-9, `slot ${q}: picked ${row[q]} (${got.v}), best ${scores[q].s} (${scores[q].v})`);
      }
      checked++;
    }
  });
  assert.ok(checked > 20, `checked ${checked}`);
  assert.equal(lay.dims, model.dims);
  if (withPast) assert.ok(fromPast > 0, "no candidate had a past share");
  if (withPairs) assert.ok(fromPairs > 0, "no candidate pair had a past");
});
}

test("LinUCB warm-starts from a copy, and refuses a model of another shape", () => {
  const a = new LinUcbPolicy({ alpha: 0 });
  runPolicy(smallPlatform(1), a);
  const snap = a.snapshot();
  assert.ok(snap.updates > 0);
  const b = new LinUcbPolicy({ alpha: 0, warmStart: snap });
  runPolicy(smallPlatform(2), b);
  assert.equal(snap.updates, a.model!.updates, "the snapshot is not disturbed by the run it started");
  assert.ok(b.model!.updates > snap.updates);
  const other = new LinUcbPolicy({ warmStart: new LinearUcbModel(3, 1) });
  assert.throws(() => runPolicy(smallPlatform(3), other), /the model has 3 features but this platform gives/);
  assert.throws(() => new LinUcbPolicy({ alpha: -1 }), /alpha must be a number >= 0/);
  assert.throws(() => new LinearUcbModel(4, 0), /lambda must be a positive number/);
});

test("LinUCB is deterministic", () => {
  const run = () => runPolicy(smallPlatform(9, { slateSize: 3 }), new LinUcbPolicy()).metrics;
  assert.deepEqual(run(), run());
});
