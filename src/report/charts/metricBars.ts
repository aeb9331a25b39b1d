/**
 * A bar chart of one metric: one bar per policy (coloured by kind, the headline DQN outlined and
 * bold), the mean written at the end, and the 95% interval as an error bar.
 */
import type { TopLevelSpec } from "vega-lite";
import { decimalsForRow, formatMean, metricTitle } from "../format.js";
import { INK, KIND_COLOURS, KIND_ORDER } from "../theme.js";
import type { ComparisonReportData, MetricInfo } from "../types.js";

export interface MetricBarsOptions {
  /** Draw the colour legend of policy kinds (the page shows one shared legend instead). */
  legend?: boolean;
  width?: number;
}

export function metricBarsSpec(data: ComparisonReportData, metric: MetricInfo, options: MetricBarsOptions = {}): TopLevelSpec {
  const decimals = decimalsForRow(data.policies.flatMap((p) => data.results[p.name]?.[metric.key] ?? []));
  const rows = data.policies.flatMap((p) => {
    const e = data.results[p.name]?.[metric.key];
    if (!e) return [];
    const lo = e.mean - e.ci95, hi = e.mean + e.ci95;
    return [{ policy: p.label, kind: p.kind, mean: e.mean, lo, hi, labelAt: Math.max(hi, 0), text: formatMean(e, decimals), headline: p.name === data.headline.dqn }];
  });
  const kinds = KIND_ORDER.filter((k) => rows.some((r) => r.kind === k));
  const dqnLabel = data.policies.find((p) => p.name === data.headline.dqn)!.label;

  // Room on the right for the value labels; bars always start at zero.
  const low = Math.min(0, ...rows.map((r) => r.lo));
  const high = Math.max(0, ...rows.map((r) => r.hi));
  const domain = [low, high + (high - low || 1) * 0.18];

  const y = { field: "policy", type: "nominal" as const, sort: null, title: null };
  // The chart's title names the metric, so the x axis needs none.
  const x = { field: "mean", type: "quantitative" as const, title: null, scale: { domain, nice: false } };
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    description: `bars ${metric.key}`,
    title: { text: metricTitle(metric), subtitle: metric.higherIsBetter ? "higher is better ↑" : "lower is better ↓" },
    width: options.width ?? 330,
    height: { step: 24 },
    data: { values: rows },
    encoding: { y: { ...y, axis: { ticks: false, domain: false, labelFontSize: 12, labelColor: INK.strong, labelFontWeight: { condition: { test: `datum.value === ${JSON.stringify(dqnLabel)}`, value: "bold" }, value: "normal" } } } },
    layer: [
      {
        mark: { type: "bar", cornerRadiusEnd: 3, height: { band: 0.68 } },
        encoding: {
          x: { ...x, stack: null, axis: { grid: true, tickCount: 5, labelFlush: true } },
          color: {
            field: "kind",
            type: "nominal",
            title: null,
            scale: { domain: kinds, range: kinds.map((k) => KIND_COLOURS[k]) },
            legend: options.legend === false ? null : { orient: "bottom", direction: "horizontal", symbolType: "square" },
          },
          stroke: { condition: { test: "datum.headline", value: INK.strong }, value: null },
          strokeWidth: { value: 1.5 },
        },
      },
      {
        mark: { type: "errorbar", ticks: { size: 8, color: INK.strong }, rule: { color: INK.strong, strokeWidth: 1.3 } },
        encoding: { x: { field: "lo", type: "quantitative", title: null }, x2: { field: "hi" } },
      },
      ...[false, true].map((headline) => ({
        transform: [{ filter: headline ? "datum.headline" : "!datum.headline" }],
        mark: { type: "text" as const, align: "left" as const, baseline: "middle" as const, dx: 5, fontSize: 11, color: headline ? INK.strong : INK.body, fontWeight: headline ? ("bold" as const) : ("normal" as const) },
        encoding: { x: { field: "labelAt", type: "quantitative" as const }, text: { field: "text" } },
      })),
    ],
  };
}
