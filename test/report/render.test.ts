import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { buildComparisonReport, renderComparisonReport } from "../../src/report/render.js";
import { renderMetricsTable } from "../../src/report/metricsTable.js";
import { ReportDataError } from "../../src/report/validate.js";
import { sampleReportData } from "./sampleData.js";

const data = sampleReportData();
const built = buildComparisonReport(data);

/** All matches of a global regex's first group. */
function all(text: string, re: RegExp): string[] {
  return [...text.matchAll(re)].map((m) => m[1]!);
}

function assertSvgDocument(svg: string, name: string): void {
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^>]* width="\d+(\.\d+)?" height="\d+(\.\d+)?" viewBox="0 0 [\d.]+ [\d.]+">/, `${name} starts as a sized SVG`);
  assert.ok(svg.trimEnd().endsWith("</svg>"), `${name} ends with </svg>`);
  assert.equal(svg.split("<svg").length - 1, 1, `${name} holds one <svg>`);
}

test("writes index.html and one SVG per plot, atomically, into a new directory", async () => {
  const dir = join(mkdtempSync(join(tmpdir(), "liveq-report-")), "nested", "out");
  try {
    const out = await renderComparisonReport(data, { outDir: dir });
    assert.equal(out.indexHtml, join(dir, "index.html"));
    assert.deepEqual(
      out.svgFiles.map((f) => basename(f)),
      [...data.metrics.map((m) => `bars-${m.key.replace(/_/g, "-")}.svg`), "curve-reward.svg", "curve-td-loss.svg", "curve-epsilon.svg", "curve-mean-q.svg"],
    );
    assert.deepEqual(readdirSync(dir).sort(), ["index.html", ...out.svgFiles.map((f) => basename(f))].sort(), "no temp files left behind");
    const b = await built;
    assert.equal(readFileSync(out.indexHtml, "utf8"), b.html, "the same data gives the same page, byte for byte");
    for (const f of out.svgFiles) assertSvgDocument(readFileSync(f, "utf8"), f);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("each bar chart has one labelled bar per policy with a result, and its error bars", async () => {
  const b = await built;
  for (const metric of data.metrics) {
    const svg = b.svgs.find((s) => s.file === `bars-${metric.key.replace(/_/g, "-")}.svg`)!.svg;
    assertSvgDocument(svg, metric.key);
    const bars = all(svg, /aria-label="[^"]*; policy: ([^;"]+);[^"]*" role="graphics-symbol" aria-roledescription="bar"/g);
    const expected = data.policies.filter((p) => data.results[p.name]?.[metric.key]).map((p) => p.label);
    assert.deepEqual(bars, expected, `bars of ${metric.key}`);
    const errorBars = all(svg, /aria-label="[^"]*; policy: ([^;"]+);[^"]*" role="graphics-symbol" aria-roledescription="errorbar"/g);
    assert.deepEqual(errorBars, expected, `error bars of ${metric.key}`);
    assert.match(svg, new RegExp(`aria-label="Title text '${metric.label.replace(/[()]/g, "\\$&")}`));
  }
  const streamers = b.svgs.find((s) => s.file === "bars-new-streamer-reward.svg")!.svg;
  assert.doesNotMatch(streamers, /policy: Myopic oracle;/, "a policy without a result has no bar");
});

test("each learning-curve plot has a raw and a smoothed line per run", async () => {
  const b = await built;
  for (const metric of ["reward", "td_loss", "epsilon", "mean_q"]) {
    const svg = b.svgs.find((s) => s.file === `curve-${metric.replace(/_/g, "-")}.svg`)!.svg;
    assertSvgDocument(svg, metric);
    const runs = data.curves.filter((c) => c.metric === metric).map((c) => c.run);
    assert.equal(all(svg, /(aria-roledescription="line mark")/g).length, 2 * runs.length, metric);
    for (const run of runs) assert.ok(svg.includes(`run: ${run}"`), `${metric} draws ${run}`);
    assert.match(svg, /DQN \(feature head\)<\/text>/, "runs are labelled by their policy");
  }
  assert.match(b.svgs.find((s) => s.file === "curve-td-loss.svg")!.svg, /log scale/);
});

test("the page holds the summary, the table with the best of each row in bold, and every plot inline", async () => {
  const b = await built;
  const html = b.html;
  assert.match(html, /^<!doctype html>/);
  for (const sentence of b.summary.sentences) assert.ok(html.includes(sentence.replace(/'/g, "&#39;")), `summary sentence on the page: ${sentence}`);
  assert.match(html, /<span class="chip">clear win<\/span>/);

  const table = html.slice(html.indexOf('<table class="results">'), html.indexOf("</table>"));
  assert.equal(all(table, /(<tr>)/g).length, 1 + data.metrics.length, "header row and one row per metric");
  assert.equal(all(table, /(<th scope="col")/g).length, 1 + data.policies.length);
  const row = (label: string) => table.slice(table.indexOf(`<th scope="row">${label}`)).split("</tr>")[0]!;
  assert.match(row("Churn"), /<td class="headline best">6\.10<span class="ci"> ± 0\.16<\/span>/, "lowest churn is bold");
  assert.match(row("Reward per user-day"), /<td class="best">1\.29<span class="ci">/, "the oracle's higher reward is bold");
  assert.match(row("Coverage"), /<td class="best">98\.0/, "random's coverage is bold");
  assert.match(row("New streamers"), /<span class="missing">—<\/span>/);

  const inline = all(html, /<figure class="chart" aria-label="([^"]+)"><svg /g);
  assert.deepEqual(inline, ["headline reward_per_user_day", ...data.metrics.slice(1).map((m) => `bars ${m.key}`), "learning curve reward", "learning curve td_loss", "learning curve epsilon", "learning curve mean_q"]);
});

test("the page is self-contained: no scripts, links or external URLs, and no duplicate ids", async () => {
  const { html } = await built;
  assert.doesNotMatch(html, /<script|<link|<img|<iframe|@import|src=/i);
  const urls = all(html, /(https?:\/\/[^\s"')]+)/g);
  assert.deepEqual([...new Set(urls)].sort(), ["http://www.w3.org/1999/xlink", "http://www.w3.org/2000/svg"], "only the SVG namespaces");
  const ids = all(html, / id="([^"]+)"/g);
  assert.equal(new Set(ids).size, ids.length);
});

test("labels are escaped on the page", async () => {
  const d = sampleReportData();
  d.title = `A <b>bold</b> & "quoted" title`;
  d.policies[2]!.label = "<script>alert(1)</script>";
  d.curves = []; // faster; the curves are not what this test is about
  const { html } = await buildComparisonReport(d);
  assert.ok(html.includes("<title>A &lt;b&gt;bold&lt;/b&gt; &amp; &quot;quoted&quot; title</title>"));
  assert.ok(!html.includes("<script>alert(1)"));
  assert.ok(html.includes("&lt;script&gt;alert(1)&lt;/script&gt;"));
});

test("unusual data renders: negative means, zero intervals, a metric nobody measured, one-point curves", async () => {
  const d = sampleReportData();
  d.metrics.push({ key: "unmeasured", label: "Nobody measured this", higherIsBetter: true });
  d.metrics.push({ key: "net", label: "Net change", higherIsBetter: true });
  d.policies.forEach((p, i) => (d.results[p.name]!.net = { mean: p.kind === "learned" ? 0.4 : -0.3 - i / 10, ci95: 0 }));
  d.curves = [
    { run: "solo", metric: "reward", points: [{ step: 0, value: 1 }] },
    { run: "dqn-feature seed 1", metric: "td_loss", points: [{ step: 0, value: 0 }, { step: 1, value: 5 }] },
  ];
  const b = await buildComparisonReport(d);
  assert.ok(!b.svgs.some((s) => s.file.includes("unmeasured")), "no empty chart for a metric without results");
  assert.match(b.html, /Nobody measured this(<\/th>| )/, "but its row is in the table");
  const net = b.svgs.find((s) => s.file === "bars-net.svg")!.svg;
  assert.equal(all(net, /(aria-roledescription="bar")/g).length, d.policies.length);
  assert.match(net, />-1\.1<\/text>|>-1\.10?0?<\/text>/, "negative means are labelled");
  const solo = b.svgs.find((s) => s.file === "curve-reward.svg")!.svg;
  assert.match(solo, /aria-roledescription="point"/, "a one-point run is drawn as a dot");
});

test("bad data is rejected before anything is written", async () => {
  const dir = join(mkdtempSync(join(tmpdir(), "liveq-report-")), "out");
  const d = sampleReportData();
  d.results["rep"]!.churn!.mean = NaN;
  await assert.rejects(renderComparisonReport(d, { outDir: dir }), (e: unknown) => e instanceof ReportDataError && e.field === "results.rep.churn.mean");
  assert.equal(existsSync(dir), false);
});

test("the CLI table: aligned columns, every metric and policy, best of each row starred", () => {
  const text = renderMetricsTable(data);
  const lines = text.split("\n");
  const body = lines.slice(0, 2 + data.metrics.length);
  for (const l of body) assert.equal(l.length, body[0]!.length, `aligned: ${l}`);
  for (const p of data.policies) assert.ok(lines[0]!.includes(p.label));
  const churn = lines.find((l) => l.startsWith("Churn (%) ↓"))!;
  assert.match(churn, /6\.10 ± 0\.16\* /);
  assert.equal(churn.split("*").length - 1, 1, "one best per row");
  const streamers = lines.find((l) => l.startsWith("New streamers' reward ↑"))!;
  assert.ok(streamers.trimEnd().endsWith("—"), "missing result shown as —");
  assert.match(lines.at(-1)!, /over 5 evaluation seeds; \* best in row/);
  // the gaps between the dashed column rules are blank on every line
  const gaps = [...lines[1]!.matchAll(/ {2}/g)].map((m) => m.index!);
  assert.equal(gaps.length, data.policies.length);
  for (const l of body) for (const g of gaps) assert.equal(l.slice(g, g + 2), "  ", `column gap at ${g}: ${l}`);
});
