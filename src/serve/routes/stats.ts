/** GET /v1/stats: the dashboard's numbers: per-second samples and the learner's state. */
import { z } from "zod";
import { ERRORS } from "../http/routes.js";
import type { ServiceRouteDeps } from "./deps.js";

const sampleSchema = z.object({
  t: z.number(),
  events: z.number().int(),
  recommendations: z.number().int(),
  updates: z.number().int(),
  loss: z.number().nullable(),
  meanQ: z.number().nullable(),
  replaySize: z.number().int(),
  servingVersion: z.number().int(),
  liveStreams: z.number().int(),
  reward: z.number().nullable(),
  decisions: z.number().int(),
});

export function register(deps: ServiceRouteDeps): void {
  const { service } = deps;
  const query = z.object({ since: z.coerce.number().min(0).optional().describe("only samples after this time (ms since 1970)") }).strict();
  deps.catalog.add(
    deps,
    {
      method: "GET",
      url: "/v1/stats",
      summary: "Per-second samples of the service's counters and the learner's state",
      tags: ["operations"],
      querystring: query,
      responses: {
        200: {
          description: "Counters and samples",
          schema: z.object({
            now: z.number(),
            users: z.number().int(),
            liveStreams: z.number().int(),
            events: z.number().int(),
            recommendations: z.number().int(),
            meanReward: z.number().nullable(),
            learner: z.object({ updates: z.number(), updatesPerSecond: z.number(), replaySize: z.number(), received: z.number(), loss: z.number().nullable(), meanQ: z.number().nullable() }),
            model: z.object({ servingVersion: z.number().int(), latestVersion: z.number().int(), pinned: z.boolean() }),
            samples: z.array(sampleSchema),
          }),
        },
        400: ERRORS[400],
      },
    },
    async (request) => {
      const q = request.query as z.output<typeof query>;
      const s = service.learnerStats;
      const fin = (x: number) => (Number.isFinite(x) ? x : null);
      return {
        now: Date.now(),
        users: service.state.users.count,
        liveStreams: service.state.catalogue.nLive,
        events: service.state.applied,
        recommendations: service.recommendationsServed,
        meanReward: fin(service.experience.meanReward),
        learner: { updates: s.updates, updatesPerSecond: s.updatesPerSecond, replaySize: s.replaySize, received: s.received, loss: fin(s.loss), meanQ: fin(s.meanQ) },
        model: { servingVersion: service.model.servingVersion, latestVersion: service.model.latestVersion, pinned: service.model.pinned },
        samples: service.timeline.since(q.since ?? 0),
      };
    },
  );
}
