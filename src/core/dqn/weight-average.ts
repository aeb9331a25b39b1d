/**
 * Weight averaging (SWA: Izmailov et al., "Averaging Weights Leads to Wider Optima and Better
 * Generalization", 2018): the mean of a Q-function's parameters taken at several points late in
 * training, served in place of the last ones.
 *
 * Why: with a constant learning rate the weights keep jittering around what the data supports,
 * and the parts trained on little data jitter most. A user's embedding row moves only in the few
 * updates whose batch holds one of their decisions, so its last value carries the noise of its
 * last few steps. Averaging snapshots keeps what they agree on and cancels much of that noise
 * (on the platform: README, "How the defaults were chosen", session 12). Lowering the rate at the
 * end instead (dqn.lrEnd) also lowers the noise, but stops the rows from learning: it lost there.
 *
 * The sum is kept in doubles, so the mean does not depend on the order of a long sum in floats.
 * It is part of a training's state (a checkpoint holds it), so an interrupted training resumes
 * to the same mean.
 */
import type { QFunction } from "../qfunction/types.js";
import { CheckpointError, requireArray, requireWholeNumbers, type CheckpointBundle, type StoredArray } from "../checkpoint/bundle.js";

export class WeightAverage {
  /** Sum of the snapshots' parameters. */
  readonly sum: Float64Array;
  /** Snapshots in the sum. */
  count = 0;
  /**
   * The episode after which the snapshots of this sum began (a training that is extended re-starts
   * the average: see src/train/platform-trainer.ts), -1 before the first.
   */
  from = -1;

  constructor(readonly paramCount: number) {
    if (!Number.isInteger(paramCount) || paramCount < 1) throw new RangeError(`WeightAverage: paramCount must be an integer >= 1, got ${paramCount}`);
    this.sum = new Float64Array(paramCount);
  }

  /** Empties the sum, for snapshots taken after episode `from`. */
  reset(from: number): void {
    this.sum.fill(0);
    this.count = 0;
    this.from = from;
  }

  /** Adds a snapshot of q's parameters. */
  add(q: QFunction): void {
    const p = q.exportParams();
    if (p.length !== this.paramCount) throw new RangeError(`WeightAverage.add: the Q-function has ${p.length} parameters, the average ${this.paramCount}`);
    const s = this.sum;
    for (let i = 0; i < p.length; i++) s[i] += p[i];
    this.count++;
  }

  /** The mean of the snapshots (rounded to floats). */
  mean(): Float32Array {
    if (this.count === 0) throw new RangeError("WeightAverage.mean: no snapshot has been added");
    const out = new Float32Array(this.paramCount), s = this.sum, n = this.count;
    for (let i = 0; i < out.length; i++) out[i] = s[i] / n;
    return out;
  }

  /** Puts the mean into each Q-function given (the online network and its target, say). */
  applyTo(...qs: QFunction[]): void {
    const m = this.mean();
    for (const q of qs) q.importParams(m);
  }

  /** The average as checkpoint arrays and metadata (under `prefix`). */
  toBundle(prefix = "average"): { arrays: Record<string, StoredArray>; meta: { count: number; from: number } } {
    return { arrays: { [`${prefix}.sum`]: this.sum.slice() }, meta: { count: this.count, from: this.from } };
  }

  /** Rebuilds an average from a checkpoint written by toBundle; CheckpointError naming what is wrong. */
  static fromBundle(bundle: CheckpointBundle, meta: unknown, paramCount: number, prefix = "average"): WeightAverage {
    const m = requireWholeNumbers(meta, prefix, { count: 0, from: -1 });
    const a = new WeightAverage(paramCount);
    a.sum.set(requireArray(bundle, `${prefix}.sum`, Float64Array, paramCount));
    for (let i = 0; i < a.sum.length; i++) {
      if (!Number.isFinite(a.sum[i])) throw new CheckpointError(`checkpoint: ${prefix}.sum[${i}] = ${a.sum[i]} is not finite`);
      if (m.count === 0 && a.sum[i] !== 0) throw new CheckpointError(`checkpoint: ${prefix}.count is 0 but ${prefix}.sum[${i}] = ${a.sum[i]}`);
    }
    a.count = m.count;
    a.from = m.from;
    return a;
  }
}
