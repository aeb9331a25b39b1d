/**
 * Tuning a baseline in a worker thread, so that a comparison's slowest tuning (BPR-MF: a grid of
 * runs and a run over every training week, retraining nightly) uses a core of its own instead of
 * sharing the main thread with the other baselines. Only baselines whose tuned state is plain data
 * (their setting and a log; see tunesToPlainData) can come back from a worker. The worker runs
 * exactly what tuneBaseline runs here, so the result does not depend on where it ran.
 */
import { parentPort, workerData } from "node:worker_threads";
import { startWorker, workerJob } from "../../io/start-worker.js";
import { readyBaseline, tuneBaseline, tunesToPlainData, type PreparedBaseline, type TunedBaseline, type TuningOptions } from "./tuning.js";

/** What a worker needs: the tuning options without the progress callback. */
export type TuneJob = { name: string; options: Omit<TuningOptions, "onProgress"> };

type TuneMessage = { type: "done"; tuned: TunedBaseline } | { type: "error"; message: string };

/** Tunes `name` in a worker thread; resolves to the baseline ready for evaluation. Aborting `signal` ends the worker (the job rejects). */
export function tuneInWorker(job: TuneJob, signal?: AbortSignal): Promise<PreparedBaseline> {
  if (!tunesToPlainData(job.name)) {
    return Promise.reject(new Error(`tuneInWorker: ${job.name} keeps a model or the users' past after tuning; tune it in this thread`));
  }
  const worker = startWorker("tuning-worker", import.meta.url, { liveqTuneJob: job });
  const end = () => void worker.terminate();
  if (signal?.aborted) end();
  signal?.addEventListener("abort", end, { once: true });
  return workerJob<TuneMessage, PreparedBaseline>(worker, `tuning ${job.name}`, (m) => readyBaseline(m.tuned)).finally(() => signal?.removeEventListener("abort", end));
}

if (parentPort && workerData && (workerData as { liveqTuneJob?: TuneJob }).liveqTuneJob) {
  const job = (workerData as { liveqTuneJob: TuneJob }).liveqTuneJob;
  try {
    const tuned = tuneBaseline(job.name, job.options);
    const log = tuned.trainingLog;
    const buffers = log ? [log.user.buffer, log.streamer.buffer, log.tick.buffer] as ArrayBuffer[] : [];
    parentPort.postMessage({ type: "done", tuned } satisfies TuneMessage, buffers);
  } catch (err) {
    parentPort.postMessage({ type: "error", message: (err as Error).stack ?? String(err) } satisfies TuneMessage);
  }
}
