/**
 * Training a platform DQN in a worker thread, so that the two heads of a comparison train side by
 * side on two cores. The worker receives the configs, trains, streams its training log, and sends
 * back the trained parameters (the replay stays behind: serving does not need it).
 */
import { parentPort, workerData } from "node:worker_threads";
import type { SimConfig } from "../sim/config.js";
import type { CheckpointBundle } from "../core/checkpoint/bundle.js";
import { createPlatformDqn, platformDqnCheckpoint, type PlatformDqnHyper, type PlatformHead } from "./platform-dqn-config.js";
import { trainOnPlatforms, type TrainingPoint } from "./platform-trainer.js";

export interface TrainJob {
  sim: SimConfig;
  head: PlatformHead;
  hyper: PlatformDqnHyper;
  agentSeed: number;
  world: number;
  seeds: number[];
  episodes: number;
}

export type TrainMessage =
  | { type: "point"; point: TrainingPoint }
  | { type: "done"; bundle: CheckpointBundle }
  | { type: "error"; message: string };

if (parentPort && workerData && (workerData as { liveqTrainJob?: TrainJob }).liveqTrainJob) {
  const job = (workerData as { liveqTrainJob: TrainJob }).liveqTrainJob;
  const port = parentPort;
  try {
    const pd = createPlatformDqn(job.sim, job.head, job.hyper, job.agentSeed);
    await trainOnPlatforms(pd, { world: job.world, seeds: job.seeds, episodes: job.episodes, onPoint: (point) => port.postMessage({ type: "point", point } satisfies TrainMessage) });
    const bundle = platformDqnCheckpoint(pd);
    const buffers = new Set(Object.values(bundle.arrays).map((a) => a.buffer as ArrayBuffer));
    port.postMessage({ type: "done", bundle } satisfies TrainMessage, [...buffers]);
  } catch (err) {
    port.postMessage({ type: "error", message: (err as Error).stack ?? String(err) } satisfies TrainMessage);
  }
}
