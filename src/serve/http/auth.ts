/**
 * Bearer-token authentication of the write and admin routes: `Authorization: Bearer TOKEN`.
 * The token comes from the config (--token), else LIVEQ_TOKEN, else the service generates one
 * and prints it at start. Tokens are compared in constant time (through their SHA-256 digests,
 * which also makes the lengths equal).
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";

export interface ResolvedToken {
  token: string;
  source: "config" | "environment" | "generated";
}

export function resolveToken(configured: string | null, env: NodeJS.ProcessEnv = process.env): ResolvedToken {
  if (configured !== null) return { token: configured, source: "config" };
  const fromEnv = env.LIVEQ_TOKEN;
  if (fromEnv !== undefined && fromEnv !== "") {
    if (fromEnv.length < 8) throw new RangeError("LIVEQ_TOKEN must be at least 8 characters long");
    return { token: fromEnv, source: "environment" };
  }
  return { token: randomBytes(24).toString("base64url"), source: "generated" };
}

const digest = (s: string) => createHash("sha256").update(s).digest();

/** An onRequest hook that answers 401 unless the request carries the token. */
export function bearerAuth(token: string) {
  const expected = digest(token);
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const header = request.headers.authorization;
    const match = typeof header === "string" ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (match === null || !timingSafeEqual(digest(match[1]), expected)) {
      reply.header("www-authenticate", 'Bearer realm="liveq"');
      await reply.code(401).send({
        statusCode: 401,
        error: "Unauthorized",
        message: match === null ? "this route needs the header Authorization: Bearer TOKEN" : "the bearer token is not valid",
      });
    }
  };
}
