/** The offline DQN: trained from interaction logs, evaluated with LiveRec's protocol. */
export { DEFAULT_SEARCH_VARIANTS, LOSS_VARIANTS, offlineDqnConfigSchema, parseOfflineDqnConfig, type LossVariant, type OfflineDqnConfig, type OfflineDqnConfigInput } from "./config.js";
export { OfflineDqnRanker, ModelScorer, type OfflineDqnRankerOptions, type OfflineDqnSelection, type ValidationCheck, type TrainingPhase } from "./ranker.js";
export { OfflineDqnModel, OFFLINE_DQN_KIND, OFFLINE_DQN_VERSION, type OfflineDqnProvenance } from "./model.js";
export { saveOfflineDqnModel, loadOfflineDqnModel } from "./model-dir.js";
export { OfflineQLearner, type EpochStats } from "./q-learner.js";
export { OfflineTransitions, type RewardShaping } from "./transitions.js";
export { StateEncoder, FEATURE_NAMES, FEATURE_SIZE, USER_FEATURES, ACTION_FEATURES, PAIR_FEATURES } from "./state-encoder.js";
export { StreamerStats, type StreamerStatsArrays, type StreamerStatsMeta } from "./streamer-stats.js";
