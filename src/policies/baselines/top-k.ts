/**
 * Filling a slate from per-stream scores: every baseline scores the live streams and recommends the
 * K best. One routine for all of them, so they break ties the same way (by the lower streamer
 * index, which keeps runs reproducible) and pad the same way (-1 past the live streams).
 */

/** Scores of the slate being built (grown once to the largest K seen; JavaScript is single-threaded). */
let slotScore = new Float64Array(16);

/**
 * Writes the `K` live streams of highest score into actions[row*K .. row*K+K), best first.
 * `score[j]` is the score of `live[j]`. Ties go to the lower streamer index; when fewer than K
 * streams are live, the rest of the row is -1. O(L K), no allocation once warmed up.
 */
export function writeTopK(live: ArrayLike<number>, score: ArrayLike<number>, L: number, K: number, actions: Int32Array, row: number): void {
  const base = row * K;
  if (K === 1) {
    let best = -1;
    for (let j = 0; j < L; j++) if (best < 0 || beats(score[j], live[j], score[best], live[best])) best = j;
    actions[base] = best < 0 ? -1 : live[best];
    return;
  }
  if (slotScore.length < K) slotScore = new Float64Array(K);
  const top = slotScore;
  let m = 0;
  for (let j = 0; j < L; j++) {
    const s = live[j], v = score[j];
    if (m === K && !beats(v, s, top[K - 1], actions[base + K - 1])) continue;
    let pos = m < K ? m : K - 1;
    while (pos > 0 && beats(v, s, top[pos - 1], actions[base + pos - 1])) {
      top[pos] = top[pos - 1];
      actions[base + pos] = actions[base + pos - 1];
      pos--;
    }
    top[pos] = v;
    actions[base + pos] = s;
    if (m < K) m++;
  }
  for (let q = m; q < K; q++) actions[base + q] = -1;
}

/** Does (score v, streamer s) rank before (w, t)? NaN scores rank last. */
function beats(v: number, s: number, w: number, t: number): boolean {
  if (v !== v) return false;
  if (w !== w) return true;
  return v > w || (v === w && s < t);
}
