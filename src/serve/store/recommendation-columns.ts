/**
 * The recommendations served, collected for the log (what was shown, with propensities) as a few
 * columns on the main thread and turned into log rows, with their items as JSON, by the store thread.
 *
 * Why columns: writing the items of every recommendation as JSON costs the main thread tens of
 * microseconds per request, and sending them as objects would cost it more again when they are
 * copied to the store thread. Here a recommendation costs a few array pushes; every flush sends
 * the numbers as typed arrays and all the ids as one string (with where each ends).
 */
import type { Recommendation } from "../model/recommender.js";
import type { RecommendationRow } from "./event-log.js";

export interface RecommendationColumns {
  count: number;
  /** rec, user, then the streams shown, of each recommendation in turn, back to back. */
  ids: string;
  /** Where each id ends in `ids`. */
  ends: Uint32Array;
  ts: Float64Array;
  modelVersion: Float64Array;
  /** Items of each recommendation. */
  items: Uint32Array;
  propensity: Float64Array;
  q: Float64Array;
  explored: Uint8Array;
}

export class RecommendationCollector {
  private ids: string[] = [];
  private ts: number[] = [];
  private modelVersion: number[] = [];
  private items: number[] = [];
  private propensity: number[] = [];
  private q: number[] = [];
  private explored: number[] = [];

  get count(): number {
    return this.ts.length;
  }

  add(r: Recommendation, ts: number): void {
    this.ids.push(r.rec, r.user);
    this.ts.push(ts);
    this.modelVersion.push(r.modelVersion);
    this.items.push(r.items.length);
    for (const x of r.items) {
      this.ids.push(x.stream);
      this.propensity.push(x.propensity);
      this.q.push(x.q);
      this.explored.push(x.explored ? 1 : 0);
    }
  }

  /** The columns collected since the last call (and starts afresh). */
  take(): RecommendationColumns {
    const ends = new Uint32Array(this.ids.length);
    let end = 0;
    for (let j = 0; j < this.ids.length; j++) ends[j] = end += this.ids[j].length;
    const c: RecommendationColumns = {
      count: this.ts.length,
      ids: this.ids.join(""),
      ends,
      ts: Float64Array.from(this.ts),
      modelVersion: Float64Array.from(this.modelVersion),
      items: Uint32Array.from(this.items),
      propensity: Float64Array.from(this.propensity),
      q: Float64Array.from(this.q),
      explored: Uint8Array.from(this.explored),
    };
    this.ids = [];
    this.ts = [];
    this.modelVersion = [];
    this.items = [];
    this.propensity = [];
    this.q = [];
    this.explored = [];
    return c;
  }
}

/** The log rows of the columns; items as JSON: [{stream, propensity, explored, q}, ...]. */
export function recommendationRows(c: RecommendationColumns): RecommendationRow[] {
  let id = 0, item = 0;
  const next = () => c.ids.slice(id === 0 ? 0 : c.ends[id - 1], c.ends[id++]);
  const rows: RecommendationRow[] = [];
  for (let r = 0; r < c.count; r++) {
    const rec = next(), user = next();
    const items: { stream: string; propensity: number; explored: boolean; q: number }[] = [];
    for (let i = 0; i < c.items[r]; i++, item++) items.push({ stream: next(), propensity: c.propensity[item], explored: c.explored[item] === 1, q: c.q[item] });
    rows.push({ rec, user, ts: c.ts[r], modelVersion: c.modelVersion[r], items: JSON.stringify(items) });
  }
  return rows;
}
