/**
 * What a recommendation's outcome is worth tomorrow, learned from the platform's own logs.
 *
 * The DQN's reward model (the discount at 0) ranks streams by the feedback they earn now. What a
 * user watches today also changes how soon they come back and whether they stay: a "no thanks"
 * or a poor viewing leaves them less keen, a viewing they enjoy brings them back sooner. A
 * bootstrapped Q (the discount above 0) should price that in, but on this platform its targets'
 * noise drowned what the reward model had learned of each pair (README, session 13). This prices
 * it in without bootstrapping: a regression of what each user earns over the next `days` days on
 * the outcome of their decision now (a surrogate of the long-term outcome, in the spirit of the
 * surrogate index of Athey et al. 2019), and the DQN then learns from the reward plus that value:
 *
 *     reward' = max(0, reward + beta . phi(outcome)),
 *
 * phi(outcome) = [accepted, log1p(minutes), minutes / 60, like, comment, gift, follow, the
 * gifts per viewing the platform has logged for the streamer watched]: 0 for a "no thanks", the
 * reference outcome, which keeps its reward of 0. (The floor at 0 keeps the target a reward for the
 * log link of the "poisson" loss.) The streamer's gift record is there because a viewing's own
 * gift is a noisy sign of a streamer who pushes for gifts, which pays now and costs later: on the
 * double platform's validation weeks the regression weighed it at about -9 per gift per viewing,
 * the viewing's own gift at +1, and with it the DQN earned 8.611 against 8.486 without it (README,
 * session 18).
 *
 * The regression is ordinary least squares over all decisions of the runs recorded, with
 * controls for what else moves the next days' reward from one decision to the next: how much of
 * the horizon is left before the run ends and how much of it lies behind the decision, the hour
 * of the day, the decision's place in its session, the previous decision's outcome (a user's mood
 * builds on their recent outcomes), the user's reward in the days before the decision and their
 * reward per day in the runs before (how active or loyal a user is, which drives both what the
 * recommender has learned of them and what they earn later, must not pass for the outcome's
 * effect). Not a fixed effect per user and run: the mean of a user's later rewards over the run
 * holds each decision's own reward in every earlier decision's target, which biased every
 * rewarding outcome's value downwards (in a first version a gift came out at -8.7 after six runs
 * of the demo's platform, where it is worth about 0 with this one).
 *
 * Causal, like the users' past: a training run learns from the value the runs before it measured
 * (the first run from 0); its own decisions join the regression when it ends (record). Only
 * observable facts are read: the decisions' outcomes, rewards and times, never the hidden
 * satisfaction the simulator keeps.
 */
import type { StepResult } from "../sim/platform.js";
import type { StreamerTable } from "../sim/streamers.js";
import { EVENT_COMMENT, EVENT_FOLLOW, EVENT_GIFT, EVENT_LIKE } from "../sim/watch.js";
import { TICKS_PER_DAY, hourOf } from "../sim/time.js";
import { choleskyFactor, choleskySolve } from "../core/linalg/cholesky.js";
import { grownTo } from "../core/typed-arrays.js";
import { requireArray, requireWholeNumbers, CheckpointError, type CheckpointBundle, type StoredArray } from "../core/checkpoint/bundle.js";

/** What an outcome's features read of the streamers: their public record of viewings and gifts. */
export type StreamerRecord = Pick<StreamerTable, "gifts" | "viewings">;

/** Names of the outcome's features, in order (all 0 for a "no thanks"). */
export const OUTCOME_FEATURES = ["accepted", "log_minutes", "hours", "like", "comment", "gift", "follow", "streamer_gifts_per_viewing"] as const;
/** Names of the controls of the regression, in order. */
export const OUTCOME_CONTROLS = [
  "intercept", "horizon_left", "horizon_before", "hour_sin", "hour_cos", "session_position", "previous_accepted", "previous_log_minutes",
  "reward_before", "reward_per_day_past_runs",
] as const;

const K = OUTCOME_FEATURES.length;
const C = OUTCOME_CONTROLS.length;
const P = K + C;
/** Columns of one logged decision: the outcome's features, then the controls the step gives (hour .. previous outcome). */
const ROW = K + 5;

/**
 * Writes decision i's outcome features (OUTCOME_FEATURES) into out[o ..]; `streamers` gives the
 * public record of the streamer watched (the gifts per viewing the platform has logged for them,
 * with a prior of 5 viewings of 0.02 gifts).
 */
export function outcomeFeatures(result: StepResult, i: number, streamers: StreamerRecord, out: Float64Array, o = 0): void {
  const s = result.chosen[i];
  if (s < 0) {
    out.fill(0, o, o + K);
    return;
  }
  const m = result.minutes[i], e = result.events[i];
  out[o] = 1;
  out[o + 1] = Math.log1p(m);
  out[o + 2] = m / 60;
  out[o + 3] = e & EVENT_LIKE ? 1 : 0;
  out[o + 4] = e & EVENT_COMMENT ? 1 : 0;
  out[o + 5] = e & EVENT_GIFT ? 1 : 0;
  out[o + 6] = e & EVENT_FOLLOW ? 1 : 0;
  out[o + 7] = (streamers.gifts[s] + 0.1) / (streamers.viewings[s] + 5);
}

export class OutcomeValue {
  /** The horizon of the regression's target, in days. */
  readonly days: number;
  /** The value of each outcome feature for the next `days` days (0 until a run is recorded). */
  readonly beta = new Float64Array(K);
  /** The regression's normal equations (rows of the outcome's features, then the controls), summed over the runs recorded. */
  readonly xtx = new Float64Array(P * P);
  readonly xty = new Float64Array(P);
  /** Runs recorded and the decisions they gave the regression. */
  runs = 0;
  rows = 0;
  /** Each user's reward in the runs recorded, and the days those runs lasted. */
  pastReward = new Float64Array(0);
  pastDays = 0;

  // The current run's log: one row per decision (see ROW), in order of time.
  private log = new Float64Array(ROW * 4096);
  private logUsers = new Int32Array(4096);
  private logTicks = new Int32Array(4096);
  private logRewards = new Float64Array(4096);
  private n = 0;
  // Each user's session position and previous outcome in the current run.
  private position = new Int32Array(0);
  private previousAccepted = new Float64Array(0);
  private previousLogMinutes = new Float64Array(0);
  private readonly phi = new Float64Array(K);

  constructor(days: number) {
    if (!(days > 0) || !Number.isFinite(days)) throw new RangeError(`OutcomeValue: days must be a number > 0, got ${days}`);
    this.days = days;
  }

  /** beta . phi(outcome of decision i): what the outcome adds to the next days' reward. */
  value(result: StepResult, i: number, streamers: StreamerRecord): number {
    if (result.chosen[i] < 0) return 0;
    outcomeFeatures(result, i, streamers, this.phi);
    let v = 0;
    for (let k = 0; k < K; k++) v += this.beta[k] * this.phi[k];
    return v;
  }

  /** The reward the DQN learns from for decision i: max(0, reward + value). */
  shaped(result: StepResult, i: number, streamers: StreamerRecord): number {
    return Math.max(0, result.reward[i] + this.value(result, i, streamers));
  }

  /** A training run starts: its log starts empty, every user at the start of a session. */
  startRun(): void {
    this.n = 0;
    this.position.fill(0);
    this.previousAccepted.fill(0);
    this.previousLogMinutes.fill(0);
  }

  /** Logs the decisions of one step of the current run. */
  afterStep(result: StepResult, streamers: StreamerRecord): void {
    const t = result.tick;
    for (let i = 0; i < result.n; i++) {
      const u = result.users[i];
      this.reserveUser(u);
      if (this.n === this.logUsers.length) this.grow();
      const r = this.n * ROW;
      outcomeFeatures(result, i, streamers, this.log, r);
      this.log[r + K] = Math.sin((2 * Math.PI * hourOf(t)) / 24);
      this.log[r + K + 1] = Math.cos((2 * Math.PI * hourOf(t)) / 24);
      this.log[r + K + 2] = Math.min(this.position[u], 20) / 20;
      this.log[r + K + 3] = this.previousAccepted[u];
      this.log[r + K + 4] = this.previousLogMinutes[u];
      this.logUsers[this.n] = u;
      this.logTicks[this.n] = t;
      this.logRewards[this.n] = result.reward[i];
      this.n++;
      this.position[u] = result.sessionEnded[i] ? 0 : this.position[u] + 1;
      this.previousAccepted[u] = this.log[r];
      this.previousLogMinutes[u] = this.log[r + 1];
    }
  }

  /**
   * The run is over (at tick `horizon`): its decisions join the regression and beta is solved
   * again. Each decision's target is the reward its user earned at their later decisions within
   * `days` days (cut by the run's end, which the control horizon_left says).
   */
  record(horizon: number): void {
    const n = this.n, H = this.days * TICKS_PER_DAY;
    // The decisions of each user, in time order (a counting sort by user keeps the order).
    const U = this.position.length;
    const start = new Int32Array(U + 1);
    for (let j = 0; j < n; j++) start[this.logUsers[j] + 1]++;
    for (let u = 0; u < U; u++) start[u + 1] += start[u];
    const order = new Int32Array(n), fill = start.slice(0, U);
    for (let j = 0; j < n; j++) order[fill[this.logUsers[j]]++] = j;
    if (this.pastReward.length < U) this.pastReward = grownTo(this.pastReward, U);
    const x = new Float64Array(P);
    for (let u = 0; u < U; u++) {
      const a = start[u], b = start[u + 1];
      const pastRate = this.pastDays > 0 ? this.pastReward[u] / this.pastDays : 0;
      // The user's reward in the `days` before each decision, (begin, q), and after it, (q, end).
      let begin = a, before = 0, end = a + 1, after = 0;
      for (let q = a; q < b; q++) {
        const j = order[q], t = this.logTicks[j];
        while (t - this.logTicks[order[begin]] > H) before -= this.logRewards[order[begin++]];
        if (end < q + 1) {
          end = q + 1;
          after = 0;
        }
        while (end < b && this.logTicks[order[end]] - t <= H) after += this.logRewards[order[end++]];
        x.set(this.log.subarray(j * ROW, j * ROW + K));
        x[K] = 1;
        x[K + 1] = Math.min(H, horizon - t) / H;
        x[K + 2] = Math.min(H, t) / H;
        x.set(this.log.subarray(j * ROW + K, j * ROW + ROW), K + 3);
        x[K + 8] = before / 10;
        x[K + 9] = pastRate / 10;
        for (let p = 0; p < P; p++) {
          this.xty[p] += x[p] * after;
          for (let r = 0; r < P; r++) this.xtx[p * P + r] += x[p] * x[r];
        }
        this.rows++;
        before += this.logRewards[j];
        if (q + 1 < end) after -= this.logRewards[order[q + 1]];
      }
    }
    for (let j = 0; j < n; j++) this.pastReward[this.logUsers[j]] += this.logRewards[j];
    this.pastDays += horizon / TICKS_PER_DAY;
    this.runs++;
    this.solve();
    this.n = 0;
  }

  /** Solves the normal equations (with a slight ridge, so a feature never seen gets 0) into beta. */
  private solve(): void {
    const a = this.xtx.slice(), b = this.xty.slice();
    let trace = 0;
    for (let p = 0; p < P; p++) trace += a[p * P + p];
    const ridge = 1e-6 * (trace / P) + 1e-9;
    for (let p = 0; p < P; p++) a[p * P + p] += ridge;
    const l = new Float64Array(P * P);
    choleskyFactor(a, P, l, "OutcomeValue: the normal equations are not positive definite");
    choleskySolve(l, P, b);
    for (let k = 0; k < K; k++) this.beta[k] = Number.isFinite(b[k]) ? b[k] : 0;
  }

  private reserveUser(u: number): void {
    if (u < this.position.length) return;
    const size = Math.max(u + 1, this.position.length * 2, 1024);
    this.position = grownTo(this.position, size);
    this.previousAccepted = grownTo(this.previousAccepted, size);
    this.previousLogMinutes = grownTo(this.previousLogMinutes, size);
  }

  private grow(): void {
    const size = this.logUsers.length * 2;
    this.log = grownTo(this.log, size * ROW);
    this.logUsers = grownTo(this.logUsers, size);
    this.logTicks = grownTo(this.logTicks, size);
    this.logRewards = grownTo(this.logRewards, size);
  }

  /** The state a checkpoint keeps: beta, the normal equations and the users' past reward (a run in progress is not kept). */
  toBundle(prefix = "outcomeValue"): { arrays: Record<string, StoredArray>; meta: { days: number; runs: number; rows: number; pastDays: number; pastUsers: number } } {
    return {
      arrays: {
        [`${prefix}.beta`]: this.beta.slice(), [`${prefix}.xtx`]: this.xtx.slice(), [`${prefix}.xty`]: this.xty.slice(),
        [`${prefix}.pastReward`]: this.pastReward.slice(),
      },
      meta: { days: this.days, runs: this.runs, rows: this.rows, pastDays: this.pastDays, pastUsers: this.pastReward.length },
    };
  }

  /** Rebuilds from a checkpoint written by toBundle; CheckpointError naming what is wrong. */
  static fromBundle(bundle: CheckpointBundle, meta: unknown, prefix = "outcomeValue"): OutcomeValue {
    const m = requireWholeNumbers(meta, prefix, { runs: 0, rows: 0, pastUsers: 0 });
    const { days, pastDays } = meta as { days?: unknown; pastDays?: unknown };
    if (typeof days !== "number" || !(days > 0) || !Number.isFinite(days)) throw new CheckpointError(`checkpoint: ${prefix}.days must be a number > 0, got ${JSON.stringify(days)}`);
    if (typeof pastDays !== "number" || !(pastDays >= 0) || !Number.isFinite(pastDays)) throw new CheckpointError(`checkpoint: ${prefix}.pastDays must be a number >= 0, got ${JSON.stringify(pastDays)}`);
    const v = new OutcomeValue(days);
    v.pastReward = new Float64Array(m.pastUsers);
    for (const [name, into] of [["beta", v.beta], ["xtx", v.xtx], ["xty", v.xty], ["pastReward", v.pastReward]] as const) {
      const a = requireArray(bundle, `${prefix}.${name}`, Float64Array, into.length);
      for (let j = 0; j < a.length; j++) if (!Number.isFinite(a[j])) throw new CheckpointError(`checkpoint: ${prefix}.${name}[${j}] is not a finite number`);
      into.set(a);
    }
    v.runs = m.runs;
    v.rows = m.rows;
    v.pastDays = pastDays;
    return v;
  }
}
