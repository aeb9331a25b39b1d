/**
 * A batch of accepted events as a few columns, the form in which the store thread hands validated
 * events back to the service's main thread.
 *
 * Why not the event objects themselves: a message between threads is copied (structured clone),
 * and copying a few hundred small objects costs the receiving thread about 2 microseconds per
 * event, all in one go, before any other request can run. The same events as columns, with every
 * string of the batch in one string, copy about twenty times faster; the main thread then builds
 * each event object only when it applies it, a slice of the batch at a time.
 *
 *   types    the event's type, as its index in EVENT_TYPES
 *   ts       its time (stamped)
 *   amounts  watch: minutes, gift: value (0 for the other types)
 *   text     every string of every event, back to back; ends[j] is where string j ends
 *   first    event i's strings are ends[first[i] .. first[i + 1])
 *
 * Each type has its strings in a fixed order (STRING_FIELDS); an impression's shown streams come
 * last. An optional string that is absent (rec, category) is stored empty: ids and labels are never
 * empty, so the two cannot be confused.
 */
import { EVENT_TYPES, type ServeEvent, type ServeEventType } from "../event-schema.js";

export interface EventColumns {
  count: number;
  types: Uint8Array;
  ts: Float64Array;
  amounts: Float64Array;
  text: string;
  ends: Uint32Array;
  first: Uint32Array;
}

/** The string fields of each type, in their stored order (impression: then its streams). */
const STRING_FIELDS: Record<ServeEventType, readonly string[]> = {
  impression: ["id", "user", "rec"],
  click: ["id", "user", "stream", "rec"],
  watch: ["id", "user", "stream", "rec"],
  like: ["id", "user", "stream", "rec"],
  comment: ["id", "user", "stream", "rec"],
  gift: ["id", "user", "stream", "rec"],
  follow: ["id", "user", "stream", "rec"],
  leave: ["id", "user"],
  stream_start: ["id", "stream", "streamer", "category"],
  stream_end: ["id", "stream"],
  streamer_upsert: ["id", "streamer", "category"],
  user_upsert: ["id", "user"],
};

/** The number field of the types that have one. */
const AMOUNT_FIELD: Partial<Record<ServeEventType, "minutes" | "value">> = { watch: "minutes", gift: "value" };

const TYPE_INDEX = new Map<string, number>(EVENT_TYPES.map((t, i) => [t, i]));

/** Packs validated events (their ts stamped) into columns. */
export function toColumns(events: readonly ServeEvent[]): EventColumns {
  const n = events.length;
  const types = new Uint8Array(n), ts = new Float64Array(n), amounts = new Float64Array(n), first = new Uint32Array(n + 1);
  const strings: string[] = [];
  for (let i = 0; i < n; i++) {
    const e = events[i] as ServeEvent & Record<string, unknown>;
    types[i] = TYPE_INDEX.get(e.type)!;
    ts[i] = e.ts;
    const amountField = AMOUNT_FIELD[e.type];
    if (amountField !== undefined) amounts[i] = e[amountField] as number;
    first[i] = strings.length;
    for (const field of STRING_FIELDS[e.type]) strings.push((e[field] as string | undefined) ?? "");
    if (e.type === "impression") for (const s of e.streams) strings.push(s);
  }
  first[n] = strings.length;
  const ends = new Uint32Array(strings.length);
  let end = 0;
  for (let j = 0; j < strings.length; j++) ends[j] = end += strings[j].length;
  return { count: n, types, ts, amounts, text: strings.join(""), ends, first };
}

/** Event i of the columns, as the object the schema gave. */
export function eventAt(c: EventColumns, i: number): ServeEvent {
  const type = EVENT_TYPES[c.types[i]];
  const out: Record<string, unknown> = { type, ts: c.ts[i] };
  const fields = STRING_FIELDS[type];
  let j = c.first[i];
  for (let f = 0; f < fields.length; f++, j++) {
    const start = j === 0 ? 0 : c.ends[j - 1];
    if (c.ends[j] > start) out[fields[f]] = c.text.slice(start, c.ends[j]);
  }
  if (type === "impression") {
    const streams: string[] = [];
    for (const last = c.first[i + 1]; j < last; j++) streams.push(c.text.slice(j === 0 ? 0 : c.ends[j - 1], c.ends[j]));
    out.streams = streams;
  }
  const amountField = AMOUNT_FIELD[type];
  if (amountField !== undefined) out[amountField] = c.amounts[i];
  return out as ServeEvent;
}
