/**
 * The platform as liveq sees it: users, streamers, streams and the live set, all derived from the
 * accepted events, in log order. `apply` is the one place an event changes this state, both live
 * (right after the event is durable, before the reply) and when the log is replayed at start, so
 * both paths give the same state.
 *
 * The clock: event times drive the state (a replay is exact), and `now()` follows the platform's
 * time (the latest event time, advanced by the wall clock since it arrived). In production that is
 * the wall clock; in a simulation it is the simulated time.
 */
import type { ServeEvent } from "../event-schema.js";
import { CATEGORY_BUCKETS, Catalogue } from "./catalogue.js";
import { UserTable } from "./user-table.js";

export type WallClock = () => number;

export class PlatformState {
  readonly users = new UserTable();
  readonly catalogue: Catalogue;
  /** Events applied so far. */
  applied = 0;
  /** Sequence number of the last applied event. */
  lastSeq = 0;
  private latestTs = -Infinity;
  private wallAtLatest = 0;

  constructor(slots: number, readonly wall: WallClock = Date.now) {
    this.catalogue = new Catalogue(slots);
  }

  /** The platform's current time in milliseconds. */
  now(): number {
    if (this.latestTs === -Infinity) return this.wall();
    return this.latestTs + Math.max(0, this.wall() - this.wallAtLatest);
  }

  /** Applies one accepted event (its `ts` set) with its log sequence number. */
  apply(e: ServeEvent, seq: number): void {
    const ts = e.ts;
    if (ts > this.latestTs) {
      this.latestTs = ts;
      this.wallAtLatest = this.wall();
    }
    this.applied++;
    this.lastSeq = seq;
    const users = this.users, cat = this.catalogue;
    switch (e.type) {
      case "stream_start":
        cat.startStream(e.stream, e.streamer, ts, e.category);
        return;
      case "stream_end":
        cat.endStream(e.stream, ts);
        return;
      case "streamer_upsert":
        cat.streamer(e.streamer, e.category);
        return;
      case "user_upsert":
        users.touch(users.ensure(e.user, ts), ts);
        return;
      case "leave": {
        const u = users.ensure(e.user, ts);
        users.touch(u, ts);
        this.stopWatching(u);
        users.sessionDecisions[u] = 0;
        users.sessionMinutes[u] = 0;
        return;
      }
      case "impression": {
        const u = users.ensure(e.user, ts);
        users.touch(u, ts);
        users.decisions[u]++;
        users.sessionDecisions[u]++;
        users.lastDeclined[u] = 1;
        return;
      }
      default:
        break;
    }
    // feedback on a stream: click, watch, like, comment, gift, follow
    const u = users.ensure(e.user, ts);
    users.touch(u, ts);
    const st = cat.findStream(e.stream);
    switch (e.type) {
      case "click":
        users.clicks[u]++;
        users.lastDeclined[u] = 0;
        this.startWatching(u, st);
        return;
      case "watch": {
        const m = e.minutes;
        users.watchMinutes[u] += m;
        users.sessionMinutes[u] += m;
        users.lastMinutes[u] = m;
        users.lastDeclined[u] = 0;
        if (st >= 0) {
          const bucket = cat.bucketOfStream(st);
          if (bucket >= 0) users.categoryMinutes[u * CATEGORY_BUCKETS + bucket] += m;
          users.watched(u, cat.streamStreamer[st], m, ts);
        }
        this.startWatching(u, st);
        return;
      }
      case "like":
        users.likes[u]++;
        return;
      case "comment":
        users.comments[u]++;
        return;
      case "gift":
        users.gifts[u] += e.value;
        return;
      case "follow":
        if (st >= 0) {
          const streamer = cat.streamStreamer[st];
          if (users.follow(u, streamer)) cat.streamerFollowers[streamer]++;
        }
        return;
    }
  }

  private startWatching(u: number, st: number): void {
    if (st < 0 || this.users.watching[u] === st) return;
    this.stopWatching(u);
    if (this.catalogue.streamLive[st] !== 1) return;
    this.users.watching[u] = st;
    this.catalogue.addViewers(st, 1);
  }

  private stopWatching(u: number): void {
    const st = this.users.watching[u];
    if (st < 0) return;
    this.catalogue.addViewers(st, -1);
    this.users.watching[u] = -1;
  }
}
