/**
 * Adam (Kingma and Ba 2015) with optional decoupled weight decay (AdamW, Loshchilov and Hutter
 * 2019: the weights shrink by lr * weightDecay each step, outside the adaptive update, exactly like
 * torch.optim.AdamW; with weightDecay 0 it is plain torch.optim.Adam), and global gradient-norm
 * clipping fused into the step.
 *
 * The moments live in the network's own arena, so a step is a single kernel call over the flat
 * parameter vector. One optimizer per network: building a new Adam for a network takes the moment
 * slots over (zeroed) and the older optimizer refuses to step.
 */
import { MlpQNetwork, type OptimizerSlots } from "./mlp-network.js";
import type { QNetwork } from "./types.js";

export interface AdamOptions {
  /** Learning rate (> 0). */
  readonly lr: number;
  /** Decay of the first moment, in [0, 1). Default 0.9. */
  readonly beta1?: number;
  /** Decay of the second moment, in [0, 1). Default 0.999. */
  readonly beta2?: number;
  /** Added to the denominator, > 0. Default 1e-8. */
  readonly eps?: number;
  /** Decoupled (AdamW) weight decay, >= 0. Default 0 (plain Adam). */
  readonly weightDecay?: number;
}

/** An optimizer's full state for checkpoints: the step counter and both moment vectors (copies). */
export interface AdamState {
  readonly t: number;
  readonly m: Float32Array;
  readonly v: Float32Array;
}

/** PyTorch's clip_grad_norm_ guard against division by zero. */
const CLIP_EPS = 1e-6;

function slotsOf(net: QNetwork, where: string): OptimizerSlots {
  if (!(net instanceof MlpQNetwork)) throw new TypeError(`${where}: expected a network built by createQNetwork()`);
  return net.optimizerSlots();
}

function checkIn(name: string, x: number, ok: boolean, what: string): number {
  if (typeof x !== "number" || !ok) throw new RangeError(`Adam: ${name} must be ${what}, got ${x}`);
  return x;
}

export class Adam {
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  private readonly net: MlpQNetwork;
  private readonly slots: OptimizerSlots;
  private learningRate: number;
  private t = 0;

  constructor(net: QNetwork, options: AdamOptions) {
    this.slots = slotsOf(net, "Adam");
    this.net = net as MlpQNetwork;
    const o = options ?? ({} as AdamOptions);
    this.learningRate = checkIn("lr", o.lr, o.lr > 0 && Number.isFinite(o.lr), "a finite number > 0");
    this.beta1 = checkIn("beta1", o.beta1 ?? 0.9, (o.beta1 ?? 0.9) >= 0 && (o.beta1 ?? 0.9) < 1, "in [0, 1)");
    this.beta2 = checkIn("beta2", o.beta2 ?? 0.999, (o.beta2 ?? 0.999) >= 0 && (o.beta2 ?? 0.999) < 1, "in [0, 1)");
    this.eps = checkIn("eps", o.eps ?? 1e-8, (o.eps ?? 1e-8) > 0 && Number.isFinite(o.eps ?? 1e-8), "a finite number > 0");
    const wd = o.weightDecay ?? 0;
    this.weightDecay = checkIn("weightDecay", wd, wd >= 0 && Number.isFinite(wd), "a finite number >= 0");
    this.net.optimizerOwner = this;
    this.moments().m.fill(0);
    this.moments().v.fill(0);
  }

  /** The learning rate; may be changed between steps (schedules). */
  get lr(): number {
    return this.learningRate;
  }
  set lr(value: number) {
    this.learningRate = checkIn("lr", value, value > 0 && Number.isFinite(value), "a finite number > 0");
  }

  /** Number of steps taken (Adam's t, used for bias correction). */
  get steps(): number {
    return this.t;
  }

  /** One Adam step from the network's current grads(). */
  step(): void {
    this.apply(1);
  }

  /**
   * Clips the global L2 norm of the gradient to `maxGradNorm` (like torch.nn.utils.clip_grad_norm_:
   * scale by maxGradNorm / (norm + 1e-6) when that is below 1) and takes one step, in one pass over
   * the parameters (grads() themselves are left unscaled). Returns the norm before clipping.
   * Throws if the gradient is not finite.
   */
  clipAndStep(maxGradNorm: number): number {
    if (!(maxGradNorm > 0)) throw new RangeError(`Adam.clipAndStep: maxGradNorm must be > 0, got ${maxGradNorm}`);
    const norm = gradNorm(this.net);
    if (!Number.isFinite(norm)) throw new RangeError(`Adam.clipAndStep: the gradient norm is ${norm}; refusing to step`);
    const coef = maxGradNorm / (norm + CLIP_EPS);
    this.apply(coef < 1 ? coef : 1);
    return norm;
  }

  /** A copy of the step counter and moments, for checkpoints. */
  getState(): AdamState {
    const { m, v } = this.moments();
    return { t: this.t, m: m.slice(), v: v.slice() };
  }

  /** Restores a state from getState() (of an optimizer for a network of the same size). */
  setState(state: AdamState): void {
    const n = this.slots.n;
    if (!state || !Number.isInteger(state.t) || state.t < 0) throw new RangeError(`Adam.setState: state.t must be an integer >= 0, got ${state?.t}`);
    if (!(state.m instanceof Float32Array) || state.m.length !== n) {
      throw new RangeError(`Adam.setState: state.m must be a Float32Array of ${n} values, got ${state.m?.length}`);
    }
    if (!(state.v instanceof Float32Array) || state.v.length !== n) {
      throw new RangeError(`Adam.setState: state.v must be a Float32Array of ${n} values, got ${state.v?.length}`);
    }
    const mv = this.moments();
    mv.m.set(state.m);
    mv.v.set(state.v);
    this.t = state.t;
  }

  private apply(gradScale: number): void {
    if (this.net.optimizerOwner !== this) throw new Error("Adam: another optimizer was built for this network since; this one is stale");
    this.t++;
    const { kernels, params, grads, m, v, n } = this.slots;
    const lr = this.learningRate;
    const stepSize = lr / (1 - Math.pow(this.beta1, this.t));
    const invSqrtBc2 = 1 / Math.sqrt(1 - Math.pow(this.beta2, this.t));
    const decay = 1 - lr * this.weightDecay;
    kernels.adamStep(params, grads, m, v, n, stepSize, invSqrtBc2, 1 - this.beta1, 1 - this.beta2, this.eps, gradScale, decay);
    this.net.paramsChanged();
  }

  private moments(): { m: Float32Array; v: Float32Array } {
    const buf = this.slots.kernels.memory();
    return { m: new Float32Array(buf, this.slots.m, this.slots.n), v: new Float32Array(buf, this.slots.v, this.slots.n) };
  }
}

/** The global L2 norm of a network's gradient (float64 accumulation). */
export function gradNorm(net: QNetwork): number {
  const s = slotsOf(net, "gradNorm");
  return Math.sqrt(s.kernels.sumSquares(s.grads, s.n));
}

/**
 * torch.nn.utils.clip_grad_norm_ for one network: scales grads() in place so their global L2 norm
 * is at most maxNorm, and returns the norm before clipping. (Adam.clipAndStep does the same
 * without the extra pass.)
 */
export function clipGradNorm(net: QNetwork, maxNorm: number): number {
  if (!(maxNorm > 0)) throw new RangeError(`clipGradNorm: maxNorm must be > 0, got ${maxNorm}`);
  const norm = gradNorm(net);
  const coef = maxNorm / (norm + CLIP_EPS);
  if (coef < 1) {
    const g = net.grads();
    for (let i = 0; i < g.length; i++) g[i] *= coef;
  }
  return norm;
}
