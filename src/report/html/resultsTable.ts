/**
 * The results table of the page: one row per metric, one column per policy, "mean ± ci95" in
 * each cell, the best mean of each row in bold (lowest where lower is better), the headline
 * DQN's column tinted.
 */
import { decimalsForRow, formatMean } from "../format.js";
import { KIND_COLOURS } from "../theme.js";
import type { ComparisonReportData } from "../types.js";
import { bestPolicies } from "../verdict.js";
import { escapeHtml } from "./escape.js";

export function resultsTableHtml(data: ComparisonReportData): string {
  const col = (name: string) => (name === data.headline.dqn ? ' class="headline"' : "");
  const head = data.policies
    .map((p) => `<th scope="col"${col(p.name)}><span class="swatch" style="background:${KIND_COLOURS[p.kind]}"></span>${escapeHtml(p.label)}<span class="kind">${p.kind}</span></th>`)
    .join("");
  const rows = data.metrics.map((m) => {
    const best = new Set(bestPolicies(data, m));
    const d = decimalsForRow(data.policies.flatMap((p) => data.results[p.name]?.[m.key] ?? []));
    const cells = data.policies.map((p) => {
      const e = data.results[p.name]?.[m.key];
      if (!e) return `<td${col(p.name)}><span class="missing">—</span></td>`;
      const classes = [p.name === data.headline.dqn ? "headline" : "", best.has(p.name) ? "best" : ""].filter(Boolean).join(" ");
      return `<td${classes ? ` class="${classes}"` : ""}>${formatMean(e, d)}<span class="ci"> ± ${e.ci95.toFixed(d)}</span></td>`;
    });
    const arrow = m.higherIsBetter ? '<span class="dir" title="higher is better">↑</span>' : '<span class="dir" title="lower is better">↓</span>';
    const unit = m.unit ? ` <span class="unit">${escapeHtml(m.unit)}</span>` : "";
    return `<tr><th scope="row">${escapeHtml(m.label)}${unit} ${arrow}</th>${cells.join("")}</tr>`;
  });
  const seeds = data.setting.evalSeeds.length;
  return [
    '<div class="table-wrap"><table class="results">',
    `<caption>Mean ± half-width of the 95% confidence interval over ${seeds} evaluation seed${seeds === 1 ? "" : "s"}. Bold: the best mean in the row (↑ higher is better, ↓ lower is better).</caption>`,
    `<thead><tr><th scope="col" class="metric-col">Metric</th>${head}</tr></thead>`,
    `<tbody>${rows.join("")}</tbody>`,
    "</table></div>",
  ].join("\n");
}
