/** GET /v1/streams/live: the streams live now, most watched first. */
import { z } from "zod";
import { ERRORS } from "../http/routes.js";
import type { ServiceRouteDeps } from "./deps.js";

const liveSchema = z.object({
  count: z.number().int().describe("streams live now"),
  streams: z.array(
    z.object({
      stream: z.string(),
      streamer: z.string(),
      category: z.string().nullable(),
      viewers: z.number().int(),
      startedAt: z.number().describe("ms since 1970"),
      followers: z.number().int(),
    }),
  ),
});

export function register(deps: ServiceRouteDeps): void {
  const { service } = deps;
  const query = z
    .object({
      limit: z.coerce.number().int().min(1).max(10_000).optional().describe("at most this many (default 100)"),
      offset: z.coerce.number().int().min(0).optional(),
    })
    .strict();
  deps.catalog.add(
    deps,
    {
      method: "GET",
      url: "/v1/streams/live",
      summary: "Streams live now, by viewers",
      tags: ["platform"],
      querystring: query,
      responses: { 200: { description: "The live streams", schema: liveSchema }, 400: ERRORS[400], 429: ERRORS[429] },
    },
    async (request) => {
      const q = request.query as z.output<typeof query>;
      const cat = service.state.catalogue;
      const slots = Array.from(cat.liveList.subarray(0, cat.nLive));
      const streams = slots.map((slot) => cat.slotStream[slot]);
      streams.sort((a, b) => cat.streamViewers[b] - cat.streamViewers[a] || cat.streamStartedAt[a] - cat.streamStartedAt[b]);
      const offset = q.offset ?? 0;
      return {
        count: cat.nLive,
        streams: streams.slice(offset, offset + (q.limit ?? 100)).map((st) => {
          const c = cat.streamCategory[st], owner = cat.streamStreamer[st];
          return {
            stream: cat.streamIds[st],
            streamer: cat.streamerIds[owner],
            category: c >= 0 ? cat.categoryNames[c] : null,
            viewers: cat.streamViewers[st],
            startedAt: cat.streamStartedAt[st],
            followers: cat.streamerFollowers[owner],
          };
        }),
      };
    },
  );
}
