/**
 * Ranking metrics of LiveRec's protocol. Each target gets a rank among its candidates (0 = first);
 * HR@k is the share of targets ranked below k, NDCG@k the mean of 1/log2(rank + 2) over those targets
 * (one relevant item, so the ideal DCG is 1).
 */

export const CUTOFFS = [1, 5, 10] as const;

export const METRIC_NAMES = ["hr@1", "hr@5", "hr@10", "ndcg@1", "ndcg@5", "ndcg@10"] as const;
export type MetricName = (typeof METRIC_NAMES)[number];

/** The six metrics over a set of targets (NaN when the set is empty; JSON shows it as null). */
export type RankMetrics = Record<MetricName, number>;

/** Metrics over all targets, over new ones (streamer never watched by the user) and repeats. */
export interface SegmentedMetrics {
  readonly all: RankMetrics;
  readonly new: RankMetrics;
  readonly rep: RankMetrics;
}

/**
 * Rank of the candidate at `target` given the scores of all candidates: the number of other
 * candidates scoring at least as high. A tie therefore counts against the target. A NaN score is a
 * bug in the ranker and throws.
 */
export function targetRank(scores: ArrayLike<number>, target: number, length = scores.length): number {
  const s = scores[target];
  if (Number.isNaN(s)) throw new RangeError(`the ranker gave the target a NaN score`);
  let rank = 0;
  for (let j = 0; j < length; j++) if (j !== target && scores[j] >= s) rank++;
  return rank;
}

/** Accumulates ranks and turns them into metrics. */
export class RankAccumulator {
  private n = 0;
  private readonly hits = [0, 0, 0];
  private readonly gains = [0, 0, 0];

  get count(): number {
    return this.n;
  }

  add(rank: number): void {
    this.n++;
    const gain = 1 / Math.log2(rank + 2);
    for (let c = 0; c < CUTOFFS.length; c++) {
      if (rank < CUTOFFS[c]) {
        this.hits[c]++;
        this.gains[c] += gain;
      }
    }
  }

  metrics(): RankMetrics {
    const n = this.n;
    const div = (x: number) => (n === 0 ? NaN : x / n);
    return {
      "hr@1": div(this.hits[0]),
      "hr@5": div(this.hits[1]),
      "hr@10": div(this.hits[2]),
      "ndcg@1": div(this.gains[0]),
      "ndcg@5": div(this.gains[1]),
      "ndcg@10": div(this.gains[2]),
    };
  }
}

/** Metrics over all, new and repeat targets from per-target ranks and repeat flags. */
export function segmentedMetrics(ranks: ArrayLike<number>, repeat: ArrayLike<number>): SegmentedMetrics {
  const all = new RankAccumulator(), fresh = new RankAccumulator(), rep = new RankAccumulator();
  for (let i = 0; i < ranks.length; i++) {
    all.add(ranks[i]);
    (repeat[i] ? rep : fresh).add(ranks[i]);
  }
  return { all: all.metrics(), new: fresh.metrics(), rep: rep.metrics() };
}
