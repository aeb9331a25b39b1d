/**
 * POP: rank the live streamers by how often they were watched in the training period, the same for
 * every user. The strong simple baseline for new streamers.
 */
import type { OfflineRanker, TargetContext, TrainView } from "../../eval/offline/offline-ranker.js";

/** Interactions per streamer among the training rows of a view. */
export function trainingPopularity(train: TrainView): Float64Array {
  const { timelines, trainEnd } = train;
  const counts = new Float64Array(train.log.streamerIds.length);
  for (let u = 0; u < timelines.users; u++) {
    for (let k = timelines.offset[u]; k < trainEnd[u]; k++) counts[timelines.streamer[k]]++;
  }
  return counts;
}

export class PopularityRanker implements OfflineRanker {
  readonly name: string;
  private popularity: Float64Array = new Float64Array(0);

  constructor(name = "pop") {
    this.name = name;
  }

  fit(train: TrainView): void {
    this.popularity = trainingPopularity(train);
  }

  score(_ctx: TargetContext, candidates: Int32Array, out: Float64Array): void {
    for (let i = 0; i < candidates.length; i++) out[i] = this.popularity[candidates[i]];
  }
}
