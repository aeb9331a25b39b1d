/**
 * `liveq train --config FILE --out DIR [--resume DIR]`: trains the shared multi-agent DQN on
 * simulated platforms. Progress on stderr; every point of the training log appended to
 * DIR/metrics.jsonl; a checkpoint (the trained model, with everything needed to resume) in
 * DIR/checkpoint after every episode and on Ctrl-C.
 */
import { appendFileSync, existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import cliProgress from "cli-progress";
import type { Command } from "commander";
import { integer, readJsonFile } from "../flags.js";
import { parseExperimentConfig, trainingRuns, type ExperimentConfig } from "../../train/experiment-config.js";
import { withOverrides } from "../../sim/config.js";
import { createPlatformDqn, settleExploration, platformDqnCheckpoint, restorePlatformDqn, type PlatformDqn, type PlatformHead } from "../../train/platform-dqn-config.js";
import { trainOnPlatforms, type TrainingPoint } from "../../train/platform-trainer.js";
import { loadCheckpoint, saveCheckpoint, writeFileAtomic } from "../../io/checkpoint-dir.js";
import { CheckpointError } from "../../core/checkpoint/bundle.js";

interface TrainFlags {
  config?: string;
  out: string;
  resume?: string;
  head: string;
  episodes?: number;
  users?: number;
  streamers?: number;
  days?: number;
  progress: boolean;
  json?: boolean;
}

export function readExperimentConfig(path: string | undefined): ExperimentConfig {
  return parseExperimentConfig(path ? readJsonFile(path) : {}, path);
}

/** A progress bar over training on stderr (only on a terminal), with rate, epsilon, reward, loss and ETA. */
export function trainingBar(label: string, total: number, enabled: boolean): { update(done: number, p: TrainingPoint): void; stop(): void } {
  if (!enabled || process.stderr.isTTY !== true) return { update() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: `${label} [{bar}] {percentage}% | ETA {eta_formatted} | {rate} dec/s | eps {eps} | reward {reward} | loss {loss}`,
      hideCursor: true,
      fps: 4,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { rate: "-", eps: "-", reward: "-", loss: "-" });
  return {
    update(done, p) {
      bar.update(done, { rate: p.decisions_per_s.toFixed(0), eps: p.epsilon.toFixed(3), reward: p.reward.toFixed(3), loss: Number.isFinite(p.td_loss) ? p.td_loss.toFixed(3) : "-" });
    },
    stop() {
      bar.stop();
    },
  };
}

export function register(program: Command): void {
  program
    .command("train")
    .description("train the shared multi-agent DQN on simulated live-streaming platforms")
    .option("--config <file>", "experiment config (JSON: sim, dqn, training; or a plain simulator config)")
    .requiredOption("--out <dir>", "where the training log and the checkpoint go")
    .option("--resume <dir>", "continue from the checkpoint of an earlier (interrupted) run")
    .option("--head <head>", "feature (scores streams from their features; cold start) or classic (one output per streamer)", "feature")
    .option("--episodes <n>", "simulated runs to train on (overrides training.episodes)", integer("--episodes", 1))
    .option("--users <n>", "override the config's users", integer("--users", 1))
    .option("--streamers <n>", "override the config's streamers", integer("--streamers", 1))
    .option("--days <n>", "override the config's days", integer("--days", 1))
    .option("--no-progress", "no progress bar")
    .option("--json", "print a JSON summary as the last line")
    .action((flags: TrainFlags) => runTrain(flags));
}

async function runTrain(flags: TrainFlags): Promise<void> {
  if (flags.head !== "feature" && flags.head !== "classic") throw new Error(`--head must be "feature" or "classic", got "${flags.head}"`);
  const exp = readExperimentConfig(flags.config);
  const overrides: Record<string, number> = {};
  for (const k of ["users", "streamers", "days"] as const) if (flags[k] !== undefined) overrides[k] = flags[k]!;
  exp.sim = withOverrides(exp.sim, overrides);
  // The training runs: from the config, or, when resuming, those the checkpoint was training on.
  let world = exp.training.world;
  let { seeds, episodes } = trainingRuns(exp);
  const bundle = flags.resume ? loadCheckpoint(join(flags.resume, "checkpoint")) : null;
  if (bundle) ({ world, seeds, episodes } = plannedRuns(bundle.meta));
  if (flags.episodes !== undefined) episodes = flags.episodes;
  let pd: PlatformDqn;
  let startEpisode = 0;
  if (bundle) {
    pd = restorePlatformDqn(bundle);
    startEpisode = Number(bundle.meta.episodes ?? 0);
    process.stderr.write(`resuming from ${flags.resume}: ${startEpisode} episodes, ${pd.agent.decisions} decisions, ${pd.agent.updates} updates done\n`);
  } else {
    const hyper = settleExploration(exp.sim, exp.dqn, world, seeds, episodes);
    pd = createPlatformDqn(exp.sim, flags.head as PlatformHead, hyper, exp.training.agentSeed);
  }
  mkdirSync(flags.out, { recursive: true });
  const logPath = join(flags.out, "metrics.jsonl");
  if (!flags.resume && existsSync(logPath)) throw new Error(`${logPath} exists: use another --out, or --resume ${flags.out}`);

  let stop = false;
  const onSigint = () => {
    if (stop) process.exit(130);
    stop = true;
    process.stderr.write("\nstopping: saving a checkpoint (Ctrl-C again to quit without it)\n");
  };
  process.on("SIGINT", onSigint);
  const ticksPerEpisode = pd.sim.days * 144;
  const bar = trainingBar(`train ${pd.head}`, episodes * ticksPerEpisode, flags.progress);
  const save = (done: number) => saveCheckpoint(join(flags.out, "checkpoint"), platformDqnCheckpoint(pd, { episodes: done, plannedEpisodes: episodes, world, seeds }));
  const t0 = performance.now();
  const result = await trainOnPlatforms(pd, {
    world,
    seeds,
    episodes,
    startEpisode,
    onPoint(p) {
      appendFileSync(logPath, JSON.stringify(p) + "\n");
      bar.update(p.episode * ticksPerEpisode + p.tick, p);
    },
    onEpisode: save,
    shouldStop: () => stop,
  });
  bar.stop();
  process.off("SIGINT", onSigint);
  if (result.stopped) save(result.episodes);
  const summary = {
    out: flags.out,
    head: pd.head,
    episodes_done: result.episodes,
    stopped: result.stopped,
    decisions: pd.agent.decisions,
    updates: pd.agent.updates,
    seconds: (performance.now() - t0) / 1000,
    checkpoint: join(flags.out, "checkpoint"),
  };
  writeFileAtomic(join(flags.out, "summary.json"), JSON.stringify(summary, null, 2));
  if (!flags.json) {
    process.stderr.write(
      result.stopped
        ? `stopped after ${result.episodes} episodes; resume with: liveq train --out ${flags.out} --resume ${flags.out}\n`
        : `trained ${result.episodes} episodes (${summary.decisions} decisions, ${summary.updates} updates) in ${summary.seconds.toFixed(0)} s; model in ${summary.checkpoint}\n`,
    );
  }
  console.log(JSON.stringify(summary));
}

/** The world, seeds and planned episodes a checkpoint was training on (see save in runTrain). */
function plannedRuns(meta: Record<string, unknown>): { world: number; seeds: number[]; episodes: number } {
  const { world, seeds, episodes, plannedEpisodes } = meta;
  if (!Number.isInteger(world)) throw new CheckpointError(`checkpoint: meta.world must be an integer, got ${JSON.stringify(world)}`);
  if (!Array.isArray(seeds) || seeds.length === 0 || !seeds.every((x) => Number.isInteger(x))) {
    throw new CheckpointError(`checkpoint: meta.seeds must be a non-empty list of integers, got ${JSON.stringify(seeds)}`);
  }
  // Checkpoints written before plannedEpisodes was kept: the episodes done, at least.
  const planned = plannedEpisodes ?? episodes;
  if (!Number.isInteger(planned) || (planned as number) < 0) throw new CheckpointError(`checkpoint: meta.plannedEpisodes must be a whole number, got ${JSON.stringify(planned)}`);
  return { world: world as number, seeds: seeds as number[], episodes: planned as number };
}
