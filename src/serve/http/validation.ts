/**
 * Request validation with zod. Fastify validates with JSON Schema (ajv) by default; this compiler
 * lets a route give zod schemas instead, so the same schema validates, types the handler's input
 * and generates the OpenAPI document. Written here (a dozen lines) rather than taken from a type
 * provider package, which would add a dependency for exactly this.
 *
 * A failure becomes a 400 whose message names every bad field, e.g.
 *   "body.events[3].minutes: Too big: expected number to be <=1440".
 */
import type { FastifySchemaCompiler } from "fastify";
import type { ZodType, z } from "zod";

export interface FieldIssue {
  /** Where: "body.events[3].minutes", "querystring.k". */
  field: string;
  message: string;
}

/** A request that failed validation; the error handler turns it into a 400. */
export class RequestValidationError extends Error {
  readonly statusCode = 400;
  constructor(readonly issues: FieldIssue[]) {
    super(issues.map((i) => `${i.field}: ${i.message}`).join("; "));
    this.name = "RequestValidationError";
  }
}

/** "events", 3, "minutes" -> "events[3].minutes". */
export function fieldPath(root: string, path: readonly PropertyKey[]): string {
  let out = root;
  for (const p of path) out += typeof p === "number" ? `[${p}]` : `.${String(p)}`;
  return out;
}

/** The issues of a failed zod parse, each naming its field from `root` (at most 20). */
export function fieldIssues(root: string, issues: readonly z.core.$ZodIssue[]): FieldIssue[] {
  return issues.slice(0, 20).map((i) => {
    const extra = i.code === "unrecognized_keys" ? ` (${i.keys.join(", ")})` : "";
    return { field: fieldPath(root, i.path), message: i.message + (extra && !i.message.includes(extra.slice(2, -1)) ? extra : "") };
  });
}

export const zodValidatorCompiler: FastifySchemaCompiler<ZodType> = ({ schema, httpPart }) => {
  const root = httpPart ?? "input";
  return (data: unknown) => {
    const r = schema.safeParse(data);
    if (r.success) return { value: r.data };
    return { error: new RequestValidationError(fieldIssues(root, r.error.issues)) };
  };
};
