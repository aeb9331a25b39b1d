import { grownTo } from "../core/typed-arrays.js";

/**
 * Maps the ids of a log (user names, channel codes) to dense integers 0, 1, 2, ... in order of first
 * appearance, and keeps each original id once.
 *
 * Ids are compared by their exact bytes ("7" and "007" are different ids). The table is a hand-made
 * open-addressing hash over the raw bytes of the field, because a JavaScript Map would need a string
 * (or a number) built for every row first: on a 124M-row log that allocation is most of the import
 * time. A string is made once per distinct id, for `ids`.
 */
export class IdInterner {
  /** The bytes of every distinct id, back to back; id i is pool[offsets[i] .. offsets[i + 1]). */
  private pool = new Uint8Array(1 << 12);
  private poolSize = 0;
  private offsets = new Int32Array(1 << 10);
  private hashes = new Int32Array(1 << 10);
  /**
   * Open-addressing slots, kept at most half full: slot k is (hash, id index) at [2k, 2k + 1], index
   * -1 when empty. The hash sits beside the index so that a probe touches one cache line.
   */
  private table = new Int32Array(2 << 11).fill(-1);
  private mask = (1 << 11) - 1;
  private readonly encoder = new TextEncoder();
  readonly ids: string[] = [];

  get size(): number {
    return this.ids.length;
  }

  /** The id returned last: logs often repeat an id on consecutive rows (grouped by user). */
  private last = -1;

  /** Dense index of the id held in bytes [start, end) of `buf`. */
  internBytes(buf: Uint8Array, start: number, end: number): number {
    if (this.last >= 0 && this.sameBytes(this.last, buf, start, end)) return this.last;
    this.last = this.find(buf, start, end);
    return this.last;
  }

  private find(buf: Uint8Array, start: number, end: number): number {
    const hash = hashBytes(buf, start, end);
    const table = this.table;
    let slot = hash & this.mask;
    for (;;) {
      const index = table[2 * slot + 1];
      if (index < 0) break;
      if (table[2 * slot] === hash && this.sameBytes(index, buf, start, end)) return index;
      slot = (slot + 1) & this.mask;
    }
    return this.insert(buf, start, end, hash, slot);
  }

  /** Dense index of a string id. */
  intern(id: string): number {
    const bytes = this.encoder.encode(id);
    return this.internBytes(bytes, 0, bytes.length);
  }

  /** Dense index of an id, or -1 when it was never seen. */
  lookup(id: string): number {
    const bytes = this.encoder.encode(id);
    const hash = hashBytes(bytes, 0, bytes.length);
    for (let slot = hash & this.mask; ; slot = (slot + 1) & this.mask) {
      const index = this.table[2 * slot + 1];
      if (index < 0) return -1;
      if (this.table[2 * slot] === hash && this.sameBytes(index, bytes, 0, bytes.length)) return index;
    }
  }

  private sameBytes(index: number, buf: Uint8Array, start: number, end: number): boolean {
    const from = this.offsets[index];
    if (this.offsets[index + 1] - from !== end - start) return false;
    const pool = this.pool;
    for (let i = start, j = from; i < end; i++, j++) if (buf[i] !== pool[j]) return false;
    return true;
  }

  private insert(buf: Uint8Array, start: number, end: number, hash: number, slot: number): number {
    const index = this.ids.length;
    const length = end - start;
    if (this.poolSize + length > this.pool.length) this.pool = grown(this.pool, this.poolSize + length);
    this.pool.set(buf.subarray(start, end), this.poolSize);
    if (index + 2 > this.offsets.length) {
      this.offsets = grown(this.offsets, index + 2);
      this.hashes = grown(this.hashes, index + 2);
    }
    this.offsets[index] = this.poolSize;
    this.poolSize += length;
    this.offsets[index + 1] = this.poolSize;
    this.hashes[index] = hash;
    this.ids.push(Buffer.from(this.pool.buffer, this.pool.byteOffset + this.offsets[index], length).toString("utf8"));
    this.table[2 * slot] = hash;
    this.table[2 * slot + 1] = index;
    if ((index + 1) * 2 > this.mask + 1) this.rehash();
    return index;
  }

  private rehash(): void {
    const slots = (this.mask + 1) * 2;
    this.table = new Int32Array(2 * slots).fill(-1);
    this.mask = slots - 1;
    for (let index = 0; index < this.ids.length; index++) {
      let slot = this.hashes[index] & this.mask;
      while (this.table[2 * slot + 1] >= 0) slot = (slot + 1) & this.mask;
      this.table[2 * slot] = this.hashes[index];
      this.table[2 * slot + 1] = index;
    }
  }
}

/** FNV-1a over bytes [start, end), finished with a multiply-xorshift so that low bits mix well. */
function hashBytes(buf: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5 | 0;
  for (let i = start; i < end; i++) h = Math.imul(h ^ buf[i], 16777619);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  return h ^ (h >>> 12);
}

/** a, grown to at least `min` and at least twice its length. */
function grown<T extends Uint8Array | Int32Array>(a: T, min: number): T {
  return grownTo(a, Math.max(min, a.length * 2));
}
