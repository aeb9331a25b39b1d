/**
 * Uniform experience replay (Mnih et al. 2015): a ring buffer of the last `capacity` transitions,
 * sampled uniformly with replacement in O(batch).
 */
import type { Rng } from "../random/rng.js";
import type { ReplayBatch, ReplayBuffer, ReplaySpec, ReplayState, TransitionRows, UniformReplayState } from "./types.js";
import { TransitionRing } from "./transition-ring.js";
import { checkPriorityUpdate } from "./validate.js";

export class UniformReplay implements ReplayBuffer {
  readonly kind = "uniform" as const;
  readonly spec: ReplaySpec;
  private readonly ring: TransitionRing;

  constructor(spec: ReplaySpec) {
    this.ring = new TransitionRing("UniformReplay", spec);
    this.spec = this.ring.spec;
  }

  get size(): number {
    return this.ring.size;
  }

  get byteLength(): number {
    return this.ring.byteLength;
  }

  add(
    obs: Float32Array,
    obsOffset: number,
    action: number,
    reward: number,
    nextObs: Float32Array,
    nextObsOffset: number,
    done: boolean,
    discount: number,
    nextMask: Uint8Array | null,
    nextMaskOffset: number,
  ): number {
    this.ring.checkRow("replay.add", obs, obsOffset, action, reward, nextObs, nextObsOffset, done, discount, nextMask, nextMaskOffset);
    return this.ring.push(obs, obsOffset, action, reward, nextObs, nextObsOffset, done, discount, nextMask, nextMaskOffset);
  }

  addBatch(rows: TransitionRows, start: number, count: number): void {
    this.ring.checkRows("replay.addBatch", rows, start, count);
    this.ring.pushRows(rows, start, count);
  }

  sample(batchSize: number, rng: Rng, out: ReplayBatch, progress?: number): void {
    const ring = this.ring;
    ring.checkSample("replay.sample", batchSize, out, progress);
    const n = ring.size;
    for (let b = 0; b < batchSize; b++) {
      ring.copyToBatch(rng.int(n), out, b);
      out.weights[b] = 1;
    }
    out.size = batchSize;
  }

  /** Uniform replay has no priorities: checks the arguments like prioritized replay, then ignores them. */
  updatePriorities(indices: Int32Array, tdErrors: Float32Array, n: number): void {
    checkPriorityUpdate("replay.updatePriorities", indices, tdErrors, n, this.ring.size);
  }

  getState(): UniformReplayState {
    return { kind: "uniform", ...this.ring.exportState() };
  }

  setState(state: ReplayState): void {
    if (state === null || typeof state !== "object" || state.kind !== "uniform") {
      const kind = state !== null && typeof state === "object" ? String((state as { kind?: unknown }).kind) : typeof state;
      throw new RangeError(`UniformReplay.setState: state kind is ${kind}, expected "uniform"`);
    }
    this.ring.checkState("UniformReplay.setState", state);
    this.ring.importState(state);
  }
}
