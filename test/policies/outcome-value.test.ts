/** What an outcome is worth over the next days: the features, the regression, the shaped reward, checkpoints. */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { StepResult } from "../../src/sim/platform.js";
import { EVENT_FOLLOW, EVENT_GIFT, EVENT_LIKE } from "../../src/sim/watch.js";
import { TICKS_PER_DAY, TICKS_PER_HOUR } from "../../src/sim/time.js";
import { OutcomeValue, OUTCOME_FEATURES, outcomeFeatures, type StreamerRecord } from "../../src/policies/outcome-value.js";
import { parseSimConfig } from "../../src/sim/config.js";
import { createPlatformDqn, platformDqnCheckpoint, restorePlatformDqn, DEFAULT_PLATFORM_DQN } from "../../src/train/platform-dqn-config.js";
import { trainOnPlatforms } from "../../src/train/platform-trainer.js";
import { CheckpointError } from "../../src/core/checkpoint/bundle.js";
import { Rng } from "../../src/core/random/rng.js";

/** Streamers 0 .. 9: streamer s has had 10 viewings and s gifts. */
const record: StreamerRecord = { viewings: new Int32Array(10).fill(10), gifts: Int32Array.from({ length: 10 }, (_, s) => s) };

/** A step of n decisions (users 0 .. n-1) with the given outcomes. */
function step(tick: number, chosen: number[], minutes: number[], events: number[], reward: number[], ended: number[] = chosen.map(() => 0)): StepResult {
  const n = chosen.length;
  return {
    tick, n, users: Int32Array.from({ length: n }, (_, i) => i), chosen: Int32Array.from(chosen), reward: Float64Array.from(reward),
    minutes: Float64Array.from(minutes), events: Uint8Array.from(events), sessionEnded: Uint8Array.from(ended), churned: new Uint8Array(n),
  };
}

test("outcome features: a 'no thanks' is all zeros, a viewing says its minutes and events", () => {
  const r = step(0, [-1, 3], [0, 45], [0, EVENT_LIKE | EVENT_FOLLOW], [0, 9]);
  const out = new Float64Array(2 * OUTCOME_FEATURES.length).fill(7);
  outcomeFeatures(r, 0, record, out, 0);
  outcomeFeatures(r, 1, record, out, OUTCOME_FEATURES.length);
  assert.deepEqual(Array.from(out.subarray(0, OUTCOME_FEATURES.length)), new Array(OUTCOME_FEATURES.length).fill(0));
  const v = Object.fromEntries(OUTCOME_FEATURES.map((f, k) => [f, out[OUTCOME_FEATURES.length + k]]));
  assert.equal(v.accepted, 1);
  assert.equal(v.log_minutes, Math.log1p(45));
  assert.equal(v.hours, 0.75);
  assert.equal(v.like, 1);
  assert.equal(v.follow, 1);
  assert.equal(v.gift, 0);
  assert.equal(v.comment, 0);
  assert.equal(v.streamer_gifts_per_viewing, (3 + 0.1) / (10 + 5));
});

/**
 * A log where each decision's reward is 1 plus `lift` if the user's previous decision was a viewing
 * and `giftCost` less if it brought a gift: the regression must find those effects on the next
 * days' reward, however long the viewings were.
 */
function syntheticRuns(v: OutcomeValue, runs: number, lift: number, giftCost: number, seed = 1): void {
  const users = 300, every = 6 * TICKS_PER_HOUR, days = 6, horizon = days * TICKS_PER_DAY;
  const rng = new Rng(seed);
  for (let run = 0; run < runs; run++) {
    v.startRun();
    const lastAccepted = new Float64Array(users), lastGift = new Float64Array(users);
    // Users differ in how much every decision pays them (an effect the controls must absorb).
    const base = Float64Array.from({ length: users }, (_, u) => 1 + (u % 5));
    for (let t = 0; t < horizon; t += every) {
      const chosen: number[] = [], minutes: number[] = [], events: number[] = [], reward: number[] = [];
      for (let u = 0; u < users; u++) {
        const accepted = rng.float() < 0.6;
        const gift = accepted && rng.float() < 0.3;
        chosen.push(accepted ? 1 + (u % 7) : -1);
        minutes.push(accepted ? 5 + 60 * rng.float() : 0);
        events.push(gift ? EVENT_GIFT : 0);
        reward.push(base[u] + lift * lastAccepted[u] - giftCost * lastGift[u] + rng.float());
        lastAccepted[u] = accepted ? 1 : 0;
        lastGift[u] = gift ? 1 : 0;
      }
      v.afterStep(step(t, chosen, minutes, events, reward), record);
    }
    v.record(horizon);
  }
}

test("the regression finds what an outcome adds to the next days' reward", () => {
  const v = new OutcomeValue(1);
  assert.deepEqual(Array.from(v.beta), new Array(OUTCOME_FEATURES.length).fill(0));
  syntheticRuns(v, 3, 2, 1.5);
  assert.equal(v.runs, 3);
  // What a viewing is worth, whatever its length (log_minutes and hours are collinear with
  // accepted here, so their weights are read together): 2, and 1.5 less with a gift.
  for (const m of [10, 30, 60]) {
    const r = step(0, [1, 1], [m, m], [0, EVENT_GIFT], [1, 1]);
    assert.ok(Math.abs(v.value(r, 0, record) - 2) < 0.3, `a viewing of ${m} minutes: ${v.value(r, 0, record)}`);
    assert.ok(Math.abs(v.value(r, 1, record) - v.value(r, 0, record) + 1.5) < 0.25, `a gift: ${v.value(r, 1, record) - v.value(r, 0, record)}`);
  }
  // No effect: nothing found.
  const none = new OutcomeValue(1);
  syntheticRuns(none, 3, 0, 0, 2);
  for (const m of [10, 30, 60]) {
    const r = step(0, [1, 1], [m, m], [0, EVENT_GIFT], [1, 1]);
    assert.ok(Math.abs(none.value(r, 0, record)) < 0.3 && Math.abs(none.value(r, 1, record)) < 0.3, `no effect, a viewing of ${m} minutes: ${none.value(r, 0, record)}, ${none.value(r, 1, record)}`);
  }
});

test("the shaped reward adds the value to a viewing, never to a 'no thanks', and never goes below 0", () => {
  const v = new OutcomeValue(1);
  syntheticRuns(v, 2, 2, 1.5);
  const r = step(0, [-1, 2, 2], [0, 30, 30], [0, 0, EVENT_GIFT], [0, 4, 0.1]);
  assert.equal(v.value(r, 0, record), 0);
  assert.equal(v.shaped(r, 0, record), 0);
  const phi = new Float64Array(OUTCOME_FEATURES.length);
  outcomeFeatures(r, 1, record, phi);
  const expected = phi.reduce((s, x, k) => s + x * v.beta[k], 0);
  assert.ok(Math.abs(v.value(r, 1, record) - expected) < 1e-12);
  assert.equal(v.shaped(r, 1, record), 4 + expected);
  assert.ok(v.value(r, 2, record) < v.value(r, 1, record), "a gift costs here");
  assert.equal(v.shaped(r, 2, record), Math.max(0, 0.1 + v.value(r, 2, record)));
  assert.ok(v.shaped(r, 2, record) >= 0);
});

test("an outcome value checkpoint round-trips and refuses what is broken", () => {
  const v = new OutcomeValue(3);
  syntheticRuns(v, 1, 1, 0);
  const b = v.toBundle();
  const bundle = { arrays: b.arrays, meta: {} } as never;
  const back = OutcomeValue.fromBundle(bundle, b.meta);
  assert.deepEqual(Array.from(back.beta), Array.from(v.beta));
  assert.deepEqual(Array.from(back.xtx), Array.from(v.xtx));
  assert.equal(back.days, 3);
  assert.equal(back.runs, 1);
  assert.equal(back.pastDays, v.pastDays);
  assert.deepEqual(Array.from(back.pastReward), Array.from(v.pastReward));
  assert.throws(() => OutcomeValue.fromBundle(bundle, { ...b.meta, days: -1 }), (e: unknown) => e instanceof CheckpointError && /outcomeValue\.days/.test(e.message));
  const broken = { ...b.arrays, "outcomeValue.beta": Float64Array.from(v.beta, (x, k) => (k === 2 ? NaN : x)) };
  assert.throws(() => OutcomeValue.fromBundle({ arrays: broken, meta: {} } as never, b.meta), (e: unknown) => e instanceof CheckpointError && /outcomeValue\.beta\[2\]/.test(e.message));
  assert.throws(() => new OutcomeValue(0), RangeError);
});

test("dqn.outcomeDays: training measures the value run by run, and a checkpoint carries it", async () => {
  const sim = parseSimConfig({ users: 120, streamers: 25, days: 2 });
  const hyper = { ...DEFAULT_PLATFORM_DQN, hidden: [16], embedding: 4, learningStarts: 100, explorationDecisions: 500, replayCapacity: 2_000, trainEvery: 4, embeddingLrScale: 3, outcomeDays: 1 };
  const pd = createPlatformDqn(sim, "feature", hyper, 1);
  assert.ok(pd.outcomeValue !== null);
  const seen: number[][] = [];
  await trainOnPlatforms(pd, { world: 0, seeds: [1, 2], episodes: 2, onEpisode: () => seen.push(Array.from(pd.outcomeValue!.beta)) });
  assert.equal(pd.outcomeValue!.runs, 2);
  assert.ok(pd.outcomeValue!.rows > 100);
  assert.ok(seen[0].some((x) => x !== 0) && seen[1].some((x, k) => x !== seen[0][k]), "each run moves the value");
  const back = restorePlatformDqn(platformDqnCheckpoint(pd));
  assert.deepEqual(Array.from(back.outcomeValue!.beta), Array.from(pd.outcomeValue!.beta));
  assert.equal(back.outcomeValue!.runs, 2);
  // The same training again gives the same value (everything random has its seed).
  const again = createPlatformDqn(sim, "feature", hyper, 1);
  await trainOnPlatforms(again, { world: 0, seeds: [1, 2], episodes: 2 });
  assert.deepEqual(Array.from(again.outcomeValue!.beta), Array.from(pd.outcomeValue!.beta));
  // Off: no value, and a checkpoint without one restores without one.
  const off = createPlatformDqn(sim, "feature", { ...hyper, outcomeDays: 0 }, 1);
  assert.equal(off.outcomeValue, null);
  assert.equal(restorePlatformDqn(platformDqnCheckpoint(off)).outcomeValue, null);
});
