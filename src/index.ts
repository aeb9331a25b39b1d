/**
 * liveq: the library API. The CLI and the server are thin layers over what is exported here.
 */

// --- the learning core -------------------------------------------------------------------------
export { Rng, type RngState } from "./core/random/rng.js";
export type { QNetwork, QNetworkSpec, HeadKind, LossKind, BackendKind } from "./core/nn/types.js";
export { createQNetwork, Adam, clipGradNorm, gradNorm, tdLoss, tdLossChosen, argmaxRows, maxRows, paramCountOf, validateSpec, wasmSimdAvailable, type CreateQNetworkOptions, type AdamOptions, type AdamState } from "./core/nn/index.js";
export * from "./core/replay/index.js";
export { DqnAgent, type UpdateStats } from "./core/dqn/agent.js";
export { dqnConfigSchema, parseDqnConfig, type DqnConfig, type DqnConfigInput } from "./core/dqn/config.js";
export { computeTdTargets, type TdTargetInput } from "./core/dqn/td-target.js";
export { dqnCheckpoint, restoreDqn, DQN_CHECKPOINT_KIND, DQN_CHECKPOINT_VERSION } from "./core/dqn/checkpoint.js";
export { WeightAverage } from "./core/dqn/weight-average.js";
export { ConstantSchedule, LinearSchedule, ExponentialSchedule, createSchedule, type Schedule, type ScheduleConfig } from "./core/exploration/schedule.js";
export { greedyActions, epsilonGreedyActions, randomAvailableAction } from "./core/exploration/epsilon-greedy.js";
export { HardTargetUpdate, PolyakTargetUpdate, createTargetUpdate, type TargetUpdate, type TargetUpdateConfig } from "./core/target/target-update.js";
export { CheckpointError, type CheckpointBundle, type StoredArray } from "./core/checkpoint/bundle.js";
export { saveCheckpoint, loadCheckpoint, writeFileAtomic } from "./io/checkpoint-dir.js";
export { loadPlatformModel, saveAgentCheckpoint, saveTrainingCheckpoint, appendTrainingPoint, agentCheckpointDir, hasPlatformModel, readTrainingLog, type StoredAgent, type TrainingRunsMeta } from "./io/platform-model-dir.js";
export { CartPole } from "./envs/cartpole.js";
export type { QFunction, QOptimizer, OptimizerState, OptimizerOptions } from "./core/qfunction/types.js";
export { MlpQFunction } from "./core/qfunction/mlp-qfunction.js";
export { FeatureQFunction, featureObsSize, type FeatureLayout, type FeatureQOptions, type GateOptions } from "./core/qfunction/feature-qfunction.js";
export { ActionTable } from "./core/qfunction/action-table.js";
export { PairTable } from "./core/qfunction/pair-table.js";
export type { DqnAgentParts } from "./core/dqn/agent.js";
export { randomFiniteMdp, optimalQ, sampleNextState, type FiniteMdp } from "./envs/finite-mdp.js";

// --- data and evaluation: real interaction logs, LiveRec's offline protocol, baselines -----------
export { interactionLogFromRows, lastStep, userCount, streamerCount, type InteractionLog, type InteractionRow } from "./data/interaction-log.js";
export { readInteractionLog, parseInteractionLog, type ReadLogOptions, type ReadLogResult } from "./data/read-log.js";
export { LogParser, LogImportError, type ParseLogOptions } from "./data/log-parser.js";
export { formatImportReport, type ImportReport, type BadRowExample, type BadRowReason } from "./data/import-report.js";
export { parseColumnMap, layoutFromHeader, RECOGNISED_COLUMN_NAMES, COLUMN_ROLES, type ColumnMap, type ColumnRole, type ColumnLayout } from "./data/log-columns.js";
export { TIME_UNITS, type TimeUnit } from "./data/time-unit.js";
export { LiveRecProtocol, type LiveRecOptions, type OfflineEvaluation, type ProgressCallback } from "./eval/offline/liverec-protocol.js";
export type { OfflineRanker, TrainView, TargetContext, ModelSelection } from "./eval/offline/offline-ranker.js";
export { AvailabilitySweep, availabilityByStep, type AvailabilityByStep } from "./eval/offline/availability.js";
export { buildUserTimelines, type UserTimelines } from "./eval/offline/user-timelines.js";
export { selectTargets, windowBounds, WINDOW_NAMES, type WindowName, type WindowTargets } from "./eval/offline/evaluation-window.js";
export { targetRank, segmentedMetrics, RankAccumulator, METRIC_NAMES, CUTOFFS, type MetricName, type RankMetrics, type SegmentedMetrics } from "./eval/offline/rank-metrics.js";
export { PopularityRanker, trainingPopularity } from "./policies/offline/popularity.js";
export { RepeatRanker } from "./policies/offline/repeat.js";
export { MfBprRanker, DEFAULT_MF_GRID, type MfBprConfig, type MfBprGrid, type MfBprOptions, type MfBprSelection, type NegativeSampling } from "./policies/offline/mf-bpr.js";
export { OfflinePolicyRegistry, offlinePolicies, type OfflinePolicyFactory, type OfflinePolicyOptions } from "./policies/offline/registry.js";
export { OfflineDqnRanker, ModelScorer, OfflineDqnModel, OfflineQLearner, OfflineTransitions, StateEncoder, StreamerStats, loadOfflineDqnModel, saveOfflineDqnModel, parseOfflineDqnConfig, offlineDqnConfigSchema, LOSS_VARIANTS, DEFAULT_SEARCH_VARIANTS, OFFLINE_DQN_KIND, OFFLINE_DQN_VERSION, FEATURE_NAMES as OFFLINE_DQN_FEATURE_NAMES, type LossVariant, type OfflineDqnConfig, type OfflineDqnConfigInput, type OfflineDqnRankerOptions, type OfflineDqnSelection, type ValidationCheck, type TrainingPhase, type OfflineDqnProvenance, type EpochStats } from "./policies/offline/dqn/index.js";

// --- reports: the comparison page (HTML + SVG plots) and the CLI table -------------------------
export { renderComparisonReport, buildComparisonReport, type BuiltReport, type RenderedReport } from "./report/render.js";
export { renderMetricsTable } from "./report/metricsTable.js";
export { summarizeComparison, type ReportSummary, type HeadlineComparison, type Outcome } from "./report/summary.js";
export { validateComparisonReportData, ReportDataError } from "./report/validate.js";
export type { ComparisonReportData, ComparisonHeadline, ComparisonSetting, MetricInfo, Estimate, CurvePoint, LearningCurve, PolicyInfo, PolicyKind } from "./report/types.js";

// --- the simulator: a live-streaming platform to learn in, its reference policies, calibration ---
export { parseSimConfig, defaultSimConfig, withOverrides, describeSimConfig, categoryName, CONFIG_SPEC, CATEGORY_NAMES, SimConfigError, type SimConfig, type SimConfigInput, type ConfigParameter } from "./sim/config.js";
export { Platform, SimActionError, type StepResult, type PlatformOptions } from "./sim/platform.js";
export { PlatformTruth, StreamAssessment, type OracleKnowledge } from "./sim/truth.js";
export { ViewingLog } from "./sim/viewing-log.js";
export { runPolicy, type SimPolicy, type RunOptions } from "./sim/policy.js";
export { EVENT_LIKE, EVENT_COMMENT, EVENT_GIFT, EVENT_FOLLOW, EVENT_REPEAT } from "./sim/watch.js";
export { PAIR_FEATURES, userFeatureNames, streamFeatureNames, userFeatureSize, streamFeatureSize, PAIR_FEATURE_SIZE } from "./sim/observe.js";
export { gini, type SimMetrics, type SimSummary, type UserGroupMetrics, type StreamerGroupMetrics } from "./sim/metrics.js";
export { calibrate, logStatistics, filterLog, quantile, CALIBRATION_STATISTICS, type CalibrationOptions, type CalibrationResult, type CalibrationRow, type CalibrationStatistic, type LogStatistics, type ViewingColumns } from "./sim/calibration.js";
export { TICK_MINUTES, TICKS_PER_DAY, TICKS_PER_HOUR } from "./sim/time.js";
export { referencePolicy, REFERENCE_POLICIES, RandomPolicy, MostViewedNowPolicy, MyopicOraclePolicy, LookaheadOraclePolicy, greedySlate, type ReferencePolicyName, type LookaheadOptions, type LookaheadTerms, type MyopicOracleOptions, type PairEvidence } from "./policies/reference/index.js";

// --- baselines: POP, REP, BPR-MF, LinUCB behind SimPolicy; the registry of every policy; fair tuning ---
export * from "./policies/baselines/index.js";

// --- serving: the live recommendation service (HTTP API, durable event log, online learning) -------
export { createServer, buildApp, LiveService, serviceDqnConfig, parseServeConfig, readServeConfig, withServeOverrides, serveConfigSchema, ServeConfigError, eventSchema, eventBatchSchema, EVENT_TYPES, FEATURE_NAMES as SERVE_FEATURE_NAMES, FEATURE_COUNT as SERVE_FEATURE_COUNT, FeatureEncoder, PlatformState, EventLog, runSimulation, type LiveServer, type CreateServerOptions, type AppOptions, type IngestResult, type ServiceOptions, type ServeConfig, type ServeConfigInput, type ServeEvent, type ServeEventInput, type ServeEventType, type Recommendation, type RecommendedItem, type SimulationOptions, type SimulationReport } from "./serve/index.js";

// --- training the shared multi-agent DQN on the platform, and the comparison -----------------------
export { PlatformEncoder, type EncoderMode } from "./train/platform-encoder.js";
export { UserPast, pastFeatureNames, pastFeatureSize } from "./policies/user-past.js";
export { PairPast, PAIR_PAST_FEATURES } from "./policies/pair-past.js";
export { platformBounds, type PlatformBounds } from "./train/platform-bounds.js";
export { OutcomeValue, OUTCOME_FEATURES, OUTCOME_CONTROLS, outcomeFeatures, type StreamerRecord } from "./policies/outcome-value.js";
export { createPlatformDqn, settleExploration, embeddingLrScaleFor, EMBEDDING_LR_SCALE, EMBEDDING_LR_SCALE_MAX, EMBEDDING_ROW_VISITS, platformDqnCheckpoint, restorePlatformDqn, withServingSettings, foldsInNewUsers, DEFAULT_PLATFORM_DQN, type PlatformDqn, type PlatformDqnHyper, type PlatformHead } from "./train/platform-dqn-config.js";
export { parseExperimentConfig, trainingRuns, type ExperimentConfig } from "./train/experiment-config.js";
export { trainOnPlatforms, type TrainingPoint, type TrainOptions, type TrainResult } from "./train/platform-trainer.js";
export { trainInWorker, type TrainJob, type TrainedInWorker, type WorkerTrainingHooks } from "./train/parallel-training.js";
export { PlatformDqnPolicy, type PlatformDqnOptions } from "./policies/dqn/platform-dqn.js";
export { PlatformDqnEnsemblePolicy, type EnsembleMean } from "./policies/dqn/ensemble.js";
export { NewUserFoldIn } from "./policies/dqn/new-user-fold-in.js";
export { compareOnPlatform, COMPARED_METRICS, type CompareOptions, type CompareResult, type PolicyResult, type ComparedMetric, type TrainedAgent } from "./eval/platform/compare.js";
export { toReportData, toCompareJson } from "./eval/platform/report-data.js";
export { newStreamerParities, ColdStartTracker, type StreamerParities } from "./eval/platform/cold-start.js";
export { evaluationRun, evaluationRunAsync, type EvaluationRun } from "./eval/platform/evaluation-run.js";
export { runKey, type CompareProgress, type ResumedAgent, type AgentCheckpoint, type RunMetrics } from "./eval/platform/compare-progress.js";
export { openCompareWork, type CompareWork, type ComparisonSettings, type ComparedModel } from "./io/compare-work-dir.js";
export { meanCi, tQuantile975, type MeanCi } from "./eval/statistics.js";
