/**
 * The events a platform reports to liveq, as zod schemas: the same schemas validate POST
 * /v1/events and generate its part of the OpenAPI document.
 *
 * Feedback (what a user did with what they were shown):
 *   impression  the app showed `streams` to `user` (a decision point; `rec` links a recommendation)
 *   click       the user opened `stream` and now watches it
 *   watch       the user watched `stream` for `minutes` (reported once or in increments)
 *   like, comment, gift (with a value), follow   on `stream`
 *   leave       the user closed the app (the session ends)
 * Platform (what exists and is live):
 *   stream_start, stream_end, streamer_upsert, user_upsert
 *
 * Every event has an `id` chosen by the sender: a retried batch is recognised by its ids and
 * counted once. `ts` (milliseconds since 1970) is when it happened; the service stamps the arrival
 * time when it is missing, and the log stores it, so a replay of the log gives the same state.
 */
import { z } from "zod";

/** Ids of users, streams, streamers, events and recommendations: safe in a URL path. */
export const ID_PATTERN = /^[A-Za-z0-9_.:@~-]{1,128}$/;
export const idSchema = z.string().regex(ID_PATTERN, "must be 1-128 characters of A-Z a-z 0-9 _ . : @ ~ -");
const labelSchema = z.string().min(1).max(64);

const base = {
  id: idSchema,
  ts: z.number().int().min(0).max(8.64e15).optional(),
};
const onStream = { ...base, user: idSchema, stream: idSchema, rec: idSchema.optional() };

export const eventSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("impression"), ...base, user: idSchema, streams: z.array(idSchema).min(1).max(100), rec: idSchema.optional() }).strict(),
  z.object({ type: z.literal("click"), ...onStream }).strict(),
  z.object({ type: z.literal("watch"), ...onStream, minutes: z.number().min(0).max(1440) }).strict(),
  z.object({ type: z.literal("like"), ...onStream }).strict(),
  z.object({ type: z.literal("comment"), ...onStream }).strict(),
  z.object({ type: z.literal("gift"), ...onStream, value: z.number().min(0).max(1e6).default(1) }).strict(),
  z.object({ type: z.literal("follow"), ...onStream }).strict(),
  z.object({ type: z.literal("leave"), ...base, user: idSchema }).strict(),
  z.object({ type: z.literal("stream_start"), ...base, stream: idSchema, streamer: idSchema, category: labelSchema.optional() }).strict(),
  z.object({ type: z.literal("stream_end"), ...base, stream: idSchema }).strict(),
  z.object({ type: z.literal("streamer_upsert"), ...base, streamer: idSchema, category: labelSchema.optional() }).strict(),
  z.object({ type: z.literal("user_upsert"), ...base, user: idSchema }).strict(),
]);

export type ServeEventInput = z.input<typeof eventSchema>;
/** An accepted event: `ts` is always set once the service has stamped it. */
export type ServeEvent = z.output<typeof eventSchema> & { ts: number };
export type ServeEventType = ServeEvent["type"];
export const EVENT_TYPES = [
  "impression", "click", "watch", "like", "comment", "gift", "follow", "leave",
  "stream_start", "stream_end", "streamer_upsert", "user_upsert",
] as const satisfies readonly ServeEventType[];

/** Body of POST /v1/events, with at most `maxEvents` events. */
export function eventBatchSchema(maxEvents: number) {
  return z.object({ events: z.array(eventSchema).min(1).max(maxEvents) }).strict();
}
