/**
 * Training platform DQNs in worker threads, one agent each, side by side (the machine's cores are
 * the limit; a comparison trains several agents and heads at once). Each worker trains exactly as
 * trainOnPlatforms would in this thread, so the result does not depend on running in parallel.
 */
import { startWorker, workerJob } from "../io/start-worker.js";
import type { CheckpointBundle } from "../core/checkpoint/bundle.js";
import type { TrainControl, TrainJob, TrainMessage } from "./train-worker.js";
import type { TrainingPoint } from "./platform-trainer.js";

export type { TrainJob } from "./train-worker.js";

export interface WorkerTrainingHooks {
  /** Each point of the training log, as the worker reaches it. */
  readonly onPoint?: (p: TrainingPoint) => void;
  /** The whole agent after an episode (see TrainJob.checkpointEveryMs), with the episodes done. */
  readonly onCheckpoint?: (bundle: CheckpointBundle, episodes: number) => void;
  /**
   * Aborting it stops the training: between two ticks, or with TrainJob.finishEpisode after the
   * episode in progress; the agent comes back as it is then.
   */
  readonly signal?: AbortSignal;
}

export interface TrainedInWorker {
  /** The whole agent (platformDqnCheckpoint: weights, target, optimizer, replay, the users' past): restorePlatformDqn rebuilds it. */
  bundle: CheckpointBundle;
  points: TrainingPoint[];
  /** Episodes done (those before a resume included); an interrupted one is not counted. */
  episodes: number;
  stopped: boolean;
}

export function trainInWorker(job: TrainJob, hooks: WorkerTrainingHooks = {}): Promise<TrainedInWorker> {
  const worker = startWorker("train-worker", import.meta.url, { liveqTrainJob: job });
  const points: TrainingPoint[] = [];
  const stop = () => worker.postMessage({ type: "stop" } satisfies TrainControl);
  if (hooks.signal?.aborted) stop();
  hooks.signal?.addEventListener("abort", stop, { once: true });
  const what = `training the ${job.head} head (agent seed ${job.agentSeed})`;
  return workerJob<TrainMessage, TrainedInWorker>(worker, what, (m) => ({ bundle: m.bundle, points, episodes: m.episodes, stopped: m.stopped }), (m) => {
    if (m.type === "point") {
      points.push(m.point);
      hooks.onPoint?.(m.point);
    } else hooks.onCheckpoint?.(m.bundle, m.episodes);
  }).finally(() => hooks.signal?.removeEventListener("abort", stop));
}

/**
 * Every promise's value, once all have settled; otherwise the first rejection, but only after the
 * others have settled too: agents trained side by side, where one stops or fails, each save their
 * checkpoint before the caller goes on (Promise.all would give up at the first).
 */
export async function allWhenSettled<T>(promises: Promise<T>[]): Promise<T[]> {
  const results = await Promise.allSettled(promises);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) throw failed.reason;
  return results.map((r) => (r as PromiseFulfilledResult<T>).value);
}
