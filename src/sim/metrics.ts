/**
 * What a run of the simulator measured. The platform records counters as it goes (O(1) a decision,
 * no allocation) and summarize() turns them into the metrics of the issue:
 *
 * - reward_per_user_day, watch_minutes_per_user_day, likes/comments/gifts/follows_per_user_day:
 *   totals over all users divided by user-days, where a user counts every day from arrival to the
 *   end of the run, churned or not (a policy that drives users away is not excused for it);
 * - ctr: share of decisions where the user took a recommended stream (not "no thanks");
 * - sessions_per_user: sessions (with at least one decision) per user present;
 * - return_rate: of the user-days with a session (the last day excluded), the share followed by a
 *   session on the next day;
 * - churned: share of users present who left for good;
 * - repeat_share: share of viewings of a streamer the user had watched before (within the run and
 *   the user's history table);
 * - coverage: share of the streamers live at some point who were recommended at least once;
 * - exposure_gini: Gini coefficient of how often each streamer live at some point was recommended
 *   (0 = everyone equally, 1 = all to one).
 *
 * Groups for cold start: users who arrived during the run against those present at the start, and
 * streamers who debuted during the run against the others.
 */

/** The headline metrics, keyed as the CLI prints them. */
export interface SimMetrics {
  reward_per_user_day: number;
  watch_minutes_per_user_day: number;
  ctr: number;
  sessions_per_user: number;
  return_rate: number;
  churned: number;
  repeat_share: number;
  coverage: number;
  exposure_gini: number;
  likes_per_user_day: number;
  comments_per_user_day: number;
  gifts_per_user_day: number;
  follows_per_user_day: number;
}

export interface UserGroupMetrics {
  users: number;
  user_days: number;
  reward_per_user_day: number;
  watch_minutes_per_user_day: number;
  ctr: number;
  churned: number;
}

export interface StreamerGroupMetrics {
  streamers: number;
  /** Share of all recommendations that went to this group. */
  exposure_share: number;
  /** Share of all viewings. */
  viewing_share: number;
  /** Share of all reward. */
  reward_share: number;
  /** Mean reward of a viewing of this group. */
  reward_per_viewing: number;
  /** Share of the group's streamers (live at some point) who were recommended at least once. */
  coverage: number;
}

export interface SimSummary {
  metrics: SimMetrics;
  groups: {
    new_users: UserGroupMetrics;
    initial_users: UserGroupMetrics;
    new_streamers: StreamerGroupMetrics;
    initial_streamers: StreamerGroupMetrics;
  };
  counts: {
    users: number;
    user_days: number;
    streamers_live: number;
    decisions: number;
    viewings: number;
    sessions: number;
    churned_users: number;
    ticks: number;
  };
}

/** Gini coefficient of non-negative values (0 for all equal or all zero). Sorts a copy. */
export function gini(values: ArrayLike<number>): number {
  const v = Float64Array.from(values as ArrayLike<number>).sort();
  const n = v.length;
  let total = 0, weighted = 0;
  for (let i = 0; i < n; i++) {
    total += v[i];
    weighted += (2 * (i + 1) - n - 1) * v[i];
  }
  return n === 0 || total === 0 ? 0 : weighted / (n * total);
}

const NEW = 1, INITIAL = 0;

/** Counters the platform fills in as it runs. */
export class MetricsRecorder {
  // by user group (index 0 = present at the start, 1 = arrived during the run)
  readonly decisions = new Float64Array(2);
  readonly clicks = new Float64Array(2);
  readonly reward = new Float64Array(2);
  readonly minutes = new Float64Array(2);
  readonly churnedUsers = new Float64Array(2);
  likes = 0;
  comments = 0;
  gifts = 0;
  follows = 0;
  repeats = 0;
  sessions = 0;
  // by streamer
  readonly exposure: Float64Array;
  readonly streamerViewings: Float64Array;
  readonly streamerReward: Float64Array;
  readonly everLive: Uint8Array;
  // next-day return
  private readonly lastActiveDay: Int32Array;
  private readonly activeUsersOnDay: Int32Array;
  private activeUserDays = 0;
  private returnedNextDay = 0;

  constructor(users: number, streamers: number, days: number) {
    this.exposure = new Float64Array(streamers);
    this.streamerViewings = new Float64Array(streamers);
    this.streamerReward = new Float64Array(streamers);
    this.everLive = new Uint8Array(streamers);
    this.lastActiveDay = new Int32Array(users).fill(-2);
    this.activeUsersOnDay = new Int32Array(days);
  }

  /**
   * Reads what sessionStarted reads of users[from .. to-1] and returns a sum of it, for the caller
   * to keep: a pass of independent reads ahead of the events (see Platform.takeBucket).
   */
  touchUsers(users: Int32Array, from: number, to: number): number {
    let sink = 0;
    for (let i = from; i < to; i++) sink += this.lastActiveDay[users[i]];
    return sink;
  }

  /** A session of user u started on `day`. */
  sessionStarted(u: number, day: number): void {
    this.sessions++;
    const last = this.lastActiveDay[u];
    if (last === day) return;
    if (last === day - 1) this.returnedNextDay++;
    this.lastActiveDay[u] = day;
    this.activeUserDays++;
    this.activeUsersOnDay[day]++;
  }

  /** A decision of a user of group `isNew` ended in a viewing of s (or s = -1: "no thanks"). */
  decided(isNew: boolean, s: number, reward: number, minutes: number): void {
    const g = isNew ? NEW : INITIAL;
    this.decisions[g]++;
    if (s < 0) return;
    this.clicks[g]++;
    this.reward[g] += reward;
    this.minutes[g] += minutes;
    this.streamerViewings[s]++;
    this.streamerReward[s] += reward;
  }

  churn(isNew: boolean): void {
    this.churnedUsers[isNew ? NEW : INITIAL]++;
  }

  /**
   * Summarizes a run.
   * @param userDays user-days of the users present at the start [0] and of those who arrived [1]
   * @param userCounts users present at the start [0] and arrived [1]
   * @param initialStreamers catalogue slots below this are the streamers present at the start
   */
  summarize(userDays: readonly [number, number], userCounts: readonly [number, number], initialStreamers: number, ticks: number): SimSummary {
    const sum = (a: Float64Array): number => a[0] + a[1];
    const users = userCounts[0] + userCounts[1];
    const days = userDays[0] + userDays[1];
    const perDay = (x: number): number => (days > 0 ? x / days : 0);
    const lastDay = this.activeUsersOnDay.length - 1;
    const returnBase = this.activeUserDays - (lastDay >= 0 ? this.activeUsersOnDay[lastDay] : 0);
    const clicks = sum(this.clicks);

    const liveExposure: number[] = [];
    let liveCount = 0, covered = 0;
    for (let s = 0; s < this.everLive.length; s++) {
      if (!this.everLive[s]) continue;
      liveCount++;
      if (this.exposure[s] > 0) covered++;
      liveExposure.push(this.exposure[s]);
    }

    const metrics: SimMetrics = {
      reward_per_user_day: perDay(sum(this.reward)),
      watch_minutes_per_user_day: perDay(sum(this.minutes)),
      ctr: ratio(clicks, sum(this.decisions)),
      sessions_per_user: ratio(this.sessions, users),
      return_rate: ratio(this.returnedNextDay, returnBase),
      churned: ratio(sum(this.churnedUsers), users),
      repeat_share: ratio(this.repeats, clicks),
      coverage: ratio(covered, liveCount),
      exposure_gini: gini(liveExposure),
      likes_per_user_day: perDay(this.likes),
      comments_per_user_day: perDay(this.comments),
      gifts_per_user_day: perDay(this.gifts),
      follows_per_user_day: perDay(this.follows),
    };
    const userGroup = (g: number): UserGroupMetrics => ({
      users: userCounts[g],
      user_days: userDays[g],
      reward_per_user_day: ratio(this.reward[g], userDays[g]),
      watch_minutes_per_user_day: ratio(this.minutes[g], userDays[g]),
      ctr: ratio(this.clicks[g], this.decisions[g]),
      churned: ratio(this.churnedUsers[g], userCounts[g]),
    });
    const totals = { exposure: 0, viewings: 0, reward: 0 };
    for (let s = 0; s < this.exposure.length; s++) {
      totals.exposure += this.exposure[s];
      totals.viewings += this.streamerViewings[s];
      totals.reward += this.streamerReward[s];
    }
    const streamerGroup = (from: number, to: number): StreamerGroupMetrics => {
      let exposure = 0, viewings = 0, reward = 0, live = 0, cov = 0;
      for (let s = from; s < to; s++) {
        exposure += this.exposure[s];
        viewings += this.streamerViewings[s];
        reward += this.streamerReward[s];
        if (this.everLive[s]) {
          live++;
          if (this.exposure[s] > 0) cov++;
        }
      }
      return {
        streamers: to - from,
        exposure_share: ratio(exposure, totals.exposure),
        viewing_share: ratio(viewings, totals.viewings),
        reward_share: ratio(reward, totals.reward),
        reward_per_viewing: ratio(reward, viewings),
        coverage: ratio(cov, live),
      };
    };
    const S = this.exposure.length;
    return {
      metrics,
      groups: {
        new_users: userGroup(NEW),
        initial_users: userGroup(INITIAL),
        new_streamers: streamerGroup(initialStreamers, S),
        initial_streamers: streamerGroup(0, initialStreamers),
      },
      counts: {
        users,
        user_days: days,
        streamers_live: liveCount,
        decisions: sum(this.decisions),
        viewings: clicks,
        sessions: this.sessions,
        churned_users: sum(this.churnedUsers),
        ticks,
      },
    };
  }

  byteSize(): number {
    return this.exposure.byteLength + this.streamerViewings.byteLength + this.streamerReward.byteLength + this.everLive.byteLength
      + this.lastActiveDay.byteLength + this.activeUsersOnDay.byteLength;
  }
}

function ratio(a: number, b: number): number {
  return b > 0 ? a / b : 0;
}
