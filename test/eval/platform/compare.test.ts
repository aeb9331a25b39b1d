import { test } from "node:test";
import assert from "node:assert/strict";
import { compareOnPlatform } from "../../../src/eval/platform/compare.js";
import { toCompareJson, toReportData } from "../../../src/eval/platform/report-data.js";
import { parseExperimentConfig } from "../../../src/train/experiment-config.js";
import { validateComparisonReportData } from "../../../src/report/validate.js";

test("compare: every policy on the same evaluation seeds, mean and interval per metric, headline ratios", async () => {
  const exp = parseExperimentConfig({
    sim: { users: 120, streamers: 20, days: 1 },
    dqn: { hidden: [16], embedding: 4, learningStarts: 50, explorationDecisions: 200, replayCapacity: 2000 },
    training: { episodes: 1, seeds: [1, 2], ensemble: 4 },
  });
  const stages: string[] = [];
  const r = await compareOnPlatform({ exp, evalSeeds: [1001, 1002], heads: ["feature", "classic"], baselines: ["random", "pop", "rep", "myopic-oracle"], onStage: (s) => stages.push(s) });
  // POP learns from logs: tuned in a worker thread, listed in its place all the same
  assert.deepEqual(r.policies.map((p) => p.name), ["dqn", "dqn-classic", "random", "pop", "rep", "myopic-oracle"]);
  assert.deepEqual(r.tuning.map((t) => t.policy), ["random", "pop", "rep", "myopic-oracle"]);
  assert.ok(stages.some((s) => s.startsWith("evaluating pop (tuned in a worker thread)")));
  for (const p of r.policies) {
    assert.equal(p.perSeed.reward_per_user_day.length, 2);
    const e = p.estimates.reward_per_user_day;
    const v = p.perSeed.reward_per_user_day;
    assert.ok(Math.abs(e.mean - (v[0] + v[1]) / 2) < 1e-12);
  }
  const best = ["random", "pop", "rep"].map((n) => r.policies.find((p) => p.name === n)!).sort((a, b) => b.estimates.reward_per_user_day.mean - a.estimates.reward_per_user_day.mean)[0];
  assert.equal(r.headline.bestBaseline, best.name);
  const dqn = r.policies[0].estimates.reward_per_user_day.mean;
  assert.ok(Math.abs(r.headline.dqnVsBestBaseline - dqn / best.estimates.reward_per_user_day.mean) < 1e-12);
  assert.ok(r.headline.dqnVsMyopicOracle !== null);
  const json = toCompareJson(r) as { policies: Record<string, Record<string, { mean: number; ci95: number }>>; dqn_vs_best_baseline: number };
  assert.ok(json.policies.dqn.reward_per_user_day.ci95 >= 0);
  assert.equal(json.dqn_vs_best_baseline, r.headline.dqnVsBestBaseline);
  // The feature head is an ensemble of training.ensemble agents (4 here, 8 by default): seeds 1 to 4, one curve each; the classic head one agent.
  assert.deepEqual(r.curves.map((c) => `${c.head} ${c.agentSeed}`), ["feature 1", "feature 2", "feature 3", "feature 4", "classic 1"]);
  for (const c of r.curves) assert.ok(c.points.length > 0);
  const report = toReportData(r);
  validateComparisonReportData(report);
  assert.deepEqual([...new Set(report.curves.map((c) => c.run))], [1, 2, 3, 4].map((k) => `DQN (feature head) seed ${k}`).concat("DQN (classic head)"));
  assert.ok(stages.some((s) => s.startsWith("training")));
  await assert.rejects(compareOnPlatform({ exp, evalSeeds: [1], heads: ["feature"], baselines: ["random"] }), /also a training seed/);
});

test("compare: with dqn.pairPast LinUCB reads the pairs' past too (the same facts as the DQN); without it, not", async () => {
  for (const pairPast of [true, false]) {
    const exp = parseExperimentConfig({
      sim: { users: 120, streamers: 20, days: 1 },
      dqn: { hidden: [16], embedding: 4, learningStarts: 50, explorationDecisions: 200, replayCapacity: 2000, pairPast, pastSlots: 4 },
      training: { episodes: 2, seeds: [1, 2], ensemble: 1 },
    });
    const r = await compareOnPlatform({ exp, evalSeeds: [1001], heads: ["feature"], baselines: ["linucb"] });
    const summary = r.tuning.find((t) => t.policy === "linucb")!.summary;
    if (pairPast) assert.match(summary, /and the pairs' past of its 2 training runs\.$/);
    else assert.doesNotMatch(summary, /pairs'/);
  }
});
