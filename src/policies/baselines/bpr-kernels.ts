/**
 * BPR-MF's training in WebAssembly (assembly/bpr.ts, compiled by scripts/build-wasm.mjs and
 * embedded as base64): the factors P, Q, B live in one instance's memory; a training call copies
 * the log in, runs every epoch there (shuffle, negatives, SGD steps; the generator's state handed
 * over and back) and the factors stay. The same bits as BprModel's TypeScript, several times
 * faster (`npm run bench:bpr`): nearly all of a BPR-MF run is this training.
 *
 * Memory: [P: users x k | Q: streamers x k | B: streamers | known: a byte per streamer | the
 * generator's state] (fixed), then scratch for what one call reads, grown as the log grows.
 * Growing moves the memory: the views P, Q, B are rebuilt then, so read them from this object
 * after a call.
 */
import { EmbeddedModule, growMemory, type BaseExports } from "../../core/wasm/embedded-module.js";
import type { Rng } from "../../core/random/rng.js";
import { BPR_WASM_BASE64 } from "./wasm/bpr.generated.js";

const ALIGN = 16;

type Ptr = number;
interface BprExports extends BaseExports {
  readonly bprSteps: (P: Ptr, Q: Ptr, B: Ptr, us: Ptr, is: Ptr, js: Ptr, n: number, k: number, lr: number, reg: number) => void;
  readonly bprTrain: (
    P: Ptr, Q: Ptr, B: Ptr, k: number, lr: number, reg: number, epochs: number,
    user: Ptr, streamer: Ptr, liveSetOf: Ptr, n: number, order: Ptr,
    liveSets: Ptr, nLive: number, liveSetStart: Ptr, nSets: number, seenList: Ptr, nSeen: number,
    known: Ptr, rng: Ptr, us: Ptr, is: Ptr, js: Ptr,
  ) => void;
}

const bprModule = new EmbeddedModule<BprExports>(BPR_WASM_BASE64, "BPR-MF kernels");

/** Whether BprKernels can run here (WebAssembly SIMD). */
export function bprKernelsAvailable(): boolean {
  return bprModule.available();
}

/** The log a training call reads: the first `n` (or nLive, nSets, nSeen) entries of each column. */
export interface BprLog {
  readonly user: Int32Array;
  readonly streamer: Int32Array;
  /** The live set of each viewing (-1: none). */
  readonly liveSetOf: Int32Array;
  readonly n: number;
  /** Every live set's streamers, one set after the other; set s starts at liveSetStart[s]. */
  readonly liveSets: Int32Array;
  readonly nLive: number;
  readonly liveSetStart: Int32Array;
  readonly nSets: number;
  /** Every streamer seen so far, once each. */
  readonly seenList: Int32Array;
  readonly nSeen: number;
}

const align = (bytes: number) => Math.ceil(bytes / ALIGN) * ALIGN;

export class BprKernels {
  /** User factors [users][k], streamer factors [streamers][k], streamer biases [streamers]: views. */
  P = new Float32Array(0);
  Q = new Float32Array(0);
  B = new Float32Array(0);
  private readonly ex: BprExports;
  private readonly at: { P: Ptr; Q: Ptr; B: Ptr; known: Ptr; rng: Ptr; scratch: Ptr };
  private i32 = new Int32Array(0);
  private u8 = new Uint8Array(0);

  constructor(readonly users: number, readonly streamers: number, readonly k: number) {
    // The host's exp, so the logistic is V8's to the bit, as in the TypeScript step.
    this.ex = bprModule.instantiate({ exp: Math.exp });
    const P = align(this.ex.heapBase());
    const Q = align(P + 4 * users * k);
    const B = align(Q + 4 * streamers * k);
    const known = align(B + 4 * streamers);
    const rng = align(known + streamers);
    this.at = { P, Q, B, known, rng, scratch: align(rng + 16) };
    this.reserve(this.at.scratch);
  }

  /** `count` SGD steps on (u, i, negatives[q]) in order (a negative < 0 skips its step): a fold-in. */
  steps(u: number, i: number, negatives: Int32Array, count: number, lr: number, reg: number): void {
    const slot = align(4 * count), us = this.at.scratch, is = us + slot, js = is + slot;
    this.reserve(js + slot);
    const m = this.i32;
    m.fill(u, us >> 2, (us >> 2) + count);
    m.fill(i, is >> 2, (is >> 2) + count);
    m.set(negatives.subarray(0, count), js >> 2);
    this.ex.bprSteps(this.at.P, this.at.Q, this.at.B, us, is, js, count, this.k, lr, reg);
  }

  /**
   * `epochs` passes over the log (BprModel.train's, to its bits), drawing from `rng` (left where the
   * TypeScript would leave it) and marking in `known` (a byte per streamer) every streamer a step
   * touched.
   */
  train(log: BprLog, known: Uint8Array, rng: Rng, epochs: number, lr: number, reg: number): void {
    const { n, nLive, nSets, nSeen } = log;
    // Scratch: the log's columns, the order, the triples, the live sets and the streamers seen.
    let p = this.at.scratch;
    const take = (count: number) => {
      const at = p;
      p = align(p + 4 * Math.max(1, count));
      return at;
    };
    const user = take(n), streamer = take(n), liveSetOf = take(n), order = take(n);
    const us = take(n), is = take(n), js = take(n);
    const liveSets = take(nLive), liveSetStart = take(nSets), seenList = take(nSeen);
    this.reserve(p);
    const m = this.i32;
    m.set(log.user.subarray(0, n), user >> 2);
    m.set(log.streamer.subarray(0, n), streamer >> 2);
    m.set(log.liveSetOf.subarray(0, n), liveSetOf >> 2);
    m.set(log.liveSets.subarray(0, nLive), liveSets >> 2);
    m.set(log.liveSetStart.subarray(0, nSets), liveSetStart >> 2);
    m.set(log.seenList.subarray(0, nSeen), seenList >> 2);
    this.u8.set(known.subarray(0, this.streamers), this.at.known);
    const state = rng.getState();
    for (let w = 0; w < 4; w++) m[(this.at.rng >> 2) + w] = state.s[w];
    this.ex.bprTrain(
      this.at.P, this.at.Q, this.at.B, this.k, lr, reg, epochs,
      user, streamer, liveSetOf, n, order, liveSets, nLive, liveSetStart, nSets, seenList, nSeen,
      this.at.known, this.at.rng, us, is, js,
    );
    const w = this.at.rng >> 2;
    rng.setState({ s: [m[w] >>> 0, m[w + 1] >>> 0, m[w + 2] >>> 0, m[w + 3] >>> 0], spareNormal: state.spareNormal });
    known.set(this.u8.subarray(this.at.known, this.at.known + this.streamers));
  }

  /** Grows the memory to at least `bytes`, then rebuilds the views if it moved. */
  private reserve(bytes: number): void {
    growMemory(this.ex.memory, bytes);
    const buf = this.ex.memory.buffer;
    if (this.i32.buffer === buf) return;
    const { users, streamers, k } = this;
    this.i32 = new Int32Array(buf);
    this.u8 = new Uint8Array(buf);
    this.P = new Float32Array(buf, this.at.P, users * k);
    this.Q = new Float32Array(buf, this.at.Q, streamers * k);
    this.B = new Float32Array(buf, this.at.B, streamers);
  }
}
