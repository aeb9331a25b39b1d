/**
 * Means with 95% confidence intervals over independent runs (seeds): mean +- t_{0.975, n-1} * s / sqrt(n),
 * with Student's t quantiles (a handful of seeds is the usual case, where the normal 1.96 would be
 * too narrow).
 */
const T975 = [NaN, 12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042];

/** t_{0.975} with `df` degrees of freedom (1.96 beyond 30). */
export function tQuantile975(df: number): number {
  if (!(df >= 1)) return NaN;
  return df < T975.length ? T975[Math.floor(df)] : 1.96;
}

export interface MeanCi {
  mean: number;
  /** Half-width of the 95% interval (0 for a single value). */
  ci95: number;
}

export function meanCi(values: readonly number[]): MeanCi {
  const n = values.length;
  if (n === 0) throw new RangeError("meanCi: no values");
  const mean = values.reduce((a, b) => a + b, 0) / n;
  if (n === 1) return { mean, ci95: 0 };
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1);
  return { mean, ci95: tQuantile975(n - 1) * Math.sqrt(variance / n) };
}
