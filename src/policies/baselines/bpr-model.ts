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
 *
 * Training runs in WebAssembly (bpr-kernels.ts: nearly all of a BPR-MF run is training), shuffles,
 * negatives and steps, to the same bits as the TypeScript kept here as its reference (the same
 * generator, handed over and back, drawn in the same order).
 */
import { Rng } from "../../core/random/rng.js";
import { BprKernels, bprKernelsAvailable } from "./bpr-kernels.js";

export interface BprHyperParams {
  readonly factors: number;
  readonly regularization: number;
  readonly learningRate: number;
}

export interface BprModelOptions {
  /**
   * Train in the WebAssembly kernels (bpr-kernels.ts; default: where the runtime has WebAssembly
   * SIMD). false keeps the TypeScript, the reference the kernels are tested against: both give
   * the same bits.
   */
  readonly kernels?: boolean;
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
  // The factors: plain arrays, or views of the kernels' memory (re-read after it grows).
  private P: Float32Array;
  private Q: Float32Array;
  private B: Float32Array;
  private readonly kernels: BprKernels | null;
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
  /** Scratch marks of addLiveSet's duplicate check (all 0 between calls). */
  private readonly liveMark: Uint8Array;
  private order = new Int32Array(0);
  private negatives = new Int32Array(0);

  constructor(
    readonly users: number,
    readonly streamers: number,
    private readonly hyper: BprHyperParams,
    seed: number,
    options: BprModelOptions = {},
  ) {
    this.factors = hyper.factors;
    this.rng = Rng.derive(seed, 0xb92);
    const k = hyper.factors;
    this.kernels = (options.kernels ?? bprKernelsAvailable()) ? new BprKernels(users, streamers, k) : null;
    this.P = this.kernels?.P ?? new Float32Array(users * k);
    this.Q = this.kernels?.Q ?? new Float32Array(streamers * k);
    this.B = this.kernels?.B ?? new Float32Array(streamers);
    for (let x = 0; x < this.P.length; x++) this.P[x] = 0.1 * this.rng.normal();
    for (let x = 0; x < this.Q.length; x++) this.Q[x] = 0.1 * this.rng.normal();
    this.knownUser = new Uint8Array(users);
    this.knownStreamer = new Uint8Array(streamers);
    this.seen = new Uint8Array(streamers);
    this.liveMark = new Uint8Array(streamers);
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

  /**
   * Records the streams live at one moment (distinct streamer indices: a negative is drawn among
   * them until one differs from the viewing's); returns the live set's id for log().
   */
  addLiveSet(live: ArrayLike<number>): number {
    const mark = this.liveMark;
    let bad = "";
    for (let j = 0; j < live.length && bad === ""; j++) {
      const s = live[j];
      if (!this.isStreamer(s)) bad = `entry ${j} is ${s}, not a streamer index in [0, ${this.streamers})`;
      else if (mark[s] === 1) bad = `streamer ${s} is listed twice`;
      else mark[s] = 1;
    }
    for (let j = 0; j < live.length; j++) if (this.isStreamer(live[j])) mark[live[j]] = 0;
    if (bad !== "") throw new RangeError(`BprModel.addLiveSet: ${bad}`);
    this.liveSetStart.push(this.liveSets.n);
    for (let j = 0; j < live.length; j++) {
      this.liveSets.push(live[j]);
      this.see(live[j]);
    }
    return this.liveSetStart.n - 1;
  }

  /** Logs a viewing of streamer s by user u (liveSet: from addLiveSet, or -1); returns its row. */
  log(u: number, s: number, liveSet: number): number {
    // Checked here: the kernels would write outside a factor matrix for an index out of range.
    if (!(Number.isInteger(u) && u >= 0 && u < this.users)) throw new RangeError(`BprModel.log: user ${u} is not in [0, ${this.users})`);
    if (!this.isStreamer(s)) throw new RangeError(`BprModel.log: streamer ${s} is not in [0, ${this.streamers})`);
    if (!(Number.isInteger(liveSet) && liveSet >= -1 && liveSet < this.liveSetStart.n)) {
      throw new RangeError(`BprModel.log: live set ${liveSet} is neither -1 nor one of the ${this.liveSetStart.n} recorded`);
    }
    this.user.push(u);
    this.streamer.push(s);
    this.liveSetOf.push(liveSet);
    this.see(s);
    return this.user.n - 1;
  }

  /** `steps` SGD steps on logged row r at once (online fold-in of a new viewing). */
  fold(r: number, steps: number): void {
    if (!(Number.isInteger(r) && r >= 0 && r < this.user.n)) throw new RangeError(`BprModel.fold: row ${r} is not one of the ${this.user.n} logged`);
    if (!(Number.isInteger(steps) && steps >= 0)) throw new RangeError(`BprModel.fold: steps must be a whole number >= 0, got ${steps}`);
    const kn = this.kernels;
    if (kn !== null) {
      const i = this.streamer.data[r], set = this.liveSetOf.data[r];
      if (this.negatives.length < steps) this.negatives = new Int32Array(steps);
      for (let q = 0; q < steps; q++) {
        const j = (this.negatives[q] = this.negative(i, set));
        if (j < 0) continue;
        this.knownStreamer[i] = 1;
        this.knownStreamer[j] = 1;
      }
      kn.steps(this.user.data[r], i, this.negatives, steps, this.hyper.learningRate, this.hyper.regularization);
      this.readFactors(kn);
    } else {
      for (let q = 0; q < steps; q++) this.sgdStep(r);
    }
    this.knownUser[this.user.data[r]] = 1;
  }

  /** `epochs` passes over the whole log, each in a fresh random order. */
  train(epochs: number): void {
    if (!(Number.isInteger(epochs) && epochs >= 0)) throw new RangeError(`BprModel.train: epochs must be a whole number >= 0, got ${epochs}`);
    const n = this.user.n;
    if (n === 0 || epochs === 0) return;
    const kn = this.kernels;
    if (kn !== null) {
      kn.train({
        user: this.user.data, streamer: this.streamer.data, liveSetOf: this.liveSetOf.data, n,
        liveSets: this.liveSets.data, nLive: this.liveSets.n, liveSetStart: this.liveSetStart.data, nSets: this.liveSetStart.n,
        seenList: this.seenList.data, nSeen: this.seenList.n,
      }, this.knownStreamer, this.rng, epochs, this.hyper.learningRate, this.hyper.regularization);
      this.readFactors(kn);
    } else {
      if (this.order.length < n) this.order = new Int32Array(Math.max(n, 2 * this.order.length));
      const order = this.order.subarray(0, n);
      for (let r = 0; r < n; r++) order[r] = r;
      for (let e = 0; e < epochs; e++) {
        this.rng.shuffle(order);
        for (let q = 0; q < n; q++) this.sgdStep(order[q]);
      }
    }
    const users = this.user.data;
    for (let r = 0; r < n; r++) this.knownUser[users[r]] = 1;
  }

  /** The factors as they are now (views: read, do not keep across training). */
  get parameters(): { readonly P: Float32Array; readonly Q: Float32Array; readonly B: Float32Array } {
    return { P: this.P, Q: this.Q, B: this.B };
  }

  /** b_s + p_u . q_s. */
  score(u: number, s: number): number {
    const k = this.factors, P = this.P, Q = this.Q;
    let v = this.B[s];
    for (let f = 0, pu = u * k, qs = s * k; f < k; f++) v += P[pu + f] * Q[qs + f];
    return v;
  }

  /** The factors' views, re-read after a kernel call (the kernels' memory may have moved). */
  private readFactors(kn: BprKernels): void {
    this.P = kn.P;
    this.Q = kn.Q;
    this.B = kn.B;
  }

  /** One SGD step on logged row r, in TypeScript (the reference of assembly/bpr.ts). */
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

  private isStreamer(s: number): boolean {
    return Number.isInteger(s) && s >= 0 && s < this.streamers;
  }

  private see(s: number): void {
    if (this.seen[s] === 1) return;
    this.seen[s] = 1;
    this.seenList.push(s);
  }
}
