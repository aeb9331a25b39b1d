/**
 * The feature-based Q-function, for catalogues where actions come and go (streamers debut daily):
 *
 *   Q(s, a) = V(s) + <phi(s), psi(a)> + b_a + <phi_g(s), g(s, a)> [+ <w(s), r(u, a)>],   psi(a) = e_a + P x_a
 *   phi(s) = phi_mlp(s) [+ mean over the user's sketched streamers h of F_h] [+ G_user]
 *
 * - an MLP trunk (the WebAssembly kernels of src/core/nn) reads the user part of the state and
 *   outputs V(s), phi(s) (d values) and phi_g(s) (m values);
 * - x_a are the action's features (category, viewers, followers, ...) from an ActionTable, P a
 *   learned projection, e_a and b_a a learned per-action part. Both start at 0, and an action whose
 *   b_a is still exactly 0 has never been trained on (the first update moves it): such an action
 *   (a streamer who debuted after training) is scored with the mean e and b of the trained ones,
 *   as the average streamer with its features, not as a streamer known to be worse (cold start);
 * - g(s, a) are pair features of the user and the action (follows it, watched it, how often, how
 *   recently), carried in the observation as a sketch of the user's K most relevant streamers;
 * - optionally (historyEmbeddings), the user's taste as the mean of learned embeddings F_h of the
 *   streamers in that sketch (as FISM and YouTube's candidate model build a user from their items):
 *   the MLP sees categories and counts, F sees which streamers, so <F_h, psi(a)> learns "who
 *   watches h likes a", and a user is described by their history, new users included;
 * - optionally (layout.userIds), a learned embedding G_u per user: what is known of a user from
 *   before this history began (their past weeks on the platform), zero for a user never trained on;
 * - optionally (layout.pairTableSize, with a PairTable), r(u, a): features of the user's pair with
 *   every candidate, looked up in a table the environment keeps (for liveq, the pair's record of
 *   past weeks), weighed by w(s), more trunk outputs. Unlike g, which only the K sketched streamers
 *   have, r reaches every live stream, and a stored transition keeps only r of the action taken;
 * - optionally (gate), an acceptance gate: Q(s, a) = log sigmoid(z(s, a)) + the score above, z a
 *   second head of this shape with its own trunk and tables (FeatureQOptions.gate). With the
 *   "poisson" loss Q is the log of an expected reward, and a recommendation's expected reward is
 *   the chance it is accepted times what an accepted one earns: the gate is the chance, and its
 *   log saturates where one bilinear score cannot.
 *
 * Serving stays cheap: <phi, P x_a> = <P^T phi, x_a>, so a user costs one d x f product and then
 * each live stream f (+ d with e_a) multiply-adds, plus K sparse terms; nothing is cached per
 * action, so neither a new tick's features nor an update invalidates anything.
 *
 * Training: the embedding tables (E, F, G) get a row-sparse ("lazy") Adam step: only the rows a
 * batch touched move, and only their moments decay (as TensorFlow's LazyAdam and PyTorch's
 * SparseAdam do), at their own rate (lr x embeddingLrScale, see OptimizerOptions); b and P take
 * the dense step at lr. A dense step over every user's row at every update
 * would cost more than the rest of the update together, for rows whose gradient is zero. With the
 * wasm backend the head lives in the kernels' memory and the training pass (forwardChosen,
 * backwardChosen, the Adam step) runs in the kernels, bit for bit the TypeScript loops below
 * (which the reference backend runs, and `trainInKernels: false` for the tests).
 *
 * Observation row layout (see featureObsSize):
 *   [ user features (U) | features of the action taken, when it was taken (f) |
 *     sketch: K x (action slot or -1, pair features (m)) |
 *     the pair table's features of the action taken, when it was taken (r) |
 *     user index, with userIds or a pair table ]
 * When acting, the "action taken" parts are unused. For the Q(s, a) of a stored transition the
 * stored features of the action are used (what the user saw then: the viewers at that moment, the
 * record as it stood). Bootstrap targets score next-state actions with the tables as they are at
 * update time.
 */
import type { Rng } from "../random/rng.js";
import { createQNetwork } from "../nn/create-network.js";
import { Adam, gradNorm } from "../nn/adam.js";
import { logSigmoid, sigmoid } from "../nn/logistic.js";
import type { BackendKind, QNetwork } from "../nn/types.js";
import { WasmBackend } from "../nn/wasm-backend.js";
import { ActionTable } from "./action-table.js";
import type { PairTable } from "./pair-table.js";
import { greedyActions } from "../exploration/epsilon-greedy.js";
import { checkParams } from "./mlp-qfunction.js";
import type { OptimizerOptions, OptimizerState, QFunction, QOptimizer } from "./types.js";

export interface FeatureLayout {
  /** U: user/state features (the trunk's input). */
  readonly userSize: number;
  /** f: features of an action. */
  readonly actionFeatureSize: number;
  /** m: pair features of (user, action). */
  readonly pairSize: number;
  /** K: history entries of the user carried in the observation. */
  readonly sketchSlots: number;
  /**
   * Users with a learned embedding G_u (0 or absent: none). The row then ends with the user's
   * index (or -1 for one without an embedding; with a pair table, every user's index: only those
   * below userIds have a G_u).
   */
  readonly userIds?: number;
  /**
   * r: features per (user, action) pair read from a PairTable for every candidate (0 or absent:
   * none). The row then carries r values for the action taken, and ends with the user's index.
   */
  readonly pairTableSize?: number;
}

/** Whether a row of this layout ends with the user's index (user embeddings or a pair table read by it). */
export function hasUserIndex(l: FeatureLayout): boolean {
  return (l.userIds ?? 0) > 0 || (l.pairTableSize ?? 0) > 0;
}

export function featureObsSize(l: FeatureLayout): number {
  return l.userSize + l.actionFeatureSize + l.sketchSlots * (1 + l.pairSize) + (l.pairTableSize ?? 0) + (hasUserIndex(l) ? 1 : 0);
}

export interface FeatureQOptions {
  readonly layout: FeatureLayout;
  readonly actions: number;
  readonly hidden: readonly number[];
  /** d: size of phi(s) and psi(a). */
  readonly embedding: number;
  readonly backend: BackendKind;
  readonly table: ActionTable;
  /** The pair features of every (user, action), required when layout.pairTableSize > 0. */
  readonly pairTable?: PairTable;
  readonly rng: Rng;
  /**
   * Learn the per-action part e_a, b_a (default true). Off, actions are scored from their features
   * alone: what a model needs when the actions it meets are not the ones it trained on (a new
   * catalogue).
   */
  readonly actionEmbeddings?: boolean;
  /** Add the mean of learned embeddings of the sketched streamers to phi(s) (default false). */
  readonly historyEmbeddings?: boolean;
  /**
   * Optimism for actions never trained on, when choosing greedily (default 0: none): such an
   * action's score is raised by this many standard deviations of the row's scores over the
   * available trained actions (see greedy()). Only greedy() reads it: forward(), and so every
   * bootstrap target, is unchanged.
   */
  readonly coldStartBonus?: number;
  /**
   * With the wasm backend, run the training pass (forwardChosen, backwardChosen, the head's Adam
   * step) in the kernels (default true). false runs the TypeScript loops instead, which give the
   * same bits more slowly: the reference the kernels are tested against.
   */
  readonly trainInKernels?: boolean;
  /**
   * An acceptance gate (absent: none): Q(s, a) = log sigmoid(z(s, a)) + the score above, where z is
   * a second feature head of its own (its own trunk, embeddings and projection, on the same rows
   * and tables). With the "poisson" loss Q is the log of the expected reward, which is a product:
   * the chance the user accepts the recommendation times what they then give. A chance saturates
   * (log sigmoid is flat once a stream is surely accepted, linear while it is not), which one
   * bilinear score cannot do: it has to trade taste against value at one rate for every stream,
   * where a stream surely accepted should be ranked by its value alone.
   */
  readonly gate?: GateOptions;
}

/** The acceptance gate of a FeatureQFunction (see FeatureQOptions.gate). */
export interface GateOptions {
  /** The gate's trunk's hidden layers. */
  readonly hidden: readonly number[];
  /** The size of the gate's phi(s) and psi(a). */
  readonly embedding: number;
  /**
   * The weight of the gate's own objective beside the reward's: the logistic loss of sigmoid(z)
   * against whether the target was positive (a recommendation accepted earns a reward, a declined
   * one earns 0), per row as the reward's loss is, so z learns the chance of acceptance directly;
   * 0 = the gate learns only through the reward's loss. Needs targets in backwardChosen. Not
   * weighted by a prioritized replay's importance weights, and not part of the loss DqnAgent reports.
   */
  readonly labelWeight: number;
}

/** The optimizer of one head (see FeatureQFunction.partOptimizer). */
interface PartOptimizer {
  squares(): number;
  apply(scale: number): void;
  setLr(lr: number): void;
  getState(): OptimizerState;
  setState(s: OptimizerState): void;
}

export class FeatureQFunction implements QFunction {
  readonly kind = "feature" as const;
  readonly obsSize: number;
  readonly actions: number;
  readonly paramCount: number;
  readonly layout: FeatureLayout;
  readonly embedding: number;
  readonly table: ActionTable;
  readonly trunk: QNetwork;
  readonly actionEmbeddings: boolean;
  readonly historyEmbeddings: boolean;
  readonly coldStartBonus: number;
  /** The acceptance gate's head (null: none): see FeatureQOptions.gate. */
  readonly gate: FeatureQFunction | null;
  private readonly gateLabelWeight: number;
  /** The gate's z(s, a) of each row of the last forwardChosen, and its gradient. */
  private gateZ = new Float32Array(0);
  private gateGrad = new Float32Array(0);
  /**
   * Head parameters: E (A x d) | b (A) | P (d x f) | F (A x d, with historyEmbeddings) | G (userIds x d).
   * With the wasm backend a view of the kernels' memory (see `heads`): read it anew after a call
   * that may grow that memory (any forward), as a view taken before would then be empty.
   */
  get head(): Float32Array {
    return this.views().head;
  }
  /** The head's gradient (same layout and caveat as head). */
  get headGrad(): Float32Array {
    return this.views().grad;
  }
  /** The head's length in floats. */
  private readonly headSize: number;
  /**
   * The head, its gradient and Adam's moments for it (head-sized each), and the list of touched
   * embedding rows: plain arrays with the reference backend; with the wasm backend, views of the
   * kernels' memory at the byte offsets in `heads` (the training kernels work on them in place).
   */
  private hv: { head: Float32Array; grad: Float32Array; m: Float32Array; v: Float32Array; rows: Int32Array };
  private readonly heads = { head: 0, grad: 0, m: 0, v: 0, rows: 0, end: 0 };
  private readonly eOff = 0;
  private readonly bOff: number;
  private readonly pOff: number;
  private readonly fOff: number;
  private readonly gOff: number;
  private readonly userIds: number;
  private readonly outSize: number;
  /** The pair table (null: none), its r, and where a row holds r(u, a) of the action taken. */
  private readonly pairTable: PairTable | null;
  private readonly tableSize: number;
  private readonly tableAt: number;
  private readonly userIndexed: boolean;
  /** r(u, a) of each row of the last forwardChosen, for the backward pass. */
  private tableChosen = new Float32Array(0);

  /** The mean e_a (d) and b_a of the trained actions: the prior of an action never trained on. */
  private priorE = new Float32Array(0);
  private priorB = 0;
  /** P^T phi(s) of one row while acting. */
  private wRow = new Float32Array(0);
  /** Rows of E, F and G the current gradient touches (their ids, in hv.rows), and a flag per row. */
  private touchedCount = 0;
  private readonly rowTouched: Uint8Array;

  private capacity = 0;
  private userBuf = new Float32Array(0);
  private qBuf = new Float32Array(0);
  private outCopy = new Float32Array(0);
  private psiChosen = new Float32Array(0);
  private gChosen = new Float32Array(0);
  private xChosen = new Float32Array(0);
  private dOut = new Float32Array(0);
  /** phi(s) of one row while acting (trunk part plus history part). */
  private phiRow = new Float32Array(0);
  /** The sketched slots of each row of the last forwardChosen (-1 = none), for F's gradient. */
  private slotsChosen = new Int32Array(0);
  /** The user index of each row of the last forwardChosen (-1 = none). */
  private userChosen = new Int32Array(0);
  /** The rows of the last forwardChosen marked for action dropout (1), when any was (`anyDropped`). */
  private droppedChosen = new Uint8Array(0);
  private anyDropped = false;
  private lastBatch = 0;
  /**
   * With the wasm backend, the kernels that score every action (forward), train on the chosen ones
   * (forwardChosen, backwardChosen, the head's Adam step) and their memory: the head's arrays
   * (`heads`), then the arena, at byte offsets: the staging rows of X, M = [E' ; X^T ; 1], c = b'
   * (A), zeros, the prior (d), x (capacity x nIn, nIn = d + f + 1), the sketched streamers of each
   * row (capacity x K, int32, -1 = none), y (capacity x A), a row's available columns and the masks;
   * then the training pass's buffers (see layOutArena). The reference backend does all of
   * this in TypeScript (null).
   */
  private readonly kernels: WasmBackend | null;
  /** Whether forwardChosen, backwardChosen and the head's Adam step run in the kernels. */
  private readonly trainKernels: boolean;
  private readonly arena = {
    nIn: 0, stage: 0, m: 0, c: 0, zeros: 0, prior: 0, x: 0, idx: 0, y: 0, cols: 0, mask: 0,
    obs: 0, phi: 0, psi: 0, pair: 0, xs: 0, slots: 0, users: 0, act: 0, grad: 0, dOut: 0, q: 0, drop: 0, end: 0,
  };
  private arenaF32 = new Float32Array(0);
  private arenaI32 = new Int32Array(0);

  constructor(o: FeatureQOptions) {
    const l = o.layout;
    for (const [k, v] of Object.entries(l)) {
      if (!Number.isInteger(v) || v < 0) throw new RangeError(`FeatureQFunction: layout.${k} must be an integer >= 0, got ${v}`);
    }
    if (l.userSize < 1) throw new RangeError("FeatureQFunction: layout.userSize must be >= 1");
    if (!Number.isInteger(o.embedding) || o.embedding < 1) throw new RangeError(`FeatureQFunction: embedding must be a positive integer, got ${o.embedding}`);
    if (o.table.actions !== o.actions || o.table.featureSize !== l.actionFeatureSize) {
      throw new RangeError(`FeatureQFunction: the action table is ${o.table.actions} x ${o.table.featureSize}, expected ${o.actions} x ${l.actionFeatureSize}`);
    }
    this.layout = l;
    this.actions = o.actions;
    this.embedding = o.embedding;
    this.table = o.table;
    this.obsSize = featureObsSize(l);
    this.tableSize = l.pairTableSize ?? 0;
    if (this.tableSize > 0) {
      const t = o.pairTable;
      if (t === undefined) throw new RangeError(`FeatureQFunction: layout.pairTableSize is ${this.tableSize}: a pair table is required`);
      if (t.actions !== o.actions || t.featureSize !== this.tableSize) {
        throw new RangeError(`FeatureQFunction: the pair table has ${t.actions} actions x ${t.featureSize} features a pair, expected ${o.actions} x ${this.tableSize}`);
      }
    } else if (o.pairTable !== undefined) {
      throw new RangeError("FeatureQFunction: a pair table was given but layout.pairTableSize is 0");
    }
    this.pairTable = o.pairTable ?? null;
    this.tableAt = l.userSize + l.actionFeatureSize + l.sketchSlots * (1 + l.pairSize);
    this.userIndexed = hasUserIndex(l);
    this.outSize = 1 + o.embedding + l.pairSize + this.tableSize;
    this.trunk = createQNetwork({ inputSize: l.userSize, hidden: o.hidden, actions: this.outSize, head: "linear" }, { backend: o.backend, rng: o.rng });
    const A = o.actions, d = o.embedding, f = l.actionFeatureSize;
    this.bOff = A * d;
    this.pOff = A * d + A;
    this.fOff = A * d + A + d * f;
    this.historyEmbeddings = o.historyEmbeddings ?? false;
    // F starts at 0: psi(a) is not, so F learns from the first update (and an unused F draws nothing).
    this.gOff = this.fOff + (this.historyEmbeddings ? A * d : 0);
    this.userIds = l.userIds ?? 0;
    // G starts at 0 too: a user never trained on is described by their features and history alone.
    const n = this.gOff + this.userIds * d;
    this.headSize = n;
    let paramCount = this.trunk.paramCount + n;
    this.rowTouched = new Uint8Array(A + (n - this.fOff) / d);
    this.kernels = o.backend === "wasm" ? new WasmBackend() : null;
    this.trainKernels = this.kernels !== null && (o.trainInKernels ?? true);
    if (this.kernels !== null) {
      // The head's arrays first in the kernels' memory, the scoring arena after them.
      const at = (bytes: number): number => Math.ceil(bytes / 64) * 64, h = this.heads;
      h.head = at(this.kernels.base);
      h.grad = at(h.head + n * 4);
      h.m = at(h.grad + n * 4);
      h.v = at(h.m + n * 4);
      h.rows = at(h.v + n * 4);
      h.end = at(h.rows + this.rowTouched.length * 4);
      this.kernels.reserve(h.end + 16);
      this.hv = this.viewsOf(this.kernels.memory());
    } else {
      this.hv = {
        head: new Float32Array(n), grad: new Float32Array(n), m: new Float32Array(n), v: new Float32Array(n),
        rows: new Int32Array(this.rowTouched.length),
      };
    }
    this.actionEmbeddings = o.actionEmbeddings ?? true;
    this.coldStartBonus = o.coldStartBonus ?? 0;
    if (!(this.coldStartBonus >= 0 && Number.isFinite(this.coldStartBonus))) throw new RangeError(`FeatureQFunction: coldStartBonus must be a finite number >= 0, got ${o.coldStartBonus}`);
    // Per-action embeddings start at 0, which marks a streamer never trained on (see prior());
    // the projection starts like a linear layer's default init.
    const bound = f > 0 ? 1 / Math.sqrt(f) : 0;
    for (let i = 0; i < d * f; i++) this.head[this.pOff + i] = o.rng.uniform(-bound, bound);
    this.phiRow = new Float32Array(d);
    this.priorE = new Float32Array(d);
    this.wRow = new Float32Array(f);
    if (this.kernels !== null) this.layOutArena(0);
    // The gate last, so that a head without one draws the same initial weights.
    const g = o.gate;
    if (g !== undefined) {
      if (!(g.labelWeight >= 0 && Number.isFinite(g.labelWeight))) throw new RangeError(`FeatureQFunction: gate.labelWeight must be a finite number >= 0, got ${g.labelWeight}`);
      const { gate: _, ...rest } = o;
      this.gate = new FeatureQFunction({ ...rest, hidden: g.hidden, embedding: g.embedding, coldStartBonus: 0 });
      paramCount += this.gate.paramCount;
    } else {
      this.gate = null;
    }
    this.gateLabelWeight = g?.labelWeight ?? 0;
    this.paramCount = paramCount;
  }

  /** The parameters of this head without its gate's (they come first in exportParams). */
  private get ownParamCount(): number {
    return this.trunk.paramCount + this.headSize;
  }

  forward(obs: Float32Array, batch: number, mask: Uint8Array | null = null): Float32Array {
    this.checkObs("forward", obs, batch);
    if (mask !== null && !(mask instanceof Uint8Array && mask.length >= batch * this.actions)) {
      throw new RangeError(`forward: mask must hold batch * actions = ${batch * this.actions} bytes, got ${mask?.length}`);
    }
    this.ensure(batch);
    const out = this.trunkForward(obs, batch);
    if (this.kernels !== null) this.scoreAllKernel(obs, batch, mask, out);
    else this.scoreAllReference(obs, batch, mask, out);
    const q = this.qBuf;
    for (let r = 0; r < batch; r++) this.addPairTerms(obs, r, mask, out, q);
    if (this.pairTable !== null) for (let r = 0; r < batch; r++) this.addTableTerms(obs, r, mask, out, q);
    if (this.gate !== null) {
      // + log sigmoid(z): the gate's scores, computed after this head's (each head keeps its own buffers).
      const z = this.gate.forward(obs, batch, mask), n = batch * this.actions;
      for (let i = 0; i < n; i++) if (mask === null || mask[i] !== 0) q[i] += logSigmoid(z[i]);
    }
    return q.subarray(0, batch * this.actions);
  }

  /**
   * The reference backend's scoring, in plain TypeScript: per row one d x f product
   * (<phi, P x_a> = <P^T phi, x_a>), then per action f (+ d with e_a) multiply-adds; masked
   * actions at -infinity and skipped.
   */
  private scoreAllReference(obs: Float32Array, batch: number, mask: Uint8Array | null, out: Float32Array): void {
    const A = this.actions, d = this.embedding, O = this.outSize, f = this.layout.actionFeatureSize;
    const head = this.head, bOff = this.bOff, pOff = this.pOff, q = this.qBuf, X = this.table.features;
    const own = this.actionEmbeddings, phi = this.phiRow, w = this.wRow, priorE = this.priorE;
    if (own) this.prior();
    const priorB = this.priorB;
    for (let r = 0; r < batch; r++) {
      const o = r * O;
      const v = out[o];
      const qRow = r * A;
      for (let k = 0; k < d; k++) phi[k] = out[o + 1 + k];
      if (this.historyEmbeddings) this.addHistory(obs, r, phi, 0, null);
      if (this.userIds > 0) this.addUser(obs, r, phi, 0);
      w.fill(0);
      for (let k = 0; k < d; k++) {
        const pk = phi[k], row = pOff + k * f;
        for (let j = 0; j < f; j++) w[j] += pk * head[row + j];
      }
      for (let a = 0; a < A; a++) {
        if (mask !== null && mask[qRow + a] === 0) {
          q[qRow + a] = -Infinity;
          continue;
        }
        let s = v;
        const x = a * f;
        for (let j = 0; j < f; j++) s += w[j] * X[x + j];
        if (own) {
          if (head[bOff + a] !== 0) {
            s += head[bOff + a];
            const e = a * d;
            for (let k = 0; k < d; k++) s += phi[k] * head[e + k];
          } else {
            s += priorB;
            for (let k = 0; k < d; k++) s += phi[k] * priorE[k];
          }
        }
        q[qRow + a] = s;
      }
    }
  }

  /**
   * The wasm backend's scoring: every action of every row as one matrix product in the SIMD
   * kernels (masked actions at -infinity):
   *
   *   Q = [phi | P^T phi | V] x [E' ; X^T ; 1] + b'   (batch x A)
   *
   * where E' and b' are E and b with the prior in the rows of actions never trained on (b_a
   * exactly 0); without action embeddings, [P^T phi | V] x [X^T ; 1]. The prior (the mean over the
   * trained actions) comes from headPrior, the P^T phi column block from the same product kernel,
   * reading P where it lives. The action side is laid out anew on every call: E, b and the
   * table's features change between calls, and copying them is a small part of the product. With
   * a mask, only the available actions are scored (the streams live now: a few dozen of hundreds),
   * each to the same bits as the whole product gives.
   */
  private scoreAllKernel(obs: Float32Array, batch: number, mask: Uint8Array | null, out: Float32Array): void {
    const k = this.kernels!, lay = this.arena, mem = this.arenaView();
    const A = this.actions, d = this.embedding, O = this.outSize, f = this.layout.actionFeatureSize;
    const head = this.head, bOff = this.bOff, own = this.actionEmbeddings, hp = this.heads.head;
    const stage = lay.stage >> 2, c = lay.c >> 2, L = lay.nIn;
    // The action side: M = [E' ; X^T ; 1] (its rows are columns of x) and c = b'. E and b are read
    // where they live (the head is in the kernels' memory), the prior written over the columns of
    // the actions never trained on.
    let mRow = 0;
    if (own) {
      mem.set(head.subarray(bOff, bOff + A), c);
      this.priorInKernels();
      const pe = this.priorE;
      k.transpose(hp, lay.m, d, A);
      const mf = lay.m >> 2;
      for (let a = 0; a < A; a++) {
        if (head[bOff + a] !== 0) continue;
        for (let j = 0; j < d; j++) mem[mf + j * A + a] = pe[j];
        mem[c + a] = this.priorB;
      }
      mRow = d;
    } else {
      mem.fill(0, c, c + A);
    }
    if (f > 0) {
      mem.set(this.table.features.subarray(0, A * f), stage);
      k.transpose(lay.stage, lay.m + mRow * A * 4, f, A);
    }
    const ones = (lay.m >> 2) + (mRow + f) * A;
    mem.fill(1, ones, ones + A);
    // The user side, one row of x per state: [phi | P^T phi | V]. phi is the trunk's part plus
    // the user's embedding (added here) plus the mean embedding of the sketched streamers (by a
    // kernel, from the row's list of them); P^T phi is another product of the kernel.
    const x = lay.x >> 2, ids = this.arenaI32, K = this.layout.sketchSlots, m = this.layout.pairSize;
    const sketch = this.layout.userSize + f, S = this.obsSize;
    for (let r = 0; r < batch; r++) {
      const xr = x + r * L, o = r * O;
      mem.set(out.subarray(o + 1, o + 1 + d), xr);
      if (this.userIds > 0) this.addUser(obs, r, mem, xr);
      mem[xr + d + f] = out[o];
      if (this.historyEmbeddings) {
        const row = r * S + sketch, at = (lay.idx >> 2) + r * K;
        for (let j = 0; j < K; j++) {
          const h = obs[row + j * (1 + m)];
          ids[at + j] = h >= 0 && h < A ? h : -1;
        }
      }
    }
    if (this.historyEmbeddings) k.addRowMeans(lay.x, L, hp + this.fOff * 4, lay.idx, batch, K, d);
    if (f > 0) k.matmulAddRow(lay.x, L, hp + this.pOff * 4, lay.zeros, lay.x + d * 4, L, batch, d, f);
    // The columns of x to score with: all of [phi | P^T phi | V], or [P^T phi | V] without e_a.
    const xFrom = own ? lay.x : lay.x + d * 4, nIn = own ? L : f + 1;
    if (mask === null) k.matmulAddRow(xFrom, L, lay.m, lay.c, lay.y, A, batch, nIn, A);
    else {
      new Uint8Array(mem.buffer, lay.mask, batch * A).set(mask.subarray(0, batch * A));
      k.matmulAddRowMasked(xFrom, L, lay.m, lay.c, lay.y, A, batch, nIn, A, lay.mask, lay.cols);
    }
    this.qBuf.set(mem.subarray(lay.y >> 2, (lay.y >> 2) + batch * A));
  }

  /** Adds the pair-feature terms <phi_g(s), g(s, a)> of row r's sketched streamers to q (available ones only). */
  private addPairTerms(obs: Float32Array, r: number, mask: Uint8Array | null, out: Float32Array, q: Float32Array): void {
    const A = this.actions, m = this.layout.pairSize, o = r * this.outSize + 1 + this.embedding;
    const row = r * this.obsSize + this.layout.userSize + this.layout.actionFeatureSize, qRow = r * A;
    for (let k = 0; k < this.layout.sketchSlots; k++) {
      const e = row + k * (1 + m);
      const a = obs[e];
      if (!(a >= 0 && a < A)) continue;
      if (mask !== null && mask[qRow + a] === 0) continue;
      let s = 0;
      for (let j = 0; j < m; j++) s += out[o + j] * obs[e + 1 + j];
      q[qRow + a] += s;
    }
  }

  /**
   * Adds <w(s), r(u, a)> to q for every available action of row r: w is the trunk's last r
   * outputs, r(u, a) the pair table's row for the row's user (none for a user outside the table).
   * In TypeScript, a pass over the row's actions: on the demo's shape it makes masked scoring
   * 1.4x slower (`npm run bench:feature-head`, about 1 us a decision), a small part of training,
   * whose rows it makes narrower than a sketch wide enough to hold the record of every live stream.
   */
  private addTableTerms(obs: Float32Array, r: number, mask: Uint8Array | null, out: Float32Array, q: Float32Array): void {
    const t = this.pairTable!, A = this.actions, R = this.tableSize;
    const u = obs[(r + 1) * this.obsSize - 1];
    if (!(u >= 0 && u < t.users)) return;
    const w = r * this.outSize + this.outSize - R, T = t.features, base = u * A * R, qRow = r * A;
    for (let a = 0; a < A; a++) {
      if (mask !== null && mask[qRow + a] === 0) continue;
      let s = 0;
      for (let j = 0; j < R; j++) s += out[w + j] * T[base + a * R + j];
      q[qRow + a] += s;
    }
  }

  /**
   * The training pass's part of <w(s), r(u, a)>: for each row, r of the action taken as the row
   * stored it (kept for the backward pass), its term added to result. The same TypeScript after
   * either path's pass, so both still agree bit for bit.
   */
  private addChosenTableTerms(obs: Float32Array, batch: number, out: Float32Array, result: Float32Array): void {
    const R = this.tableSize, O = this.outSize, S = this.obsSize, tc = this.tableChosen;
    for (let r = 0; r < batch; r++) {
      const w = r * O + O - R, at = r * S + this.tableAt;
      let s = 0;
      for (let j = 0; j < R; j++) {
        tc[r * R + j] = obs[at + j];
        s += out[w + j] * obs[at + j];
      }
      result[r] += s;
    }
  }

  /** The gradient of the r(u, a) terms for w(s): dOut's last r columns of each row (dOut at `from`, stride outSize). */
  private tableGradients(grad: Float32Array, batch: number, dOut: Float32Array, from: number): void {
    const R = this.tableSize, O = this.outSize, tc = this.tableChosen;
    for (let r = 0; r < batch; r++) {
      const at = from + r * O + O - R;
      for (let j = 0; j < R; j++) dOut[at + j] = grad[r] * tc[r * R + j];
    }
  }

  /**
   * The best available action of each row, with the cold-start bonus: an action never trained on
   * (a streamer who debuted after training) is scored with the prior, the average trained
   * streamer with its features, and then raised by coldStartBonus standard deviations of the
   * row's scores over the trained ones. Greedy on the prior alone, a newcomer is almost never
   * anyone's best, so it never gets the viewers whose feedback would teach the model about it; the
   * bonus is optimism in the face of uncertainty, sized in the row's own units (Q values of one
   * platform can be 5 or 50), and it fades for a streamer as soon as one update trains it.
   */
  greedy(obs: Float32Array, batch: number, mask: Uint8Array | null, out: Int32Array): void {
    greedyActions(this.serveScores(obs, batch, mask), batch, this.actions, mask, out);
  }

  /** Q(s, .) with the cold-start bonus on the untrained available actions (what greedy maximises). */
  serveScores(obs: Float32Array, batch: number, mask: Uint8Array | null): Float32Array {
    const q = this.forward(obs, batch, mask);
    if (this.coldStartBonus > 0 && this.actionEmbeddings) this.addColdStartBonus(q, batch, mask);
    return q;
  }

  /** Raises the untrained available actions of each row of q (forward's buffer) by the bonus. */
  private addColdStartBonus(q: Float32Array, batch: number, mask: Uint8Array | null): void {
    const A = this.actions, head = this.head, bOff = this.bOff;
    for (let r = 0; r < batch; r++) {
      const row = r * A;
      let n = 0, mean = 0, m2 = 0, untrained = 0;
      for (let a = 0; a < A; a++) {
        if (mask !== null && mask[row + a] === 0) continue;
        if (head[bOff + a] === 0) {
          untrained++;
          continue;
        }
        // Welford's running mean and variance: one pass, no cancellation.
        const v = q[row + a], delta = v - mean;
        mean += delta / ++n;
        m2 += delta * (v - mean);
      }
      if (untrained === 0 || n < 2) continue;
      const bonus = this.coldStartBonus * Math.sqrt(m2 / n);
      for (let a = 0; a < A; a++) {
        if ((mask === null || mask[row + a] !== 0) && head[bOff + a] === 0) q[row + a] += bonus;
      }
    }
  }

  /**
   * Q(s, a) of each row's action, for the training pass. A row marked in `dropped` (action dropout,
   * as DropoutNet drops a recommender's preference input: Volkovs et al., NeurIPS 2017) scores its
   * action as one never trained on, with the prior e and b, and its gradient leaves that action's
   * own e_a, b_a alone: the features' part P x_a (and the prior) then learn to score a streamer
   * without its own part, which is all a newcomer has when serving. No effect without actionEmbeddings.
   */
  forwardChosen(obs: Float32Array, actions: Int32Array, batch: number, result: Float32Array, dropped: Uint8Array | null = null): void {
    this.forwardChosenOwn(obs, actions, batch, result, dropped);
    if (this.gate === null) return;
    if (this.gateZ.length < batch) {
      this.gateZ = new Float32Array(batch);
      this.gateGrad = new Float32Array(batch);
    }
    const z = this.gateZ;
    this.gate.forwardChosen(obs, actions, batch, z, dropped);
    for (let r = 0; r < batch; r++) result[r] += logSigmoid(z[r]);
  }

  /** forwardChosen of this head's own score (without the gate). */
  private forwardChosenOwn(obs: Float32Array, actions: Int32Array, batch: number, result: Float32Array, dropped: Uint8Array | null): void {
    this.checkObs("forwardChosen", obs, batch);
    this.checkActions("forwardChosen", actions, batch);
    if (!(result instanceof Float32Array) || result.length < batch) throw new RangeError(`forwardChosen: result must hold batch = ${batch} values, got ${result?.length}`);
    if (dropped !== null && (!(dropped instanceof Uint8Array) || dropped.length < batch)) throw new RangeError(`forwardChosen: dropped must be a Uint8Array of batch = ${batch} flags, got ${dropped?.length}`);
    this.ensure(batch);
    this.anyDropped = false;
    if (dropped !== null && this.actionEmbeddings) {
      for (let r = 0; r < batch; r++) {
        this.droppedChosen[r] = dropped[r] !== 0 ? 1 : 0;
        if (dropped[r] !== 0) this.anyDropped = true;
      }
    }
    const out = this.trunkForward(obs, batch);
    if (this.trainKernels) {
      this.forwardChosenKernel(obs, actions, batch, out, result);
      if (this.tableSize > 0) this.addChosenTableTerms(obs, batch, out, result);
      return;
    }
    const O = this.outSize, d = this.embedding, m = this.layout.pairSize, f = this.layout.actionFeatureSize;
    const U = this.layout.userSize, K = this.layout.sketchSlots;
    this.outCopy.set(out.subarray(0, batch * O));
    const head = this.head, pOff = this.pOff, own = this.actionEmbeddings;
    if (own) this.prior();
    for (let r = 0; r < batch; r++) {
      const a = actions[r];
      // An action never trained on is scored with the prior, as forward() does; its gradient goes to
      // its own e_a and b_a, which from then on are its own. So is a dropped row's action (its own
      // part then takes no gradient).
      const fresh = own && ((this.anyDropped && this.droppedChosen[r] !== 0) || head[this.bOff + a] === 0);
      const row = r * this.obsSize;
      const o = r * O;
      // phi(s), kept in outCopy for the backward pass: the trunk's, plus the history part.
      if (this.historyEmbeddings) this.addHistory(obs, r, this.outCopy, o + 1, this.slotsChosen);
      if (this.userIds > 0) this.userChosen[r] = this.addUser(obs, r, this.outCopy, o + 1);
      const phi = this.outCopy;
      // psi(a) = e_a + P x_a with the features the action had when it was chosen.
      for (let j = 0; j < f; j++) this.xChosen[r * f + j] = obs[row + U + j];
      let s = out[o] + (fresh ? this.priorB : head[this.bOff + a]);
      for (let k = 0; k < d; k++) {
        let p = fresh ? this.priorE[k] : head[a * d + k];
        for (let j = 0; j < f; j++) p += head[pOff + k * f + j] * obs[row + U + j];
        this.psiChosen[r * d + k] = p;
        s += phi[o + 1 + k] * p;
      }
      // g(s, a) from the sketch, zero when a is not in it.
      this.gChosen.fill(0, r * m, (r + 1) * m);
      const base = row + U + f;
      for (let k = 0; k < K; k++) {
        const e = base + k * (1 + m);
        if (obs[e] !== a) continue;
        for (let j = 0; j < m; j++) {
          this.gChosen[r * m + j] = obs[e + 1 + j];
          s += out[o + 1 + d + j] * obs[e + 1 + j];
        }
        break;
      }
      result[r] = s;
    }
    if (this.tableSize > 0) this.addChosenTableTerms(obs, batch, out, result);
    this.lastBatch = batch;
  }

  /**
   * With a gate, `targets` (the rows' targets, as the loss saw them) let the gate learn from
   * whether each was positive (GateOptions.labelWeight); without them it learns through the
   * reward's loss alone.
   */
  backwardChosen(actions: Int32Array, grad: Float32Array, targets: Float32Array | null = null): void {
    const gate = this.gate, batch = this.lastBatch;
    if (gate !== null && targets !== null && !(targets instanceof Float32Array && targets.length >= batch)) {
      throw new RangeError(`backwardChosen: targets must be a Float32Array of the ${batch} rows of the last forwardChosen, got ${targets?.constructor?.name} of ${targets?.length}`);
    }
    this.backwardChosenOwn(actions, grad);
    if (gate === null) return;
    // d log sigmoid(z) / dz = 1 - sigmoid(z); the logistic loss adds (sigmoid(z) - label) / batch,
    // the per-row weight the reward's mean loss gives its own rows (unweighted: the platform's
    // replay is uniform, and a prioritized replay's weights are left to the reward's loss).
    const z = this.gateZ, gz = this.gateGrad, w = targets === null ? 0 : this.gateLabelWeight / batch;
    for (let r = 0; r < batch; r++) {
      const s = sigmoid(z[r]);
      gz[r] = grad[r] * (1 - s) + (w > 0 ? w * (s - (targets![r] > 0 ? 1 : 0)) : 0);
    }
    gate.backwardChosen(actions, gz.subarray(0, batch));
  }

  /** backwardChosen of this head's own score (without the gate). */
  private backwardChosenOwn(actions: Int32Array, grad: Float32Array): void {
    const batch = this.lastBatch;
    if (batch === 0) throw new Error("backwardChosen: call forwardChosen first");
    if (!(grad instanceof Float32Array) || grad.length < batch) throw new RangeError(`backwardChosen: grad must hold the ${batch} rows of the last forwardChosen, got ${grad?.length}`);
    this.checkActions("backwardChosen", actions, batch);
    const O = this.outSize, d = this.embedding, m = this.layout.pairSize, f = this.layout.actionFeatureSize;
    const dOut = this.dOut, hg = this.headGrad, phi = this.outCopy;
    // Zero the dense part and the rows the last gradient touched (the other rows are still 0).
    hg.fill(0, this.bOff, this.fOff);
    for (let i = 0; i < this.touchedCount; i++) {
      const at = this.rowOffset(this.hv.rows[i]);
      hg.fill(0, at, at + d);
      this.rowTouched[this.hv.rows[i]] = 0;
    }
    this.touchedCount = 0;
    const A = this.actions, fRows = this.historyEmbeddings ? A : 0;
    if (this.trainKernels) {
      this.backwardChosenKernel(actions, grad, batch);
      return;
    }
    for (let r = 0; r < batch; r++) {
      const g = grad[r];
      const a = actions[r];
      const o = r * O;
      dOut[o] = g;
      for (let k = 0; k < d; k++) dOut[o + 1 + k] = g * this.psiChosen[r * d + k];
      for (let j = 0; j < m; j++) dOut[o + 1 + d + j] = g * this.gChosen[r * m + j];
      const own = this.actionEmbeddings && !(this.anyDropped && this.droppedChosen[r] !== 0);
      if (own) {
        // An action never trained on was scored with the prior (forwardChosen): its own e_a and
        // b_a start there, so that its first step moves it from where it stood, not from 0 (a
        // streamer met after training would otherwise drop from the average to nothing).
        if (this.head[this.bOff + a] === 0) this.startAtPrior(a);
        hg[this.bOff + a] += g;
        this.touch(a);
      }
      for (let k = 0; k < d; k++) {
        const gp = g * phi[o + 1 + k];
        if (own) hg[a * d + k] += gp;
        for (let j = 0; j < f; j++) hg[this.pOff + k * f + j] += gp * this.xChosen[r * f + j];
      }
      if (this.historyEmbeddings) {
        // dQ/dF_h = psi(a) / n for each of the n sketched streamers h.
        const K = this.layout.sketchSlots, slots = this.slotsChosen;
        let n = 0;
        while (n < K && slots[r * K + n] >= 0) n++;
        for (let k = 0; k < n; k++) {
          this.touch(A + slots[r * K + k]);
          const h = this.fOff + slots[r * K + k] * d;
          for (let c = 0; c < d; c++) hg[h + c] += (g * this.psiChosen[r * d + c]) / n;
        }
      }
      const u = this.userIds > 0 ? this.userChosen[r] : -1;
      if (u >= 0) {
        this.touch(A + fRows + u);
        for (let c = 0; c < d; c++) hg[this.gOff + u * d + c] += g * this.psiChosen[r * d + c];
      }
    }
    if (this.tableSize > 0) this.tableGradients(grad, batch, dOut, 0);
    this.trunk.backward(dOut.subarray(0, batch * O));
  }

  /**
   * forwardChosen in the kernels, bit for bit the TypeScript loop: the rows, the trunk's outputs and
   * the actions go into the arena, where the backward pass finds what it needs.
   */
  private forwardChosenKernel(obs: Float32Array, actions: Int32Array, batch: number, out: Float32Array, result: Float32Array): void {
    const k = this.kernels!, lay = this.arena, l = this.layout, S = this.obsSize, O = this.outSize, d = this.embedding;
    const mem = this.arenaView(), ints = this.arenaI32;
    mem.set(obs.subarray(0, batch * S), lay.obs >> 2);
    mem.set(out.subarray(0, batch * O), lay.phi >> 2);
    ints.set(actions.subarray(0, batch), lay.act >> 2);
    const own = this.actionEmbeddings;
    // The prior in the arena too (startAtPrior reads what it leaves in priorE, priorB).
    if (own) this.priorInKernels();
    k.featureChosenForward(
      lay.obs, S, l.userSize, l.actionFeatureSize, l.pairSize, l.sketchSlots,
      lay.phi, O, lay.act, batch,
      this.heads.head, this.actions, d, this.bOff, this.pOff, this.fOff, this.gOff,
      own ? 1 : 0, this.historyEmbeddings ? 1 : 0, this.userIds, lay.prior, this.priorB,
      lay.psi, lay.pair, lay.xs, lay.slots, lay.users, lay.q, this.dropInKernels(batch),
    );
    result.set(mem.subarray(lay.q >> 2, (lay.q >> 2) + batch));
    this.lastBatch = batch;
  }

  /**
   * backwardChosen in the kernels, bit for bit the TypeScript loop (the head's gradient was zeroed
   * where it must be): the rows' actions, sketched streamers and users are marked as touched here,
   * in the loop's order (the Adam step and the gradient's norm go through them in that order), and a
   * never-trained action starts at the prior; the kernel then adds every row's gradient.
   */
  private backwardChosenKernel(actions: Int32Array, grad: Float32Array, batch: number): void {
    const k = this.kernels!, lay = this.arena, l = this.layout, A = this.actions, K = l.sketchSlots;
    const mem = this.arenaView(), head = this.head, ints = this.arenaI32, fRows = this.historyEmbeddings ? A : 0;
    const slots = lay.slots >> 2, users = lay.users >> 2;
    for (let r = 0; r < batch; r++) {
      const a = actions[r];
      if (this.actionEmbeddings && !(this.anyDropped && this.droppedChosen[r] !== 0)) {
        if (head[this.bOff + a] === 0) this.startAtPrior(a);
        this.touch(a);
      }
      if (this.historyEmbeddings) for (let j = 0; j < K && ints[slots + r * K + j] >= 0; j++) this.touch(A + ints[slots + r * K + j]);
      if (this.userIds > 0 && ints[users + r] >= 0) this.touch(A + fRows + ints[users + r]);
    }
    mem.set(grad.subarray(0, batch), lay.grad >> 2);
    ints.set(actions.subarray(0, batch), lay.act >> 2);
    k.featureChosenBackward(
      lay.grad, lay.act, batch, lay.phi, this.outSize, lay.psi, lay.pair, lay.xs, lay.slots, lay.users, lay.dOut,
      this.heads.grad, this.embedding, l.pairSize, l.actionFeatureSize, K, this.bOff, this.pOff, this.fOff, this.gOff,
      this.actionEmbeddings ? 1 : 0, this.historyEmbeddings ? 1 : 0, this.userIds, this.anyDropped ? this.arena.drop : 0,
    );
    // The kernel writes the columns it knows; the r(u, a) terms' columns come after them.
    if (this.tableSize > 0) this.tableGradients(grad, batch, mem, lay.dOut >> 2);
    this.trunk.backward(mem.subarray(lay.dOut >> 2, (lay.dOut >> 2) + batch * this.outSize));
  }

  /** The dropped rows as int32 flags in the arena (for both passes), or 0 when none is dropped. */
  private dropInKernels(batch: number): number {
    if (!this.anyDropped) return 0;
    const ints = this.arenaI32, at = this.arena.drop >> 2;
    for (let r = 0; r < batch; r++) ints[at + r] = this.droppedChosen[r];
    return this.arena.drop;
  }

  copyFrom(other: QFunction): void {
    const o = asFeature(other, this);
    this.trunk.copyFrom(o.trunk);
    this.head.set(o.head);
    this.gate?.copyFrom(o.gate!);
  }

  polyakFrom(other: QFunction, tau: number): void {
    const o = asFeature(other, this);
    this.gate?.polyakFrom(o.gate!, tau);
    this.trunk.polyakFrom(o.trunk, tau);
    const h = this.head, oh = o.head;
    // An action the other has started training and this copy has not (its b_a still 0, so scored
    // with the prior here) takes the other's e_a, b_a whole: moving a tau of the way from 0 would
    // make it a trained action near 0, not one near the prior it started from.
    if (this.actionEmbeddings) {
      const d = this.embedding, bOff = this.bOff;
      for (let a = 0; a < this.actions; a++) {
        if (h[bOff + a] !== 0 || oh[bOff + a] === 0) continue;
        h[bOff + a] = oh[bOff + a];
        for (let k = 0; k < d; k++) h[a * d + k] = oh[a * d + k];
      }
    }
    if (this.kernels !== null) this.lerpHeadKernel(oh, tau);
    else for (let i = 0; i < h.length; i++) h[i] += tau * (oh[i] - h[i]);
  }

  /**
   * head += tau (other - head) in the kernels, bit for bit the TypeScript loop (each value in
   * float64, rounded once): the head holds every user's embedding, so this loop over all of it ran
   * at every update and cost more than scoring a batch.
   */
  private lerpHeadKernel(other: Float32Array, tau: number): void {
    const k = this.kernels!, n = this.headSize;
    // The other head (in its own kernels' memory) is copied in after everything else; this head is moved in place.
    const src = Math.ceil((this.arena.end + 16) / 64) * 64;
    k.reserve(src + n * 4 + 16);
    this.views();
    this.arenaView().set(other, src >> 2);
    k.lerpExact(this.heads.head, src, n, tau);
  }

  /** [trunk | head | the gate's, in its own layout] (as exportParams). */
  exportGradients(): Float32Array {
    const g = new Float32Array(this.paramCount);
    g.set(this.trunk.grads());
    g.set(this.headGrad, this.trunk.paramCount);
    if (this.gate !== null) g.set(this.gate.exportGradients(), this.ownParamCount);
    return g;
  }

  /** [trunk | head | the gate's, in its own layout]. */
  exportParams(): Float32Array {
    const p = new Float32Array(this.paramCount);
    p.set(this.trunk.params());
    p.set(this.head, this.trunk.paramCount);
    if (this.gate !== null) p.set(this.gate.exportParams(), this.ownParamCount);
    return p;
  }

  importParams(p: Float32Array): void {
    checkParams(p, this.paramCount);
    const own = this.ownParamCount;
    this.trunk.params().set(p.subarray(0, this.trunk.paramCount));
    this.head.set(p.subarray(this.trunk.paramCount, own));
    this.gate?.importParams(p.subarray(own));
  }

  /**
   * Adam(W) for the trunk and the head. The head's moments live with the head (hv.m, hv.v): one
   * optimizer per Q-function (creating another starts them afresh). The embedding rows (E, F, G)
   * step at lr x o.embeddingLrScale, b and P at lr.
   */
  createOptimizer(o: OptimizerOptions): QOptimizer {
    const own = this.partOptimizer(o), gate = this.gate?.partOptimizer(o) ?? null;
    return {
      step: (maxGradNorm: number | null): number => {
        // One norm over both parts' gradients, as one network's would be clipped.
        const norm = Math.sqrt(own.squares() + (gate?.squares() ?? 0));
        if (!Number.isFinite(norm)) throw new RangeError(`FeatureQFunction: the gradient norm is ${norm}; refusing to step`);
        let scale = 1;
        if (maxGradNorm !== null) {
          const coef = maxGradNorm / (norm + 1e-6);
          if (coef < 1) scale = coef;
        }
        own.apply(scale);
        gate?.apply(scale);
        return norm;
      },
      setLr: (value: number): void => {
        own.setLr(value);
        gate?.setLr(value);
      },
      getState: (): OptimizerState => {
        const s = own.getState();
        if (gate === null) return s;
        const g = gate.getState();
        if (g.t !== s.t) throw new Error("FeatureQFunction: the head's and the gate's optimizers are out of step");
        const m = new Float32Array(this.paramCount), v = new Float32Array(this.paramCount);
        m.set(s.m);
        m.set(g.m, s.m.length);
        v.set(s.v);
        v.set(g.v, s.v.length);
        return { t: s.t, m, v };
      },
      setState: (s: OptimizerState): void => {
        if (!(s.m instanceof Float32Array) || s.m.length !== this.paramCount || !(s.v instanceof Float32Array) || s.v.length !== this.paramCount) {
          throw new RangeError(`optimizer state: m and v must hold ${this.paramCount} values`);
        }
        const n = this.ownParamCount;
        own.setState({ t: s.t, m: s.m.subarray(0, n), v: s.v.subarray(0, n) });
        gate?.setState({ t: s.t, m: s.m.subarray(n), v: s.v.subarray(n) });
      },
    };
  }

  /**
   * The optimizer of this head without its gate, in two halves so that a head and its gate clip
   * by one norm: squares() (the squared norm of the gradient), then apply(scale).
   */
  private partOptimizer(o: OptimizerOptions): PartOptimizer {
    const adam = new Adam(this.trunk, o);
    this.views().m.fill(0);
    this.hv.v.fill(0);
    let t = 0, lr = o.lr, nT = 0;
    const rowScale = o.embeddingLrScale ?? 1;
    if (!(rowScale > 0 && Number.isFinite(rowScale))) throw new RangeError(`FeatureQFunction: embeddingLrScale must be a number > 0, got ${rowScale}`);
    const k = this.trainKernels ? this.kernels : null, hp = this.heads;
    return {
      squares: (): number => {
        nT = gradNorm(this.trunk);
        let sH = 0;
        const g = this.views().grad, d = this.embedding;
        // Only b, P and the touched embedding rows can be non-zero.
        if (k !== null) sH = k.headSquares(hp.grad, this.bOff, this.fOff, hp.rows, this.touchedCount, this.actions, d, this.fOff);
        else {
          for (let i = this.bOff; i < this.fOff; i++) sH += g[i] * g[i];
          for (let r = 0; r < this.touchedCount; r++) {
            const at = this.rowOffset(this.hv.rows[r]);
            for (let i = at; i < at + d; i++) sH += g[i] * g[i];
          }
        }
        return nT * nT + sH;
      },
      apply: (scale: number): void => {
        const { grad: g, m, v, head: p } = this.views(), d = this.embedding;
        // The trunk's Adam clips its own norm: give it the bound that yields the same scale.
        if (scale < 1) adam.clipAndStep(scale * (nT + 1e-6));
        else adam.step();
        // The head: the same Adam(W) update in TypeScript, dense on b and P, lazy on the embedding rows.
        t++;
        const stepSize = lr / (1 - Math.pow(o.beta1, t));
        const invSqrtBc2 = 1 / Math.sqrt(1 - Math.pow(o.beta2, t));
        const decay = 1 - lr * o.weightDecay;
        // The embedding rows' own rate (lr x embeddingLrScale; at scale 1 the same doubles as b and P's).
        const rowLr = lr * rowScale;
        const rowStepSize = rowLr / (1 - Math.pow(o.beta1, t));
        const rowDecay = 1 - rowLr * o.weightDecay;
        if (k !== null) {
          // The same steps in the kernels, bit for bit.
          k.headAdam(
            hp.head, hp.grad, hp.m, hp.v, this.bOff, this.fOff, hp.rows, this.touchedCount, this.actions, d, this.fOff,
            scale, o.beta1, 1 - o.beta1, o.beta2, 1 - o.beta2, stepSize, invSqrtBc2, o.eps, decay, rowStepSize, rowDecay,
          );
          return;
        }
        const adamRange = (from: number, to: number, step: number, dec: number): void => {
          for (let i = from; i < to; i++) {
            const gi = scale * g[i];
            m[i] = o.beta1 * m[i] + (1 - o.beta1) * gi;
            v[i] = o.beta2 * v[i] + (1 - o.beta2) * gi * gi;
            p[i] = dec * p[i] - (step * m[i]) / (Math.sqrt(v[i]) * invSqrtBc2 + o.eps);
          }
        };
        adamRange(this.bOff, this.fOff, stepSize, decay);
        for (let r = 0; r < this.touchedCount; r++) {
          const at = this.rowOffset(this.hv.rows[r]);
          adamRange(at, at + d, rowStepSize, rowDecay);
        }
      },
      setLr: (value: number): void => {
        adam.lr = value;
        lr = value;
      },
      getState: (): OptimizerState => {
        const s = adam.getState();
        const n = this.ownParamCount, mm = new Float32Array(n), vv = new Float32Array(n);
        mm.set(s.m);
        mm.set(this.views().m, s.m.length);
        vv.set(s.v);
        vv.set(this.hv.v, s.v.length);
        if (s.t !== t) throw new Error("FeatureQFunction: trunk and head optimizers are out of step");
        return { t, m: mm, v: vv };
      },
      setState: (s: OptimizerState): void => {
        const nt = this.trunk.paramCount;
        adam.setState({ t: s.t, m: s.m.slice(0, nt), v: s.v.slice(0, nt) });
        this.views().m.set(s.m.subarray(nt));
        this.hv.v.set(s.v.subarray(nt));
        t = s.t;
      },
    };
  }

  // --- internals ------------------------------------------------------------------------------

  private trunkForward(obs: Float32Array, batch: number): Float32Array {
    const U = this.layout.userSize, S = this.obsSize;
    const ub = this.userBuf;
    for (let r = 0; r < batch; r++) {
      const src = r * S;
      for (let j = 0; j < U; j++) ub[r * U + j] = obs[src + j];
    }
    return this.trunk.forward(ub.subarray(0, batch * U), batch);
  }

  /**
   * Adds the mean of F over row r's sketched streamers to dst[at .. at + d); lists the slots in
   * `slots` (row r's K entries, -1 after the last) when given.
   */
  private addHistory(obs: Float32Array, r: number, dst: Float32Array, at: number, slots: Int32Array | null): void {
    const { userSize: U, actionFeatureSize: f, pairSize: m, sketchSlots: K } = this.layout;
    const A = this.actions, d = this.embedding, head = this.head, fOff = this.fOff;
    const base = r * this.obsSize + U + f;
    let n = 0;
    for (let k = 0; k < K; k++) {
      const h = obs[base + k * (1 + m)];
      if (h >= 0 && h < A) {
        if (slots !== null) slots[r * K + n] = h;
        n++;
      }
    }
    if (slots !== null) slots.fill(-1, r * K + n, (r + 1) * K);
    if (n === 0) return;
    const w = 1 / n;
    for (let k = 0; k < K; k++) {
      const h = obs[base + k * (1 + m)];
      if (!(h >= 0 && h < A)) continue;
      const e = fOff + h * d;
      for (let c = 0; c < d; c++) dst[at + c] += w * head[e + c];
    }
  }

  /** The mean e_a and b_a over the trained actions (b_a not 0) into priorE, priorB; 0 when none is trained. */
  private prior(): void {
    const A = this.actions, d = this.embedding, head = this.head, bOff = this.bOff, pe = this.priorE;
    pe.fill(0);
    let n = 0, b = 0;
    for (let a = 0; a < A; a++) {
      if (head[bOff + a] === 0) continue;
      n++;
      b += head[bOff + a];
      for (let k = 0; k < d; k++) pe[k] += head[a * d + k];
    }
    if (n > 0) for (let k = 0; k < d; k++) pe[k] /= n;
    this.priorB = n > 0 ? b / n : 0;
  }

  /** prior() in the kernels, the same sums in the same order and precision: into priorE, priorB and the arena's prior (d). */
  private priorInKernels(): void {
    const pr = this.arena.prior;
    this.priorB = this.kernels!.headPrior(this.heads.head, this.actions, this.embedding, this.bOff, pr);
    this.priorE.set(this.arenaView().subarray(pr >> 2, (pr >> 2) + this.embedding));
  }

  /** Gives action a (never trained on) the prior's e and b as its own. */
  private startAtPrior(a: number): void {
    const d = this.embedding, head = this.head;
    for (let k = 0; k < d; k++) head[a * d + k] = this.priorE[k];
    head[this.bOff + a] = this.priorB;
  }

  /** Embedding rows are numbered E's (0 .. A-1), then F's, then G's; where row `id` starts in the head. */
  private rowOffset(id: number): number {
    return id < this.actions ? id * this.embedding : this.fOff + (id - this.actions) * this.embedding;
  }

  private touch(id: number): void {
    if (this.rowTouched[id]) return;
    this.rowTouched[id] = 1;
    this.hv.rows[this.touchedCount++] = id;
  }

  /** Users with a learned embedding G_u (layout.userIds; 0 = none). */
  get userEmbeddingCount(): number {
    return this.userIds;
  }

  /** A copy of the user embeddings G (userEmbeddingCount x embedding, row u = G_u). */
  userEmbeddings(): Float32Array {
    return this.head.slice(this.gOff, this.gOff + this.userIds * this.embedding);
  }

  /** Copies G_u into out[at .. at + embedding). */
  readUserEmbedding(u: number, out: Float32Array, at = 0): void {
    this.checkUser("readUserEmbedding", u);
    const from = this.gOff + u * this.embedding;
    out.set(this.head.subarray(from, from + this.embedding), at);
  }

  /**
   * Sets G_u to `values` (embedding values). Not a training step (the optimizer's moments are left
   * alone): how a served model describes a user it never trained on from what it has seen of them
   * since (src/policies/dqn/new-user-fold-in.ts).
   */
  writeUserEmbedding(u: number, values: ArrayLike<number>): void {
    this.checkUser("writeUserEmbedding", u);
    if (values.length !== this.embedding) throw new RangeError(`writeUserEmbedding: expected ${this.embedding} values, got ${values.length}`);
    const head = this.head, at = this.gOff + u * this.embedding;
    for (let c = 0; c < this.embedding; c++) head[at + c] = values[c];
  }

  private checkUser(what: string, u: number): void {
    if (this.userIds === 0) throw new RangeError(`${what}: this feature head has no user embeddings (layout.userIds is 0)`);
    if (!(Number.isInteger(u) && u >= 0 && u < this.userIds)) throw new RangeError(`${what}: user ${u} has no embedding (users 0 .. ${this.userIds - 1} do)`);
  }

  /** Adds G of row r's user to dst[at .. at + d) and returns the user's index (-1: none, nothing added). */
  private addUser(obs: Float32Array, r: number, dst: Float32Array, at: number): number {
    const u = obs[(r + 1) * this.obsSize - 1];
    if (!(u >= 0 && u < this.userIds)) return -1;
    const d = this.embedding, e = this.gOff + u * d, head = this.head;
    for (let c = 0; c < d; c++) dst[at + c] += head[e + c];
    return u;
  }

  private ensure(batch: number): void {
    if (batch <= this.capacity) return;
    const cap = Math.max(batch, this.capacity * 2);
    const { userSize: U, actionFeatureSize: f, pairSize: m } = this.layout;
    this.userBuf = new Float32Array(cap * U);
    this.qBuf = new Float32Array(cap * this.actions);
    if (!this.trainKernels) {
      // The TypeScript training loops' buffers (the kernels keep theirs in the arena).
      this.outCopy = new Float32Array(cap * this.outSize);
      this.psiChosen = new Float32Array(cap * this.embedding);
      this.gChosen = new Float32Array(cap * m);
      this.xChosen = new Float32Array(cap * f);
      this.dOut = new Float32Array(cap * this.outSize);
      this.slotsChosen = new Int32Array(cap * this.layout.sketchSlots);
      this.userChosen = new Int32Array(cap);
    }
    this.droppedChosen = new Uint8Array(cap);
    this.tableChosen = new Float32Array(cap * this.tableSize);
    this.capacity = cap;
    if (this.kernels !== null) this.layOutArena(cap);
  }

  /** Places the scoring buffers for batches of up to `cap` rows in the kernels' arena. */
  private layOutArena(cap: number): void {
    const k = this.kernels!, A = this.actions, f = this.layout.actionFeatureSize, d = this.embedding;
    const dm = this.actionEmbeddings ? d : 0;
    const at = (bytes: number): number => Math.ceil(bytes / 64) * 64;
    const a = this.arena;
    a.nIn = d + f + 1;
    a.stage = at(this.heads.end);
    a.m = at(a.stage + A * f * 4);
    a.c = at(a.m + (dm + f + 1) * A * 4);
    a.zeros = at(a.c + A * 4);
    a.prior = at(a.zeros + Math.max(d, f) * 4);
    a.x = at(a.prior + d * 4);
    a.idx = at(a.x + cap * a.nIn * 4);
    a.y = at(a.idx + cap * this.layout.sketchSlots * 4);
    a.cols = at(a.y + cap * A * 4);
    a.mask = at(a.cols + A * 4);
    // The training pass (forwardChosen, backwardChosen): the batch's rows, the trunk's outputs
    // (phi rows), and what the backward pass reads, per row.
    const S = this.obsSize, O = this.outSize, l = this.layout;
    a.obs = at(a.mask + cap * A);
    a.phi = at(a.obs + cap * S * 4);
    a.psi = at(a.phi + cap * O * 4);
    a.pair = at(a.psi + cap * d * 4);
    a.xs = at(a.pair + cap * l.pairSize * 4);
    a.slots = at(a.xs + cap * f * 4);
    a.users = at(a.slots + cap * l.sketchSlots * 4);
    a.act = at(a.users + cap * 4);
    a.grad = at(a.act + cap * 4);
    a.dOut = at(a.grad + cap * 4);
    a.q = at(a.dOut + cap * O * 4);
    a.drop = at(a.q + cap * 4);
    a.end = at(a.drop + cap * 4);
    // The kernels may read 16 bytes past the end of a buffer (see assembly/kernels.ts).
    k.reserve(a.end + 16);
    this.views();
    // The zero vector the kernel adds where there is nothing to add (nothing else writes there).
    new Float32Array(k.memory()).fill(0, a.zeros >> 2, (a.zeros >> 2) + Math.max(d, f));
  }

  /** The kernels' arena as floats (new views, also as int32, after the arena grew). */
  private arenaView(): Float32Array {
    const buf = this.kernels!.memory();
    if (this.arenaF32.buffer !== buf) {
      this.arenaF32 = new Float32Array(buf);
      this.arenaI32 = new Int32Array(buf);
    }
    return this.arenaF32;
  }

  /** The head's arrays, as views of the kernels' memory made anew if it grew since. */
  private views(): FeatureQFunction["hv"] {
    if (this.kernels !== null && this.hv.head.buffer !== this.kernels.memory()) this.hv = this.viewsOf(this.kernels.memory());
    return this.hv;
  }

  private viewsOf(buf: ArrayBuffer): FeatureQFunction["hv"] {
    const n = this.headSize, h = this.heads;
    return {
      head: new Float32Array(buf, h.head, n), grad: new Float32Array(buf, h.grad, n),
      m: new Float32Array(buf, h.m, n), v: new Float32Array(buf, h.v, n), rows: new Int32Array(buf, h.rows, this.rowTouched.length),
    };
  }

  /** `batch` actions, each a slot of the catalogue (a kernel indexes the head with them). */
  private checkActions(where: string, actions: Int32Array, batch: number): void {
    if (!(actions instanceof Int32Array) || actions.length < batch) throw new RangeError(`${where}: actions must hold batch = ${batch} values, got ${actions?.length}`);
    for (let r = 0; r < batch; r++) {
      const a = actions[r];
      if (!(a >= 0 && a < this.actions)) throw new RangeError(`${where}: actions[${r}] = ${a} is outside [0, ${this.actions})`);
    }
  }

  private checkObs(where: string, obs: Float32Array, batch: number): void {
    if (!Number.isInteger(batch) || batch < 1) throw new RangeError(`${where}: batch must be a positive integer, got ${batch}`);
    if (!(obs instanceof Float32Array) || obs.length < batch * this.obsSize) {
      throw new RangeError(`${where}: obs must hold batch * obsSize = ${batch * this.obsSize} values, got ${obs?.length}`);
    }
    // The ids in a row (sketched streamers, the user) index the head: a fraction would index
    // nothing (the TypeScript loops) or be truncated (the kernels). Outside the range (-1) or NaN
    // means "none".
    const { userSize: U, actionFeatureSize: f, pairSize: m, sketchSlots: K } = this.layout, S = this.obsSize;
    for (let r = 0; r < batch; r++) {
      const base = r * S + U + f;
      for (let k = 0; k < K; k++) {
        const h = obs[base + k * (1 + m)];
        if (h >= 0 && h < this.actions && !Number.isInteger(h)) throw new RangeError(`${where}: row ${r}, sketch entry ${k}: streamer slot ${h} is not a whole number`);
      }
      if (this.userIndexed) {
        const u = obs[(r + 1) * S - 1];
        if (u >= 0 && !Number.isInteger(u)) throw new RangeError(`${where}: row ${r}: user index ${u} is not a whole number`);
      }
    }
  }
}

function asFeature(q: QFunction, self: FeatureQFunction): FeatureQFunction {
  if (!(q instanceof FeatureQFunction) || q.paramCount !== self.paramCount || (q.gate === null) !== (self.gate === null)) {
    throw new TypeError("FeatureQFunction: the other Q-function has another shape");
  }
  return q;
}
