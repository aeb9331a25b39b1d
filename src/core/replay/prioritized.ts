/**
 * Prioritized experience replay, proportional variant (Schaul et al. 2016, "Prioritized
 * Experience Replay"):
 *
 * - transition i has priority p_i = (|delta_i| + epsilon)^alpha, from its last TD error delta_i;
 *   a new transition gets the largest (|delta| + epsilon)^alpha seen so far, so it is replayed at
 *   least once soon;
 * - a batch of B is drawn stratified: the total priority is cut into B equal segments and one
 *   transition is drawn in each, with probability P(i) = p_i / sum_k p_k within its segment;
 * - each row gets the importance-sampling weight w_i = (N * P(i))^-beta / max_k (N * P(k))^-beta
 *   = (p_i / p_min)^-beta, with beta annealed linearly from beta0 (progress 0) to 1 (progress 1);
 * - updatePriorities() sets p_i from the TD errors the learner computed on the batch.
 *
 * Sampling and updates cost O(log n) per row through a SumTree that also tracks p_min.
 */
import type { Rng } from "../random/rng.js";
import type { PrioritizedReplayState, ReplayBatch, ReplayBuffer, ReplaySpec, ReplayState, TransitionRows } from "./types.js";
import { SumTree } from "./sum-tree.js";
import { TransitionRing } from "./transition-ring.js";
import { checkFiniteNumber, checkPriorityUpdate, checkUnitInterval, rowMasks } from "./validate.js";

export interface PrioritizedReplayOptions {
  /** How strongly priorities shape sampling, in [0, 1]: 0 is uniform. Default 0.6 (Schaul et al.). */
  readonly alpha?: number;
  /** Importance-sampling exponent at progress 0, in [0, 1], annealed to 1. Default 0.4 (Schaul et al.). */
  readonly beta0?: number;
  /** Added to |TD error| so no transition's priority is ever 0. Default 1e-6. */
  readonly epsilon?: number;
}

export const PRIORITIZED_REPLAY_DEFAULTS = Object.freeze({ alpha: 0.6, beta0: 0.4, epsilon: 1e-6 });

export class PrioritizedReplay implements ReplayBuffer {
  readonly kind = "prioritized" as const;
  readonly spec: ReplaySpec;
  readonly alpha: number;
  readonly beta0: number;
  readonly epsilon: number;
  private readonly ring: TransitionRing;
  private readonly tree: SumTree;
  /** Largest |td| + epsilon seen (1 until a larger one arrives, as in the reference implementations). */
  private maxPriority = 1;
  /** maxPriority ^ alpha: the priority given to new transitions. */
  private maxLeaf = 1;

  constructor(spec: ReplaySpec, options: PrioritizedReplayOptions = {}) {
    const where = "PrioritizedReplay";
    this.alpha = options.alpha ?? PRIORITIZED_REPLAY_DEFAULTS.alpha;
    this.beta0 = options.beta0 ?? PRIORITIZED_REPLAY_DEFAULTS.beta0;
    this.epsilon = options.epsilon ?? PRIORITIZED_REPLAY_DEFAULTS.epsilon;
    checkUnitInterval(where, "alpha", this.alpha);
    checkUnitInterval(where, "beta0", this.beta0);
    checkFiniteNumber(where, "epsilon", this.epsilon);
    if (this.epsilon <= 0) throw new RangeError(`${where}: epsilon must be > 0, got ${this.epsilon}`);
    this.ring = new TransitionRing(where, spec);
    this.spec = this.ring.spec;
    this.tree = new SumTree(this.spec.capacity);
  }

  get size(): number {
    return this.ring.size;
  }

  get byteLength(): number {
    return this.ring.byteLength + this.tree.byteLength;
  }

  /** Sum-tree levels walked so far by sampling, adds and priority updates (an O(log n) cost counter). */
  get treeSteps(): number {
    return this.tree.steps;
  }

  /** The priority p = (|td| + epsilon)^alpha of the transition in `slot` (0 for an empty slot). */
  priority(slot: number): number {
    return slot >= 0 && slot < this.ring.size ? this.tree.get(slot) : 0;
  }

  /** The importance-sampling exponent at a given progress in [0, 1] (beta0 when progress is undefined). */
  betaAt(progress: number | undefined): number {
    return progress === undefined ? this.beta0 : this.beta0 + (1 - this.beta0) * progress;
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
    const slot = this.ring.push(obs, obsOffset, action, reward, nextObs, nextObsOffset, done, discount, nextMask, nextMaskOffset);
    this.tree.set(slot, this.maxLeaf);
    return slot;
  }

  addBatch(rows: TransitionRows, start: number, count: number): void {
    const ring = this.ring;
    ring.checkRows("replay.addBatch", rows, start, count);
    const { obsSize, maskSize } = this.spec;
    const masks = rowMasks(rows, maskSize);
    for (let i = start, end = start + count; i < end; i++) {
      const slot = ring.push(
        rows.obs, i * obsSize, rows.actions[i], rows.rewards[i], rows.nextObs, i * obsSize,
        rows.dones[i] === 1, rows.discounts[i], masks, i * maskSize,
      );
      this.tree.set(slot, this.maxLeaf);
    }
  }

  sample(batchSize: number, rng: Rng, out: ReplayBatch, progress?: number): void {
    const ring = this.ring, tree = this.tree;
    ring.checkSample("replay.sample", batchSize, out, progress);
    const beta = this.betaAt(progress);
    const segment = tree.total / batchSize;
    const minPriority = tree.min;
    for (let b = 0; b < batchSize; b++) {
      const slot = tree.find((b + rng.float()) * segment);
      ring.copyToBatch(slot, out, b);
      // (N P(i))^-beta / max_k (N P(k))^-beta = (p_i / p_min)^-beta: N and the total cancel.
      out.weights[b] = Math.pow(tree.get(slot) / minPriority, -beta);
    }
    out.size = batchSize;
  }

  updatePriorities(indices: Int32Array, tdErrors: Float32Array, n: number): void {
    checkPriorityUpdate("replay.updatePriorities", indices, tdErrors, n, this.ring.size);
    for (let i = 0; i < n; i++) {
      const p = Math.abs(tdErrors[i]) + this.epsilon;
      if (p > this.maxPriority) {
        this.maxPriority = p;
        this.maxLeaf = Math.pow(p, this.alpha);
      }
      this.tree.set(indices[i], Math.pow(p, this.alpha));
    }
  }

  getState(): PrioritizedReplayState {
    return {
      kind: "prioritized",
      ...this.ring.exportState(),
      alpha: this.alpha,
      beta0: this.beta0,
      epsilon: this.epsilon,
      maxPriority: this.maxPriority,
      priorities: this.tree.leaves(this.ring.size),
    };
  }

  setState(state: ReplayState): void {
    const where = "PrioritizedReplay.setState";
    if (state === null || typeof state !== "object" || state.kind !== "prioritized") {
      const kind = state !== null && typeof state === "object" ? String((state as { kind?: unknown }).kind) : typeof state;
      throw new RangeError(`${where}: state kind is ${kind}, expected "prioritized"`);
    }
    for (const key of ["alpha", "beta0", "epsilon"] as const) {
      if (state[key] !== this[key]) throw new RangeError(`${where}: state has ${key} ${String(state[key])} but this buffer has ${key} ${this[key]}`);
    }
    this.ring.checkState(where, state);
    const p = state.priorities;
    if (!(p instanceof Float64Array)) throw new RangeError(`${where}: state.priorities must be a Float64Array`);
    if (p.length !== state.size) throw new RangeError(`${where}: state.priorities has length ${p.length}, expected ${state.size} (size)`);
    for (let i = 0; i < p.length; i++) {
      if (!(p[i] > 0 && p[i] < Infinity)) throw new RangeError(`${where}: state.priorities[${i}] is ${p[i]}, expected finite and > 0`);
    }
    if (!(state.maxPriority > 0 && state.maxPriority < Infinity)) {
      throw new RangeError(`${where}: state.maxPriority is ${String(state.maxPriority)}, expected finite and > 0`);
    }
    this.tree.load(p);
    this.ring.importState(state);
    this.maxPriority = state.maxPriority;
    this.maxLeaf = Math.pow(state.maxPriority, this.alpha);
  }
}
