/**
 * `liveq calibrate`: compares a real viewing log with the simulator under the default config (or
 * --config): repeat share, interactions and distinct streamers per user, Gini of streamer
 * popularity, and the median and 90th percentile of the gaps between a user's viewings. The
 * simulation lasts as many days as the log covers and its log goes through the same filters.
 *
 * By default the simulated users browse for themselves: each decision shows the `--slate-size`
 * most-viewed live streams (a live platform's directory) and the user picks one or none by their
 * own choice model, which is what the real users of a log did on the platform.
 */
import type { Command } from "commander";
import { formatImportReport } from "../../data/import-report.js";
import { readInteractionLog } from "../../data/read-log.js";
import { REFERENCE_POLICIES, referencePolicy } from "../../policies/reference/index.js";
import { CALIBRATION_STATISTICS, calibrate } from "../../sim/calibration.js";
import { withOverrides } from "../../sim/config.js";
import { configFromFlags, runProgressBar } from "./simulate.js";
import { integer } from "../flags.js";

interface CalibrateFlags {
  data: string;
  config?: string;
  policy: string;
  slateSize: number;
  seed: number;
  users?: number;
  streamers?: number;
  minInteractions: number;
  json?: boolean;
  progress: boolean;
}

export function register(program: Command): void {
  program
    .command("calibrate")
    .description("compare a real viewing log with the simulator (repeat share, interactions and streamers per user, popularity Gini, gaps)")
    .requiredOption("--data <file>", "viewing log (e.g. the Twitch sample of ../shared/data)")
    .option("--config <file>", "simulator config (default: the embedded defaults); its days are set to the log's")
    .option("--policy <name>", `what the simulated users are shown: ${REFERENCE_POLICIES.join(", ")}`, "most-viewed-now")
    .option("--slate-size <k>", "streams shown per decision (the user picks one or none)", integer("slate size", 1), 50)
    .option("--seed <n>", "seed of the simulated world and of the user sample", integer("seed", 0), 1)
    .option("--users <n>", "users at the start (overrides the config)", integer("users", 1))
    .option("--streamers <n>", "streamers at the start (overrides the config)", integer("streamers", 1))
    .option("--min-interactions <n>", "keep users with at least this many viewings (as the log did)", integer("min interactions", 1), 10)
    .option("--json", "print one JSON object")
    .option("--no-progress", "no progress bar on stderr")
    .action(async (flags: CalibrateFlags) => {
      const { log, report } = await readInteractionLog(flags.data, { progress: flags.progress });
      process.stderr.write(`${formatImportReport(report)}\n`);
      const config = withOverrides(await configFromFlags(flags), { slateSize: flags.slateSize });
      const policy = referencePolicy(flags.policy, flags.seed);
      const bar = runProgressBar(`simulate ${policy.name}`, flags.progress);
      const result = calibrate(log, {
        config, seed: flags.seed, policy, minInteractions: flags.minInteractions, onProgress: (done) => bar.update(done),
      });
      bar.stop();
      if (flags.json) {
        console.log(JSON.stringify(result));
        return;
      }
      console.log(`real: ${result.real.users} users, ${result.real.viewings} viewings, ${result.real.days} days; ` +
        `simulated: ${result.sim.users_simulated} users (${result.sim.users_kept} kept), policy ${result.sim.policy}, slate ${config.slateSize}, seed ${result.sim.seed}`);
      console.log(`  ${"statistic".padEnd(22)} ${"real".padStart(10)} ${"sim".padStart(10)} ${"rel. error".padStart(10)}`);
      for (const name of CALIBRATION_STATISTICS) {
        const m = result.metrics[name];
        console.log(`  ${name.padEnd(22)} ${m.real.toFixed(3).padStart(10)} ${m.sim.toFixed(3).padStart(10)} ${(100 * m.rel_err).toFixed(1).padStart(9)}%`);
      }
    });
}
