/**
 * The plain-language summary at the top of the report: what won and by how much, generated from
 * the data. It says plainly when DQN loses and when intervals overlap (a lead within the noise of
 * the evaluation seeds is not called a win).
 */
import { formatEstimate, formatRatio } from "./format.js";
import type { ComparisonReportData, Estimate, MetricInfo, PolicyInfo } from "./types.js";
import { bestPolicies, compareEstimates, type Verdict } from "./verdict.js";

export type Outcome = "clear win" | "ahead within noise" | "tie" | "behind within noise" | "clear loss";

export function outcomeOf(v: Verdict): Outcome {
  if (v.better) return v.overlap ? "ahead within noise" : "clear win";
  if (v.worse) return v.overlap ? "behind within noise" : "clear loss";
  return "tie";
}

/** DQN against one reference policy on the headline metric. */
export interface HeadlineComparison {
  role: "best baseline" | "myopic oracle";
  policy: PolicyInfo;
  /** DQN's mean over the reference's. */
  ratio: number;
  outcome: Outcome;
  dqn: Estimate;
  reference: Estimate;
}

export interface ReportSummary {
  metric: MetricInfo;
  dqn: PolicyInfo;
  comparisons: HeadlineComparison[];
  /** Plain sentences, in reading order. */
  sentences: string[];
}

/** "Reward per user-day" -> "reward per user-day", but "CTR" stays "CTR". */
function inSentence(label: string): string {
  return /^[A-Z][a-z]/.test(label) ? label.charAt(0).toLowerCase() + label.slice(1) : label;
}

function listing(items: string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

/** "the best baseline (REP)", but just "the myopic oracle" when that is the policy's label too. */
export function roleName(c: Pick<HeadlineComparison, "role" | "policy">): string {
  return c.policy.label.toLowerCase() === c.role ? `the ${c.role}` : `the ${c.role} (${c.policy.label})`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

export function summarizeComparison(data: ComparisonReportData): ReportSummary {
  const h = data.headline;
  const policy = (name: string): PolicyInfo => data.policies.find((p) => p.name === name)!;
  const metric = data.metrics.find((m) => m.key === h.metric)!;
  const dqn = policy(h.dqn);
  const dqnEst = data.results[h.dqn]![h.metric]!;
  const what = inSentence(metric.label);
  const verb = metric.higherIsBetter ? "earned" : "had";
  const withUnit = (e: Estimate) => formatEstimate(e) + (metric.unit ? ` ${metric.unit}` : "");
  const seeds = data.setting.evalSeeds.length;

  const against = (role: HeadlineComparison["role"], name: string): HeadlineComparison => {
    const reference = data.results[name]![h.metric]!;
    const v = compareEstimates(dqnEst, reference, metric.higherIsBetter);
    return { role, policy: policy(name), ratio: v.ratio, outcome: outcomeOf(v), dqn: dqnEst, reference };
  };
  const comparisons = [against("best baseline", h.bestBaseline)];
  if (h.myopicOracle !== null) comparisons.push(against("myopic oracle", h.myopicOracle));

  const sentences: string[] = [];
  const base = comparisons[0]!;
  const numbers = `${withUnit(base.dqn)} against ${withUnit(base.reference)}`;
  const times = `${formatRatio(base.ratio)} the ${what}`;
  switch (base.outcome) {
    case "clear win":
      sentences.push(`${dqn.label} ${verb} ${times} of the best baseline (${base.policy.label}): ${numbers}. The 95% intervals do not overlap, so this is a clear win.`);
      break;
    case "ahead within noise":
      sentences.push(`${dqn.label} ${verb} ${times} of the best baseline (${base.policy.label}): ${numbers}. But the 95% intervals overlap, so the lead is within the noise of ${plural(seeds, "evaluation seed")}.`);
      break;
    case "tie":
      sentences.push(`${dqn.label} ${verb} the same ${what} as the best baseline (${base.policy.label}): ${numbers}.`);
      break;
    case "behind within noise":
      sentences.push(`${dqn.label} ${verb} ${times} of the best baseline (${base.policy.label}): ${numbers}. It is behind, but the 95% intervals overlap, so neither is clearly better.`);
      break;
    case "clear loss":
      sentences.push(`${dqn.label} lost to the best baseline (${base.policy.label}): it ${verb} ${times} of the baseline, ${numbers}. The 95% intervals do not overlap, so the baseline is clearly better.`);
      break;
  }

  const oracle = comparisons[1];
  if (oracle) {
    const tail: Record<Outcome, string> = {
      "clear win": "the intervals do not overlap, so it clearly beat the oracle",
      "ahead within noise": "it is ahead, but the intervals overlap",
      tie: "the same as the oracle",
      "behind within noise": "it is behind, but the intervals overlap",
      "clear loss": "the intervals do not overlap, so the oracle is clearly ahead",
    };
    sentences.push(`Against ${roleName(oracle)} it reached ${formatRatio(oracle.ratio)} of the oracle's ${what} (${withUnit(oracle.dqn)} against ${withUnit(oracle.reference)}); ${tail[oracle.outcome]}.`);
  }

  for (const other of data.policies) {
    const e = data.results[other.name]?.[h.metric];
    if (other.kind !== "learned" || other.name === h.dqn || !e) continue;
    const ratio = e.mean / base.reference.mean;
    sentences.push(`The other learned policy, ${other.label}, ${verb} ${formatRatio(ratio)} the best baseline's ${what} (${withUnit(e)}).`);
  }

  const groups: Record<"better" | "worse" | "noise", string[]> = { better: [], worse: [], noise: [] };
  for (const m of data.metrics) {
    if (m.key === h.metric) continue;
    const mine = data.results[h.dqn]?.[m.key];
    const bestName = bestPolicies(data, m, ["baseline"])[0];
    if (!mine || bestName === undefined) continue;
    const v = compareEstimates(mine, data.results[bestName]![m.key]!, m.higherIsBetter);
    groups[v.overlap ? "noise" : v.better ? "better" : "worse"].push(inSentence(m.label));
  }
  const parts = [
    groups.better.length ? `clearly better on ${listing(groups.better)}` : "",
    groups.worse.length ? `clearly worse on ${listing(groups.worse)}` : "",
    groups.noise.length ? `within the noise on ${listing(groups.noise)}` : "",
  ].filter(Boolean);
  if (parts.length) {
    sentences.push(`On the other metrics, against the best baseline on each, ${dqn.label} was ${listing(parts)}.`);
  }

  const s = data.setting;
  const shared = s.evalSeeds.filter((x) => s.trainSeeds.includes(x));
  const apart = shared.length === 0 ? `held apart from the ${plural(s.trainSeeds.length, "training seed")}` : `sharing ${plural(shared.length, "seed")} with training`;
  sentences.push(`Means over ${plural(seeds, "evaluation seed")} (${apart}) of a platform with ${s.users} users and ${s.streamers} streamers over ${plural(s.days, "day")}; ± is the half-width of the 95% confidence interval.`);

  return { metric, dqn, comparisons, sentences };
}
