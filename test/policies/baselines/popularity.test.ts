import { test } from "node:test";
import assert from "node:assert/strict";
import { PopularityPolicy, ViewingCounts } from "../../../src/policies/baselines/popularity.js";
import { TICKS_PER_DAY } from "../../../src/sim/time.js";
import { runSteps, smallPlatform } from "./helpers.js";

test("POP counts the platform's viewings and shows every user the most viewed live streams", () => {
  const p = smallPlatform(3, { slateSize: 3 });
  const pop = new PopularityPolicy();
  let checked = 0;
  runSteps(p, pop, 400, (actions) => {
    const counts = pop.popularity.counts;
    // POP's counts are the platform's own counter of viewings.
    for (let s = 0; s < p.catalogueSize; s++) assert.equal(counts[s], p.streamers.viewings[s], `viewings of streamer ${s}`);
    const ranked = [...p.liveStreams].sort((a, b) => counts[b] - counts[a] || a - b);
    const want = [0, 1, 2].map((q) => ranked[q] ?? -1);
    for (let i = 0; i < p.nDeciding; i++) assert.deepEqual([...actions.subarray(3 * i, 3 * i + 3)], want);
    checked++;
  });
  assert.ok(checked > 100);
  assert.ok(p.streamers.viewings.some((v) => v > 5), "some streamer was watched repeatedly");
});

test("POP's recency weighting halves a viewing's weight every half-life, and survives rescaling", () => {
  const c = new ViewingCounts(1);
  c.reset(3);
  c.add(0, 0);
  c.add(1, TICKS_PER_DAY);
  assert.ok(Math.abs(c.counts[1] / c.counts[0] - 2) < 1e-12);
  // far later: the inflated weights are rescaled, the ratios stay
  c.add(2, 400 * TICKS_PER_DAY);
  c.add(2, 400 * TICKS_PER_DAY);
  assert.ok(Number.isFinite(c.counts[2]) && c.counts[2] > 0);
  c.add(1, 401 * TICKS_PER_DAY);
  assert.ok(Math.abs(c.counts[1] / c.counts[2] - 1) < 1e-9, "one viewing a day later weighs as much as two a day earlier");
  assert.ok(c.counts[0] < 1e-100 * c.counts[2], "the old viewings have faded");
  assert.throws(() => new ViewingCounts(-1), /halfLifeDays must be a number >= 0/);
});

test("POP adds the viewings of a training log, and refuses one outside the platform", () => {
  const p = smallPlatform(2);
  const log = { n: 3, user: Int32Array.of(0, 1, 2), streamer: Int32Array.of(5, 5, 5), tick: Int32Array.of(0, 0, 0) };
  const pop = new PopularityPolicy({ trainingLog: log });
  const actions = p.actions();
  pop.act(p, actions);
  assert.equal(pop.popularity.counts[5], 3);
  if (p.liveMask[5]) assert.equal(actions[0], 5);
  const bad = { ...log, streamer: Int32Array.of(5, 5, 9999) };
  assert.throws(() => new PopularityPolicy({ trainingLog: bad }).act(p, actions), /row 2 names streamer 9999, outside the catalogue/);
});
