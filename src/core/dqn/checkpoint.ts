/**
 * A DQN agent's whole state as a checkpoint bundle: both networks, Adam's moments and step, the
 * replay's contents, the n-step writer's pending steps, the counters and both random streams.
 * Restoring builds a NEW agent and fills it; if anything in the bundle is missing, mismatched or
 * malformed, an error names it and the caller's running agent is untouched.
 */
import { CheckpointError, requireArray, type CheckpointBundle, type StoredArray } from "../checkpoint/bundle.js";
import { decodeState, encodeState } from "../checkpoint/state-codec.js";
import type { RngState } from "../random/rng.js";
import type { OptimizerState } from "../qfunction/types.js";
import type { NStepWriterState, ReplayState } from "../replay/index.js";
import { DqnAgent, type DqnAgentParts } from "./agent.js";
import { parseDqnConfig } from "./config.js";

export const DQN_CHECKPOINT_KIND = "liveq.dqn";
export const DQN_CHECKPOINT_VERSION = 1;

export function dqnCheckpoint(agent: DqnAgent): CheckpointBundle {
  const arrays: Record<string, StoredArray> = {};
  const meta: Record<string, unknown> = {
    config: agent.config,
    decisions: agent.decisions,
    updates: agent.updates,
    actRng: agent.actRng.getState(),
    learnRng: agent.learnRng.getState(),
  };
  arrays["online.params"] = agent.online.exportParams();
  arrays["target.params"] = agent.target.exportParams();
  const adam = agent.optimizer.getState();
  meta.adamT = adam.t;
  arrays["adam.m"] = adam.m;
  arrays["adam.v"] = adam.v;
  encodeState("replay", agent.replay.getState(), meta, arrays);
  encodeState("nstep", agent.writer.getState(), meta, arrays);
  return { kind: DQN_CHECKPOINT_KIND, version: DQN_CHECKPOINT_VERSION, meta, arrays };
}

export function restoreDqn(bundle: CheckpointBundle, parts: DqnAgentParts = {}): DqnAgent {
  if (bundle.kind !== DQN_CHECKPOINT_KIND) throw new CheckpointError(`checkpoint: holds a "${bundle.kind}", not a DQN agent`);
  if (bundle.version !== DQN_CHECKPOINT_VERSION) {
    throw new CheckpointError(`checkpoint: DQN layout version ${bundle.version} is not supported (expected ${DQN_CHECKPOINT_VERSION})`);
  }
  const m = bundle.meta;
  let agent: DqnAgent;
  try {
    agent = new DqnAgent(parseDqnConfig(m.config), parts);
  } catch (err) {
    throw new CheckpointError(`checkpoint: config is invalid: ${(err as Error).message}`);
  }
  const wrap = <T>(what: string, f: () => T): T => {
    try {
      return f();
    } catch (err) {
      if (err instanceof CheckpointError) throw err;
      throw new CheckpointError(`checkpoint: ${what}: ${(err as Error).message}`);
    }
  };
  const n = agent.online.paramCount;
  const online = requireArray(bundle, "online.params", Float32Array, n);
  const target = requireArray(bundle, "target.params", Float32Array, n);
  const adam: OptimizerState = { t: m.adamT as number, m: requireArray(bundle, "adam.m", Float32Array, n), v: requireArray(bundle, "adam.v", Float32Array, n) };
  wrap("online.params", () => agent.online.importParams(online));
  wrap("target.params", () => agent.target.importParams(target));
  wrap("adam", () => agent.optimizer.setState(adam));
  wrap("replay", () => agent.replay.setState(decodeState<ReplayState>("replay", m, bundle.arrays)));
  wrap("n-step writer", () => agent.writer.setState(decodeState<NStepWriterState>("nstep", m, bundle.arrays)));
  wrap("actRng", () => agent.actRng.setState(m.actRng as RngState));
  wrap("learnRng", () => agent.learnRng.setState(m.learnRng as RngState));
  for (const key of ["decisions", "updates"] as const) {
    const v = m[key];
    if (!Number.isInteger(v) || (v as number) < 0) throw new CheckpointError(`checkpoint: ${key} must be an integer >= 0, got ${String(v)}`);
    agent[key] = v as number;
  }
  return agent;
}
