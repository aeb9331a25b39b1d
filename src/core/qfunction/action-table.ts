/**
 * The features of every action slot (for liveq: every streamer of the catalogue), as the
 * environment sees them now. The feature-based Q-function reads it to score actions; the
 * environment rewrites rows as streams start, grow and end, and bumps the version.
 */
export class ActionTable {
  /** actions x featureSize, row-major. */
  readonly features: Float32Array;
  /** Incremented on every change, so caches derived from the table know when to refresh. */
  version = 0;

  constructor(readonly actions: number, readonly featureSize: number) {
    if (!Number.isInteger(actions) || actions < 1) throw new RangeError(`ActionTable: actions must be a positive integer, got ${actions}`);
    if (!Number.isInteger(featureSize) || featureSize < 0) throw new RangeError(`ActionTable: featureSize must be an integer >= 0, got ${featureSize}`);
    this.features = new Float32Array(actions * featureSize);
  }

  /** Replaces row `slot` with x[offset .. offset + featureSize). */
  setRow(slot: number, x: Float32Array, offset = 0): void {
    if (!(slot >= 0 && slot < this.actions)) throw new RangeError(`ActionTable.setRow: slot ${slot} is outside [0, ${this.actions})`);
    const f = this.featureSize;
    for (let j = 0; j < f; j++) {
      const v = x[offset + j];
      if (!Number.isFinite(v)) throw new RangeError(`ActionTable.setRow: feature ${j} of slot ${slot} is ${v}`);
      this.features[slot * f + j] = v;
    }
    this.version++;
  }

  /** Call after writing `features` directly. */
  touch(): void {
    this.version++;
  }
}
