/**
 * `liveq train [--config FILE] --out DIR`, or `liveq train --out DIR --resume DIR` to go on with an
 * interrupted (or finished) one: trains the shared multi-agent DQN on
 * simulated platforms: the feature head as the `training.ensemble` agents that `liveq compare`
 * serves as one (agent seeds agentSeed, agentSeed + 1, ...), the classic head as one agent, each
 * in its own worker thread. Progress on stderr; every point of the training log appended to
 * DIR/metrics.jsonl (with its agent's seed); each agent's checkpoint (the trained model, with
 * everything needed to resume) in DIR/checkpoint/agent-<seed>/ (src/io/platform-model-dir.ts)
 * every --checkpoint-every seconds of training, at the end and on Ctrl-C. `liveq compare --model
 * DIR` evaluates what it trained.
 */
import { setMaxListeners } from "node:events";
import { existsSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import cliProgress from "cli-progress";
import type { Command } from "commander";
import { integer, readJsonFile } from "../flags.js";
import { onCtrlC } from "../interrupt.js";
import { parseExperimentConfig, trainingRuns, type ExperimentConfig } from "../../train/experiment-config.js";
import { withOverrides, type SimConfig } from "../../sim/config.js";
import { settleExploration, type PlatformDqnHyper, type PlatformHead } from "../../train/platform-dqn-config.js";
import type { TrainingPoint } from "../../train/platform-trainer.js";
import { allWhenSettled, trainInWorker, type TrainJob } from "../../train/parallel-training.js";
import { writeFileAtomic } from "../../io/checkpoint-dir.js";
import { agentCheckpointDir, appendTrainingPoint, hasPlatformModel, loadPlatformModel, plannedRuns, saveTrainingCheckpoint } from "../../io/platform-model-dir.js";
import type { CheckpointBundle } from "../../core/checkpoint/bundle.js";

interface TrainFlags {
  config?: string;
  out: string;
  resume?: string;
  head?: string;
  episodes?: number;
  users?: number;
  streamers?: number;
  days?: number;
  checkpointEvery: number;
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
    .requiredOption("--out <dir>", "where the training log and each agent's checkpoint go")
    .option("--resume <dir>", "continue every agent from its checkpoint in DIR (an earlier, interrupted run; the model's own config stands)")
    .option("--head <head>", "feature (scores streams from their features; cold start; the training.ensemble agents) or classic (one output per streamer; one agent) (default: feature)")
    .option("--episodes <n>", "simulated runs to train on (overrides training.episodes)", integer("--episodes", 1))
    .option("--users <n>", "override the config's users", integer("--users", 1))
    .option("--streamers <n>", "override the config's streamers", integer("--streamers", 1))
    .option("--days <n>", "override the config's days", integer("--days", 1))
    .option("--checkpoint-every <seconds>", "save each agent's checkpoint after an episode once this long has passed since its last (and always at the end and on Ctrl-C)", integer("--checkpoint-every", 0), 60)
    .option("--no-progress", "no progress bar")
    .option("--json", "print a JSON summary as the last line")
    .action((flags: TrainFlags) => runTrain(flags));
}

async function runTrain(flags: TrainFlags): Promise<void> {
  if (flags.head !== undefined && flags.head !== "feature" && flags.head !== "classic") throw new Error(`--head must be "feature" or "classic", got "${flags.head}"`);
  if (flags.resume !== undefined) {
    // A resumed run goes on with the model's own platform, head and hyper-parameters.
    const said = (["config", "head", "users", "streamers", "days"] as const).filter((k) => flags[k] !== undefined);
    if (said.length > 0) throw new Error(`--resume continues the model in ${flags.resume} with its own config: leave out ${said.map((k) => `--${k}`).join(", ")}`);
    if (resolve(flags.out) !== resolve(flags.resume) && (hasPlatformModel(flags.out, true) || existsSync(join(flags.out, "metrics.jsonl")))) {
      throw new Error(`${flags.out} already holds a trained model or a training log: resume into ${flags.resume} itself, or into an empty --out`);
    }
  }
  const exp = readExperimentConfig(flags.config);
  const overrides: Record<string, number> = {};
  for (const k of ["users", "streamers", "days"] as const) if (flags[k] !== undefined) overrides[k] = flags[k]!;
  exp.sim = withOverrides(exp.sim, overrides);
  // The agents and their training runs: from the config, or, when resuming, those the checkpoints
  // were training on (each agent from the episodes it had done).
  let world = exp.training.world;
  let { seeds, episodes } = trainingRuns(exp);
  let agents: { agentSeed: number; resume?: { bundle: CheckpointBundle; episodes: number } }[];
  let head = (flags.head ?? "feature") as PlatformHead;
  let hyper: PlatformDqnHyper;
  if (flags.resume) {
    const stored = loadPlatformModel(flags.resume);
    ({ world, seeds, episodes } = plannedRuns(stored[0]));
    if (flags.episodes !== undefined) episodes = flags.episodes;
    const platform = stored[0].bundle.meta.platform as { sim: SimConfig; head: PlatformHead; hyper: PlatformDqnHyper };
    ({ head, hyper } = platform);
    exp.sim = platform.sim;
    agents = stored.map((a) => ({ agentSeed: a.agentSeed, resume: { bundle: a.bundle, episodes: a.episodes } }));
    const done = [...new Set(agents.map((a) => a.resume!.episodes))].join(", ");
    process.stderr.write(`resuming ${agents.length === 1 ? "one agent" : `${agents.length} agents`} from ${flags.resume}: ${done} of ${episodes} episodes done\n`);
  } else {
    // --episodes first: exploration (and the update rhythm) are settled over the episodes planned.
    if (flags.episodes !== undefined) episodes = flags.episodes;
    hyper = settleExploration(exp.sim, exp.dqn, world, seeds, episodes);
    // The feature head is trained as the ensemble liveq compare serves; the classic head as one agent.
    const count = head === "feature" ? exp.training.ensemble : 1;
    agents = Array.from({ length: count }, (_, k) => ({ agentSeed: exp.training.agentSeed + k }));
  }
  const logPath = join(flags.out, "metrics.jsonl");
  if (!flags.resume && existsSync(logPath)) throw new Error(`${logPath} exists: use another --out, or --resume ${flags.out}`);
  if (!flags.resume && hasPlatformModel(flags.out, true)) throw new Error(`${flags.out} holds a trained model: use another --out, or --resume ${flags.out}`);
  mkdirSync(flags.out, { recursive: true });

  // Ctrl-C lets each agent finish the episode it is in (seconds), so that its checkpoint is one
  // that --resume continues from to exactly the training that never stopped.
  const ctrlC = onCtrlC("stopping: each agent finishes the episode it is in, then its checkpoint is saved (Ctrl-C again to quit without them)");
  // Each agent's worker listens to it: more than Node's default of 10 is expected, not a leak.
  setMaxListeners(agents.length + 10, ctrlC.signal);
  const ticksPerEpisode = exp.sim.days * 144;
  const label = `train ${head}${agents.length > 1 ? ` x${agents.length}` : ""}`;
  const bar = trainingBar(label, agents.length * episodes * ticksPerEpisode, flags.progress);
  const progress = agents.map((a) => ({ done: (a.resume?.episodes ?? 0) * ticksPerEpisode, last: null as TrainingPoint | null }));
  const save = (agentSeed: number, bundle: CheckpointBundle, done: number) =>
    saveTrainingCheckpoint(flags.out, agentSeed, bundle, { episodes: done, plannedEpisodes: episodes, world, seeds });
  const t0 = performance.now();
  // One worker thread per agent: they train side by side on the machine's cores. When one fails,
  // the others stop (and save) before the error is reported.
  let results: { agentSeed: number; episodes: number; stopped: boolean; decisions: number; updates: number }[];
  try {
    results = await allWhenSettled(agents.map(async (a, k) => {
      const job: TrainJob = { sim: exp.sim, head, hyper, agentSeed: a.agentSeed, world, seeds, episodes, resume: a.resume, checkpointEveryMs: flags.checkpointEvery * 1000, finishEpisode: true };
      try {
        const r = await trainInWorker(job, {
          signal: ctrlC.signal,
          onPoint(p) {
            appendTrainingPoint(flags.out, a.agentSeed, p);
            progress[k] = { done: p.episode * ticksPerEpisode + p.tick, last: p };
            bar.update(progress.reduce((s, x) => s + x.done, 0), combinedPoint(progress.map((x) => x.last)));
          },
          onCheckpoint: (bundle, done) => save(a.agentSeed, bundle, done),
        });
        save(a.agentSeed, r.bundle, r.episodes);
        return { agentSeed: a.agentSeed, episodes: r.episodes, stopped: r.stopped, decisions: Number(r.bundle.meta.decisions), updates: Number(r.bundle.meta.updates) };
      } catch (err) {
        ctrlC.abort();
        throw err;
      }
    }));
  } finally {
    bar.stop();
    ctrlC.dispose();
  }
  const stopped = results.some((r) => r.stopped);
  const episodesDone = Math.min(...results.map((r) => r.episodes));
  const summary = {
    out: flags.out,
    head,
    agents: results.map((r) => ({ agent_seed: r.agentSeed, episodes_done: r.episodes, checkpoint: agentCheckpointDir(flags.out, r.agentSeed) })),
    episodes_done: episodesDone,
    episodes_planned: episodes,
    stopped,
    decisions: results.reduce((s, r) => s + r.decisions, 0),
    updates: results.reduce((s, r) => s + r.updates, 0),
    seconds: (performance.now() - t0) / 1000,
    model: flags.out,
  };
  writeFileAtomic(join(flags.out, "summary.json"), JSON.stringify(summary, null, 2));
  if (!flags.json) {
    const who = results.length === 1 ? "one agent" : `${results.length} agents`;
    process.stderr.write(
      stopped
        ? `stopped after ${episodesDone} episodes; resume with: liveq train --out ${flags.out} --resume ${flags.out}\n`
        : `trained ${who} for ${episodesDone} episodes (${summary.decisions} decisions, ${summary.updates} updates) in ${summary.seconds.toFixed(0)} s; evaluate it with: liveq compare --model ${flags.out}\n`,
    );
  }
  console.log(JSON.stringify(summary));
}

/** The progress bar's figures over the agents: decisions/s summed, the rest averaged. */
function combinedPoint(points: (TrainingPoint | null)[]): TrainingPoint {
  const known = points.filter((p): p is TrainingPoint => p !== null);
  const mean = (f: (p: TrainingPoint) => number) => known.reduce((s, p) => s + f(p), 0) / known.length;
  return { ...known[0], decisions_per_s: known.reduce((s, p) => s + p.decisions_per_s, 0), epsilon: mean((p) => p.epsilon), reward: mean((p) => p.reward), td_loss: mean((p) => p.td_loss) };
}
