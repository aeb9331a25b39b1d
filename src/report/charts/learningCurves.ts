/**
 * Learning curves of one logged series (reward, TD loss, epsilon, mean Q): one line per training
 * run, the raw values faint and a centred rolling mean solid (centred, so it does not lag). Runs that differ only by seed
 * ("dqn-classic seed 1", "dqn-classic seed 2") share a colour, so the heads compare at a glance;
 * a group named like a policy is labelled as that policy, the headline DQN first and orange.
 * Long runs are thinned to at most MAX_POINTS drawn points per run (after smoothing, so the mean
 * still covers every logged point). A positive series spanning orders of magnitude (typically the
 * TD loss) gets a log scale.
 */
import type { TopLevelSpec } from "vega-lite";
import { curveMetricLabel } from "../format.js";
import { RUN_COLOURS } from "../theme.js";
import type { ComparisonReportData } from "../types.js";

const MAX_POINTS = 400;
/** The rolling mean spans about this fraction of a run's logged points. */
const SMOOTHING_FRACTION = 1 / 30;
/** Runs this short also get a dot per logged point (a one-point run is otherwise invisible). */
const FEW_POINTS = 40;
/** max/min of a positive series above which it is drawn on a log scale. */
const LOG_SCALE_SPAN = 100;

export interface LearningCurveOptions {
  width?: number;
  height?: number;
}

/** "dqn-classic seed 3" -> "dqn-classic"; a run without a seed suffix is its own group. */
function groupOf(run: string): string {
  return run.replace(/[\s,_-]*seed[\s_-]*\d+$/i, "").trim() || run;
}

export function learningCurveSpec(data: ComparisonReportData, metric: string, options: LearningCurveOptions = {}): TopLevelSpec {
  const curves = data.curves.filter((c) => c.metric === metric);
  if (curves.length === 0) throw new Error(`no learning curves logged for '${metric}'`);

  const labelOf = (group: string) => data.policies.find((p) => p.name === group)?.label ?? group;
  const groups = [...new Set(curves.map((c) => groupOf(c.run)))];
  groups.sort((a, b) => Number(b === data.headline.dqn) - Number(a === data.headline.dqn));
  const groupLabels = groups.map(labelOf);
  const seedsPerGroup = Math.max(...groups.map((g) => new Set(curves.filter((c) => groupOf(c.run) === g).map((c) => c.run)).size));

  const values = curves.flatMap((c) => c.points.map((p) => ({ run: c.run, group: labelOf(groupOf(c.run)), step: p.step, value: p.value })));
  const longest = Math.max(...curves.map((c) => c.points.length));
  const window = Math.max(1, Math.round(longest * SMOOTHING_FRACTION));
  const stride = Math.max(1, Math.ceil(longest / MAX_POINTS));

  let min = Infinity, max = -Infinity;
  for (const v of values) {
    min = Math.min(min, v.value);
    max = Math.max(max, v.value);
  }
  const logScale = min > 0 && max / min > LOG_SCALE_SPAN;
  const decades: number[] = [];
  if (logScale) for (let e = Math.floor(Math.log10(min)); e <= Math.ceil(Math.log10(max)); e++) decades.push(10 ** e);

  const notes = [
    seedsPerGroup > 1 ? "one line per seed" : "",
    window > 1 ? `solid: mean of ${window} neighbouring points, faint: raw` : "",
    logScale ? "log scale" : "",
  ].filter(Boolean);
  const label = curveMetricLabel(metric);
  const x = { field: "step", type: "quantitative" as const, title: "training step", axis: { grid: false, tickCount: 6, format: "~s", labelExpr: "datum.value === 0 ? '0' : datum.label" } };
  const y = { type: "quantitative" as const, title: label, scale: logScale ? { type: "log" as const } : { zero: false }, axis: logScale ? { values: decades, format: "~g" } : { tickCount: 5, format: "~s" } };
  const color = {
    field: "group",
    type: "nominal" as const,
    title: null,
    sort: groupLabels,
    scale: { domain: groupLabels, range: groupLabels.map((_, i) => RUN_COLOURS[i % RUN_COLOURS.length]!) },
    legend: { orient: "bottom" as const, direction: "horizontal" as const, symbolType: "stroke", symbolStrokeWidth: 3, symbolOpacity: 1, columns: Math.min(groups.length, 4), labelLimit: 240 },
  };
  const encoding = { x, color, detail: { field: "run" }, order: { field: "step" } };
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    description: `curve ${metric}`,
    title: { text: label, ...(notes.length ? { subtitle: notes.join(" · ") } : {}) },
    width: options.width ?? 470,
    height: options.height ?? 220,
    data: { values },
    transform: [
      { window: [{ op: "mean", field: "value", as: "smooth" }, { op: "row_number", as: "i" }], frame: [-Math.floor((window - 1) / 2), Math.ceil((window - 1) / 2)], groupby: ["run"], sort: [{ field: "step" }] },
      { filter: `(datum.i - 1) % ${stride} === 0` },
    ],
    layer: [
      ...(window > 1 ? [{ mark: { type: "line" as const, strokeWidth: 1, opacity: 0.18 }, encoding: { ...encoding, y: { ...y, field: "value" } } }] : []),
      { mark: { type: "line", strokeWidth: 2, opacity: 0.9, strokeCap: "round", strokeJoin: "round", point: longest <= FEW_POINTS }, encoding: { ...encoding, y: { ...y, field: "smooth" } } },
    ],
  };
}
