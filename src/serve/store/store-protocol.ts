/** Messages between the service and its store thread (store-worker.ts). */
import type { FieldIssue } from "../http/validation.js";
import type { EventColumns } from "./event-columns.js";
import type { RecommendationColumns } from "./recommendation-columns.js";

export type ToStore =
  | { kind: "open"; path: string; fsync: boolean; maxEvents: number }
  /** A body of POST /v1/events, as received; events without `ts` get `now`. */
  | { kind: "ingest"; id: number; body: Uint8Array; now: number }
  /** Recommendations served, for the log (written with the next commit). */
  | { kind: "recommendations"; columns: RecommendationColumns }
  | { kind: "close" };

export type FromStore =
  | { kind: "opened" }
  /** Batches committed together, in commit order: per batch, each event's seq (0: a duplicate id). */
  | { kind: "appended"; ids: number[]; seqs: Float64Array[]; events: EventColumns[] }
  /** A body refused before anything of it was logged (not JSON, or an event the schema refuses). */
  | { kind: "refused"; id: number; issues: FieldIssue[] }
  | { kind: "failed"; ids: number[]; message: string }
  | { kind: "error"; message: string }
  | { kind: "closed" };
