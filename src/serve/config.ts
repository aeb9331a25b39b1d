/**
 * Everything that shapes a running service, as one zod schema: a config file (`--config FILE`,
 * JSON) is parsed by it, the CLI flags override a few of its fields, and every default is written
 * here once. A bad field gives an error naming its path and what is allowed.
 */
import { readFileSync } from "node:fs";
import { z } from "zod";

const positiveInt = z.number().int().positive();
const nonNegative = z.number().min(0);

export const serveConfigSchema = z
  .object({
    /** Address to listen on. Loopback by default: put a reverse proxy in front to expose it. */
    host: z.string().min(1).default("127.0.0.1"),
    /** Port to listen on; 0 picks a free one (printed at start). */
    port: z.number().int().min(0).max(65535).default(8080),
    /** Directory of the event log, checkpoints and the pinned model. */
    data: z.string().min(1).default("liveq-data"),
    /** A DQN checkpoint directory to start from when the data directory has none yet. */
    model: z.string().min(1).nullable().default(null),
    /** Bearer token of the write and admin routes; null = take LIVEQ_TOKEN or generate one. */
    token: z.string().min(8).max(256).nullable().default(null),
    /** Fastify's log level ("silent" for none). */
    logLevel: z.enum(["silent", "fatal", "error", "warn", "info", "debug"]).default("warn"),
    catalogue: z
      .object({
        /**
         * Streamer slots: the DQN's action space. A new streamer takes a free slot; when none is
         * left, the slot of the streamer live least recently is recycled (its Q head is reset).
         */
        slots: z.number().int().min(2).max(65_536).default(8192),
      })
      .strict()
      .default({ slots: 8192 }),
    recommend: z
      .object({
        defaultK: positiveInt.max(100).default(10),
        maxK: positiveInt.max(100).default(100),
        /** Probability that a position of a slate shows a uniformly random live stream instead. */
        explore: z.number().min(0).max(1).default(0.05),
        /** Score bonus of a stream whose streamer the user follows. */
        followBonus: nonNegative.default(1),
        /** Score bonus of a streamer the user watched recently (decays with recentHalfLifeHours). */
        recentBonus: nonNegative.default(0.5),
        recentHalfLifeHours: z.number().positive().default(72),
        /** Weight of log(1 + viewers): breaks ties among streams the model rates alike (new streams). */
        viewersTieBreak: nonNegative.default(0.01),
        seed: z.number().int().default(1),
      })
      .strict()
      .default({ defaultK: 10, maxK: 100, explore: 0.05, followBonus: 1, recentBonus: 0.5, recentHalfLifeHours: 72, viewersTieBreak: 0.01, seed: 1 }),
    /** Reward of a decision: the weighted sum of what the user did with the stream shown. */
    reward: z
      .object({
        click: z.number().default(0.1),
        watchMinute: z.number().default(1 / 30),
        like: z.number().default(0.5),
        comment: z.number().default(0.3),
        /** Per unit of a gift's value. */
        gift: z.number().default(1),
        follow: z.number().default(2),
      })
      .strict()
      .default({ click: 0.1, watchMinute: 1 / 30, like: 0.5, comment: 0.3, gift: 1, follow: 2 }),
    /** The DQN that scores streamer slots (its input size and action count follow from the features and slots). */
    dqn: z
      .object({
        /** The last width sets the cost of a recommendation: the head is last width x slots multiply-adds. */
        hidden: z.array(positiveInt).min(1).max(4).default([128, 32]),
        head: z.enum(["linear", "dueling"]).default("dueling"),
        gamma: z.number().min(0).max(1).default(0.9),
        lr: z.number().positive().max(1).default(5e-4),
        batchSize: positiveInt.max(1024).default(32),
        replayCapacity: positiveInt.default(50_000),
        replay: z.enum(["uniform", "prioritized"]).default("uniform"),
        doubleDqn: z.boolean().default(true),
        targetEvery: positiveInt.default(200),
        loss: z.enum(["huber", "mse"]).default("huber"),
        maxGradNorm: z.number().positive().nullable().default(10),
        backend: z.enum(["wasm", "reference"]).default("wasm"),
        seed: z.number().int().default(1),
      })
      .strict()
      .default({
        hidden: [128, 32], head: "dueling", gamma: 0.9, lr: 5e-4, batchSize: 32, replayCapacity: 50_000, replay: "uniform",
        doubleDqn: true, targetEvery: 200, loss: "huber", maxGradNorm: 10, backend: "wasm", seed: 1,
      }),
    learner: z
      .object({
        /** Run the learner in a worker thread (false: on the main thread, for tests and debugging). */
        worker: z.boolean().default(true),
        /** A new model version is published to the servers every this many updates. */
        publishEvery: positiveInt.default(50),
        /** Gradient updates owed per transition received (the replay ratio). */
        updatesPerTransition: z.number().positive().default(0.25),
        /** Cap on updates per second, so learning never starves serving of CPU. */
        maxUpdatesPerSecond: z.number().positive().default(20),
        /** Transitions in replay before the first update. */
        learningStarts: positiveInt.default(256),
        /** Seconds between checkpoints (0 = only at shutdown and on request). */
        checkpointEverySeconds: nonNegative.default(60),
        /** Model versions kept in memory for rollback. */
        keepVersions: positiveInt.max(100).default(10),
        /** Milliseconds between transition batches sent to the learner. */
        flushMs: positiveInt.default(50),
      })
      .strict()
      .default({
        worker: true, publishEvery: 50, updatesPerTransition: 0.25, maxUpdatesPerSecond: 20, learningStarts: 256,
        checkpointEverySeconds: 60, keepVersions: 10, flushMs: 50,
      }),
    limits: z
      .object({
        /** Largest request body in bytes (413 beyond). */
        bodyBytes: positiveInt.default(1_048_576),
        /** Most events in one POST /v1/events. */
        eventsPerBatch: positiveInt.max(100_000).default(1000),
      })
      .strict()
      .default({ bodyBytes: 1_048_576, eventsPerBatch: 1000 }),
    /** Requests per client address and window; false = no limit. /healthz and /metrics are exempt. */
    rateLimit: z
      .union([
        z.literal(false),
        z.object({ max: positiveInt.default(120_000), windowMs: positiveInt.default(60_000) }).strict(),
      ])
      .default({ max: 120_000, windowMs: 60_000 }),
    store: z
      .object({
        /** Log every recommendation with its propensities (for off-policy evaluation). */
        recommendationLog: z.boolean().default(true),
        /** fsync every commit (durable against power loss; a process crash loses nothing either way). */
        fsync: z.boolean().default(true),
        /** Milliseconds between flushes of the recommendation log. */
        flushMs: positiveInt.default(200),
      })
      .strict()
      .default({ recommendationLog: true, fsync: true, flushMs: 200 }),
  })
  .strict();

export type ServeConfigInput = z.input<typeof serveConfigSchema>;
export type ServeConfig = z.output<typeof serveConfigSchema>;

export class ServeConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ServeConfigError";
  }
}

/** Parses and validates a config; `source` (a file name) prefixes the error. */
export function parseServeConfig(input: unknown = {}, source = "serve config"): ServeConfig {
  const r = serveConfigSchema.safeParse(input);
  if (!r.success) {
    const lines = r.error.issues.map((i) => `  ${i.path.join(".") || "(root)"}: ${i.message}`);
    throw new ServeConfigError(`${source} is invalid:\n${lines.join("\n")}`);
  }
  if (r.data.recommend.defaultK > r.data.recommend.maxK) {
    throw new ServeConfigError(`${source} is invalid:\n  recommend.defaultK: ${r.data.recommend.defaultK} is above recommend.maxK ${r.data.recommend.maxK}`);
  }
  return r.data;
}

/** Reads a JSON config file; errors name the file. */
export function readServeConfig(path: string): ServeConfig {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new ServeConfigError(`cannot read config ${path}: ${(err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ServeConfigError(`config ${path} is not valid JSON: ${(err as Error).message}`);
  }
  return parseServeConfig(json, `config ${path}`);
}

/** A config with some fields replaced (one level deep per section), validated again. */
export function withServeOverrides(config: ServeConfigInput, overrides: ServeConfigInput): ServeConfig {
  const merged: Record<string, unknown> = { ...config };
  for (const [key, value] of Object.entries(overrides)) {
    const base = merged[key];
    merged[key] = isPlainObject(base) && isPlainObject(value) ? { ...base, ...value } : value;
  }
  return parseServeConfig(merged);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
