/** Messages between the service and its store thread (store-worker.ts). */
import type { EventRows, RecommendationRow } from "./event-log.js";

export type ToStore =
  | { kind: "open"; path: string; fsync: boolean }
  | { kind: "append"; id: number; rows: EventRows }
  | { kind: "recommendations"; rows: RecommendationRow[] }
  | { kind: "close" };

export type FromStore =
  | { kind: "opened" }
  | { kind: "appended"; ids: number[]; seqs: Float64Array[] }
  | { kind: "failed"; ids: number[]; message: string }
  | { kind: "error"; message: string }
  | { kind: "closed" };
