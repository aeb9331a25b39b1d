/**
 * Features of every (user, action) pair, as the environment knows them now: for liveq, what the
 * platform remembers of each user and streamer from past weeks (src/policies/pair-past.ts). The
 * feature-based Q-function reads the row of every candidate of a decision (a dense lookup) to add
 * the term <w(s), r(u, a)> to its score, so the pair's own record counts for every live stream,
 * not only for the few a user's history sketch lists. The owner rewrites it and bumps `version`.
 *
 * Dense users x actions x featureSize: a lookup per candidate must be an index. Users at or beyond
 * `users` (who joined after the table was sized) have no record: their features read as 0.
 */
export class PairTable {
  /** users x actions x featureSize, row-major. */
  readonly features: Float32Array;
  /** Incremented on every change. */
  version = 0;

  constructor(readonly users: number, readonly actions: number, readonly featureSize: number) {
    if (!Number.isInteger(users) || users < 0) throw new RangeError(`PairTable: users must be an integer >= 0, got ${users}`);
    if (!Number.isInteger(actions) || actions < 1) throw new RangeError(`PairTable: actions must be a positive integer, got ${actions}`);
    if (!Number.isInteger(featureSize) || featureSize < 1) throw new RangeError(`PairTable: featureSize must be a positive integer, got ${featureSize}`);
    this.features = new Float32Array(users * actions * featureSize);
  }

  /** Where the features of pair (u, a) start in `features`, or -1 for a pair outside the table. */
  offset(u: number, a: number): number {
    if (!(u >= 0 && u < this.users && a >= 0 && a < this.actions)) return -1;
    return (u * this.actions + a) * this.featureSize;
  }

  /** Writes the features of pair (u, a) into out[at .. at + featureSize) (0 outside the table). */
  write(u: number, a: number, out: Float32Array, at: number): void {
    const o = this.offset(u, a), r = this.featureSize;
    if (o < 0) out.fill(0, at, at + r);
    else for (let j = 0; j < r; j++) out[at + j] = this.features[o + j];
  }

  /** Call after writing `features` directly. */
  touch(): void {
    this.version++;
  }
}
