/**
 * Entry point of the store thread: owns the event log's write connection, and reads the bodies of
 * POST /v1/events (parses, validates and stamps them: event-intake.ts) so that the main thread
 * only applies events that are already valid and durable. Batches that arrive while a commit is
 * running are committed together in the next one (group commit), so many small concurrent requests
 * share one fsync.
 */
import { parentPort } from "node:worker_threads";
import type { EventColumns } from "./event-columns.js";
import { EventIntake } from "./event-intake.js";
import { EventLog, type EventRows, type RecommendationRow } from "./event-log.js";
import { recommendationRows } from "./recommendation-columns.js";
import type { FromStore, ToStore } from "./store-protocol.js";

if (parentPort === null) throw new Error("store-worker.ts runs as a worker thread (see store-client.ts)");
const port = parentPort;
const post = (m: FromStore) => port.postMessage(m);

let log: EventLog | null = null;
let intake: EventIntake | null = null;
let queued: { id: number; rows: EventRows; events: EventColumns }[] = [];
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
    if (ids.length > 0) post({ kind: "appended", ids, seqs, events: batch.map((b) => b.events) });
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
        intake = new EventIntake(m.maxEvents);
        post({ kind: "opened" });
      } catch (err) {
        post({ kind: "error", message: `cannot open the event log ${m.path}: ${(err as Error).message}` });
      }
      return;
    case "ingest": {
      if (intake === null) {
        post({ kind: "failed", ids: [m.id], message: "the event log is not open" });
        return;
      }
      const r = intake.read(m.body, m.now);
      if (!r.ok) {
        post({ kind: "refused", id: m.id, issues: r.issues });
        return;
      }
      queued.push({ id: m.id, rows: r.rows, events: r.columns });
      schedule();
      return;
    }
    case "recommendations":
      for (const r of recommendationRows(m.columns)) recs.push(r);
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
