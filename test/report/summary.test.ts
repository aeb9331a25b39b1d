import { test } from "node:test";
import assert from "node:assert/strict";
import { summarizeComparison } from "../../src/report/summary.js";
import { decimalsForScale, formatEstimate, formatRatio, slug } from "../../src/report/format.js";
import { validateComparisonReportData } from "../../src/report/validate.js";
import type { ComparisonReportData } from "../../src/report/types.js";
import { sampleReportData } from "./sampleData.js";

/** The sample with DQN's headline reward set, the headline ratios recomputed, and validated. */
function withDqnReward(mean: number, ci95: number): ComparisonReportData {
  return validateComparisonReportData(sampleReportData(mean, ci95));
}

test("a clear win: ratio, both numbers, and that the intervals do not overlap", () => {
  const s = summarizeComparison(withDqnReward(1.25, 0.03));
  assert.equal(s.comparisons[0]!.outcome, "clear win");
  assert.equal(s.comparisons[0]!.policy.name, "rep");
  assert.match(s.sentences[0]!, /^DQN \(feature head\) earned 1\.18× the reward per user-day of the best baseline \(REP\): 1\.25 ± 0\.03 against 1\.06 ± 0\.0\d\. The 95% intervals do not overlap, so this is a clear win\.$/);
});

test("a clear loss is called a loss", () => {
  const s = summarizeComparison(withDqnReward(0.8, 0.02));
  assert.equal(s.comparisons[0]!.outcome, "clear loss");
  assert.match(s.sentences[0]!, /^DQN \(feature head\) lost to the best baseline \(REP\): it earned 0\.75× the reward per user-day of the baseline/);
  assert.match(s.sentences[0]!, /the baseline is clearly better/);
  assert.doesNotMatch(s.sentences.join(" "), /clear win/);
});

test("overlapping intervals are reported as within the noise, ahead or behind", () => {
  const ahead = summarizeComparison(withDqnReward(1.08, 0.05));
  assert.equal(ahead.comparisons[0]!.outcome, "ahead within noise");
  assert.match(ahead.sentences[0]!, /earned 1\.02× the reward per user-day.*the 95% intervals overlap, so the lead is within the noise of 5 evaluation seeds\.$/);
  assert.doesNotMatch(ahead.sentences[0]!, /clear/);

  const behind = summarizeComparison(withDqnReward(1.04, 0.05));
  assert.equal(behind.comparisons[0]!.outcome, "behind within noise");
  assert.match(behind.sentences[0]!, /earned 0\.98× .*It is behind, but the 95% intervals overlap, so neither is clearly better\.$/);
});

test("the myopic oracle: behind within noise, and clearly beaten", () => {
  const near = summarizeComparison(withDqnReward(1.25, 0.03));
  assert.equal(near.comparisons[1]!.outcome, "behind within noise");
  assert.match(near.sentences[1]!, /^Against the myopic oracle it reached 0\.97× of the oracle's reward per user-day \(1\.25 ± 0\.03 against 1\.29 ± 0\.0\d\); it is behind, but the intervals overlap\.$/);

  const beyond = summarizeComparison(withDqnReward(1.45, 0.02));
  assert.equal(beyond.comparisons[1]!.outcome, "clear win");
  assert.match(beyond.sentences[1]!, /reached 1\.12× .*clearly beat the oracle\.$/);

  const noOracle = sampleReportData();
  noOracle.headline.myopicOracle = null;
  noOracle.headline.dqnVsMyopicOracle = null;
  const s = summarizeComparison(validateComparisonReportData(noOracle));
  assert.equal(s.comparisons.length, 1);
  assert.doesNotMatch(s.sentences.join(" "), /oracle/);
});

test("lower-is-better headline metrics: a smaller mean wins", () => {
  const d = sampleReportData();
  d.headline = { ...d.headline, metric: "churn", bestBaseline: "rep", dqnVsBestBaseline: 6.1 / 8.1, dqnVsMyopicOracle: 6.1 / 6.4 };
  const s = summarizeComparison(validateComparisonReportData(d));
  assert.equal(s.comparisons[0]!.outcome, "clear win");
  assert.match(s.sentences[0]!, /^DQN \(feature head\) had 0\.75× the churn of the best baseline \(REP\): 6\.10 ± 0\.\d\d % against 8\.10 ± 0\.\d\d %/);
  assert.equal(s.comparisons[1]!.outcome, "ahead within noise"); // 6.10 ± 0.16 against 6.40 ± 0.17: lower, but overlapping
});

test("the other learned policy, the other metrics and the setting are summarised", () => {
  const s = summarizeComparison(withDqnReward(1.25, 0.03));
  const text = s.sentences.join("\n");
  assert.match(text, /The other learned policy, DQN \(classic head\), earned 1\.12× the best baseline's reward per user-day \(1\.19 ± 0\.03\)\./);
  // In the sample, DQN beats the best baseline on watch minutes and churn, loses on coverage and Gini (random wins those).
  assert.match(text, /On the other metrics, against the best baseline on each, DQN \(feature head\) was clearly better on watch minutes per user-day, churn, /);
  assert.match(text, /clearly worse on coverage and exposure Gini/);
  assert.match(text, /Means over 5 evaluation seeds \(held apart from the 3 training seeds\) of a platform with 3000 users and 300 streamers over 7 days; ± is the half-width of the 95% confidence interval\./);

  const shared = sampleReportData();
  shared.setting.evalSeeds = [3, 4];
  assert.match(summarizeComparison(validateComparisonReportData(shared)).sentences.at(-1)!, /Means over 2 evaluation seeds \(sharing 1 seed with training\)/);
});

test("numbers are shown to the precision their interval supports", () => {
  assert.equal(decimalsForScale(0.03, 1.25), 2);
  assert.equal(decimalsForScale(0.016, 0.7), 3);
  assert.equal(decimalsForScale(1.2, 41), 1);
  assert.equal(decimalsForScale(12, 1234), 0);
  assert.equal(decimalsForScale(0, 0.5), 3);
  assert.equal(formatEstimate({ mean: 1.25, ci95: 0.03 }), "1.25 ± 0.03");
  assert.equal(formatEstimate({ mean: 41.234, ci95: 1.2 }), "41.2 ± 1.2");
  assert.equal(formatRatio(1.1792), "1.18×");
  assert.equal(slug("Reward/user-day"), "reward-user-day");
});
