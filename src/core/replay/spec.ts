/**
 * Checking a ReplaySpec and the quantities derived from it.
 */
import type { ReplaySpec } from "./types.js";
import { checkInteger } from "./validate.js";

/** Largest capacity / obsSize / numActions accepted (slots and actions are stored as Int32). */
export const MAX_REPLAY_DIMENSION = 0x7fffffff;

/** Number of 32-bit words one bit-packed mask of maskSize actions takes. */
export function maskWordsOf(maskSize: number): number {
  return (maskSize + 31) >>> 5;
}

/** Returns a frozen copy of `spec` (nextStates filled in) after checking it; throws RangeError naming the bad field. */
export function checkReplaySpec(where: string, spec: ReplaySpec): ReplaySpec {
  if (spec === null || typeof spec !== "object") throw new RangeError(`${where}: spec must be an object`);
  checkInteger(where, "capacity", spec.capacity, 1, MAX_REPLAY_DIMENSION);
  checkInteger(where, "obsSize", spec.obsSize, 1, MAX_REPLAY_DIMENSION);
  checkInteger(where, "numActions", spec.numActions, 1, MAX_REPLAY_DIMENSION);
  if (spec.maskSize !== 0 && spec.maskSize !== spec.numActions) {
    throw new RangeError(`${where}: maskSize must be 0 (no masks) or numActions (${spec.numActions}), got ${spec.maskSize}`);
  }
  const nextStates = spec.nextStates ?? true;
  if (typeof nextStates !== "boolean") throw new RangeError(`${where}: nextStates must be a boolean, got ${typeof nextStates}`);
  return Object.freeze({ capacity: spec.capacity, obsSize: spec.obsSize, numActions: spec.numActions, maskSize: spec.maskSize, nextStates });
}
