/**
 * POST /v1/events: a batch of feedback and platform events, durable before the reply.
 *
 * The body is not parsed here: this route takes it as bytes (its own JSON parser, in a Fastify
 * scope of its own) and the store thread parses, validates and logs it (LiveService.ingestJson).
 * Parsing and validating a batch of a few hundred events costs about a millisecond, which would
 * otherwise hold up every recommendation waiting behind it on the main thread.
 */
import { z } from "zod";
import { eventBatchSchema } from "../event-schema.js";
import { ERRORS } from "../http/routes.js";
import { RequestValidationError, fieldIssues } from "../http/validation.js";
import type { ServiceRouteDeps } from "./deps.js";

const resultSchema = z.object({
  accepted: z.number().int().describe("events new to the log: durable and applied"),
  duplicates: z.number().int().describe("events whose id was already logged (a retry): ignored"),
  lastSeq: z.number().int().describe("log sequence number of the last accepted event (0 when none)"),
});

export function register(deps: ServiceRouteDeps): void {
  const { service } = deps;
  const body = eventBatchSchema(service.config.limits.eventsPerBatch);
  deps.app.register(async (scope) => {
    scope.removeContentTypeParser("application/json");
    scope.addContentTypeParser("application/json", { parseAs: "buffer" }, (_request, raw, done) => done(null, raw));
    deps.catalog.add(
      { ...deps, app: scope },
      {
        method: "POST",
        url: "/v1/events",
        summary: "Report events (feedback and platform), idempotent by event id",
        description:
          "The whole batch is validated first (a bad event refuses the batch, naming the field). Accepted events are committed to the log " +
          "(fsync) and applied before the reply: after a 200, a stream_end is in effect. Retrying a batch is safe: known ids are counted as duplicates.",
        tags: ["events"],
        body,
        rawBody: true,
        auth: true,
        responses: { 200: { description: "Logged and applied", schema: resultSchema }, 400: ERRORS[400], 401: ERRORS[401], 413: ERRORS[413], 429: ERRORS[429] },
      },
      async (request) => {
        if (Buffer.isBuffer(request.body)) return service.ingestJson(request.body);
        // not JSON (no body, or text): refused by the schema, with the same message as any bad body
        const r = body.safeParse(request.body);
        if (!r.success) throw new RequestValidationError(fieldIssues("body", r.error.issues));
        return service.ingest(r.data.events);
      },
    );
  });
}
