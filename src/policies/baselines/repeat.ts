/**
 * REP: recommend the live streamer this user has watched most; then the next most watched; then,
 * for users with no such streamer live, POP (historical popularity). Repeat consumption dominates
 * live streaming (most viewings on Twitch are of a streamer the user watched before), which makes
 * this simple rule hard to beat on a platform with the same habit.
 *
 * What the user watched comes from the pair features the platform shows every policy (past
 * viewings of the streamer, and whether the user follows it), so REP sees exactly what the DQN
 * sees. Order: more past viewings first; at equal viewings a followed streamer first; then POP.
 */
import type { Platform, StepResult } from "../../sim/platform.js";
import type { SimPolicy } from "../../sim/policy.js";
import { PAIR_FEATURES } from "../../sim/observe.js";
import { ViewingCounts } from "./popularity.js";
import { writeTopK } from "./top-k.js";

const PAST_VIEWINGS = PAIR_FEATURES.indexOf("past_viewings");
const FOLLOWS = PAIR_FEATURES.indexOf("follows");

/** Past viewings from the pair feature log1p(count) / 4 (exact for any realistic count). */
export function pastViewingsOf(feature: number): number {
  return Math.round(Math.expm1(4 * feature));
}

export class RepeatPolicy implements SimPolicy {
  readonly name: string = "rep";
  /** The POP fallback's counts (every viewing alike). */
  readonly popularity = new ViewingCounts();
  private platform: Platform | null = null;
  private pair = new Float32Array(0);
  private score = new Float64Array(0);

  act(platform: Platform, actions: Int32Array): void {
    this.attach(platform);
    const live = platform.liveStreams, L = live.length, K = platform.slateSize, n = platform.nDeciding;
    const P = platform.pairFeatureSize, pair = this.pair, score = this.score, counts = this.popularity.counts;
    // POP's share of the score lies in [0, 1), below one step of the (viewings, follows) key.
    let maxCount = 0;
    for (let j = 0; j < L; j++) if (counts[live[j]] > maxCount) maxCount = counts[live[j]];
    const popScale = 1 / (maxCount + 1);
    for (let i = 0; i < n; i++) {
      platform.pairFeatures(i, live, L, pair);
      for (let j = 0; j < L; j++) {
        const key = 2 * pastViewingsOf(pair[j * P + PAST_VIEWINGS]) + (pair[j * P + FOLLOWS] > 0 ? 1 : 0);
        score[j] = key + counts[live[j]] * popScale;
      }
      writeTopK(live, score, L, K, actions, i);
    }
  }

  learn(result: StepResult, platform: Platform): void {
    this.attach(platform);
    this.popularity.addStep(result);
  }

  private attach(platform: Platform): void {
    if (platform === this.platform) return;
    this.platform = platform;
    this.popularity.reset(platform.catalogueSize);
    const S = platform.catalogueSize;
    if (this.score.length < S) this.score = new Float64Array(S);
    if (this.pair.length < S * platform.pairFeatureSize) this.pair = new Float32Array(S * platform.pairFeatureSize);
  }
}
