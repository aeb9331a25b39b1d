/** GET /v1/recommend: the top-k streams live now for a user. */
import { z } from "zod";
import { idSchema } from "../event-schema.js";
import { ERRORS } from "../http/routes.js";
import type { ServiceRouteDeps } from "./deps.js";

const itemSchema = z.object({
  stream: z.string(),
  streamer: z.string(),
  category: z.string().nullable(),
  viewers: z.number().int(),
  score: z.number().describe("Q plus the personal bonuses and the viewers tie-break"),
  q: z.number().describe("the DQN's Q value for the streamer's slot"),
  propensity: z.number().describe("probability that the policy showed this item at this position"),
  explored: z.boolean().describe("drawn at random (exploration) rather than ranked"),
  why: z.object({ follows: z.boolean(), recentBonus: z.number(), tieBreak: z.number(), slot: z.number().int() }).optional(),
});

export const recommendationSchema = z.object({
  rec: z.string().describe("id of this recommendation: pass it as `rec` in the impression event"),
  user: z.string(),
  knownUser: z.boolean().describe("false: a user liveq has not seen (cold start)"),
  modelVersion: z.number().int(),
  candidates: z.number().int().describe("live streams considered"),
  items: z.array(itemSchema),
  features: z.record(z.string(), z.number()).optional().describe("the user's state features (explain=true)"),
});

export function register(deps: ServiceRouteDeps): void {
  const { service } = deps;
  const r = service.config.recommend;
  const query = z
    .object({
      user: idSchema.describe("the user (unknown users get cold-start recommendations)"),
      k: z.coerce.number().int().min(1).max(r.maxK).optional().describe(`how many streams (default ${r.defaultK})`),
      explain: z.enum(["true", "false", "1", "0"]).optional().describe("add the features and the parts of each score; no exploration, not logged"),
    })
    .strict();
  deps.catalog.add(
    deps,
    {
      method: "GET",
      url: "/v1/recommend",
      summary: "Top-k streams live now for a user, ranked by the DQN",
      description: "Greedy by score with a small exploration rate; each item carries its propensity. A stream whose end event was accepted is never returned.",
      tags: ["recommend"],
      querystring: query,
      responses: { 200: { description: "The recommendation", schema: recommendationSchema }, 400: ERRORS[400], 429: ERRORS[429] },
    },
    async (request) => {
      const q = request.query as z.output<typeof query>;
      return service.recommendBatched(q.user, q.k ?? r.defaultK, q.explain === "true" || q.explain === "1");
    },
  );
}
