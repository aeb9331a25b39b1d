/**
 * The sanity check of the baselines: each runs on a few seeds of a platform next to random, with
 * its default settings (or tuned on training seeds with --tune), and reports its reward per
 * user-day. Used by sanity.test.ts on a small platform; run by hand for any size:
 *
 *     npx tsx test/policies/baselines/sanity-run.ts --users 300 --streamers 40 --days 3 --seeds 1,2,3
 *     npx tsx test/policies/baselines/sanity-run.ts --users 2000 --streamers 500 --days 14 --tune 101,102
 *
 * The last line of stdout is one JSON object.
 */
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { baselineNames, createBaseline } from "../../../src/policies/baselines/registry.js";
import { prepareBaselines } from "../../../src/policies/baselines/tuning.js";
import { parseSimConfig, type SimConfig } from "../../../src/sim/config.js";
import { Platform } from "../../../src/sim/platform.js";
import { runPolicy, type SimPolicy } from "../../../src/sim/policy.js";

export interface SanityRow {
  readonly policy: string;
  readonly reward_per_user_day: number;
  readonly perSeed: number[];
  /** Mean seconds of one run (wall clock; not asserted anywhere). */
  readonly secondsPerRun: number;
  readonly tuning?: string;
}

export function sanityRun(config: SimConfig, seeds: readonly number[], names = baselineNames(), trainSeeds: readonly number[] = []): SanityRow[] {
  const prepared = trainSeeds.length > 0 ? prepareBaselines(names, { config, trainSeeds }) : null;
  return names.map((name, k) => {
    const make = (seed: number): SimPolicy => (prepared ? prepared[k].create(seed) : createBaseline(name, { seed }));
    const t0 = performance.now();
    const perSeed = seeds.map((seed) => runPolicy(new Platform(config, seed), make(seed)).metrics.reward_per_user_day);
    return {
      policy: name,
      reward_per_user_day: perSeed.reduce((a, b) => a + b, 0) / perSeed.length,
      perSeed,
      secondsPerRun: (performance.now() - t0) / 1000 / seeds.length,
      ...(prepared ? { tuning: prepared[k].tuning.summary } : {}),
    };
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      users: { type: "string", default: "300" }, streamers: { type: "string", default: "40" }, days: { type: "string", default: "3" },
      slate: { type: "string", default: "1" }, seeds: { type: "string", default: "1,2,3" }, tune: { type: "string", default: "" },
    },
  });
  const list = (s: string) => (s === "" ? [] : s.split(",").map(Number));
  const config = parseSimConfig({ users: Number(values.users), streamers: Number(values.streamers), days: Number(values.days), slateSize: Number(values.slate) });
  const rows = sanityRun(config, list(values.seeds), baselineNames(), list(values.tune));
  const random = rows.find((r) => r.policy === "random")!.reward_per_user_day;
  for (const r of rows) {
    console.log(`${r.policy.padEnd(18)} ${r.reward_per_user_day.toFixed(3).padStart(7)}  x${(r.reward_per_user_day / random).toFixed(2)} random  ${r.secondsPerRun.toFixed(2)} s/run`);
    if (r.tuning) console.log(`  ${r.tuning}`);
  }
  console.log(JSON.stringify({ config: { users: config.users, streamers: config.streamers, days: config.days, slateSize: config.slateSize }, seeds: list(values.seeds), trainSeeds: list(values.tune), rows }));
}
