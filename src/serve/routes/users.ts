/** GET /v1/users (recently active) and GET /v1/users/:id (what liveq knows of a user). */
import { z } from "zod";
import { idSchema } from "../event-schema.js";
import { ERRORS } from "../http/routes.js";
import { FEATURE_COUNT, FEATURE_NAMES } from "../model/features.js";
import { RECENT_STREAMERS } from "../state/user-table.js";
import type { ServiceRouteDeps } from "./deps.js";

const userSchema = z.object({
  id: z.string(),
  known: z.boolean().describe("false: liveq has no event of this user (cold start)"),
  firstSeen: z.number().nullable(),
  lastSeen: z.number().nullable(),
  decisions: z.number().int().describe("impressions (decision points)"),
  clicks: z.number().int(),
  watchMinutes: z.number(),
  likes: z.number().int(),
  comments: z.number().int(),
  gifts: z.number(),
  watching: z.string().nullable().describe("the stream being watched now"),
  follows: z.array(z.string()).describe("streamers followed"),
  recent: z.array(z.object({ streamer: z.string(), minutes: z.number(), at: z.number() })).describe("streamers watched lately, most recent first"),
  features: z.record(z.string(), z.number()).describe("the DQN state of this user now"),
});

export function register(deps: ServiceRouteDeps): void {
  const { service } = deps;
  const listQuery = z.object({ limit: z.coerce.number().int().min(1).max(256).optional().describe("default 50") }).strict();
  deps.catalog.add(
    deps,
    {
      method: "GET",
      url: "/v1/users",
      summary: "Users active most recently",
      tags: ["platform"],
      querystring: listQuery,
      responses: { 200: { description: "User ids, most recent first", schema: z.object({ count: z.number().int(), users: z.array(z.string()) }) }, 400: ERRORS[400] },
    },
    async (request) => {
      const q = request.query as z.output<typeof listQuery>;
      const users = service.state.users;
      return { count: users.count, users: users.recentlyActive(q.limit ?? 50).map((u) => users.ids[u]) };
    },
  );

  const params = z.object({ id: idSchema }).strict();
  deps.catalog.add(
    deps,
    {
      method: "GET",
      url: "/v1/users/:id",
      summary: "What liveq knows of a user",
      description: "An unknown user is not an error: the reply says known=false and shows the cold-start features.",
      tags: ["platform"],
      params,
      responses: { 200: { description: "The user", schema: userSchema }, 400: ERRORS[400] },
    },
    async (request) => {
      const { id } = request.params as z.output<typeof params>;
      const state = service.state, users = state.users, cat = state.catalogue;
      const u = users.find(id);
      const vector = new Float32Array(FEATURE_COUNT);
      service.encoder.encode(u, state.now(), vector, 0);
      const features: Record<string, number> = {};
      FEATURE_NAMES.forEach((name, i) => (features[name] = vector[i]));
      if (u < 0) {
        return { id, known: false, firstSeen: null, lastSeen: null, decisions: 0, clicks: 0, watchMinutes: 0, likes: 0, comments: 0, gifts: 0, watching: null, follows: [], recent: [], features };
      }
      const recent = [];
      for (let i = 0; i < RECENT_STREAMERS; i++) {
        const s = users.recentStreamer[u * RECENT_STREAMERS + i];
        if (s < 0) break;
        recent.push({ streamer: cat.streamerIds[s], minutes: users.recentMinutes[u * RECENT_STREAMERS + i], at: users.recentAt[u * RECENT_STREAMERS + i] });
      }
      const w = users.watching[u];
      return {
        id,
        known: true,
        firstSeen: users.firstSeen[u],
        lastSeen: users.lastSeen[u],
        decisions: users.decisions[u],
        clicks: users.clicks[u],
        watchMinutes: users.watchMinutes[u],
        likes: users.likes[u],
        comments: users.comments[u],
        gifts: users.gifts[u],
        watching: w >= 0 && cat.streamLive[w] === 1 ? cat.streamIds[w] : null,
        follows: [...(users.followed[u] ?? [])].map((s) => cat.streamerIds[s]),
        recent,
        features,
      };
    },
  );
}
