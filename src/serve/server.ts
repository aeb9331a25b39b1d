/**
 * createServer: the whole service in one call: open the LiveService on its data directory, build
 * the HTTP app, listen. `close()` stops accepting requests, lets those in flight finish, then
 * checkpoints the learner and closes the log.
 */
import type { FastifyInstance } from "fastify";
import { buildApp } from "./app.js";
import { resolveToken, type ResolvedToken } from "./http/auth.js";
import { parseServeConfig, type ServeConfig, type ServeConfigInput } from "./config.js";
import { LiveService, type ServiceOptions } from "./service.js";

export interface LiveServer {
  readonly service: LiveService;
  readonly app: FastifyInstance;
  /** The bearer token of the write routes, and where it came from. */
  readonly token: ResolvedToken;
  /** http://host:port, once listening. */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

export interface CreateServerOptions extends ServiceOptions {
  /** Build and open everything but do not listen (tests call app.inject). */
  listen?: boolean;
  env?: NodeJS.ProcessEnv;
}

export async function createServer(input: ServeConfig | ServeConfigInput, options: CreateServerOptions = {}): Promise<LiveServer> {
  const config = parseServeConfig(input);
  const token = resolveToken(config.token, options.env ?? process.env);
  const service = await LiveService.open(config, options);
  let app: FastifyInstance;
  try {
    app = await buildApp(service, { token: token.token });
    await app.ready();
    if (options.listen !== false) await app.listen({ host: config.host, port: config.port });
  } catch (err) {
    await service.close().catch(() => undefined);
    throw err;
  }
  const address = app.server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  const host = config.host.includes(":") ? `[${config.host}]` : config.host;
  let closing: Promise<void> | null = null;
  return {
    service,
    app,
    token,
    port,
    url: `http://${host}:${port}`,
    close: () =>
      (closing ??= (async () => {
        await app.close();
        await service.close();
      })()),
  };
}
