/**
 * Does a policy give new streamers a fair chance? Streamers who debuted during the run are compared
 * with established ones of the same hidden quality: both are binned by quality quintile (over every
 * streamer that was live), and within each bin the reward a streamer earned per live hour is
 * averaged. The parity is the new streamers' rate over the established ones', averaged over the bins
 * weighted by the number of new streamers in each (1 = new streamers do as well as established ones
 * of equal quality). Reads the hidden quality: an evaluation measure, never a policy input.
 */
import type { Platform } from "../../sim/platform.js";

export class LiveTimeTracker {
  readonly liveTicks: Float64Array;
  private lastTick = -1;

  constructor(platform: Platform) {
    this.liveTicks = new Float64Array(platform.catalogueSize);
  }

  /** Counts the ticks since the last call for every stream live now. */
  observe(platform: Platform): void {
    const dt = this.lastTick < 0 ? 1 : platform.tick - this.lastTick;
    this.lastTick = platform.tick;
    const live = platform.liveStreams;
    for (let j = 0; j < platform.nLive; j++) this.liveTicks[live[j]] += dt;
  }
}

export function newStreamerParity(platform: Platform, tracker: LiveTimeTracker, bins = 5): number {
  const S = platform.catalogueSize, st = platform.streamers;
  const idx: number[] = [];
  for (let s = 0; s < S; s++) if (tracker.liveTicks[s] >= 6) idx.push(s); // live an hour or more
  if (idx.length < bins * 2) return NaN;
  idx.sort((a, b) => st.quality[a] - st.quality[b]);
  const reward = platform.metrics.streamerReward;
  let weighted = 0, weight = 0;
  for (let b = 0; b < bins; b++) {
    const part = idx.slice(Math.floor((b * idx.length) / bins), Math.floor(((b + 1) * idx.length) / bins));
    let nNew = 0, rNew = 0, nOld = 0, rOld = 0;
    for (const s of part) {
      const rate = reward[s] / (tracker.liveTicks[s] / 6);
      if (st.isNew(s)) {
        nNew++;
        rNew += rate;
      } else {
        nOld++;
        rOld += rate;
      }
    }
    if (nNew === 0 || nOld === 0 || rOld <= 0) continue;
    weighted += nNew * (rNew / nNew / (rOld / nOld));
    weight += nNew;
  }
  return weight > 0 ? weighted / weight : NaN;
}
