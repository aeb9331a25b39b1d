/**
 * A new user's embedding, folded in from whom they watch. The feature head describes an
 * established user partly by G_u, an embedding learned over the training weeks; a user who arrived
 * after training has none (G_u = 0), and an empty history besides, so their first weeks are
 * served from the features and the few streamers they have watched. The model knows more than
 * that: every streamer's past viewers have embeddings. So, while serving, each new user's G_u is
 * set to the embedding of the established users who watched what they watched:
 *
 *   M_s = sum_v views(v, s) G_v / sum_v views(v, s)           (the past weeks' viewers of s)
 *   G_u = sum_h c_h M_h / sum_h c_h                            (h: streamers u watched, c_h times)
 *   G_u = mean of the established users' G_v                   (before u has watched anything)
 *
 * This is the "fold-in" of matrix factorisation (a user's factors from their items, the item
 * factors held fixed; Sarwar et al. 2002; FISM builds a user from their items the same way), with
 * the viewers' embeddings in the place of item factors. Serving only: no weight is trained, and
 * only the rows of new users are set, for the decision at hand: `update` sets the rows of the new
 * users deciding now, the policy scores them, and `restore` puts the rows back as they were (all
 * zeros: training withholds the arrivals). Between decisions the model is the trained one, so a
 * checkpoint, another policy serving the same agent, or serving it without the fold-in never
 * reads a folded-in row.
 *
 * On validation weeks (README, session 22), served with each of five sets of trained agents per
 * platform, it raised the new users' reward per user-day with every set: by 6.1% at the demo's
 * size, 7.4% at half and 11.0% at double on average; the whole platform's moved within the weeks'
 * noise (-0.05%, +0.26%, +0.17%; new users are 2-7% of the user-days). Scaling the fold-in away
 * from the mean by 1.5-3x (a viewer-mean is about a third as far from the mean as one user's G_v
 * is), weighting by minutes, or pushing away from the streamers a user declined gained nothing.
 */
import type { Platform } from "../../sim/platform.js";
import type { FeatureQFunction } from "../../core/qfunction/feature-qfunction.js";
import type { PairPast } from "../pair-past.js";

export class NewUserFoldIn {
  /** d: the embedding's size. */
  readonly embedding: number;
  /** Users with a row G_u. */
  readonly users: number;
  /** Streamers with past viewers (those of the pairs' past). */
  readonly streamers: number;
  /** M: streamers x d, the mean embedding of each streamer's past viewers (weighted by viewings). */
  private readonly viewerMean: Float64Array;
  /** Past viewings of each streamer (0: no past viewer, no M_s). */
  private readonly viewings: Float64Array;
  /** The mean G of the users with a past: a new user's embedding before they watch anything. */
  readonly prior: Float64Array;
  private readonly row: Float64Array;
  private readonly out: Float32Array;
  /** The users whose rows `update` set (the first `written`), and their rows as they were before. */
  private writtenUsers = new Int32Array(0);
  private savedRows = new Float32Array(0);
  private written = 0;

  /**
   * @param q the served feature head (its G is read once, here: build a fold-in after training)
   * @param past the pairs' past the model was trained with (whose viewings say who watched whom)
   */
  constructor(private readonly q: FeatureQFunction, past: PairPast) {
    const d = q.embedding, users = q.userEmbeddingCount;
    if (users === 0) throw new RangeError("NewUserFoldIn: the feature head has no user embeddings (dqn.userEmbeddings is off)");
    this.embedding = d;
    this.users = users;
    this.streamers = Math.min(past.streamers, q.actions);
    const G = q.userEmbeddings(), S = this.streamers, P = past.streamers;
    const M = new Float64Array(S * d), W = new Float64Array(S), prior = new Float64Array(d);
    let known = 0;
    for (let v = 0; v < Math.min(users, past.users); v++) {
      const g = v * d;
      let any = false;
      for (let s = 0; s < S; s++) {
        const w = past.views[v * P + s];
        if (!(w > 0)) continue;
        any = true;
        W[s] += w;
        for (let c = 0; c < d; c++) M[s * d + c] += w * G[g + c];
      }
      if (!any) continue;
      known++;
      for (let c = 0; c < d; c++) prior[c] += G[g + c];
    }
    for (let s = 0; s < S; s++) if (W[s] > 0) for (let c = 0; c < d; c++) M[s * d + c] /= W[s];
    if (known > 0) for (let c = 0; c < d; c++) prior[c] /= known;
    this.viewerMean = M;
    this.viewings = W;
    this.prior = prior;
    this.row = new Float64Array(d);
    this.out = new Float32Array(d);
  }

  /**
   * Sets G_u of every user deciding now who arrived during this run (platform.users.isNew), from
   * their viewings so far: call before scoring them, and `restore` once they are scored.
   */
  update(platform: Platform): void {
    this.restore();
    const users = platform.users, H = users.historyCapacity, hs = users.histStreamer;
    const d = this.embedding, M = this.viewerMean, W = this.viewings, row = this.row, out = this.out;
    const deciding = platform.deciding;
    if (this.writtenUsers.length < deciding.length) {
      this.writtenUsers = new Int32Array(deciding.length * 2);
      this.savedRows = new Float32Array(deciding.length * 2 * d);
    }
    for (let i = 0; i < deciding.length; i++) {
      const u = deciding[i];
      if (u >= this.users || !users.isNew(u)) continue;
      this.q.readUserEmbedding(u, this.savedRows, this.written * d);
      this.writtenUsers[this.written++] = u;
      row.fill(0);
      let total = 0;
      for (let h = 0; h < H; h++) {
        const j = u * H + h, s = hs[j];
        if (s < 0 || s >= this.streamers || W[s] === 0) continue;
        const c = users.historyCount(j);
        if (c <= 0) continue;
        total += c;
        for (let k = 0; k < d; k++) row[k] += c * M[s * d + k];
      }
      for (let k = 0; k < d; k++) out[k] = total > 0 ? row[k] / total : this.prior[k];
      this.q.writeUserEmbedding(u, out);
    }
  }

  /** Puts back the rows the last `update` set, as they were before it (a no-op when they are back). */
  restore(): void {
    const d = this.embedding;
    for (let k = 0; k < this.written; k++) this.q.writeUserEmbedding(this.writtenUsers[k], this.savedRows.subarray(k * d, (k + 1) * d));
    this.written = 0;
  }
}
