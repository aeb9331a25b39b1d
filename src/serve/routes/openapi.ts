/** GET /v1/openapi.json: the OpenAPI document of every route, from the schemas that validate them. */
import type { ServiceRouteDeps } from "./deps.js";

export function register(deps: ServiceRouteDeps): void {
  let document: Record<string, unknown> | null = null;
  deps.catalog.add(
    deps,
    {
      method: "GET",
      url: "/v1/openapi.json",
      summary: "This document",
      tags: ["operations"],
      responses: { 200: { description: "OpenAPI 3.0 document" } },
    },
    async () =>
      (document ??= deps.catalog.openApi({
        title: "liveq",
        version: "1",
        description: "Live-stream recommendations by deep Q-learning, learning online from the feedback it receives.",
      })),
  );
}
