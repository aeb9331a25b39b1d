/**
 * A synthetic but realistic ComparisonReportData for the report tests: nine policies, nine
 * metrics, and learning curves of two heads times three seeds. `dqnReward` sets the headline
 * DQN's reward per user-day so tests can make it win, lose or tie within noise; the headline
 * ratios are computed from the results, as `liveq compare` does.
 */
import { Rng } from "../../src/core/random/rng.js";
import type { ComparisonReportData, Estimate, LearningCurve, MetricInfo } from "../../src/report/types.js";

export const METRICS: MetricInfo[] = [
  { key: "reward_per_user_day", label: "Reward per user-day", higherIsBetter: true },
  { key: "watch_minutes", label: "Watch minutes per user-day", higherIsBetter: true, unit: "min" },
  { key: "return_rate", label: "Next-day return rate", higherIsBetter: true, unit: "%" },
  { key: "churn", label: "Churn", higherIsBetter: false, unit: "%" },
  { key: "ctr", label: "Click-through rate", higherIsBetter: true, unit: "%" },
  { key: "coverage", label: "Coverage", higherIsBetter: true, unit: "%" },
  { key: "exposure_gini", label: "Exposure Gini", higherIsBetter: false },
  { key: "new_user_reward", label: "New users' reward", higherIsBetter: true },
  { key: "new_streamer_reward", label: "New streamers' reward", higherIsBetter: true },
];

const POLICIES = [
  { name: "dqn-feature", label: "DQN (feature head)", kind: "learned" },
  { name: "dqn-classic", label: "DQN (classic head)", kind: "learned" },
  { name: "random", label: "Random", kind: "baseline" },
  { name: "most-viewed", label: "Most viewed now", kind: "baseline" },
  { name: "pop", label: "POP", kind: "baseline" },
  { name: "rep", label: "REP", kind: "baseline" },
  { name: "bpr-mf", label: "BPR-MF", kind: "baseline" },
  { name: "linucb", label: "LinUCB", kind: "baseline" },
  { name: "myopic-oracle", label: "Myopic oracle", kind: "oracle" },
] as const;

/** Per policy: rough level of each metric, in METRICS order. */
const LEVELS: Record<string, number[]> = {
  "dqn-feature": [1.25, 41.2, 78.4, 6.1, 12.8, 64, 0.52, 0.98, 1.12],
  "dqn-classic": [1.19, 39.5, 77.1, 6.6, 12.1, 58, 0.55, 0.95, 0.41],
  random: [0.38, 12.7, 52.3, 21.4, 3.9, 98, 0.08, 0.37, 0.39],
  "most-viewed": [0.83, 27.4, 69.8, 10.2, 8.7, 12, 0.91, 0.8, 0.12],
  pop: [0.9, 29.8, 71.2, 9.5, 9.3, 15, 0.88, 0.86, 0.05],
  rep: [1.06, 34.9, 74.6, 8.1, 10.9, 31, 0.74, 0.84, 0.06],
  "bpr-mf": [0.99, 33.1, 73.0, 8.8, 10.1, 41, 0.69, 0.7, 0.31],
  linucb: [1.01, 33.6, 73.9, 8.6, 10.4, 47, 0.63, 0.81, 0.62],
  "myopic-oracle": [1.29, 43.0, 77.9, 6.4, 13.5, 55, 0.58, 1.21, 1.18],
};

function curves(): LearningCurve[] {
  const out: LearningCurve[] = [];
  for (const [h, head] of ["dqn-feature", "dqn-classic"].entries()) {
    for (const seed of [1, 2, 3]) {
      const rng = Rng.derive(seed, h);
      const run = `${head} seed ${seed}`;
      const n = 1500;
      const series: Record<string, { step: number; value: number }[]> = { reward: [], td_loss: [], epsilon: [], mean_q: [] };
      for (let i = 0; i < n; i++) {
        const step = i * 200;
        const progress = 1 - Math.exp(-i / (260 + 60 * h));
        series.reward!.push({ step, value: 0.35 + (0.9 - 0.06 * h) * progress + 0.18 * rng.normal() });
        series.td_loss!.push({ step, value: Math.exp(1.5 - 5 * progress + 0.35 * rng.normal()) });
        series.epsilon!.push({ step, value: Math.max(0.05, 1 - i / 700) });
        series.mean_q!.push({ step, value: 6 * progress + 0.15 * rng.normal() });
      }
      for (const [metric, points] of Object.entries(series)) out.push({ run, metric, points });
    }
  }
  return out;
}

export function sampleReportData(dqnReward = 1.25, dqnRewardCi = 0.03): ComparisonReportData {
  const rng = new Rng(2024);
  const results: Record<string, Record<string, Estimate>> = {};
  for (const p of POLICIES) {
    results[p.name] = {};
    METRICS.forEach((m, j) => {
      const mean = LEVELS[p.name]![j]!;
      results[p.name]![m.key] = { mean, ci95: Math.abs(mean) * (0.015 + 0.02 * rng.float()) };
    });
  }
  results["dqn-feature"]!.reward_per_user_day = { mean: dqnReward, ci95: dqnRewardCi };
  delete results["myopic-oracle"]!.new_streamer_reward; // the oracle has no cold-start streamers: shown as "—"

  const key = "reward_per_user_day";
  const baselines = POLICIES.filter((p) => p.kind === "baseline").map((p) => p.name);
  const bestBaseline = baselines.reduce((a, b) => (results[b]![key]!.mean > results[a]![key]!.mean ? b : a));
  const dqn = results["dqn-feature"]![key]!.mean;
  return {
    title: "DQN against the baselines on the default platform",
    createdAt: "2025-06-01T12:00:00Z",
    setting: { users: 3000, streamers: 300, days: 7, trainSeeds: [1, 2, 3], evalSeeds: [101, 102, 103, 104, 105] },
    policies: POLICIES.map((p) => ({ ...p })),
    metrics: METRICS.map((m) => ({ ...m })),
    results,
    curves: curves(),
    headline: {
      metric: key,
      dqn: "dqn-feature",
      bestBaseline,
      dqnVsBestBaseline: dqn / results[bestBaseline]![key]!.mean,
      myopicOracle: "myopic-oracle",
      dqnVsMyopicOracle: dqn / results["myopic-oracle"]![key]!.mean,
    },
  };
}
