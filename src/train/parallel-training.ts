/**
 * Trains several platform DQNs at once, one worker thread each (the machine's cores are the
 * limit; the comparison trains two heads). Each worker trains exactly as trainOnPlatforms would in
 * this thread, so the result does not depend on running in parallel.
 */
import { startWorker, workerJob } from "../io/start-worker.js";
import { restorePlatformDqn, type PlatformDqn } from "./platform-dqn-config.js";
import type { TrainJob, TrainMessage } from "./train-worker.js";
import type { TrainingPoint } from "./platform-trainer.js";

export interface TrainedDqn {
  pd: PlatformDqn;
  points: TrainingPoint[];
}

export function trainInWorker(job: TrainJob, onPoint?: (p: TrainingPoint) => void): Promise<TrainedDqn> {
  const worker = startWorker("train-worker", import.meta.url, { liveqTrainJob: job });
  const points: TrainingPoint[] = [];
  // The worker's agent, whole: the same weights, target, optimizer state and replay.
  return workerJob<TrainMessage, TrainedDqn>(worker, `training the ${job.head} head`, (m) => ({ pd: restorePlatformDqn(m.bundle), points }), (m) => {
    points.push(m.point);
    onPoint?.(m.point);
  });
}
