/**
 * What liveq knows of each user, one typed-array column per fact (see columns.ts): activity
 * counters, the current session, what they are watching, minutes per category, the last few
 * streamers watched, and who they follow. Only observable facts, all fed by events.
 */
import { ensureLength } from "./columns.js";
import { CATEGORY_BUCKETS } from "./catalogue.js";

/** Streamers remembered per user (most recent first). */
export const RECENT_STREAMERS = 8;

/** Users remembered as recently active (for the dashboard's picker). */
const RECENT_USERS = 256;

export class UserTable {
  readonly ids: string[] = [];
  private readonly index = new Map<string, number>();

  firstSeen = new Float64Array(1024);
  lastSeen = new Float64Array(1024);
  decisions = new Int32Array(1024);
  clicks = new Int32Array(1024);
  likes = new Int32Array(1024);
  comments = new Int32Array(1024);
  follows = new Int32Array(1024);
  gifts = new Float64Array(1024);
  watchMinutes = new Float64Array(1024);
  lastMinutes = new Float64Array(1024);
  lastDeclined = new Uint8Array(1024);
  sessionDecisions = new Int32Array(1024);
  sessionMinutes = new Float64Array(1024);
  /** The stream being watched, or -1. */
  watching = new Int32Array(1024).fill(-1);
  /** Minutes watched per category bucket, users x CATEGORY_BUCKETS. */
  categoryMinutes = new Float32Array(1024 * CATEGORY_BUCKETS);
  /** Last streamers watched, users x RECENT_STREAMERS, most recent first (-1 = empty). */
  recentStreamer = new Int32Array(1024 * RECENT_STREAMERS).fill(-1);
  recentMinutes = new Float32Array(1024 * RECENT_STREAMERS);
  recentAt = new Float64Array(1024 * RECENT_STREAMERS);
  /** Streamers each user follows (undefined = none). */
  readonly followed: (Set<number> | undefined)[] = [];

  private readonly recentUsers = new Int32Array(RECENT_USERS).fill(-1);
  private recentUsersHead = 0;

  get count(): number {
    return this.ids.length;
  }

  find(id: string): number {
    return this.index.get(id) ?? -1;
  }

  /** Index of a user, registering them (first seen at ts) when new. */
  ensure(id: string, ts: number): number {
    const known = this.index.get(id);
    if (known !== undefined) return known;
    const u = this.ids.length;
    this.ids.push(id);
    this.index.set(id, u);
    this.followed.push(undefined);
    const n = u + 1;
    this.firstSeen = ensureLength(this.firstSeen, n);
    this.lastSeen = ensureLength(this.lastSeen, n);
    this.decisions = ensureLength(this.decisions, n);
    this.clicks = ensureLength(this.clicks, n);
    this.likes = ensureLength(this.likes, n);
    this.comments = ensureLength(this.comments, n);
    this.follows = ensureLength(this.follows, n);
    this.gifts = ensureLength(this.gifts, n);
    this.watchMinutes = ensureLength(this.watchMinutes, n);
    this.lastMinutes = ensureLength(this.lastMinutes, n);
    this.lastDeclined = ensureLength(this.lastDeclined, n);
    this.sessionDecisions = ensureLength(this.sessionDecisions, n);
    this.sessionMinutes = ensureLength(this.sessionMinutes, n);
    this.watching = ensureLength(this.watching, n, -1);
    this.categoryMinutes = ensureLength(this.categoryMinutes, n * CATEGORY_BUCKETS);
    this.recentStreamer = ensureLength(this.recentStreamer, n * RECENT_STREAMERS, -1);
    this.recentMinutes = ensureLength(this.recentMinutes, n * RECENT_STREAMERS);
    this.recentAt = ensureLength(this.recentAt, n * RECENT_STREAMERS);
    this.firstSeen[u] = ts;
    this.lastSeen[u] = ts;
    return u;
  }

  /** Marks activity at ts (keeps the latest time, and the user among the recently active). */
  touch(u: number, ts: number): void {
    if (ts > this.lastSeen[u]) this.lastSeen[u] = ts;
    const ring = this.recentUsers;
    const last = ring[(this.recentUsersHead + RECENT_USERS - 1) % RECENT_USERS];
    if (last !== u) {
      ring[this.recentUsersHead] = u;
      this.recentUsersHead = (this.recentUsersHead + 1) % RECENT_USERS;
    }
  }

  /** Records `minutes` watched of `streamer` at ts in the user's recent-streamers list. */
  watched(u: number, streamer: number, minutes: number, ts: number): void {
    const R = RECENT_STREAMERS, base = u * R;
    const ids = this.recentStreamer, mins = this.recentMinutes, at = this.recentAt;
    let i = 0;
    while (i < R - 1 && ids[base + i] !== streamer && ids[base + i] !== -1) i++;
    // i is the streamer's position, the first empty entry, or the last (evicted) one
    const kept = ids[base + i] === streamer ? mins[base + i] : 0;
    for (let j = i; j > 0; j--) {
      ids[base + j] = ids[base + j - 1];
      mins[base + j] = mins[base + j - 1];
      at[base + j] = at[base + j - 1];
    }
    ids[base] = streamer;
    mins[base] = kept + minutes;
    at[base] = ts;
  }

  /** Adds a follow; returns false when the user already followed that streamer. */
  follow(u: number, streamer: number): boolean {
    let set = this.followed[u];
    if (set === undefined) set = this.followed[u] = new Set();
    if (set.has(streamer)) return false;
    set.add(streamer);
    this.follows[u] = set.size;
    return true;
  }

  /** Up to `limit` distinct users active most recently, most recent first. */
  recentlyActive(limit: number): number[] {
    const out: number[] = [];
    const seen = new Set<number>();
    for (let k = 1; k <= RECENT_USERS && out.length < limit; k++) {
      const u = this.recentUsers[(this.recentUsersHead - k + RECENT_USERS) % RECENT_USERS];
      if (u >= 0 && !seen.has(u)) {
        seen.add(u);
        out.push(u);
      }
    }
    return out;
  }
}
