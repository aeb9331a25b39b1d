/** POST /v1/events: a batch of feedback and platform events, durable before the reply. */
import { z } from "zod";
import { eventBatchSchema, type ServeEventInput } from "../event-schema.js";
import { ERRORS } from "../http/routes.js";
import type { ServiceRouteDeps } from "./deps.js";

const resultSchema = z.object({
  accepted: z.number().int().describe("events new to the log: durable and applied"),
  duplicates: z.number().int().describe("events whose id was already logged (a retry): ignored"),
  lastSeq: z.number().int().describe("log sequence number of the last accepted event (0 when none)"),
});

export function register(deps: ServiceRouteDeps): void {
  const { service } = deps;
  const body = eventBatchSchema(service.config.limits.eventsPerBatch);
  deps.catalog.add(
    deps,
    {
      method: "POST",
      url: "/v1/events",
      summary: "Report events (feedback and platform), idempotent by event id",
      description:
        "The whole batch is validated first (a bad event refuses the batch, naming the field). Accepted events are committed to the log " +
        "(fsync) and applied before the reply: after a 200, a stream_end is in effect. Retrying a batch is safe: known ids are counted as duplicates.",
      tags: ["events"],
      body,
      auth: true,
      responses: { 200: { description: "Logged and applied", schema: resultSchema }, 400: ERRORS[400], 401: ERRORS[401], 413: ERRORS[413], 429: ERRORS[429] },
    },
    async (request) => {
      const { events } = request.body as { events: ServeEventInput[] };
      return service.ingest(events);
    },
  );
}
