/**
 * The live recommendation service without its HTTP layer: the platform state, the event log, the
 * serving model, the recommender and the learner, wired together.
 *
 *   start:      the learner loads its checkpoint (or the --model one, or starts fresh); the state is
 *               rebuilt by replaying the whole event log; the transitions of events after the
 *               checkpoint go to the learner again; then the store thread opens for writes.
 *   ingest:     a batch goes to the store thread as it arrived, is parsed, validated, stamped and
 *               committed (durable) there, then applied here to the state in log order (a slice at
 *               a time), turned into transitions, and only then acknowledged.
 *   recommend:  synchronous: features, one forward pass, top-k over the live slots.
 *   learn:      the learner thread trains and publishes versions; the serving model swaps them in.
 *
 * Data directory: events.sqlite (the log), checkpoint/ (the learner), pinned/ (a pinned model).
 */
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { loadCheckpoint, saveCheckpoint } from "../io/checkpoint-dir.js";
import { isPlatformModel } from "../io/platform-model-dir.js";
import { CheckpointError } from "../core/checkpoint/bundle.js";
import type { DqnConfigInput } from "../core/dqn/config.js";
import type { ServeConfig } from "./config.js";
import { EVENT_TYPES, type ServeEvent, type ServeEventInput } from "./event-schema.js";
import { ServeMetrics } from "./http/metrics.js";
import { ExperienceRecorder } from "./model/experience.js";
import { FEATURE_COUNT, FeatureEncoder } from "./model/features.js";
import { Learner } from "./model/learner.js";
import type { LearnerOptions, LearnerStats } from "./model/learner-protocol.js";
import { MAX_BATCH, Recommender, type Recommendation, type RecommendRequest } from "./model/recommender.js";
import { ServingModel } from "./model/serving-model.js";
import { TransitionBuffer } from "./model/transition-buffer.js";
import { PlatformState, type WallClock } from "./state/platform-state.js";
import { EventLog } from "./store/event-log.js";
import { eventAt } from "./store/event-columns.js";
import { StoreClient, type CommittedBatch } from "./store/store-client.js";
import { Timeline } from "./timeline.js";
import { stallTracer } from "./debug/stall-tracer.js";

export interface IngestResult {
  /** Events new to the log (now durable and applied). */
  accepted: number;
  /** Events whose id was already logged (a retry): ignored. */
  duplicates: number;
  /** Sequence number of the last accepted event (0 when none). */
  lastSeq: number;
}

export interface ServiceOptions {
  /** The wall clock (tests inject one). */
  wall?: WallClock;
  /** Where warnings go (default: stderr). */
  warn?: (message: string) => void;
  /** Called after the log was replayed at start, with the number of events. */
  onRebuilt?: (events: number, ms: number) => void;
}

/** The DQN of the service: state = the user features, actions = the streamer slots. */
export function serviceDqnConfig(config: ServeConfig): DqnConfigInput {
  const d = config.dqn;
  return {
    obsSize: FEATURE_COUNT,
    actions: config.catalogue.slots,
    actionMasks: true,
    network: { hidden: d.hidden, head: d.head, backend: d.backend },
    gamma: d.gamma,
    nStep: 1,
    doubleDqn: d.doubleDqn,
    loss: d.loss,
    optimizer: { lr: d.lr },
    maxGradNorm: d.maxGradNorm,
    batchSize: d.batchSize,
    replay: { kind: d.replay, capacity: d.replayCapacity },
    target: { kind: "hard", every: d.targetEvery },
    exploration: { kind: "constant", value: 0 },
    learningStarts: 0,
    trainEvery: 1,
    maxAgents: 1,
    seed: d.seed,
  };
}

const PINNED_KIND = "liveq.serve.pinned";
/**
 * Events applied per turn of the event loop (see applySome): applying one costs a few
 * microseconds (up to about 10 on a busy machine), so a slice stays well under a millisecond.
 */
const APPLY_CHUNK = 64;

export class LiveService {
  readonly state: PlatformState;
  readonly encoder: FeatureEncoder;
  readonly model: ServingModel;
  readonly recommender: Recommender;
  readonly experience: ExperienceRecorder;
  readonly transitions: TransitionBuffer;
  readonly metrics: ServeMetrics;
  readonly timeline: Timeline;
  /** The learner's latest stats. */
  learnerStats: LearnerStats = { updates: 0, version: 0, replaySize: 0, received: 0, seq: 0, loss: NaN, meanQ: NaN, updatesPerSecond: 0 };
  /** Events accepted since start (replayed ones excluded). */
  eventsAccepted = 0;
  recommendationsServed = 0;
  /** Events replayed from the log at start. */
  rebuiltEvents = 0;
  /** Problems the service survived (learner or store errors), newest last. */
  readonly problems: string[] = [];
  readonly startedAt = Date.now();

  private readonly applyQueue: { batch: CommittedBatch; result: IngestResult; next: number; perType: Int32Array; resolve: () => void }[] = [];
  private queued: { request: RecommendRequest; resolve: (r: Recommendation) => void; reject: (e: Error) => void }[] = [];
  private flushScheduled = false;
  private store: StoreClient | null = null;
  private learner: Learner | null = null;
  private flushTimer: NodeJS.Timeout | null = null;
  private closed = false;
  private readonly warn: (message: string) => void;

  private constructor(readonly config: ServeConfig, options: ServiceOptions) {
    this.warn = options.warn ?? ((m) => process.stderr.write(`liveq serve: ${m}\n`));
    this.state = new PlatformState(config.catalogue.slots, options.wall ?? Date.now);
    this.encoder = new FeatureEncoder(this.state);
    const spec = { inputSize: FEATURE_COUNT, hidden: config.dqn.hidden, actions: config.catalogue.slots, head: config.dqn.head };
    this.model = new ServingModel(spec, config.dqn.backend, config.learner.keepVersions);
    this.recommender = new Recommender(this.state, this.encoder, this.model, config.recommend);
    this.transitions = new TransitionBuffer(FEATURE_COUNT, config.catalogue.slots, (m) => this.learner?.submit(m));
    this.experience = new ExperienceRecorder(this.state, this.encoder, config.reward, this.transitions);
    this.state.catalogue.onSlotRecycled((slot) => {
      if (this.state.lastSeq > this.experience.emitAfterSeq) this.transitions.reset(slot, this.state.lastSeq);
    });
    const stats = () => this.learnerStats;
    this.metrics = new ServeMetrics({
      updates: () => stats().updates,
      updatesPerSecond: () => stats().updatesPerSecond,
      replaySize: () => stats().replaySize,
      loss: () => stats().loss,
      servingVersion: () => this.model.servingVersion,
      latestVersion: () => this.model.latestVersion,
      liveStreams: () => this.state.catalogue.nLive,
      users: () => this.state.users.count,
    });
    this.timeline = new Timeline({
      events: () => this.state.applied,
      recommendations: () => this.recommendationsServed,
      updates: () => stats().updates,
      loss: () => stats().loss,
      meanQ: () => stats().meanQ,
      replaySize: () => stats().replaySize,
      servingVersion: () => this.model.servingVersion,
      liveStreams: () => this.state.catalogue.nLive,
      decisions: () => ({ closed: this.experience.closed, rewardSum: this.experience.rewardSum }),
    });
  }

  get dataDir(): string {
    return this.config.data;
  }

  get eventLogPath(): string {
    return join(this.config.data, "events.sqlite");
  }

  get checkpointDir(): string {
    return join(this.config.data, "checkpoint");
  }

  get pinnedDir(): string {
    return join(this.config.data, "pinned");
  }

  /** Opens the service on its data directory (see the file comment for the order of things). */
  static async open(config: ServeConfig, options: ServiceOptions = {}): Promise<LiveService> {
    const service = new LiveService(config, options);
    try {
      await service.start(options);
    } catch (err) {
      await service.close().catch(() => undefined);
      throw err;
    }
    return service;
  }

  private async start(options: ServiceOptions): Promise<void> {
    const config = this.config;
    mkdirSync(config.data, { recursive: true });
    if (config.model !== null && isPlatformModel(config.model)) {
      throw new CheckpointError(
        `--model ${config.model}: a model of liveq train, which scores the simulator's encoding of users and streams; ` +
          "the service learns its own model from the events it receives and starts from one of its own checkpoints or fresh: leave out --model",
      );
    }
    if (config.model !== null && !existsSync(join(config.model, "manifest.json"))) {
      throw new CheckpointError(`--model ${config.model}: no checkpoint there (manifest.json not found)`);
    }

    const learnerOptions: LearnerOptions = {
      dqn: serviceDqnConfig(config),
      publishEvery: config.learner.publishEvery,
      updatesPerTransition: config.learner.updatesPerTransition,
      maxUpdatesPerSecond: config.learner.maxUpdatesPerSecond,
      learningStarts: config.learner.learningStarts,
      checkpointEverySeconds: config.learner.checkpointEverySeconds,
      checkpointDir: this.checkpointDir,
      initialModelDir: config.model,
    };
    const { learner, ready } = await Learner.start(learnerOptions, config.learner.worker, {
      onWeights: (version, params, stats) => {
        const t0 = performance.now();
        this.learnerStats = stats;
        this.model.offer(version, params);
        stallTracer.span("swap", t0);
      },
      onStats: (stats) => {
        this.learnerStats = stats;
      },
      onError: (message) => this.problem(`learner: ${message}`),
    });
    this.learner = learner;
    this.learnerStats = ready.stats;
    const pinned = this.readPin();
    if (pinned !== null && pinned.version !== ready.version) {
      this.model.offer(pinned.version, pinned.params);
      this.model.pin();
    }
    this.model.offer(ready.version, ready.params);
    if (pinned !== null) this.model.pin();

    // Rebuild the platform from the log; transitions after the learner's checkpoint go to it again.
    const t0 = performance.now();
    this.experience.emitAfterSeq = ready.seq;
    const log = new EventLog(this.eventLogPath, { fsync: config.store.fsync });
    try {
      for (const { seq, body } of log.events()) {
        this.applyAccepted(JSON.parse(body) as ServeEvent, seq);
        this.rebuiltEvents++;
      }
    } finally {
      log.close();
    }
    this.experience.emitAfterSeq = 0;
    this.transitions.flush();
    options.onRebuilt?.(this.rebuiltEvents, performance.now() - t0);

    this.store = await StoreClient.open(this.eventLogPath, {
      fsync: config.store.fsync,
      flushMs: config.store.flushMs,
      maxEvents: config.limits.eventsPerBatch,
      onError: (message) => this.problem(`store: ${message}`),
    });
    this.flushTimer = setInterval(() => {
      const t0 = performance.now();
      this.transitions.flush();
      stallTracer.span("transitions", t0);
    }, config.learner.flushMs);
    this.flushTimer.unref();
    this.timeline.start();
  }

  /**
   * Logs a batch durably, then applies it. `body` is the JSON of {"events": [...]} as a client sent
   * it (POST /v1/events): the store thread parses and validates it (a bad batch rejects with a
   * RequestValidationError naming each bad field, and nothing of it is logged), stamps `ts` where
   * missing and commits it; the events are then applied here, in log order. Resolves once every new
   * event is committed and applied (an acknowledged event is in the log and in the state); ids
   * already logged are ignored.
   */
  async ingestJson(body: Uint8Array): Promise<IngestResult> {
    const store = this.store;
    if (store === null || this.closed) throw new Error("the service is not running");
    const result: IngestResult = { accepted: 0, duplicates: 0, lastSeq: 0 };
    let applied!: Promise<void>;
    // queued for application in the order of the commits (this callback runs in that order)
    await store.ingest(body, this.state.wall(), (batch) => (applied = this.enqueueApply(batch, result)));
    await applied;
    return result;
  }

  /** The same for events given as objects (validated as a body is). */
  ingest(events: ServeEventInput[]): Promise<IngestResult> {
    return this.ingestJson(Buffer.from(JSON.stringify({ events })));
  }

  /**
   * Applies committed batches in log order, at most APPLY_CHUNK events per turn of the event loop,
   * so that a large batch never holds up the recommendations waiting behind it. The reply to a
   * batch waits for the whole batch (an acknowledged event is always in effect).
   */
  private enqueueApply(batch: CommittedBatch, result: IngestResult): Promise<void> {
    return new Promise((resolve) => {
      this.applyQueue.push({ batch, result, next: 0, perType: new Int32Array(EVENT_TYPES.length), resolve });
      if (this.applyQueue.length === 1) this.applySome();
    });
  }

  private applySome(): void {
    const t0 = performance.now();
    let budget = APPLY_CHUNK;
    while (this.applyQueue.length > 0 && budget > 0) {
      const job = this.applyQueue[0];
      const { batch: { events, seqs }, result, perType } = job;
      for (; job.next < events.count && budget > 0; job.next++, budget--) {
        const i = job.next;
        if (seqs[i] > 0) {
          this.applyAccepted(eventAt(events, i), seqs[i]);
          perType[events.types[i]]++;
          result.accepted++;
          result.lastSeq = seqs[i];
        } else {
          result.duplicates++;
        }
      }
      if (job.next < events.count) break;
      this.applyQueue.shift();
      this.eventsAccepted += result.accepted;
      for (let t = 0; t < perType.length; t++) if (perType[t] > 0) this.metrics.eventsIngested.inc({ type: EVENT_TYPES[t] }, perType[t]);
      if (result.duplicates > 0) this.metrics.eventsDuplicate.inc(result.duplicates);
      job.resolve();
    }
    if (this.applyQueue.length > 0) setImmediate(() => this.applySome());
    stallTracer.span("apply", t0);
  }

  /** Recommends now, and logs what was shown with its propensities (unless explain). */
  recommend(user: string, k: number, explain = false): Recommendation {
    return this.logged(this.recommender.recommend(user, k, explain), explain);
  }

  /**
   * Recommends with the requests that arrive together: they are collected until the event loop
   * has read what is waiting, then answered with one batched forward pass (see recommendMany).
   * A lone request waits one turn of the loop (microseconds); a burst drains several times faster.
   */
  recommendBatched(user: string, k: number, explain = false): Promise<Recommendation> {
    return new Promise((resolve, reject) => {
      this.queued.push({ request: { user, k, explain }, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flushRecommendations());
      }
    });
  }

  private flushRecommendations(): void {
    const t0 = performance.now();
    this.flushScheduled = false;
    while (this.queued.length > 0) {
      const batch = this.queued.splice(0, MAX_BATCH);
      try {
        const results = this.recommender.recommendMany(batch.map((x) => x.request));
        batch.forEach((x, i) => x.resolve(this.logged(results[i], x.request.explain)));
      } catch (err) {
        for (const x of batch) x.reject(err as Error);
      }
    }
    stallTracer.span("recommend", t0);
  }

  private logged(r: Recommendation, explain: boolean): Recommendation {
    if (!explain) {
      this.recommendationsServed++;
      this.metrics.recommendations.inc();
      if (this.config.store.recommendationLog && this.store !== null) {
        this.store.logRecommendation(r, this.state.now());
      }
    }
    return r;
  }

  /** Checkpoints the learner now. */
  async checkpoint(): Promise<{ version: number; seq: number; ms: number }> {
    if (this.learner === null) throw new Error("the service is not running");
    this.transitions.flush();
    return this.learner.checkpoint();
  }

  /** Holds the serving model (at `version` when given: a rollback) and remembers it across restarts. */
  pin(version?: number): void {
    this.model.pin(version);
    const params = this.model.servingParams();
    saveCheckpoint(this.pinnedDir, { kind: PINNED_KIND, version: 1, meta: { version: this.model.servingVersion, pinnedAt: Date.now() }, arrays: { params } });
  }

  unpin(): void {
    this.model.unpin();
    rmSync(this.pinnedDir, { recursive: true, force: true });
  }

  /** Stops timers, writes what is pending, checkpoints the learner, closes the log. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    stallTracer.close();
    this.timeline.stop();
    if (this.flushTimer !== null) clearInterval(this.flushTimer);
    this.transitions.flush();
    const store = this.store, learner = this.learner;
    this.store = null;
    this.learner = null;
    await store?.close();
    await learner?.close();
  }

  private applyAccepted(e: ServeEvent, seq: number): void {
    this.experience.before(e, seq);
    this.state.apply(e, seq);
    this.experience.after(e, seq);
  }

  /** The model pinned before the last stop, if any (a damaged one is reported and ignored). */
  private readPin(): { version: number; params: Float32Array } | null {
    if (!existsSync(join(this.pinnedDir, "manifest.json"))) return null;
    try {
      const b = loadCheckpoint(this.pinnedDir, { kind: PINNED_KIND, version: 1 });
      const version = b.meta.version, params = b.arrays.params;
      if (!Number.isInteger(version)) throw new CheckpointError("meta.version is missing");
      if (!(params instanceof Float32Array) || params.length !== this.model.servingParams().length) throw new CheckpointError("params do not fit this model");
      return { version: version as number, params };
    } catch (err) {
      this.problem(`the pinned model in ${this.pinnedDir} cannot be used (${(err as Error).message}); serving the newest`);
      return null;
    }
  }

  private problem(message: string): void {
    this.problems.push(`${new Date().toISOString()} ${message}`);
    if (this.problems.length > 100) this.problems.shift();
    this.warn(message);
  }
}
