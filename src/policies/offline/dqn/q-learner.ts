/**
 * Offline Q-learning from the logged transitions: minibatches drawn from the log (the replay memory
 * of offline RL is the log itself: every epoch visits each transition once, in a fresh seeded
 * order), TD targets from a target network that is a hard copy of the online one every
 * `targetEvery` updates, Double DQN optional, and, by variant, a term that keeps the Q-values of the
 * actions the log never took in check (SQN's supervised head or CQL's conservative penalty).
 *
 * For transition (s, a, r, s'), with C(s) the streamers live in state s:
 *
 *   y          = r + gamma * (1 - done) * Q_target(s', a*),  a* = argmax_{a' in C(s')} Q(s', a')
 *                (Q = the online network with Double DQN, the target network without)
 *   TD loss    = huber(Q(s, a) - y)
 *   "sqn"      + cross-entropy of a among C(s) under the supervised head's logits
 *   "cql"      + alpha * (logsumexp_{b in C(s)} Q(s, b) - Q(s, a))
 *
 * Both extra terms are a softmax over the live candidates, so each minibatch row encodes every
 * candidate of its state (about 34 per state on the Twitch sample) and the gradient flows to all of
 * them at once: QNetwork.backward with a dense output gradient.
 *
 * Why not the core DqnAgent and its replay buffer: they store full observation rows and one mask
 * of the whole catalogue per transition and act online; here the data are fixed and a state is a
 * timeline position, so storing indices and encoding per minibatch keeps memory at a few bytes per
 * transition, and the losses need every candidate's row, not only the chosen action's.
 */
import { Adam } from "../../../core/nn/adam.js";
import { createQNetwork } from "../../../core/nn/create-network.js";
import type { QNetwork } from "../../../core/nn/types.js";
import { Rng } from "../../../core/random/rng.js";
import type { OfflineDqnModel } from "./model.js";
import { FEATURE_SIZE } from "./state-encoder.js";
import type { OfflineTransitions } from "./transitions.js";

/** Transitions whose rows set the feature normalisation (evenly spaced over the log). */
const NORMALIZATION_SAMPLE = 4000;

/** What one epoch measured (means over its minibatches). */
export interface EpochStats {
  readonly updates: number;
  /** Huber TD loss of the logged actions. */
  readonly tdLoss: number;
  /** The variant's extra term: cross-entropy (sqn), conservative gap (cql), 0 (dqn). */
  readonly extraLoss: number;
  /** Mean Q(s, a) of the logged actions. */
  readonly meanQ: number;
}

export class OfflineQLearner {
  readonly target: QNetwork;
  readonly updatesPerEpoch: number;
  updates = 0;

  private readonly online: QNetwork;
  private readonly adam: Adam;
  private readonly rng: Rng;
  private readonly order: Int32Array;
  private readonly heads: number;
  // Minibatch buffers, sized for batchSize states of at most maxLive candidates.
  private readonly curRows: Float32Array;
  private readonly nextRows: Float32Array;
  private readonly dOut: Float32Array;
  private readonly curStart: Int32Array;
  private readonly curTarget: Int32Array;
  private readonly nextStart: Int32Array;
  private readonly nextPick: Int32Array;
  private readonly y: Float32Array;
  private readonly single = new Int32Array(1);

  constructor(
    readonly model: OfflineDqnModel,
    readonly data: OfflineTransitions,
    seed: number,
  ) {
    const c = model.config;
    this.online = model.network;
    this.heads = model.heads;
    this.target = createQNetwork(this.online.spec, { backend: "wasm", rng: Rng.derive(seed, 0x7467) });
    this.adam = new Adam(this.online, { lr: c.lr });
    this.rng = Rng.derive(seed, 0x7271);
    this.order = Int32Array.from({ length: data.count }, (_, i) => i);
    this.updatesPerEpoch = Math.ceil(data.count / c.batchSize);
    const rows = c.batchSize * data.maxLive;
    this.curRows = new Float32Array(rows * FEATURE_SIZE);
    this.nextRows = new Float32Array(rows * FEATURE_SIZE);
    this.dOut = new Float32Array(rows * this.heads);
    this.curStart = new Int32Array(c.batchSize + 1);
    this.curTarget = new Int32Array(c.batchSize);
    this.nextStart = new Int32Array(c.batchSize + 1);
    this.nextPick = new Int32Array(c.batchSize);
    this.y = new Float32Array(c.batchSize);
    this.setNormalization();
    this.target.copyFrom(this.online);
  }

  /** One pass over the transitions in a fresh random order; `onUpdate` after each minibatch. */
  epoch(onUpdate?: () => void): EpochStats {
    const B = this.model.config.batchSize;
    this.rng.shuffle(this.order);
    let td = 0, extra = 0, q = 0, n = 0;
    for (let from = 0; from < this.order.length; from += B) {
      const batch = this.order.subarray(from, Math.min(from + B, this.order.length));
      const s = this.update(batch);
      td += s.tdLoss;
      extra += s.extraLoss;
      q += s.meanQ;
      n++;
      onUpdate?.();
    }
    return { updates: n, tdLoss: td / n, extraLoss: extra / n, meanQ: q / n };
  }

  /** One gradient step on the transitions `batch` (indices into the data). */
  update(batch: Int32Array): EpochStats {
    const c = this.model.config;
    const B = batch.length;
    const H = this.heads;
    this.computeTargets(batch);

    // Q(s, .) over the rows of the current states: every live candidate, or only the logged action
    // for plain DQN (whose loss looks at nothing else).
    const { data } = this;
    const tl = data.train.timelines;
    const start = this.curStart;
    let rows = 0;
    for (let b = 0; b < B; b++) {
      const i = batch[b];
      const p = data.position[i], a = tl.streamer[p];
      const live = data.liveAt(tl.step[p]);
      start[b] = rows;
      if (c.variant === "dqn") {
        this.single[0] = a;
        this.encodeState(i, p, this.single, live.length, this.curRows, rows);
        this.curTarget[b] = rows;
        rows += 1;
      } else {
        this.encodeState(i, p, live, live.length, this.curRows, rows);
        const at = indexOf(live, a);
        if (at < 0) throw new Error(`internal: the logged streamer ${a} is not live at its own step ${tl.step[p]}`);
        this.curTarget[b] = rows + at;
        rows += live.length;
      }
    }
    start[B] = rows;
    const out = this.online.forward(this.curRows.subarray(0, rows * FEATURE_SIZE), rows);
    const dOut = this.dOut.subarray(0, rows * H);
    dOut.fill(0);

    // TD loss (Huber) on the logged action.
    const tdWeight = c.variant === "sqn" ? c.sqnTdWeight : 1;
    let td = 0, meanQ = 0;
    for (let b = 0; b < B; b++) {
      const qa = out[this.curTarget[b] * H];
      const d = qa - this.y[b];
      const ad = Math.abs(d);
      td += ad < 1 ? 0.5 * d * d : ad - 0.5;
      dOut[this.curTarget[b] * H] += (tdWeight * (ad < 1 ? d : Math.sign(d))) / B;
      meanQ += qa;
    }
    // The variant's softmax over the live candidates: SQN's supervised head, or CQL on the Q head.
    let extra = 0;
    if (c.variant !== "dqn") {
      const head = c.variant === "sqn" ? 1 : 0;
      const weight = c.variant === "sqn" ? 1 : c.cqlAlpha;
      for (let b = 0; b < B; b++) {
        const r0 = start[b], r1 = start[b + 1];
        let max = -Infinity;
        for (let r = r0; r < r1; r++) max = Math.max(max, out[r * H + head]);
        let z = 0;
        for (let r = r0; r < r1; r++) z += Math.exp(out[r * H + head] - max);
        const lse = max + Math.log(z);
        extra += weight * (lse - out[this.curTarget[b] * H + head]);
        for (let r = r0; r < r1; r++) {
          const pr = Math.exp(out[r * H + head] - lse);
          dOut[r * H + head] += (weight * (pr - (r === this.curTarget[b] ? 1 : 0))) / B;
        }
      }
    }
    if (!Number.isFinite(td) || !Number.isFinite(extra)) throw new RangeError(`offline DQN: the loss is not finite (td ${td}, extra ${extra}); lower lr`);
    this.online.backward(dOut);
    this.adam.clipAndStep(c.maxGradNorm);
    this.updates++;
    if (this.updates % c.targetEvery === 0) this.target.copyFrom(this.online);
    return { updates: 1, tdLoss: td / B, extraLoss: extra / B, meanQ: meanQ / B };
  }

  /** y = r + gamma * Q_target(s', a*) for each transition of the batch (r alone at the end of a history). */
  private computeTargets(batch: Int32Array): void {
    const { data } = this;
    const c = this.model.config;
    const tl = data.train.timelines;
    const H = this.heads;
    const start = this.nextStart;
    let rows = 0;
    for (let b = 0; b < batch.length; b++) {
      const i = batch[b];
      start[b] = rows;
      if (data.hasNext[i] === 0) continue;
      const p1 = data.position[i] + 1;
      const live = data.liveAt(tl.step[p1]);
      this.encodeState(i, p1, live, live.length, this.nextRows, rows);
      rows += live.length;
    }
    start[batch.length] = rows;
    const pick = this.nextPick;
    if (rows > 0 && c.doubleDqn) {
      // a* by the online network (Double DQN: van Hasselt et al. 2016).
      const qOnline = this.online.forward(this.nextRows.subarray(0, rows * FEATURE_SIZE), rows);
      for (let b = 0; b < batch.length; b++) {
        let best = -1;
        for (let r = start[b]; r < start[b + 1]; r++) if (best < 0 || qOnline[r * H] > qOnline[best * H]) best = r;
        pick[b] = best;
      }
    }
    const qTarget = rows > 0 ? this.target.forward(this.nextRows.subarray(0, rows * FEATURE_SIZE), rows) : null;
    for (let b = 0; b < batch.length; b++) {
      const i = batch[b];
      let next = 0;
      if (data.hasNext[i] === 1) {
        if (c.doubleDqn) {
          next = qTarget![pick[b] * H];
        } else {
          next = -Infinity;
          for (let r = start[b]; r < start[b + 1]; r++) next = Math.max(next, qTarget![r * H]);
        }
      }
      this.y[b] = data.reward[i] + c.gamma * next;
    }
  }

  /** Encodes the state at timeline position p of transition i's user, for the given candidates. */
  private encodeState(i: number, p: number, candidates: Int32Array, liveCount: number, out: Float32Array, row: number): void {
    const { data } = this;
    const tl = data.train.timelines;
    const u = data.user[i];
    const begin = tl.offset[u], end = data.train.trainEnd[u];
    this.model.encoder.encode(
      tl.streamer.subarray(begin, p), tl.step.subarray(begin, p),
      tl.streamer.subarray(begin, end), tl.step.subarray(begin, end),
      tl.step[p], candidates, liveCount, out, row,
    );
  }

  /** Feature means and scales from the rows of evenly spaced transitions' states (before any training). */
  private setNormalization(): void {
    const { data } = this;
    const enc = this.model.encoder;
    enc.mean.fill(0);
    enc.invStd.fill(1);
    const tl = data.train.timelines;
    const sum = new Float64Array(FEATURE_SIZE), sq = new Float64Array(FEATURE_SIZE);
    const stride = Math.max(1, Math.floor(data.count / NORMALIZATION_SAMPLE));
    const buf = new Float32Array(data.maxLive * FEATURE_SIZE);
    let rows = 0;
    for (let i = 0; i < data.count; i += stride) {
      const p = data.position[i];
      const live = data.liveAt(tl.step[p]);
      this.encodeState(i, p, live, live.length, buf, 0);
      for (let k = 0; k < live.length * FEATURE_SIZE; k++) {
        const j = k % FEATURE_SIZE;
        sum[j] += buf[k];
        sq[j] += buf[k] * buf[k];
      }
      rows += live.length;
    }
    enc.setNormalization(sum, sq, rows);
  }
}

function indexOf(sorted: Int32Array, value: number): number {
  let lo = 0, hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < value) lo = mid + 1;
    else if (sorted[mid] > value) hi = mid - 1;
    else return mid;
  }
  return -1;
}
