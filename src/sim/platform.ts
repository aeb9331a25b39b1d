/**
 * The simulated live-streaming platform as a vectorised, seeded environment.
 *
 * Time runs in ticks of ten minutes. At each tick, streams start and end by their streamers'
 * schedules, and users' pending events fire: sessions start, watches end, users who said "no
 * thanks" look again. The users who need something to watch at that tick form one batch:
 *
 *     const p = new Platform(config, seed);        // stops at the first tick with a decision
 *     while (!p.done) {
 *       const actions = p.actions();                // p.nDeciding x p.slateSize, to fill
 *       policy.act(p, actions);                     // reads p.userObservations, p.liveStreams, ...
 *       const r = p.step(actions);                  // rewards, events, session ends, churn
 *     }
 *
 * step() applies the whole batch at once, as one round of a multi-agent game: every user chooses
 * from what they were shown (seeing the viewer counts at the start of the tick), then each
 * experiences the stream with everyone who joined it in this tick (crowding). It then advances to
 * the next tick with at least one decision; that batch's observations are built when first read.
 *
 * Everything is held in typed arrays sized once at construction (users, streamers, observation
 * and result buffers), so a step allocates nothing per decision; the views of them it hands out
 * (deciding, observations, actions, results) are made only when read (prefix-view.ts).
 * Randomness comes from one seeded stream per concern (Rng.derive), so a seed and a config fix the
 * run bit for bit, and changing a policy does not shift the draws of, say, the streamers' schedules.
 *
 * The hot path (bench/sim.ts) is shaped for speed without changing a single result: functions of
 * whole numbers come from exact tables (tables.ts), comparisons of a uniform draw with exp, cos or
 * the logistic are settled from bounds and computed only near the threshold (watch.ts eventHappens,
 * effects/satisfaction.ts churns, cosine-table.ts, choice.ts accepts), uniform draws are read from
 * buffers (uniform-buffer.ts), each tick's users are touched in short, branch-free loops before
 * their events are handled (their rows are rarely in cache, and misses in such a loop overlap),
 * as are the history entries a batch's decisions will read, fatigue recovers as a user joins the batch
 * (while their state is in cache), whole-number sizes from the config are kept as int32 (so index
 * arithmetic stays in integers), and step() is split into small methods for V8's sake (see step).
 */
import { Rng } from "../core/random/rng.js";
import type { SimConfig } from "./config.js";
import { categoryName } from "./config.js";
import { accepts, chooseFromSlate } from "./choice.js";
import { TickQueue } from "./event-queue.js";
import { crowdingEffect, crowdingPenalty, type CrowdingEffect } from "./effects/crowding.js";
import { drift, driftEffect, type DriftEffect } from "./effects/drift.js";
import { fatigueAdded, fatigueEffect, fatiguePenalty, type FatigueEffect } from "./effects/fatigue.js";
import { familiarity, notifyResponse, repeatEffect, type RepeatEffect } from "./effects/repeat.js";
import {
  churnCeiling, churns, dissatisfiedEndChance, outcomeScore, returnRateFactor, satisfactionEffect, updatedSatisfaction,
  type SatisfactionEffect,
} from "./effects/satisfaction.js";
import { giftFactor, pressureEffect, satisfactionFactor, type PressureEffect } from "./effects/pressure.js";
import { socialProof, socialProofEffect, type SocialProofEffect } from "./effects/social-proof.js";
import { MetricsRecorder, type SimSummary } from "./metrics.js";
import { PlatformTruth } from "./truth.js";
import { PrefixView } from "./prefix-view.js";
import { ViewingLog } from "./viewing-log.js";
import {
  PAIR_FEATURE_SIZE, clockFeatures, streamFeatureNames, streamFeatureSize, userFeatureNames, userFeatureSize,
  writePairFeatures, writeStreamFeatures, writeUserFeatures,
} from "./observe.js";
import { pairNoise, poisson } from "./sampling.js";
import { StreamerTable, categoryShares } from "./streamers.js";
import { IntFunctionTable } from "./tables.js";
import { UniformBuffer } from "./uniform-buffer.js";
import { TABLE_STEPS, settleOnePlusCosine } from "./cosine-table.js";
import { TICKS_PER_DAY, TICKS_PER_HOUR, TICK_MINUTES, dayOf, tickOfDay } from "./time.js";
import {
  ARRIVAL, CHURNED, DISTINCT_WATCHED, FATIGUE_TICK, EVENT_BROWSE, EVENT_NONE, EVENT_SESSION_START, EVENT_TICK,
  EVENT_WATCH_END_CONTINUE, EVENT_WATCH_END_LEAVE, FOLLOW_COUNT, IN_SESSION, LAST_DECLINED, LAST_MINUTES, LAST_SESSION_END,
  PATIENCE, PREFERRED_HOUR, SATISFACTION, SESSIONS, SESSION_DECISIONS, SESSION_MINUTES, SESSION_RATE, SESSION_START,
  TOTAL_MINUTES, USER_RECORD, UserTable, WATCHING,
} from "./users.js";
import {
  EVENT_COMMENT, EVENT_FOLLOW, EVENT_GIFT, EVENT_LIKE, EVENT_REPEAT, WatchOutcome,
  sampleWatch, watchModel, type WatchModel,
} from "./watch.js";

/**
 * Interest enters utility as log(categories x interest): 0 for a user who spreads interest evenly,
 * log 2 for twice the even share, and at least log(INTEREST_FLOOR) for a category the user ignores.
 */
const INTEREST_FLOOR = 0.05;

/** The random streams of a platform, one per concern (the argument to Rng.derive). */
const STREAM = {
  streamers: 1,
  users: 2,
  schedules: 3,
  returns: 4,
  choices: 5,
  watches: 6,
  notifications: 7,
  sessions: 8,
} as const;

/** Results of one step, one entry per decision in the order of the batch. Reused: copy what you keep. */
export interface StepResult {
  /** Tick of the decisions. */
  readonly tick: number;
  /** Number of decisions. */
  readonly n: number;
  /** The user of each decision. */
  readonly users: Int32Array;
  /** The streamer watched, or -1 for "no thanks". */
  readonly chosen: Int32Array;
  readonly reward: Float64Array;
  readonly minutes: Float64Array;
  /** EVENT_LIKE | EVENT_COMMENT | EVENT_GIFT | EVENT_FOLLOW | EVENT_REPEAT flags. */
  readonly events: Uint8Array;
  /** 1 if the user's session ends after this decision (after the watch, if any). */
  readonly sessionEnded: Uint8Array;
  /** 1 if the user leaves the platform for good after this decision. */
  readonly churned: Uint8Array;
}

/** The buffers behind step results, one entry per decision of the batch. */
interface ResultBuffers {
  readonly users: Int32Array;
  readonly chosen: Int32Array;
  readonly reward: Float64Array;
  readonly minutes: Float64Array;
  readonly events: Uint8Array;
  readonly sessionEnded: Uint8Array;
  readonly churned: Uint8Array;
}

type ResultViews = { readonly [K in keyof ResultBuffers]: PrefixView<ResultBuffers[K]> };

/**
 * The StepResult that step returns: its arrays are views of the platform's result buffers, made
 * when first read (a policy that learns nothing reads none of them; see prefix-view.ts).
 */
class StepResultView implements StepResult {
  constructor(readonly tick: number, readonly n: number, private readonly views: ResultViews) {}
  get users(): Int32Array {
    return this.views.users.of(this.n);
  }
  get chosen(): Int32Array {
    return this.views.chosen.of(this.n);
  }
  get reward(): Float64Array {
    return this.views.reward.of(this.n);
  }
  get minutes(): Float64Array {
    return this.views.minutes.of(this.n);
  }
  get events(): Uint8Array {
    return this.views.events.of(this.n);
  }
  get sessionEnded(): Uint8Array {
    return this.views.sessionEnded.of(this.n);
  }
  get churned(): Uint8Array {
    return this.views.churned.of(this.n);
  }
}

/** How a platform is set up beyond its config: which world it is, and who is in it. */
export interface PlatformOptions {
  /**
   * Seed of the world: the streamers and users with their hidden tastes and qualities, their
   * schedules and the times newcomers debut or arrive (default: the run's seed, so each seed is its
   * own world). Runs of one world with different seeds are the same platform on other days: who is
   * there is the same, what happens differs.
   */
  readonly world?: number;
  /**
   * Leave out the streamers who debut and the users who arrive during the run: a training run that
   * must not meet the world's newcomers, so that they are truly new when evaluation meets them.
   */
  readonly withholdNewcomers?: boolean;
}

/** A step refused because of a bad action; nothing was changed. */
export class SimActionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SimActionError";
  }
}

export class Platform {
  readonly config: SimConfig;
  readonly seed: number;
  /** Seed of the world (see PlatformOptions.world). */
  readonly world: number;
  /** Ticks in the run (config.days days). */
  readonly horizon: number;
  /** Streamer slots: the action space. Streamers who debut later use reserved slots. */
  readonly catalogueSize: number;
  /** User slots, arrivals included. */
  readonly userCapacity: number;
  readonly slateSize: number;
  readonly categories: number;
  readonly userFeatureSize: number;
  readonly streamFeatureSize: number;
  readonly pairFeatureSize = PAIR_FEATURE_SIZE;
  readonly userFeatureNames: readonly string[];
  readonly streamFeatureNames: readonly string[];
  /**
   * The users and streamers, hidden truth included (interests, quality, satisfaction ...). A learner
   * must read only the observation buffers; the oracles and the metrics read these.
   */
  readonly users: UserTable;
  readonly streamers: StreamerTable;
  /** Hidden-truth helpers for the oracle policies. */
  readonly truth: PlatformTruth;
  readonly metrics: MetricsRecorder;
  /** Every viewing, when recording was asked for (recordViewings). */
  viewingLog: ViewingLog | null = null;

  /** The current tick (-1 before the first advance). */
  tick = -1;
  /** True once the run has reached its horizon. */
  done = false;

  // --- the current batch (valid until step) ---
  private nDecidingNow = 0;
  private readonly decidingBuf: Int32Array;
  /** The users whose events fire at the current tick (fireEvents' scratch). */
  private readonly firingBuf: Int32Array;
  private readonly decisionOf: Int32Array;
  private readonly userObsBuf: Float32Array;
  private nLiveNow = 0;
  private readonly liveBuf: Int32Array;
  /** liveMask[s] = 1 while streamer s is live. */
  readonly liveMask: Uint8Array;
  /** liveRow[s] = row of s in streamObservations, or -1 if not live. */
  readonly liveRow: Int32Array;
  private readonly streamObsBuf: Float32Array;
  private readonly actionBuf: Int32Array;
  /** The views of the batch buffers handed out (made on first use in a tick: see prefix-view.ts). */
  private readonly views: {
    deciding: PrefixView<Int32Array>; userObs: PrefixView<Float32Array>; live: PrefixView<Int32Array>; streamObs: PrefixView<Float32Array>; actions: PrefixView<Int32Array>;
  };

  // --- step results ---
  private readonly res: ResultBuffers;
  private readonly resultViews: ResultViews;

  // --- model parameters ---
  private readonly wInterest: number;
  private readonly wLatent: number;
  private readonly wIdio: number;
  private readonly wQuality: number;
  private readonly noThanks: number;
  private readonly noiseSalt: number;
  private readonly fatigueFx: FatigueEffect;
  /** @internal */ readonly satisfactionFx: SatisfactionEffect;
  private readonly driftFx: DriftEffect;
  private readonly socialFx: SocialProofEffect;
  private readonly crowdFx: CrowdingEffect;
  /** @internal */ readonly repeatFx: RepeatEffect;
  /** @internal */ readonly pressureFx: PressureEffect;
  /** @internal */ readonly watch: WatchModel;
  private readonly minReturnTicks: number;
  /** Amplitude of the users' daily rhythm (config.user.dailyRhythm). */
  private readonly rhythm: number;
  private readonly endBase: number;
  private readonly endPerDecision: number;
  private readonly endAfterDecline: number;
  private readonly followCapacity: number;

  // --- machinery ---
  private readonly queue: TickQueue;
  private readonly streamQueue: TickQueue;
  private readonly rngSchedules: Rng;
  // The streams read only as uniform draws are buffered (uniform-buffer.ts): same numbers, cheaper reads.
  private readonly rngReturns: UniformBuffer;
  private readonly rngChoices: UniformBuffer;
  private readonly rngWatches: UniformBuffer;
  private readonly rngNotify: UniformBuffer;
  private readonly rngSessions: UniformBuffer;
  /** Slots beyond these never debut or arrive (PlatformOptions.withholdNewcomers). */
  private readonly streamerLimit: number;
  private readonly userLimit: number;
  private readonly pendingJoins: Int32Array;
  private readonly baseMatch: Float64Array;
  private readonly chosenSlot: Int32Array;
  /**
   * Scratch of the touch passes: the history entries findEntries leaves for touchEntries, and the
   * users takeBucket sorts for touching.
   */
  private readonly touchAt: Int32Array;
  private readonly slateUtility: Float64Array;
  private readonly slateScratch: Float64Array;
  private readonly outcome = new WatchOutcome();
  /**
   * Exact lookup tables of the hot path's functions of whole numbers (see tables.ts): social proof
   * and crowding by viewer count, familiarity by past viewings (not followed, followed), and the
   * fatigue left after a number of ticks.
   */
  private readonly socialProofByViewers: IntFunctionTable;
  private readonly crowdingByViewers: IntFunctionTable;
  private readonly familiarityByCount: IntFunctionTable;
  private readonly familiarityFollowedByCount: IntFunctionTable;
  private readonly fatigueLeftAfter: IntFunctionTable;
  /** churnCeiling of the satisfaction effect (see churns). */
  private readonly churnCeiling: number;
  /** Sum of the values read by fireEvents' prefetch pass (kept so that the reads are not optimised away). */
  private prefetchSink = 0;
  private readonly clock = new Float64Array(4);
  private userObsReady = false;
  private streamObsReady = false;

  /** Scratch results of evaluate(). */
  private evSlot = -1;
  private evBase = 0;

  constructor(config: SimConfig, seed: number, options: PlatformOptions = {}) {
    if (!Number.isInteger(seed)) throw new RangeError(`Platform: seed must be an integer, got ${seed}`);
    const world = options.world ?? seed;
    if (!Number.isInteger(world)) throw new RangeError(`Platform: world must be an integer, got ${world}`);
    this.config = config;
    this.seed = seed;
    this.world = world;
    // Whole-number sizes as int32 (see UserTable's constructor).
    this.horizon = (config.days * TICKS_PER_DAY) | 0;
    this.slateSize = config.slateSize | 0;
    const C = (this.categories = config.categories | 0);
    const names = Array.from({ length: C }, (_, c) => categoryName(c));
    this.userFeatureSize = userFeatureSize(C);
    this.streamFeatureSize = streamFeatureSize(C);
    this.userFeatureNames = userFeatureNames(names);
    this.streamFeatureNames = streamFeatureNames(names);

    const rngStreamers = Rng.derive(world, STREAM.streamers);
    const rngUsers = Rng.derive(world, STREAM.users);
    this.rngSchedules = Rng.derive(seed, STREAM.schedules);
    this.rngReturns = new UniformBuffer(Rng.derive(seed, STREAM.returns));
    this.rngChoices = new UniformBuffer(Rng.derive(seed, STREAM.choices));
    this.rngWatches = new UniformBuffer(Rng.derive(seed, STREAM.watches));
    this.rngNotify = new UniformBuffer(Rng.derive(seed, STREAM.notifications));
    this.rngSessions = new UniformBuffer(Rng.derive(seed, STREAM.sessions));
    this.noiseSalt = rngUsers.nextU32() | 0;

    this.streamers = new StreamerTable(config, rngStreamers, this.rngSchedules, this.horizon);
    this.users = new UserTable(config, rngUsers, this.horizon, categoryShares(C, config.streamer.categorySkew));
    this.streamerLimit = options.withholdNewcomers ? this.streamers.initialCount : this.streamers.capacity;
    this.userLimit = options.withholdNewcomers ? this.users.initialCount : this.users.capacity;
    const S = (this.catalogueSize = this.streamers.capacity);
    const U = (this.userCapacity = this.users.capacity);
    const K = this.slateSize;

    const ch = config.choice;
    this.wInterest = ch.interest;
    this.wLatent = ch.latent / Math.sqrt(config.latentDims);
    this.wIdio = ch.idiosyncratic;
    this.wQuality = ch.quality;
    this.noThanks = ch.noThanks;
    this.fatigueFx = fatigueEffect(config);
    this.satisfactionFx = satisfactionEffect(config);
    this.driftFx = driftEffect(config);
    this.socialFx = socialProofEffect(config);
    this.crowdFx = crowdingEffect(config);
    this.repeatFx = repeatEffect(config);
    this.pressureFx = pressureEffect(config);
    this.watch = watchModel(config);
    this.minReturnTicks = config.user.minReturnMinutes / TICK_MINUTES;
    this.rhythm = config.user.dailyRhythm;
    this.endBase = config.session.endBase;
    this.endPerDecision = config.session.endPerDecision;
    this.endAfterDecline = config.session.endAfterDecline;
    this.followCapacity = config.user.followCapacity | 0;
    const socialFx = this.socialFx, crowdFx = this.crowdFx, repeatFx = this.repeatFx, decay = this.fatigueFx.decayPerTick;
    // Viewer counts (joins of this tick included) never exceed the users; a user makes at most one
    // decision a tick, so past viewings and ticks between decays never exceed the run's ticks.
    const U1 = this.users.capacity + 1, T1 = this.horizon + 1;
    this.socialProofByViewers = new IntFunctionTable((v) => socialProof(v, socialFx), U1);
    this.crowdingByViewers = new IntFunctionTable((v) => crowdingPenalty(v, crowdFx), U1);
    this.familiarityByCount = new IntFunctionTable((n) => familiarity(false, n, repeatFx), T1);
    this.familiarityFollowedByCount = new IntFunctionTable((n) => familiarity(true, n, repeatFx), T1);
    // The same expression as UserTable.decayFatigue, so the same doubles.
    this.fatigueLeftAfter = new IntFunctionTable((dt) => Math.exp(-dt * decay), T1);
    this.churnCeiling = churnCeiling(this.satisfactionFx);

    this.queue = new TickQueue(this.horizon, U);
    this.streamQueue = new TickQueue(this.horizon, S);
    this.decidingBuf = new Int32Array(U);
    this.firingBuf = new Int32Array(U);
    this.decisionOf = new Int32Array(U).fill(-1);
    this.userObsBuf = new Float32Array(U * this.userFeatureSize);
    this.liveBuf = new Int32Array(S);
    this.liveMask = new Uint8Array(S);
    this.liveRow = new Int32Array(S).fill(-1);
    this.streamObsBuf = new Float32Array(S * this.streamFeatureSize);
    this.actionBuf = new Int32Array(U * K);
    this.views = {
      deciding: new PrefixView(this.decidingBuf), userObs: new PrefixView(this.userObsBuf), live: new PrefixView(this.liveBuf),
      streamObs: new PrefixView(this.streamObsBuf), actions: new PrefixView(this.actionBuf),
    };
    const res = (this.res = {
      users: new Int32Array(U), chosen: new Int32Array(U), reward: new Float64Array(U), minutes: new Float64Array(U),
      events: new Uint8Array(U), sessionEnded: new Uint8Array(U), churned: new Uint8Array(U),
    });
    this.resultViews = {
      users: new PrefixView(res.users), chosen: new PrefixView(res.chosen), reward: new PrefixView(res.reward), minutes: new PrefixView(res.minutes),
      events: new PrefixView(res.events), sessionEnded: new PrefixView(res.sessionEnded), churned: new PrefixView(res.churned),
    };
    this.pendingJoins = new Int32Array(S);
    this.baseMatch = new Float64Array(U);
    this.chosenSlot = new Int32Array(U);
    this.touchAt = new Int32Array(U);
    this.slateUtility = new Float64Array(K);
    this.slateScratch = new Float64Array(K);
    this.metrics = new MetricsRecorder(U, S, config.days);
    this.truth = new PlatformTruth(this);

    this.giveInitialFollows(rngUsers, config.population.initialFollows);
    this.advance();
  }

  // === the batch ================================================================================

  /** Users who need a decision now. */
  get nDeciding(): number {
    return this.nDecidingNow;
  }
  /** The users who need a decision now (a view, valid until step). */
  get deciding(): Int32Array {
    return this.views.deciding.of(this.nDecidingNow);
  }
  /** Their features, nDeciding x userFeatureSize, row i for deciding[i] (built on first use in a tick). */
  get userObservations(): Float32Array {
    if (!this.userObsReady) this.buildUserObservations();
    return this.views.userObs.of(this.nDecidingNow * this.userFeatureSize);
  }
  /** Streams live now. */
  get nLive(): number {
    return this.nLiveNow;
  }
  /** The streamers live now (in no particular order; liveRow[s] is the row of s). */
  get liveStreams(): Int32Array {
    return this.views.live.of(this.nLiveNow);
  }
  /** Their features, nLive x streamFeatureSize, row j for liveStreams[j] (see liveRow; built on first use in a tick). */
  get streamObservations(): Float32Array {
    if (!this.streamObsReady) this.buildStreamObservations();
    return this.views.streamObs.of(this.nLiveNow * this.streamFeatureSize);
  }
  /** A buffer of nDeciding x slateSize actions for this batch (row i: the slate for deciding[i]). */
  actions(): Int32Array {
    return this.views.actions.of(this.nDecidingNow * this.slateSize);
  }
  /** Day of the current tick. */
  get day(): number {
    return dayOf(this.tick);
  }

  /**
   * Writes the pair features (PAIR_FEATURES) of decision i with each of the n streamers given,
   * row by row, into out (n x pairFeatureSize).
   */
  pairFeatures(i: number, streamers: ArrayLike<number>, n: number, out: Float32Array): void {
    const u = this.userOf(i);
    const P = this.pairFeatureSize;
    for (let j = 0; j < n; j++) writePairFeatures(this.users, this.users.findHistory(u, streamers[j]), this.tick, out, j * P);
  }

  /** Width of a candidate row: user features, then stream features, then pair features. */
  get candidateFeatureSize(): number {
    return this.userFeatureSize + this.streamFeatureSize + this.pairFeatureSize;
  }

  /**
   * Writes one row per live stream for decision i, in liveStreams order: the user's features, the
   * stream's features and their pair features side by side (nLive x candidateFeatureSize), the
   * input of a learner that scores each candidate.
   */
  candidateFeatures(i: number, out: Float32Array): void {
    const u = this.userOf(i);
    const UF = this.userFeatureSize, SF = this.streamFeatureSize, W = this.candidateFeatureSize;
    const users = this.userObservations, streams = this.streamObservations;
    for (let j = 0; j < this.nLiveNow; j++) {
      const row = j * W;
      out.set(users.subarray(i * UF, i * UF + UF), row);
      out.set(streams.subarray(j * SF, j * SF + SF), row + UF);
      writePairFeatures(this.users, this.users.findHistory(u, this.liveBuf[j]), this.tick, out, row + UF + SF);
    }
  }

  /** The user of decision i of the current batch. */
  userOf(i: number): number {
    if (!(i >= 0 && i < this.nDecidingNow)) throw new RangeError(`decision ${i} is not in the current batch (0..${this.nDecidingNow - 1})`);
    return this.decidingBuf[i];
  }

  /** Starts recording every viewing (user, streamer, tick) into viewingLog. */
  recordViewings(): ViewingLog {
    return (this.viewingLog ??= new ViewingLog());
  }

  // === step =====================================================================================

  /**
   * Applies one slate per deciding user and advances to the next tick with decisions.
   * @param actions nDeciding x slateSize streamer indices; row i is the slate for deciding[i]. The
   *   first entry of a slate must be a live stream; later entries may be -1 (a shorter slate) but
   *   not repeat a stream.
   * @param users optionally the users the rows are for; each must be the user of that row of the
   *   batch (this catches acting for a user who needs no decision).
   * @throws SimActionError for a wrong number of actions, a stream that is not live, a repeated
   *   stream, or a user who needs no decision; the platform is then unchanged.
   */
  step(actions: Int32Array, users?: ArrayLike<number>): StepResult {
    if (this.done) throw new SimActionError(`step: the run is over (it lasts ${this.config.days} days)`);
    this.validate(actions, users);
    const n = this.nDecidingNow, K = this.slateSize, t = this.tick;
    // Each phase is a method with one loop, and each decision's work a method of its own. V8
    // optimises a method with a fixed budget of inlined code, so one loop holding all of it would
    // leave the small helpers it calls, the random draws included, as calls; and a hot loop is
    // compiled on the fly (on-stack replacement) together with the code after it, which in one
    // long method has not run yet at the first, huge batch and made that code deoptimise again
    // and again (so each loop is the last thing its method does).
    if (K === 1) {
      this.findEntries(actions, n);
      this.prefetchSink = this.touchEntries(n);
    }
    this.chooseAll(actions, n, K);
    this.experienceAll(n, t);
    this.commitJoins(n);

    const result = new StepResultView(t, n, this.resultViews);
    this.advance();
    return result;
  }

  /**
   * For slates of one: finds each deciding user's history entry of the recommended stream, into
   * chosenSlot (the history rows are in cache, fireEvents touched them), and notes in touchAt that
   * entry or the one a new streamer will take, for touchEntries.
   */
  private findEntries(actions: Int32Array, n: number): void {
    const U = this.users;
    for (let i = 0; i < n; i++) {
      const u = this.decidingBuf[i];
      const entry = U.findHistory(u, actions[i]);
      this.chosenSlot[i] = entry;
      this.touchAt[i] = entry >= 0 ? entry : U.nextHistoryEntry(u);
    }
  }

  /**
   * Touches the entries findEntries noted: a loop of bare loads whose cache misses overlap, where
   * evaluating and then watching one decision at a time would wait for each (and where the search
   * for each entry would leave room for few misses in flight). Returns what it read (see step).
   */
  private touchEntries(n: number): number {
    return this.users.touchHistoryEntries(this.touchAt, n);
  }

  /** Phase 1: every user chooses from their slate, seeing the viewer counts at the start of the tick. */
  private chooseAll(actions: Int32Array, n: number, K: number): void {
    const res = this.res;
    for (let i = 0; i < n; i++) {
      const u = this.decidingBuf[i];
      res.users[i] = u;
      const chosen = K === 1 ? this.answer(i, u, actions[i]) : this.pick(i, u, actions, K);
      res.chosen[i] = chosen;
      if (chosen >= 0) this.pendingJoins[chosen]++;
    }
  }

  /**
   * Phase 2: each user experiences their choice with everyone who joined it in this tick, then
   * goes on or leaves.
   */
  private experienceAll(n: number, t: number): void {
    const res = this.res, rec = this.users.rec;
    for (let i = 0; i < n; i++) {
      const u = res.users[i];
      const s = res.chosen[i];
      if (s >= 0) {
        this.watchStream(i, u, s, t);
      } else {
        res.reward[i] = 0;
        res.minutes[i] = 0;
        res.events[i] = 0;
        const r = u * USER_RECORD;
        rec[r + SATISFACTION] = updatedSatisfaction(rec[r + SATISFACTION], 0, this.satisfactionFx);
      }
      this.afterDecision(i, u, s, t);
    }
  }

  /** The joins of this tick become viewers, and the batch is over. */
  private commitJoins(n: number): void {
    const S = this.streamers, chosen = this.res.chosen;
    for (let i = 0; i < n; i++) {
      const s = chosen[i];
      if (s >= 0) {
        S.viewers[s]++;
        this.pendingJoins[s] = 0;
      }
      this.decisionOf[this.decidingBuf[i]] = -1;
    }
  }

  /**
   * Decision i: does user u accept the single recommended stream s? Returns s or -1. Reads u's
   * history entry of s from chosenSlot[i] (see step).
   */
  private answer(i: number, u: number, s: number): number {
    this.metrics.exposure[s]++;
    const v = this.evaluateKnowing(u, s, this.chosenSlot[i]) + this.socialProofByViewers.at(this.streamers.viewers[s]);
    if (!accepts(this.rngChoices.float(), v, this.noThanks)) return -1;
    this.baseMatch[i] = this.evBase;
    this.chosenSlot[i] = this.evSlot;
    return s;
  }

  /** Decision i: what user u picks from the slate in row i of actions (K wide). Returns a streamer or -1. */
  private pick(i: number, u: number, actions: Int32Array, K: number): number {
    const S = this.streamers, M = this.metrics;
    let m = 0;
    for (let j = 0; j < K; j++) {
      const s = actions[i * K + j];
      if (s < 0) continue;
      M.exposure[s]++;
      this.slateUtility[m++] = this.evaluate(u, s) + this.socialProofByViewers.at(S.viewers[s]);
    }
    const pick = chooseFromSlate(this.slateUtility, m, this.noThanks, this.rngChoices.float(), this.slateScratch);
    if (pick < 0) return -1;
    // pick counts the slate's streams, skipping its -1 entries
    let chosen = -1;
    for (let j = 0, seen = -1; j < K; j++) {
      if (actions[i * K + j] >= 0 && ++seen === pick) {
        chosen = actions[i * K + j];
        break;
      }
    }
    this.baseMatch[i] = this.evaluate(u, chosen);
    this.chosenSlot[i] = this.evSlot;
    return chosen;
  }

  /**
   * Decision i: user u watches stream s at tick t, crowded by everyone who joined it in this tick.
   * Samples the viewing, records it (history, follows, fatigue, drift, satisfaction, the
   * streamer's counters) and writes its reward, minutes and events into the step's results.
   */
  private watchStream(i: number, u: number, s: number, t: number): void {
    const U = this.users, S = this.streamers, M = this.metrics, out = this.outcome;
    const rec = U.rec, r = u * USER_RECORD;
    const crowd = S.viewers[s] + this.pendingJoins[s];
    const e = this.baseMatch[i] - this.crowdingByViewers.at(crowd);
    const known = this.chosenSlot[i];
    const entry = known >= 0 ? known : U.addHistory(u, s);
    const canFollow = !U.historyFollowed(entry) && U.canFollowMore(u);
    const pressure = S.pressure[s];
    sampleWatch(this.watch, e, rec[r + PATIENCE], (S.liveEnd[s] - t) * TICK_MINUTES, canFollow, giftFactor(pressure, this.pressureFx), this.rngWatches, out);
    const minutes = out.minutes;
    let events = out.events;
    if (U.recordViewing(entry, t) > 0) {
      events |= EVENT_REPEAT;
      M.repeats++;
    } else {
      rec[r + DISTINCT_WATCHED]++;
    }
    if (events & EVENT_FOLLOW) {
      U.follow(u, entry);
      S.followers[s]++;
      M.follows++;
    }
    if (events & EVENT_LIKE) M.likes++;
    if (events & EVENT_COMMENT) M.comments++;
    if (events & EVENT_GIFT) {
      M.gifts++;
      S.gifts[s]++;
    }
    const c = S.category[s];
    U.vec[U.fatigueAt(u) + c] += fatigueAdded(minutes, this.fatigueFx);
    U.vec[U.minutesAt(u) + c] += minutes;
    drift(U.vec, U.interestAt(u), U.tasteAt(u), S.taste, s * S.dims, c, this.categories, S.dims, minutes, this.driftFx);
    rec[r + TOTAL_MINUTES] += minutes;
    rec[r + SESSION_MINUTES] += minutes;
    S.viewings[s]++;
    S.minutesWatched[s] += minutes;
    const score = outcomeScore(minutes, this.watch.meanMinutes) * satisfactionFactor(pressure, this.pressureFx);
    rec[r + SATISFACTION] = updatedSatisfaction(rec[r + SATISFACTION], score, this.satisfactionFx);
    this.viewingLog?.push(u, s, t);
    this.res.reward[i] = out.reward;
    this.res.minutes[i] = minutes;
    this.res.events[i] = events;
  }

  /**
   * Decision i, after the viewing (s >= 0) or the "no thanks" (s = -1): counts it, and decides
   * whether user u's session goes on (the next look is scheduled) or ends, and whether u churns.
   */
  private afterDecision(i: number, u: number, s: number, t: number): void {
    const U = this.users, M = this.metrics, res = this.res;
    const rec = U.rec, r = u * USER_RECORD;
    const isNewUser = U.isNew(u);
    const reward = res.reward[i], minutes = res.minutes[i];
    rec[r + LAST_MINUTES] = minutes;
    rec[r + LAST_DECLINED] = s < 0 ? 1 : 0;
    const decisions = ++rec[r + SESSION_DECISIONS];
    M.decided(isNewUser, s, reward, minutes);

    // Does the session go on after this?
    const satisfaction = rec[r + SATISFACTION];
    const pEnd = this.endBase + this.endPerDecision * (decisions - 1) + (s < 0 ? this.endAfterDecline : 0)
      + dissatisfiedEndChance(satisfaction, this.satisfactionFx);
    const leave = this.rngSessions.float() < pEnd;
    const churn = leave && churns(this.rngSessions.float(), satisfaction, this.satisfactionFx, this.churnCeiling);
    if (churn) {
      rec[r + CHURNED] = 1;
      M.churn(isNewUser);
    }
    res.sessionEnded[i] = leave ? 1 : 0;
    res.churned[i] = churn ? 1 : 0;

    if (s >= 0) {
      rec[r + WATCHING] = s;
      const end = t + Math.max(1, Math.ceil(minutes / TICK_MINUTES - 1e-9));
      this.schedule(u, leave ? EVENT_WATCH_END_LEAVE : EVENT_WATCH_END_CONTINUE, end);
    } else if (leave) {
      this.endSession(u, t);
    } else {
      this.schedule(u, EVENT_BROWSE, t + 1);
    }
  }

  private validate(actions: Int32Array, users?: ArrayLike<number>): void {
    const n = this.nDecidingNow, K = this.slateSize, t = this.tick;
    if (!(actions instanceof Int32Array)) throw new SimActionError("step: actions must be an Int32Array");
    if (actions.length !== n * K) {
      throw new SimActionError(
        `step: expected ${n * K} actions (${n} deciding users x slate size ${K}) at tick ${t}, got ${actions.length}` +
        (actions.length > n * K ? ": actions for users who need no decision are refused (use platform.actions())" : ""),
      );
    }
    if (users !== undefined) {
      if (users.length !== n) throw new SimActionError(`step: got ${users.length} users for ${n} decisions at tick ${t}`);
      for (let i = 0; i < n; i++) {
        const u = users[i];
        if (!(u >= 0 && u < this.userCapacity) || this.decisionOf[u] < 0) {
          throw new SimActionError(`step: user ${u} (row ${i}) needs no decision at tick ${t}`);
        }
        if (this.decisionOf[u] !== i) throw new SimActionError(`step: row ${i} is for user ${this.decidingBuf[i]}, not user ${u}`);
      }
    }
    const S = this.catalogueSize;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < K; j++) {
        const s = actions[i * K + j];
        if (s === -1 && j > 0) continue;
        if (!(s >= 0 && s < S)) this.refuse(i, j, `streamer ${s} is not in the catalogue (0..${S - 1}${j > 0 ? ", or -1" : ""})`);
        if (this.liveMask[s] === 0) this.refuse(i, j, `streamer ${s} is not live`);
        for (let k = 0; k < j; k++) if (actions[i * K + k] === s) this.refuse(i, j, `streamer ${s} is already in the slate`);
      }
    }
  }

  private refuse(i: number, j: number, why: string): never {
    const slot = this.slateSize > 1 ? ` slot ${j}` : "";
    throw new SimActionError(`step: row ${i} (user ${this.decidingBuf[i]})${slot} at tick ${this.tick}: ${why}`);
  }

  /**
   * The terms of evaluate(u, s) that only this user and this streamer share: their latent tastes'
   * match (wLatent x <taste_u, taste_s>) and the pair's own idiosyncratic appeal (wIdio x noise).
   * Nothing observable about either of them alone predicts these: a recommender learns them only
   * from this user's feedback on this streamer, or on streamers like it (the partial oracles of
   * src/policies/reference/myopic-oracle.ts take them out to show how much they are worth).
   * @internal hidden truth
   */
  pairTerms(u: number, s: number): { latent: number; idiosyncratic: number } {
    return { latent: this.wLatent * this.tasteMatch(u, s), idiosyncratic: this.wIdio * pairNoise(u, s, this.noiseSalt) };
  }

  /**
   * The terms of evaluate(u, s), each on its own (they sum to it): the user's interest in the
   * stream's category, the latent tastes' match and the pair's own appeal (pairTerms), the
   * streamer's quality, the familiarity of past viewings and the category's fatigue (a penalty, so
   * negative). For diagnostics that ask which of them a learner's scores carry
   * (examples/dqn-score-anatomy.ts).
   * @internal hidden truth
   */
  utilityTerms(u: number, s: number): { interest: number; latent: number; idiosyncratic: number; quality: number; familiarity: number; fatigue: number } {
    const c = this.streamers.category[s], entry = this.users.findHistory(u, s);
    return {
      interest: this.interestTerm(u, c),
      latent: this.wLatent * this.tasteMatch(u, s),
      idiosyncratic: this.wIdio * pairNoise(u, s, this.noiseSalt),
      quality: this.wQuality * this.streamers.quality[s],
      familiarity: entry < 0 ? 0 : this.familiarityTerm(entry),
      fatigue: -this.fatigueTerm(u, c),
    };
  }

  /** The user's interest in category c, as it enters evaluate (hidden truth). */
  private interestTerm(u: number, c: number): number {
    return this.wInterest * Math.log(Math.max(this.categories * this.users.vec[this.users.interestAt(u) + c], INTEREST_FLOOR));
  }

  /** The fatigue penalty of category c for the user, as evaluate subtracts it (hidden truth). */
  private fatigueTerm(u: number, c: number): number {
    return fatiguePenalty(this.users.vec[this.users.fatigueAt(u) + c], this.fatigueFx);
  }

  /** The familiarity of history entry `entry` (its viewings, followed or not), as evaluate adds it. */
  private familiarityTerm(entry: number): number {
    const U = this.users;
    return (U.historyFollowed(entry) ? this.familiarityFollowedByCount : this.familiarityByCount).at(U.historyCount(entry));
  }

  /** <taste_u, taste_s>: how user u's and streamer s's latent tastes match (hidden truth). */
  private tasteMatch(u: number, s: number): number {
    const U = this.users, D = this.streamers.dims, vec = U.vec, st = this.streamers.taste;
    let dot = 0;
    for (let d = 0, a = U.tasteAt(u), b = s * D; d < D; d++) dot += vec[a + d] * st[b + d];
    return dot;
  }

  /**
   * The part of user u's utility for stream s that does not depend on viewers: taste, quality and
   * familiarity, minus fatigue. Leaves u's history slot for s in evSlot and the value in evBase.
   * @internal hidden truth
   */
  evaluate(u: number, s: number): number {
    return this.evaluateKnowing(u, s, this.users.findHistory(u, s));
  }

  /** evaluate(u, s), given u's history entry of s (U.findHistory(u, s)). */
  private evaluateKnowing(u: number, s: number, entry: number): number {
    const c = this.streamers.category[s];
    let v = this.interestTerm(u, c) + this.wLatent * this.tasteMatch(u, s)
      + this.wIdio * pairNoise(u, s, this.noiseSalt) + this.wQuality * this.streamers.quality[s] - this.fatigueTerm(u, c);
    if (entry >= 0) v += this.familiarityTerm(entry);
    this.evSlot = entry;
    this.evBase = v;
    return v;
  }

  /** @internal the utility of "no thanks". */
  noThanksUtility(): number {
    return this.noThanks;
  }

  /** @internal social proof of stream s now. */
  socialProofOf(s: number): number {
    return socialProof(this.streamers.viewers[s], this.socialFx);
  }

  /** @internal crowding penalty with `viewers` watching. */
  crowdingAt(viewers: number): number {
    return crowdingPenalty(viewers, this.crowdFx);
  }

  // === time =====================================================================================

  /** Moves to the next tick with at least one decision, or to the end. */
  private advance(): void {
    const U = this.users, S = this.streamers;
    this.nDecidingNow = 0;
    while (this.nDecidingNow === 0) {
      const t = ++this.tick;
      if (t >= this.horizon) {
        this.done = true;
        for (let j = 0; j < this.nLiveNow; j++) {
          this.liveMask[this.liveBuf[j]] = 0;
          this.liveRow[this.liveBuf[j]] = -1;
        }
        this.nLiveNow = 0;
        return;
      }
      while (U.active < this.userLimit && U.get(U.active, ARRIVAL) <= t) this.schedule(U.active++, EVENT_SESSION_START, t);
      while (S.active < this.streamerLimit && S.debutTick[S.active] <= t) this.planStream(S.active++, t - 1);
      this.updateStreams(t);
      this.fireEvents(t);
    }
    this.observe();
  }

  /** Plans streamer s's next stream after tick `after` and puts its start in the calendar. */
  private planStream(s: number, after: number): void {
    const S = this.streamers;
    S.planNext(s, after);
    if (S.nextStart[s] >= 0) this.streamQueue.push(s, S.nextStart[s]);
  }

  /**
   * Starts and ends the streams due at tick t (from the streamers' calendar, so a tick costs only
   * its changes) and keeps the live list: a stream joins at the end, and one that ends is replaced
   * by the last, so the list is in no particular (but reproducible) order.
   */
  private updateStreams(t: number): void {
    const S = this.streamers, q = this.streamQueue;
    for (let s = q.take(t); s >= 0;) {
      const next = q.after(s);
      if (S.live[s]) {
        S.live[s] = 0;
        const row = this.liveRow[s], last = this.liveBuf[--this.nLiveNow];
        this.liveBuf[row] = last;
        this.liveRow[last] = row;
        this.liveRow[s] = -1;
        this.liveMask[s] = 0;
        this.planStream(s, t);
      } else {
        S.live[s] = 1;
        S.liveStart[s] = t;
        S.liveEnd[s] = t + S.nextLength[s];
        S.nextStart[s] = -1;
        this.metrics.everLive[s] = 1;
        this.liveRow[s] = this.nLiveNow;
        this.liveBuf[this.nLiveNow++] = s;
        this.liveMask[s] = 1;
        q.push(s, S.liveEnd[s]);
      }
      s = next;
    }
  }

  /** Fires the users' events of tick t; those who need a decision join the batch. */
  private fireEvents(t: number): void {
    const U = this.users, S = this.streamers;
    const rec = U.rec, firing = this.firingBuf;
    // Handling an event may schedule that user again (at a later tick), never another one, so the
    // buffer is the bucket as it was.
    const n = this.takeBucket(t);
    for (let k = 0; k < n; k++) {
      const u = firing[k];
      const r = u * USER_RECORD;
      const kind = U.pendingEvent[u];
      U.pendingEvent[u] = EVENT_NONE;
      rec[r + EVENT_TICK] = -1;
      if (kind === EVENT_WATCH_END_CONTINUE || kind === EVENT_WATCH_END_LEAVE) {
        S.viewers[rec[r + WATCHING]]--;
        rec[r + WATCHING] = -1;
      }
      if (kind === EVENT_SESSION_START) {
        if (this.nLiveNow === 0) {
          this.schedule(u, EVENT_SESSION_START, t + TICKS_PER_HOUR); // nothing to watch: try again later
        } else {
          rec[r + IN_SESSION] = 1;
          rec[r + SESSION_START] = t;
          rec[r + SESSION_DECISIONS] = 0;
          rec[r + SESSION_MINUTES] = 0;
          rec[r + LAST_MINUTES] = 0;
          rec[r + LAST_DECLINED] = 0;
          rec[r + SESSIONS]++;
          this.metrics.sessionStarted(u, dayOf(t));
          this.join(u, t);
        }
      } else if (kind === EVENT_WATCH_END_LEAVE || this.nLiveNow === 0) {
        this.endSession(u, t);
      } else {
        this.join(u, t);
      }
    }
  }

  /**
   * Takes the users of tick t's bucket into firingBuf and returns how many, touching each user's
   * state on the way (see UserTable.touch): the users come in no useful order and their rows are
   * rarely in cache, and in a short loop of independent reads the processor fetches many at once,
   * where handling the events (and the decisions that follow) would stall on each in turn. A user
   * whose session ends needs fewer lines (UserTable.touchEnding). The users are first sorted by
   * that into touchAt (from the front and from the back), so that each touch loop runs without a
   * branch: a mispredicted branch would discard the reads already in flight behind it. (The sum is
   * kept in a field, and each loop ends its method: see step on why.)
   */
  private takeBucket(t: number): number {
    const q = this.queue, firing = this.firingBuf, order = this.touchAt, kinds = this.users.pendingEvent;
    let n = 0, front = 0, back = order.length;
    for (let u = q.take(t); u >= 0; u = q.after(u)) {
      firing[n++] = u;
      if (kinds[u] === EVENT_WATCH_END_LEAVE) order[--back] = u;
      else order[front++] = u;
    }
    this.prefetchSink += this.users.touchAll(order, 0, front);
    this.prefetchSink += this.metrics.touchUsers(order, 0, front);
    this.prefetchSink += this.users.touchAllEnding(order, back, order.length);
    return n;
  }

  /** User u joins tick t's batch, their fatigue recovered to now (while their state is in cache). */
  private join(u: number, t: number): void {
    this.decisionOf[u] = this.nDecidingNow;
    this.decidingBuf[this.nDecidingNow++] = u;
    this.recoverFatigue(u, t);
  }

  private schedule(u: number, kind: number, t: number): void {
    if (this.queue.push(u, t)) {
      const r = u * USER_RECORD;
      this.users.pendingEvent[u] = kind;
      this.users.rec[r + EVENT_TICK] = t;
    }
  }

  /** Ends u's session at tick t and schedules the next one, unless u has churned. */
  private endSession(u: number, t: number): void {
    const U = this.users;
    const r = u * USER_RECORD;
    U.rec[r + IN_SESSION] = 0;
    U.rec[r + LAST_SESSION_END] = t;
    if (U.rec[r + CHURNED]) return;
    const next = this.nextSessionStart(u, t);
    if (next >= 0) this.schedule(u, EVENT_SESSION_START, next);
  }

  /**
   * When user u, whose session ended at tick t, starts the next one: the earlier of a natural return
   * and a followed streamer going live (if the user answers its notification).
   *
   * Natural returns follow a Poisson process of rate sessionRate x returnRateFactor(satisfaction),
   * modulated over the day by 1 + rhythm cos(2 pi (hour - preferred hour) / 24) and sampled by
   * thinning (Lewis and Shedler), starting minReturnMinutes after the end of the session.
   */
  private nextSessionStart(u: number, t: number): number {
    const U = this.users, S = this.streamers;
    const amp = this.rhythm;
    const r = u * USER_RECORD;
    const ratePerTick = (U.rec[r + SESSION_RATE] / TICKS_PER_DAY) * returnRateFactor(U.rec[r + SATISFACTION], this.satisfactionFx);
    const maxRate = ratePerTick * (1 + amp);
    const meanGap = 1 / maxRate;
    const pref = U.rec[r + PREFERRED_HOUR];
    const rng = this.rngReturns;
    // The angle of the rhythm on the cosine table: TABLE_STEPS a day, the preferred hour at 0.
    const prefSteps = pref * (TABLE_STEPS / 24);
    let best = -1;
    for (let x = t + this.minReturnTicks; ;) {
      x += rng.exponential(meanGap);
      if (x >= this.horizon) break;
      // Accept when draw < 1 + amp cos(theta), mostly settled from a table (cosine-table.ts).
      const draw = rng.float() * (1 + amp);
      const side = settleOnePlusCosine(draw, amp, x * (TABLE_STEPS / TICKS_PER_DAY) - prefSteps);
      if (side === 1 || (side < 0 && draw < 1 + amp * Math.cos(rhythmAngle(x, pref)))) {
        best = Math.ceil(x);
        break;
      }
    }
    const p = notifyResponse(this.repeatFx);
    if (p > 0) {
      const F = U.followCapacity;
      for (let j = u * F, end = u * F + (U.rec[r + FOLLOW_COUNT] | 0); j < end; j++) {
        const start = S.nextStart[U.followList[j]];
        if (start > t && (best < 0 || start < best) && this.rngNotify.float() < p) best = start;
      }
    }
    return best < this.horizon ? best : -1;
  }

  /**
   * Readies the batch (whose users' fatigue has recovered to now as they joined it): the
   * observations are marked stale. They are written on first use (a policy that reads none of them
   * costs none of them).
   */
  private observe(): void {
    this.userObsReady = false;
    this.streamObsReady = false;
  }

  /** User u's fatigue recovers to tick t. */
  private recoverFatigue(u: number, t: number): void {
    // exp(-dt x decay) from a table: the ticks since the last decay are a whole number.
    const dt = t - this.users.rec[u * USER_RECORD + FATIGUE_TICK];
    if (dt > 0) this.users.scaleFatigue(u, t, this.fatigueLeftAfter.at(dt));
  }

  private buildUserObservations(): void {
    const t = this.tick, U = this.users, UF = this.userFeatureSize;
    clockFeatures(t, this.clock);
    for (let i = 0; i < this.nDecidingNow; i++) writeUserFeatures(U, this.decidingBuf[i], t, this.clock, this.userObsBuf, i * UF);
    this.userObsReady = true;
  }

  private buildStreamObservations(): void {
    const t = this.tick, SF = this.streamFeatureSize;
    for (let j = 0; j < this.nLiveNow; j++) writeStreamFeatures(this.streamers, this.categories, this.liveBuf[j], t, this.streamObsBuf, j * SF);
    this.streamObsReady = true;
  }

  /**
   * Users present before day 0 bring a few follows: a Poisson number, chosen among a few random
   * streamers as the ones they like best (hidden taste). Their first viewings still count as new.
   */
  private giveInitialFollows(rng: Rng, mean: number): void {
    const U = this.users, S = this.streamers;
    const cap = this.config.user.followCapacity;
    if (mean <= 0 || cap === 0) return;
    const pool = S.initialCount;
    const candidates: number[] = [];
    for (let u = 0; u < U.initialCount; u++) {
      const k = Math.min(cap, poisson(mean, rng), pool);
      if (k === 0) continue;
      candidates.length = 0;
      for (let j = 0; j < 4 * k; j++) candidates.push(rng.int(pool));
      const scored = [...new Set(candidates)].map((s) => ({ s, v: this.evaluate(u, s) }));
      scored.sort((a, b) => b.v - a.v || a.s - b.s);
      for (let j = 0; j < Math.min(k, scored.length); j++) {
        U.follow(u, U.addHistory(u, scored[j].s));
        S.followers[scored[j].s]++;
      }
    }
  }

  // === results ==================================================================================

  /** The metrics of the run so far (complete once done). */
  summary(): SimSummary {
    const U = this.users;
    const end = Math.min(Math.max(this.tick, 0), this.horizon);
    const userDays: [number, number] = [0, 0];
    const counts: [number, number] = [0, 0];
    for (let u = 0; u < U.active; u++) {
      const g = U.isNew(u) ? 1 : 0;
      counts[g]++;
      userDays[g] += Math.max(0, end - U.get(u, ARRIVAL)) / TICKS_PER_DAY;
    }
    return this.metrics.summarize(userDays, counts, this.streamers.initialCount, end);
  }

  /** Bytes held by the platform's typed arrays (state, observations, results, metrics). */
  byteSize(): number {
    let b = this.users.byteSize() + this.streamers.byteSize() + this.queue.byteSize() + this.streamQueue.byteSize() + this.metrics.byteSize();
    for (const a of [this.decidingBuf, this.firingBuf, this.decisionOf, this.userObsBuf, this.liveBuf, this.liveMask, this.liveRow, this.streamObsBuf, this.actionBuf,
      this.pendingJoins, this.baseMatch, this.chosenSlot, this.touchAt, ...Object.values(this.res)]) b += a.byteLength;
    for (const t of [this.socialProofByViewers, this.crowdingByViewers, this.familiarityByCount, this.familiarityFollowedByCount, this.fatigueLeftAfter,
      this.rngReturns, this.rngChoices, this.rngWatches, this.rngNotify, this.rngSessions]) b += t.byteSize();
    return b;
  }
}

/** The angle of the daily rhythm at tick x for a user who prefers hour `pref`: 2 pi (hour - pref) / 24. */
function rhythmAngle(x: number, pref: number): number {
  const hour = tickOfDay(x) / TICKS_PER_HOUR;
  return (2 * Math.PI * (hour - pref)) / 24;
}
