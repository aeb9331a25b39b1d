/**
 * The results as an aligned plain-text table for the terminal (printed after `liveq compare`):
 * one row per metric, one column per policy, the best mean of each row marked with "*".
 */
import { decimalsForRow, formatEstimate } from "./format.js";
import type { ComparisonReportData } from "./types.js";
import { validateComparisonReportData } from "./validate.js";
import { bestPolicies } from "./verdict.js";

export function renderMetricsTable(input: ComparisonReportData): string {
  const data = validateComparisonReportData(input);
  const header = ["metric", ...data.policies.map((p) => p.label)];
  const rows = data.metrics.map((m) => {
    const best = new Set(bestPolicies(data, m));
    const d = decimalsForRow(data.policies.flatMap((p) => data.results[p.name]?.[m.key] ?? []));
    const name = `${m.label}${m.unit ? ` (${m.unit})` : ""} ${m.higherIsBetter ? "↑" : "↓"}`;
    return [name, ...data.policies.map((p) => {
      const e = data.results[p.name]?.[m.key];
      return e ? `${formatEstimate(e, d)}${best.has(p.name) ? "*" : " "}` : "— ";
    })];
  });
  const widths = header.map((_, c) => Math.max(...[header, ...rows].map((r) => r[c]!.length)));
  const line = (cells: string[]) => cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join("  ");
  const seeds = data.setting.evalSeeds.length;
  return [
    line(header),
    widths.map((w) => "-".repeat(w)).join("  "),
    ...rows.map(line),
    "",
    `mean ± 95% CI half-width over ${seeds} evaluation seed${seeds === 1 ? "" : "s"}; * best in row (↑ higher is better, ↓ lower is better)`,
  ].join("\n");
}
