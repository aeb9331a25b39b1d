/**
 * Row-wise reductions over a batch of Q values (batch * actions, row-major) in plain TypeScript:
 * the greedy action of each row and the maximum Q value of each row (the DQN target
 * max_a' Q_target(s', a')), for Q values from anywhere. On a network's own output,
 * QNetwork.greedy() and QNetwork.maxQ() do the same in the backend, faster, with the same results.
 *
 * argmax: the lowest index of the largest value (like torch.argmax), NaNs ignored, 0 when no value
 * is above -infinity. max: NaN when the row holds a NaN (so a diverged network is noticed).
 */

function actionsPerRow(where: string, q: Float32Array, batch: number, outLength: number): number {
  if (!(Number.isInteger(batch) && batch >= 1)) throw new RangeError(`${where}: batch must be a positive integer, got ${batch}`);
  if (q.length === 0 || q.length % batch !== 0) throw new RangeError(`${where}: q.length ${q.length} is not a multiple of batch ${batch}`);
  if (outLength < batch) throw new RangeError(`${where}: out must hold at least batch = ${batch} values, got ${outLength}`);
  return q.length / batch;
}

/** out[r] = argmax_a q[r][a]. */
export function argmaxRows(q: Float32Array, batch: number, out: Int32Array): Int32Array {
  const actions = actionsPerRow("argmaxRows", q, batch, out.length);
  for (let r = 0, at = 0; r < batch; r++, at += actions) {
    let best = 0;
    let bestQ = -Infinity;
    for (let a = 0; a < actions; a++) {
      const v = q[at + a];
      if (v > bestQ) {
        bestQ = v;
        best = a;
      }
    }
    out[r] = best;
  }
  return out;
}

/** out[r] = max_a q[r][a]. */
export function maxRows(q: Float32Array, batch: number, out: Float32Array): Float32Array {
  const actions = actionsPerRow("maxRows", q, batch, out.length);
  for (let r = 0, at = 0; r < batch; r++, at += actions) {
    let m = -Infinity;
    for (let a = 0; a < actions; a++) m = Math.max(m, q[at + a]);
    out[r] = m;
  }
  return out;
}
