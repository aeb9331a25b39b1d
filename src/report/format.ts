/**
 * Number formatting shared by the page, the charts' labels and the CLI table, so one estimate
 * reads the same everywhere.
 */
import type { Estimate, MetricInfo } from "./types.js";

/**
 * Decimals for showing values whose uncertainty is about `ci95`: down to the interval's leading
 * digit, one more when that digit is 1 or 2 (so 0.03 -> 2 decimals, 0.016 -> 3, 1.2 -> 1).
 * Without an interval, three significant digits of `mean`. Clamped to 0..6.
 */
export function decimalsForScale(ci95: number, mean: number): number {
  if (!(ci95 > 0)) return mean === 0 ? 2 : Math.min(6, Math.max(0, 2 - Math.floor(Math.log10(Math.abs(mean)))));
  let d = -Math.floor(Math.log10(ci95));
  if (ci95 * 10 ** d < 2.5) d += 1;
  return Math.min(6, Math.max(0, d));
}

export function decimalsFor(est: Estimate): number {
  return decimalsForScale(est.ci95, est.mean);
}

/** One number of decimals for a whole row of estimates (from their median interval), so a row reads evenly. */
export function decimalsForRow(estimates: Estimate[]): number {
  if (estimates.length === 0) return 2;
  const median = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return s[Math.floor((s.length - 1) / 2)]!;
  };
  return decimalsForScale(median(estimates.map((e) => e.ci95)), median(estimates.map((e) => Math.abs(e.mean))));
}

export function formatMean(est: Estimate, decimals = decimalsFor(est)): string {
  return est.mean.toFixed(decimals);
}

/** "0.412 ± 0.023": the mean to the precision its interval supports. */
export function formatEstimate(est: Estimate, d = decimalsFor(est)): string {
  return `${est.mean.toFixed(d)} ± ${est.ci95.toFixed(d)}`;
}

/** "1.18×" */
export function formatRatio(r: number): string {
  return `${r.toFixed(2)}×`;
}

/** "Watch minutes per user-day (min)" */
export function metricTitle(m: MetricInfo): string {
  return m.unit ? `${m.label} (${m.unit})` : m.label;
}

/** A readable label for a logged series key without a MetricInfo ("td_loss" -> "TD loss"). */
export function curveMetricLabel(key: string): string {
  const known: Record<string, string> = { reward: "Reward", td_loss: "TD loss", epsilon: "Exploration ε", mean_q: "Mean Q" };
  if (known[key]) return known[key]!;
  const words = key.replace(/[_-]+/g, " ").trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A file-name-safe form of a key ("reward/user-day" -> "reward-user-day"). */
export function slug(key: string): string {
  return key.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "") || "x";
}
