/**
 * The network that answers recommendations, and its versions.
 *
 * Two networks of the same shape: one serves while new weights are copied into the other, which
 * then runs one forward pass (to settle its lazily prepared layouts) before the two swap by
 * reference. A request therefore sees one version from start to end, and a swap costs no request
 * any waiting.
 *
 * The last `keep` versions stay in memory. Pinning keeps the serving version while the learner
 * goes on publishing; a rollback serves an older version (and pins it); unpinning goes back to the
 * newest.
 */
import { createQNetwork } from "../../core/nn/create-network.js";
import type { BackendKind, QNetwork, QNetworkSpec } from "../../core/nn/types.js";
import { Rng } from "../../core/random/rng.js";

export interface ModelVersion {
  version: number;
  /** When this service received it (ms since 1970). */
  receivedAt: number;
  params: Float32Array;
}

export class ModelVersionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ModelVersionError";
  }
}

export class ServingModel {
  private active: QNetwork;
  private standby: QNetwork;
  private readonly history: ModelVersion[] = [];
  private readonly probe: Float32Array;
  /** The version answering requests now. */
  servingVersion = -1;
  /** Whether the serving version is held (pinned or rolled back). */
  pinned = false;
  /** Swaps done. */
  swaps = 0;

  constructor(readonly spec: QNetworkSpec, backend: BackendKind, private readonly keep: number) {
    this.active = createQNetwork(spec, { backend, rng: new Rng(0) });
    this.standby = createQNetwork(spec, { backend, rng: new Rng(0) });
    this.probe = new Float32Array(spec.inputSize);
  }

  /** The newest version received. */
  get latestVersion(): number {
    return this.history.length === 0 ? -1 : this.history[this.history.length - 1].version;
  }

  /** Versions held for rollback, oldest first. */
  versions(): { version: number; receivedAt: number }[] {
    return this.history.map((h) => ({ version: h.version, receivedAt: h.receivedAt }));
  }

  /** Q values of `batch` states (batch x actions, row-major): a view valid until the next call. */
  forward(states: Float32Array, batch = 1): Float32Array {
    return this.active.forward(states, batch);
  }

  /** A new version from the learner: kept, and served unless the serving version is pinned. */
  offer(version: number, params: Float32Array, now = Date.now()): void {
    if (params.length !== this.active.paramCount) {
      throw new ModelVersionError(`model version ${version} has ${params.length} parameters, expected ${this.active.paramCount}`);
    }
    this.history.push({ version, receivedAt: now, params });
    while (this.history.length > this.keep) {
      // never drop the version being served
      const i = this.history.findIndex((h) => h.version !== this.servingVersion);
      this.history.splice(i, 1);
    }
    if (!this.pinned) this.install(version, params);
  }

  /** Holds the serving version, or serves `version` (from the history) and holds it. */
  pin(version?: number): void {
    if (version !== undefined && version !== this.servingVersion) {
      const h = this.history.find((x) => x.version === version);
      if (h === undefined) {
        const held = this.history.map((x) => x.version).join(", ");
        throw new ModelVersionError(`model version ${version} is not held (held: ${held || "none"})`);
      }
      this.install(h.version, h.params);
    }
    this.pinned = true;
  }

  /** Goes back to following the newest version. */
  unpin(): void {
    this.pinned = false;
    const latest = this.history[this.history.length - 1];
    if (latest !== undefined && latest.version !== this.servingVersion) this.install(latest.version, latest.params);
  }

  /** The parameters being served (a copy). */
  servingParams(): Float32Array {
    return this.active.params().slice();
  }

  private install(version: number, params: Float32Array): void {
    const next = this.standby;
    next.params().set(params);
    next.forward(this.probe, 1);
    this.standby = this.active;
    this.active = next;
    this.servingVersion = version;
    this.swaps++;
  }
}
