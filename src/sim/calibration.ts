/**
 * Grounding the simulator in real data: the statistics of a viewing log that the simulator must
 * reproduce, computed the same way on a real log and on the log of a simulated run.
 *
 * A viewing is a user starting to watch a streamer. Per user, viewings are ordered by step (ties by
 * their order in the log). The statistics:
 * - repeat_share: share of viewings of a streamer the user had viewed before in the log;
 * - interactions_per_user: viewings per user;
 * - streamers_per_user: distinct streamers per user;
 * - popularity_gini: Gini coefficient of viewings per streamer, over streamers viewed at least once;
 * - gap_median, gap_p90: median and 90th percentile of the steps between a user's consecutive
 *   viewings (linear interpolation between order statistics).
 *
 * Like is compared with like: the simulated log goes through the filters the real one went
 * through (users with at least `minInteractions` viewings, then a random sample of as many users
 * as the real log has), and the simulation lasts as many days as the real log covers.
 */
import { Rng } from "../core/random/rng.js";
import type { SimConfig } from "./config.js";
import { withOverrides } from "./config.js";
import { gini } from "./metrics.js";
import { Platform } from "./platform.js";
import type { SimPolicy } from "./policy.js";
import { runPolicy } from "./policy.js";
import { TICKS_PER_DAY } from "./time.js";

/** The columns of a viewing log that calibration reads (an InteractionLog has them). */
export interface ViewingColumns {
  readonly n: number;
  readonly user: Int32Array;
  readonly streamer: Int32Array;
  readonly start: Int32Array;
}

export const CALIBRATION_STATISTICS = [
  "repeat_share", "interactions_per_user", "streamers_per_user", "popularity_gini", "gap_median", "gap_p90",
] as const;
export type CalibrationStatistic = (typeof CALIBRATION_STATISTICS)[number];
export type LogStatistics = Record<CalibrationStatistic, number>;

/** Quantile q of sorted values, interpolating linearly between order statistics. */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return 0;
  const x = q * (n - 1);
  const lo = Math.floor(x), hi = Math.min(n - 1, lo + 1);
  return sorted[lo] + (x - lo) * (sorted[hi] - sorted[lo]);
}

/** Row indices grouped by user, each user's rows ordered by (start, row). */
function rowsByUser(log: ViewingColumns): { users: number; offset: Int32Array; rows: Int32Array } {
  let users = 0;
  for (let i = 0; i < log.n; i++) if (log.user[i] + 1 > users) users = log.user[i] + 1;
  const offset = new Int32Array(users + 1);
  for (let i = 0; i < log.n; i++) offset[log.user[i] + 1]++;
  for (let u = 0; u < users; u++) offset[u + 1] += offset[u];
  const fill = offset.slice(0, users);
  const rows = new Int32Array(log.n);
  for (let i = 0; i < log.n; i++) rows[fill[log.user[i]]++] = i;
  for (let u = 0; u < users; u++) {
    const part = rows.subarray(offset[u], offset[u + 1]);
    part.sort((a, b) => log.start[a] - log.start[b] || a - b);
  }
  return { users, offset, rows };
}

/** The calibration statistics of a log (users without viewings are not counted). */
export function logStatistics(log: ViewingColumns): LogStatistics {
  const { users, offset, rows } = rowsByUser(log);
  let streamers = 0;
  for (let i = 0; i < log.n; i++) if (log.streamer[i] + 1 > streamers) streamers = log.streamer[i] + 1;
  const lastSeen = new Int32Array(streamers).fill(-1);
  const popularity = new Float64Array(streamers);
  const gaps = new Float64Array(Math.max(0, log.n));
  let nGaps = 0, repeats = 0, distinct = 0, activeUsers = 0;
  for (let u = 0; u < users; u++) {
    if (offset[u + 1] === offset[u]) continue;
    activeUsers++;
    for (let k = offset[u]; k < offset[u + 1]; k++) {
      const i = rows[k], s = log.streamer[i];
      popularity[s]++;
      if (lastSeen[s] === u) repeats++;
      else {
        lastSeen[s] = u;
        distinct++;
      }
      if (k > offset[u]) gaps[nGaps++] = log.start[i] - log.start[rows[k - 1]];
    }
  }
  const viewed: number[] = [];
  for (let s = 0; s < streamers; s++) if (popularity[s] > 0) viewed.push(popularity[s]);
  const sortedGaps = gaps.subarray(0, nGaps).sort();
  return {
    repeat_share: log.n > 0 ? repeats / log.n : 0,
    interactions_per_user: activeUsers > 0 ? log.n / activeUsers : 0,
    streamers_per_user: activeUsers > 0 ? distinct / activeUsers : 0,
    popularity_gini: gini(viewed),
    gap_median: quantile(sortedGaps, 0.5),
    gap_p90: quantile(sortedGaps, 0.9),
  };
}

/**
 * The log restricted to users with at least `minInteractions` viewings and then, if `sampleUsers`
 * is given and smaller, to a uniform random sample of that many of them (seeded). Users are
 * renumbered densely; streamers keep their indices.
 */
export function filterLog(log: ViewingColumns, minInteractions: number, sampleUsers: number | null, rng: Rng): ViewingColumns {
  let users = 0;
  for (let i = 0; i < log.n; i++) if (log.user[i] + 1 > users) users = log.user[i] + 1;
  const count = new Int32Array(users);
  for (let i = 0; i < log.n; i++) count[log.user[i]]++;
  let kept: number[] = [];
  for (let u = 0; u < users; u++) if (count[u] >= minInteractions) kept.push(u);
  if (sampleUsers !== null && sampleUsers < kept.length) kept = rng.shuffle(kept).slice(0, sampleUsers).sort((a, b) => a - b);
  const newId = new Int32Array(users).fill(-1);
  kept.forEach((u, k) => (newId[u] = k));
  let n = 0;
  for (let i = 0; i < log.n; i++) if (newId[log.user[i]] >= 0) n++;
  const out = { n, user: new Int32Array(n), streamer: new Int32Array(n), start: new Int32Array(n) };
  for (let i = 0, k = 0; i < log.n; i++) {
    const u = newId[log.user[i]];
    if (u < 0) continue;
    out.user[k] = u;
    out.streamer[k] = log.streamer[i];
    out.start[k] = log.start[i];
    k++;
  }
  return out;
}

export interface CalibrationOptions {
  /** The simulator config (its days are replaced by the days the real log covers). */
  readonly config: SimConfig;
  readonly seed: number;
  /** The policy the simulated users meet (see the CLI's default). */
  readonly policy: SimPolicy;
  /** Keep users with at least this many viewings, as the real log did (default 10). */
  readonly minInteractions?: number;
  readonly onProgress?: (done: number) => void;
}

export interface CalibrationRow {
  real: number;
  sim: number;
  /** |sim - real| / |real|. */
  rel_err: number;
}

export interface CalibrationResult {
  metrics: Record<CalibrationStatistic, CalibrationRow>;
  real: { users: number; viewings: number; days: number };
  sim: { users_simulated: number; users_kept: number; viewings_kept: number; days: number; policy: string; seed: number };
}

/** Simulates as many days as the real log covers and compares the two logs' statistics. */
export function calibrate(real: ViewingColumns, options: CalibrationOptions): CalibrationResult {
  const minInteractions = options.minInteractions ?? 10;
  const realFiltered = filterLog(real, minInteractions, null, new Rng(0));
  let lastStep = 0;
  for (let i = 0; i < realFiltered.n; i++) if (realFiltered.start[i] > lastStep) lastStep = realFiltered.start[i];
  const days = Math.max(1, Math.ceil((lastStep + 1) / TICKS_PER_DAY));
  let realUsers = 0;
  for (let i = 0; i < realFiltered.n; i++) if (realFiltered.user[i] + 1 > realUsers) realUsers = realFiltered.user[i] + 1;

  const config = withOverrides(options.config, { days });
  const platform = new Platform(config, options.seed);
  const viewings = platform.recordViewings();
  runPolicy(platform, options.policy, { onProgress: options.onProgress ? (f) => options.onProgress!(f) : undefined });
  const simLog: ViewingColumns = {
    n: viewings.n, user: viewings.user.subarray(0, viewings.n), streamer: viewings.streamer.subarray(0, viewings.n), start: viewings.tick.subarray(0, viewings.n),
  };
  const simFiltered = filterLog(simLog, minInteractions, realUsers, Rng.derive(options.seed, 0xca1));
  let simUsers = 0;
  for (let i = 0; i < simFiltered.n; i++) if (simFiltered.user[i] + 1 > simUsers) simUsers = simFiltered.user[i] + 1;

  const r = logStatistics(realFiltered);
  const s = logStatistics(simFiltered);
  const metrics = {} as Record<CalibrationStatistic, CalibrationRow>;
  for (const name of CALIBRATION_STATISTICS) {
    metrics[name] = { real: r[name], sim: s[name], rel_err: r[name] !== 0 ? Math.abs(s[name] - r[name]) / Math.abs(r[name]) : Math.abs(s[name]) };
  }
  return {
    metrics,
    real: { users: realUsers, viewings: realFiltered.n, days },
    sim: { users_simulated: platform.users.active, users_kept: simUsers, viewings_kept: simFiltered.n, days, policy: options.policy.name, seed: options.seed },
  };
}
