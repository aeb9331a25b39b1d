/**
 * `liveq simulate`: runs a reference policy on the simulated live-streaming platform and prints its
 * metrics, as a table or (with --json) as one JSON object on the last line of stdout.
 */
import cliProgress from "cli-progress";
import type { Command } from "commander";
import { integer, readJsonFile } from "../flags.js";
import { REFERENCE_POLICIES, referencePolicy } from "../../policies/reference/index.js";
import { parseSimConfig, withOverrides, type SimConfig, type SimConfigInput } from "../../sim/config.js";
import { Platform } from "../../sim/platform.js";
import { runPolicy } from "../../sim/policy.js";

interface SimulateFlags {
  config?: string;
  policy: string;
  seed: number;
  world?: number;
  users?: number;
  streamers?: number;
  days?: number;
  json?: boolean;
  progress: boolean;
}


/** Reads and validates a JSON config file (any subset of the keys). */
export async function readSimConfig(path: string): Promise<SimConfig> {
  return parseSimConfig(readJsonFile(path), path);
}

/** The config from --config (or the defaults) with --users/--streamers/--days laid over it. */
export async function configFromFlags(flags: { config?: string; users?: number; streamers?: number; days?: number }): Promise<SimConfig> {
  const base = flags.config ? await readSimConfig(flags.config) : parseSimConfig({});
  const overrides: { -readonly [K in keyof SimConfigInput]: SimConfigInput[K] } = {};
  if (flags.users !== undefined) overrides.users = flags.users;
  if (flags.streamers !== undefined) overrides.streamers = flags.streamers;
  if (flags.days !== undefined) overrides.days = flags.days;
  return withOverrides(base, overrides);
}

/** A progress bar over a simulated run on stderr (drawn only when enabled and on a terminal), with ETA. */
export function runProgressBar(label: string, enabled: boolean): { update(fraction: number): void; stop(): void } {
  if (!enabled || process.stderr.isTTY !== true) return { update() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    { stream: process.stderr, format: `${label} [{bar}] {percentage}% of the simulated days | ETA {eta_formatted}`, hideCursor: true, fps: 5 },
    cliProgress.Presets.shades_classic,
  );
  bar.start(1000, 0);
  return {
    update(fraction: number) {
      bar.update(Math.round(1000 * fraction));
    },
    stop() {
      bar.stop();
    },
  };
}

export function register(program: Command): void {
  program
    .command("simulate")
    .description("run a reference policy on the simulated live-streaming platform and print its metrics")
    .option("--config <file>", "simulator config (JSON, any subset of the keys; default: the embedded defaults)")
    .option("--policy <name>", `policy: ${REFERENCE_POLICIES.join(", ")}`, "myopic-oracle")
    .option("--seed <n>", "seed of the run (and of the world, unless --world)", integer("seed", 0), 1)
    .option("--world <n>", "seed of the world: its streamers and users (default: --seed)", integer("world", 0))
    .option("--users <n>", "users at the start (overrides the config)", integer("users", 1))
    .option("--streamers <n>", "streamers at the start (overrides the config)", integer("streamers", 1))
    .option("--days <n>", "days simulated (overrides the config)", integer("days", 1))
    .option("--json", "print one JSON object")
    .option("--no-progress", "no progress bar on stderr")
    .action(async (flags: SimulateFlags) => {
      const config = await configFromFlags(flags);
      const policy = referencePolicy(flags.policy, flags.seed);
      const started = performance.now();
      const platform = new Platform(config, flags.seed, { world: flags.world });
      const bar = runProgressBar(`simulate ${policy.name}`, flags.progress);
      const summary = runPolicy(platform, policy, { onProgress: (done) => bar.update(done) });
      bar.stop();
      const seconds = (performance.now() - started) / 1000;
      const out = {
        policy: policy.name,
        seed: flags.seed,
        world: platform.world,
        config: { users: config.users, streamers: config.streamers, days: config.days, slateSize: config.slateSize, file: flags.config ?? null },
        metrics: summary.metrics,
        groups: summary.groups,
        counts: summary.counts,
        timing: { seconds, decisions_per_s: summary.counts.decisions / seconds },
      };
      if (flags.json) {
        console.log(JSON.stringify(out));
        return;
      }
      console.log(`policy ${policy.name}, seed ${flags.seed}: ${config.users} users, ${config.streamers} streamers, ${config.days} days, slate of ${config.slateSize}`);
      const rows: [string, number][] = Object.entries(summary.metrics);
      const width = Math.max(...rows.map(([k]) => k.length));
      for (const [k, v] of rows) console.log(`  ${k.padEnd(width)}  ${format(v)}`);
      const g = summary.groups;
      console.log(`  cold start: new users ${format(g.new_users.reward_per_user_day)} reward/user-day (initial users ${format(g.initial_users.reward_per_user_day)}); ` +
        `new streamers got ${format(100 * g.new_streamers.exposure_share)}% of recommendations`);
      console.log(`  ${summary.counts.decisions} decisions, ${summary.counts.viewings} viewings, ${summary.counts.sessions} sessions in ${seconds.toFixed(1)} s`);
    });
}

function format(x: number): string {
  return Math.abs(x) >= 100 ? x.toFixed(1) : x.toFixed(4);
}
