/**
 * liveq: the library API. The CLI and the server are thin layers over what is exported here.
 */

// --- the learning core -------------------------------------------------------------------------
export { Rng, type RngState } from "./core/random/rng.js";
export type { QNetwork, QNetworkSpec, HeadKind, LossKind, BackendKind } from "./core/nn/types.js";
