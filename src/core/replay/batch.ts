/**
 * Preallocated minibatches for ReplayBuffer.sample.
 */
import type { ReplayBatch, ReplaySpec } from "./types.js";
import { checkInteger } from "./validate.js";

/**
 * Allocates a batch of `batchSize` rows shaped for buffers of this spec (only obsSize and maskSize
 * matter). Reuse it for every sample() call: the training loop then allocates nothing per step.
 */
export function createReplayBatch(spec: Pick<ReplaySpec, "obsSize" | "maskSize">, batchSize: number): ReplayBatch {
  checkInteger("createReplayBatch", "batchSize", batchSize, 1, 0x7fffffff);
  checkInteger("createReplayBatch", "obsSize", spec.obsSize, 1, 0x7fffffff);
  checkInteger("createReplayBatch", "maskSize", spec.maskSize, 0, 0x7fffffff);
  return {
    capacity: batchSize,
    size: 0,
    obsSize: spec.obsSize,
    maskSize: spec.maskSize,
    obs: new Float32Array(batchSize * spec.obsSize),
    actions: new Int32Array(batchSize),
    rewards: new Float32Array(batchSize),
    nextObs: new Float32Array(batchSize * spec.obsSize),
    dones: new Uint8Array(batchSize),
    discounts: new Float32Array(batchSize),
    nextMask: new Uint8Array(batchSize * spec.maskSize),
    weights: new Float32Array(batchSize),
    indices: new Int32Array(batchSize),
  };
}
