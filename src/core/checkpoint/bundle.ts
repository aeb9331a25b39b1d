/**
 * A checkpoint in memory: JSON-able metadata plus named typed arrays. The learning core produces
 * and consumes bundles and knows nothing of files; `src/io/checkpoint-dir.ts` stores them.
 */
export type StoredArray = Float32Array | Float64Array | Int32Array | Uint32Array | Uint8Array;
export type DType = "f32" | "f64" | "i32" | "u32" | "u8";

export interface CheckpointBundle {
  /** What wrote it, e.g. "liveq.dqn". Loading refuses a bundle of another kind. */
  readonly kind: string;
  /** Version of that kind's layout. */
  readonly version: number;
  /** JSON-able metadata: config, counters, RNG states. */
  readonly meta: Record<string, unknown>;
  readonly arrays: Record<string, StoredArray>;
}

export function dtypeOf(a: StoredArray): DType {
  if (a instanceof Float32Array) return "f32";
  if (a instanceof Float64Array) return "f64";
  if (a instanceof Int32Array) return "i32";
  if (a instanceof Uint32Array) return "u32";
  if (a instanceof Uint8Array) return "u8";
  throw new TypeError("checkpoint: unsupported array type");
}

export function allocate(dtype: DType, length: number): StoredArray {
  switch (dtype) {
    case "f32": return new Float32Array(length);
    case "f64": return new Float64Array(length);
    case "i32": return new Int32Array(length);
    case "u32": return new Uint32Array(length);
    case "u8": return new Uint8Array(length);
  }
}

export class CheckpointError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CheckpointError";
  }
}

/** The named array, checked for type and length; a clear CheckpointError otherwise. */
export function requireArray<T extends StoredArray>(
  bundle: CheckpointBundle,
  name: string,
  ctor: { new (n: number): T; name: string },
  length: number,
): T {
  const a = bundle.arrays[name];
  if (a === undefined) throw new CheckpointError(`checkpoint: array "${name}" is missing`);
  if (!(a instanceof ctor)) throw new CheckpointError(`checkpoint: array "${name}" should be ${ctor.name}`);
  if (a.length !== length) throw new CheckpointError(`checkpoint: array "${name}" has length ${a.length}, expected ${length}`);
  return a as T;
}

/**
 * The whole-number fields of a part's meta (`prefix`), each at least its minimum; a CheckpointError
 * naming the field otherwise, or the part when its meta is missing.
 */
export function requireWholeNumbers<K extends string>(meta: unknown, prefix: string, minimums: Record<K, number>): Record<K, number> {
  if (!meta || typeof meta !== "object") throw new CheckpointError(`checkpoint: meta for "${prefix}" is missing`);
  const m = meta as Record<string, unknown>;
  for (const [k, min] of Object.entries(minimums) as [K, number][]) {
    const v = m[k];
    if (typeof v !== "number" || !Number.isInteger(v) || v < min) {
      throw new CheckpointError(`checkpoint: ${prefix}.${k} must be a whole number >= ${min}, got ${JSON.stringify(v)}`);
    }
  }
  return m as Record<K, number>;
}

/** Checks that every value of the stored array `name` is finite and >= 0; a CheckpointError naming the first that is not. */
export function requireNonNegative(a: ArrayLike<number>, name: string): void {
  for (let i = 0; i < a.length; i++) {
    if (!(a[i] >= 0 && Number.isFinite(a[i]))) throw new CheckpointError(`checkpoint: ${name}[${i}] = ${a[i]} is not a finite number >= 0`);
  }
}
