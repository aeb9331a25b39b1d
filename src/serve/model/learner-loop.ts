/**
 * The learner's event loop around an OnlineTrainer: takes messages (transitions, slot resets,
 * checkpoint and close requests), trains in slices of at most ~10 ms so new messages are taken in
 * between, keeps to maxUpdatesPerSecond (a token bucket), publishes weights every publishEvery
 * updates, reports stats every second and checkpoints every checkpointEverySeconds.
 *
 * The same loop runs in the worker thread (learner-worker.ts) and, for tests, on the main thread.
 */
import type { FromLearner, LearnerOptions, ToLearner } from "./learner-protocol.js";
import { OnlineTrainer } from "./trainer.js";

export type PostToMain = (message: FromLearner, transfer?: ArrayBuffer[]) => void;

const SLICE_MS = 10;

export class LearnerLoop {
  private trainer: OnlineTrainer | null = null;
  private pumpTimer: NodeJS.Timeout | null = null;
  private statsTimer: NodeJS.Timeout | null = null;
  private checkpointTimer: NodeJS.Timeout | null = null;
  private tokens = 0;
  private lastRefill = performance.now();
  private updatesAtLastStats = 0;
  private lastStatsAt = performance.now();
  private updatesPerSecond = 0;
  private savedAt = { updates: -1, received: -1 };
  private closed = false;

  constructor(private readonly post: PostToMain) {}

  handle(m: ToLearner): void {
    if (this.closed) return;
    try {
      switch (m.kind) {
        case "init": return this.init(m.options);
        case "transitions":
          this.need().add(m);
          this.schedule(0);
          return;
        case "reset":
          this.need().resetSlot(m.slot, m.seq);
          return;
        case "checkpoint": {
          const t0 = performance.now();
          const saved = this.checkpoint();
          if (!saved) throw new Error("the learner has no checkpoint directory");
          const t = this.need();
          this.post({ kind: "checkpointed", id: m.id, version: t.version, seq: t.seq, ms: performance.now() - t0 });
          return;
        }
        case "close":
          this.checkpoint();
          this.stop();
          this.post({ kind: "closed" });
          return;
      }
    } catch (err) {
      this.post({ kind: "error", message: (err as Error).message, id: m.kind === "checkpoint" ? m.id : undefined });
    }
  }

  /** Stops every timer (the trainer stays as it is). */
  stop(): void {
    this.closed = true;
    for (const t of [this.pumpTimer, this.statsTimer, this.checkpointTimer]) if (t !== null) clearTimeout(t);
    this.pumpTimer = this.statsTimer = this.checkpointTimer = null;
  }

  private init(options: LearnerOptions): void {
    const trainer = (this.trainer = new OnlineTrainer(options));
    this.tokens = options.maxUpdatesPerSecond;
    // a fresh agent, or one from elsewhere, is saved at the first checkpoint; a restored one once it changes
    this.savedAt = trainer.restoredFrom !== null && trainer.restoredFrom === options.checkpointDir
      ? { updates: trainer.agent.updates, received: trainer.received }
      : { updates: -1, received: -1 };
    const params = trainer.currentParams();
    this.post({ kind: "ready", version: trainer.version, seq: trainer.seq, params, restoredFrom: trainer.restoredFrom, stats: trainer.stats(0) }, [params.buffer as ArrayBuffer]);
    this.statsTimer = setInterval(() => this.reportStats(), 1000);
    this.statsTimer.unref();
    if (options.checkpointEverySeconds > 0 && options.checkpointDir !== null) {
      this.checkpointTimer = setInterval(() => {
        try {
          this.checkpoint();
        } catch (err) {
          this.post({ kind: "error", message: `checkpoint failed: ${(err as Error).message}` });
        }
      }, options.checkpointEverySeconds * 1000);
      this.checkpointTimer.unref();
    }
  }

  private need(): OnlineTrainer {
    if (this.trainer === null) throw new Error("learner: not initialised");
    return this.trainer;
  }

  private schedule(ms: number): void {
    if (this.pumpTimer !== null || this.closed) return;
    this.pumpTimer = setTimeout(() => {
      this.pumpTimer = null;
      this.pump();
    }, ms);
    this.pumpTimer.unref();
  }

  /** Trains for one slice, then yields to the message queue. */
  private pump(): void {
    const t = this.need(), o = t.options;
    const start = performance.now();
    this.refill(start, o.maxUpdatesPerSecond);
    while (t.canUpdate && this.tokens >= 1) {
      this.tokens -= 1;
      if (t.update()) {
        const { version, params } = t.publish();
        this.post({ kind: "weights", version, params, stats: t.stats(this.updatesPerSecond) }, [params.buffer as ArrayBuffer]);
      }
      if (performance.now() - start > SLICE_MS) break;
    }
    if (!t.canUpdate) return; // wait for more transitions
    this.schedule(this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) / o.maxUpdatesPerSecond) * 1000));
  }

  private refill(now: number, rate: number): void {
    this.tokens = Math.min(Math.max(1, rate / 10), this.tokens + ((now - this.lastRefill) / 1000) * rate);
    this.lastRefill = now;
  }

  private reportStats(): void {
    const t = this.trainer;
    if (t === null) return;
    const now = performance.now();
    this.updatesPerSecond = ((t.agent.updates - this.updatesAtLastStats) * 1000) / Math.max(1, now - this.lastStatsAt);
    this.updatesAtLastStats = t.agent.updates;
    this.lastStatsAt = now;
    this.post({ kind: "stats", stats: t.stats(this.updatesPerSecond) });
  }

  /** Saves a checkpoint when anything changed since the last; returns false without a directory. */
  private checkpoint(): boolean {
    const t = this.trainer;
    if (t === null || t.options.checkpointDir === null) return false;
    if (t.agent.updates !== this.savedAt.updates || t.received !== this.savedAt.received) {
      t.checkpoint(t.options.checkpointDir);
      this.savedAt = { updates: t.agent.updates, received: t.received };
    }
    return true;
  }
}
