/**
 * Does a policy give new streamers a fair chance? Streamers who debuted during the run are compared
 * with established ones of the same hidden quality: both are binned by quality quintile (over every
 * streamer that was shown or live), and within each bin a per-streamer rate is averaged. A parity
 * is the new streamers' rate over the established ones', averaged over the bins weighted by the
 * number of new streamers in each (1 = new streamers do as well as established ones of equal
 * quality). Two rates, two questions:
 *
 * - discovery parity (the cold-start measure): the reward per recommendation of the streamer to a
 *   user who has never watched it. A new streamer can only be a discovery; an established one
 *   shown to a stranger competes on the same terms, save what the model learned about it. This is
 *   what a head that scores streamers from their features should keep near 1: the users it picks
 *   for a newcomer like them as much as those it picks for an established streamer of equal
 *   quality.
 * - exposure parity: the reward earned per live hour, from everyone. It also counts followers and
 *   regulars, whom a newcomer has not had time to gather, so even the oracles score well below 1.
 *
 * Reads the hidden quality: an evaluation measure, never a policy input.
 */
import type { Platform, StepResult } from "../../sim/platform.js";

/** What the parities are computed from, gathered along a run. */
export class ColdStartTracker {
  /** Ticks each streamer was live. */
  readonly liveTicks: Float64Array;
  /** Recommendations of each streamer to users who had never watched it, and their reward. */
  readonly discoveries: Float64Array;
  readonly discoveryReward: Float64Array;
  private lastTick = -1;
  /** Per decision of the current batch: the first streamer of its slate if a discovery, else -1. */
  private pending = new Int32Array(0);

  constructor(platform: Platform) {
    const S = platform.catalogueSize;
    this.liveTicks = new Float64Array(S);
    this.discoveries = new Float64Array(S);
    this.discoveryReward = new Float64Array(S);
  }

  /**
   * Before a step: counts the ticks since the last call for every stream live now, and notes which
   * decisions recommend (first in their slate) a streamer their user has never watched.
   */
  beforeStep(platform: Platform, actions: Int32Array): void {
    const dt = this.lastTick < 0 ? 1 : platform.tick - this.lastTick;
    this.lastTick = platform.tick;
    const live = platform.liveStreams;
    for (let j = 0; j < platform.nLive; j++) this.liveTicks[live[j]] += dt;
    const n = platform.nDeciding, K = platform.slateSize, users = platform.users, deciding = platform.deciding;
    if (this.pending.length < n) this.pending = new Int32Array(Math.max(n, 2 * this.pending.length));
    for (let i = 0; i < n; i++) {
      const s = actions[i * K];
      this.pending[i] = s >= 0 && users.findHistory(deciding[i], s) < 0 ? s : -1;
    }
  }

  /** After the step: the reward of each discovery noted. */
  afterStep(result: StepResult): void {
    for (let i = 0; i < result.n; i++) {
      const s = this.pending[i];
      if (s < 0) continue;
      this.discoveries[s]++;
      this.discoveryReward[s] += result.reward[i];
    }
  }
}

export interface StreamerParities {
  /** New over established streamers' reward per recommendation to a stranger (NaN when too few). */
  discovery: number;
  /** New over established streamers' reward per live hour (NaN when too few). */
  exposure: number;
}

export function newStreamerParities(platform: Platform, t: ColdStartTracker, bins = 5): StreamerParities {
  const reward = platform.metrics.streamerReward;
  return {
    // Streamers recommended to strangers 5 times or more.
    discovery: binnedParity(platform, bins, (s) => (t.discoveries[s] >= 5 ? t.discoveryReward[s] / t.discoveries[s] : NaN)),
    // Streamers live an hour or more.
    exposure: binnedParity(platform, bins, (s) => (t.liveTicks[s] >= 6 ? reward[s] / (t.liveTicks[s] / 6) : NaN)),
  };
}

/** The quality-binned ratio of new to established streamers' `rate` (NaN rates leave a streamer out). */
function binnedParity(platform: Platform, bins: number, rate: (s: number) => number): number {
  const st = platform.streamers;
  const idx: number[] = [];
  const rates = new Float64Array(platform.catalogueSize);
  for (let s = 0; s < platform.catalogueSize; s++) {
    rates[s] = rate(s);
    if (Number.isFinite(rates[s])) idx.push(s);
  }
  if (idx.length < bins * 2) return NaN;
  idx.sort((a, b) => st.quality[a] - st.quality[b]);
  let weighted = 0, weight = 0;
  for (let b = 0; b < bins; b++) {
    let nNew = 0, rNew = 0, nOld = 0, rOld = 0;
    for (let k = Math.floor((b * idx.length) / bins); k < Math.floor(((b + 1) * idx.length) / bins); k++) {
      const s = idx[k];
      if (st.isNew(s)) {
        nNew++;
        rNew += rates[s];
      } else {
        nOld++;
        rOld += rates[s];
      }
    }
    if (nNew === 0 || nOld === 0 || rOld <= 0) continue;
    weighted += nNew * (rNew / nNew / (rOld / nOld));
    weight += nNew;
  }
  return weight > 0 ? weighted / weight : NaN;
}
