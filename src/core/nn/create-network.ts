/**
 * The one way to build a Q-network: pick the backend, draw the initial weights from a seeded Rng.
 */
import type { Rng } from "../random/rng.js";
import type { Backend } from "./backend.js";
import { MlpQNetwork } from "./mlp-network.js";
import { ReferenceBackend } from "./reference-backend.js";
import type { BackendKind, QNetwork, QNetworkSpec } from "./types.js";
import { WasmBackend } from "./wasm-backend.js";

export interface CreateQNetworkOptions {
  /** "wasm" (WebAssembly SIMD, the default) or "reference" (plain TypeScript, for checking). */
  readonly backend?: BackendKind;
  /** Source of the initial weights: the same seed gives the same network, bit for bit. */
  readonly rng: Rng;
  /**
   * Let a mostly-zero input take the sparse first layer (default true; same values either way).
   * false keeps the dense kernels, the reference a benchmark or a test compares with.
   */
  readonly sparseInput?: boolean;
}

/** Builds a Q-network for `spec`. Throws a RangeError naming the bad field of an invalid spec. */
export function createQNetwork(spec: QNetworkSpec, options: CreateQNetworkOptions): QNetwork {
  if (!options || typeof options.rng?.nextU32 !== "function") {
    throw new TypeError("createQNetwork: options.rng must be an Rng (the seeded generator for the initial weights)");
  }
  const kind = options.backend ?? "wasm";
  let kernels: Backend;
  if (kind === "wasm") kernels = new WasmBackend();
  else if (kind === "reference") kernels = new ReferenceBackend();
  else throw new RangeError(`createQNetwork: options.backend must be "wasm" or "reference", got ${String(kind)}`);
  return new MlpQNetwork(spec, kernels, options.rng, options.sparseInput ?? true);
}
