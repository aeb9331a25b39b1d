/**
 * Admin routes (bearer token): the serving model's versions, pin, rollback, unpin, and a
 * checkpoint on demand.
 */
import { z } from "zod";
import { ERRORS } from "../http/routes.js";
import { ModelVersionError } from "../model/serving-model.js";
import type { ServiceRouteDeps } from "./deps.js";

const modelSchema = z.object({
  servingVersion: z.number().int().describe("the version answering recommendations"),
  latestVersion: z.number().int().describe("the newest version the learner published"),
  pinned: z.boolean().describe("true: the serving version is held (pin or rollback)"),
  versions: z.array(z.object({ version: z.number().int(), receivedAt: z.number() })).describe("versions held for rollback"),
  learner: z.object({ updates: z.number(), replaySize: z.number(), received: z.number(), seq: z.number() }),
});

export function register(deps: ServiceRouteDeps): void {
  const { service } = deps;
  const status = () => ({
    servingVersion: service.model.servingVersion,
    latestVersion: service.model.latestVersion,
    pinned: service.model.pinned,
    versions: service.model.versions(),
    learner: { updates: service.learnerStats.updates, replaySize: service.learnerStats.replaySize, received: service.learnerStats.received, seq: service.learnerStats.seq },
  });
  const ok = { description: "The model's state after the change", schema: modelSchema };
  const conflict = { description: "That version is not held", schema: ERRORS[400].schema };

  deps.catalog.add(
    deps,
    { method: "GET", url: "/v1/admin/model", summary: "Serving model: versions, pin state", tags: ["admin"], auth: true, responses: { 200: ok, 401: ERRORS[401] } },
    async () => status(),
  );

  const pinBody = z.object({ version: z.number().int().min(0).optional().describe("serve this version (a rollback); omitted: hold the current one") }).strict();
  deps.catalog.add(
    deps,
    {
      method: "POST",
      url: "/v1/admin/model/pin",
      summary: "Hold the serving model (optionally at an older version)",
      description: "The learner keeps training and publishing; the service keeps serving the pinned version, across restarts, until unpinned.",
      tags: ["admin"],
      auth: true,
      body: pinBody,
      responses: { 200: ok, 400: ERRORS[400], 401: ERRORS[401], 409: conflict },
    },
    async (request, reply) => {
      const { version } = request.body as z.output<typeof pinBody>;
      return pinOr409(reply, () => service.pin(version), status);
    },
  );

  const rollbackBody = z.object({ version: z.number().int().min(0).describe("the version to serve again") }).strict();
  deps.catalog.add(
    deps,
    {
      method: "POST",
      url: "/v1/admin/model/rollback",
      summary: "Serve an earlier version (and pin it)",
      tags: ["admin"],
      auth: true,
      body: rollbackBody,
      responses: { 200: ok, 400: ERRORS[400], 401: ERRORS[401], 409: conflict },
    },
    async (request, reply) => {
      const { version } = request.body as z.output<typeof rollbackBody>;
      return pinOr409(reply, () => service.pin(version), status);
    },
  );

  deps.catalog.add(
    deps,
    { method: "POST", url: "/v1/admin/model/unpin", summary: "Follow the newest version again", tags: ["admin"], auth: true, responses: { 200: ok, 401: ERRORS[401] } },
    async () => {
      service.unpin();
      return status();
    },
  );

  deps.catalog.add(
    deps,
    {
      method: "POST",
      url: "/v1/admin/checkpoint",
      summary: "Checkpoint the learner now",
      tags: ["admin"],
      auth: true,
      responses: {
        200: { description: "Saved", schema: z.object({ version: z.number().int(), seq: z.number().int(), ms: z.number() }) },
        401: ERRORS[401],
      },
    },
    async () => service.checkpoint(),
  );
}

async function pinOr409(reply: { code(n: number): { send(x: unknown): unknown } }, act: () => void, status: () => unknown): Promise<unknown> {
  try {
    act();
  } catch (err) {
    if (err instanceof ModelVersionError) return reply.code(409).send({ statusCode: 409, error: "Conflict", message: err.message });
    throw err;
  }
  return status();
}
