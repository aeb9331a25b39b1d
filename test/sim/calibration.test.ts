import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../src/core/random/rng.js";
import { interactionLogFromRows } from "../../src/data/interaction-log.js";
import { referencePolicy } from "../../src/policies/reference/index.js";
import { CALIBRATION_STATISTICS, calibrate, filterLog, logStatistics, quantile } from "../../src/sim/calibration.js";
import { parseSimConfig } from "../../src/sim/config.js";

test("quantiles interpolate between order statistics", () => {
  assert.equal(quantile([1, 2, 3, 4], 0.5), 2.5);
  assert.equal(quantile([5], 0.9), 5);
  assert.equal(quantile([0, 10], 0.9), 9);
  assert.equal(quantile([], 0.5), 0);
});

test("log statistics by hand, with rows out of order in the file", () => {
  // user a: A@0, B@5, A@10 -> one repeat, 2 streamers, gaps 5 and 5
  // user b: A@20, A@3 (out of order) -> sorted A@3, A@20: one repeat, 1 streamer, gap 17
  const log = interactionLogFromRows([
    { user: "a", streamer: "A", start: 0 },
    { user: "b", streamer: "A", start: 20 },
    { user: "a", streamer: "B", start: 5 },
    { user: "b", streamer: "A", start: 3 },
    { user: "a", streamer: "A", start: 10 },
  ]);
  const s = logStatistics(log);
  assert.equal(s.repeat_share, 2 / 5);
  assert.equal(s.interactions_per_user, 5 / 2);
  assert.equal(s.streamers_per_user, 3 / 2);
  // popularity: A 4, B 1 -> gini of [1, 4] = (-1 * 1 + 1 * 4) / (2 * 5) = 0.3
  assert.ok(Math.abs(s.popularity_gini - 0.3) < 1e-12);
  assert.equal(s.gap_median, 5); // gaps 5, 5, 17
  assert.ok(Math.abs(s.gap_p90 - (5 + 0.8 * 12)) < 1e-12);
});

test("filterLog keeps users with enough viewings, then a seeded sample of them", () => {
  const rows = [];
  for (let u = 0; u < 20; u++) for (let k = 0; k < (u % 2 === 0 ? 12 : 3); k++) rows.push({ user: u, streamer: k % 4, start: 10 * k });
  const log = interactionLogFromRows(rows);
  const kept = filterLog(log, 10, null, new Rng(1));
  assert.equal(kept.n, 10 * 12);
  const sample = filterLog(log, 10, 4, new Rng(1));
  assert.equal(sample.n, 4 * 12);
  assert.deepEqual(Array.from(new Set(sample.user)).sort(), [0, 1, 2, 3]);
  assert.deepEqual(filterLog(log, 10, 4, new Rng(1)), sample, "seeded");
});

test("calibrate simulates the log's days, filters like the log and reports real, sim and relative error", () => {
  const rows = [];
  const rng = new Rng(5);
  for (let u = 0; u < 30; u++) for (let k = 0; k < 12; k++) rows.push({ user: u, streamer: rng.int(25), start: rng.int(2 * 144) });
  const log = interactionLogFromRows(rows);
  const result = calibrate(log, {
    config: parseSimConfig({ users: 150, streamers: 60 }), seed: 3, policy: referencePolicy("myopic-oracle", 3), minInteractions: 3,
  });
  assert.equal(result.real.days, 2);
  assert.equal(result.sim.days, 2);
  assert.ok(result.sim.users_kept <= 30);
  assert.deepEqual(Object.keys(result.metrics), [...CALIBRATION_STATISTICS]);
  for (const name of CALIBRATION_STATISTICS) {
    const m = result.metrics[name];
    assert.ok(Number.isFinite(m.sim) && m.sim >= 0);
    assert.ok(Math.abs(m.rel_err - Math.abs(m.sim - m.real) / m.real) < 1e-12);
  }
});
