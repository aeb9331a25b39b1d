/**
 * Comparing two estimates the way the report talks about them: which mean is better (respecting
 * higherIsBetter), by what ratio, and whether the 95% intervals overlap (when they do, the report
 * says the difference is within the noise of the evaluation seeds).
 */
import type { ComparisonReportData, Estimate, MetricInfo, PolicyKind } from "./types.js";

export interface Verdict {
  /** a.mean / b.mean (NaN when b.mean is 0). */
  ratio: number;
  /** a's mean is strictly better than b's. */
  better: boolean;
  /** a's mean is strictly worse than b's. */
  worse: boolean;
  /** [a.mean ± a.ci95] and [b.mean ± b.ci95] share a point. */
  overlap: boolean;
}

export function intervalsOverlap(a: Estimate, b: Estimate): boolean {
  return Math.abs(a.mean - b.mean) <= a.ci95 + b.ci95;
}

export function compareEstimates(a: Estimate, b: Estimate, higherIsBetter: boolean): Verdict {
  const diff = higherIsBetter ? a.mean - b.mean : b.mean - a.mean;
  return { ratio: b.mean === 0 ? NaN : a.mean / b.mean, better: diff > 0, worse: diff < 0, overlap: intervalsOverlap(a, b) };
}

/** Policies with the best mean on a metric (several on a tie), optionally among some kinds only. */
export function bestPolicies(data: ComparisonReportData, metric: MetricInfo, kinds?: readonly PolicyKind[]): string[] {
  let best: string[] = [];
  let bestMean = NaN;
  for (const p of data.policies) {
    if (kinds && !kinds.includes(p.kind)) continue;
    const e = data.results[p.name]?.[metric.key];
    if (!e) continue;
    const isBetter = best.length === 0 || (metric.higherIsBetter ? e.mean > bestMean : e.mean < bestMean);
    if (isBetter) {
      best = [p.name];
      bestMean = e.mean;
    } else if (e.mean === bestMean) {
      best.push(p.name);
    }
  }
  return best;
}
