/**
 * What a comparison has finished, in plain data, so that an interrupted one can go on where it
 * stopped with the same results as a run that never stopped: the agents it trains (their
 * checkpoints after whole episodes, and their training logs) and its finished evaluation runs (the
 * metrics of a policy on one evaluation seed: each run starts a fresh policy, so a run read back
 * stands for the run itself). compareOnPlatform takes it as CompareOptions.stored and reports new
 * progress through its hooks; src/io/compare-work-dir.ts keeps it on disk.
 */
import type { CheckpointBundle } from "../../core/checkpoint/bundle.js";
import type { TuningRecord } from "../../policies/baselines/tuning.js";
import type { PlatformHead } from "../../train/platform-dqn-config.js";
import type { TrainingPoint } from "../../train/platform-trainer.js";

/** The COMPARED_METRICS values of one evaluation run, by metric key. */
export type RunMetrics = Record<string, number>;

/** An agent of the comparison saved after whole episodes (or done), with its training log so far. */
export interface ResumedAgent {
  readonly head: PlatformHead;
  readonly agentSeed: number;
  /** The whole agent (platformDqnCheckpoint) after `episodes` episodes. */
  readonly bundle: CheckpointBundle;
  readonly episodes: number;
  /** Its training log; points of episodes after `episodes` (trained, then lost) are left out when it goes on. */
  readonly points: readonly TrainingPoint[];
}

export interface CompareProgress {
  /** Finished evaluation runs, by runKey(policy, seed). */
  readonly runs: ReadonlyMap<string, RunMetrics>;
  /** How each baseline was tuned, by policy: one whose every run is finished is not tuned again. */
  readonly tuning: ReadonlyMap<string, TuningRecord>;
  /** Agents saved part-way or done: each goes on from its checkpoint; one that did every episode is not trained again. */
  readonly agents: readonly ResumedAgent[];
}

/** A checkpoint of an agent being trained, after whole episodes, with the training runs it is on. */
export interface AgentCheckpoint {
  readonly head: PlatformHead;
  readonly agentSeed: number;
  readonly bundle: CheckpointBundle;
  /** Episodes done. */
  readonly episodes: number;
  readonly plannedEpisodes: number;
  readonly world: number;
  readonly seeds: readonly number[];
}

/** The key of the evaluation run of `policy` on evaluation seed `seed`. */
export function runKey(policy: string, seed: number): string {
  return `${policy} ${seed}`;
}
