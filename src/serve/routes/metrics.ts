/** GET /metrics: Prometheus metrics (never rate limited). */
import type { ServiceRouteDeps } from "./deps.js";

export function register(deps: ServiceRouteDeps): void {
  const { service } = deps;
  deps.catalog.add(
    deps,
    {
      method: "GET",
      url: "/metrics",
      summary: "Prometheus metrics",
      description: "Request latency histograms, events ingested, recommendations, learner updates and rate, replay size, model versions, process metrics.",
      tags: ["operations"],
      rateLimited: false,
      responses: { 200: { description: "Prometheus text format", contentType: "text/plain; version=0.0.4" } },
    },
    async (_request, reply) => {
      const registry = service.metrics.registry;
      return reply.type(registry.contentType).send(await registry.metrics());
    },
  );
}
