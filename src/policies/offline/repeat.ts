/**
 * REP: rank the live streamers by how many times this user watched them before, ties broken by
 * training popularity (POP). Repeat consumption dominates live streaming, which makes this the
 * baseline to beat on repeat targets.
 */
import type { OfflineRanker, TargetContext, TrainView } from "../../eval/offline/offline-ranker.js";
import { trainingPopularity } from "./popularity.js";

export class RepeatRanker implements OfflineRanker {
  readonly name: string;
  private popularity: Float64Array = new Float64Array(0);
  /** popularity is < this, so count * base + popularity orders by count, then popularity, exactly. */
  private base = 1;
  /** Per-streamer scratch counts, zero between calls. */
  private counts: Int32Array = new Int32Array(0);

  constructor(name = "rep") {
    this.name = name;
  }

  fit(train: TrainView): void {
    this.popularity = trainingPopularity(train);
    this.base = this.popularity.reduce((a, b) => Math.max(a, b), 0) + 1;
    this.counts = new Int32Array(train.log.streamerIds.length);
  }

  score(ctx: TargetContext, candidates: Int32Array, out: Float64Array): void {
    const history = ctx.historyStreamers;
    const counts = this.counts;
    for (let h = 0; h < history.length; h++) counts[history[h]]++;
    for (let i = 0; i < candidates.length; i++) out[i] = counts[candidates[i]] * this.base + this.popularity[candidates[i]];
    for (let h = 0; h < history.length; h++) counts[history[h]] = 0;
  }
}
