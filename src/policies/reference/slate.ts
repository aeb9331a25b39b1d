/**
 * Building a slate from per-stream values under the multinomial logit choice model. A slate S has
 * expected value sum_{j in S} w_j R_j / (w_0 + sum_{j in S} w_j), with w_j = exp(utility_j) and w_0
 * that of "no thanks". The oracles build it greedily: add the stream that raises this value most,
 * until K streams or no stream raises it. For K = 1 that is exactly the stream of highest
 * P(accept) x R; for larger K it is the standard greedy heuristic for the capacitated MNL
 * assortment problem (exact solutions exist, e.g. Rusmevichientong et al. 2010, but cost more than
 * a reference policy needs).
 */

/**
 * Writes the slate into actions[row*K .. row*K+K) (padded with -1). At least one stream is always
 * recommended (the best single one), since a slate may not be empty.
 * @param streams candidate streamers; utility and value are parallel arrays of n candidates
 * @param taken scratch of at least n entries
 */
export function greedySlate(
  streams: ArrayLike<number>, utility: Float64Array, value: Float64Array, n: number, v0: number,
  K: number, actions: Int32Array, row: number, taken: Uint8Array,
): void {
  let max = v0;
  for (let j = 0; j < n; j++) if (utility[j] > max) max = utility[j];
  taken.fill(0, 0, n);
  let num = 0, den = Math.exp(v0 - max), current = 0, size = 0;
  for (; size < K; size++) {
    let best = -1, bestValue = -Infinity, bestW = 0;
    for (let j = 0; j < n; j++) {
      if (taken[j]) continue;
      const w = Math.exp(utility[j] - max);
      const v = (num + w * value[j]) / (den + w);
      if (v > bestValue || (v === bestValue && best >= 0 && streams[j] < streams[best])) {
        bestValue = v;
        best = j;
        bestW = w;
      }
    }
    if (best < 0 || (size > 0 && bestValue <= current)) break;
    taken[best] = 1;
    num += bestW * value[best];
    den += bestW;
    current = bestValue;
    actions[row * K + size] = streams[best];
  }
  for (let j = size; j < K; j++) actions[row * K + j] = -1;
}
