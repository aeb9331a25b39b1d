/**
 * A view of the first entries of a preallocated buffer, made again only when its length changes.
 *
 * The platform hands out its batch buffers as views (the deciding users, the observations, the
 * actions, a step's results) whose length changes from tick to tick. Making a typed-array view
 * costs an object and a trip through the runtime; a run of the simulator makes thousands of
 * ticks, most of whose views nobody reads. So a view is made when first asked for, and kept while
 * the length stays the same (a view of the same prefix of the same buffer is the same view).
 */
export type NumericBuffer = Int32Array | Uint8Array | Float32Array | Float64Array;

export class PrefixView<T extends NumericBuffer> {
  private view: T;

  constructor(private readonly buffer: T) {
    this.view = buffer.subarray(0, 0) as T;
  }

  /** The first `length` entries of the buffer. */
  of(length: number): T {
    if (this.view.length !== length) this.view = this.buffer.subarray(0, length) as T;
    return this.view;
  }
}
