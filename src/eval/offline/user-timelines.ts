/**
 * Each user's interactions in time order: by start step and, within a step, by their order in the
 * file (LiveRec's ordering). Stored as one permutation of the log's rows grouped by user, with the
 * streamer and step of each position copied alongside so that a user's history is two contiguous
 * subarrays.
 */
import type { InteractionLog } from "../../data/interaction-log.js";

export interface UserTimelines {
  readonly users: number;
  /** Row indices of the log sorted by (user, start step, row index). */
  readonly order: Int32Array;
  /** User u's interactions sit at positions offset[u] .. offset[u + 1] - 1 (length users + 1). */
  readonly offset: Int32Array;
  /** streamer[k] = log.streamer[order[k]]. */
  readonly streamer: Int32Array;
  /** step[k] = log.start[order[k]]. */
  readonly step: Int32Array;
}

/** Largest step range sorted by counting; beyond it a comparison sort is used. */
const COUNTING_SORT_MAX_RANGE = 1 << 24;

export function buildUserTimelines(log: InteractionLog): UserTimelines {
  const n = log.n;
  const users = log.userIds.length;
  const byStep = rowsByKey(log.start, n);
  // Stable counting sort of the step-ordered rows by user: LSD radix order (user, step, row).
  const offset = new Int32Array(users + 1);
  for (let i = 0; i < n; i++) offset[log.user[i] + 1]++;
  for (let u = 0; u < users; u++) offset[u + 1] += offset[u];
  const next = offset.slice(0, users);
  const order = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    const row = byStep[k];
    order[next[log.user[row]]++] = row;
  }
  const streamer = new Int32Array(n);
  const step = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    streamer[k] = log.streamer[order[k]];
    step[k] = log.start[order[k]];
  }
  return { users, order, offset, streamer, step };
}

/**
 * Row indices 0..n-1 sorted stably by key (ties keep row order). Counting sort when the key range is
 * moderate (step counts of real logs are), else a comparison sort.
 */
export function rowsByKey(key: Int32Array, n: number): Int32Array {
  const rows = new Int32Array(n);
  if (n === 0) return rows;
  let lo = key[0], hi = key[0];
  for (let i = 1; i < n; i++) {
    if (key[i] < lo) lo = key[i];
    if (key[i] > hi) hi = key[i];
  }
  if (hi - lo > COUNTING_SORT_MAX_RANGE) {
    for (let i = 0; i < n; i++) rows[i] = i;
    return rows.sort((a, b) => key[a] - key[b] || a - b);
  }
  const count = new Int32Array(hi - lo + 2);
  for (let i = 0; i < n; i++) count[key[i] - lo + 1]++;
  for (let k = 1; k < count.length; k++) count[k] += count[k - 1];
  for (let i = 0; i < n; i++) rows[count[key[i] - lo]++] = i;
  return rows;
}
