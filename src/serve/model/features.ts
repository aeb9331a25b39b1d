/**
 * The DQN's state: what liveq knows of a user at a moment, as a fixed vector of FEATURE_COUNT
 * numbers scaled to about [0, 1] (the clock to [-1, 1]). Built only from observable facts (the
 * events), the same way when serving a recommendation and when turning feedback into transitions.
 *
 * A user liveq has never seen encodes as the clock, `new_user` = 1 and the live context: the DQN
 * learns what suits newcomers from the newcomers before them (cold start).
 */
import { CATEGORY_BUCKETS } from "../state/catalogue.js";
import type { PlatformState } from "../state/platform-state.js";
import { RECENT_STREAMERS } from "../state/user-table.js";

const BASE_FEATURES = [
  "hour_sin", "hour_cos", "weekday_sin", "weekday_cos",
  "new_user", "decisions", "watch_hours", "session_decisions", "session_minutes", "last_minutes", "last_declined",
  "follows", "recent_streamers", "days_on_platform", "hours_since_seen",
  "click_rate", "like_rate", "comment_rate", "gift_rate", "follow_rate",
  "watching_now", "followed_live", "recent_live", "live_streams",
] as const;

/** Names of the state features, in order. */
export const FEATURE_NAMES: readonly string[] = [...BASE_FEATURES, ...Array.from({ length: CATEGORY_BUCKETS }, (_, c) => `category_share_${c}`)];
export const FEATURE_COUNT = FEATURE_NAMES.length;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const LOG_1000 = Math.log1p(1000);
const LOG_100 = Math.log1p(100);
const LOG_10000 = Math.log1p(10_000);

function capped(x: number): number {
  return x < 1 ? (x > 0 ? x : 0) : 1;
}

export class FeatureEncoder {
  constructor(private readonly state: PlatformState) {}

  /** Writes the state of user u (-1 = a user never seen) at time t into out[offset ..]. */
  encode(u: number, t: number, out: Float32Array, offset: number): void {
    const users = this.state.users, cat = this.state.catalogue;
    // UTC time of day and weekday, as fractions of a turn (1 January 1970 was a Thursday, day 4)
    const hour = (((t % DAY) + DAY) % DAY) / DAY;
    const weekday = ((((Math.floor(t / DAY) + 4) % 7) + 7) % 7) / 7;
    out[offset] = Math.sin(2 * Math.PI * hour);
    out[offset + 1] = Math.cos(2 * Math.PI * hour);
    out[offset + 2] = Math.sin(2 * Math.PI * weekday);
    out[offset + 3] = Math.cos(2 * Math.PI * weekday);
    out.fill(0, offset + 4, offset + FEATURE_COUNT);
    out[offset + 23] = Math.log1p(cat.nLive) / LOG_10000;
    if (u < 0) {
      out[offset + 4] = 1;
      return;
    }
    const decisions = users.decisions[u], clicks = users.clicks[u];
    out[offset + 4] = clicks === 0 && users.watchMinutes[u] === 0 ? 1 : 0;
    out[offset + 5] = capped(Math.log1p(decisions) / LOG_1000);
    out[offset + 6] = capped(Math.log1p(users.watchMinutes[u] / 60) / LOG_1000);
    out[offset + 7] = capped(users.sessionDecisions[u] / 20);
    out[offset + 8] = capped(users.sessionMinutes[u] / 240);
    out[offset + 9] = capped(users.lastMinutes[u] / 120);
    out[offset + 10] = users.lastDeclined[u];
    out[offset + 11] = capped(Math.log1p(users.follows[u]) / LOG_100);
    const R = RECENT_STREAMERS, base = u * R;
    let recent = 0, recentLive = 0;
    for (let i = 0; i < R; i++) {
      const s = users.recentStreamer[base + i];
      if (s < 0) break;
      recent++;
      if (cat.streamerLive[s] >= 0) recentLive++;
    }
    out[offset + 12] = recent / R;
    out[offset + 13] = capped((t - users.firstSeen[u]) / DAY / 30);
    out[offset + 14] = capped((t - users.lastSeen[u]) / HOUR / 48);
    out[offset + 15] = decisions > 0 ? capped(clicks / decisions) : 0;
    const engaged = Math.max(1, clicks);
    out[offset + 16] = capped(users.likes[u] / engaged);
    out[offset + 17] = capped(users.comments[u] / engaged);
    out[offset + 18] = capped(users.gifts[u] / engaged);
    out[offset + 19] = capped(users.follows[u] / engaged);
    out[offset + 20] = users.watching[u] >= 0 && cat.streamLive[users.watching[u]] === 1 ? 1 : 0;
    const followed = users.followed[u];
    if (followed !== undefined && followed.size > 0) {
      let live = 0;
      for (const s of followed) if (cat.streamerLive[s] >= 0) live++;
      out[offset + 21] = live / followed.size;
    }
    out[offset + 22] = recent > 0 ? recentLive / recent : 0;
    const C = CATEGORY_BUCKETS, cm = users.categoryMinutes;
    let total = 0;
    for (let c = 0; c < C; c++) total += cm[u * C + c];
    if (total > 0) for (let c = 0; c < C; c++) out[offset + 24 + c] = cm[u * C + c] / total;
  }
}
