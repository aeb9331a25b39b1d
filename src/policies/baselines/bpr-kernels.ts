/**
 * BPR-MF's SGD steps in WebAssembly (assembly/bpr.ts, compiled by scripts/build-wasm.mjs and
 * embedded as base64): the factors P, Q, B and the triples of the steps to take live in one
 * instance's memory, and one call runs a whole epoch's steps. Same bits as BprModel's TypeScript
 * step (see the kernel), about four times faster: nearly all of a BPR-MF run is these steps.
 *
 * Memory: [P: users x k | Q: streamers x k | B: streamers] (fixed), then the triples u, i, j
 * (int32, `capacity` each), which grow with the log. Growing moves the memory: the views (P, Q, B,
 * us, is, js) are rebuilt then, so read them from this object after ensureSteps().
 */
import { EmbeddedModule, growMemory, type BaseExports } from "../../core/wasm/embedded-module.js";
import { BPR_WASM_BASE64 } from "./wasm/bpr.generated.js";

const ALIGN = 16;

interface BprExports extends BaseExports {
  readonly bprSteps: (P: number, Q: number, B: number, us: number, is: number, js: number, n: number, k: number, lr: number, reg: number) => void;
}

const bprModule = new EmbeddedModule<BprExports>(BPR_WASM_BASE64, "BPR-MF kernels");

/** Whether BprKernels can run here (WebAssembly SIMD). */
export function bprKernelsAvailable(): boolean {
  return bprModule.available();
}

const align = (bytes: number) => Math.ceil(bytes / ALIGN) * ALIGN;

export class BprKernels {
  /** User factors [users][k], streamer factors [streamers][k], streamer biases [streamers]: views. */
  P: Float32Array;
  Q: Float32Array;
  B: Float32Array;
  /** The triples of the steps to take (views of `capacity` int32 each). */
  us = new Int32Array(0);
  is = new Int32Array(0);
  js = new Int32Array(0);
  private readonly ex: BprExports;
  private readonly at: { P: number; Q: number; B: number; steps: number };
  private capacity = 0;

  constructor(readonly users: number, readonly streamers: number, readonly k: number) {
    // The host's exp, so the logistic is V8's to the bit, as in the TypeScript step.
    this.ex = bprModule.instantiate({ exp: Math.exp });
    const P = align(this.ex.heapBase());
    const Q = align(P + 4 * users * k);
    const B = align(Q + 4 * streamers * k);
    this.at = { P, Q, B, steps: align(B + 4 * streamers) };
    growMemory(this.ex.memory, this.at.steps);
    this.P = this.Q = this.B = new Float32Array(0);
    this.rebuildViews();
  }

  /** Room for n triples; rebuilds every view (the triples move, and the memory may). */
  ensureSteps(n: number): void {
    if (n <= this.capacity) return;
    this.capacity = Math.max(n, 2 * this.capacity, 1024);
    growMemory(this.ex.memory, this.at.steps + 3 * align(4 * this.capacity));
    this.rebuildViews();
  }

  /** Runs the first n triples (us, is, js) in order with step size lr and L2 regularisation reg. */
  run(n: number, lr: number, reg: number): void {
    if (!(Number.isInteger(n) && n >= 0 && n <= this.capacity)) throw new RangeError(`BPR-MF kernels: ${n} steps for room of ${this.capacity}`);
    const s = this.at.steps, slot = align(4 * this.capacity);
    this.ex.bprSteps(this.at.P, this.at.Q, this.at.B, s, s + slot, s + 2 * slot, n, this.k, lr, reg);
  }

  private rebuildViews(): void {
    const buf = this.ex.memory.buffer, { users, streamers, k } = this;
    this.P = new Float32Array(buf, this.at.P, users * k);
    this.Q = new Float32Array(buf, this.at.Q, streamers * k);
    this.B = new Float32Array(buf, this.at.B, streamers);
    const s = this.at.steps, slot = align(4 * this.capacity);
    this.us = new Int32Array(buf, s, this.capacity);
    this.is = new Int32Array(buf, s + slot, this.capacity);
    this.js = new Int32Array(buf, s + 2 * slot, this.capacity);
  }
}
