/**
 * Growing a typed array. Typed arrays have a fixed length, so a buffer that grows as data arrives
 * (a run's log, interned ids, the n-step replay's slots) is copied into a longer one of the same
 * kind; this is that copy, written once.
 */

/** The typed arrays the growing buffers use. */
export type GrowableArray = Int32Array | Uint8Array | Float32Array | Float64Array;

/** A new array of a's kind, `length` long (at least a's length), holding a's contents at its start and zeros after. */
export function grownTo<T extends GrowableArray>(a: T, length: number): T {
  if (!(length >= a.length)) throw new RangeError(`grownTo: a typed array of ${a.length} cannot grow to ${length}`);
  const next = new (a.constructor as new (n: number) => T)(length);
  next.set(a);
  return next;
}
