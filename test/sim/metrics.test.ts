import { test } from "node:test";
import assert from "node:assert/strict";
import { MetricsRecorder, gini } from "../../src/sim/metrics.js";
import { RandomPolicy } from "../../src/policies/reference/random.js";
import { EVENT_REPEAT } from "../../src/sim/watch.js";
import { ARRIVAL } from "../../src/sim/users.js";
import { smallPlatform } from "./helpers.js";

const close = (a: number, b: number, what: string): void => assert.ok(Math.abs(a - b) < 1e-12, `${what}: ${a} vs ${b}`);

test("gini by hand", () => {
  close(gini([1, 1, 1]), 0, "equal");
  close(gini([0, 0, 3]), 2 / 3, "all to one of three");
  close(gini([1, 1, 2]), 1 / 6, "[1, 1, 2]");
  close(gini([]), 0, "empty");
});

test("metrics by hand on a tiny world: two users, three streamers, three days", () => {
  const m = new MetricsRecorder(2, 3, 3);
  for (const s of [0, 1, 2]) m.everLive[s] = 1;
  // User 0 (present from the start): a session on day 0 with a viewing and a "no thanks", one on day 1 with a repeat.
  m.sessionStarted(0, 0);
  m.exposure[0]++;
  m.decided(false, 0, 2, 20);
  m.likes++;
  m.exposure[1]++;
  m.decided(false, -1, 0, 0);
  m.sessionStarted(0, 1);
  m.exposure[0]++;
  m.decided(false, 0, 4, 40);
  m.repeats++;
  // User 1 (arrived on day 1.5): a session on day 1 watching the new streamer 2, following, then churning.
  m.sessionStarted(1, 1);
  m.exposure[2]++;
  m.decided(true, 2, 1, 10);
  m.follows++;
  m.churn(true);

  const s = m.summarize([3, 1.5], [1, 1], 2, 432);
  close(s.metrics.reward_per_user_day, 7 / 4.5, "reward per user-day");
  close(s.metrics.watch_minutes_per_user_day, 70 / 4.5, "minutes per user-day");
  close(s.metrics.ctr, 3 / 4, "ctr");
  close(s.metrics.sessions_per_user, 3 / 2, "sessions per user");
  close(s.metrics.return_rate, 1 / 3, "next-day return: user 0 day 0 -> day 1, of 3 active user-days");
  close(s.metrics.churned, 1 / 2, "churned");
  close(s.metrics.repeat_share, 1 / 3, "repeat share");
  close(s.metrics.coverage, 1, "coverage");
  close(s.metrics.exposure_gini, 1 / 6, "exposure gini of [2, 1, 1]");
  close(s.metrics.likes_per_user_day, 1 / 4.5, "likes");
  close(s.metrics.follows_per_user_day, 1 / 4.5, "follows");
  close(s.groups.new_users.reward_per_user_day, 1 / 1.5, "new users' reward");
  close(s.groups.initial_users.reward_per_user_day, 6 / 3, "initial users' reward");
  close(s.groups.new_users.churned, 1, "new users churned");
  close(s.groups.new_streamers.exposure_share, 1 / 4, "new streamers' exposure");
  close(s.groups.new_streamers.viewing_share, 1 / 3, "new streamers' viewings");
  close(s.groups.new_streamers.reward_share, 1 / 7, "new streamers' reward");
  close(s.groups.initial_streamers.reward_per_viewing, 3, "initial streamers' reward per viewing");
  assert.equal(s.counts.decisions, 4);
  assert.equal(s.counts.viewings, 3);
});

test("the platform's metrics agree with its step results", () => {
  const p = smallPlatform(41, { slateSize: 2 }, 150, 50, 3);
  const policy = new RandomPolicy(41);
  let reward = 0, decisions = 0, clicks = 0, repeats = 0, sessionsEnded = 0;
  const exposure = new Float64Array(p.catalogueSize);
  const everLive = new Uint8Array(p.catalogueSize);
  while (!p.done) {
    for (const s of p.liveStreams) everLive[s] = 1;
    const a = p.actions();
    policy.act(p, a);
    for (const s of a) if (s >= 0) exposure[s]++;
    const r = p.step(a);
    for (let i = 0; i < r.n; i++) {
      decisions++;
      reward += r.reward[i];
      if (r.chosen[i] >= 0) clicks++;
      if (r.events[i] & EVENT_REPEAT) repeats++;
      sessionsEnded += r.sessionEnded[i];
    }
  }
  const s = p.summary();
  close(s.metrics.reward_per_user_day * s.counts.user_days, reward, "total reward");
  assert.equal(s.counts.decisions, decisions);
  close(s.metrics.ctr, clicks / decisions, "ctr");
  close(s.metrics.repeat_share, repeats / clicks, "repeat share");
  const live = Array.from(exposure).filter((_, k) => everLive[k]);
  close(s.metrics.coverage, live.filter((x) => x > 0).length / live.length, "coverage");
  close(s.metrics.exposure_gini, gini(live), "exposure gini");
  assert.ok(s.counts.sessions >= sessionsEnded, "every ended session had started");
  let days = 0;
  for (let u = 0; u < p.users.active; u++) days += (p.horizon - p.users.get(u, ARRIVAL)) / 144;
  close(s.counts.user_days, days, "user-days from arrivals");
});
