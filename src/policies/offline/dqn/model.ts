/**
 * A trained offline DQN as it scores: the Q-network (a ReLU MLP over the rows of the state encoder,
 * one output per head), the state encoder with its normalisation, and the training-period
 * statistics of the streamers, indexed by the model's own streamer ids. It is also what a model
 * directory holds (see toBundle / fromBundle); the scores of a loaded model are bit for bit those of
 * the model that was saved.
 */
import { CheckpointError, requireArray, type CheckpointBundle } from "../../../core/checkpoint/bundle.js";
import { createQNetwork } from "../../../core/nn/create-network.js";
import type { QNetwork } from "../../../core/nn/types.js";
import { Rng } from "../../../core/random/rng.js";
import { headCount, parseOfflineDqnConfig, rankingHead, type OfflineDqnConfig } from "./config.js";
import { FEATURE_NAMES, FEATURE_SIZE, StateEncoder } from "./state-encoder.js";
import { StreamerStats, type StreamerStatsMeta } from "./streamer-stats.js";

export const OFFLINE_DQN_KIND = "liveq.offline-dqn";
export const OFFLINE_DQN_VERSION = 1;

/** How the model came to be: the data, the window and what the validation search saw. */
export interface OfflineDqnProvenance {
  /** W of the availability rule the model was trained with. */
  readonly availWindow: number;
  /** Epochs of the final training. */
  readonly epochs: number;
  /** The validation search, when there was one: the metric per epoch and the epoch chosen. */
  readonly validation: { readonly metric: string; readonly byEpoch: readonly number[]; readonly chosenEpoch: number } | null;
}

export class OfflineDqnModel {
  readonly encoder: StateEncoder;
  readonly network: QNetwork;
  readonly heads: number;
  readonly rankHead: number;
  private rows = new Float32Array(0);

  constructor(
    readonly config: OfflineDqnConfig,
    readonly stats: StreamerStats,
    /** Original streamer ids of the model's streamer indices. */
    readonly streamerIds: readonly string[],
    public provenance: OfflineDqnProvenance,
    /** Seeds the initial weights. */
    seed: number,
  ) {
    if (streamerIds.length !== stats.streamers) throw new RangeError(`offline DQN: ${streamerIds.length} streamer ids for ${stats.streamers} streamers`);
    this.encoder = new StateEncoder(stats, config.recentStreamers);
    this.heads = headCount(config);
    this.rankHead = rankingHead(config);
    this.network = createQNetwork(
      { inputSize: FEATURE_SIZE, hidden: config.hidden, actions: this.heads, head: "linear" },
      { backend: "wasm", rng: Rng.derive(seed, 0x716e) },
    );
  }

  /** First step not in the model's training data. */
  get cutoff(): number {
    return this.stats.meta.cutoff;
  }

  /**
   * Scores candidates (model streamer indices; unknown streamers >= stats.streamers) for a user with
   * this history at `step`: the ranking head's output per candidate, into out[0 .. candidates.length).
   */
  score(history: Int32Array, historySteps: Int32Array, step: number, candidates: Int32Array, out: Float64Array): void {
    const n = candidates.length;
    if (n === 0) return;
    if (this.rows.length < n * FEATURE_SIZE) this.rows = new Float32Array(n * FEATURE_SIZE * 2);
    // The user's training-period interactions are the part of the history before the cutoff.
    const own = ownPrefix(historySteps, this.cutoff);
    this.encoder.encode(history, historySteps, history.subarray(0, own), historySteps.subarray(0, own), step, candidates, n, this.rows, 0);
    const q = this.network.forward(this.rows.subarray(0, n * FEATURE_SIZE), n);
    const H = this.heads, head = this.rankHead;
    for (let c = 0; c < n; c++) out[c] = q[c * H + head];
  }

  /** The model as a checkpoint bundle (see src/io/checkpoint-dir.ts for the files). */
  toBundle(): CheckpointBundle {
    const a = this.stats.arrays;
    return {
      kind: OFFLINE_DQN_KIND,
      version: OFFLINE_DQN_VERSION,
      meta: {
        config: this.config,
        features: FEATURE_NAMES,
        stats: this.stats.meta,
        provenance: this.provenance,
        streamerIds: this.streamerIds,
      },
      arrays: {
        params: this.network.params().slice(),
        featureMean: this.encoder.mean.slice(),
        featureInvStd: this.encoder.invStd.slice(),
        count: a.count, users: a.users, recent: a.recent,
        coRow: a.coRow, coCol: a.coCol, coCount: a.coCount,
      },
    };
  }

  /** Rebuilds a model from a bundle; a CheckpointError names whatever does not fit. */
  static fromBundle(b: CheckpointBundle, source = "model"): OfflineDqnModel {
    const fail = (what: string): never => {
      throw new CheckpointError(`${source}: ${what}`);
    };
    if (b.kind !== OFFLINE_DQN_KIND) fail(`holds a "${b.kind}", expected a "${OFFLINE_DQN_KIND}"`);
    if (b.version !== OFFLINE_DQN_VERSION) fail(`version ${b.version} is not supported (this liveq reads ${OFFLINE_DQN_VERSION})`);
    const meta = b.meta as Record<string, unknown>;
    const features = meta.features;
    if (!Array.isArray(features) || features.length !== FEATURE_SIZE || features.some((f, i) => f !== FEATURE_NAMES[i])) {
      fail(`its features (${Array.isArray(features) ? features.length : "none"}) are not this liveq's ${FEATURE_SIZE}: retrain it`);
    }
    let config: OfflineDqnConfig;
    try {
      config = parseOfflineDqnConfig(meta.config);
    } catch (err) {
      return fail((err as Error).message);
    }
    const sm = meta.stats as StreamerStatsMeta | undefined;
    const ints = ["streamers", "cutoff", "firstStep", "recentSteps", "originMinutes"] as const;
    if (!sm || typeof sm !== "object" || ints.some((k) => !Number.isInteger(sm[k])) || !(sm.stepMinutes > 0) || sm.streamers < 1) {
      fail("stats metadata is missing or malformed");
    }
    const S = sm!.streamers;
    const ids = meta.streamerIds;
    if (!Array.isArray(ids) || ids.length !== S || ids.some((id) => typeof id !== "string")) fail(`streamerIds must list ${S} streamer ids`);
    const prov = meta.provenance as OfflineDqnProvenance | undefined;
    if (!prov || !Number.isInteger(prov.availWindow) || !Number.isInteger(prov.epochs)) fail("provenance metadata is missing or malformed");
    let stats: StreamerStats;
    try {
      const coRow = requireArray(b, "coRow", Int32Array, S + 1);
      const nnz = coRow[S];
      stats = new StreamerStats(sm!, {
        count: requireArray(b, "count", Float32Array, S),
        users: requireArray(b, "users", Float32Array, S),
        recent: requireArray(b, "recent", Float32Array, S),
        coRow,
        coCol: requireArray(b, "coCol", Int32Array, nnz),
        coCount: requireArray(b, "coCount", Float32Array, nnz),
      });
    } catch (err) {
      return fail((err as Error).message);
    }
    const model = new OfflineDqnModel(config!, stats, ids as string[], prov!, 0);
    try {
      const params = requireArray(b, "params", Float32Array, model.network.paramCount);
      for (let i = 0; i < params.length; i++) if (!Number.isFinite(params[i])) fail(`parameter ${i} is ${params[i]}`);
      model.network.params().set(params);
      model.encoder.mean.set(requireArray(b, "featureMean", Float32Array, FEATURE_SIZE));
      model.encoder.invStd.set(requireArray(b, "featureInvStd", Float32Array, FEATURE_SIZE));
    } catch (err) {
      if (err instanceof CheckpointError && err.message.startsWith(source)) throw err;
      return fail((err as Error).message);
    }
    return model;
  }
}

/** Length of the prefix of non-decreasing steps that lies before `cutoff`. */
export function ownPrefix(steps: Int32Array, cutoff: number): number {
  let lo = 0, hi = steps.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (steps[mid] < cutoff) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
