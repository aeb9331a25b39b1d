/**
 * An n-step transition writer for many agents at once. On a live platform every user is an agent
 * and their steps arrive interleaved; the writer keeps, per agent, the last (up to n) steps not yet
 * written and turns them into n-step transitions for a ReplayBuffer:
 *
 *   from step t, over k <= n steps:  R = sum_{i<k} gamma^i r_{t+i},  discount = gamma^k,
 *   nextObs / nextMask = those after step t+k-1,  done = whether step t+k-1 ended the episode.
 *
 * Once an agent has n steps pending, each new step writes the oldest one with k = n. When a step
 * ends the episode (done), every pending step is written with the shorter tails k = n, n-1, ..., 1
 * and done = true. flush(agent) writes the tails of an episode cut short without a terminal state
 * (a session closed, a time limit) with done = false, so they bootstrap from the last next state.
 * With n = 1 every step goes straight to the buffer with discount gamma.
 *
 * Agents are dense integer ids in [0, maxAgents). The pending steps live in one pool of per-agent
 * rings (typed arrays, n rows each) that grows by doubling as more agents are mid-episode at once
 * and recycles a ring when its agent's episode ends; only an id -> ring table is sized by maxAgents.
 */
import type { ReplayBuffer, ReplaySpec, TransitionRows } from "./types.js";
import { grownTo } from "../typed-arrays.js";
import { checkFiniteSpan, checkInteger, checkSpan, checkTransition, checkUnitInterval, rowMasks } from "./validate.js";

export interface NStepOptions {
  /** Steps per transition, an integer >= 1 (1 = plain 1-step transitions). */
  readonly n: number;
  /** Discount factor in [0, 1]. */
  readonly gamma: number;
  /** Agent ids are integers in [0, maxAgents). */
  readonly maxAgents: number;
}

/** The pending steps of every agent mid-episode, for checkpoints (plain numbers and typed arrays). */
export interface NStepWriterState {
  readonly version: 1;
  readonly n: number;
  readonly gamma: number;
  readonly maxAgents: number;
  readonly obsSize: number;
  readonly maskSize: number;
  /** Agents with pending steps, ascending. */
  readonly agents: Int32Array;
  /** Pending steps of each agent (1 .. n-1). */
  readonly counts: Int32Array;
  /** The pending steps, agent by agent, oldest first: sum(counts) rows. */
  readonly obs: Float32Array;
  readonly actions: Int32Array;
  readonly rewards: Float64Array;
  /** Each agent's latest next observation (agents.length rows) and next-state mask (agents.length * maskSize). */
  readonly lastNextObs: Float32Array;
  readonly lastNextMask: Uint8Array;
}

/** Pending-step rings allocated at first (grown by doubling up to maxAgents). */
const INITIAL_SLOTS = 64;

export class NStepWriter {
  readonly n: number;
  readonly gamma: number;
  readonly maxAgents: number;
  readonly target: ReplayBuffer;
  private readonly spec: ReplaySpec;
  /** Whether a step's next state is read (stored by the buffer, or held here between steps with n > 1). */
  private readonly checksNext: boolean;
  /** gamma^k for k = 0 .. n. */
  private readonly gammaPow: Float64Array;
  /** Agent id -> slot of its ring, or -1. */
  private readonly slotOf: Int32Array;
  private slots = 0;
  /** Slots handed out at least once; slots [0, used) are in use or on the free list. */
  private used = 0;
  private active = 0;
  private freeCount = 0;
  // Per slot s: agent, ring head and count, n rows of (obs, action, reward) from row s * n, and the
  // latest next observation and mask.
  private slotAgent = new Int32Array(0);
  private heads = new Int32Array(0);
  private counts = new Int32Array(0);
  private obs = new Float32Array(0);
  private actions = new Int32Array(0);
  private rewards = new Float64Array(0);
  private lastNext = new Float32Array(0);
  private lastMask = new Uint8Array(0);
  private freeSlots = new Int32Array(0);

  constructor(target: ReplayBuffer, options: NStepOptions) {
    const where = "NStepWriter";
    if (target === null || typeof target !== "object" || typeof target.add !== "function") throw new RangeError(`${where}: target must be a ReplayBuffer`);
    checkInteger(where, "n", options.n, 1, 1000);
    checkUnitInterval(where, "gamma", options.gamma);
    checkInteger(where, "maxAgents", options.maxAgents, 1, 0x7fffffff);
    this.target = target;
    this.spec = target.spec;
    this.n = options.n;
    // With n > 1 the writer holds each agent's latest next state itself (and saves it in its state).
    this.checksNext = this.spec.nextStates !== false || this.n > 1;
    this.gamma = options.gamma;
    this.maxAgents = options.maxAgents;
    this.gammaPow = new Float64Array(this.n + 1);
    for (let k = 0; k <= this.n; k++) this.gammaPow[k] = Math.pow(this.gamma, k);
    this.slotOf = new Int32Array(this.maxAgents).fill(-1);
    if (this.n > 1) this.grow(Math.min(INITIAL_SLOTS, this.maxAgents));
  }

  /** Agents with pending steps (mid-episode). */
  get activeAgents(): number {
    return this.active;
  }

  /** Bytes of typed-array memory this writer owns (grows with the most agents mid-episode at once). */
  get byteLength(): number {
    return (
      this.slotOf.byteLength + this.slotAgent.byteLength + this.heads.byteLength + this.counts.byteLength +
      this.obs.byteLength + this.actions.byteLength + this.rewards.byteLength + this.lastNext.byteLength +
      this.lastMask.byteLength + this.freeSlots.byteLength + this.gammaPow.byteLength
    );
  }

  /** Steps of `agent` not yet written to the buffer (always 0 when n = 1). */
  pending(agent: number): number {
    checkInteger("nstep.pending", "agent", agent, 0, this.maxAgents - 1);
    const slot = this.slotOf[agent];
    return slot < 0 ? 0 : this.counts[slot];
  }

  /**
   * Records one step of `agent`: in obs[obsOffset ..] it took `action`, got `reward`, and reached
   * nextObs[nextObsOffset ..] where the valid actions are nextMask[nextMaskOffset ..] (null = all
   * valid; must be null when the buffer has no masks); `done` ends its episode. Writes the n-step
   * transitions this completes. `discount` (in [0, 1]) replaces gamma for this one step, for steps
   * of uneven length (a semi-Markov discount, e.g. by the time until the next decision); with n > 1
   * it is refused (the n-step return would need the product of every step's discount). Throws
   * RangeError naming the field on bad input, changing nothing.
   */
  step(
    agent: number,
    obs: Float32Array,
    obsOffset: number,
    action: number,
    reward: number,
    nextObs: Float32Array,
    nextObsOffset: number,
    done: boolean,
    nextMask: Uint8Array | null,
    nextMaskOffset: number,
    discount?: number,
  ): void {
    const where = "nstep.step";
    checkInteger(where, "agent", agent, 0, this.maxAgents - 1);
    if (discount !== undefined) {
      checkUnitInterval(where, "discount", discount);
      if (this.n > 1) throw new RangeError(`${where}: a discount per step needs n = 1 (this writer has n = ${this.n})`);
    }
    checkTransition(where, this.spec, obs, obsOffset, action, reward, nextObs, nextObsOffset, done, nextMask, nextMaskOffset, this.checksNext);
    this.stepChecked(agent, obs, obsOffset, action, reward, nextObs, nextObsOffset, done, nextMask, nextMaskOffset, discount);
  }

  /**
   * Records rows [start, start + count) of `rows`, row i being a step of agents[i] (rows.discounts
   * is ignored: the writer sets discounts). All rows are checked before any is recorded.
   */
  stepBatch(agents: Int32Array, rows: TransitionRows, start: number, count: number): void {
    const where = "nstep.stepBatch";
    const { obsSize, maskSize } = this.spec;
    checkInteger(where, "start", start, 0, 0x7fffffff);
    checkInteger(where, "count", count, 0, 0x7fffffff);
    checkSpan(where, "agents", agents, start, count);
    checkSpan(where, "dones", rows.dones, start, count);
    checkSpan(where, "actions", rows.actions, start, count);
    checkSpan(where, "rewards", rows.rewards, start, count);
    const masks = rowMasks(rows, maskSize);
    for (let i = start, end = start + count; i < end; i++) {
      try {
        checkInteger(where, `agents[${i}]`, agents[i], 0, this.maxAgents - 1);
        const d = rows.dones[i];
        if (d !== 0 && d !== 1) throw new RangeError(`${where}: dones[${i}] must be 0 or 1, got ${d}`);
        checkTransition(where, this.spec, rows.obs, i * obsSize, rows.actions[i], rows.rewards[i], rows.nextObs, i * obsSize, d === 1, masks, i * maskSize, this.checksNext);
      } catch (e) {
        if (e instanceof RangeError) throw new RangeError(e.message.replace(`${where}:`, `${where}: row ${i}:`));
        throw e;
      }
    }
    for (let i = start, end = start + count; i < end; i++) {
      this.stepChecked(agents[i], rows.obs, i * obsSize, rows.actions[i], rows.rewards[i], rows.nextObs, i * obsSize, rows.dones[i] === 1, masks, i * maskSize);
    }
  }

  /** Writes the pending steps of `agent` as the tails of an episode cut short (done = false) and forgets them. */
  flush(agent: number): void {
    checkInteger("nstep.flush", "agent", agent, 0, this.maxAgents - 1);
    const slot = this.slotOf[agent];
    if (slot < 0) return;
    while (this.counts[slot] > 0) this.emitOldest(slot, false);
    this.release(slot);
  }

  /** flush() for every agent with pending steps, in ascending agent order. */
  flushAll(): void {
    const agents = this.activeAgentIds();
    for (let i = 0; i < agents.length; i++) this.flush(agents[i]);
  }

  /** Forgets the pending steps of `agent` without writing them. */
  discard(agent: number): void {
    checkInteger("nstep.discard", "agent", agent, 0, this.maxAgents - 1);
    const slot = this.slotOf[agent];
    if (slot >= 0) this.release(slot);
  }

  /** The pending steps, copied out (the writer may change right after). */
  getState(): NStepWriterState {
    const { obsSize, maskSize } = this.spec;
    const n = this.n;
    const agents = this.activeAgentIds();
    const counts = new Int32Array(agents.length);
    let rows = 0;
    for (let i = 0; i < agents.length; i++) rows += counts[i] = this.counts[this.slotOf[agents[i]]];
    const obs = new Float32Array(rows * obsSize);
    const actions = new Int32Array(rows);
    const rewards = new Float64Array(rows);
    const lastNextObs = new Float32Array(agents.length * obsSize);
    const lastNextMask = new Uint8Array(agents.length * maskSize);
    let r = 0;
    for (let i = 0; i < agents.length; i++) {
      const slot = this.slotOf[agents[i]];
      for (let j = 0; j < counts[i]; j++, r++) {
        const row = slot * n + ((this.heads[slot] + j) % n);
        obs.set(this.obs.subarray(row * obsSize, (row + 1) * obsSize), r * obsSize);
        actions[r] = this.actions[row];
        rewards[r] = this.rewards[row];
      }
      lastNextObs.set(this.lastNext.subarray(slot * obsSize, (slot + 1) * obsSize), i * obsSize);
      lastNextMask.set(this.lastMask.subarray(slot * maskSize, (slot + 1) * maskSize), i * maskSize);
    }
    const { gamma, maxAgents } = this;
    return { version: 1, n, gamma, maxAgents, obsSize, maskSize, agents, counts, obs, actions, rewards, lastNextObs, lastNextMask };
  }

  /** Replaces all pending steps with a checkpoint's; validates everything first and changes nothing on error. */
  setState(s: NStepWriterState): void {
    const where = "NStepWriter.setState";
    this.checkState(where, s);
    const { obsSize, maskSize } = this.spec;
    const n = this.n;
    for (const agent of this.activeAgentIds()) this.release(this.slotOf[agent]);
    let r = 0;
    for (let i = 0; i < s.agents.length; i++) {
      const slot = this.acquire(s.agents[i]);
      for (let j = 0; j < s.counts[i]; j++, r++) {
        const row = slot * n + j;
        this.obs.set(s.obs.subarray(r * obsSize, (r + 1) * obsSize), row * obsSize);
        this.actions[row] = s.actions[r];
        this.rewards[row] = s.rewards[r];
      }
      this.counts[slot] = s.counts[i];
      this.lastNext.set(s.lastNextObs.subarray(i * obsSize, (i + 1) * obsSize), slot * obsSize);
      this.lastMask.set(s.lastNextMask.subarray(i * maskSize, (i + 1) * maskSize), slot * maskSize);
    }
  }

  private checkState(where: string, s: NStepWriterState): void {
    if (s === null || typeof s !== "object") throw new RangeError(`${where}: state must be an object`);
    if (s.version !== 1) throw new RangeError(`${where}: unsupported state version ${String(s.version)} (expected 1)`);
    const mine = { n: this.n, gamma: this.gamma, maxAgents: this.maxAgents, obsSize: this.spec.obsSize, maskSize: this.spec.maskSize };
    for (const key of ["n", "gamma", "maxAgents", "obsSize", "maskSize"] as const) {
      if (s[key] !== mine[key]) throw new RangeError(`${where}: state has ${key} ${String(s[key])} but this writer has ${key} ${mine[key]}`);
    }
    const typed: [string, unknown, new (n: number) => ArrayBufferView][] = [
      ["agents", s.agents, Int32Array], ["counts", s.counts, Int32Array], ["obs", s.obs, Float32Array], ["actions", s.actions, Int32Array],
      ["rewards", s.rewards, Float64Array], ["lastNextObs", s.lastNextObs, Float32Array], ["lastNextMask", s.lastNextMask, Uint8Array],
    ];
    for (const [name, value, type] of typed) {
      if (!(value instanceof type)) throw new RangeError(`${where}: state.${name} must be a ${type.name}`);
    }
    const a = s.agents.length;
    const { obsSize, maskSize, numActions } = this.spec;
    if (s.counts.length !== a) throw new RangeError(`${where}: state.counts has length ${s.counts.length}, expected ${a} (one per agent)`);
    let rows = 0;
    for (let i = 0; i < a; i++) {
      const agent = s.agents[i];
      if (agent < 0 || agent >= this.maxAgents || (i > 0 && agent <= s.agents[i - 1])) {
        throw new RangeError(`${where}: state.agents must be ascending ids in [0, ${this.maxAgents}); agents[${i}] is ${agent}`);
      }
      if (s.counts[i] < 1 || s.counts[i] >= this.n) throw new RangeError(`${where}: state.counts[${i}] is ${s.counts[i]}, expected 1 .. ${this.n - 1}`);
      rows += s.counts[i];
    }
    const lengths: [string, number, number][] = [
      ["obs", s.obs.length, rows * obsSize], ["actions", s.actions.length, rows], ["rewards", s.rewards.length, rows],
      ["lastNextObs", s.lastNextObs.length, a * obsSize], ["lastNextMask", s.lastNextMask.length, a * maskSize],
    ];
    for (const [name, got, want] of lengths) {
      if (got !== want) throw new RangeError(`${where}: state.${name} has length ${got}, expected ${want}`);
    }
    checkFiniteSpan(where, "state.obs", s.obs, 0, s.obs.length);
    checkFiniteSpan(where, "state.lastNextObs", s.lastNextObs, 0, s.lastNextObs.length);
    for (let r = 0; r < rows; r++) {
      if (s.actions[r] < 0 || s.actions[r] >= numActions) throw new RangeError(`${where}: state.actions[${r}] is ${s.actions[r]}, outside [0, ${numActions})`);
      if (!Number.isFinite(s.rewards[r])) throw new RangeError(`${where}: state.rewards[${r}] is ${s.rewards[r]}`);
    }
  }

  private stepChecked(
    agent: number,
    obs: Float32Array,
    obsOffset: number,
    action: number,
    reward: number,
    nextObs: Float32Array,
    nextObsOffset: number,
    done: boolean,
    nextMask: Uint8Array | null,
    nextMaskOffset: number,
    discount?: number,
  ): void {
    if (this.n === 1) {
      this.target.add(obs, obsOffset, action, reward, nextObs, nextObsOffset, done, discount ?? this.gammaPow[1], nextMask, nextMaskOffset);
      return;
    }
    const { obsSize, maskSize } = this.spec;
    const n = this.n;
    let slot = this.slotOf[agent];
    if (slot < 0) slot = this.acquire(agent);
    const count = this.counts[slot];
    const row = slot * n + ((this.heads[slot] + count) % n);
    const o = row * obsSize, l = slot * obsSize;
    for (let i = 0; i < obsSize; i++) {
      this.obs[o + i] = obs[obsOffset + i];
      this.lastNext[l + i] = nextObs[nextObsOffset + i];
    }
    this.actions[row] = action;
    this.rewards[row] = reward;
    this.counts[slot] = count + 1;
    const m = slot * maskSize;
    if (nextMask === null || nextMask === undefined) this.lastMask.fill(1, m, m + maskSize);
    else for (let a = 0; a < maskSize; a++) this.lastMask[m + a] = nextMask[nextMaskOffset + a] !== 0 ? 1 : 0;
    if (done) {
      while (this.counts[slot] > 0) this.emitOldest(slot, true);
      this.release(slot);
    } else if (count + 1 === n) {
      this.emitOldest(slot, false);
    }
  }

  /** Writes the oldest pending step of `slot` over all its pending steps (k = count) and drops it. */
  private emitOldest(slot: number, done: boolean): void {
    const { obsSize, maskSize } = this.spec;
    const n = this.n, head = this.heads[slot], k = this.counts[slot], base = slot * n;
    let ret = 0;
    for (let i = 0; i < k; i++) ret += this.gammaPow[i] * this.rewards[base + ((head + i) % n)];
    const row = base + head;
    this.target.add(
      this.obs, row * obsSize, this.actions[row], ret, this.lastNext, slot * obsSize, done, this.gammaPow[k],
      maskSize > 0 ? this.lastMask : null, slot * maskSize,
    );
    this.heads[slot] = head + 1 === n ? 0 : head + 1;
    this.counts[slot] = k - 1;
  }

  private activeAgentIds(): Int32Array {
    const ids = new Int32Array(this.active);
    let j = 0;
    for (let s = 0; s < this.used; s++) if (this.slotAgent[s] >= 0) ids[j++] = this.slotAgent[s];
    return ids.sort();
  }

  private acquire(agent: number): number {
    let slot: number;
    if (this.freeCount > 0) {
      slot = this.freeSlots[--this.freeCount];
    } else {
      if (this.used === this.slots) this.grow(Math.min(this.slots * 2, this.maxAgents));
      slot = this.used++;
    }
    this.slotOf[agent] = slot;
    this.slotAgent[slot] = agent;
    this.heads[slot] = 0;
    this.counts[slot] = 0;
    this.active++;
    return slot;
  }

  private release(slot: number): void {
    this.slotOf[this.slotAgent[slot]] = -1;
    this.slotAgent[slot] = -1;
    this.counts[slot] = 0;
    this.freeSlots[this.freeCount++] = slot;
    this.active--;
  }

  /** Reallocates the per-slot arrays for `slots` slots, keeping the contents. */
  private grow(slots: number): void {
    const { obsSize, maskSize } = this.spec;
    const n = this.n;
    const oldSlots = this.slots;
    this.slotAgent = grownTo(this.slotAgent, slots);
    this.slotAgent.fill(-1, oldSlots);
    this.heads = grownTo(this.heads, slots);
    this.counts = grownTo(this.counts, slots);
    this.obs = grownTo(this.obs, slots * n * obsSize);
    this.actions = grownTo(this.actions, slots * n);
    this.rewards = grownTo(this.rewards, slots * n);
    this.lastNext = grownTo(this.lastNext, slots * obsSize);
    this.lastMask = grownTo(this.lastMask, slots * maskSize);
    this.freeSlots = grownTo(this.freeSlots, slots);
    this.slots = slots;
  }
}
