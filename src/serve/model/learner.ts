/**
 * The service's handle on its learner. By default the learner runs in a worker thread, so
 * training never blocks a request; with `inWorker: false` the same loop runs on the main thread
 * (tests, debugging). Either way the service only sends messages and receives weights and stats.
 */
import type { Worker } from "node:worker_threads";
import { startWorker } from "../../io/start-worker.js";
import { LearnerLoop } from "./learner-loop.js";
import type { FromLearner, LearnerOptions, LearnerStats, ResetSlotMessage, ToLearner, TransitionsMessage } from "./learner-protocol.js";

export interface LearnerHandlers {
  /** A new model version. */
  onWeights(version: number, params: Float32Array, stats: LearnerStats): void;
  onStats(stats: LearnerStats): void;
  /** A failure the learner survived (a failed checkpoint) or could not (the worker died). */
  onError(message: string): void;
}

export interface LearnerReady {
  version: number;
  seq: number;
  params: Float32Array;
  restoredFrom: string | null;
  stats: LearnerStats;
}


export class Learner {
  private readonly send: (m: ToLearner, transfer?: ArrayBuffer[]) => void;
  private readonly worker: Worker | null;
  private readonly loop: LearnerLoop | null;
  private nextRequest = 1;
  private readonly requests = new Map<number, { resolve: (v: { version: number; seq: number; ms: number }) => void; reject: (e: Error) => void }>();
  private closing: { resolve: () => void } | null = null;
  private readyWaiter: { resolve: (r: LearnerReady) => void; reject: (e: Error) => void } | null = null;
  private exited = false;

  private constructor(inWorker: boolean, private readonly handlers: LearnerHandlers) {
    if (inWorker) {
      const worker = startWorker("learner-worker", import.meta.url);
      worker.on("message", (m: FromLearner) => this.receive(m));
      worker.on("error", (err) => this.fail(`learner thread failed: ${err.message}`));
      worker.on("exit", (code) => {
        this.exited = true;
        if (this.closing === null) this.fail(`learner thread exited (code ${code})`);
      });
      this.worker = worker;
      this.loop = null;
      this.send = (m, transfer) => worker.postMessage(m, transfer ?? []);
    } else {
      this.worker = null;
      // on one thread the messages are handed over directly: copy nothing, transfer nothing
      this.loop = new LearnerLoop((m) => queueMicrotask(() => this.receive(m)));
      const loop = this.loop;
      this.send = (m) => loop.handle(m);
    }
  }

  /** Starts a learner and waits until it has loaded or created its agent. */
  static async start(options: LearnerOptions, inWorker: boolean, handlers: LearnerHandlers): Promise<{ learner: Learner; ready: LearnerReady }> {
    const learner = new Learner(inWorker, handlers);
    const ready = new Promise<LearnerReady>((resolve, reject) => {
      learner.readyWaiter = { resolve, reject };
    });
    learner.send({ kind: "init", options });
    try {
      return { learner, ready: await ready };
    } catch (err) {
      await learner.close().catch(() => undefined);
      throw err;
    }
  }

  submit(m: TransitionsMessage | ResetSlotMessage): void {
    if (this.exited) return;
    if (m.kind === "transitions") {
      this.send(m, [m.obs.buffer, m.nextObs.buffer, m.actions.buffer, m.rewards.buffer, m.maskIndex.buffer, m.masks.buffer] as ArrayBuffer[]);
    } else {
      this.send(m);
    }
  }

  /** Asks for a checkpoint now. */
  checkpoint(): Promise<{ version: number; seq: number; ms: number }> {
    if (this.exited) return Promise.reject(new Error("the learner has stopped"));
    const id = this.nextRequest++;
    return new Promise((resolve, reject) => {
      this.requests.set(id, { resolve, reject });
      this.send({ kind: "checkpoint", id });
    });
  }

  /** Saves a last checkpoint and stops the learner. */
  async close(): Promise<void> {
    if (this.exited) return;
    await new Promise<void>((resolve) => {
      this.closing = { resolve };
      this.send({ kind: "close" });
    });
    if (this.worker !== null) await this.worker.terminate();
    this.exited = true;
  }

  private receive(m: FromLearner): void {
    switch (m.kind) {
      case "ready":
        this.readyWaiter?.resolve({ version: m.version, seq: m.seq, params: m.params, restoredFrom: m.restoredFrom, stats: m.stats });
        this.readyWaiter = null;
        return;
      case "weights":
        this.handlers.onWeights(m.version, m.params, m.stats);
        return;
      case "stats":
        this.handlers.onStats(m.stats);
        return;
      case "checkpointed": {
        const r = this.requests.get(m.id);
        this.requests.delete(m.id);
        r?.resolve({ version: m.version, seq: m.seq, ms: m.ms });
        return;
      }
      case "error": {
        if (this.readyWaiter !== null) {
          this.readyWaiter.reject(new Error(m.message));
          this.readyWaiter = null;
          return;
        }
        const r = m.id !== undefined ? this.requests.get(m.id) : undefined;
        if (r !== undefined) {
          this.requests.delete(m.id!);
          r.reject(new Error(m.message));
        } else {
          this.handlers.onError(m.message);
        }
        return;
      }
      case "closed":
        this.closing?.resolve();
        return;
    }
  }

  private fail(message: string): void {
    if (this.readyWaiter !== null) {
      this.readyWaiter.reject(new Error(message));
      this.readyWaiter = null;
    }
    for (const r of this.requests.values()) r.reject(new Error(message));
    this.requests.clear();
    this.handlers.onError(message);
  }
}
