/**
 * `liveq compare [--config FILE] [--users N --streamers N --days N] --seeds N --json [--report DIR]`:
 * trains the DQN heads and tunes the baselines on training seeds, evaluates every policy on N
 * held-apart evaluation seeds, and prints each metric's mean and 95% interval (and writes the
 * HTML report with its plots). With `--work DIR` it keeps its progress there
 * (src/io/compare-work-dir.ts): Ctrl-C stops it (exit code 130) and the same command goes on from
 * what was finished, to the same results; DIR is kept when the comparison is done.
 */
import { resolve } from "node:path";
import cliProgress from "cli-progress";
import type { Command } from "commander";
import { integer } from "../flags.js";
import { readExperimentConfig } from "./train.js";
import { withOverrides } from "../../sim/config.js";
import { compareOnPlatform, type CompareResult } from "../../eval/platform/compare.js";
import { toCompareJson, toReportData } from "../../eval/platform/report-data.js";
import { renderComparisonReport } from "../../report/render.js";
import { renderMetricsTable } from "../../report/metricsTable.js";
import { baselineNames } from "../../policies/baselines/registry.js";
import type { ExperimentConfig } from "../../train/experiment-config.js";
import { restorePlatformDqn, type PlatformHead } from "../../train/platform-dqn-config.js";
import type { TrainedAgent } from "../../eval/platform/compare.js";
import type { SimConfig } from "../../sim/config.js";
import { loadPlatformModel, plannedRuns, readTrainingLog } from "../../io/platform-model-dir.js";
import { openCompareWork } from "../../io/compare-work-dir.js";
import type { CompareProgress } from "../../eval/platform/compare-progress.js";
import { Interrupted, onCtrlC, sameCommand } from "../interrupt.js";

export interface CompareFlags {
  config?: string;
  users?: number;
  streamers?: number;
  days?: number;
  seeds: number;
  firstSeed?: number;
  dqnEval?: string;
  episodes?: number;
  heads: string;
  policies?: string;
  json?: boolean;
  report?: string;
  model?: string;
  work?: string;
  checkpointEvery: number;
  progress: boolean;
}

/**
 * Evaluation seeds: 1001, 1002, ... (training seeds are small integers; they never meet). Another
 * first seed gives validation seeds, to choose settings on without touching the evaluation seeds.
 */
/** Policies run only when named in --policies: the slow lookahead oracle and the partial oracles (diagnostics). */
const OPT_IN = ["lookahead-oracle", "oracle-without-pair-appeal", "oracle-of-interests", "linucb-without-past"];

/**
 * Seconds between two checkpoints of an agent that a comparison with a work directory trains, as
 * liveq train's default: a process killed outright (not by Ctrl-C, which lets each agent finish
 * its episode and saves it) goes back to the last, and each costs a copy and a write of the whole
 * agent (the demo's: 54 MB a feature agent, 161 MB the classic one).
 */
export const CHECKPOINT_EVERY_S = 60;

export function evaluationSeeds(n: number, first = 1001): number[] {
  return Array.from({ length: n }, (_, i) => first + i);
}

export async function runComparison(flags: CompareFlags, exp: ExperimentConfig): Promise<{ result: CompareResult; reportPath: string | null }> {
  const overrides: Record<string, number> = {};
  for (const k of ["users", "streamers", "days"] as const) if (flags[k] !== undefined) overrides[k] = flags[k]!;
  exp.sim = withOverrides(exp.sim, overrides);
  const heads = flags.heads.split(",").map((h) => h.trim());
  for (const h of heads) if (h !== "feature" && h !== "classic") throw new Error(`--heads: "${h}" is not a head (feature, classic)`);
  const trained = flags.model !== undefined ? trainedModel(flags, exp, heads as PlatformHead[], overrides) : undefined;
  const known = baselineNames();
  const policies = flags.policies ? flags.policies.split(",").map((p) => p.trim()) : known.filter((n) => !OPT_IN.includes(n));
  for (const p of policies) if (!known.includes(p)) throw new Error(`--policies: unknown policy "${p}"; known: ${known.join(", ")}`);

  const dqnEval = flags.dqnEval ?? "frozen";
  if (dqnEval !== "frozen" && dqnEval !== "online") throw new Error(`--dqn-eval: "${dqnEval}" is not a mode (frozen, online)`);
  const settings = { exp, evalSeeds: evaluationSeeds(flags.seeds, flags.firstSeed), heads: heads as PlatformHead[], baselines: policies, episodes: flags.episodes, dqnEval: dqnEval as "frozen" | "online" };
  const model = flags.model !== undefined && trained !== undefined
    ? { path: resolve(flags.model), agents: trained.map((t) => ({ head: t.head, agentSeed: t.agentSeed, decisions: t.pd.agent.decisions, updates: t.pd.agent.updates })) }
    : undefined;
  const work = flags.work !== undefined ? openCompareWork(flags.work, { ...settings, model }) : null;
  if (work?.resumed) process.stderr.write(`resuming the comparison in ${work.dir}: ${describeStored(work.stored)}\n`);
  const showBar = flags.progress && process.stderr.isTTY === true;
  const bar = showBar
    ? new cliProgress.SingleBar({ stream: process.stderr, format: "{stage} [{bar}] {percentage}% | ETA {eta_formatted}", hideCursor: true, fps: 4 }, cliProgress.Presets.shades_classic)
    : null;
  let started = false;
  let stage = "";
  // Without a work directory there is nothing to save: Ctrl-C ends the process as usual.
  const ctrlC = work ? onCtrlC(`stopping: what is finished stays in ${work.dir} (Ctrl-C again to quit at once)`) : null;
  let result: CompareResult;
  try {
    result = await compareOnPlatform({
      ...settings,
      trained,
      ...(work ? { ...work.hooks, stored: work.stored, checkpointEveryMs: flags.checkpointEvery * 1000 } : {}),
      signal: ctrlC?.signal,
      onStage(s) {
        stage = s;
        if (!showBar) process.stderr.write(`${s}\n`);
        else bar?.update({ stage });
      },
      onProgress(done, total) {
        if (!bar) return;
        if (!started) {
          // (from what an interrupted run finished: the rate and ETA count only what is done now)
          bar.start(total, done, { stage });
          started = true;
        }
        bar.update(done, { stage });
      },
    });
  } catch (err) {
    // (a failure while stopping is reported as itself, not as the stop)
    if (!ctrlC?.signal.aborted || err !== ctrlC.signal.reason) throw err;
    throw new Interrupted(`stopped; what was finished is in ${work!.dir}. Resume with the same command: ${sameCommand()}`);
  } finally {
    bar?.stop();
    ctrlC?.dispose();
  }
  let reportPath: string | null = null;
  if (flags.report) {
    const out = await renderComparisonReport(toReportData(result), { outDir: resolve(flags.report) });
    reportPath = out.indexHtml;
  }
  return { result, reportPath };
}

export function register(program: Command): void {
  program
    .command("compare")
    .description("train the DQN, tune the baselines, and compare every policy on held-apart seeds of the simulated platform")
    .option("--config <file>", "experiment config (JSON: sim, dqn, training; or a plain simulator config)")
    .option("--users <n>", "override the config's users", integer("--users", 1))
    .option("--streamers <n>", "override the config's streamers", integer("--streamers", 1))
    .option("--days <n>", "override the config's days", integer("--days", 1))
    .option("--seeds <n>", "evaluation seeds (held apart from the training seeds)", integer("--seeds", 2), 5)
    .option("--first-seed <n>", "first evaluation seed (default 1001; e.g. 2001 for validation seeds to choose settings on)", integer("--first-seed", 0))
    .option("--episodes <n>", "training runs per DQN head (overrides training.episodes; the baselines learn from the same weeks)", integer("--episodes", 1))
    .option("--dqn-eval <mode>", "frozen: the DQN serves what it learned in training; online: it also learns from each evaluation run's feedback, as the service does", "frozen")
    .option("--heads <list>", "DQN heads to train and compare", "feature,classic")
    .option("--policies <list>", "baselines and oracles to compare (default: all but the lookahead oracle)")
    .option("--model <dir>", "evaluate this trained DQN (liveq train --out DIR: its agents, served as one) instead of training its head; the platform and the training weeks are the model's")
    .option("--report <dir>", "write the HTML report and its SVG plots here")
    .option("--work <dir>", "keep the comparison's progress here (each agent's checkpoint and training log, each finished evaluation run): after Ctrl-C the same command goes on from it, to the same results; kept when done, so running it again reads the results back")
    .option("--checkpoint-every <seconds>", "with --work: save each agent's checkpoint after an episode once this long has passed since its last, and at the end of its training (Ctrl-C lets each agent finish the episode it is in and saves it)", integer("--checkpoint-every", 0), CHECKPOINT_EVERY_S)
    .option("--json", "print the results as one JSON object on the last line")
    .option("--no-progress", "no progress bar")
    .action(async (flags: CompareFlags, cmd: Command) => {
      if (flags.work === undefined && cmd.getOptionValueSource("checkpointEvery") === "cli") {
        throw new Error("--checkpoint-every needs --work DIR: without a work directory nothing is checkpointed");
      }
      const { result, reportPath } = await runComparison(flags, readExperimentConfig(flags.config));
      if (!flags.json) {
        console.log(renderMetricsTable(toReportData(result)));
        if (reportPath) console.log(`report: ${reportPath}`);
      }
      if (flags.json) console.log(JSON.stringify({ ...toCompareJson(result), report: reportPath }));
    });
}

/** What an earlier run of the comparison finished, in a few words. */
function describeStored(stored: CompareProgress): string {
  const agents = stored.agents.map((a) => `${a.head} agent ${a.agentSeed}: ${a.episodes} episodes trained`);
  return `${stored.runs.size} evaluation runs done${agents.length > 0 ? `; ${agents.join(", ")}` : ""}`;
}

/**
 * The agents of --model (liveq train's output), ready to compare. The platform is the model's: a
 * flag that says otherwise is refused, and so are --config and --episodes. The training weeks
 * (world, seeds, episodes done) become the experiment's, so the baselines learn from the weeks the
 * DQN learned from.
 */
function trainedModel(flags: CompareFlags, exp: ExperimentConfig, heads: PlatformHead[], overrides: Record<string, number>): TrainedAgent[] {
  const dir = flags.model!;
  if (flags.config !== undefined) throw new Error(`--model and --config do not go together: the model in ${dir} carries its own platform, hyper-parameters and training weeks`);
  if (flags.episodes !== undefined) throw new Error(`--model and --episodes do not go together: the model in ${dir} was trained for its own episodes (liveq train --out ${dir} --resume ${dir} --episodes N trains it further)`);
  const stored = loadPlatformModel(dir);
  const { world, seeds, episodes: planned } = plannedRuns(stored[0]);
  const none = stored.find((a) => a.episodes === 0);
  if (none) throw new Error(`--model ${dir}: the agent of seed ${none.agentSeed} has not finished an episode yet (${none.dir}); liveq train --out ${dir} --resume ${dir} trains it on`);
  const agents = stored.map((a) => ({ agentSeed: a.agentSeed, pd: restorePlatformDqn(a.bundle) }));
  const { head, sim } = agents[0].pd;
  if (!heads.includes(head)) throw new Error(`--model ${dir} holds the ${head} head, which --heads (${heads.join(",")}) leaves out`);
  const differ = Object.keys(overrides).filter((k) => JSON.stringify(exp.sim[k as keyof SimConfig]) !== JSON.stringify(sim[k as keyof SimConfig]));
  if (differ.length > 0) {
    const what = differ.map((k) => `${k} ${JSON.stringify(sim[k as keyof SimConfig])} (asked: ${JSON.stringify(exp.sim[k as keyof SimConfig])})`).join(", ");
    throw new Error(`--model ${dir} was trained on another platform: ${what}; leave out the flags that differ`);
  }
  exp.sim = sim;
  // The weeks it trained on: the first `episodes` of its seeds (taken in turn when more). Agents
  // stopped by Ctrl-C may stand at different episodes: the baselines get every week any agent saw.
  const done = stored.map((a) => a.episodes);
  const most = Math.max(...done), least = Math.min(...done);
  exp.training = { ...exp.training, world, seeds: [...seeds], episodes: most };
  const log = readTrainingLog(dir, agents.length === 1 ? agents[0].agentSeed : undefined);
  const who = agents.length === 1 ? "one agent" : `${agents.length} agents`;
  process.stderr.write(`evaluating the model in ${dir}: ${who} of the ${head} head, trained ${least === most ? most : `${least} to ${most}`} episodes on world ${world}; the baselines learn from the same weeks\n`);
  if (least < planned) process.stderr.write(`note: the model's training was interrupted (${least} of ${planned} episodes done); liveq train --out ${dir} --resume ${dir} finishes it\n`);
  return agents.map((a) => ({ head, agentSeed: a.agentSeed, pd: a.pd, points: log.get(a.agentSeed) ?? [] }));
}
