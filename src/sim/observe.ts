/**
 * What a recommender may see. Three kinds of feature vectors, all built from observable facts
 * (what users did, what streams show publicly), never from the hidden truth (interests, taste,
 * quality, satisfaction, fatigue):
 *
 * - user features, one row per user who needs a decision (time, session context, history);
 * - stream features, one row per live stream (category, time live, viewers, followers, the mean
 *   watch time and the gifts per viewing the platform has logged for the streamer);
 * - pair features for (user, stream): follows it, watched it, how often, how recently.
 *
 * All values are scaled to roughly [0, 1] (or [-1, 1] for the clock).
 */
import type { StreamerTable } from "./streamers.js";
import {
  ARRIVAL, DISTINCT_WATCHED, FOLLOW_COUNT, LAST_DECLINED, LAST_MINUTES, LAST_SESSION_END, SESSIONS, SESSION_DECISIONS,
  SESSION_MINUTES, TOTAL_MINUTES, USER_RECORD, type UserTable,
} from "./users.js";
import { TICKS_PER_DAY, TICKS_PER_HOUR, hourOf, weekdayOf } from "./time.js";

const USER_BASE_FEATURES = [
  "hour_sin", "hour_cos", "weekday_sin", "weekday_cos",
  "session_decisions", "session_minutes", "last_minutes", "last_declined",
  "follows", "distinct_streamers", "days_on_platform", "days_since_last_session", "first_session",
] as const;
// No "streamer age": learners train on weeks without newcomers (the evaluation meets them as new),
// so an age feature is constant in training and its learned weight, a bias in disguise, swings
// every newcomer's score at evaluation (a trained DQN ranked every newcomer last, far below all
// established streamers). A newcomer shows as what it is: a stream with few followers and viewings.
const STREAM_BASE_FEATURES = ["hours_live", "viewers", "followers", "logged_mean_minutes", "logged_gifts_per_viewing"] as const;
/** Names of the pair features, in order. */
export const PAIR_FEATURES = ["follows", "watched", "past_viewings", "recency"] as const;

/** Names of the user features, in order, for `categories` categories. */
export function userFeatureNames(categoryNames: readonly string[]): string[] {
  return [...USER_BASE_FEATURES, ...categoryNames.map((c) => `share_${c}`)];
}
/** Names of the stream features, in order. */
export function streamFeatureNames(categoryNames: readonly string[]): string[] {
  return [...categoryNames.map((c) => `is_${c}`), ...STREAM_BASE_FEATURES];
}
export function userFeatureSize(categories: number): number {
  return USER_BASE_FEATURES.length + categories;
}
export function streamFeatureSize(categories: number): number {
  return categories + STREAM_BASE_FEATURES.length;
}
export const PAIR_FEATURE_SIZE = PAIR_FEATURES.length;

/** Prior for the logged mean watch time of a streamer with few viewings: 5 viewings of 30 minutes. */
const PRIOR_VIEWINGS = 5;
const PRIOR_MINUTES = 30;
const PRIOR_GIFTS = 0.02;

/** The clock features of tick t (the first four user features), the same for every user. */
export function clockFeatures(t: number, out: Float64Array): void {
  const h = (2 * Math.PI * hourOf(t)) / 24;
  const w = (2 * Math.PI * weekdayOf(t)) / 7;
  out[0] = Math.sin(h);
  out[1] = Math.cos(h);
  out[2] = Math.sin(w);
  out[3] = Math.cos(w);
}

/** Writes user u's features at tick t into out[offset ..], given the tick's clockFeatures. */
export function writeUserFeatures(users: UserTable, u: number, t: number, clock: Float64Array, out: Float32Array, offset: number): void {
  const C = users.categories;
  const rec = users.rec, r = u * USER_RECORD;
  const decisions = rec[r + SESSION_DECISIONS];
  out[offset] = clock[0];
  out[offset + 1] = clock[1];
  out[offset + 2] = clock[2];
  out[offset + 3] = clock[3];
  out[offset + 4] = Math.min(decisions, 20) / 20;
  out[offset + 5] = Math.log1p(rec[r + SESSION_MINUTES]) / 6;
  out[offset + 6] = decisions > 0 ? Math.log1p(rec[r + LAST_MINUTES]) / 5 : 0;
  out[offset + 7] = decisions > 0 ? rec[r + LAST_DECLINED] : 0;
  out[offset + 8] = Math.log1p(rec[r + FOLLOW_COUNT]) / 4;
  out[offset + 9] = Math.log1p(rec[r + DISTINCT_WATCHED]) / 5;
  out[offset + 10] = Math.min((t - rec[r + ARRIVAL]) / TICKS_PER_DAY, 30) / 30;
  const lastEnd = rec[r + LAST_SESSION_END];
  out[offset + 11] = lastEnd < 0 ? 0 : Math.log1p((t - lastEnd) / TICKS_PER_DAY) / 3;
  out[offset + 12] = rec[r + SESSIONS] <= 1 ? 1 : 0;
  const total = rec[r + TOTAL_MINUTES];
  const base = offset + USER_BASE_FEATURES.length;
  const minutes = users.minutesAt(u);
  for (let c = 0; c < C; c++) out[base + c] = total > 0 ? users.vec[minutes + c] / total : 0;
}

/** Writes live stream s's features at tick t into out[offset ..]. */
export function writeStreamFeatures(streamers: StreamerTable, categories: number, s: number, t: number, out: Float32Array, offset: number): void {
  for (let c = 0; c < categories; c++) out[offset + c] = 0;
  out[offset + streamers.category[s]] = 1;
  const o = offset + categories;
  out[o] = Math.min((t - streamers.liveStart[s]) / TICKS_PER_HOUR / 6, 2);
  out[o + 1] = Math.log1p(streamers.viewers[s]) / 6;
  out[o + 2] = Math.log1p(streamers.followers[s]) / 8;
  out[o + 3] = (streamers.minutesWatched[s] + PRIOR_VIEWINGS * PRIOR_MINUTES) / (streamers.viewings[s] + PRIOR_VIEWINGS) / 60;
  out[o + 4] = Math.min(1, (streamers.gifts[s] + PRIOR_VIEWINGS * PRIOR_GIFTS) / (streamers.viewings[s] + PRIOR_VIEWINGS) * 5);
}

/** Writes the pair features of a user and a streamer at tick t, given the user's history entry for it (-1 if none). */
export function writePairFeatures(users: UserTable, entry: number, t: number, out: Float32Array, offset: number): void {
  if (entry < 0) {
    out[offset] = out[offset + 1] = out[offset + 2] = out[offset + 3] = 0;
    return;
  }
  const count = users.historyCount(entry);
  out[offset] = users.historyFollowed(entry) ? 1 : 0;
  out[offset + 1] = count > 0 ? 1 : 0;
  out[offset + 2] = Math.log1p(count) / 4;
  out[offset + 3] = count > 0 ? Math.exp(-(t - users.historyLast(entry)) / (7 * TICKS_PER_DAY)) : 0;
}
