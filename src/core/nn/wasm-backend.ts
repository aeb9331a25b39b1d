/**
 * The WebAssembly SIMD backend: the kernels of assembly/kernels.ts (hand-written f32x4 code,
 * compiled by scripts/build-wasm.mjs and embedded as base64), one instance per network so that the
 * instance's linear memory is that network's arena.
 *
 * The module is compiled once per process; instantiating it again per network is cheap and keeps
 * networks independent (growing one never moves another's memory).
 */
import type { Backend, Ptr } from "./backend.js";
import { EmbeddedModule, growMemory, type BaseExports } from "../wasm/embedded-module.js";
import { KERNELS_WASM_BASE64 } from "./wasm/kernels.generated.js";

interface KernelExports extends BaseExports {
  readonly transpose: Backend["transpose"];
  readonly denseForward: Backend["denseForward"];
  readonly denseGradWeights: Backend["denseGradWeights"];
  readonly denseGradInput: Backend["denseGradInput"];
  readonly chosenGradWeights: Backend["chosenGradWeights"];
  readonly chosenGradInput: Backend["chosenGradInput"];
  readonly compressRows: Backend["compressRows"];
  readonly sparseForward: Backend["sparseForward"];
  readonly sparseGradWeights: Backend["sparseGradWeights"];
  readonly duelingForward: Backend["duelingForward"];
  readonly duelingBackward: Backend["duelingBackward"];
  readonly rowMax: Backend["rowMax"];
  readonly rowArgmax: Backend["rowArgmax"];
  readonly firstNonFinite: Backend["firstNonFinite"];
  readonly sumSquares: Backend["sumSquares"];
  readonly adamStep: Backend["adamStep"];
  readonly lerp: Backend["lerp"];
  readonly matmulAddRow: MatmulAddRow;
  readonly matmulAddRowMasked: MatmulAddRowMasked;
  readonly lerpExact: LerpExact;
  readonly addRowMeans: AddRowMeans;
  readonly featureChosenForward: FeatureChosenForward;
  readonly featureChosenBackward: FeatureChosenBackward;
  readonly headSquares: HeadSquares;
  readonly headAdam: HeadAdam;
  readonly headPrior: HeadPrior;
}

/**
 * y = x M + c, c added to each row: x [batch][nIn] (rows ldx floats apart), M [nIn][nOut]
 * row-major, c [nOut], y [batch][nOut] (rows ldy floats apart, only the nOut columns written;
 * x and y may be parts of one matrix). A kernel of this backend only (not of the Backend interface): the feature-based
 * Q-function scores every action with it, and keeps a plain TypeScript path for the reference
 * backend.
 */
export type MatmulAddRow = (x: Ptr, ldx: number, m: Ptr, c: Ptr, y: Ptr, ldy: number, batch: number, nIn: number, nOut: number) => void;

/**
 * matmulAddRow for the columns whose byte in `mask` ([batch][nOut], rows nOut apart) is not 0,
 * -inf in the others, each value bit for bit matmulAddRow's; `cols` is scratch for nOut int32.
 * What it costs follows the available columns (the streams live now), not nOut (the catalogue).
 */
export type MatmulAddRowMasked = (x: Ptr, ldx: number, m: Ptr, c: Ptr, y: Ptr, ldy: number, batch: number, nIn: number, nOut: number, mask: Ptr, cols: Ptr) => void;

/**
 * dst += tau (src - dst) over n floats, each in float64 rounded once to float32: bit for bit the
 * plain TypeScript loop (lerp is float32). Also of this backend only.
 */
export type LerpExact = (dst: Ptr, src: Ptr, n: number, tau: number) => void;

/**
 * x[r][0 .. d) += the mean of the d-float rows table[idx[r][j]] over the K int32 entries of row r
 * of idx that are >= 0 (x rows ldx floats apart). Also of this backend only.
 */
export type AddRowMeans = (x: Ptr, ldx: number, table: Ptr, idx: Ptr, batch: number, K: number, d: number) => void;

/**
 * The feature head's training pass (Q of the chosen actions, its gradient, the head's Adam step and
 * its gradient's sum of squares): the TypeScript loops of src/core/qfunction/feature-qfunction.ts
 * bit for bit (see assembly/kernels.ts for what each reads and writes). Also of this backend only.
 */
export type FeatureChosenForward = (
  obs: Ptr, S: number, U: number, f: number, m: number, K: number,
  phi: Ptr, O: number, actions: Ptr, batch: number,
  head: Ptr, A: number, d: number, bOff: number, pOff: number, fOff: number, gOff: number,
  own: number, history: number, userIds: number, priorE: Ptr, priorB: number,
  psi: Ptr, pair: Ptr, x: Ptr, slots: Ptr, users: Ptr, q: Ptr, drop: Ptr,
) => void;
export type FeatureChosenBackward = (
  grad: Ptr, actions: Ptr, batch: number,
  phi: Ptr, O: number, psi: Ptr, pair: Ptr, x: Ptr, slots: Ptr, users: Ptr, dOut: Ptr,
  hg: Ptr, d: number, m: number, f: number, K: number, bOff: number, pOff: number, fOff: number, gOff: number,
  own: number, history: number, userIds: number, drop: Ptr,
) => void;
export type HeadPrior = (head: Ptr, A: number, d: number, bOff: number, priorE: Ptr) => number;
export type HeadSquares = (g: Ptr, from: number, to: number, rows: Ptr, count: number, A: number, d: number, fOff: number) => number;
export type HeadAdam = (
  p: Ptr, g: Ptr, m: Ptr, v: Ptr, from: number, to: number, rows: Ptr, count: number, A: number, d: number, fOff: number,
  scale: number, beta1: number, c1: number, beta2: number, c2: number, stepSize: number, invSqrtBc2: number, eps: number, decay: number,
  rowStepSize: number, rowDecay: number,
) => void;

const kernels = new EmbeddedModule<KernelExports>(KERNELS_WASM_BASE64, "wasm backend: the SIMD kernels");

/** Whether this runtime can run the WebAssembly SIMD backend. */
export function wasmSimdAvailable(): boolean {
  return kernels.available();
}

export class WasmBackend implements Backend {
  readonly kind = "wasm" as const;
  readonly base: Ptr;
  private readonly mem: KernelExports["memory"];

  readonly transpose: Backend["transpose"];
  readonly denseForward: Backend["denseForward"];
  readonly denseGradWeights: Backend["denseGradWeights"];
  readonly denseGradInput: Backend["denseGradInput"];
  readonly chosenGradWeights: Backend["chosenGradWeights"];
  readonly chosenGradInput: Backend["chosenGradInput"];
  readonly compressRows: Backend["compressRows"];
  readonly sparseForward: Backend["sparseForward"];
  readonly sparseGradWeights: Backend["sparseGradWeights"];
  readonly duelingForward: Backend["duelingForward"];
  readonly duelingBackward: Backend["duelingBackward"];
  readonly rowMax: Backend["rowMax"];
  readonly rowArgmax: Backend["rowArgmax"];
  readonly firstNonFinite: Backend["firstNonFinite"];
  readonly sumSquares: Backend["sumSquares"];
  readonly adamStep: Backend["adamStep"];
  readonly lerp: Backend["lerp"];
  readonly matmulAddRow: MatmulAddRow;
  readonly matmulAddRowMasked: MatmulAddRowMasked;
  readonly lerpExact: LerpExact;
  readonly addRowMeans: AddRowMeans;
  readonly featureChosenForward: FeatureChosenForward;
  readonly featureChosenBackward: FeatureChosenBackward;
  readonly headSquares: HeadSquares;
  readonly headAdam: HeadAdam;
  readonly headPrior: HeadPrior;

  constructor() {
    const ex = kernels.instantiate();
    this.mem = ex.memory;
    this.base = Math.ceil(ex.heapBase() / 64) * 64;
    // The exports are plain functions over this instance's memory: keep them as own properties so
    // a kernel call is one direct call.
    this.transpose = ex.transpose;
    this.denseForward = ex.denseForward;
    this.denseGradWeights = ex.denseGradWeights;
    this.denseGradInput = ex.denseGradInput;
    this.chosenGradWeights = ex.chosenGradWeights;
    this.chosenGradInput = ex.chosenGradInput;
    this.compressRows = ex.compressRows;
    this.sparseForward = ex.sparseForward;
    this.sparseGradWeights = ex.sparseGradWeights;
    this.duelingForward = ex.duelingForward;
    this.duelingBackward = ex.duelingBackward;
    this.rowMax = ex.rowMax;
    this.rowArgmax = ex.rowArgmax;
    this.firstNonFinite = ex.firstNonFinite;
    this.sumSquares = ex.sumSquares;
    this.adamStep = ex.adamStep;
    this.lerp = ex.lerp;
    this.matmulAddRow = ex.matmulAddRow;
    this.matmulAddRowMasked = ex.matmulAddRowMasked;
    this.lerpExact = ex.lerpExact;
    this.addRowMeans = ex.addRowMeans;
    this.featureChosenForward = ex.featureChosenForward;
    this.featureChosenBackward = ex.featureChosenBackward;
    this.headSquares = ex.headSquares;
    this.headAdam = ex.headAdam;
    this.headPrior = ex.headPrior;
  }

  memory(): ArrayBuffer {
    return this.mem.buffer;
  }

  reserve(bytes: number): void {
    growMemory(this.mem, bytes);
  }
}
