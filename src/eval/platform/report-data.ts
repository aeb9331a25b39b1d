/** The comparison's results in the report's shape (src/report/types.ts). */
import type { ComparisonReportData, LearningCurve } from "../../report/types.js";
import { COMPARED_METRICS, type CompareResult } from "./compare.js";

const CURVE_METRICS = [
  ["reward", "reward"],
  ["td_loss", "td_loss"],
  ["mean_q", "mean_q"],
  ["epsilon", "epsilon"],
] as const;

export function toReportData(r: CompareResult, title = "DQN against the baselines on the simulated platform"): ComparisonReportData {
  const curves: LearningCurve[] = [];
  for (const c of r.curves) {
    const head = c.head === "feature" ? "DQN (feature head)" : "DQN (classic head)";
    // An ensemble's agents are one line each, by seed (the chart colours a head's seeds alike).
    const run = r.curves.filter((o) => o.head === c.head).length > 1 ? `${head} seed ${c.agentSeed}` : head;
    for (const [metric, field] of CURVE_METRICS) {
      const points = c.points.filter((p) => Number.isFinite(p[field])).map((p) => ({ step: p.decisions, value: p[field] }));
      if (points.length > 0) curves.push({ run, metric, points });
    }
  }
  const results: ComparisonReportData["results"] = {};
  for (const p of r.policies) results[p.name] = { ...p.estimates };
  const usedMetrics = COMPARED_METRICS.filter((m) => r.policies.some((p) => p.estimates[m.key] !== undefined));
  return {
    title,
    createdAt: new Date().toISOString(),
    setting: { users: r.setting.users, streamers: r.setting.streamers, days: r.setting.days, trainSeeds: r.setting.trainSeeds, evalSeeds: r.setting.evalSeeds },
    policies: r.policies.map((p) => ({ name: p.name, label: p.label, kind: p.kind })),
    metrics: usedMetrics.map((m) => ({ key: m.key, label: m.label, higherIsBetter: m.higherIsBetter, ...(m.unit ? { unit: m.unit } : {}) })),
    results,
    curves,
    headline: {
      metric: "reward_per_user_day",
      dqn: r.headline.dqn,
      bestBaseline: r.headline.bestBaseline,
      dqnVsBestBaseline: r.headline.dqnVsBestBaseline,
      myopicOracle: r.headline.myopicOracle,
      dqnVsMyopicOracle: r.headline.dqnVsMyopicOracle,
    },
  };
}

/** The JSON that `liveq compare --json` prints: each policy's metrics as {mean, ci95}, and the headline ratios. */
export function toCompareJson(r: CompareResult): Record<string, unknown> {
  const policies: Record<string, Record<string, { mean: number; ci95: number }>> = {};
  for (const p of r.policies) policies[p.name] = p.estimates;
  return {
    setting: r.setting,
    policies,
    kinds: Object.fromEntries(r.policies.map((p) => [p.name, p.kind])),
    best_baseline: r.headline.bestBaseline,
    dqn_vs_best_baseline: r.headline.dqnVsBestBaseline,
    dqn_vs_myopic_oracle: r.headline.dqnVsMyopicOracle,
    tuning: r.tuning.map((t) => ({ policy: t.policy, chosen: t.chosen, summary: t.summary })),
    seconds: r.seconds,
  };
}
