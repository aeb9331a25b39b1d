/**
 * Renders a comparison report: index.html (self-contained) and every plot as its own SVG file.
 * Charts are Vega-Lite specs (charts/*.ts) rendered to SVG in Node; the page is plain HTML.
 */
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { writeFileAtomic } from "./atomicWrite.js";
import { learningCurveSpec } from "./charts/learningCurves.js";
import { metricBarsSpec } from "./charts/metricBars.js";
import { vegaLiteToSvg } from "./charts/toSvg.js";
import { slug } from "./format.js";
import { comparisonPageHtml } from "./html/page.js";
import { summarizeComparison, type ReportSummary } from "./summary.js";
import type { ComparisonReportData } from "./types.js";
import { validateComparisonReportData } from "./validate.js";

/** The report in memory: the page and the standalone SVG files, by file name. */
export interface BuiltReport {
  html: string;
  svgs: { file: string; svg: string }[];
  summary: ReportSummary;
}

export interface RenderedReport {
  /** Path of index.html. */
  indexHtml: string;
  /** Paths of the SVG files, in page order. */
  svgFiles: string[];
}

/** Gives each key a distinct file name, even when two keys have the same slug. */
function fileNamer(prefix: string): (key: string) => string {
  const used = new Set<string>();
  return (key) => {
    let name = `${prefix}-${slug(key)}`;
    for (let i = 2; used.has(name); i++) name = `${prefix}-${slug(key)}-${i}`;
    used.add(name);
    return `${name}.svg`;
  };
}

export async function buildComparisonReport(input: ComparisonReportData): Promise<BuiltReport> {
  const data = validateComparisonReportData(input);
  const summary = summarizeComparison(data);
  const svgs: BuiltReport["svgs"] = [];

  const barFile = fileNamer("bars");
  const pageBars: { metric: string; svg: string }[] = [];
  let headline = "";
  for (const metric of data.metrics) {
    if (!data.policies.some((p) => data.results[p.name]?.[metric.key])) continue; // nothing to draw; the table shows "—"
    const svg = await vegaLiteToSvg(metricBarsSpec(data, metric, { legend: true, width: 420 }));
    svgs.push({ file: barFile(metric.key), svg });
    if (metric.key === data.headline.metric) headline = svg;
    else pageBars.push({ metric: metric.key, svg: await vegaLiteToSvg(metricBarsSpec(data, metric, { legend: false, width: 320 })) });
  }

  const curveFile = fileNamer("curve");
  const pageCurves: { metric: string; svg: string }[] = [];
  for (const metric of [...new Set(data.curves.map((c) => c.metric))]) {
    const svg = await vegaLiteToSvg(learningCurveSpec(data, metric));
    svgs.push({ file: curveFile(metric), svg });
    pageCurves.push({ metric, svg });
  }

  const html = comparisonPageHtml(data, summary, { headline, bars: pageBars, curves: pageCurves });
  return { html, svgs, summary };
}

/** Writes index.html and the SVG files into outDir (created if needed), each atomically. */
export async function renderComparisonReport(data: ComparisonReportData, options: { outDir: string }): Promise<RenderedReport> {
  const built = await buildComparisonReport(data);
  await mkdir(options.outDir, { recursive: true });
  const svgFiles: string[] = [];
  for (const { file, svg } of built.svgs) {
    const path = join(options.outDir, file);
    await writeFileAtomic(path, svg);
    svgFiles.push(path);
  }
  const indexHtml = join(options.outDir, "index.html");
  await writeFileAtomic(indexHtml, built.html);
  return { indexHtml, svgFiles };
}
