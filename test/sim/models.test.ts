import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../src/core/random/rng.js";
import { chooseFromSlate, slateProbabilities } from "../../src/sim/choice.js";
import { parseSimConfig } from "../../src/sim/config.js";
import { TickQueue } from "../../src/sim/event-queue.js";
import { pairNoise } from "../../src/sim/sampling.js";
import { UserTable } from "../../src/sim/users.js";
import { EVENT_FOLLOW, EVENT_GIFT, EVENT_LIKE, ExpectedWatch, WatchOutcome, expectedWatch, sampleWatch, watchModel } from "../../src/sim/watch.js";

test("the slate choice follows its multinomial logit probabilities", () => {
  const utility = Float64Array.from([1, 0, -0.5]);
  const p = new Float64Array(3);
  const none = slateProbabilities(utility, 3, 0.2, p);
  assert.ok(Math.abs(none + p[0] + p[1] + p[2] - 1) < 1e-12);
  const rng = new Rng(1), counts = [0, 0, 0, 0], scratch = new Float64Array(3);
  const n = 200_000;
  for (let k = 0; k < n; k++) counts[chooseFromSlate(utility, 3, 0.2, rng.float(), scratch) + 1]++;
  assert.ok(Math.abs(counts[0] / n - none) < 0.005);
  for (let j = 0; j < 3; j++) assert.ok(Math.abs(counts[j + 1] / n - p[j]) < 0.005, `item ${j}`);
});

test("the closed-form expected viewing matches the mean of sampled viewings", () => {
  const m = watchModel(parseSimConfig({ watch: { likesPerHour: 2, giftsPerHour: 0.5, followsPerHour: 1 } }));
  const rng = new Rng(2), out = new WatchOutcome(), ex = new ExpectedWatch();
  for (const [e, remaining] of [[0.5, 30], [-1, 600], [2, 90]]) {
    expectedWatch(m, e, 1.2, remaining, true, 1.5, 1, ex);
    let minutes = 0, likes = 0, gifts = 0, follows = 0, reward = 0;
    const n = 100_000;
    for (let k = 0; k < n; k++) {
      sampleWatch(m, e, 1.2, remaining, true, 1.5, rng, out);
      minutes += out.minutes;
      reward += out.reward;
      if (out.events & EVENT_LIKE) likes++;
      if (out.events & EVENT_GIFT) gifts++;
      if (out.events & EVENT_FOLLOW) follows++;
      assert.ok(out.minutes <= remaining);
    }
    assert.ok(Math.abs(minutes / n - ex.minutes) < 0.02 * ex.minutes, `minutes at e=${e}`);
    assert.ok(Math.abs(likes / n - ex.pLike) < 0.01);
    assert.ok(Math.abs(gifts / n - ex.pGift) < 0.01);
    assert.ok(Math.abs(follows / n - ex.pFollow) < 0.01);
    assert.ok(Math.abs(reward / n - ex.reward) < 0.02 * ex.reward);
  }
});

test("pair noise is fixed per pair, roughly standard normal, and differs between pairs", () => {
  assert.equal(pairNoise(3, 7, 99), pairNoise(3, 7, 99));
  assert.notEqual(pairNoise(3, 7, 99), pairNoise(7, 3, 99));
  assert.notEqual(pairNoise(3, 7, 99), pairNoise(3, 7, 98));
  let s = 0, s2 = 0;
  const n = 100_000;
  for (let k = 0; k < n; k++) {
    const x = pairNoise(k % 1000, Math.floor(k / 1000), 5);
    s += x;
    s2 += x * x;
  }
  assert.ok(Math.abs(s / n) < 0.02);
  assert.ok(Math.abs(s2 / n - 1) < 0.05);
});

test("the tick queue returns each tick's users and drops events past the horizon", () => {
  const q = new TickQueue(10, 5);
  assert.equal(q.push(0, 3), true);
  q.push(1, 3);
  q.push(2, 4);
  assert.equal(q.push(3, 10), false);
  const at3: number[] = [];
  for (let u = q.take(3); u >= 0; u = q.after(u)) at3.push(u);
  assert.deepEqual(at3.sort(), [0, 1]);
  assert.equal(q.take(3), -1, "taken once");
  assert.equal(q.take(4), 2);
});

test("a user's history fills the entry nextHistoryEntry names (or the next, past a followed one), and when full forgets the longest-known unfollowed streamer", () => {
  const config = parseSimConfig({ users: 3, user: { historyCapacity: 4, followCapacity: 2 } });
  const users = new UserTable(config, new Rng(1), 100, new Float64Array(config.categories).fill(1 / config.categories));
  const u = 1;
  const added: number[] = [];
  for (let s = 0; s < 11; s++) {
    // The entry it names is the one filled, unless it holds a followed streamer: then the one after.
    const first = users.nextHistoryEntry(u), skipped = users.historyFollowed(first);
    const entry = users.addHistory(u, 100 + s);
    if (skipped) assert.equal(entry, u * 4 + ((first - u * 4 + 1) % 4), `streamer ${100 + s}`);
    else assert.equal(entry, first, `streamer ${100 + s}`);
    added.push(entry);
    if (s === 1) users.follow(u, entry); // streamer 101 is followed: never forgotten
  }
  assert.ok(users.findHistory(u, 101) >= 0, "the followed streamer stays");
  assert.equal(users.findHistory(u, 100), -1, "the first unfollowed streamer was forgotten");
  for (const s of [108, 109, 110]) assert.ok(users.findHistory(u, s) >= 0, `streamer ${s} is remembered`);
  assert.ok(added.every((j) => j >= u * 4 && j < u * 4 + 4), "entries stay in the user's own rows");
});
