/**
 * What the platform remembers of each user from the weeks before this one: how many minutes they
 * watched in each category, over how many weeks. A real platform knows its users' whole past; a
 * run of the simulator starts every user with an empty history (only their initial follows), so
 * without this a learner meets each user at the start of a week as a stranger, and has only the
 * slow, noisy per-user embedding G_u (learned through the TD error of a few hundred decisions) to
 * recall their tastes. The profile is a plain statistic of observable facts (what was watched),
 * never the hidden truth.
 *
 * It is causal: a training run reads the past of the runs before it, and the run's own minutes
 * are added only when it ends (record). Evaluation weeks read the past as training left it and
 * add nothing (every evaluation week is another future of the same world).
 *
 * Features (pastFeatureSize = categories + 1), appended to the user's features:
 *   [ share of past minutes in each category | log1p(mean hours watched per past week) / 3 ]
 * all 0 for a user with no past (a newcomer, or every user in the first training week). The hours
 * are per week recorded, not a total, so they mean the same after 5 training weeks as after 40.
 *
 * Measured and left out: remembering each user's most viewed streamers of past weeks as well (in
 * the DQN's history sketch, with their past viewings as a pair feature) gained nothing over the
 * categories on validation weeks, cost half again the training time, and newcomers were shown
 * even less (see the README, "How the defaults were chosen").
 */
import type { Platform } from "../sim/platform.js";
import { CheckpointError, requireArray, requireNonNegative, requireWholeNumbers, type CheckpointBundle, type StoredArray } from "../core/checkpoint/bundle.js";

export function pastFeatureSize(categories: number): number {
  return categories + 1;
}

export function pastFeatureNames(categoryNames: readonly string[]): string[] {
  return [...categoryNames.map((c) => `past_share_${c}`), "past_hours_per_week"];
}

export class UserPast {
  readonly users: number;
  readonly categories: number;
  readonly featureSize: number;
  /** users x categories: minutes watched in each category over the weeks recorded. */
  readonly minutes: Float64Array;
  /** Weeks recorded so far. */
  weeks = 0;

  /** @param users the users remembered (indices 0 .. users-1; a higher index has no past). */
  constructor(users: number, categories: number) {
    if (!Number.isInteger(users) || users < 0) throw new RangeError(`UserPast: users must be an integer >= 0, got ${users}`);
    if (!Number.isInteger(categories) || categories < 1) throw new RangeError(`UserPast: categories must be an integer >= 1, got ${categories}`);
    this.users = users;
    this.categories = categories;
    this.featureSize = pastFeatureSize(categories);
    this.minutes = new Float64Array(users * categories);
  }

  /** Adds a finished run's minutes by category of each user (call once, when the run is over). */
  record(platform: Platform): void {
    const C = this.categories;
    if (platform.categories !== C) throw new RangeError(`UserPast.record: the platform has ${platform.categories} categories, the past ${C}`);
    // Only the users present from the start: newcomers of a run are new in every run (training runs
    // withhold them), so they have no past to carry.
    const users = platform.users, vec = users.vec, n = Math.min(this.users, users.initialCount, users.active);
    for (let u = 0; u < n; u++) {
      const at = users.minutesAt(u);
      for (let c = 0; c < C; c++) this.minutes[u * C + c] += vec[at + c];
    }
    this.weeks++;
  }

  /** Writes user u's past features into out[offset .. offset + featureSize). */
  write(u: number, out: Float32Array, offset: number): void {
    const C = this.categories;
    let total = 0;
    if (u >= 0 && u < this.users) for (let c = 0; c < C; c++) total += this.minutes[u * C + c];
    if (!(total > 0)) {
      out.fill(0, offset, offset + C + 1);
      return;
    }
    for (let c = 0; c < C; c++) out[offset + c] = this.minutes[u * C + c] / total;
    out[offset + C] = Math.log1p(total / 60 / this.weeks) / 3;
  }

  /** An independent copy. */
  clone(): UserPast {
    const c = new UserPast(this.users, this.categories);
    c.minutes.set(this.minutes);
    c.weeks = this.weeks;
    return c;
  }

  /** The past as checkpoint arrays and metadata (under `prefix`). */
  toBundle(prefix = "past"): { arrays: Record<string, StoredArray>; meta: { users: number; categories: number; weeks: number } } {
    return { arrays: { [`${prefix}.minutes`]: this.minutes.slice() }, meta: { users: this.users, categories: this.categories, weeks: this.weeks } };
  }

  /** Rebuilds a past from a checkpoint written by toBundle; CheckpointError naming what is wrong. */
  static fromBundle(bundle: CheckpointBundle, meta: unknown, prefix = "past"): UserPast {
    const m = requireWholeNumbers(meta, prefix, { users: 0, categories: 1, weeks: 0 });
    const past = new UserPast(m.users, m.categories);
    past.minutes.set(requireArray(bundle, `${prefix}.minutes`, Float64Array, past.minutes.length));
    requireNonNegative(past.minutes, `${prefix}.minutes`);
    past.weeks = m.weeks;
    if (past.weeks === 0 && past.minutes.some((x) => x > 0)) throw new CheckpointError(`checkpoint: ${prefix}.weeks is 0 but ${prefix}.minutes holds minutes`);
    return past;
  }
}
