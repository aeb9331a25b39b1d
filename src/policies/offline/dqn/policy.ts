/**
 * The offline DQN as an entry of the offline policy registry (`liveq offline-eval --policies dqn`):
 * trains inside the command with progress bars, or scores with a model trained before by
 * `liveq train-offline` (setting `model`: a model directory or an OfflineDqnModel).
 *
 * Settings read: `model` (string | OfflineDqnModel), `dqnConfig` (OfflineDqnConfigInput),
 * `dqnVariants` (LossVariant[]: the variants compared on the validation window).
 */
import { countProgressBar, type CountProgress } from "../../../eval/offline/count-progress.js";
import type { OfflineRanker } from "../../../eval/offline/offline-ranker.js";
import type { OfflinePolicyOptions } from "../registry.js";
import { DEFAULT_SEARCH_VARIANTS, type LossVariant, type OfflineDqnConfigInput } from "./config.js";
import { OfflineDqnModel } from "./model.js";
import { loadOfflineDqnModel } from "./model-dir.js";
import { OfflineDqnRanker, type TrainingPhase } from "./ranker.js";

export const OFFLINE_DQN_DESCRIPTION =
  "deep Q-network trained offline on the logs (SQN or CQL, chosen on the validation window), or --model DIR from train-offline";

export function createOfflineDqnPolicy(o: OfflinePolicyOptions): OfflineRanker {
  const settings = o.settings ?? {};
  const model = settings.model;
  if (model !== undefined && model !== null) {
    const loaded = typeof model === "string" ? loadOfflineDqnModel(model) : model;
    if (!(loaded instanceof OfflineDqnModel)) throw new TypeError("dqn: setting model must be a model directory or an OfflineDqnModel");
    return new OfflineDqnRanker({ model: loaded, onNote: o.note });
  }
  let bar: CountProgress | null = null;
  let barPhase: TrainingPhase | null = null;
  return new OfflineDqnRanker({
    config: { seed: o.seed, ...(settings.dqnConfig as OfflineDqnConfigInput | undefined) },
    variants: (settings.dqnVariants as LossVariant[] | undefined) ?? DEFAULT_SEARCH_VARIANTS,
    onProgress: o.progress
      ? (phase, done, total) => {
          if (bar === null || barPhase !== phase) {
            bar?.stop();
            bar = countProgressBar(`dqn: ${phase}`);
            barPhase = phase;
          }
          bar.update(done, total);
          if (done === total) {
            bar.stop();
            bar = null;
          }
        }
      : undefined,
    onNote: o.note,
  });
}
