/**
 * Collects transitions on the main thread and hands them to the learner in batches (every few
 * milliseconds, or when a batch is full). The next-state masks (one byte per slot) are stored once
 * per version of the live set, not once per transition: between two changes of the live set every
 * transition shares the same mask.
 */
import type { ResetSlotMessage, TransitionsMessage } from "./learner-protocol.js";

export type LearnerSink = (message: TransitionsMessage | ResetSlotMessage) => void;

export class TransitionBuffer {
  private count = 0;
  private obs: Float32Array;
  private nextObs: Float32Array;
  private actions: Int32Array;
  private rewards: Float32Array;
  private maskIndex: Int32Array;
  private masks: Uint8Array;
  private maskCount = 0;
  private maskVersion = -1;
  private seq = 0;
  /** Transitions handed over in total. */
  sent = 0;

  constructor(
    readonly obsSize: number,
    readonly slots: number,
    private readonly send: LearnerSink,
    readonly capacity = 512,
  ) {
    this.obs = new Float32Array(capacity * obsSize);
    this.nextObs = new Float32Array(capacity * obsSize);
    this.actions = new Int32Array(capacity);
    this.rewards = new Float32Array(capacity);
    this.maskIndex = new Int32Array(capacity);
    this.masks = new Uint8Array(4 * slots);
  }

  get pending(): number {
    return this.count;
  }

  add(
    obs: Float32Array, obsOffset: number, action: number, reward: number,
    nextObs: Float32Array, nextOffset: number, liveMask: Uint8Array, liveVersion: number, seq: number,
  ): void {
    const D = this.obsSize, i = this.count;
    this.obs.set(obs.subarray(obsOffset, obsOffset + D), i * D);
    this.nextObs.set(nextObs.subarray(nextOffset, nextOffset + D), i * D);
    this.actions[i] = action;
    this.rewards[i] = reward;
    if (liveVersion !== this.maskVersion || this.maskCount === 0) {
      if ((this.maskCount + 1) * this.slots > this.masks.length) {
        const grown = new Uint8Array(this.masks.length * 2);
        grown.set(this.masks);
        this.masks = grown;
      }
      this.masks.set(liveMask.subarray(0, this.slots), this.maskCount * this.slots);
      this.maskCount++;
      this.maskVersion = liveVersion;
    }
    this.maskIndex[i] = this.maskCount - 1;
    this.seq = seq;
    if (++this.count === this.capacity) this.flush();
  }

  /** A slot was recycled: send what came before, then the reset (the learner applies them in order). */
  reset(slot: number, seq: number): void {
    this.flush();
    this.send({ kind: "reset", slot, seq });
  }

  /** Hands the collected transitions to the learner (their buffers move with them). */
  flush(): void {
    const n = this.count;
    if (n === 0) return;
    const D = this.obsSize, S = this.slots;
    this.send({
      kind: "transitions",
      count: n,
      obs: this.obs.slice(0, n * D),
      nextObs: this.nextObs.slice(0, n * D),
      actions: this.actions.slice(0, n),
      rewards: this.rewards.slice(0, n),
      maskIndex: this.maskIndex.slice(0, n),
      masks: this.masks.slice(0, this.maskCount * S),
      seq: this.seq,
    });
    this.sent += n;
    this.count = 0;
    this.maskCount = 0;
    this.maskVersion = -1;
  }
}
