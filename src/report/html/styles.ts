/** The page's stylesheet, inlined into index.html so the page needs nothing else. */
import { FONT_STACK, INK, KIND_COLOURS } from "../theme.js";

export const PAGE_CSS = `
:root { --ink: ${INK.strong}; --body: ${INK.body}; --muted: ${INK.muted}; --line: ${INK.faint}; --accent: ${KIND_COLOURS.learned}; }
* { box-sizing: border-box; }
html { background: #f4f6f8; }
body { margin: 0; font-family: ${FONT_STACK}; color: var(--body); font-size: 15px; line-height: 1.5; }
main { max-width: 1240px; margin: 0 auto; padding: 28px 28px 40px; }
header.top { margin-bottom: 22px; }
header.top .eyebrow { text-transform: uppercase; letter-spacing: .08em; font-size: 12px; font-weight: bold; color: var(--accent); }
h1 { color: var(--ink); font-size: 28px; line-height: 1.2; margin: 4px 0 10px; }
h2 { color: var(--ink); font-size: 19px; margin: 0 0 4px; }
.section-note { margin: 0 0 14px; color: var(--muted); font-size: 13.5px; }
.meta { display: flex; flex-wrap: wrap; gap: 8px; margin: 0; padding: 0; list-style: none; }
.meta li { background: white; border: 1px solid var(--line); border-radius: 999px; padding: 3px 11px; font-size: 13px; }
.meta b { color: var(--ink); }
section.card { background: white; border: 1px solid var(--line); border-radius: 12px; padding: 22px 24px; margin-bottom: 22px; box-shadow: 0 1px 2px rgba(31,41,51,.05); }
.summary-grid { display: grid; grid-template-columns: minmax(0, 1.15fr) minmax(0, 1fr); gap: 28px; align-items: start; }
.stats { display: flex; flex-wrap: wrap; gap: 12px; margin: 14px 0 16px; }
.stat { flex: 1 1 150px; border: 1px solid var(--line); border-radius: 10px; padding: 12px 14px; }
.stat .value { font-size: 30px; font-weight: bold; color: var(--ink); line-height: 1.1; font-variant-numeric: tabular-nums; }
.stat .value small { font-size: 15px; color: var(--muted); font-weight: normal; }
.stat .label { font-size: 12.5px; color: var(--muted); margin-top: 4px; }
.chip { display: inline-block; margin-top: 8px; padding: 1px 9px; border-radius: 999px; font-size: 12px; font-weight: bold; }
.outcome-clear-win .chip { background: #d3f9d8; color: #1b6d2c; }
.outcome-ahead-within-noise .chip, .outcome-behind-within-noise .chip, .outcome-tie .chip { background: #fff3bf; color: #7c5b00; }
.outcome-clear-loss .chip { background: #ffe3e3; color: #a61e1e; }
.stat.outcome-clear-win { border-color: #b2f2bb; }
.stat.outcome-clear-loss { border-color: #ffc9c9; }
.summary-text p { margin: 0 0 10px; }
.summary-text p:first-child { font-size: 16.5px; color: var(--ink); }
.chart { margin: 0; }
.chart svg { display: block; max-width: 100%; height: auto; }
.chart-grid { display: grid; gap: 18px 22px; }
.chart-grid.bars { grid-template-columns: repeat(auto-fill, minmax(360px, 1fr)); }
.chart-grid.curves { grid-template-columns: repeat(auto-fill, minmax(500px, 1fr)); }
.chart-grid .chart { border: 1px solid var(--line); border-radius: 10px; padding: 6px; }
.legend { display: flex; flex-wrap: wrap; gap: 16px; margin: 0 0 14px; font-size: 13px; }
.swatch { display: inline-block; width: 11px; height: 11px; border-radius: 3px; margin-right: 6px; vertical-align: -1px; }
.table-wrap { overflow-x: auto; }
table.results { border-collapse: collapse; width: 100%; font-size: 13.5px; font-variant-numeric: tabular-nums; }
table.results caption { caption-side: bottom; text-align: left; color: var(--muted); font-size: 12.5px; padding-top: 10px; }
table.results th, table.results td { padding: 7px 8px; border-bottom: 1px solid var(--line); text-align: right; white-space: nowrap; }
table.results thead th { white-space: normal; vertical-align: bottom; color: var(--ink); font-size: 13px; border-bottom: 2px solid #cbd2d9; }
table.results thead th .kind { display: block; font-weight: normal; color: var(--muted); font-size: 11px; }
table.results th.metric-col, table.results tbody th { text-align: left; }
table.results tbody th { font-weight: normal; color: var(--ink); }
table.results tbody tr:hover { background: #f8f9fa; }
table.results .headline { background: #fff4e6; }
table.results thead th.headline { border-bottom-color: var(--accent); }
table.results td.best { font-weight: bold; color: var(--ink); }
table.results .ci { color: var(--muted); font-size: 12px; font-weight: normal; }
table.results .unit { color: var(--muted); font-size: 12px; }
table.results .dir { color: var(--muted); }
table.results .missing { color: #cbd2d9; }
footer { color: var(--muted); font-size: 12.5px; text-align: center; margin-top: 8px; }
@media (max-width: 900px) { .summary-grid { grid-template-columns: 1fr; } main { padding: 16px; } }
@media print {
  html { background: white; }
  body { font-size: 12px; }
  main { max-width: none; padding: 0; }
  section.card { box-shadow: none; border: none; padding: 0; margin-bottom: 16px; }
  .chart, table.results tr, .stat { break-inside: avoid; }
  .summary-grid { grid-template-columns: 1fr 1fr; }
  .table-wrap { overflow: visible; }
}
`;
