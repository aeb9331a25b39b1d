/**
 * Turns feedback into the DQN's transitions, one per decision of a user.
 *
 * A decision opens when the app shows the user something (an `impression`), or when the user
 * opens a stream nobody showed them (an organic `click` or `watch`). It records the state then
 * (the features of the user at that moment) and an action: the slot of the stream the user picked
 * from what was shown, or of the first stream shown when they picked nothing (showing it earned
 * nothing). What the user does with that stream adds to the decision's reward (clicks, weighted
 * watch minutes, likes, comments, gifts, follows). The decision closes at the user's next
 * decision, or when they leave; its transition is then
 *
 *   (state when shown, action, reward, state at the next decision, live streams then)
 *
 * and goes to the learner. It is never terminal: a session that ends is followed by the next, so
 * the value of keeping users coming back is learnt too.
 *
 * Everything here depends on the events only (their order and times), so replaying the log at
 * start rebuilds the open decisions exactly; transitions from events the restored learner already
 * holds (seq <= emitAfterSeq) are not sent twice.
 */
import type { ServeConfig } from "../config.js";
import type { ServeEvent } from "../event-schema.js";
import { ensureLength } from "../state/columns.js";
import type { PlatformState } from "../state/platform-state.js";
import { FEATURE_COUNT, type FeatureEncoder } from "./features.js";
import type { TransitionBuffer } from "./transition-buffer.js";

export type RewardWeights = ServeConfig["reward"];

export class ExperienceRecorder {
  /** Transitions closed at or before this sequence number are already with the learner. */
  emitAfterSeq = 0;
  /** Decisions closed, and the sum of their rewards (the learning curve of the live policy). */
  closed = 0;
  rewardSum = 0;

  private open = new Uint8Array(1024);
  private picked = new Uint8Array(1024);
  private action = new Int32Array(1024);
  private reward = new Float64Array(1024);
  private obs = new Float32Array(1024 * FEATURE_COUNT);
  private readonly shown: (Int32Array | undefined)[] = [];
  private readonly scratch = new Float32Array(FEATURE_COUNT);

  constructor(
    private readonly state: PlatformState,
    private readonly encoder: FeatureEncoder,
    private readonly weights: RewardWeights,
    private readonly out: TransitionBuffer,
  ) {}

  /** Call before state.apply(e): opens and closes decisions at the state the event found. */
  before(e: ServeEvent, seq: number): void {
    switch (e.type) {
      case "impression": {
        const u = this.user(e.user, e.ts);
        const cat = this.state.catalogue;
        const slots = new Int32Array(e.streams.length);
        let n = 0;
        for (const id of e.streams) {
          const slot = cat.slotOfStream(cat.findStream(id));
          if (slot >= 0) slots[n++] = slot;
        }
        this.encodeNow(u, e.ts);
        this.close(u, seq);
        this.openDecision(u, n > 0 ? slots[0] : -1, false);
        this.shown[u] = slots.subarray(0, n);
        return;
      }
      case "click":
      case "watch": {
        const u = this.user(e.user, e.ts);
        const slot = this.state.catalogue.slotOfStream(this.state.catalogue.findStream(e.stream));
        if (slot < 0) return;
        if (this.open[u] === 1) {
          if (this.picked[u] === 1 ? this.action[u] === slot : this.wasShown(u, slot)) {
            this.action[u] = slot;
            this.picked[u] = 1;
            return;
          }
          this.encodeNow(u, e.ts);
          this.close(u, seq);
        } else {
          this.encodeNow(u, e.ts);
        }
        this.openDecision(u, slot, true);
        return;
      }
      default:
        return;
    }
  }

  /** Call after state.apply(e): credits rewards and closes decisions at sessions' ends. */
  after(e: ServeEvent, seq: number): void {
    const w = this.weights;
    switch (e.type) {
      case "click": return this.credit(e.user, e.stream, w.click);
      case "watch": return this.credit(e.user, e.stream, w.watchMinute * e.minutes);
      case "like": return this.credit(e.user, e.stream, w.like);
      case "comment": return this.credit(e.user, e.stream, w.comment);
      case "gift": return this.credit(e.user, e.stream, w.gift * e.value);
      case "follow": return this.credit(e.user, e.stream, w.follow);
      case "leave": {
        const u = this.state.users.find(e.user);
        if (u >= 0 && this.open[u] === 1) {
          this.encodeNow(u, e.ts);
          this.close(u, seq);
        }
        return;
      }
      default:
        return;
    }
  }

  /** Mean reward of the decisions closed so far (NaN before the first). */
  get meanReward(): number {
    return this.closed === 0 ? NaN : this.rewardSum / this.closed;
  }

  private user(id: string, ts: number): number {
    const u = this.state.users.ensure(id, ts);
    if (u >= this.open.length) {
      const n = u + 1;
      this.open = ensureLength(this.open, n);
      this.picked = ensureLength(this.picked, n);
      this.action = ensureLength(this.action, n);
      this.reward = ensureLength(this.reward, n);
      this.obs = ensureLength(this.obs, n * FEATURE_COUNT);
    }
    return u;
  }

  private encodeNow(u: number, ts: number): void {
    this.encoder.encode(u, ts, this.scratch, 0);
  }

  /** Closes u's open decision with the state in scratch as its next state. */
  private close(u: number, seq: number): void {
    if (this.open[u] !== 1) return;
    this.open[u] = 0;
    this.shown[u] = undefined;
    const a = this.action[u];
    if (a < 0) return;
    const r = this.reward[u];
    this.closed++;
    this.rewardSum += r;
    if (seq <= this.emitAfterSeq) return;
    const cat = this.state.catalogue;
    this.out.add(this.obs, u * FEATURE_COUNT, a, r, this.scratch, 0, cat.liveMask, cat.liveVersion, seq);
  }

  /** Opens a decision for u with the state in scratch. */
  private openDecision(u: number, action: number, picked: boolean): void {
    this.open[u] = 1;
    this.picked[u] = picked ? 1 : 0;
    this.action[u] = action;
    this.reward[u] = 0;
    this.obs.set(this.scratch, u * FEATURE_COUNT);
  }

  private wasShown(u: number, slot: number): boolean {
    const s = this.shown[u];
    if (s === undefined) return false;
    for (let i = 0; i < s.length; i++) if (s[i] === slot) return true;
    return false;
  }

  private credit(userId: string, streamId: string, amount: number): void {
    const u = this.state.users.find(userId);
    if (u < 0 || this.open[u] !== 1 || amount === 0) return;
    const slot = this.state.catalogue.slotOfStream(this.state.catalogue.findStream(streamId));
    if (slot >= 0 && slot === this.action[u] && this.picked[u] === 1) this.reward[u] += amount;
  }
}
