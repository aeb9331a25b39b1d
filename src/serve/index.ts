/** The live recommendation service: the public API of src/serve (re-exported by src/index.ts). */
export { createServer, type LiveServer, type CreateServerOptions } from "./server.js";
export { buildApp, type AppOptions } from "./app.js";
export { LiveService, serviceDqnConfig, type IngestResult, type ServiceOptions } from "./service.js";
export { parseServeConfig, readServeConfig, withServeOverrides, serveConfigSchema, ServeConfigError, type ServeConfig, type ServeConfigInput } from "./config.js";
export { eventSchema, eventBatchSchema, EVENT_TYPES, type ServeEvent, type ServeEventInput, type ServeEventType } from "./event-schema.js";
export { FEATURE_NAMES, FEATURE_COUNT, FeatureEncoder } from "./model/features.js";
export type { Recommendation, RecommendedItem } from "./model/recommender.js";
export { PlatformState } from "./state/platform-state.js";
export { EventLog } from "./store/event-log.js";

export { runSimulation, type SimulationOptions, type SimulationReport } from "./simulate.js";
