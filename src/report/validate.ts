/**
 * Checks a ComparisonReportData before anything is drawn, so a bad value (a NaN mean, a policy
 * in `results` that is not listed, a headline ratio that disagrees with the results) fails with
 * an error naming the field, instead of producing a page that quietly shows the wrong thing.
 */
import { z } from "zod";
import type { ComparisonReportData, Estimate } from "./types.js";

/** Raised for invalid report data; `field` is the dotted path of the offending value. */
export class ReportDataError extends Error {
  constructor(
    readonly field: string,
    detail: string,
  ) {
    super(`comparison report data: ${field}: ${detail}`);
    this.name = "ReportDataError";
  }
}

const finite = z.number(); // zod 4 rejects NaN and ±Infinity here
const nonEmpty = z.string().min(1, "must not be empty");
const count = z.number().int("must be an integer").positive("must be positive");
const seeds = z.array(z.number().int("seeds must be integers"));

const estimateSchema = z.object({ mean: finite, ci95: finite.nonnegative("must be >= 0") });

const schema = z.object({
  title: nonEmpty,
  createdAt: z.string(),
  setting: z.object({ users: count, streamers: count, days: count, trainSeeds: seeds, evalSeeds: seeds.min(1, "needs at least one seed") }),
  policies: z
    .array(z.object({ name: nonEmpty, label: nonEmpty, kind: z.enum(["learned", "baseline", "oracle", "reference"]) }))
    .min(1, "needs at least one policy"),
  metrics: z
    .array(z.object({ key: nonEmpty, label: nonEmpty, higherIsBetter: z.boolean(), unit: z.string().optional() }))
    .min(1, "needs at least one metric"),
  results: z.record(z.string(), z.record(z.string(), estimateSchema)),
  curves: z.array(
    z.object({
      run: nonEmpty,
      metric: nonEmpty,
      points: z.array(z.object({ step: finite, value: finite })).min(1, "needs at least one point"),
    }),
  ),
  headline: z.object({
    metric: nonEmpty,
    dqn: nonEmpty,
    bestBaseline: nonEmpty,
    dqnVsBestBaseline: finite,
    myopicOracle: nonEmpty.nullable(),
    dqnVsMyopicOracle: finite.nullable(),
  }),
}) satisfies z.ZodType<ComparisonReportData>;

function dotted(path: readonly PropertyKey[]): string {
  return path.map((p) => String(p)).join(".") || "(root)";
}

/** Relative tolerance for the headline ratios against the ratio of the means in `results`. */
const RATIO_TOLERANCE = 1e-6;

/** Returns the data unchanged when valid; throws ReportDataError naming the first bad field. */
export function validateComparisonReportData(input: unknown): ComparisonReportData {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ReportDataError(dotted(issue.path), issue.message);
  }
  const data = parsed.data as ComparisonReportData;

  const policies = new Map<string, (typeof data.policies)[number]>();
  data.policies.forEach((p, i) => {
    if (policies.has(p.name)) throw new ReportDataError(`policies.${i}.name`, `duplicate policy '${p.name}'`);
    policies.set(p.name, p);
  });
  const metrics = new Map<string, (typeof data.metrics)[number]>();
  data.metrics.forEach((m, i) => {
    if (metrics.has(m.key)) throw new ReportDataError(`metrics.${i}.key`, `duplicate metric '${m.key}'`);
    metrics.set(m.key, m);
  });

  for (const [policy, row] of Object.entries(data.results)) {
    if (!policies.has(policy)) {
      throw new ReportDataError(`results.${policy}`, `unknown policy '${policy}' (policies are: ${[...policies.keys()].join(", ")})`);
    }
    for (const metric of Object.keys(row)) {
      if (!metrics.has(metric)) {
        throw new ReportDataError(`results.${policy}.${metric}`, `unknown metric '${metric}' (metrics are: ${[...metrics.keys()].join(", ")})`);
      }
    }
  }

  const h = data.headline;
  if (!metrics.has(h.metric)) throw new ReportDataError("headline.metric", `unknown metric '${h.metric}'`);
  const estimateOf = (field: string, policy: string, kind: string): Estimate => {
    const p = policies.get(policy);
    if (!p) throw new ReportDataError(field, `unknown policy '${policy}'`);
    if (p.kind !== kind) throw new ReportDataError(field, `policy '${policy}' has kind '${p.kind}', expected '${kind}'`);
    const e = data.results[policy]?.[h.metric];
    if (!e) throw new ReportDataError(`results.${policy}.${h.metric}`, `missing, but the headline needs it (${field})`);
    return e;
  };
  const checkRatio = (field: string, stated: number, num: Estimate, den: Estimate): void => {
    if (den.mean === 0) throw new ReportDataError(field, "the ratio's denominator (a mean) is 0");
    const actual = num.mean / den.mean;
    if (Math.abs(stated - actual) > RATIO_TOLERANCE * Math.max(1, Math.abs(actual))) {
      throw new ReportDataError(field, `${stated} disagrees with the ratio of the means in results (${actual})`);
    }
  };

  const dqn = estimateOf("headline.dqn", h.dqn, "learned");
  const best = estimateOf("headline.bestBaseline", h.bestBaseline, "baseline");
  const better = metrics.get(h.metric)!.higherIsBetter ? (a: number, b: number) => a > b : (a: number, b: number) => a < b;
  for (const p of data.policies) {
    const e = data.results[p.name]?.[h.metric];
    if (p.kind === "baseline" && e && better(e.mean, best.mean)) {
      throw new ReportDataError("headline.bestBaseline", `'${h.bestBaseline}' is not the best baseline on ${h.metric}: '${p.name}' has ${e.mean} against ${best.mean}`);
    }
  }
  checkRatio("headline.dqnVsBestBaseline", h.dqnVsBestBaseline, dqn, best);

  if ((h.myopicOracle === null) !== (h.dqnVsMyopicOracle === null)) {
    throw new ReportDataError("headline.dqnVsMyopicOracle", "must be null exactly when headline.myopicOracle is null");
  }
  if (h.myopicOracle !== null) {
    const oracle = estimateOf("headline.myopicOracle", h.myopicOracle, "oracle");
    checkRatio("headline.dqnVsMyopicOracle", h.dqnVsMyopicOracle!, dqn, oracle);
  }
  return data;
}
