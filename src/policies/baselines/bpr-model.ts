/**
 * The model behind BPR-MF: latent factors fitted by Bayesian Personalized Ranking (Rendle, Freudenthaler,
 * Gantner and Schmidt-Thieme 2009) on a growing log of viewings.
 *
 * Each user u and streamer s get k factors p_u, q_s, and the streamer a bias b_s; the score is
 * b_s + p_u . q_s. For a logged viewing (u, i) and a negative j, one SGD step ascends
 * log sigmoid(x_uij) - reg (|p_u|^2 + |q_i|^2 + |q_j|^2 + b_i^2 + b_j^2), x_uij = score(u,i) - score(u,j).
 *
 * The negative of a viewing is drawn among the streams live when it happened (a "live set"
 * recorded with it: the only streams the user could have been shown, as LiveRec samples them),
 * or, for a viewing without a live set, among every streamer seen so far. Written by hand: the loop
 * is a dozen lines, and no npm package fits factorisation to a log that grows during a run.
 */
import { Rng } from "../../core/random/rng.js";

export interface BprHyperParams {
  readonly factors: number;
  readonly regularization: number;
  readonly learningRate: number;
}

/** A growable Int32Array column. */
class Column {
  data = new Int32Array(1024);
  n = 0;
  push(v: number): void {
    if (this.n === this.data.length) {
      const grown = new Int32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.n++] = v;
  }
}

export class BprModel {
  readonly factors: number;
  private readonly P: Float32Array;
  private readonly Q: Float32Array;
  private readonly B: Float32Array;
  private readonly rng: Rng;
  private readonly knownUser: Uint8Array;
  private readonly knownStreamer: Uint8Array;
  // the log
  private readonly user = new Column();
  private readonly streamer = new Column();
  private readonly liveSetOf = new Column();
  private readonly liveSets = new Column();
  private readonly liveSetStart = new Column();
  private readonly seenList = new Column();
  private readonly seen: Uint8Array;
  private order = new Int32Array(0);

  constructor(
    readonly users: number,
    readonly streamers: number,
    private readonly hyper: BprHyperParams,
    seed: number,
  ) {
    this.factors = hyper.factors;
    this.rng = Rng.derive(seed, 0xb92);
    const k = hyper.factors;
    this.P = new Float32Array(users * k);
    this.Q = new Float32Array(streamers * k);
    this.B = new Float32Array(streamers);
    for (let x = 0; x < this.P.length; x++) this.P[x] = 0.1 * this.rng.normal();
    for (let x = 0; x < this.Q.length; x++) this.Q[x] = 0.1 * this.rng.normal();
    this.knownUser = new Uint8Array(users);
    this.knownStreamer = new Uint8Array(streamers);
    this.seen = new Uint8Array(streamers);
  }

  /** Viewings logged. */
  get logged(): number {
    return this.user.n;
  }

  /** Has training touched user u (one of their viewings)? */
  knowsUser(u: number): boolean {
    return this.knownUser[u] === 1;
  }

  /** Has training touched streamer s (as a positive or a negative)? */
  knowsStreamer(s: number): boolean {
    return this.knownStreamer[s] === 1;
  }

  /** Records the streams live at one moment; returns the live set's id for log(). */
  addLiveSet(live: ArrayLike<number>): number {
    this.liveSetStart.push(this.liveSets.n);
    for (let j = 0; j < live.length; j++) {
      this.liveSets.push(live[j]);
      this.see(live[j]);
    }
    return this.liveSetStart.n - 1;
  }

  /** Logs a viewing of streamer s by user u (liveSet: from addLiveSet, or -1); returns its row. */
  log(u: number, s: number, liveSet: number): number {
    this.user.push(u);
    this.streamer.push(s);
    this.liveSetOf.push(liveSet);
    this.see(s);
    return this.user.n - 1;
  }

  /** `steps` SGD steps on logged row r at once (online fold-in of a new viewing). */
  fold(r: number, steps: number): void {
    for (let q = 0; q < steps; q++) this.sgdStep(r);
    this.knownUser[this.user.data[r]] = 1;
  }

  /** `epochs` passes over the whole log, each in a fresh random order. */
  train(epochs: number): void {
    const n = this.user.n;
    if (n === 0 || epochs === 0) return;
    if (this.order.length < n) this.order = new Int32Array(Math.max(n, 2 * this.order.length));
    const order = this.order.subarray(0, n);
    for (let r = 0; r < n; r++) order[r] = r;
    for (let e = 0; e < epochs; e++) {
      this.rng.shuffle(order);
      for (let q = 0; q < n; q++) this.sgdStep(order[q]);
    }
    const users = this.user.data;
    for (let r = 0; r < n; r++) this.knownUser[users[r]] = 1;
  }

  /** b_s + p_u . q_s. */
  score(u: number, s: number): number {
    const k = this.factors, P = this.P, Q = this.Q;
    let v = this.B[s];
    for (let f = 0, pu = u * k, qs = s * k; f < k; f++) v += P[pu + f] * Q[qs + f];
    return v;
  }

  private sgdStep(r: number): void {
    const u = this.user.data[r], i = this.streamer.data[r];
    const j = this.negative(i, this.liveSetOf.data[r]);
    if (j < 0) return;
    const k = this.factors, P = this.P, Q = this.Q, B = this.B;
    const lr = this.hyper.learningRate, reg = this.hyper.regularization;
    const pu = u * k, qi = i * k, qj = j * k;
    let x = B[i] - B[j];
    for (let f = 0; f < k; f++) x += P[pu + f] * (Q[qi + f] - Q[qj + f]);
    const g = 1 / (1 + Math.exp(x)); // d/dx log sigmoid(x) = sigmoid(-x)
    for (let f = 0; f < k; f++) {
      const p = P[pu + f], a = Q[qi + f], b = Q[qj + f];
      P[pu + f] = p + lr * (g * (a - b) - reg * p);
      Q[qi + f] = a + lr * (g * p - reg * a);
      Q[qj + f] = b + lr * (-g * p - reg * b);
    }
    B[i] += lr * (g - reg * B[i]);
    B[j] += lr * (-g - reg * B[j]);
    this.knownStreamer[i] = 1;
    this.knownStreamer[j] = 1;
  }

  /** A negative for positive i: from live set `set` when it has another stream, else any streamer seen; -1 if none. */
  private negative(i: number, set: number): number {
    if (set >= 0) {
      const from = this.liveSetStart.data[set];
      const to = set + 1 < this.liveSetStart.n ? this.liveSetStart.data[set + 1] : this.liveSets.n;
      if (to - from > 1) {
        for (;;) {
          const j = this.liveSets.data[from + this.rng.int(to - from)];
          if (j !== i) return j;
        }
      }
    }
    const m = this.seenList.n;
    if (m < 2) return -1;
    for (;;) {
      const j = this.seenList.data[this.rng.int(m)];
      if (j !== i) return j;
    }
  }

  private see(s: number): void {
    if (this.seen[s] === 1) return;
    this.seen[s] = 1;
    this.seenList.push(s);
  }
}
