/** The users' past weeks: what a run adds, what the encoder shows, what a checkpoint carries. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Platform } from "../../src/sim/platform.js";
import { parseSimConfig } from "../../src/sim/config.js";
import { runPolicy } from "../../src/sim/policy.js";
import { RandomPolicy } from "../../src/policies/reference/random.js";
import { UserPast, pastFeatureNames } from "../../src/policies/user-past.js";
import { createPlatformDqn, platformDqnCheckpoint, restorePlatformDqn, DEFAULT_PLATFORM_DQN } from "../../src/train/platform-dqn-config.js";
import { trainOnPlatforms } from "../../src/train/platform-trainer.js";
import { CheckpointError } from "../../src/core/checkpoint/bundle.js";

const sim = parseSimConfig({ users: 120, streamers: 25, days: 2 });
const hyper = { ...DEFAULT_PLATFORM_DQN, hidden: [16], embedding: 4, learningStarts: 100, explorationDecisions: 500, replayCapacity: 2_000, trainEvery: 4, embeddingLrScale: 3 };

/** Minutes by category of every initial user after a random run of `seed`. */
function runMinutes(seed: number): { platform: Platform; minutes: Float64Array } {
  const p = new Platform(sim, seed, { world: 0, withholdNewcomers: true });
  runPolicy(p, new RandomPolicy(seed));
  const C = sim.categories, m = new Float64Array(sim.users * C);
  for (let u = 0; u < sim.users; u++) for (let c = 0; c < C; c++) m[u * C + c] = p.users.vec[p.users.minutesAt(u) + c];
  return { platform: p, minutes: m };
}

test("a run's minutes join the past; the features are shares by category and hours per week, 0 without a past", () => {
  const past = new UserPast(sim.users, sim.categories);
  const C = sim.categories, f = new Float32Array(C + 1);
  past.write(3, f, 0);
  assert.deepEqual(Array.from(f), new Array(C + 1).fill(0), "no week recorded: no past");
  const a = runMinutes(1), b = runMinutes(2);
  past.record(a.platform);
  past.record(b.platform);
  assert.equal(past.weeks, 2);
  let watched = 0;
  for (let u = 0; u < sim.users; u++) {
    let total = 0;
    for (let c = 0; c < C; c++) total += a.minutes[u * C + c] + b.minutes[u * C + c];
    past.write(u, f, 0);
    if (total === 0) {
      assert.ok(f.every((x) => x === 0), `user ${u} watched nothing yet has a past`);
      continue;
    }
    watched++;
    let sum = 0;
    for (let c = 0; c < C; c++) {
      assert.ok(Math.abs(f[c] - (a.minutes[u * C + c] + b.minutes[u * C + c]) / total) < 1e-6, `user ${u}, category ${c}`);
      sum += f[c];
    }
    assert.ok(Math.abs(sum - 1) < 1e-5);
    assert.ok(Math.abs(f[C] - Math.log1p(total / 60 / 2) / 3) < 1e-6, "hours per week recorded");
  }
  assert.ok(watched > 50, `only ${watched} users watched anything`);
  // Users beyond the remembered ones (newcomers) have no past.
  past.write(sim.users + 5, f, 0);
  assert.ok(f.every((x) => x === 0));
  assert.deepEqual(pastFeatureNames(["games", "music"]), ["past_share_games", "past_share_music", "past_hours_per_week"]);

});

test("training adds each finished run to the agent's past, the encoder appends it, and a checkpoint carries it", async () => {
  const pd = createPlatformDqn(sim, "feature", hyper, 1);
  assert.ok(pd.past !== null);
  const plain = createPlatformDqn(sim, "feature", { ...hyper, userPast: false }, 1);
  const p = new Platform(sim, 9, { world: 0 });
  const enc = pd.encoderFor(p);
  assert.equal(enc.layout.userSize, plain.encoderFor(p).layout.userSize + sim.categories + 1);

  await trainOnPlatforms(pd, { world: 0, seeds: [1, 2], episodes: 2 });
  assert.equal(pd.past!.weeks, 2);
  let sum = 0;
  for (const x of pd.past!.minutes) sum += x;
  assert.ok(sum > 0, "the training's minutes are in the past");

  // The encoder writes the past after the platform's user features.
  p.actions();
  const n = enc.encode(p);
  assert.ok(n > 0);
  const U0 = p.userFeatureSize, expected = new Float32Array(sim.categories + 1);
  let withPast = 0;
  for (let i = 0; i < n; i++) {
    pd.past!.write(p.deciding[i], expected, 0);
    assert.deepEqual(Array.from(enc.obs.subarray(i * enc.obsSize + U0, i * enc.obsSize + U0 + sim.categories + 1)), Array.from(expected));
    if (expected[sim.categories] > 0) withPast++;
  }
  assert.ok(withPast > 0, "no deciding user has a past");


  const bundle = platformDqnCheckpoint(pd);
  const back = restorePlatformDqn(bundle);
  assert.deepEqual(back.past!.minutes, pd.past!.minutes);
  assert.equal(back.past!.weeks, 2);

  // A corrupt past is refused, naming what is wrong.
  const bad = { ...bundle, arrays: { ...bundle.arrays, "past.minutes": new Float64Array(3) } };
  assert.throws(() => restorePlatformDqn(bad), (e: Error) => e instanceof CheckpointError && /past\.minutes.*length 3/.test(e.message));
  const neg = bundle.arrays["past.minutes"].slice() as Float64Array;
  neg[7] = -1;
  assert.throws(() => restorePlatformDqn({ ...bundle, arrays: { ...bundle.arrays, "past.minutes": neg } }), /past\.minutes\[7\] = -1/);
  assert.throws(() => restorePlatformDqn({ ...bundle, meta: { ...bundle.meta, past: { ...(bundle.meta.past as object), weeks: -2 } } }), /past\.weeks must be a whole number >= 0, got -2/);
  assert.throws(() => restorePlatformDqn({ ...bundle, meta: { ...bundle.meta, past: { ...(bundle.meta.past as object), weeks: 0 } } }), /past\.weeks is 0 but past\.minutes holds minutes/);
  assert.throws(() => restorePlatformDqn({ ...bundle, meta: { ...bundle.meta, past: { ...(bundle.meta.past as object), users: 7 } } }), /past\.minutes.*length/);
  const { "past.minutes": _dropped, ...withoutPast } = bundle.arrays;
  assert.throws(() => restorePlatformDqn({ ...bundle, arrays: withoutPast }), /array "past.minutes" is missing/);

  // A checkpoint from before the past existed (no userPast in its hyper-parameters) restores without one.
  const old = platformDqnCheckpoint(plain);
  const meta = old.meta as { platform: { hyper: Record<string, unknown> } };
  const { userPast: _u, ...oldHyper } = meta.platform.hyper;
  const restored = restorePlatformDqn({ ...old, meta: { ...old.meta, platform: { ...meta.platform, hyper: oldHyper } } });
  assert.equal(restored.past, null);
});
