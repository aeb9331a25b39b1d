/**
 * The service's side of the store thread. `ingest` sends the body of a POST /v1/events as it came
 * (the store thread parses, validates and logs it) and resolves once its events are committed;
 * the `committed` callback runs first, synchronously in the order of the commits, so the service
 * applies events to its state in log order, before any reply. A body the schema refuses rejects
 * with a RequestValidationError naming the fields, and nothing of it is logged.
 */
import type { Worker } from "node:worker_threads";
import { startWorker } from "../../io/start-worker.js";
import { RequestValidationError } from "../http/validation.js";
import type { EventColumns } from "./event-columns.js";
import type { Recommendation } from "../model/recommender.js";
import { RecommendationCollector } from "./recommendation-columns.js";
import type { FromStore, ToStore } from "./store-protocol.js";
import { stallTracer } from "../debug/stall-tracer.js";

/** A batch once committed: its events, and each one's sequence number (0 for a duplicate id). */
export interface CommittedBatch {
  events: EventColumns;
  seqs: Float64Array;
}

interface Pending {
  committed: (batch: CommittedBatch) => void;
  resolve: () => void;
  reject: (err: Error) => void;
}

export class StoreClient {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private readonly recommendations = new RecommendationCollector();
  private recTimer: NodeJS.Timeout | null = null;
  private opened: { resolve: () => void; reject: (e: Error) => void } | null = null;
  private closed: (() => void) | null = null;
  private dead: string | null = null;

  private constructor(private readonly flushMs: number, private readonly onError: (message: string) => void) {
    this.worker = startWorker("store-worker", import.meta.url);
    this.worker.on("message", (m: FromStore) => this.receive(m));
    this.worker.on("error", (err) => this.fail(`store thread failed: ${err.message}`));
    this.worker.on("exit", (code) => {
      if (this.closed === null) this.fail(`store thread exited (code ${code})`);
    });
  }

  /** Starts the store thread on the database at `path`. */
  static async open(path: string, options: { fsync: boolean; flushMs: number; maxEvents: number; onError: (message: string) => void }): Promise<StoreClient> {
    const client = new StoreClient(options.flushMs, options.onError);
    await new Promise<void>((resolve, reject) => {
      client.opened = { resolve, reject };
      client.post({ kind: "open", path, fsync: options.fsync, maxEvents: options.maxEvents });
    });
    return client;
  }

  /** Events in flight (sent, not yet committed). */
  get inFlight(): number {
    return this.pending.size;
  }

  /**
   * Logs the events of `body` (JSON bytes of {"events": [...]}; events without `ts` get `now`).
   * `committed` runs as soon as they are durable, then the promise resolves.
   */
  ingest(body: Uint8Array, now: number, committed: (batch: CommittedBatch) => void): Promise<void> {
    if (this.dead !== null) return Promise.reject(new Error(this.dead));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { committed, resolve, reject });
      // an exact copy, moved to the thread (a Buffer may be a view of a larger, shared pool)
      const bytes = new Uint8Array(body);
      this.worker.postMessage({ kind: "ingest", id, body: bytes, now } satisfies ToStore, [bytes.buffer]);
    });
  }

  /** Queues a recommendation served at `ts` for the log (written with the next commit, at least every flushMs). */
  logRecommendation(r: Recommendation, ts: number): void {
    this.recommendations.add(r, ts);
    if (this.recTimer === null) {
      this.recTimer = setTimeout(() => this.flushRecommendations(), this.flushMs);
      this.recTimer.unref();
    }
  }

  flushRecommendations(): void {
    const t0 = performance.now();
    if (this.recTimer !== null) clearTimeout(this.recTimer);
    this.recTimer = null;
    if (this.recommendations.count === 0 || this.dead !== null) return;
    const columns = this.recommendations.take();
    const { ts, modelVersion, items, propensity, q, explored, ends } = columns;
    this.worker.postMessage({ kind: "recommendations", columns } satisfies ToStore, [ts.buffer, modelVersion.buffer, items.buffer, propensity.buffer, q.buffer, explored.buffer, ends.buffer] as ArrayBuffer[]);
    stallTracer.span("recLog", t0);
  }

  /** Writes what is queued, closes the database and stops the thread. */
  async close(): Promise<void> {
    if (this.dead !== null) return;
    this.flushRecommendations();
    await new Promise<void>((resolve) => {
      this.closed = resolve;
      this.post({ kind: "close" });
    });
    await this.worker.terminate();
    this.dead = "the store is closed";
  }

  private post(m: ToStore): void {
    this.worker.postMessage(m);
  }

  private receive(m: FromStore): void {
    switch (m.kind) {
      case "opened":
        this.opened?.resolve();
        this.opened = null;
        return;
      case "appended": {
        const t0 = performance.now();
        for (let i = 0; i < m.ids.length; i++) {
          const p = this.pending.get(m.ids[i]);
          if (p === undefined) continue;
          this.pending.delete(m.ids[i]);
          try {
            p.committed({ events: m.events[i], seqs: m.seqs[i] });
            p.resolve();
          } catch (err) {
            p.reject(err as Error);
          }
        }
        stallTracer.span("appended", t0);
        return;
      }
      case "refused": {
        const p = this.pending.get(m.id);
        this.pending.delete(m.id);
        p?.reject(new RequestValidationError(m.issues));
        return;
      }
      case "failed":
        for (const id of m.ids) {
          const p = this.pending.get(id);
          this.pending.delete(id);
          p?.reject(new Error(`the event log refused the batch: ${m.message}`));
        }
        return;
      case "error":
        if (this.opened !== null) {
          this.opened.reject(new Error(m.message));
          this.opened = null;
        } else {
          this.onError(m.message);
        }
        return;
      case "closed":
        this.closed?.();
        return;
    }
  }

  private fail(message: string): void {
    this.dead = message;
    if (this.opened !== null) {
      this.opened.reject(new Error(message));
      this.opened = null;
    }
    for (const p of this.pending.values()) p.reject(new Error(message));
    this.pending.clear();
    this.onError(message);
  }
}
