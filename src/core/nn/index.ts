/**
 * liveq's neural-network engine: Q-networks (ReLU MLP + linear or dueling head) on a WebAssembly
 * SIMD backend or a plain TypeScript reference backend, the Adam(W) optimizer with fused gradient
 * clipping, and the DQN TD loss.
 *
 * Usage (one DQN update; all buffers preallocated, nothing allocated per step):
 *
 *   const spec = { inputSize: 64, hidden: [128, 64], actions: 100, head: "linear" } as const;
 *   const online = createQNetwork(spec, { backend: "wasm", rng: new Rng(1) });
 *   const target = createQNetwork(spec, { backend: "wasm", rng: new Rng(2) });
 *   target.copyFrom(online);                               // hard sync (one memcpy)
 *   const adam = new Adam(online, { lr: 1e-3 });           // AdamW when weightDecay > 0
 *
 *   // per update, with states/nextStates (batch * 64), actions (Int32Array), rewards, dones:
 *   target.maxQ(nextStates, batch, nextMax);               // max_a' Q_target(s', a')
 *   for (let r = 0; r < batch; r++) y[r] = rewards[r] + gamma * (1 - dones[r]) * nextMax[r];
 *   const q = online.forward(states, batch);                // view, valid until the next call
 *   const loss = tdLossChosen("huber", batch, q, actions, y, null, gradChosen, tdErrors);
 *   online.backwardChosen(actions, gradChosen);             // or tdLoss(...dQ...) + backward(dQ)
 *   adam.clipAndStep(10);                                   // or adam.step() without clipping
 *
 *   // acting: online.greedy(state, 1, action) (action: Int32Array(1)); Double DQN:
 *   //   online.greedy(nextStates, batch, next) then target.forward(nextStates, batch)[r * A + next[r]]
 *
 * Checkpoints: `net.params()` is the flat parameter vector (copy it out with .slice(), restore with
 * `net.params().set(saved)`); `adam.getState()` / `adam.setState()` carry the step counter and the
 * moments. Bad arguments throw RangeError/TypeError naming the argument (non-finite input names the
 * row and column); a NaN loss throws.
 */
export type { BackendKind, HeadKind, LossKind, QNetwork, QNetworkSpec } from "./types.js";
export { createQNetwork, type CreateQNetworkOptions } from "./create-network.js";
export { Adam, clipGradNorm, gradNorm, type AdamOptions, type AdamState } from "./adam.js";
export { tdLoss, tdLossChosen } from "./loss.js";
export { argmaxRows, maxRows } from "./rows.js";
export { paramCountOf, validateSpec } from "./spec.js";
export { wasmSimdAvailable } from "./wasm-backend.js";
