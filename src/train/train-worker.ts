/**
 * Training a platform DQN in a worker thread, so that several agents (the heads of a comparison,
 * the agents of an ensemble) train side by side on the machine's cores. The worker receives the
 * configs (and, to resume, the agent's checkpoint), trains, streams its training log, hands the
 * whole agent over after an episode when asked to (checkpoints), stops between ticks when told
 * to, and sends back the trained agent: weights, target, optimizer state, replay and the users' past.
 */
import { parentPort, workerData } from "node:worker_threads";
import type { SimConfig } from "../sim/config.js";
import type { CheckpointBundle } from "../core/checkpoint/bundle.js";
import { createPlatformDqn, platformDqnCheckpoint, restorePlatformDqn, type PlatformDqn, type PlatformDqnHyper, type PlatformHead } from "./platform-dqn-config.js";
import { trainOnPlatforms, type TrainingPoint } from "./platform-trainer.js";

export interface TrainJob {
  sim: SimConfig;
  head: PlatformHead;
  hyper: PlatformDqnHyper;
  agentSeed: number;
  world: number;
  seeds: number[];
  /** Episodes to have done in all (those of `resume` included). */
  episodes: number;
  /** Continue from this agent (a platformDqnCheckpoint), which had done `resume.episodes`; its own config and hyper-parameters stand. */
  resume?: { bundle: CheckpointBundle; episodes: number };
  /**
   * Hand the whole agent over (a "checkpoint" message) after an episode when at least this many
   * milliseconds passed since the last one handed over; absent: never (only the result at the end).
   */
  checkpointEveryMs?: number;
  /** Told to stop, finish the episode in progress first (see TrainOptions.finishEpisode). */
  finishEpisode?: boolean;
}

export type TrainMessage =
  | { type: "point"; point: TrainingPoint }
  | { type: "checkpoint"; bundle: CheckpointBundle; episodes: number }
  | { type: "done"; bundle: CheckpointBundle; episodes: number; stopped: boolean }
  | { type: "error"; message: string };

/** What the worker's owner may send it: stop (between two ticks, or with finishEpisode after the episode in progress) and send back the agent as it is. */
export type TrainControl = { type: "stop" };

/** The agent's checkpoint and its buffers, to hand over without a copy once the agent is done with. */
function handOver(pd: PlatformDqn): { bundle: CheckpointBundle; transfer: ArrayBuffer[] } {
  const bundle = platformDqnCheckpoint(pd);
  return { bundle, transfer: [...new Set(Object.values(bundle.arrays).map((a) => a.buffer as ArrayBuffer))] };
}

if (parentPort && workerData && (workerData as { liveqTrainJob?: TrainJob }).liveqTrainJob) {
  const job = (workerData as { liveqTrainJob: TrainJob }).liveqTrainJob;
  const port = parentPort;
  let stop = false;
  port.on("message", (m: TrainControl) => {
    if (m?.type === "stop") stop = true;
  });
  try {
    const pd = job.resume ? restorePlatformDqn(job.resume.bundle) : createPlatformDqn(job.sim, job.head, job.hyper, job.agentSeed);
    const result = await trainOnPlatforms(pd, {
      world: job.world,
      seeds: job.seeds,
      episodes: job.episodes,
      startEpisode: job.resume?.episodes ?? 0,
      onPoint: (point) => port.postMessage({ type: "point", point } satisfies TrainMessage),
      checkpointEveryMs: job.checkpointEveryMs,
      // Copied, not transferred: some of the checkpoint's arrays are views of the agent's own
      // memory, which goes on training.
      onCheckpoint: (episodes) => port.postMessage({ type: "checkpoint", bundle: platformDqnCheckpoint(pd), episodes } satisfies TrainMessage),
      shouldStop: () => stop,
      finishEpisode: job.finishEpisode,
    });
    const { bundle, transfer } = handOver(pd);
    port.postMessage({ type: "done", bundle, episodes: result.episodes, stopped: result.stopped } satisfies TrainMessage, transfer);
  } catch (err) {
    port.postMessage({ type: "error", message: (err as Error).stack ?? String(err) } satisfies TrainMessage);
  }
}
