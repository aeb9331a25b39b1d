import { test } from "node:test";
import assert from "node:assert/strict";
import { parseSimConfig } from "../../src/sim/config.js";
import { Platform } from "../../src/sim/platform.js";
import { runPolicy } from "../../src/sim/policy.js";
import { RandomPolicy } from "../../src/policies/reference/random.js";

const config = parseSimConfig({ users: 200, streamers: 60, days: 4, population: { newUsersPerDay: 0.05, newStreamersPerDay: 0.05 } });

test("one world, two seeds: the same streamers and users, another course of events", () => {
  const a = new Platform(config, 1, { world: 7 });
  const b = new Platform(config, 2, { world: 7 });
  assert.equal(a.world, 7);
  assert.equal(a.catalogueSize, b.catalogueSize);
  assert.equal(a.userCapacity, b.userCapacity);
  assert.deepEqual(a.streamers.quality, b.streamers.quality);
  assert.deepEqual(a.streamers.category, b.streamers.category);
  assert.deepEqual(a.streamers.debutTick, b.streamers.debutTick);
  const ra = runPolicy(a, new RandomPolicy(1)), rb = runPolicy(b, new RandomPolicy(1));
  assert.notEqual(ra.metrics.reward_per_user_day, rb.metrics.reward_per_user_day);
  // Another world under the same seed is another platform.
  const c = new Platform(config, 1, { world: 8 });
  assert.notDeepEqual(c.streamers.quality, a.streamers.quality);
});

test("without a world, the seed is the world (as before)", () => {
  const a = new Platform(config, 3), b = new Platform(config, 3, { world: 3 });
  assert.equal(a.world, 3);
  assert.deepEqual(runPolicy(a, new RandomPolicy(1)), runPolicy(b, new RandomPolicy(1)));
});

test("withholding newcomers: no streamer who debuts ever goes live, no user who arrives ever decides", () => {
  const p = new Platform(config, 1, { world: 7, withholdNewcomers: true });
  assert.ok(p.catalogueSize > p.streamers.initialCount && p.userCapacity > p.users.initialCount, "the world has newcomers");
  const policy = new RandomPolicy(1);
  while (!p.done) {
    for (let j = 0; j < p.nLive; j++) assert.ok(!p.streamers.isNew(p.liveStreams[j]), `new streamer ${p.liveStreams[j]} live at tick ${p.tick}`);
    for (let i = 0; i < p.nDeciding; i++) assert.ok(!p.users.isNew(p.deciding[i]), `new user ${p.deciding[i]} deciding at tick ${p.tick}`);
    const actions = p.actions();
    policy.act(p, actions);
    p.step(actions);
  }
  // The same world with its newcomers does meet them.
  const q = new Platform(config, 1, { world: 7 });
  let sawNew = false;
  while (!q.done && !sawNew) {
    for (let j = 0; j < q.nLive; j++) if (q.streamers.isNew(q.liveStreams[j])) sawNew = true;
    const actions = q.actions();
    policy.act(q, actions);
    q.step(actions);
  }
  assert.ok(sawNew);
});

test("a world seed that is not an integer is refused", () => {
  assert.throws(() => new Platform(config, 1, { world: 1.5 }), /world must be an integer, got 1.5/);
});
