/**
 * Argument checks shared by the replay buffers and the n-step writer. Each throws a RangeError
 * whose message starts with `where` (e.g. "replay.add") and names the offending field, so a bad
 * row is reported where it enters rather than as a NaN loss thousands of steps later.
 */
import type { ReplaySpec } from "./types.js";

export function checkInteger(where: string, name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${where}: ${name} must be an integer in [${min}, ${max}], got ${String(value)}`);
  }
}

export function checkFiniteNumber(where: string, name: string, value: number): void {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new RangeError(`${where}: ${name} is ${typeof value === "number" ? String(value) : typeof value}`);
  }
}

export function checkUnitInterval(where: string, name: string, value: number): void {
  checkFiniteNumber(where, name, value);
  if (value < 0 || value > 1) throw new RangeError(`${where}: ${name} must be in [0, 1], got ${value}`);
}

/** Checks that `array` holds `length` elements from `offset` (an integer >= 0). */
export function checkSpan(where: string, name: string, array: ArrayLike<number> | null | undefined, offset: number, length: number): void {
  if (array === null || array === undefined || typeof array.length !== "number") {
    throw new RangeError(`${where}: ${name} is missing`);
  }
  if (!Number.isInteger(offset) || offset < 0) {
    throw new RangeError(`${where}: ${name} offset must be an integer >= 0, got ${String(offset)}`);
  }
  if (offset + length > array.length) {
    throw new RangeError(`${where}: ${name} has length ${array.length}, too short for ${length} values at offset ${offset}`);
  }
}

/** Checks that array[offset .. offset + length) are all finite (NaN and +-Infinity are refused). */
export function checkFiniteSpan(where: string, name: string, array: Float32Array, offset: number, length: number): void {
  for (let i = offset, end = offset + length; i < end; i++) {
    const x = array[i];
    // x - x is 0 for every finite x and NaN for NaN and +-Infinity: one branch per element.
    if (x - x !== 0) throw new RangeError(`${where}: ${name}[${i}] is ${String(x)}`);
  }
}

/** True when some byte of mask[offset .. offset + length) is nonzero. */
export function anyValid(mask: Uint8Array, offset: number, length: number): boolean {
  for (let i = offset, end = offset + length; i < end; i++) if (mask[i] !== 0) return true;
  return false;
}

/** Checks the arguments of ReplayBuffer.updatePriorities against a buffer holding `size` rows. */
export function checkPriorityUpdate(where: string, indices: Int32Array, tdErrors: Float32Array, n: number, size: number): void {
  checkInteger(where, "n", n, 0, 0x7fffffff);
  checkSpan(where, "indices", indices, 0, n);
  checkSpan(where, "tdErrors", tdErrors, 0, n);
  for (let i = 0; i < n; i++) {
    const slot = indices[i];
    if (!Number.isInteger(slot) || slot < 0 || slot >= size) {
      throw new RangeError(`${where}: indices[${i}] is ${slot}, outside the ${size} rows held`);
    }
    const td = tdErrors[i];
    if (td - td !== 0) throw new RangeError(`${where}: tdErrors[${i}] is ${String(td)}`);
  }
}

/**
 * Checks one transition's fields (all but its discount) against a buffer spec: spans long enough,
 * observations and reward finite, action in range, done a boolean, and a next-state mask only when
 * the spec has masks, with at least one valid action unless the transition is terminal. With
 * `withNext` false (a buffer that keeps no next states) the next state's and mask's spans are
 * checked but their values are not read.
 */
export function checkTransition(
  where: string,
  spec: ReplaySpec,
  obs: Float32Array,
  obsOffset: number,
  action: number,
  reward: number,
  nextObs: Float32Array,
  nextObsOffset: number,
  done: boolean,
  nextMask: Uint8Array | null,
  nextMaskOffset: number,
  withNext = true,
): void {
  const { obsSize, numActions, maskSize } = spec;
  checkSpan(where, "obs", obs, obsOffset, obsSize);
  checkFiniteSpan(where, "obs", obs, obsOffset, obsSize);
  if (!Number.isInteger(action) || action < 0 || action >= numActions) {
    throw new RangeError(`${where}: action must be an integer in [0, ${numActions}), got ${String(action)}`);
  }
  checkFiniteNumber(where, "reward", reward);
  checkSpan(where, "nextObs", nextObs, nextObsOffset, obsSize);
  if (withNext) checkFiniteSpan(where, "nextObs", nextObs, nextObsOffset, obsSize);
  if (typeof done !== "boolean") throw new RangeError(`${where}: done must be a boolean, got ${typeof done}`);
  if (nextMask !== null && nextMask !== undefined) {
    if (maskSize === 0) throw new RangeError(`${where}: nextMask given but this buffer stores no masks (maskSize 0); pass null`);
    checkSpan(where, "nextMask", nextMask, nextMaskOffset, maskSize);
    if (withNext && !done && !anyValid(nextMask, nextMaskOffset, maskSize)) {
      throw new RangeError(`${where}: nextMask has no valid action but the transition is not terminal (done is false)`);
    }
  }
}

/**
 * The masks of a TransitionRows to read, or null for "every action valid": rows.nextMask, except
 * that an empty array (the nextMask of a batch from a buffer without masks) counts as null when
 * maskSize is 0.
 */
export function rowMasks(rows: { readonly nextMask: Uint8Array | null }, maskSize: number): Uint8Array | null {
  const masks = rows.nextMask ?? null;
  return maskSize === 0 && masks !== null && masks.length === 0 ? null : masks;
}
