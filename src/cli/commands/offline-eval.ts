/**
 * `liveq offline-eval`: evaluates policies on a real interaction log with LiveRec's protocol and
 * prints HR@k and NDCG@k over all, new and repeat targets, as a table or as one JSON object.
 */
import type { Command } from "commander";
import { integer, positiveNumber, oneOf } from "../flags.js";
import { formatImportReport } from "../../data/import-report.js";
import { readInteractionLog } from "../../data/read-log.js";
import { TIME_UNITS, type TimeUnit } from "../../data/time-unit.js";
import { WINDOW_NAMES, type WindowName } from "../../eval/offline/evaluation-window.js";
import { LiveRecProtocol, type OfflineEvaluation } from "../../eval/offline/liverec-protocol.js";
import { METRIC_NAMES } from "../../eval/offline/rank-metrics.js";
import { offlinePolicies } from "../../policies/offline/registry.js";

interface OfflineEvalFlags {
  data: string;
  map?: string;
  format: "auto" | "rappaz" | "header";
  timeUnit?: TimeUnit;
  stepMinutes: number;
  availWindow: number;
  window: WindowName;
  windowLength: number;
  policies: string;
  seed: number;
  model?: string;
  json?: boolean;
  progress: boolean;
}




export function register(program: Command): void {
  program
    .command("offline-eval")
    .description("evaluate policies on a real interaction log with the LiveRec protocol (HR@k, NDCG@k over all/new/repeat targets)")
    .requiredOption("--data <file>", "interaction log (Twitch of Rappaz et al., its reduced sample, KuaiLive, or any CSV with named columns)")
    .option("--map <spec>", "columns: user=COL,streamer=COL,start=COL[,stop=COL|,duration=COL]")
    .option("--format <format>", "auto, rappaz (no header: user,stream,streamer,start,stop) or header", oneOf("format", ["auto", "rappaz", "header"] as const), "auto")
    .option("--time-unit <unit>", `unit of the time columns: ${TIME_UNITS.join(", ")} (default: step; ms for a "timestamp" column)`, oneOf("time unit", TIME_UNITS))
    .option("--step-minutes <m>", "length of a step in minutes (converts timestamps)", positiveNumber("step length"), 10)
    .option("--avail-window <W>", "without stop steps, a streamer is live at t when watched from a step in [t-W, t]", integer("availability window", 0), 6)
    .option("--window <name>", `evaluated window: ${WINDOW_NAMES.join(" or ")}`, oneOf("window", WINDOW_NAMES), "test")
    .option("--window-length <steps>", "length of the test and validation windows", integer("window length", 1), 250)
    .option("--policies <list>", `comma-separated policies (known: ${offlinePolicies.names().join(", ")})`, "pop,rep,mf")
    .option("--seed <n>", "seed for the policies' random choices", integer("seed", 0), 0)
    .option("--model <dir>", "for the dqn policy: a model trained before by `liveq train-offline` instead of training here")
    .option("--json", "print one JSON object")
    .option("--no-progress", "no progress bar on stderr")
    .action(async (flags: OfflineEvalFlags) => {
      const names = offlinePolicies.parseList(flags.policies);
      if (flags.model !== undefined && !names.includes("dqn")) throw new Error(`--model is for the dqn policy, which --policies (${names.join(",")}) does not list`);
      const note = (line: string) => process.stderr.write(`${line}\n`);
      const { log, report } = await readInteractionLog(flags.data, {
        map: flags.map,
        format: flags.format,
        timeUnit: flags.timeUnit,
        stepMinutes: flags.stepMinutes,
        progress: flags.progress,
      });
      note(formatImportReport(report));
      const protocol = new LiveRecProtocol(log, { availWindow: flags.availWindow, windowLength: flags.windowLength, seed: flags.seed });
      const rankers = names.map((name) => offlinePolicies.create(name, { seed: flags.seed, progress: flags.progress, note, settings: { model: flags.model } }));
      const evaluation = await protocol.evaluate(flags.window, rankers);
      if (flags.json) console.log(JSON.stringify(evaluationJson(evaluation, flags.availWindow)));
      else console.log(evaluationTable(evaluation, flags.availWindow));
    });
}

/** The JSON form: targets, repeat_ratio and results as the issue specifies, plus the window used. */
export function evaluationJson(e: OfflineEvaluation, availWindow: number): Record<string, unknown> {
  return {
    window: { name: e.window, first_step: e.first, last_step: e.last },
    avail_window: availWindow,
    mean_candidates: e.meanCandidates,
    targets: e.targets,
    repeat_ratio: e.repeatRatio,
    results: e.results,
  };
}

function evaluationTable(e: OfflineEvaluation, availWindow: number): string {
  const lines = [
    `${e.window} window: steps ${e.first}..${e.last}, W=${availWindow}; ${e.targets.all} targets (${e.targets.rep} repeats, ${e.targets.new} new), ` +
      `repeat ratio ${e.repeatRatio.toFixed(4)}, ${e.meanCandidates.toFixed(1)} candidates per target on average`,
    "",
  ];
  const header = ["policy", "targets", ...METRIC_NAMES];
  const rows = [header];
  for (const [policy, segments] of Object.entries(e.results)) {
    for (const segment of ["all", "new", "rep"] as const) {
      rows.push([policy, segment, ...METRIC_NAMES.map((m) => (Number.isNaN(segments[segment][m]) ? "-" : segments[segment][m].toFixed(4)))]);
    }
  }
  const widths = header.map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  for (const r of rows) lines.push(r.map((cell, c) => (c < 2 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join("  "));
  return lines.join("\n");
}
