/**
 * Every route is declared once, as a RouteSpec: its zod schemas validate the request (through
 * validation.ts) and, with its summary and responses, make its entry in the OpenAPI document
 * (GET /v1/openapi.json). A route cannot exist without its documentation.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteHandlerMethod } from "fastify";
import { z, type ZodType } from "zod";

export interface ResponseSpec {
  description: string;
  /** JSON body schema (documentation only: replies are serialised with JSON.stringify). */
  schema?: ZodType;
  /** Content type when not JSON (HTML, JavaScript, Prometheus text). */
  contentType?: string;
}

export interface RouteSpec {
  method: "GET" | "POST";
  /** Fastify syntax: /v1/users/:id. */
  url: string;
  summary: string;
  description?: string;
  tags: string[];
  querystring?: ZodType;
  params?: ZodType;
  body?: ZodType;
  /**
   * The handler receives the JSON body unparsed (a Buffer, see routes/events.ts) and checks it
   * against `body` itself; `body` then documents it only.
   */
  rawBody?: boolean;
  responses: Record<number, ResponseSpec>;
  /** Needs the bearer token. */
  auth?: boolean;
  /** Counted by the per-client rate limit (default true). */
  rateLimited?: boolean;
}

export interface RouteDeps {
  app: FastifyInstance;
  catalog: RouteCatalog;
  /** The onRequest hook that checks the bearer token (before the body is even read). */
  auth: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
}

const errorSchema = z.object({
  statusCode: z.number().int(),
  error: z.string(),
  message: z.string(),
  issues: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
});

/** Standard error replies, for the responses of a spec. */
export const ERRORS = {
  400: { description: "Bad request: the message and `issues` name each bad field", schema: errorSchema },
  401: { description: "Missing or wrong bearer token", schema: errorSchema },
  404: { description: "Not found", schema: errorSchema },
  413: { description: "Body larger than limits.bodyBytes", schema: errorSchema },
  429: { description: "Rate limit exceeded (see the Retry-After header)", schema: errorSchema },
} satisfies Record<number, ResponseSpec>;

export class RouteCatalog {
  readonly specs: RouteSpec[] = [];

  /** Registers a route on the app and records its spec. */
  add(deps: RouteDeps, spec: RouteSpec, handler: RouteHandlerMethod): void {
    this.specs.push(spec);
    deps.app.route({
      method: spec.method,
      url: spec.url,
      schema: {
        ...(spec.querystring ? { querystring: spec.querystring } : {}),
        ...(spec.params ? { params: spec.params } : {}),
        ...(spec.body && !spec.rawBody ? { body: spec.body } : {}),
      },
      config: { rateLimit: spec.rateLimited === false ? false : undefined },
      onRequest: spec.auth ? deps.auth : undefined,
      handler,
    });
  }

  /** The OpenAPI 3.0 document of every registered route. */
  openApi(info: { title: string; version: string; description: string }): Record<string, unknown> {
    const paths: Record<string, Record<string, unknown>> = {};
    const json = (schema: ZodType, io: "input" | "output") => z.toJSONSchema(schema, { target: "openapi-3.0", io, unrepresentable: "any" });
    for (const spec of this.specs) {
      const path = spec.url.replace(/:([A-Za-z0-9_]+)/g, "{$1}");
      const parameters: unknown[] = [];
      for (const [where, schema] of [["query", spec.querystring], ["path", spec.params]] as const) {
        if (schema === undefined) continue;
        const js = json(schema, "input") as { properties?: Record<string, unknown>; required?: string[] };
        for (const [name, s] of Object.entries(js.properties ?? {})) {
          parameters.push({ name, in: where, required: where === "path" || (js.required ?? []).includes(name), schema: s });
        }
      }
      const responses: Record<string, unknown> = {};
      for (const [code, r] of Object.entries(spec.responses)) {
        const type = r.contentType ?? "application/json";
        responses[code] = { description: r.description, content: { [type]: r.schema ? { schema: json(r.schema, "output") } : {} } };
      }
      const op: Record<string, unknown> = {
        summary: spec.summary,
        tags: spec.tags,
        operationId: `${spec.method.toLowerCase()}${path.replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ?? "").toUpperCase())}`,
        parameters,
        responses,
      };
      if (spec.description) op.description = spec.description;
      if (spec.body) op.requestBody = { required: true, content: { "application/json": { schema: json(spec.body, "input") } } };
      if (spec.auth) op.security = [{ bearer: [] }];
      (paths[path] ??= {})[spec.method.toLowerCase()] = op;
    }
    return {
      openapi: "3.0.3",
      info,
      servers: [{ url: "/" }],
      components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
      paths,
    };
  }
}
