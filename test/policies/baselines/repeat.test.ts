import { test } from "node:test";
import assert from "node:assert/strict";
import { RepeatPolicy, pastViewingsOf } from "../../../src/policies/baselines/repeat.js";
import { runSteps, smallPlatform } from "./helpers.js";

test("pastViewingsOf inverts the pair feature log1p(count) / 4 through float32", () => {
  const f = new Float32Array(1);
  for (let count = 0; count <= 5000; count++) {
    f[0] = Math.log1p(count) / 4;
    assert.equal(pastViewingsOf(f[0]), count);
  }
});

test("REP shows the user's most watched live streamers first, then the most viewed (POP)", () => {
  const p = smallPlatform(4, { slateSize: 2, days: 4 });
  const rep = new RepeatPolicy();
  let withHistory = 0, withoutHistory = 0;
  runSteps(p, rep, 10_000, (actions) => {
    const counts = rep.popularity.counts;
    for (let i = 0; i < p.nDeciding; i++) {
      const u = p.deciding[i];
      // The user's past viewings of each live streamer, read from the platform's history table.
      const key = (s: number) => {
        const entry = p.users.findHistory(u, s);
        return entry < 0 ? 0 : 2 * p.users.historyCount(entry) + (p.users.historyFollowed(entry) ? 1 : 0);
      };
      const ranked = [...p.liveStreams].sort((a, b) => key(b) - key(a) || counts[b] - counts[a] || a - b);
      assert.deepEqual([...actions.subarray(2 * i, 2 * i + 2)], [ranked[0] ?? -1, ranked[1] ?? -1], `decision ${i} at tick ${p.tick}`);
      const best = ranked[0];
      const entry = p.users.findHistory(u, best);
      if (entry >= 0 && p.users.historyCount(entry) > 0) withHistory++;
      else withoutHistory++;
    }
  });
  // Both branches were exercised: most-watched first, and POP for users with nothing watched live.
  assert.ok(withHistory > 50, `decisions with a watched streamer live: ${withHistory}`);
  assert.ok(withoutHistory > 50, `decisions without: ${withoutHistory}`);
});
