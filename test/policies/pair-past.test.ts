/** The pairs' past weeks: what a run adds and when, what the encoder shows, what a checkpoint carries. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Platform } from "../../src/sim/platform.js";
import { parseSimConfig } from "../../src/sim/config.js";
import { RandomPolicy } from "../../src/policies/reference/random.js";
import { PairPast, PAIR_PAST_FEATURES } from "../../src/policies/pair-past.js";
import { createPlatformDqn, platformDqnCheckpoint, restorePlatformDqn, DEFAULT_PLATFORM_DQN } from "../../src/train/platform-dqn-config.js";
import { trainOnPlatforms } from "../../src/train/platform-trainer.js";
import { CheckpointError } from "../../src/core/checkpoint/bundle.js";

const sim = parseSimConfig({ users: 120, streamers: 25, days: 2 });
const hyper = { ...DEFAULT_PLATFORM_DQN, hidden: [16], embedding: 4, learningStarts: 100, explorationDecisions: 500, replayCapacity: 2_000, trainEvery: 4, embeddingLrScale: 3, pairPast: true, pastSlots: 3, pairTerm: false };

/**
 * A random run of `seed` with its recommendations noted in `past`; returns the platform and what it
 * noted: every stream shown is a recommendation of its pair, the one watched earns the reward.
 */
function noteRun(past: PairPast, seed: number, config = sim): { platform: Platform; recs: Map<number, { n: number; reward: number }> } {
  const p = new Platform(config, seed, { world: 0, withholdNewcomers: true });
  const policy = new RandomPolicy(seed);
  const recs = new Map<number, { n: number; reward: number }>();
  const K = p.slateSize;
  past.startRun();
  while (!p.done) {
    const actions = p.actions();
    policy.act(p, actions);
    past.beforeStep(p, actions);
    const users = Array.from(p.deciding.subarray(0, p.nDeciding)), shown = users.map((_, i) => Array.from(actions.subarray(i * K, (i + 1) * K)));
    const result = p.step(actions);
    past.afterStep(result);
    users.forEach((u, i) => {
      for (const s of shown[i]) {
        if (s < 0) continue;
        const r = recs.get(u * past.streamers + s) ?? { n: 0, reward: 0 };
        r.n++;
        if (s === result.chosen[i]) r.reward += result.reward[i];
        recs.set(u * past.streamers + s, r);
      }
    });
  }
  return { platform: p, recs };
}

test("with slates, every stream shown counts as a recommendation of its pair and the one watched earns the reward", () => {
  const slates = parseSimConfig({ users: 120, streamers: 25, days: 2, slateSize: 3 });
  const S = 40, past = new PairPast(slates.users, S);
  const { platform, recs } = noteRun(past, 4, slates);
  past.record(platform);
  let shown = 0, rewarded = 0;
  for (const [k, r] of recs) {
    assert.equal(past.recs[k], r.n, `pair ${k}`);
    assert.ok(Math.abs(past.reward[k] - r.reward) < 1e-3 * (1 + r.reward), `pair ${k}`);
    shown += r.n;
    if (r.reward > 0) rewarded++;
  }
  assert.ok(shown > 300 && rewarded > 0, `${shown} shown, ${rewarded} pairs rewarded`);
  assert.equal(past.recs.reduce((a, b) => a + b, 0), shown, "no pair was noted that was not shown");
});

test("a run's recommendations and viewings join the past only when it is recorded; the features are counts and a shrunk reward", () => {
  const S = 40, past = new PairPast(sim.users, S);
  const f = new Float32Array(PAIR_PAST_FEATURES);
  const { platform, recs } = noteRun(past, 1);
  assert.ok(recs.size > 100, `only ${recs.size} pairs recommended`);
  assert.ok(past.recs.every((x) => x === 0) && past.views.every((x) => x === 0), "the run is not in the past before it is recorded");
  past.record(platform);
  assert.equal(past.weeks, 1);
  let rewarded = 0;
  for (const [k, r] of recs) {
    const u = Math.floor(k / S), s = k % S;
    assert.equal(past.recs[k], r.n, `pair (${u}, ${s})`);
    assert.ok(Math.abs(past.reward[k] - r.reward) < 1e-3 * (1 + r.reward));
    past.write(u, s, f, 0);
    assert.ok(Math.abs(f[0] - Math.log1p(r.n) / 3) < 1e-6);
    assert.ok(Math.abs(f[1] - past.reward[k] / (r.n + 1) / 10) < 1e-6);
    if (r.reward > 0) rewarded++;
  }
  assert.ok(rewarded > 0, "no recommendation was rewarded");
  // Viewings: the users' history entries of the run, recommended or not.
  const users = platform.users, H = users.historyCapacity;
  let viewed = 0;
  for (let u = 0; u < sim.users; u++) {
    for (let h = 0; h < H; h++) {
      const j = u * H + h, s = users.histStreamer[j];
      if (s < 0) continue;
      assert.equal(past.views[u * S + s], users.historyCount(j), `viewings of (${u}, ${s})`);
      if (users.historyCount(j) > 0) viewed++;
    }
  }
  assert.ok(viewed > 0);
  // No past: zeros, for an unknown pair and for users or streamers out of range.
  for (const [u, s] of [[0, S - 1], [sim.users + 3, 0], [0, S + 2], [-1, 0]]) {
    if (past.evidence(u, s) > 0) continue;
    f.fill(9);
    past.write(u, s, f, 0);
    assert.deepEqual(Array.from(f), [0, 0, 0], `pair (${u}, ${s})`);
  }
  // A run that never finished is forgotten by the next one's start.
  const before = past.recs.slice();
  const p = new Platform(sim, 2, { world: 0, withholdNewcomers: true });
  const actions = p.actions();
  new RandomPolicy(2).act(p, actions);
  past.beforeStep(p, actions);
  past.afterStep(p.step(actions));
  past.startRun();
  past.record(new Platform(sim, 3, { world: 0, withholdNewcomers: true }));
  assert.deepEqual(past.recs, before);
});

test("training grows the pairs' past, the encoder's past slots (the record in the sketch, pairTerm false) show the pairs with most evidence, and a checkpoint carries it", async () => {
  const pd = createPlatformDqn(sim, "feature", hyper, 1);
  assert.ok(pd.pairPast !== null);
  const plain = createPlatformDqn(sim, "feature", { ...hyper, pairPast: false }, 1);
  assert.equal(plain.pairPast, null);
  assert.equal(createPlatformDqn(sim, "classic", hyper, 1).pairPast, null, "the classic head has no sketch to carry it");
  const p = new Platform(sim, 9, { world: 0 });
  const enc = pd.encoderFor(p), plainEnc = plain.encoderFor(p);
  assert.equal(enc.layout.pairSize, plainEnc.layout.pairSize + PAIR_PAST_FEATURES);
  assert.equal(enc.layout.sketchSlots, plainEnc.layout.sketchSlots + hyper.pastSlots);

  await trainOnPlatforms(pd, { world: 0, seeds: [1, 2], episodes: 2 });
  const pp = pd.pairPast!;
  assert.equal(pp.weeks, 2);
  assert.ok(pp.recs.some((x) => x > 0) && pp.views.some((x) => x > 0));

  // Each row: this week's sketch, then the user's past pairs of most evidence that are not in it.
  const { userSize: U, actionFeatureSize: f, pairSize: m } = enc.layout, K = hyper.sketchSlots, KP = hyper.pastSlots, mw = p.pairFeatureSize;
  let rows = 0, withPast = 0;
  for (let t = 0; t < 40 && !p.done; t++) {
    const actions = p.actions();
    const n = enc.encode(p);
    for (let i = 0; i < n; i++, rows++) {
      const u = p.deciding[i], row = i * enc.obsSize, base = row + U + f;
      const week = new Set<number>();
      for (let k = 0; k < K; k++) if (enc.obs[base + k * (1 + m)] >= 0) week.add(enc.obs[base + k * (1 + m)]);
      const shown: number[] = [];
      for (let k = 0; k < KP; k++) {
        const e = base + (K + k) * (1 + m), s = enc.obs[e];
        if (s < 0) continue;
        shown.push(s);
        assert.ok(!week.has(s), `user ${u}: streamer ${s} is in both parts of the sketch`);
        assert.ok(enc.obs.subarray(e + 1, e + 1 + mw).every((x) => x === 0), "a past slot has no pair features of this week");
        const expected = new Float32Array(PAIR_PAST_FEATURES);
        pp.write(u, s, expected, 0);
        assert.deepEqual(Array.from(enc.obs.subarray(e + 1 + mw, e + 1 + m)), Array.from(expected));
      }
      // The slots hold the pairs of most evidence: every left-out pair has no more than the least shown.
      const candidates: number[] = [];
      for (let s = 0; s < pp.streamers; s++) if (pp.evidence(u, s) > 0 && !week.has(s)) candidates.push(s);
      assert.equal(shown.length, Math.min(KP, candidates.length), `user ${u}`);
      if (shown.length > 0) {
        withPast++;
        const least = Math.min(...shown.map((s) => pp.evidence(u, s)));
        for (const s of candidates) if (!shown.includes(s)) assert.ok(pp.evidence(u, s) <= least, `user ${u}: streamer ${s} left out`);
      }
    }
    new RandomPolicy(t).act(p, actions);
    p.step(actions);
  }
  assert.ok(rows > 20 && withPast > 0, `${rows} rows, ${withPast} with a past`);

  const bundle = platformDqnCheckpoint(pd);
  const back = restorePlatformDqn(bundle);
  assert.deepEqual(back.pairPast!.recs, pp.recs);
  assert.deepEqual(back.pairPast!.reward, pp.reward);
  assert.deepEqual(back.pairPast!.views, pp.views);
  assert.equal(back.pairPast!.weeks, 2);

  // A damaged past is refused, naming what is wrong.
  const neg = bundle.arrays["pairPast.views"].slice() as Float32Array;
  neg[5] = -2;
  assert.throws(() => restorePlatformDqn({ ...bundle, arrays: { ...bundle.arrays, "pairPast.views": neg } }), (e: Error) => e instanceof CheckpointError && /pairPast\.views\[5\] = -2/.test(e.message));
  assert.throws(() => restorePlatformDqn({ ...bundle, arrays: { ...bundle.arrays, "pairPast.recs": new Float32Array(4) } }), /pairPast\.recs.*length 4/);
  assert.throws(() => restorePlatformDqn({ ...bundle, meta: { ...bundle.meta, pairPast: { ...(bundle.meta.pairPast as object), weeks: 0 } } }), /pairPast\.weeks is 0 but the pairs have a past/);
  assert.throws(() => restorePlatformDqn({ ...bundle, meta: { ...bundle.meta, pairPast: { ...(bundle.meta.pairPast as object), streamers: 0 } } }), /pairPast\.streamers must be a whole number >= 1, got 0/);
});

test("pairTerm: the Q-function reads each candidate's record from the table, a row keeps the record of the stream recommended, and a checkpoint restores both ways", async () => {
  const termHyper = { ...hyper, pairTerm: true, pastSlots: 0 };
  const pd = createPlatformDqn(sim, "feature", termHyper, 1), sketch = createPlatformDqn(sim, "feature", { ...hyper, pastSlots: 0 }, 1);
  const p = new Platform(sim, 9, { world: 0 });
  const enc = pd.encoderFor(p), sketchEnc = sketch.encoderFor(p);
  // No record in the sketch: the layout names the table instead (3 values a row, then the user).
  assert.equal(enc.layout.pairSize, sketchEnc.layout.pairSize - PAIR_PAST_FEATURES);
  assert.equal(enc.layout.pairTableSize, PAIR_PAST_FEATURES);
  assert.equal(enc.obsSize, sketchEnc.obsSize - sketchEnc.layout.sketchSlots * PAIR_PAST_FEATURES + PAIR_PAST_FEATURES);

  await trainOnPlatforms(pd, { world: 0, seeds: [1, 2], episodes: 2 });
  const pp = pd.pairPast!, S = enc.obsSize, A = enc.actions, R = PAIR_PAST_FEATURES;
  assert.equal(pp.weeks, 2);
  // The table holds the features of the counts.
  const want = new Float32Array(R);
  for (const k of [0, 7, 333]) {
    const u = Math.floor(k / pp.streamers), s = k % pp.streamers;
    const r = pp.recs[k];
    want[0] = Math.log1p(r) / 3;
    want[1] = pp.reward[k] / (r + 1) / 10;
    want[2] = Math.log1p(pp.views[k]) / 3;
    assert.deepEqual(Array.from(pp.table.features.subarray(k * R, (k + 1) * R)), Array.from(want), `pair (${u}, ${s})`);
  }

  // A user with a record of a live stream.
  let found: { i: number; u: number; a: number } | null = null;
  for (let t = 0; t < 200 && !p.done && found === null; t++) {
    const actions = p.actions();
    const n = enc.encode(p);
    for (let i = 0; i < n && found === null; i++) {
      const u = p.deciding[i];
      assert.equal(enc.obs[i * S + S - 1], u, "every row ends with its user");
      assert.ok(enc.obs.subarray(i * S + S - 1 - R, i * S + S - 1).every((x) => x === 0), "no record before a stream is recommended");
      for (let a = 0; a < A; a++) if (enc.mask[i * A + a] && pp.evidence(u, a) > 0) found = { i, u, a };
    }
    if (found !== null) break;
    new RandomPolicy(t).act(p, actions);
    p.step(actions);
  }
  assert.ok(found !== null, "no user met a live stream they have a record of");
  const { i, u, a } = found;
  const row = enc.obs.slice(i * S, (i + 1) * S), mask = enc.mask.slice(i * A, (i + 1) * A);
  const q = pd.agent.online;
  enc.refreshTable(p);
  const before = q.forward(row, 1, mask).slice();
  // Only the pair's own score moves when its record changes.
  const at = pp.table.offset(u, a), saved = pp.table.features.slice(at, at + R);
  pp.table.features.fill(0, at, at + R);
  const without = q.forward(row, 1, mask).slice();
  pp.table.features.set(saved, at);
  for (let b = 0; b < A; b++) {
    if (!mask[b]) continue;
    if (b === a) assert.notEqual(without[b], before[b], "the pair's record counts in its score");
    else assert.equal(without[b], before[b], `action ${b}'s score moved with another pair's record`);
  }
  // The row of a recommendation keeps the pair's record, and its Q(s, a) is the one forward gives.
  enc.setActionFeatures(i, a);
  pp.write(u, a, want, 0);
  assert.deepEqual(Array.from(enc.obs.subarray(i * S + S - 1 - R, i * S + S - 1)), Array.from(want));
  const chosen = new Float32Array(1);
  q.forwardChosen(enc.obs.subarray(i * S, (i + 1) * S), Int32Array.of(a), 1, chosen);
  assert.ok(Math.abs(chosen[0] - before[a]) < 1e-4 * (1 + Math.abs(before[a])), `Q(s, a) ${chosen[0]} against ${before[a]}`);

  // A checkpoint restores the term and the table; one from before pairTerm existed restores without it.
  const back = restorePlatformDqn(platformDqnCheckpoint(pd));
  assert.equal(back.hyper.pairTerm, true);
  assert.deepEqual(back.pairPast!.table.features, pp.table.features);
  back.encoderFor(p).refreshTable(p);
  assert.deepEqual(Array.from(back.agent.online.forward(row, 1, mask)), Array.from(before));
  const old = platformDqnCheckpoint(sketch);
  const oldMeta = old.meta.platform as { hyper: Record<string, unknown> };
  delete oldMeta.hyper.pairTerm;
  assert.equal(restorePlatformDqn(old).hyper.pairTerm, false);
});
