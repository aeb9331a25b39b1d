/**
 * `liveq demo`: the main job on its embedded default. Trains the shared multi-agent DQN on a
 * simulated platform, compares it with every baseline on held-apart seeds, prints the table and
 * writes the report. Its progress goes to OUT/.work (liveq compare's --work): after Ctrl-C the same
 * command goes on from it; it is removed once the report is written, so the next demo starts afresh.
 */
import { rmSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Command } from "commander";
import { integer } from "../flags.js";
import { CHECKPOINT_EVERY_S, runComparison } from "./compare.js";
import { parseExperimentConfig } from "../../train/experiment-config.js";
import { toCompareJson, toReportData } from "../../eval/platform/report-data.js";
import { renderMetricsTable } from "../../report/metricsTable.js";

/**
 * The embedded default: a platform of 2,000 users and 300 streamers over a week; the DQN trained
 * on the default 420 days of that world's past (60 other weeks, training seeds 1-60, without the
 * newcomers of those weeks), every policy evaluated on 5 further weeks (seeds 1001-1005). Sized to
 * finish within 10 minutes on 2 cores.
 */
export const DEMO_EXPERIMENT = {
  sim: { users: 2000, streamers: 300, days: 7 },
};

export function register(program: Command): void {
  program
    .command("demo")
    .description("the main job: train the DQN on the embedded default platform, compare it with the baselines, write the report")
    .option("--out <dir>", "where the report goes; the work in progress goes to DIR/.work, so that after Ctrl-C the same command goes on from it (removed once the report is written)", "liveq-report")
    .option("--seeds <n>", "evaluation seeds", integer("--seeds", 2), 5)
    .option("--json", "print the results as one JSON object on the last line")
    .option("--no-progress", "no progress bar")
    .action(async (flags: { out: string; seeds: number; json?: boolean; progress: boolean }) => {
      const t0 = performance.now();
      const work = join(flags.out, ".work");
      const { result, reportPath } = await runComparison(
        { seeds: flags.seeds, heads: "feature,classic", report: flags.out, progress: flags.progress, json: flags.json, work, checkpointEvery: CHECKPOINT_EVERY_S },
        parseExperimentConfig(DEMO_EXPERIMENT, "the embedded demo config"),
      );
      rmSync(work, { recursive: true, force: true });
      if (flags.json) {
        console.log(JSON.stringify({ ...toCompareJson(result), report: reportPath }));
        return;
      }
      console.log(renderMetricsTable(toReportData(result)));
      const h = result.headline;
      console.log(
        `\nDQN earned ${h.dqnVsBestBaseline.toFixed(3)}x the reward per user-day of the best baseline (${h.bestBaseline})` +
          (h.dqnVsMyopicOracle !== null ? ` and ${h.dqnVsMyopicOracle.toFixed(3)}x the myopic oracle's.` : "."),
      );
      console.log(`report: ${reportPath ?? resolve(flags.out)}  (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
    });
}
