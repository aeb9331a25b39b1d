/**
 * The online trainer: a DqnAgent over streamer slots, fed the service's transitions, trained a
 * bounded number of updates per transition, publishing a new model version every `publishEvery`
 * updates and checkpointing itself (agent + replay + the version and the last event it holds).
 *
 * Cold start of a streamer: with the dueling head (the default), Q(s, a) = V(s) + A(s, a) - mean A.
 * Every advantage row starts at zero, and a recycled slot's row is reset to the mean of the
 * others, so a streamer the model knows nothing about scores Q(s, a) = V(s), the mean over
 * streamers for that user: an average stream, neither buried nor pushed.
 *
 * This class is synchronous and thread-agnostic; learner-loop.ts runs it (in a worker thread).
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { DqnAgent, type UpdateStats } from "../../core/dqn/agent.js";
import { dqnCheckpoint, restoreDqn } from "../../core/dqn/checkpoint.js";
import { CheckpointError } from "../../core/checkpoint/bundle.js";
import { layerShapes } from "../../core/nn/spec.js";
import { loadCheckpoint, saveCheckpoint } from "../../io/checkpoint-dir.js";
import type { LearnerOptions, LearnerStats, TransitionsMessage } from "./learner-protocol.js";

export class OnlineTrainer {
  readonly agent: DqnAgent;
  readonly options: LearnerOptions;
  /** Model versions published so far (the version of the newest). */
  version: number;
  /** Sequence number of the last event whose transitions are in the replay. */
  seq: number;
  /** Transitions received. */
  received = 0;
  /** Where the agent came from: a checkpoint directory, or null for a fresh one. */
  readonly restoredFrom: string | null;
  private owed = 0;
  private lastStats: UpdateStats = { loss: NaN, meanQ: NaN, gradNorm: NaN };

  constructor(options: LearnerOptions) {
    this.options = options;
    const fromDir = options.checkpointDir !== null && existsSync(join(options.checkpointDir, "manifest.json"))
      ? options.checkpointDir
      : options.initialModelDir;
    if (fromDir !== null) {
      const bundle = loadCheckpoint(fromDir);
      const agent = restoreDqn(bundle);
      const want = options.dqn;
      if (agent.config.obsSize !== want.obsSize || agent.config.actions !== want.actions) {
        throw new CheckpointError(
          `checkpoint ${fromDir}: its DQN has ${agent.config.obsSize} inputs and ${agent.config.actions} actions, ` +
            `but this service needs ${want.obsSize} inputs (features) and ${want.actions} actions (catalogue.slots)`,
        );
      }
      this.agent = agent;
      const serve = (bundle.meta.serve ?? {}) as { version?: number; seq?: number };
      const fromService = fromDir === options.checkpointDir;
      this.version = fromService && Number.isInteger(serve.version) ? serve.version! : 0;
      this.seq = fromService && Number.isInteger(serve.seq) ? serve.seq! : 0;
      this.restoredFrom = fromDir;
    } else {
      this.agent = new DqnAgent(options.dqn);
      this.resetAdvantage(Array.from({ length: this.agent.config.actions }, (_, a) => a));
      this.version = 0;
      this.seq = 0;
      this.restoredFrom = null;
    }
  }

  /** Stores a batch of transitions and owes updatesPerTransition updates per transition. */
  add(m: TransitionsMessage): void {
    const agent = this.agent, D = agent.config.obsSize, A = agent.config.actions;
    for (let i = 0; i < m.count; i++) {
      agent.observe(0, m.obs, i * D, m.actions[i], m.rewards[i], m.nextObs, i * D, false, m.masks, m.maskIndex[i] * A);
    }
    this.received += m.count;
    this.owed = Math.min(this.owed + m.count * this.options.updatesPerTransition, 10_000);
    this.seq = Math.max(this.seq, m.seq);
  }

  /** A slot changed owner: its action starts again from "average" (zero advantage). */
  resetSlot(slot: number, seq: number): void {
    this.resetAdvantage([slot]);
    this.seq = Math.max(this.seq, seq);
  }

  /** Whether an update is owed and the replay is large enough. */
  get canUpdate(): boolean {
    const c = this.agent.config;
    return this.owed >= 1 && this.agent.replay.size >= Math.max(this.options.learningStarts, c.batchSize);
  }

  /** One gradient update; returns true when a new version is due for publishing. */
  update(): boolean {
    const s = this.agent.update();
    this.lastStats = { loss: s.loss, meanQ: s.meanQ, gradNorm: s.gradNorm };
    this.owed -= 1;
    return this.agent.updates % this.options.publishEvery === 0;
  }

  /** A new version: a copy of the online network's parameters. */
  publish(): { version: number; params: Float32Array } {
    this.version++;
    return { version: this.version, params: this.agent.online.exportParams() };
  }

  /** The current parameters without a new version (for the first model served). */
  currentParams(): Float32Array {
    return this.agent.online.exportParams();
  }

  stats(updatesPerSecond: number): LearnerStats {
    return {
      updates: this.agent.updates,
      version: this.version,
      replaySize: this.agent.replay.size,
      received: this.received,
      seq: this.seq,
      loss: this.lastStats.loss,
      meanQ: this.lastStats.meanQ,
      updatesPerSecond,
    };
  }

  /** Writes the whole agent atomically, with the version and the last event it holds. */
  checkpoint(dir: string): void {
    const bundle = dqnCheckpoint(this.agent);
    saveCheckpoint(dir, { ...bundle, meta: { ...bundle.meta, serve: { version: this.version, seq: this.seq, savedAt: Date.now() } } });
  }

  /**
   * Resets these actions' advantage rows (dueling head) to the mean of the other rows, in both
   * networks, and clears their Adam moments. Since A is linear in the trunk's output, the reset
   * action then has A(s, a) = mean of the others for every state s, so Q(s, a) = V(s): the mean
   * Q of the state, an average stream. With every row reset (a fresh agent) they are all zero.
   */
  private resetAdvantage(actions: readonly number[]): void {
    const agent = this.agent, n = agent.config.network, A = agent.config.actions;
    if (n.head !== "dueling") return;
    const head = layerShapes({ inputSize: agent.config.obsSize, hidden: n.hidden, actions: A, head: "dueling" }).at(-1)!;
    const H = head.nIn;
    const reset = new Uint8Array(A);
    for (const a of actions) reset[a] = 1;
    const others = A - actions.length;
    const rowStart = (a: number) => head.wOffset + (a + 1) * H; // row 0 of the dueling head is V
    const setRows = (p: Float32Array, toMean: boolean) => {
      const meanW = new Float64Array(H);
      let meanB = 0;
      if (toMean && others > 0) {
        for (let a = 0; a < A; a++) {
          if (reset[a] === 1) continue;
          const r = rowStart(a);
          for (let j = 0; j < H; j++) meanW[j] += p[r + j] / others;
          meanB += p[head.bOffset + a + 1] / others;
        }
      }
      for (const a of actions) {
        const r = rowStart(a);
        for (let j = 0; j < H; j++) p[r + j] = meanW[j];
        p[head.bOffset + a + 1] = meanB;
      }
      return p;
    };
    for (const q of [agent.online, agent.target]) q.importParams(setRows(q.exportParams(), true));
    const adam = agent.optimizer.getState();
    agent.optimizer.setState({ t: adam.t, m: setRows(adam.m.slice(), false), v: setRows(adam.v.slice(), false) });
  }
}
