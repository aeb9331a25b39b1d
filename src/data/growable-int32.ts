/**
 * A growable column of 32-bit integers: an Int32Array with a length and spare capacity, like a
 * vector. The import stores each column of a log in one of these, so a 124M-row file costs four
 * bytes per row and column and no per-row objects.
 */
export class GrowableInt32Array {
  private data: Int32Array;
  private size = 0;

  constructor(initialCapacity = 1024) {
    this.data = new Int32Array(Math.max(16, initialCapacity));
  }

  get length(): number {
    return this.size;
  }

  get capacity(): number {
    return this.data.length;
  }

  push(value: number): void {
    if (this.size === this.data.length) this.grow(this.size + 1);
    this.data[this.size++] = value;
  }

  get(i: number): number {
    return this.data[i];
  }

  set(i: number, value: number): void {
    this.data[i] = value;
  }

  /** Makes room for at least `capacity` values in total (one reallocation instead of several). */
  reserve(capacity: number): void {
    if (capacity > this.data.length) this.resize(capacity);
  }

  /**
   * The values as an Int32Array of exactly `length` elements. When the spare capacity is small the
   * buffer is shared (no copy, so no second copy of a huge column); otherwise it is trimmed.
   * The builder must not be used afterwards.
   */
  finish(): Int32Array {
    const spare = this.data.length - this.size;
    return spare <= this.size / 8 ? this.data.subarray(0, this.size) : this.data.slice(0, this.size);
  }

  private grow(minCapacity: number): void {
    // Grow by 1.5x rather than 2x: the peak during a copy stays lower on very large files.
    this.resize(Math.max(minCapacity, Math.ceil(this.data.length * 1.5)));
  }

  private resize(capacity: number): void {
    const next = new Int32Array(capacity);
    next.set(this.data.subarray(0, this.size));
    this.data = next;
  }
}
