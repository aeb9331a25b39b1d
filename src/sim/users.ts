/**
 * The users of the simulated platform. Users who arrive during the run (cold start) occupy slots
 * reserved at construction, in order of arrival, so the users present at any tick are a prefix of
 * the table.
 *
 * Layout. A decision reads and writes nearly all of one user's state, and the users of a tick
 * come in no useful order, so each user's state is kept together rather than spread over one array
 * per attribute: with one array per attribute, a decision touched some forty cache lines; this way
 * it touches about ten. Concretely:
 * - `rec`: one Float64 record of USER_RECORD slots per user, the scalar fields at the offsets
 *   below (whole numbers are stored exactly);
 * - `vec`: one Float32 row per user holding four vectors: interest by category, taste, fatigue by
 *   category, minutes watched by category (offsets from interestAt, tasteAt, fatigueAt, minutesAt);
 * - the history table: `histStreamer` (historyCapacity streamers per user, scanned for a streamer)
 *   and `hist` (three Int32 per entry: HIST_COUNT, HIST_LAST, HIST_FOLLOW);
 * - `followList`: the followed streamers, followCapacity per user.
 * Memory is linear in users: about a kilobyte each with the defaults.
 *
 * Hidden truth: interests, taste, session rate, preferred hour, patience, satisfaction, fatigue.
 * Observable: what the user did (history, follows, minutes by category, session context).
 *
 * The history remembers historyCapacity streamers per user: how often and when last watched, and
 * whether followed. When full, the longest-known streamer that is not followed is forgotten.
 */
import type { Rng } from "../core/random/rng.js";
import type { SimConfig } from "./config.js";
import { dirichlet, meanOneLogNormal } from "./sampling.js";
import { TICKS_PER_DAY } from "./time.js";

// --- fields of a user's record (offsets into rec) -----------------------------------------------
/** Satisfaction in [0, 1] (hidden). */
export const SATISFACTION = 0;
/** Scales watch durations, mean 1 (hidden). */
export const PATIENCE = 1;
/** Sessions a day the user starts of their own accord (hidden). */
export const SESSION_RATE = 2;
/** Preferred hour of day, [0, 24) (hidden). */
export const PREFERRED_HOUR = 3;
/** Tick of arrival (0 for the users present at the start). */
export const ARRIVAL = 4;
/** Tick to which fatigue has been decayed. */
export const FATIGUE_TICK = 5;
/** Minutes watched in all (observable, as are the fields below). */
export const TOTAL_MINUTES = 6;
export const SESSION_MINUTES = 7;
/** Minutes of the last viewing of the session (0 after a "no thanks"). */
export const LAST_MINUTES = 8;
export const SESSION_START = 9;
/** Decisions made so far in the session. */
export const SESSION_DECISIONS = 10;
/** Tick the previous session ended, -1 if none. */
export const LAST_SESSION_END = 11;
/** Streamer being watched, -1 if none. */
export const WATCHING = 12;
// Slot 13 is free (the kind of the pending event is kept apart: UserTable.pendingEvent).
/** Tick of the pending event, -1 if none. */
export const EVENT_TICK = 14;
export const SESSIONS = 15;
export const FOLLOW_COUNT = 16;
/** Entries used in the history table. */
export const HISTORY_LENGTH = 17;
/** Distinct streamers ever watched (not reduced by forgetting). */
export const DISTINCT_WATCHED = 18;
/** 1 while in a session. */
export const IN_SESSION = 19;
/** 1 once the user has left for good. */
export const CHURNED = 20;
/** 1 if the last decision of the session was a "no thanks". */
export const LAST_DECLINED = 21;
/** Where the history ring replaces next once the table is full. */
export const HISTORY_CURSOR = 22;
/** Slots per record (three cache lines of 64 bytes). */
export const USER_RECORD = 24;

// --- fields of a history entry (offsets into hist, 3 per entry) ---------------------------------
/** Viewings of this streamer. */
export const HIST_COUNT = 0;
/** Tick of the last viewing, -1 if never watched. */
export const HIST_LAST = 1;
/** 1 if followed. */
export const HIST_FOLLOW = 2;
const HIST_ENTRY = 3;

// --- kinds of pending event (one at most per user) ----------------------------------------------
/** No event pending (churned, or beyond the end of the run). */
export const EVENT_NONE = 0;
/** A session starts (first arrival, a natural return, or a followed streamer going live). */
export const EVENT_SESSION_START = 1;
/** The watch ends and the user wants something else to watch. */
export const EVENT_WATCH_END_CONTINUE = 2;
/** The watch ends and so does the session. */
export const EVENT_WATCH_END_LEAVE = 3;
/** After a "no thanks", the user looks again. */
export const EVENT_BROWSE = 4;

export class UserTable {
  readonly capacity: number;
  readonly initialCount: number;
  readonly categories: number;
  readonly dims: number;
  readonly historyCapacity: number;
  readonly followCapacity: number;
  /** Length of a user's row in vec: 3 x categories + dims. */
  readonly vectorStride: number;

  /** Scalar records, capacity x USER_RECORD. */
  readonly rec: Float64Array;
  /** Vector rows, capacity x vectorStride. Interests sum to 1 per user; they and taste drift if drift is on. */
  readonly vec: Float32Array;
  /** History table: streamer of each entry, capacity x historyCapacity (-1 = empty). */
  readonly histStreamer: Int32Array;
  /** History table: HIST_ENTRY fields per entry, parallel to histStreamer. */
  readonly hist: Int32Array;
  /** Followed streamers, capacity x followCapacity (the first FOLLOW_COUNT are set). */
  readonly followList: Int32Array;
  /**
   * Kind of each user's pending event (EVENT_*), apart from the records: a pass over a tick's users
   * can read it without waiting for their records to come into cache (see touch).
   */
  readonly pendingEvent: Uint8Array;

  /** Slots 0 .. active-1 have arrived. */
  active = 0;

  constructor(config: SimConfig, rng: Rng, horizonTicks: number, categoryShares: Float64Array) {
    // Whole-number sizes are kept as int32 (`| 0`): the parsed config holds its numbers as doubles,
    // and index arithmetic on doubles costs a conversion and a check at every array access.
    const n0 = config.users | 0;
    const ratePerTick = (config.population.newUsersPerDay * n0) / TICKS_PER_DAY;
    const arrivals: number[] = [];
    if (ratePerTick > 0) {
      for (let t = rng.exponential(1 / ratePerTick); t < horizonTicks; t += rng.exponential(1 / ratePerTick)) {
        arrivals.push(Math.max(1, Math.floor(t)));
      }
    }
    const cap = (this.capacity = n0 + arrivals.length);
    this.initialCount = n0;
    const C = (this.categories = config.categories | 0);
    const D = (this.dims = config.latentDims | 0);
    const H = (this.historyCapacity = config.user.historyCapacity | 0);
    const F = (this.followCapacity = config.user.followCapacity | 0);
    const V = (this.vectorStride = 3 * C + D);

    this.rec = new Float64Array(cap * USER_RECORD);
    this.vec = new Float32Array(cap * V);
    this.histStreamer = new Int32Array(cap * H).fill(-1);
    this.hist = new Int32Array(cap * H * HIST_ENTRY);
    this.followList = new Int32Array(cap * F).fill(-1);
    this.pendingEvent = new Uint8Array(cap);

    const u = config.user;
    const alpha = new Float64Array(C);
    for (let c = 0; c < C; c++) alpha[c] = u.interestConcentration * C * categoryShares[c];
    const rec = this.rec;
    for (let k = 0; k < cap; k++) {
      const r = k * USER_RECORD;
      dirichlet(alpha, rng, this.vec, this.interestAt(k));
      const tb = this.tasteAt(k);
      for (let d = 0; d < D; d++) this.vec[tb + d] = rng.normal();
      rec[r + SESSION_RATE] = u.sessionsPerDay * Math.exp(u.sessionsPerDaySpread * rng.normal());
      rec[r + PREFERRED_HOUR] = mod(u.preferredHourMean + u.preferredHourSd * rng.normal(), 24);
      rec[r + PATIENCE] = meanOneLogNormal(u.patienceSpread, rng);
      rec[r + ARRIVAL] = k < n0 ? 0 : arrivals[k - n0];
      rec[r + FATIGUE_TICK] = rec[r + ARRIVAL];
      rec[r + SATISFACTION] = config.effects.satisfaction.initial;
      rec[r + LAST_SESSION_END] = -1;
      rec[r + WATCHING] = -1;
      rec[r + EVENT_TICK] = -1;
    }
  }

  /** Offset in vec of user u's interests (categories entries). */
  interestAt(u: number): number {
    return u * this.vectorStride;
  }
  /** Offset in vec of user u's taste vector (dims entries). */
  tasteAt(u: number): number {
    return u * this.vectorStride + this.categories;
  }
  /** Offset in vec of user u's fatigue by category. */
  fatigueAt(u: number): number {
    return u * this.vectorStride + this.categories + this.dims;
  }
  /** Offset in vec of user u's minutes watched by category. */
  minutesAt(u: number): number {
    return u * this.vectorStride + 2 * this.categories + this.dims;
  }

  /** Field `field` (an offset such as SATISFACTION) of user u. */
  get(u: number, field: number): number {
    return this.rec[u * USER_RECORD + field];
  }

  /** Is slot u a user who arrived during the run (cold start)? */
  isNew(u: number): boolean {
    return u >= this.initialCount;
  }

  /** The history entry (absolute index) of streamer s for user u, or -1. */
  findHistory(u: number, s: number): number {
    const base = u * this.historyCapacity;
    const end = base + (this.rec[u * USER_RECORD + HISTORY_LENGTH] | 0); // an int32 bound for the scan
    const hs = this.histStreamer;
    for (let j = base; j < end; j++) if (hs[j] === s) return j;
    return -1;
  }

  /** Viewings of the streamer of history entry j. */
  historyCount(j: number): number {
    return this.hist[j * HIST_ENTRY + HIST_COUNT];
  }
  /** Tick of the last viewing of history entry j (-1 if never watched). */
  historyLast(j: number): number {
    return this.hist[j * HIST_ENTRY + HIST_LAST];
  }
  /** Is the streamer of history entry j followed? */
  historyFollowed(j: number): boolean {
    return this.hist[j * HIST_ENTRY + HIST_FOLLOW] === 1;
  }

  /** Records a viewing of history entry j at tick t; returns the viewings before this one. */
  recordViewing(j: number, t: number): number {
    const h = j * HIST_ENTRY;
    this.hist[h + HIST_LAST] = t;
    return this.hist[h + HIST_COUNT]++;
  }

  /**
   * Adds streamer s (absent from u's history) with count 0 and returns its entry. When the table is
   * full, the entry after the last one replaced (a ring) that is not followed is forgotten: the
   * longest-known streamer the user does not follow. (A ring costs O(1) where a search for the least
   * recently watched would scan the whole table at every new streamer.)
   */
  addHistory(u: number, s: number): number {
    const H = this.historyCapacity;
    const base = u * H;
    const r = u * USER_RECORD;
    let j: number;
    if (this.rec[r + HISTORY_LENGTH] < H) {
      j = base + this.rec[r + HISTORY_LENGTH]++;
    } else {
      let k = this.rec[r + HISTORY_CURSOR];
      while (this.hist[(base + k) * HIST_ENTRY + HIST_FOLLOW] === 1) k = k + 1 === H ? 0 : k + 1;
      j = base + k;
      this.rec[r + HISTORY_CURSOR] = k + 1 === H ? 0 : k + 1;
    }
    this.histStreamer[j] = s;
    const h = j * HIST_ENTRY;
    this.hist[h + HIST_COUNT] = 0;
    this.hist[h + HIST_LAST] = -1;
    this.hist[h + HIST_FOLLOW] = 0;
    return j;
  }

  /** Can user u follow one more streamer? */
  canFollowMore(u: number): boolean {
    return this.rec[u * USER_RECORD + FOLLOW_COUNT] < this.followCapacity;
  }

  /** User u follows the streamer of history entry j (not followed yet; canFollowMore must hold). */
  follow(u: number, j: number): void {
    this.hist[j * HIST_ENTRY + HIST_FOLLOW] = 1;
    this.followList[u * this.followCapacity + this.rec[u * USER_RECORD + FOLLOW_COUNT]++] = this.histStreamer[j];
  }

  /**
   * Reads one value from each cache line of user u's state that handling an event and a decision
   * use (the record, the vector row, the heads of the history and of the follows) and returns their
   * sum, for the caller to keep so that the reads are not optimised away. Called in a tight loop
   * over a batch of users, it lets their cache misses overlap instead of stalling one at a time.
   * (The reads of the record are at most 64 bytes apart, so they meet each of its lines wherever
   * it begins; so are those of the vector row at the default sizes.)
   */
  touch(u: number): number {
    const rec = this.rec, vec = this.vec, r = u * USER_RECORD, v = u * this.vectorStride;
    return rec[r] + rec[r + 8] + rec[r + 16] + rec[r + USER_RECORD - 1]
      + vec[v] + vec[v + (this.vectorStride >> 1)] + vec[v + this.vectorStride - 1]
      + this.histStreamer[u * this.historyCapacity] + (this.followCapacity > 0 ? this.followList[u * this.followCapacity] : 0);
  }

  /**
   * touch for a user whose session ends: only the lines that ending it and planning the next one
   * read (the record up to CHURNED and the head of the follows).
   */
  touchEnding(u: number): number {
    const rec = this.rec, r = u * USER_RECORD;
    return rec[r] + rec[r + 8] + rec[r + 16] + rec[r + CHURNED]
      + (this.followCapacity > 0 ? this.followList[u * this.followCapacity] : 0);
  }

  /** touch for each user in users[from .. to-1]; returns the sum of what it read. */
  touchAll(users: Int32Array, from: number, to: number): number {
    let sink = 0;
    for (let i = from; i < to; i++) sink += this.touch(users[i]);
    return sink;
  }

  /** touchEnding for each user in users[from .. to-1]; returns the sum of what it read. */
  touchAllEnding(users: Int32Array, from: number, to: number): number {
    let sink = 0;
    for (let i = from; i < to; i++) sink += this.touchEnding(users[i]);
    return sink;
  }

  /**
   * The history entry that addHistory(u, ...) would fill next, or, when the table is full, the one
   * it would look at first.
   */
  nextHistoryEntry(u: number): number {
    const r = u * USER_RECORD, H = this.historyCapacity;
    const length = this.rec[r + HISTORY_LENGTH];
    return u * H + (length < H ? length : this.rec[r + HISTORY_CURSOR]);
  }

  /**
   * Reads history entries at[0 .. n-1] and returns a value made of what it read, for the caller to
   * keep (see touch): a loop of nothing but independent loads, so that many of their cache misses
   * are in flight at once.
   */
  touchHistoryEntries(at: Int32Array, n: number): number {
    const hist = this.hist;
    let sink = 0;
    for (let i = 0; i < n; i++) sink ^= hist[at[i] * HIST_ENTRY];
    return sink;
  }

  /** Decays user u's fatigue to tick t (exponential recovery with the given rate per tick). */
  decayFatigue(u: number, t: number, decayPerTick: number): void {
    const dt = t - this.rec[u * USER_RECORD + FATIGUE_TICK];
    if (dt > 0) this.scaleFatigue(u, t, Math.exp(-dt * decayPerTick));
  }

  /** Multiplies user u's fatigue by `left` (what recovery leaves of it by tick t) and marks it decayed to t. */
  scaleFatigue(u: number, t: number, left: number): void {
    const fat = this.vec;
    for (let k = this.fatigueAt(u), end = k + this.categories; k < end; k++) fat[k] *= left;
    this.rec[u * USER_RECORD + FATIGUE_TICK] = t;
  }

  /** Bytes held by the typed arrays. */
  byteSize(): number {
    return this.rec.byteLength + this.vec.byteLength + this.histStreamer.byteLength + this.hist.byteLength + this.followList.byteLength + this.pendingEvent.byteLength;
  }
}

function mod(a: number, n: number): number {
  return ((a % n) + n) % n;
}
