/**
 * The streamer catalogue and the streams live now.
 *
 * Every streamer ever seen gets a dense index; the DQN's actions are a fixed number of *slots*, and
 * a streamer holds one while it has one. A new streamer takes the next free slot; once all are
 * taken, the slot of the streamer that was live least recently is recycled (its owner loses it and
 * gets a fresh one if it streams again) and the listeners are told, so the learner can reset that
 * action's head. A streamer has at most one live stream; starting another ends the first.
 *
 * The live set is kept by slot as a mask (the DQN's action mask) and a dense list (what a
 * recommendation scans), both updated in O(1) when a stream starts or ends. `liveVersion` counts
 * changes, so a copy of the mask can be reused while it is unchanged.
 */
import { ensureLength } from "./columns.js";

/** How many category buckets the features distinguish; categories beyond fold onto these. */
export const CATEGORY_BUCKETS = 8;

export type SlotRecycledListener = (slot: number) => void;

export class Catalogue {
  readonly slots: number;

  // --- categories (names in order of first appearance; bucket = index mod CATEGORY_BUCKETS)
  readonly categoryNames: string[] = [];
  private readonly categoryIndex = new Map<string, number>();

  // --- streamers
  readonly streamerIds: string[] = [];
  private readonly streamerIndex = new Map<string, number>();
  streamerSlot = new Int32Array(1024).fill(-1);
  streamerCategory = new Int32Array(1024).fill(-1);
  streamerFollowers = new Int32Array(1024);
  /** The live stream of each streamer, or -1. */
  streamerLive = new Int32Array(1024).fill(-1);

  // --- slots
  readonly slotOwner: Int32Array;
  readonly slotLastLive: Float64Array;
  /** The live stream in each slot, or -1. */
  readonly slotStream: Int32Array;
  /** ln(1 + viewers) of each slot's live stream, kept up to date for the ranking's tie-break. */
  readonly slotLogViewers: Float32Array;
  private nextFreeSlot = 0;

  // --- live set
  /** liveMask[slot] = 1 while that slot's streamer is live. */
  readonly liveMask: Uint8Array;
  /** The live slots, liveList[0 .. nLive). */
  readonly liveList: Int32Array;
  private readonly livePos: Int32Array;
  nLive = 0;
  /** Incremented at every change of the live set. */
  liveVersion = 0;
  /** Live streams that could not get a slot (every slot is live): counted, never recommended. */
  unslotted = 0;

  // --- streams
  readonly streamIds: string[] = [];
  private readonly streamIndex = new Map<string, number>();
  streamStreamer = new Int32Array(1024);
  streamCategory = new Int32Array(1024);
  streamStartedAt = new Float64Array(1024);
  streamEndedAt = new Float64Array(1024);
  streamViewers = new Int32Array(1024);
  streamLive = new Uint8Array(1024);

  private readonly recycledListeners: SlotRecycledListener[] = [];

  constructor(slots: number) {
    if (!Number.isInteger(slots) || slots < 2) throw new RangeError(`Catalogue: slots must be an integer >= 2, got ${slots}`);
    this.slots = slots;
    this.slotOwner = new Int32Array(slots).fill(-1);
    this.slotLastLive = new Float64Array(slots);
    this.slotStream = new Int32Array(slots).fill(-1);
    this.slotLogViewers = new Float32Array(slots);
    this.liveMask = new Uint8Array(slots);
    this.liveList = new Int32Array(slots);
    this.livePos = new Int32Array(slots).fill(-1);
  }

  onSlotRecycled(listener: SlotRecycledListener): void {
    this.recycledListeners.push(listener);
  }

  get streamerCount(): number {
    return this.streamerIds.length;
  }

  get streamCount(): number {
    return this.streamIds.length;
  }

  /** Index of a category name (registered on first sight). */
  category(name: string): number {
    let c = this.categoryIndex.get(name);
    if (c === undefined) {
      c = this.categoryNames.length;
      this.categoryNames.push(name);
      this.categoryIndex.set(name, c);
    }
    return c;
  }

  /** Index of a streamer, registering it when new; a given category replaces the old one. */
  streamer(id: string, category?: string): number {
    let s = this.streamerIndex.get(id);
    if (s === undefined) {
      s = this.streamerIds.length;
      this.streamerIds.push(id);
      this.streamerIndex.set(id, s);
      const n = s + 1;
      this.streamerSlot = ensureLength(this.streamerSlot, n, -1);
      this.streamerCategory = ensureLength(this.streamerCategory, n, -1);
      this.streamerFollowers = ensureLength(this.streamerFollowers, n);
      this.streamerLive = ensureLength(this.streamerLive, n, -1);
    }
    if (category !== undefined) this.streamerCategory[s] = this.category(category);
    return s;
  }

  findStreamer(id: string): number {
    return this.streamerIndex.get(id) ?? -1;
  }

  findStream(id: string): number {
    return this.streamIndex.get(id) ?? -1;
  }

  /** The slot of a stream's streamer, or -1 (unknown stream, or a streamer without a slot). */
  slotOfStream(stream: number): number {
    return stream < 0 ? -1 : this.streamerSlot[this.streamStreamer[stream]];
  }

  /** Category bucket of a stream (-1 when it has none). */
  bucketOfStream(stream: number): number {
    const c = this.streamCategory[stream];
    return c < 0 ? -1 : c % CATEGORY_BUCKETS;
  }

  /**
   * Starts stream `id` of streamer `streamerId` at time ts. A stream already known is left as it
   * is (a stream that ended stays ended: a new broadcast needs a new id).
   */
  startStream(id: string, streamerId: string, ts: number, category?: string): number {
    const known = this.streamIndex.get(id);
    if (known !== undefined) return known;
    const owner = this.streamer(streamerId, undefined);
    const previous = this.streamerLive[owner];
    if (previous >= 0) this.endStreamAt(previous, ts);

    const st = this.streamIds.length;
    this.streamIds.push(id);
    this.streamIndex.set(id, st);
    const n = st + 1;
    this.streamStreamer = ensureLength(this.streamStreamer, n);
    this.streamCategory = ensureLength(this.streamCategory, n);
    this.streamStartedAt = ensureLength(this.streamStartedAt, n);
    this.streamEndedAt = ensureLength(this.streamEndedAt, n);
    this.streamViewers = ensureLength(this.streamViewers, n);
    this.streamLive = ensureLength(this.streamLive, n);
    this.streamStreamer[st] = owner;
    this.streamCategory[st] = category !== undefined ? this.category(category) : this.streamerCategory[owner];
    this.streamStartedAt[st] = ts;
    this.streamEndedAt[st] = NaN;
    this.streamViewers[st] = 0;
    this.streamLive[st] = 1;
    this.streamerLive[owner] = st;

    const slot = this.ensureSlot(owner);
    if (slot < 0) {
      this.unslotted++;
      return st;
    }
    this.slotStream[slot] = st;
    this.slotLastLive[slot] = ts;
    this.slotLogViewers[slot] = 0;
    this.addLive(slot);
    return st;
  }

  /** Ends stream `id` (no-op for an unknown or ended stream). */
  endStream(id: string, ts: number): void {
    const st = this.streamIndex.get(id);
    if (st !== undefined) this.endStreamAt(st, ts);
  }

  /** A viewer joins (+1) or leaves (-1) a live stream. */
  addViewers(stream: number, delta: number): void {
    if (stream < 0 || this.streamLive[stream] !== 1) return;
    const viewers = (this.streamViewers[stream] = Math.max(0, this.streamViewers[stream] + delta));
    const slot = this.streamerSlot[this.streamStreamer[stream]];
    if (slot >= 0 && this.slotStream[slot] === stream) this.slotLogViewers[slot] = Math.log1p(viewers);
  }

  private endStreamAt(st: number, ts: number): void {
    if (this.streamLive[st] !== 1) return;
    this.streamLive[st] = 0;
    this.streamEndedAt[st] = ts;
    this.streamViewers[st] = 0;
    const owner = this.streamStreamer[st];
    if (this.streamerLive[owner] === st) this.streamerLive[owner] = -1;
    const slot = this.streamerSlot[owner];
    if (slot >= 0 && this.slotStream[slot] === st) {
      this.slotStream[slot] = -1;
      this.slotLastLive[slot] = ts;
      this.slotLogViewers[slot] = 0;
      this.removeLive(slot);
    } else if (slot < 0) {
      this.unslotted = Math.max(0, this.unslotted - 1);
    }
  }

  /** The streamer's slot, assigning one (a free one, else the least recently live) when it has none. */
  private ensureSlot(owner: number): number {
    let slot = this.streamerSlot[owner];
    if (slot >= 0) return slot;
    if (this.nextFreeSlot < this.slots) {
      slot = this.nextFreeSlot++;
    } else {
      let oldest = Infinity;
      for (let a = 0; a < this.slots; a++) {
        if (this.liveMask[a] === 0 && this.slotLastLive[a] < oldest) {
          oldest = this.slotLastLive[a];
          slot = a;
        }
      }
      if (slot < 0) return -1;
      this.streamerSlot[this.slotOwner[slot]] = -1;
      for (const listener of this.recycledListeners) listener(slot);
    }
    this.slotOwner[slot] = owner;
    this.streamerSlot[owner] = slot;
    return slot;
  }

  private addLive(slot: number): void {
    if (this.liveMask[slot] === 1) return;
    this.liveMask[slot] = 1;
    this.livePos[slot] = this.nLive;
    this.liveList[this.nLive++] = slot;
    this.liveVersion++;
  }

  private removeLive(slot: number): void {
    if (this.liveMask[slot] === 0) return;
    this.liveMask[slot] = 0;
    const i = this.livePos[slot];
    const last = this.liveList[--this.nLive];
    this.liveList[i] = last;
    this.livePos[last] = i;
    this.livePos[slot] = -1;
    this.liveVersion++;
  }
}
