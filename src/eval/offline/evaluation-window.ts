/**
 * The windows of LiveRec's protocol and the targets they hold. With T the largest step, the test
 * window is the last `length` steps (T - length < step <= T) and the validation window the `length`
 * steps before; whatever comes earlier is the training period.
 *
 * Each user with an interaction in a window gives one target: their last interaction in it, in their
 * time order (step, then file order). Their history is everything before that interaction in the same
 * order, which includes earlier interactions inside the window.
 */
import type { UserTimelines } from "./user-timelines.js";

export type WindowName = "test" | "validation";

export const WINDOW_NAMES: readonly WindowName[] = ["test", "validation"];

export interface WindowTargets {
  readonly window: WindowName;
  /** First and last step of the window, both included. */
  readonly first: number;
  readonly last: number;
  readonly count: number;
  /** Per target, sorted by (step, user): */
  readonly user: Int32Array;
  readonly step: Int32Array;
  readonly streamer: Int32Array;
  /** Position of the target in the user timelines: the history is offset[user] .. position - 1. */
  readonly position: Int32Array;
  /** 1 when the user watched the target streamer before (in the history), else 0. */
  readonly repeat: Uint8Array;
}

/** The steps of a window, both ends included, for a log whose largest step is `lastStep`. */
export function windowBounds(window: WindowName, lastStep: number, length: number): { first: number; last: number } {
  const last = window === "test" ? lastStep : lastStep - length;
  return { first: last - length + 1, last };
}

export function selectTargets(timelines: UserTimelines, window: WindowName, first: number, last: number): WindowTargets {
  const { offset, step, streamer } = timelines;
  const chosenUser: number[] = [];
  const chosenPos: number[] = [];
  for (let u = 0; u < timelines.users; u++) {
    let k = offset[u + 1] - 1;
    while (k >= offset[u] && step[k] > last) k--;
    if (k < offset[u] || step[k] < first) continue;
    chosenUser.push(u);
    chosenPos.push(k);
  }
  const count = chosenUser.length;
  const idx = Array.from({ length: count }, (_, i) => i).sort((a, b) => step[chosenPos[a]] - step[chosenPos[b]] || chosenUser[a] - chosenUser[b]);
  const out = {
    window,
    first,
    last,
    count,
    user: new Int32Array(count),
    step: new Int32Array(count),
    streamer: new Int32Array(count),
    position: new Int32Array(count),
    repeat: new Uint8Array(count),
  };
  idx.forEach((i, j) => {
    const u = chosenUser[i], k = chosenPos[i];
    out.user[j] = u;
    out.position[j] = k;
    out.step[j] = step[k];
    out.streamer[j] = streamer[k];
    let rep = 0;
    for (let h = offset[u]; h < k; h++) {
      if (streamer[h] === streamer[k]) {
        rep = 1;
        break;
      }
    }
    out.repeat[j] = rep;
  });
  return out;
}
