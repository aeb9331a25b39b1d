/**
 * The data a comparison report is drawn from. `liveq compare` fills it in; the report module only
 * reads it (after validating it, see validate.ts) and never computes statistics of its own beyond
 * comparing the estimates it is given.
 */

/** One evaluation metric, as it should be labelled and judged. */
export interface MetricInfo {
  /** Key used in `results`, e.g. "reward_per_user_day". */
  key: string;
  /** Human label, e.g. "Reward per user-day". */
  label: string;
  /** True when a larger value is better (reward), false when smaller is better (churn). */
  higherIsBetter: boolean;
  /** Unit shown next to values, e.g. "min" or "%". */
  unit?: string;
}

/** A mean over evaluation seeds and the half-width of its 95% confidence interval. */
export interface Estimate {
  mean: number;
  /** Half-width of the 95% interval: the interval is [mean - ci95, mean + ci95]. */
  ci95: number;
}

export interface CurvePoint {
  step: number;
  value: number;
}

/** One logged training series, e.g. run "dqn-classic seed 1", metric "reward". */
export interface LearningCurve {
  run: string;
  /** "reward" | "td_loss" | "epsilon" | "mean_q" or any other logged series. */
  metric: string;
  points: CurvePoint[];
}

export type PolicyKind = "learned" | "baseline" | "oracle" | "reference";

export interface PolicyInfo {
  /** Key used in `results`, e.g. "dqn-feature". */
  name: string;
  /** Human label, e.g. "DQN (feature head)". */
  label: string;
  kind: PolicyKind;
}

export interface ComparisonSetting {
  users: number;
  streamers: number;
  days: number;
  trainSeeds: number[];
  evalSeeds: number[];
}

/**
 * The headline comparison. Both ratios are of means on `metric` and must agree with `results`
 * (validation checks this, so the page and the JSON of `liveq compare` cannot disagree).
 */
export interface ComparisonHeadline {
  /** Metric the ratios are taken on, e.g. "reward_per_user_day". */
  metric: string;
  /** The learned policy the report is about (kind "learned"). */
  dqn: string;
  /** The best policy of kind "baseline" on `metric`. */
  bestBaseline: string;
  /** results[dqn][metric].mean / results[bestBaseline][metric].mean */
  dqnVsBestBaseline: number;
  /** The myopic oracle (kind "oracle"), or null when it was not evaluated. */
  myopicOracle: string | null;
  /** results[dqn][metric].mean / results[myopicOracle][metric].mean, or null with myopicOracle. */
  dqnVsMyopicOracle: number | null;
}

export interface ComparisonReportData {
  title: string;
  /** When the comparison ran (ISO 8601), shown as given. */
  createdAt: string;
  setting: ComparisonSetting;
  /** Policies in the order they should appear in the table and the charts. */
  policies: PolicyInfo[];
  /** Metrics in the order they should appear. */
  metrics: MetricInfo[];
  /** policy name -> metric key -> estimate. A missing entry is shown as "—". */
  results: Record<string, Record<string, Estimate>>;
  curves: LearningCurve[];
  headline: ComparisonHeadline;
}
