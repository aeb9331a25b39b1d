/** The platform baselines for the simulator, their registry (with the reference policies) and their tuning. */
export { writeTopK } from "./top-k.js";
export { checkInteractions, type Interactions } from "./interactions.js";
export { PopularityPolicy, ViewingCounts, type PopularityOptions } from "./popularity.js";
export { RepeatPolicy, pastViewingsOf } from "./repeat.js";
export { BprMfPolicy, type BprMfOptions } from "./bpr-mf.js";
export { BprModel, type BprHyperParams } from "./bpr-model.js";
export { LinearUcbModel } from "./linear-ucb.js";
export { LinUcbPolicy, linUcbLayout, type LinUcbOptions } from "./linucb.js";
export {
  baselineNames, baselineSpec, createBaseline, resolveParams,
  type BaselineCreateOptions, type BaselineGrid, type BaselineKind, type BaselineParams, type BaselineSpec,
} from "./registry.js";
export {
  gridPoints, prepareBaselines, prepareBaselinesAsync, tuningRuns,
  type GridPointResult, type PreparedBaseline, type TuningOptions, type TuningRecord,
} from "./tuning.js";
