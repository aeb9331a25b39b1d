/**
 * The Q-network: a ReLU MLP trunk and a linear or dueling head, running on either backend.
 *
 * All of a network's buffers live in its backend's arena, laid out once:
 *
 *   [params | grads | Adam m | Adam v | scratch | W^T] [activations, gradients for `capacity` rows]
 *    fixed part (paramCount floats each, W^T a bit     batch part, re-laid out when a larger batch
 *    less)                                             arrives
 *
 * so the optimizer is one kernel call over the flat parameter vector, a target-network copy is one
 * memcpy, and no forward or backward pass allocates anything.
 *
 * W^T is a transposed copy of every weight matrix, the layout the WebAssembly batched forward pass
 * runs fastest on. It is refreshed lazily before a batched forward pass after anything that may
 * have changed the parameters: an optimizer step, copyFrom, polyakFrom, or a call of params()
 * (whose view the caller may write into).
 *
 * A mostly-zero input (at most one value in four non-zero: the classic platform head's, a user's
 * few history streamers among the whole catalogue) is compressed to its non-zero entries in the
 * batch part, and the first layer's forward pass and weight gradient then cost those entries only,
 * to the same values as the dense kernels for finite weights (see Backend.sparseForward).
 */
import type { Backend, Ptr } from "./backend.js";
import type { Rng } from "../random/rng.js";
import { describeSpec, layerShapes, paramCountOf, sameSpec, validateSpec, type LayerShape } from "./spec.js";
import type { BackendKind, QNetwork, QNetworkSpec } from "./types.js";

const ALIGN = 16;

interface Layer extends LayerShape {
  /** Pointers to W, b, their gradients and the transposed copy of W in the arena. */
  readonly w: Ptr;
  readonly wt: Ptr;
  readonly b: Ptr;
  readonly dw: Ptr;
  readonly db: Ptr;
}

/** What an optimizer needs to update a network in place (see adam.ts). */
export interface OptimizerSlots {
  readonly kernels: Backend;
  readonly params: Ptr;
  readonly grads: Ptr;
  readonly m: Ptr;
  readonly v: Ptr;
  readonly n: number;
}

function align(p: number): number {
  return Math.ceil(p / ALIGN) * ALIGN;
}

export class MlpQNetwork implements QNetwork {
  readonly spec: QNetworkSpec;
  readonly backend: BackendKind;
  readonly paramCount: number;

  private readonly kernels: Backend;
  private readonly layers: Layer[];
  private readonly dueling: boolean;
  private readonly paramsPtr: Ptr;
  private readonly gradsPtr: Ptr;
  private readonly mPtr: Ptr;
  private readonly vPtr: Ptr;
  private readonly scratchPtr: Ptr;
  private readonly fixedEnd: Ptr;
  /** Whether every layer's W^T copy matches W. */
  private transposedFresh = false;
  private readonly maxHidden: number;

  // The batch part of the arena (valid for up to `capacity` rows).
  private capacity = 0;
  /** acts[l] is the input of layer l; acts[layers.length] is the head's raw output. */
  private acts: Ptr[] = [];
  private qPtr: Ptr = 0;
  private dqPtr: Ptr = 0;
  private dzPtr: Ptr = 0;
  private hiddenGrad: [Ptr, Ptr] = [0, 0];
  private actionsPtr: Ptr = 0;
  private gPtr: Ptr = 0;
  private rowsPtr: Ptr = 0;
  /** Rows of the last forward pass, 0 when there is none to differentiate. */
  private lastBatch = 0;
  /** The input compressed to its non-zero entries (see Backend.compressRows), room for a quarter of it. */
  private colsPtr: Ptr = 0;
  private valsPtr: Ptr = 0;
  private startsPtr: Ptr = 0;
  /** Whether the last forward pass's input is compressed there (sparse enough). */
  private inputCompressed = false;

  // Typed-array views over the arena, rebuilt whenever the arena's buffer changes.
  private viewBuffer: ArrayBuffer | null = null;
  private f32 = new Float32Array(0);
  private i32 = new Int32Array(0);
  private paramsView = new Float32Array(0);
  private gradsView = new Float32Array(0);
  private qView = new Float32Array(0);
  private qViewBatch = -1;

  /** Build with createQNetwork(); the backend must be fresh (this network owns its arena). */
  constructor(spec: QNetworkSpec, kernels: Backend, rng: Rng, private readonly allowSparse = true) {
    validateSpec(spec);
    this.spec = { inputSize: spec.inputSize, hidden: [...spec.hidden], actions: spec.actions, head: spec.head };
    this.backend = kernels.kind;
    this.kernels = kernels;
    this.dueling = spec.head === "dueling";
    this.paramCount = paramCountOf(spec);
    this.maxHidden = Math.max(0, ...spec.hidden);

    const bytes = align(this.paramCount * 4);
    this.paramsPtr = align(kernels.base);
    this.gradsPtr = this.paramsPtr + bytes;
    this.mPtr = this.gradsPtr + bytes;
    this.vPtr = this.mPtr + bytes;
    this.scratchPtr = this.vPtr + bytes;
    const shapes = layerShapes(spec);
    let wt = this.scratchPtr + bytes;
    const wtPtrs = shapes.map((s) => {
      const at = wt;
      wt = align(wt + 4 * s.nIn * s.nOut);
      return at;
    });
    this.fixedEnd = wt;
    this.layers = shapes.map((s, l) => ({
      ...s,
      w: this.paramsPtr + 4 * s.wOffset,
      wt: wtPtrs[l],
      b: this.paramsPtr + 4 * s.bOffset,
      dw: this.gradsPtr + 4 * s.wOffset,
      db: this.gradsPtr + 4 * s.bOffset,
    }));
    this.ensureCapacity(1);
    this.initialise(rng);
  }

  // --- parameters --------------------------------------------------------------------------------

  params(): Float32Array {
    this.refreshViews();
    this.transposedFresh = false; // the caller may write into the view
    return this.paramsView;
  }

  grads(): Float32Array {
    this.refreshViews();
    return this.gradsView;
  }

  copyFrom(other: QNetwork): void {
    this.checkSameSpec(other, "copyFrom");
    if (other === this) return;
    this.params().set(other.params());
  }

  polyakFrom(other: QNetwork, tau: number): void {
    this.checkSameSpec(other, "polyakFrom");
    if (!(typeof tau === "number" && tau >= 0 && tau <= 1)) {
      throw new RangeError(`polyakFrom: tau must be a number in [0, 1], got ${tau}`);
    }
    this.refreshViews();
    this.f32.set(other.params(), this.scratchPtr >> 2);
    this.kernels.lerp(this.paramsPtr, this.scratchPtr, this.paramCount, tau);
    this.transposedFresh = false;
  }

  /** @internal Tells the network its parameters were changed in place (by an optimizer). */
  paramsChanged(): void {
    this.transposedFresh = false;
  }

  /** The optimizer that owns the moment slots (one per network; see adam.ts). */
  optimizerOwner: object | null = null;

  /** @internal The arena slots an optimizer updates (used by Adam). */
  optimizerSlots(): OptimizerSlots {
    return { kernels: this.kernels, params: this.paramsPtr, grads: this.gradsPtr, m: this.mPtr, v: this.vPtr, n: this.paramCount };
  }

  // --- passes --------------------------------------------------------------------------------

  forward(input: Float32Array, batch: number): Float32Array {
    const inputSize = this.spec.inputSize;
    checkBatch(batch, "forward");
    if (!(input instanceof Float32Array)) throw new TypeError("forward: input must be a Float32Array");
    if (input.length !== batch * inputSize) {
      throw new RangeError(
        `forward: input.length must be batch * inputSize = ${batch} * ${inputSize} = ${batch * inputSize}, got ${input.length}`,
      );
    }
    this.ensureCapacity(batch);
    this.refreshViews();
    const k = this.kernels;
    const x = this.acts[0];
    this.f32.set(input, x >> 2);
    const bad = k.firstNonFinite(x, batch * inputSize);
    if (bad >= 0) {
      this.lastBatch = 0;
      throw new RangeError(
        `forward: input row ${Math.floor(bad / inputSize)} has a non-finite value (${input[bad]}) at column ${bad % inputSize}`,
      );
    }
    const layers = this.layers;
    if (batch > 1 && !this.transposedFresh) {
      for (const L of layers) k.transpose(L.w, L.wt, L.nIn, L.nOut);
      this.transposedFresh = true;
    }
    this.inputCompressed = this.allowSparse && k.compressRows(x, batch, inputSize, sparseLimit(batch, inputSize), this.colsPtr, this.valsPtr, this.startsPtr) >= 0;
    for (let l = 0; l < layers.length; l++) {
      const L = layers[l];
      if (l === 0 && this.inputCompressed) {
        k.sparseForward(this.colsPtr, this.valsPtr, this.startsPtr, L.w, L.wt, L.b, this.acts[1], batch, L.nIn, L.nOut, L.relu ? 1 : 0);
      } else {
        k.denseForward(this.acts[l], L.w, L.wt, L.b, this.acts[l + 1], batch, L.nIn, L.nOut, L.relu ? 1 : 0);
      }
    }
    if (this.dueling) k.duelingForward(this.acts[layers.length], this.qPtr, batch, this.spec.actions);
    this.lastBatch = batch;
    return this.qViewFor(batch);
  }

  maxQ(input: Float32Array, batch: number, out: Float32Array): Float32Array {
    if (!(out instanceof Float32Array) || out.length !== batch) {
      throw new RangeError(`maxQ: out must be a Float32Array of batch = ${batch} values, got ${out?.length}`);
    }
    this.forward(input, batch);
    this.kernels.rowMax(this.qPtr, this.rowsPtr, batch, this.spec.actions);
    const f = this.f32, at = this.rowsPtr >> 2;
    for (let r = 0; r < batch; r++) out[r] = f[at + r];
    return out;
  }

  greedy(input: Float32Array, batch: number, out: Int32Array): Int32Array {
    if (!(out instanceof Int32Array) || out.length !== batch) {
      throw new RangeError(`greedy: out must be an Int32Array of batch = ${batch} values, got ${out?.length}`);
    }
    this.forward(input, batch);
    this.kernels.rowArgmax(this.qPtr, this.rowsPtr, batch, this.spec.actions);
    const ints = this.i32, at = this.rowsPtr >> 2;
    for (let r = 0; r < batch; r++) out[r] = ints[at + r];
    return out;
  }

  backward(dQ: Float32Array): void {
    const batch = this.checkBackward("backward");
    if (!(dQ instanceof Float32Array)) throw new TypeError("backward: dQ must be a Float32Array");
    const n = batch * this.spec.actions;
    if (dQ.length !== n) {
      throw new RangeError(`backward: dQ.length must be batch * actions = ${batch} * ${this.spec.actions} = ${n}, got ${dQ.length}`);
    }
    this.refreshViews();
    this.f32.set(dQ, this.dqPtr >> 2);
    this.backpropFromQ(batch);
  }

  backwardChosen(actionsTaken: Int32Array, gradChosen: Float32Array): void {
    const batch = this.checkBackward("backwardChosen");
    const actions = this.spec.actions;
    if (!(actionsTaken instanceof Int32Array)) throw new TypeError("backwardChosen: actionsTaken must be an Int32Array");
    if (!(gradChosen instanceof Float32Array)) throw new TypeError("backwardChosen: gradChosen must be a Float32Array");
    if (actionsTaken.length !== batch) {
      throw new RangeError(`backwardChosen: actionsTaken.length must be the batch ${batch}, got ${actionsTaken.length}`);
    }
    if (gradChosen.length !== batch) {
      throw new RangeError(`backwardChosen: gradChosen.length must be the batch ${batch}, got ${gradChosen.length}`);
    }
    for (let r = 0; r < batch; r++) {
      const a = actionsTaken[r];
      if (!(a >= 0 && a < actions)) throw new RangeError(`backwardChosen: actionsTaken[${r}] = ${a} is outside [0, ${actions})`);
    }
    this.refreshViews();
    const f = this.f32;
    if (this.dueling) {
      // Every advantage depends on every Q value through the mean, so the gradient is dense here.
      const dq = this.dqPtr >> 2;
      f.fill(0, dq, dq + batch * actions);
      for (let r = 0; r < batch; r++) f[dq + r * actions + actionsTaken[r]] = gradChosen[r];
      this.backpropFromQ(batch);
      return;
    }
    this.i32.set(actionsTaken, this.actionsPtr >> 2);
    f.set(gradChosen, this.gPtr >> 2);
    const k = this.kernels;
    const top = this.layers.length - 1;
    const H = this.layers[top];
    k.chosenGradWeights(this.acts[top], this.actionsPtr, this.gPtr, H.dw, H.db, batch, H.nIn, H.nOut);
    if (top === 0) return;
    const dh = this.hiddenGrad[top & 1];
    k.chosenGradInput(this.actionsPtr, this.gPtr, H.w, this.acts[top], dh, batch, H.nIn, 1);
    this.backpropTrunk(top - 1, dh, batch);
  }

  // --- internals -----------------------------------------------------------------------------

  /** Backward from dQ (already in the arena) through the head and the trunk. */
  private backpropFromQ(batch: number): void {
    const k = this.kernels;
    const top = this.layers.length - 1;
    let dy = this.dqPtr;
    if (this.dueling) {
      k.duelingBackward(this.dqPtr, this.dzPtr, batch, this.spec.actions);
      dy = this.dzPtr;
    }
    this.backpropTrunk(top, dy, batch);
  }

  /** Backward through layers `from` down to 0, given the gradient `dy` of layer `from`'s output. */
  private backpropTrunk(from: number, dy: Ptr, batch: number): void {
    const k = this.kernels;
    for (let l = from; l >= 0; l--) {
      const L = this.layers[l];
      if (l === 0 && this.inputCompressed) {
        // The optimizer's scratch is free here (only polyakFrom uses it, within the call).
        k.sparseGradWeights(this.colsPtr, this.valsPtr, this.startsPtr, dy, L.dw, L.db, this.scratchPtr, batch, L.nIn, L.nOut);
      } else {
        k.denseGradWeights(this.acts[l], dy, L.dw, L.db, batch, L.nIn, L.nOut);
      }
      if (l === 0) break; // nobody needs the gradient of the input
      const dx = this.hiddenGrad[l & 1];
      k.denseGradInput(dy, L.w, this.acts[l], dx, batch, L.nIn, L.nOut, 1);
      dy = dx;
    }
  }

  private checkBackward(where: string): number {
    if (this.lastBatch === 0) throw new Error(`${where}: no forward pass to differentiate; call forward() first`);
    return this.lastBatch;
  }

  private checkSameSpec(other: QNetwork, where: string): void {
    if (!other || !sameSpec(this.spec, other.spec)) {
      throw new RangeError(
        `${where}: networks differ: this is ${describeSpec(this.spec)}, other is ${other ? describeSpec(other.spec) : String(other)}`,
      );
    }
  }

  /** Lays out the batch part of the arena for `batch` rows if it does not fit yet. */
  private ensureCapacity(batch: number): void {
    if (batch <= this.capacity) return;
    const cap = batch;
    const actions = this.spec.actions;
    let p = this.fixedEnd;
    const take = (floats: number): Ptr => {
      const at = p;
      p = align(p + floats * 4);
      return at;
    };
    const acts: Ptr[] = [take(cap * this.spec.inputSize)];
    for (const L of this.layers) acts.push(take(cap * L.nOut));
    this.acts = acts;
    this.qPtr = this.dueling ? take(cap * actions) : acts[this.layers.length];
    this.dqPtr = take(cap * actions);
    this.dzPtr = this.dueling ? take(cap * (actions + 1)) : 0;
    this.hiddenGrad = [take(cap * this.maxHidden), take(cap * this.maxHidden)];
    this.actionsPtr = take(cap);
    this.gPtr = take(cap);
    this.rowsPtr = take(cap);
    const room = sparseLimit(cap, this.spec.inputSize);
    this.colsPtr = take(room);
    this.valsPtr = take(room);
    this.startsPtr = take(cap + 1);
    // 16 spare bytes: kernels may read (and mask) one vector past the end of a row.
    this.kernels.reserve(p + ALIGN);
    this.capacity = cap;
    this.lastBatch = 0;
    this.qViewBatch = -1;
  }

  private refreshViews(): void {
    const buf = this.kernels.memory();
    if (buf === this.viewBuffer) return;
    this.viewBuffer = buf;
    this.f32 = new Float32Array(buf);
    this.i32 = new Int32Array(buf);
    this.paramsView = new Float32Array(buf, this.paramsPtr, this.paramCount);
    this.gradsView = new Float32Array(buf, this.gradsPtr, this.paramCount);
    this.qViewBatch = -1;
  }

  private qViewFor(batch: number): Float32Array {
    if (this.qViewBatch !== batch) {
      this.qView = new Float32Array(this.viewBuffer!, this.qPtr, batch * this.spec.actions);
      this.qViewBatch = batch;
    }
    return this.qView;
  }

  /**
   * PyTorch's nn.Linear default initialisation: W and b uniform in +-1/sqrt(fan_in) (Kaiming
   * uniform with a = sqrt(5)), drawn layer by layer, W row-major then b, from `rng`.
   */
  private initialise(rng: Rng): void {
    const p = this.params();
    for (const L of this.layers) {
      const bound = 1 / Math.sqrt(L.nIn);
      for (let i = 0; i < L.nIn * L.nOut; i++) p[L.wOffset + i] = rng.uniform(-bound, bound);
      for (let i = 0; i < L.nOut; i++) p[L.bOffset + i] = rng.uniform(-bound, bound);
    }
  }
}

/** The most non-zero inputs a batch may have to take the sparse path: a quarter of its values. */
function sparseLimit(batch: number, inputSize: number): number {
  return Math.floor((batch * inputSize) / 4);
}

function checkBatch(batch: number, where: string): void {
  if (!(Number.isInteger(batch) && batch >= 1)) throw new RangeError(`${where}: batch must be a positive integer, got ${batch}`);
}
