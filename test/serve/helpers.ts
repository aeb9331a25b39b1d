/** Shared setup of the service tests: a small service on a temp directory, built in-process. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer, type LiveServer } from "../../src/serve/server.js";
import type { ServeConfigInput } from "../../src/serve/config.js";
import type { ServeEventInput } from "../../src/serve/event-schema.js";

export const TOKEN = "test-token-1234";
export const AUTH = { authorization: `Bearer ${TOKEN}` };

/** A small, fast config: 64 slots, a tiny network, learning from the 8th transition. */
export function smallConfig(data: string, overrides: ServeConfigInput = {}): ServeConfigInput {
  return {
    data,
    port: 0,
    token: TOKEN,
    logLevel: "silent",
    catalogue: { slots: 64 },
    dqn: { hidden: [16], batchSize: 8, replayCapacity: 2000 },
    learner: { learningStarts: 8, publishEvery: 4, updatesPerTransition: 1, maxUpdatesPerSecond: 10_000, checkpointEverySeconds: 0 },
    store: { fsync: false, recommendationLog: true, flushMs: 20 },
    ...overrides,
  };
}

export interface TestServer extends LiveServer {
  dir: string;
  /** POST /v1/events with the token; returns the parsed reply and status. */
  send(events: ServeEventInput[]): Promise<{ status: number; body: { accepted: number; duplicates: number; lastSeq: number } }>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- replies of many shapes, checked field by field in the tests
  get(url: string): Promise<{ status: number; body: any }>;
  dispose(): Promise<void>;
}

export async function startTestServer(overrides: ServeConfigInput = {}, dir?: string): Promise<TestServer> {
  const data = dir ?? mkdtempSync(join(tmpdir(), "liveq-serve-test-"));
  const server = await createServer(smallConfig(data, overrides), { listen: false, warn: () => undefined });
  const send = async (events: ServeEventInput[]) => {
    const r = await server.app.inject({ method: "POST", url: "/v1/events", headers: AUTH, payload: { events } });
    return { status: r.statusCode, body: r.json() };
  };
  const get = async (url: string) => {
    const r = await server.app.inject({ method: "GET", url });
    return { status: r.statusCode, body: r.headers["content-type"]?.toString().includes("json") ? r.json() : r.body };
  };
  return Object.assign(server, {
    dir: data,
    send,
    get,
    dispose: async () => {
      await server.close();
      if (dir === undefined) rmSync(data, { recursive: true, force: true });
    },
  });
}

let counter = 0;
/** A fresh event id. */
export const eid = () => `t${process.pid}-${counter++}`;

/** Events that start `n` streams s0..s{n-1} of streamers c0..c{n-1}. */
export function startStreams(n: number, ts = 1_767_571_200_000): ServeEventInput[] {
  return Array.from({ length: n }, (_, i) => ({ id: eid(), type: "stream_start" as const, ts, stream: `s${i}`, streamer: `c${i}`, category: `cat${i % 3}` }));
}
