/**
 * Trains several platform DQNs at once, one worker thread each (the machine's cores are the
 * limit; the comparison trains two heads). Each worker trains exactly as trainOnPlatforms would in
 * this thread, so the result does not depend on running in parallel.
 */
import { startWorker } from "../io/start-worker.js";
import { restorePlatformDqn, type PlatformDqn } from "./platform-dqn-config.js";
import type { TrainJob, TrainMessage } from "./train-worker.js";
import type { TrainingPoint } from "./platform-trainer.js";

export interface TrainedDqn {
  pd: PlatformDqn;
  points: TrainingPoint[];
}

export function trainInWorker(job: TrainJob, onPoint?: (p: TrainingPoint) => void): Promise<TrainedDqn> {
  return new Promise((resolve, reject) => {
    const worker = startWorker("train-worker", import.meta.url, { liveqTrainJob: job });
    const points: TrainingPoint[] = [];
    let settled = false;
    worker.on("message", (m: TrainMessage) => {
      if (m.type === "point") {
        points.push(m.point);
        onPoint?.(m.point);
      } else if (m.type === "done") {
        settled = true;
        // the worker's agent, whole: the same weights, target, optimizer state and replay
        const pd = restorePlatformDqn(m.bundle);
        void worker.terminate();
        resolve({ pd, points });
      } else {
        settled = true;
        void worker.terminate();
        reject(new Error(`training the ${job.head} head failed in its worker: ${m.message}`));
      }
    });
    worker.on("error", (err) => {
      if (!settled) reject(err);
      settled = true;
    });
    worker.on("exit", (code) => {
      if (!settled) reject(new Error(`the training worker of the ${job.head} head exited with code ${code}`));
    });
  });
}
