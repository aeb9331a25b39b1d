/**
 * The calendar of user events: one bucket per tick of the run, each a linked list threaded through
 * an array indexed by user. Every user has at most one pending event, so pushing and popping are
 * O(1) with no allocation, and a tick costs only the users who have something happen in it.
 * (A binary heap would cost O(log n) a push; ticks are few and bounded, so buckets are the right tool.)
 */
export class TickQueue {
  private readonly head: Int32Array;
  private readonly next: Int32Array;

  /** @param horizon ticks 0 .. horizon-1 can hold events; later ones are dropped. */
  constructor(readonly horizon: number, users: number) {
    this.head = new Int32Array(horizon).fill(-1);
    this.next = new Int32Array(users).fill(-1);
  }

  /** Schedules user u at tick t. Returns false (and schedules nothing) when t is past the horizon. */
  push(u: number, t: number): boolean {
    if (t >= this.horizon) return false;
    this.next[u] = this.head[t];
    this.head[t] = u;
    return true;
  }

  /** Takes the whole bucket of tick t: the first user, then follow `after(u)` until -1. */
  take(t: number): number {
    const u = this.head[t];
    this.head[t] = -1;
    return u;
  }

  /** The user after u in a taken bucket, or -1. */
  after(u: number): number {
    return this.next[u];
  }

  byteSize(): number {
    return this.head.byteLength + this.next.byteLength;
  }
}
