/**
 * A body of POST /v1/events as it arrived (JSON bytes), turned into what the log and the service
 * need: parsed, validated by the same zod schema that documents the route (a bad batch is refused
 * whole, its issues naming each field as "body.events[3].minutes"), stamped with the arrival time
 * where an event has no `ts`, then made into log rows and into columns for the main thread.
 *
 * It runs in the store thread (store-worker.ts): parsing and validating a batch of a few hundred
 * events takes about a millisecond, which the thread answering recommendations need not spend.
 */
import { eventBatchSchema, type ServeEvent } from "../event-schema.js";
import { fieldIssues, type FieldIssue } from "../http/validation.js";
import { toColumns, type EventColumns } from "./event-columns.js";
import type { EventRows } from "./event-log.js";

export type Intake = { ok: true; rows: EventRows; columns: EventColumns } | { ok: false; issues: FieldIssue[] };

export class EventIntake {
  private readonly schema: ReturnType<typeof eventBatchSchema>;

  constructor(maxEvents: number) {
    this.schema = eventBatchSchema(maxEvents);
  }

  /** Reads `body` (UTF-8 JSON); events without `ts` get `now`. */
  read(body: Uint8Array, now: number): Intake {
    const text = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString("utf8");
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      const message = text.trim() === "" ? "is empty; expected a JSON object {\"events\": [...]}" : `is not valid JSON: ${(err as Error).message}`;
      return { ok: false, issues: [{ field: "body", message }] };
    }
    const r = this.schema.safeParse(json);
    if (!r.success) return { ok: false, issues: fieldIssues("body", r.error.issues) };
    const events = r.data.events as ServeEvent[];
    const n = events.length;
    const rows: EventRows = { ids: new Array<string>(n), types: new Array<string>(n), ts: new Array<number>(n), bodies: new Array<string>(n) };
    for (let i = 0; i < n; i++) {
      const e = events[i];
      if (e.ts === undefined) e.ts = now;
      rows.ids[i] = e.id;
      rows.types[i] = e.type;
      rows.ts[i] = e.ts;
      rows.bodies[i] = JSON.stringify(e);
    }
    return { ok: true, rows, columns: toColumns(events) };
  }
}
