/**
 * Growing typed-array columns. The platform state keeps one typed array per field (users x field,
 * streams x field) instead of one object per user, so 100,000 users cost a few megabytes and
 * scanning them touches contiguous memory. These helpers grow a column by doubling.
 */
type Typed = Float64Array | Float32Array | Int32Array | Uint8Array;

/** A column at least `needed` long: `column` itself, or a copy twice as long filled with `fill`. */
export function ensureLength<T extends Typed>(column: T, needed: number, fill = 0): T {
  if (needed <= column.length) return column;
  let n = Math.max(16, column.length);
  while (n < needed) n *= 2;
  const ctor = column.constructor as new (n: number) => T;
  const grown = new ctor(n);
  grown.set(column);
  if (fill !== 0) grown.fill(fill, column.length);
  return grown;
}
