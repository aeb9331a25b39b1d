/**
 * The storage every replay buffer shares: a ring of transitions kept as rows of preallocated typed
 * arrays (one array per field), with the checks for rows coming in, the copy of rows out into a
 * ReplayBatch, and the checkpoint state of the rows. The buffers add only their sampling rule.
 *
 * Next-state masks are bit-packed (ceil(maskSize / 32) Uint32 words per row, bit a of a row is
 * word a >>> 5, bit a & 31) and unpacked to one byte per action in the batch, which is what a DQN
 * taking the max over valid next actions reads fastest. A ring without next states (spec.nextStates
 * false) has empty next-state arrays and neither checks, stores nor copies next states.
 */
import type { ReplayBatch, ReplaySpec, TransitionRingState, TransitionRows } from "./types.js";
import { checkReplaySpec, maskWordsOf } from "./spec.js";
import { checkFiniteSpan, checkInteger, checkSpan, checkTransition, checkUnitInterval, rowMasks } from "./validate.js";

export class TransitionRing {
  readonly spec: ReplaySpec;
  /** Uint32 words per packed mask row. */
  readonly maskWords: number;
  /** Whether rows keep their next state and mask (spec.nextStates). */
  readonly nextStates: boolean;
  readonly obs: Float32Array;
  readonly nextObs: Float32Array;
  readonly actions: Int32Array;
  readonly rewards: Float32Array;
  readonly discounts: Float32Array;
  readonly dones: Uint8Array;
  readonly nextMaskWords: Uint32Array;
  /** The packed mask with every action valid (written for a null mask). */
  private readonly allValid: Uint32Array;
  /** Rows held. */
  size = 0;
  /** Slot the next push writes. */
  next = 0;

  constructor(where: string, spec: ReplaySpec) {
    this.spec = checkReplaySpec(where, spec);
    const { capacity, obsSize, maskSize } = this.spec;
    this.maskWords = maskWordsOf(maskSize);
    this.nextStates = this.spec.nextStates !== false;
    const nextRows = this.nextStates ? capacity : 0;
    this.obs = new Float32Array(capacity * obsSize);
    this.nextObs = new Float32Array(nextRows * obsSize);
    this.actions = new Int32Array(capacity);
    this.rewards = new Float32Array(capacity);
    this.discounts = new Float32Array(capacity);
    this.dones = new Uint8Array(capacity);
    this.nextMaskWords = new Uint32Array(nextRows * this.maskWords);
    this.allValid = new Uint32Array(this.maskWords);
    for (let a = 0; a < maskSize; a++) this.allValid[a >>> 5] |= 1 << (a & 31);
  }

  get byteLength(): number {
    return (
      this.obs.byteLength +
      this.nextObs.byteLength +
      this.actions.byteLength +
      this.rewards.byteLength +
      this.discounts.byteLength +
      this.dones.byteLength +
      this.nextMaskWords.byteLength +
      this.allValid.byteLength
    );
  }

  /** Throws RangeError naming the field if this row may not be stored (see ReplayBuffer.add). */
  checkRow(
    where: string,
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
  ): void {
    checkTransition(where, this.spec, obs, obsOffset, action, reward, nextObs, nextObsOffset, done, nextMask, nextMaskOffset, this.nextStates);
    checkUnitInterval(where, "discount", discount);
  }

  /** Writes a row already checked by checkRow at the ring's cursor; returns the slot written. */
  push(
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
    const { capacity, obsSize, maskSize } = this.spec;
    const slot = this.next;
    const base = slot * obsSize;
    // Plain loops rather than set(subarray(...)): no view object per row on the hot path.
    for (let i = 0; i < obsSize; i++) this.obs[base + i] = obs[obsOffset + i];
    this.actions[slot] = action;
    this.rewards[slot] = reward;
    this.dones[slot] = done ? 1 : 0;
    this.discounts[slot] = discount;
    this.next = slot + 1 === capacity ? 0 : slot + 1;
    if (this.size < capacity) this.size++;
    if (!this.nextStates) return slot;
    for (let i = 0; i < obsSize; i++) this.nextObs[base + i] = nextObs[nextObsOffset + i];
    const words = this.maskWords;
    if (words > 0) {
      const w0 = slot * words;
      if (nextMask === null || nextMask === undefined) {
        for (let w = 0; w < words; w++) this.nextMaskWords[w0 + w] = this.allValid[w];
      } else {
        for (let w = 0; w < words; w++) {
          const m0 = nextMaskOffset + (w << 5), len = Math.min(32, maskSize - (w << 5));
          let bits = 0;
          // Branch-free: for a byte v, (-v) >>> 31 is 1 when v > 0 and 0 when v is 0.
          for (let j = 0; j < len; j++) bits |= (-nextMask[m0 + j] >>> 31) << j;
          this.nextMaskWords[w0 + w] = bits;
        }
      }
    }
    return slot;
  }

  /** Checks rows [start, start + count) of `rows`, all before any is written. */
  checkRows(where: string, rows: TransitionRows, start: number, count: number): void {
    const { obsSize, maskSize } = this.spec;
    if (rows === null || typeof rows !== "object") throw new RangeError(`${where}: rows must be an object`);
    checkInteger(where, "start", start, 0, 0x7fffffff);
    checkInteger(where, "count", count, 0, 0x7fffffff);
    const end = start + count;
    checkSpan(where, "obs", rows.obs, start * obsSize, count * obsSize);
    checkSpan(where, "nextObs", rows.nextObs, start * obsSize, count * obsSize);
    checkSpan(where, "actions", rows.actions, start, count);
    checkSpan(where, "rewards", rows.rewards, start, count);
    checkSpan(where, "dones", rows.dones, start, count);
    checkSpan(where, "discounts", rows.discounts, start, count);
    const masks = rowMasks(rows, maskSize);
    if (masks !== null && maskSize > 0) checkSpan(where, "nextMask", masks, start * maskSize, count * maskSize);
    for (let i = start; i < end; i++) {
      const done = rows.dones[i];
      try {
        if (done !== 0 && done !== 1) throw new RangeError(`${where}: dones[${i}] must be 0 or 1, got ${done}`);
        this.checkRow(
          where, rows.obs, i * obsSize, rows.actions[i], rows.rewards[i], rows.nextObs, i * obsSize,
          done === 1, rows.discounts[i], masks, i * maskSize,
        );
      } catch (e) {
        if (e instanceof RangeError) throw new RangeError(e.message.replace(`${where}:`, `${where}: row ${i}:`));
        throw e;
      }
    }
  }

  /** Writes rows already checked by checkRows; returns nothing (slots are consecutive mod capacity). */
  pushRows(rows: TransitionRows, start: number, count: number): void {
    const { obsSize, maskSize } = this.spec;
    const masks = rowMasks(rows, maskSize);
    for (let i = start, end = start + count; i < end; i++) {
      this.push(
        rows.obs, i * obsSize, rows.actions[i], rows.rewards[i], rows.nextObs, i * obsSize,
        rows.dones[i] === 1, rows.discounts[i], masks, i * maskSize,
      );
    }
  }

  /** Checks the arguments of sample(). */
  checkSample(where: string, batchSize: number, out: ReplayBatch, progress: number | undefined): void {
    if (out === null || typeof out !== "object") throw new RangeError(`${where}: out must be a ReplayBatch (see createReplayBatch)`);
    if (out.obsSize !== this.spec.obsSize || out.maskSize !== this.spec.maskSize) {
      throw new RangeError(
        `${where}: out has obsSize ${out.obsSize} and maskSize ${out.maskSize} but the buffer has obsSize ${this.spec.obsSize} and maskSize ${this.spec.maskSize}`,
      );
    }
    checkInteger(where, "batchSize", batchSize, 1, out.capacity);
    if (progress !== undefined) checkUnitInterval(where, "progress", progress);
    if (this.size === 0) throw new RangeError(`${where}: the buffer is empty; add transitions before sampling`);
  }

  /** Copies the row in `slot` into row `row` of `out` (all fields but weights). */
  copyToBatch(slot: number, out: ReplayBatch, row: number): void {
    const { obsSize, maskSize } = this.spec;
    const src = slot * obsSize;
    const dst = row * obsSize;
    // set() of a subarray: a memcpy, 1.7x (124 floats) to 3.5x (396) a copying loop over rows of a
    // large ring, measured with the short-lived view objects included.
    out.obs.set(this.obs.subarray(src, src + obsSize), dst);
    out.actions[row] = this.actions[slot];
    out.rewards[row] = this.rewards[slot];
    out.dones[row] = this.dones[slot];
    out.discounts[row] = this.discounts[slot];
    out.indices[row] = slot;
    if (!this.nextStates) return;
    out.nextObs.set(this.nextObs.subarray(src, src + obsSize), dst);
    if (maskSize > 0) {
      const words = this.nextMaskWords, w0 = slot * this.maskWords, m0 = row * maskSize, mask = out.nextMask;
      for (let a = 0; a < maskSize; a++) mask[m0 + a] = (words[w0 + (a >>> 5)] >>> (a & 31)) & 1;
    }
  }

  /** The rows held, as views of the live storage (slots 0 .. size-1); empty next states without them. */
  exportState(): TransitionRingState {
    const { capacity, obsSize, numActions, maskSize } = this.spec;
    const n = this.size, nNext = this.nextStates ? n : 0;
    return {
      version: 1,
      capacity, obsSize, numActions, maskSize,
      size: n,
      next: this.next,
      obs: this.obs.subarray(0, n * obsSize),
      nextObs: this.nextObs.subarray(0, nNext * obsSize),
      actions: this.actions.subarray(0, n),
      rewards: this.rewards.subarray(0, n),
      discounts: this.discounts.subarray(0, n),
      dones: this.dones.subarray(0, n),
      nextMaskWords: this.nextMaskWords.subarray(0, nNext * this.maskWords),
    };
  }

  /**
   * Throws RangeError if `s` does not fit this ring exactly (changes nothing). A ring without next
   * states also takes a state with them (written before it had the choice) and will ignore them; a
   * ring with next states refuses a state without.
   */
  checkState(where: string, s: TransitionRingState): void {
    if (s === null || typeof s !== "object") throw new RangeError(`${where}: state must be an object`);
    if (s.version !== 1) throw new RangeError(`${where}: unsupported state version ${String(s.version)} (expected 1)`);
    for (const key of ["capacity", "obsSize", "numActions", "maskSize"] as const) {
      if (s[key] !== this.spec[key]) {
        throw new RangeError(`${where}: state has ${key} ${String(s[key])} but this buffer has ${key} ${this.spec[key]}`);
      }
    }
    const { capacity, obsSize, numActions } = this.spec;
    checkInteger(where, "state.size", s.size, 0, capacity);
    if (s.size < capacity) {
      if (s.next !== s.size) throw new RangeError(`${where}: state.next must equal state.size (${s.size}) until the buffer is full, got ${String(s.next)}`);
    } else {
      checkInteger(where, "state.next", s.next, 0, capacity - 1);
    }
    const n = s.size;
    // Rows of next states the state holds: all (n), or none if this ring keeps none and it has none.
    const nNext = !this.nextStates && s.nextObs instanceof Float32Array && s.nextObs.length === 0 ? 0 : n;
    if (this.nextStates && n > 0 && s.nextObs instanceof Float32Array && s.nextObs.length === 0) {
      throw new RangeError(`${where}: the state keeps no next states (saved by a learner with a discount of 0) but this buffer needs them`);
    }
    const arrays: [string, unknown, new (n: number) => ArrayBufferView, number][] = [
      ["obs", s.obs, Float32Array, n * obsSize],
      ["nextObs", s.nextObs, Float32Array, nNext * obsSize],
      ["actions", s.actions, Int32Array, n],
      ["rewards", s.rewards, Float32Array, n],
      ["discounts", s.discounts, Float32Array, n],
      ["dones", s.dones, Uint8Array, n],
      ["nextMaskWords", s.nextMaskWords, Uint32Array, nNext * this.maskWords],
    ];
    for (const [name, value, type, length] of arrays) {
      if (!(value instanceof type)) throw new RangeError(`${where}: state.${name} must be a ${type.name}`);
      const len = (value as unknown as ArrayLike<number>).length;
      if (len !== length) throw new RangeError(`${where}: state.${name} has length ${len}, expected ${length} (size ${n})`);
    }
    checkFiniteSpan(where, "state.obs", s.obs, 0, n * obsSize);
    checkFiniteSpan(where, "state.nextObs", s.nextObs, 0, nNext * obsSize);
    checkFiniteSpan(where, "state.rewards", s.rewards, 0, n);
    for (let i = 0; i < n; i++) {
      const a = s.actions[i], d = s.dones[i], g = s.discounts[i];
      if (a < 0 || a >= numActions) throw new RangeError(`${where}: state.actions[${i}] is ${a}, outside [0, ${numActions})`);
      if (d > 1) throw new RangeError(`${where}: state.dones[${i}] is ${d}, expected 0 or 1`);
      if (!(g >= 0 && g <= 1)) throw new RangeError(`${where}: state.discounts[${i}] is ${g}, outside [0, 1]`);
    }
  }

  /** Copies a state already checked by checkState into the ring. */
  importState(s: TransitionRingState): void {
    this.obs.set(s.obs);
    this.actions.set(s.actions);
    this.rewards.set(s.rewards);
    this.discounts.set(s.discounts);
    this.dones.set(s.dones);
    if (this.nextStates) {
      this.nextObs.set(s.nextObs);
      this.nextMaskWords.set(s.nextMaskWords);
    }
    this.size = s.size;
    this.next = s.next;
  }
}
