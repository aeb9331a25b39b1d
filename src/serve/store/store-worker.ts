/**
 * Entry point of the store thread: owns the event log's write connection. Batches that arrive
 * while a commit is running are committed together in the next one (group commit), so many small
 * concurrent requests share one fsync.
 */
import { parentPort } from "node:worker_threads";
import { EventLog, type EventRows, type RecommendationRow } from "./event-log.js";
import type { FromStore, ToStore } from "./store-protocol.js";

if (parentPort === null) throw new Error("store-worker.ts runs as a worker thread (see store-client.ts)");
const port = parentPort;
const post = (m: FromStore) => port.postMessage(m);

let log: EventLog | null = null;
let queued: { id: number; rows: EventRows }[] = [];
let recs: RecommendationRow[] = [];
let scheduled = false;

function flush(): void {
  scheduled = false;
  if (log === null || (queued.length === 0 && recs.length === 0)) return;
  const batch = queued, rows = recs;
  queued = [];
  recs = [];
  const ids = batch.map((b) => b.id);
  try {
    const seqs = log.append(batch.map((b) => b.rows), rows);
    if (ids.length > 0) post({ kind: "appended", ids, seqs });
  } catch (err) {
    post({ kind: "failed", ids, message: (err as Error).message });
  }
}

function schedule(): void {
  if (!scheduled) {
    scheduled = true;
    setImmediate(flush);
  }
}

port.on("message", (m: ToStore) => {
  switch (m.kind) {
    case "open":
      try {
        log = new EventLog(m.path, { fsync: m.fsync });
        post({ kind: "opened" });
      } catch (err) {
        post({ kind: "error", message: `cannot open the event log ${m.path}: ${(err as Error).message}` });
      }
      return;
    case "append":
      queued.push({ id: m.id, rows: m.rows });
      schedule();
      return;
    case "recommendations":
      for (const r of m.rows) recs.push(r);
      schedule();
      return;
    case "close":
      flush();
      log?.close();
      log = null;
      post({ kind: "closed" });
      return;
  }
});
