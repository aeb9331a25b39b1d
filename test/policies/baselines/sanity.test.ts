import { test } from "node:test";
import assert from "node:assert/strict";
import { parseSimConfig } from "../../../src/sim/config.js";
import { sanityRun } from "./sanity-run.js";

test("on a small platform (300 users, 40 streamers, 3 days), every baseline earns more reward per user-day than random", (t) => {
  const config = parseSimConfig({ users: 300, streamers: 40, days: 3 });
  const rows = sanityRun(config, [1, 2, 3], ["random", "most-viewed-now", "pop", "rep", "bpr-mf", "linucb"]);
  const random = rows[0].reward_per_user_day;
  for (const r of rows) t.diagnostic(`${r.policy}: ${r.reward_per_user_day.toFixed(3)} (${(r.reward_per_user_day / random).toFixed(2)}x random)`);
  for (const r of rows.slice(1)) assert.ok(r.reward_per_user_day > random, `${r.policy}: ${r.reward_per_user_day} <= random ${random}`);
});
