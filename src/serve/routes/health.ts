/** GET /healthz: liveness and a few vital numbers (never rate limited). */
import { z } from "zod";
import type { ServiceRouteDeps } from "./deps.js";

export function register(deps: ServiceRouteDeps): void {
  const { service } = deps;
  deps.catalog.add(
    deps,
    {
      method: "GET",
      url: "/healthz",
      summary: "Liveness",
      tags: ["operations"],
      rateLimited: false,
      responses: {
        200: {
          description: "The service is up",
          schema: z.object({
            status: z.literal("ok"),
            uptimeSeconds: z.number(),
            events: z.number().int(),
            liveStreams: z.number().int(),
            users: z.number().int(),
            modelVersion: z.number().int(),
            problems: z.number().int().describe("errors survived (learner, store) since start"),
          }),
        },
      },
    },
    async () => ({
      status: "ok" as const,
      uptimeSeconds: (Date.now() - service.startedAt) / 1000,
      events: service.state.applied,
      liveStreams: service.state.catalogue.nLive,
      users: service.state.users.count,
      modelVersion: service.model.servingVersion,
      problems: service.problems.length,
    }),
  );
}
