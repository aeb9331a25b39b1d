import { test } from "node:test";
import assert from "node:assert/strict";
import { ReportDataError, validateComparisonReportData } from "../../src/report/validate.js";
import type { ComparisonReportData } from "../../src/report/types.js";
import { sampleReportData } from "./sampleData.js";

/** Asserts that validating the mutated sample fails naming `field`, with a message matching `detail`. */
function rejects(mutate: (d: ComparisonReportData) => void, field: string, detail: RegExp): void {
  const data = sampleReportData();
  mutate(data);
  assert.throws(
    () => validateComparisonReportData(data),
    (err: unknown) => {
      assert.ok(err instanceof ReportDataError, `expected ReportDataError, got ${String(err)}`);
      assert.equal(err.field, field);
      assert.match(err.message, detail);
      assert.ok(err.message.includes(field), `message names the field: ${err.message}`);
      return true;
    },
  );
}

test("the sample data is valid and comes back unchanged", () => {
  const data = sampleReportData();
  assert.deepEqual(validateComparisonReportData(data), data);
});

test("a NaN or infinite number names its field", () => {
  rejects((d) => (d.results["rep"]!.churn!.mean = NaN), "results.rep.churn.mean", /NaN/);
  rejects((d) => (d.results["pop"]!.ctr!.ci95 = Infinity), "results.pop.ctr.ci95", /number|finite|Infinity/i);
  rejects((d) => (d.curves[3]!.points[7]!.value = NaN), "curves.3.points.7.value", /NaN/);
  rejects((d) => (d.headline.dqnVsBestBaseline = NaN), "headline.dqnVsBestBaseline", /NaN/);
});

test("a negative interval, a missing field or a wrong kind names its field", () => {
  rejects((d) => (d.results["random"]!.coverage!.ci95 = -0.1), "results.random.coverage.ci95", />= 0|>=0/);
  rejects((d) => delete (d as Partial<ComparisonReportData>).title, "title", /expected string/);
  rejects((d) => ((d.policies[2] as { kind: string }).kind = "heuristic"), "policies.2.kind", /learned/);
  rejects((d) => (d.setting.users = 0), "setting.users", /positive/);
  rejects((d) => (d.setting.evalSeeds = []), "setting.evalSeeds", /at least one seed/);
});

test("a policy or metric in results that is not declared is an error naming it", () => {
  rejects((d) => (d.results["ghost"] = { churn: { mean: 1, ci95: 0.1 } }), "results.ghost", /unknown policy 'ghost' \(policies are: dqn-feature, /);
  rejects((d) => (d.results["rep"]!["dwell"] = { mean: 1, ci95: 0.1 }), "results.rep.dwell", /unknown metric 'dwell'/);
  rejects((d) => d.policies.push({ ...d.policies[0]! }), "policies.9.name", /duplicate policy 'dqn-feature'/);
  rejects((d) => d.metrics.push({ ...d.metrics[1]! }), "metrics.9.key", /duplicate metric 'watch_minutes'/);
});

test("the headline must agree with the results", () => {
  rejects((d) => (d.headline.dqnVsBestBaseline *= 1.01), "headline.dqnVsBestBaseline", /disagrees with the ratio of the means/);
  rejects((d) => (d.headline.dqnVsMyopicOracle = 1), "headline.dqnVsMyopicOracle", /disagrees/);
  rejects((d) => (d.headline.bestBaseline = "pop"), "headline.bestBaseline", /'pop' is not the best baseline.*'rep'/);
  rejects((d) => (d.headline.bestBaseline = "myopic-oracle"), "headline.bestBaseline", /kind 'oracle', expected 'baseline'/);
  rejects((d) => (d.headline.dqn = "rep"), "headline.dqn", /kind 'baseline', expected 'learned'/);
  rejects((d) => (d.headline.metric = "nope"), "headline.metric", /unknown metric/);
  rejects((d) => delete d.results["rep"]!.reward_per_user_day, "results.rep.reward_per_user_day", /headline needs it/);
  rejects((d) => (d.headline.myopicOracle = null), "headline.dqnVsMyopicOracle", /null exactly when/);
});

test("without a myopic oracle the headline is still valid", () => {
  const d = sampleReportData();
  d.headline.myopicOracle = null;
  d.headline.dqnVsMyopicOracle = null;
  assert.doesNotThrow(() => validateComparisonReportData(d));
});
