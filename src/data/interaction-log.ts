/**
 * An interaction log: who watched which streamer when, as read from a platform's logs. Stored by
 * column in typed arrays, with users and streamers interned to dense indices, so that a log of
 * a hundred million rows fits in memory and every later pass is a loop over arrays.
 */
import { IdInterner } from "./id-interner.js";

export interface InteractionLog {
  /** Rows kept, in file order. */
  readonly n: number;
  /** Dense user index 0..users-1 (`userIds[user[i]]` is the original id). */
  readonly user: Int32Array;
  /** Dense streamer index 0..streamers-1. */
  readonly streamer: Int32Array;
  /** The step at which the user started watching. */
  readonly start: Int32Array;
  /** The step at which the user stopped watching (exclusive), when the format has it; else null. */
  readonly stop: Int32Array | null;
  /** Original user ids by dense index. */
  readonly userIds: string[];
  /** Original streamer ids by dense index. */
  readonly streamerIds: string[];
  /** Length of a step in minutes (10 for Twitch). */
  readonly stepMinutes: number;
  /**
   * Wall-clock time of the start of step 0 (ms since the Unix epoch) when the steps were converted
   * from timestamps; absent when the file already counted in steps.
   */
  readonly stepOriginMs?: number;
}

/** One interaction, for building small logs by hand (tests, examples). */
export interface InteractionRow {
  readonly user: string | number;
  readonly streamer: string | number;
  readonly start: number;
  readonly stop?: number;
}

/**
 * Builds a log from rows held in memory, in the given order (the order counts: it breaks ties
 * between interactions of one user at the same step). Either every row has a stop step or none.
 */
export function interactionLogFromRows(rows: readonly InteractionRow[], stepMinutes = 10): InteractionLog {
  const users = new IdInterner();
  const streamers = new IdInterner();
  const n = rows.length;
  const user = new Int32Array(n);
  const streamer = new Int32Array(n);
  const start = new Int32Array(n);
  const withStop = n > 0 && rows[0].stop !== undefined;
  const stop = withStop ? new Int32Array(n) : null;
  rows.forEach((row, i) => {
    if ((row.stop !== undefined) !== withStop) {
      throw new Error(`interactionLogFromRows: row ${i} ${withStop ? "lacks" : "has"} a stop step, unlike row 0`);
    }
    if (!Number.isInteger(row.start)) throw new Error(`interactionLogFromRows: row ${i} start ${row.start} is not an integer`);
    user[i] = users.intern(String(row.user));
    streamer[i] = streamers.intern(String(row.streamer));
    start[i] = row.start;
    if (stop) {
      if (!Number.isInteger(row.stop) || row.stop! <= row.start) {
        throw new Error(`interactionLogFromRows: row ${i} stop ${row.stop} must be an integer after start ${row.start}`);
      }
      stop[i] = row.stop!;
    }
  });
  return { n, user, streamer, start, stop, userIds: users.ids, streamerIds: streamers.ids, stepMinutes };
}

/** Number of distinct users of a log. */
export function userCount(log: InteractionLog): number {
  return log.userIds.length;
}

/** Number of distinct streamers of a log. */
export function streamerCount(log: InteractionLog): number {
  return log.streamerIds.length;
}

/**
 * The largest step of a log (LiveRec's T): the largest start, or with stop steps the largest of all
 * starts and stops, as LiveRec's data.py computes it (`max(start.max(), stop.max())`).
 */
export function lastStep(log: InteractionLog): number {
  let t = -Infinity;
  for (let i = 0; i < log.n; i++) {
    if (log.start[i] > t) t = log.start[i];
    if (log.stop && log.stop[i] > t) t = log.stop[i];
  }
  return t;
}
