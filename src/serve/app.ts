/**
 * The HTTP layer: a Fastify app built around a running LiveService. A small core (validation,
 * errors, auth, rate limiting, request metrics) and one file per route group under ./routes.
 * Tests build it in-process and call it with app.inject; `createServer` (server.ts) listens.
 */
import Fastify, { type FastifyError, type FastifyInstance } from "fastify";
import rateLimit from "@fastify/rate-limit";
import { bearerAuth } from "./http/auth.js";
import { RouteCatalog } from "./http/routes.js";
import { RequestValidationError, zodValidatorCompiler } from "./http/validation.js";
import type { LiveService } from "./service.js";
import { stallTracer } from "./debug/stall-tracer.js";
import type { ServiceRouteDeps } from "./routes/deps.js";
import { register as adminRoutes } from "./routes/admin.js";
import { register as dashboardRoutes } from "./routes/dashboard.js";
import { register as eventRoutes } from "./routes/events.js";
import { register as healthRoutes } from "./routes/health.js";
import { register as metricsRoutes } from "./routes/metrics.js";
import { register as openApiRoutes } from "./routes/openapi.js";
import { register as recommendRoutes } from "./routes/recommend.js";
import { register as statsRoutes } from "./routes/stats.js";
import { register as streamRoutes } from "./routes/streams.js";
import { register as userRoutes } from "./routes/users.js";

export interface AppOptions {
  /** The bearer token of the write and admin routes. */
  token: string;
}

export async function buildApp(service: LiveService, options: AppOptions): Promise<FastifyInstance> {
  const config = service.config;
  const app = Fastify({
    logger: config.logLevel === "silent" ? false : { level: config.logLevel },
    bodyLimit: config.limits.bodyBytes,
    // ids in paths are validated by the route schemas; longer path parameters are refused outright
    routerOptions: { maxParamLength: 200 },
  });
  app.setValidatorCompiler(zodValidatorCompiler);
  // every route as Fastify registered it (HEAD twins included), so a test can hold the OpenAPI document to it
  const registered: { method: string; url: string }[] = [];
  app.decorate("liveqRoutes", registered);
  app.addHook("onRoute", (route) => {
    for (const method of [route.method].flat()) registered.push({ method, url: route.url });
  });

  app.setErrorHandler((error: FastifyError | RequestValidationError, _request, reply) => {
    if (error instanceof RequestValidationError) {
      return reply.code(400).send({ statusCode: 400, error: "Bad Request", message: error.message, issues: error.issues });
    }
    const status = typeof error.statusCode === "number" && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500;
    if (status >= 500) app.log.error(error);
    const message = status >= 500 ? `internal error: ${error.message}` : error.message;
    return reply.code(status).send({ statusCode: status, error: httpStatusText(status), message });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ statusCode: 404, error: "Not Found", message: `no route ${request.method} ${request.url.split("?")[0]} (see GET /v1/openapi.json)` }),
  );

  // request latency, per route template (not per URL, so ids do not explode the label set)
  app.addHook("onResponse", (request, reply, done) => {
    service.metrics.requestDuration.observe(
      { method: request.method, route: request.routeOptions.url ?? "unmatched", status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    stallTracer.request(request.routeOptions.url ?? "unmatched", performance.now() - reply.elapsedTime);
    done();
  });

  if (config.rateLimit !== false) {
    await app.register(rateLimit, { global: true, max: config.rateLimit.max, timeWindow: config.rateLimit.windowMs });
  }

  const deps: ServiceRouteDeps = { app, catalog: new RouteCatalog(), auth: bearerAuth(options.token), service };
  for (const register of [recommendRoutes, eventRoutes, streamRoutes, userRoutes, statsRoutes, adminRoutes, healthRoutes, metricsRoutes, dashboardRoutes, openApiRoutes]) {
    register(deps);
  }
  return app;
}

function httpStatusText(status: number): string {
  const names: Record<number, string> = {
    400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed", 406: "Not Acceptable",
    408: "Request Timeout", 409: "Conflict", 413: "Payload Too Large", 414: "URI Too Long", 415: "Unsupported Media Type",
    429: "Too Many Requests", 500: "Internal Server Error", 503: "Service Unavailable",
  };
  return names[status] ?? (status >= 500 ? "Server Error" : "Client Error");
}
