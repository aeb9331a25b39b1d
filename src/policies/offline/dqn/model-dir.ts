/**
 * An offline DQN model on disk: a liveq checkpoint directory (manifest.json + one data file, written
 * atomically, every array checksummed; see src/io/checkpoint-dir.ts) of kind "liveq.offline-dqn".
 */
import { CheckpointError } from "../../../core/checkpoint/bundle.js";
import { loadCheckpoint, saveCheckpoint } from "../../../io/checkpoint-dir.js";
import { OFFLINE_DQN_KIND, OfflineDqnModel } from "./model.js";

export function saveOfflineDqnModel(dir: string, model: OfflineDqnModel): void {
  saveCheckpoint(dir, model.toBundle());
}

/** Loads a model directory; a CheckpointError says what is missing, corrupt or of the wrong kind. */
export function loadOfflineDqnModel(dir: string): OfflineDqnModel {
  let bundle;
  try {
    bundle = loadCheckpoint(dir, { kind: OFFLINE_DQN_KIND });
  } catch (err) {
    if (err instanceof CheckpointError) throw new CheckpointError(`offline DQN model: ${err.message}`);
    throw err;
  }
  return OfflineDqnModel.fromBundle(bundle, `offline DQN model ${dir}`);
}
