/**
 * The classic DQN Q-function: an MLP (ReLU trunk, linear or Dueling head) with one output per
 * action, on the WebAssembly SIMD kernels (src/core/nn).
 */
import { Adam, gradNorm } from "../nn/adam.js";
import type { QNetwork } from "../nn/types.js";
import { greedyActions } from "../exploration/epsilon-greedy.js";
import type { OptimizerOptions, OptimizerState, QFunction, QOptimizer } from "./types.js";

export class MlpQFunction implements QFunction {
  readonly kind = "mlp" as const;
  readonly obsSize: number;
  readonly actions: number;
  readonly paramCount: number;

  constructor(readonly net: QNetwork) {
    this.obsSize = net.spec.inputSize;
    this.actions = net.spec.actions;
    this.paramCount = net.paramCount;
  }

  forward(obs: Float32Array, batch: number): Float32Array {
    return this.net.forward(obs, batch);
  }

  serveScores(obs: Float32Array, batch: number): Float32Array {
    return this.net.forward(obs, batch);
  }

  greedy(obs: Float32Array, batch: number, mask: Uint8Array | null, out: Int32Array): void {
    if (mask === null) this.net.greedy(obs, batch, out.length === batch ? out : out.subarray(0, batch));
    else greedyActions(this.net.forward(obs, batch), batch, this.actions, mask, out);
  }

  forwardChosen(obs: Float32Array, actions: Int32Array, batch: number, out: Float32Array): void {
    const q = this.net.forward(obs, batch);
    const A = this.actions;
    for (let b = 0; b < batch; b++) out[b] = q[b * A + actions[b]];
  }

  backwardChosen(actions: Int32Array, grad: Float32Array): void {
    this.net.backwardChosen(actions, grad);
  }

  copyFrom(other: QFunction): void {
    this.net.copyFrom(asMlp(other).net);
  }

  polyakFrom(other: QFunction, tau: number): void {
    this.net.polyakFrom(asMlp(other).net, tau);
  }

  exportGradients(): Float32Array {
    return this.net.grads().slice();
  }

  exportParams(): Float32Array {
    return this.net.params().slice();
  }

  importParams(p: Float32Array): void {
    checkParams(p, this.paramCount);
    this.net.params().set(p);
  }

  createOptimizer(o: OptimizerOptions): QOptimizer {
    const adam = new Adam(this.net, o);
    const net = this.net;
    return {
      step(maxGradNorm: number | null): number {
        if (maxGradNorm === null) {
          adam.step();
          return gradNorm(net);
        }
        return adam.clipAndStep(maxGradNorm);
      },
      setLr: (lr: number) => {
        adam.lr = lr;
      },
      getState: (): OptimizerState => adam.getState(),
      setState: (s: OptimizerState) => adam.setState(s),
    };
  }
}

function asMlp(q: QFunction): MlpQFunction {
  if (!(q instanceof MlpQFunction)) throw new TypeError("MlpQFunction: the other Q-function is not an MLP Q-function");
  return q;
}

export function checkParams(p: Float32Array, n: number): void {
  if (!(p instanceof Float32Array) || p.length !== n) throw new RangeError(`importParams: expected a Float32Array of ${n} parameters, got ${p?.length}`);
  for (let i = 0; i < n; i++) if (!Number.isFinite(p[i])) throw new RangeError(`importParams: parameter ${i} is ${p[i]}`);
}
