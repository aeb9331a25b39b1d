/** The library API: what the README shows importing from "liveq" is there. */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as liveq from "../src/index.js";

test("the public API exports the documented entry points", () => {
  for (const name of [
    "DqnAgent", "WeightAverage", "parseDqnConfig", "createQNetwork", "Adam", "UniformReplay", "PrioritizedReplay", "NStepWriter",
    "FeatureQFunction", "MlpQFunction", "ActionTable", "saveCheckpoint", "loadCheckpoint", "dqnCheckpoint", "restoreDqn",
    "Platform", "parseSimConfig", "runPolicy", "referencePolicy", "createBaseline", "prepareBaselines",
    "readInteractionLog", "LiveRecProtocol", "MfBprRanker",
    "createPlatformDqn", "trainOnPlatforms", "PlatformDqnPolicy", "compareOnPlatform", "renderComparisonReport", "meanCi",
  ]) {
    assert.equal(typeof (liveq as Record<string, unknown>)[name], "function", `liveq.${name} should be exported`);
  }
});
