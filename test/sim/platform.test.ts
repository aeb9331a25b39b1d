import { test } from "node:test";
import assert from "node:assert/strict";
import { SimActionError } from "../../src/sim/platform.js";
import { RandomPolicy } from "../../src/policies/reference/random.js";
import { TICK_MINUTES } from "../../src/sim/time.js";
import { smallPlatform } from "./helpers.js";

test("a batch exposes the deciding users, their observations, the live streams and an action buffer of the right sizes", () => {
  const p = smallPlatform(1, { slateSize: 3 });
  assert.ok(!p.done && p.nDeciding > 0 && p.nLive > 0);
  assert.equal(p.deciding.length, p.nDeciding);
  assert.equal(p.userObservations.length, p.nDeciding * p.userFeatureSize);
  assert.equal(p.userFeatureNames.length, p.userFeatureSize);
  assert.equal(p.streamObservations.length, p.nLive * p.streamFeatureSize);
  assert.equal(p.streamFeatureNames.length, p.streamFeatureSize);
  assert.equal(p.actions().length, p.nDeciding * 3);
  for (const x of p.userObservations) assert.ok(Number.isFinite(x) && x >= -1 && x <= 1.0001, `user feature ${x} in [-1, 1]`);
  for (const x of p.streamObservations) assert.ok(Number.isFinite(x) && x >= 0 && x <= 2, `stream feature ${x} in [0, 2]`);
  const pair = new Float32Array(p.nLive * p.pairFeatureSize);
  p.pairFeatures(0, p.liveStreams, p.nLive, pair);
  for (const x of pair) assert.ok(x >= 0 && x <= 1);
});

test("the live mask covers exactly the live streams, tick after tick", () => {
  const p = smallPlatform(2);
  const policy = new RandomPolicy(2);
  let checked = 0;
  while (!p.done) {
    const S = p.streamers;
    const live = new Set(p.liveStreams);
    assert.equal(live.size, p.nLive);
    for (let s = 0; s < p.catalogueSize; s++) {
      const isLive = S.live[s] === 1 && S.liveStart[s] <= p.tick && p.tick < S.liveEnd[s];
      assert.equal(p.liveMask[s] === 1, isLive, `mask of ${s} at tick ${p.tick}`);
      assert.equal(live.has(s), isLive);
      if (isLive) assert.equal(p.liveStreams[p.liveRow[s]], s);
      else assert.equal(p.liveRow[s], -1);
      if (isLive) assert.equal(p.streamObservations[p.liveRow[s] * p.streamFeatureSize + S.category[s]], 1, "category one-hot in the stream's row");
    }
    checked++;
    const a = p.actions();
    policy.act(p, a);
    p.step(a);
  }
  assert.ok(checked > 100);
});

test("a stream can be recommended only while it is live", () => {
  const p = smallPlatform(3);
  const s = p.liveStreams[0];
  const end = p.streamers.liveEnd[s];
  const a = p.actions();
  a.fill(s);
  p.step(a); // accepted while live
  const policy = new RandomPolicy(3);
  while (!p.done && p.tick < end) {
    const b = p.actions();
    policy.act(p, b);
    p.step(b);
  }
  assert.ok(!p.done && p.liveMask[s] === 0, "the stream has ended");
  const c = p.actions();
  policy.act(p, c);
  c[0] = s;
  assert.throws(() => p.step(c), (err: Error) => err instanceof SimActionError && /streamer \d+ is not live/.test(err.message));
});

test("step refuses bad actions with a clear error and changes nothing", () => {
  const fresh = smallPlatform(4, { slateSize: 2 });
  const p = smallPlatform(4, { slateSize: 2 });
  const notLive = Array.from({ length: p.catalogueSize }, (_, s) => s).find((s) => p.liveMask[s] === 0)!;
  const good = (): Int32Array => {
    const a = new Int32Array(p.nDeciding * 2);
    for (let i = 0; i < p.nDeciding; i++) {
      a[2 * i] = p.liveStreams[0];
      a[2 * i + 1] = -1;
    }
    return a;
  };
  const refused = (a: Int32Array, pattern: RegExp, users?: ArrayLike<number>): void => {
    assert.throws(() => p.step(a, users), (err: Error) => err instanceof SimActionError && pattern.test(err.message), String(pattern));
  };
  const tooMany = new Int32Array(p.nDeciding * 2 + 2).fill(p.liveStreams[0]);
  refused(tooMany, /expected \d+ actions .* actions for users who need no decision are refused/);
  let a = good();
  a[0] = notLive;
  refused(a, new RegExp(`row 0 \\(user \\d+\\) slot 0 at tick \\d+: streamer ${notLive} is not live`));
  a = good();
  a[0] = -1;
  refused(a, /streamer -1 is not in the catalogue/);
  a = good();
  a[1] = a[0];
  refused(a, /already in the slate/);
  a = good();
  a[0] = p.catalogueSize + 5;
  refused(a, /not in the catalogue/);
  const idle = Array.from({ length: p.userCapacity }, (_, u) => u).find((u) => !p.deciding.includes(u))!;
  const users = Int32Array.from(p.deciding);
  users[0] = idle;
  refused(good(), new RegExp(`user ${idle} \\(row 0\\) needs no decision`), users);
  // Nothing changed: the same good step gives the same result as on a platform that saw no bad one.
  const r1 = p.step(good(), Int32Array.from(p.deciding));
  const b = new Int32Array(fresh.nDeciding * 2);
  for (let i = 0; i < fresh.nDeciding; i++) {
    b[2 * i] = fresh.liveStreams[0];
    b[2 * i + 1] = -1;
  }
  const r2 = fresh.step(b);
  assert.deepEqual(Array.from(r1.reward), Array.from(r2.reward));
  assert.deepEqual(Array.from(r1.chosen), Array.from(r2.chosen));
});

test("step results are consistent: watched streams, minutes within the stream, events only when watching", () => {
  const p = smallPlatform(5);
  const policy = new RandomPolicy(5);
  let viewings = 0;
  while (!p.done) {
    const a = p.actions();
    policy.act(p, a);
    const liveEnd = new Map(Array.from(p.liveStreams, (s) => [s, p.streamers.liveEnd[s]]));
    const t = p.tick;
    const r = p.step(a);
    for (let i = 0; i < r.n; i++) {
      if (r.chosen[i] < 0) {
        assert.equal(r.reward[i], 0);
        assert.equal(r.minutes[i], 0);
        assert.equal(r.events[i], 0);
      } else {
        viewings++;
        assert.equal(r.chosen[i], a[i]);
        assert.ok(r.minutes[i] > 0 && r.minutes[i] <= (liveEnd.get(r.chosen[i])! - t) * TICK_MINUTES + 1e-9);
        assert.ok(r.reward[i] >= p.config.reward.watchMinute * r.minutes[i] - 1e-9);
      }
      if (r.churned[i]) assert.equal(r.sessionEnded[i], 1, "churn ends the session");
    }
  }
  assert.ok(viewings > 50);
});

test("streamers who debut during the run take reserved catalogue slots and go live only after their debut", () => {
  const p = smallPlatform(6, { population: { newStreamersPerDay: 0.2, newUsersPerDay: 0.2 } }, 100, 40, 3);
  const S = p.streamers;
  assert.ok(p.catalogueSize > 40, "slots reserved for debuts");
  assert.ok(p.userCapacity > 100, "slots reserved for arrivals");
  const policy = new RandomPolicy(6);
  const everLive = new Uint8Array(p.catalogueSize);
  while (!p.done) {
    for (const s of p.liveStreams) {
      everLive[s] = 1;
      assert.ok(S.debutTick[s] <= p.tick);
    }
    const a = p.actions();
    policy.act(p, a);
    p.step(a);
  }
  assert.ok(everLive.slice(40).some((x) => x === 1), "some new streamer went live");
  assert.ok(p.summary().groups.new_users.users > 0);
});

test("candidate rows put the user's, the stream's and the pair's features side by side", () => {
  const p = smallPlatform(7);
  const W = p.candidateFeatureSize, UF = p.userFeatureSize, SF = p.streamFeatureSize;
  const rows = new Float32Array(p.nLive * W);
  const i = p.nDeciding - 1;
  p.candidateFeatures(i, rows);
  const pair = new Float32Array(p.nLive * p.pairFeatureSize);
  p.pairFeatures(i, p.liveStreams, p.nLive, pair);
  for (let j = 0; j < p.nLive; j++) {
    assert.deepEqual(rows.subarray(j * W, j * W + UF), p.userObservations.subarray(i * UF, i * UF + UF));
    assert.deepEqual(rows.subarray(j * W + UF, j * W + UF + SF), p.streamObservations.subarray(j * SF, j * SF + SF));
    assert.deepEqual(rows.subarray(j * W + UF + SF, (j + 1) * W), pair.subarray(j * p.pairFeatureSize, (j + 1) * p.pairFeatureSize));
  }
});
