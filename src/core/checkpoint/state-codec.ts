/**
 * Puts a component's state (an object of plain values and typed arrays, as getState() returns) into
 * a checkpoint bundle under a prefix, and takes it out again. Nested objects are flattened with
 * dots ("replay.obs"); typed arrays keep their element type.
 */
import { CheckpointError, type StoredArray } from "./bundle.js";

type Plain = number | string | boolean | null;

function isStoredArray(v: unknown): v is StoredArray {
  return v instanceof Float32Array || v instanceof Float64Array || v instanceof Int32Array || v instanceof Uint32Array || v instanceof Uint8Array;
}

/** Splits `state` into JSON-able `meta[prefix]` and `arrays["prefix.key"]`. */
export function encodeState(prefix: string, state: object, meta: Record<string, unknown>, arrays: Record<string, StoredArray>): void {
  const plain: Record<string, Plain | Plain[]> = {};
  for (const [key, value] of Object.entries(state)) {
    if (isStoredArray(value)) arrays[`${prefix}.${key}`] = value;
    else if (value === null || ["number", "string", "boolean"].includes(typeof value)) plain[key] = value as Plain;
    else if (Array.isArray(value) && value.every((x) => typeof x === "number")) plain[key] = value as number[];
    else throw new TypeError(`encodeState: ${prefix}.${key} has a type a checkpoint cannot hold`);
  }
  meta[prefix] = plain;
}

/** The inverse of encodeState: rebuilds the state object for `prefix`. */
export function decodeState<T>(prefix: string, meta: Record<string, unknown>, arrays: Record<string, StoredArray>): T {
  const plain = meta[prefix];
  if (plain === null || typeof plain !== "object") throw new CheckpointError(`checkpoint: metadata "${prefix}" is missing`);
  const out: Record<string, unknown> = { ...(plain as Record<string, unknown>) };
  const start = `${prefix}.`;
  for (const [name, a] of Object.entries(arrays)) {
    if (name.startsWith(start) && !name.slice(start.length).includes(".")) out[name.slice(start.length)] = a;
  }
  return out as T;
}
