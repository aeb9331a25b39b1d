/**
 * The service's side of the store thread. `append` sends a batch of events and resolves once they
 * are committed; the `committed` callback runs first, synchronously in the order of the commits,
 * so the service applies events to its state in log order, before any reply.
 */
import type { Worker } from "node:worker_threads";
import { startWorker } from "../../io/start-worker.js";
import type { EventRows, RecommendationRow } from "./event-log.js";
import type { FromStore, ToStore } from "./store-protocol.js";

interface Pending {
  committed: (seqs: Float64Array) => void;
  resolve: (seqs: Float64Array) => void;
  reject: (err: Error) => void;
}


export class StoreClient {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private recBuffer: RecommendationRow[] = [];
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
  static async open(path: string, options: { fsync: boolean; flushMs: number; onError: (message: string) => void }): Promise<StoreClient> {
    const client = new StoreClient(options.flushMs, options.onError);
    await new Promise<void>((resolve, reject) => {
      client.opened = { resolve, reject };
      client.post({ kind: "open", path, fsync: options.fsync });
    });
    return client;
  }

  /** Events in flight (sent, not yet committed). */
  get inFlight(): number {
    return this.pending.size;
  }

  /**
   * Appends a batch. `committed(seqs)` runs as soon as it is durable (seqs[i] = the event's
   * sequence number, or 0 for a duplicate id); the promise then resolves with the same seqs.
   */
  append(rows: EventRows, committed: (seqs: Float64Array) => void): Promise<Float64Array> {
    if (this.dead !== null) return Promise.reject(new Error(this.dead));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { committed, resolve, reject });
      this.post({ kind: "append", id, rows });
    });
  }

  /** Queues recommendations for the log (written with the next commit, at least every flushMs). */
  logRecommendation(row: RecommendationRow): void {
    this.recBuffer.push(row);
    if (this.recTimer === null) {
      this.recTimer = setTimeout(() => this.flushRecommendations(), this.flushMs);
      this.recTimer.unref();
    }
  }

  flushRecommendations(): void {
    if (this.recTimer !== null) clearTimeout(this.recTimer);
    this.recTimer = null;
    if (this.recBuffer.length === 0 || this.dead !== null) return;
    const rows = this.recBuffer;
    this.recBuffer = [];
    this.post({ kind: "recommendations", rows });
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
      case "appended":
        for (let i = 0; i < m.ids.length; i++) {
          const p = this.pending.get(m.ids[i]);
          if (p === undefined) continue;
          this.pending.delete(m.ids[i]);
          try {
            p.committed(m.seqs[i]);
            p.resolve(m.seqs[i]);
          } catch (err) {
            p.reject(err as Error);
          }
        }
        return;
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
