/**
 * A trained platform DQN on disk: what `liveq train --out DIR` writes and `liveq train --resume DIR`
 * and `liveq compare --model DIR` read. One checkpoint per agent (the ensemble's agents, or one),
 * each whole (weights, target, optimizer, replay, the users' past, and in its meta the training
 * runs: world, seeds, episodes done and planned):
 *
 *   DIR/checkpoint/agent-<seed>/manifest.json, data-*.bin
 *
 * Each agent's checkpoint is written atomically on its own (src/io/checkpoint-dir.ts). Reading
 * also takes one agent's checkpoint directory itself (DIR/manifest.json), and a model written
 * before ensembles were trained (one agent in DIR/checkpoint/ itself; once resumed, its agent
 * directory beside it is read instead).
 */
import { appendFileSync, existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { CheckpointError, type CheckpointBundle } from "../core/checkpoint/bundle.js";
import { loadCheckpoint, saveCheckpoint } from "./checkpoint-dir.js";
import type { TrainingPoint } from "../train/platform-trainer.js";

export interface StoredAgent {
  readonly agentSeed: number;
  readonly dir: string;
  readonly bundle: CheckpointBundle;
  /** Episodes the agent had done when saved (meta.episodes; 0 when a checkpoint does not say). */
  readonly episodes: number;
}

const AGENT_DIR = /^agent-(-?\d+)$/;

/** Where the checkpoint of the agent with this seed goes. */
export function agentCheckpointDir(modelDir: string, agentSeed: number): string {
  return join(modelDir, "checkpoint", `agent-${agentSeed}`);
}

export function saveAgentCheckpoint(modelDir: string, agentSeed: number, bundle: CheckpointBundle): void {
  saveCheckpoint(agentCheckpointDir(modelDir, agentSeed), bundle);
}

/** The training runs an agent is on, kept in its checkpoint's meta (plannedRuns reads them back). */
export interface TrainingRunsMeta {
  /** Episodes done. */
  readonly episodes: number;
  readonly plannedEpisodes: number;
  readonly world: number;
  readonly seeds: readonly number[];
}

/** Saves an agent being trained: its checkpoint, with the training runs it is on in its meta (see plannedRuns). */
export function saveTrainingCheckpoint(modelDir: string, agentSeed: number, bundle: CheckpointBundle, runs: TrainingRunsMeta): void {
  const { episodes, plannedEpisodes, world, seeds } = runs;
  saveAgentCheckpoint(modelDir, agentSeed, { ...bundle, meta: { ...bundle.meta, episodes, plannedEpisodes, world, seeds: [...seeds] } });
}

/** Appends a point of an agent's training to the training log, DIR/metrics.jsonl (readTrainingLog reads it). */
export function appendTrainingPoint(modelDir: string, agentSeed: number, p: TrainingPoint): void {
  appendFileSync(join(modelDir, "metrics.jsonl"), JSON.stringify({ agent_seed: agentSeed, ...p }) + "\n");
}

/** Whether DIR holds a trained model's agents (with `legacy`, also one agent of the old layout in DIR/checkpoint/). */
export function hasPlatformModel(modelDir: string, legacy = false): boolean {
  const root = join(modelDir, "checkpoint");
  if (legacy && existsSync(join(root, "manifest.json"))) return true;
  return existsSync(root) && readdirSync(root).some((f) => AGENT_DIR.test(f) && existsSync(join(root, f, "manifest.json")));
}

/**
 * Whether DIR holds a model of liveq train: its agents' directories, or one agent's checkpoint
 * (a manifest whose meta names the platform it was trained on). Reads manifests only.
 */
export function isPlatformModel(dir: string): boolean {
  if (hasPlatformModel(dir, true)) return true;
  const manifest = join(dir, "manifest.json");
  if (!existsSync(manifest)) return false;
  try {
    const meta = (JSON.parse(readFileSync(manifest, "utf8")) as { meta?: { platform?: unknown } }).meta;
    return meta?.platform !== undefined;
  } catch {
    return false;
  }
}

/**
 * Loads every agent's checkpoint, by agent seed. Throws CheckpointError naming the directory when
 * there is none, when one fails its checks, or when the agents were not trained alike (head,
 * platform, hyper-parameters, world and training seeds must agree: they are served as one).
 * `savedOnly`: leave out an agent's directory that holds no manifest yet (a process killed while
 * it wrote that agent's first checkpoint), instead of refusing it.
 */
export function loadPlatformModel(modelDir: string, o: { savedOnly?: boolean } = {}): StoredAgent[] {
  const root = join(modelDir, "checkpoint");
  let agents: StoredAgent[];
  if (existsSync(join(modelDir, "manifest.json"))) {
    const bundle = loadCheckpoint(modelDir);
    agents = [stored(bundle, modelDir, seedOf(bundle, modelDir))];
  } else if (!hasPlatformModel(modelDir) && existsSync(join(root, "manifest.json"))) {
    const bundle = loadCheckpoint(root);
    agents = [stored(bundle, root, seedOf(bundle, root))];
  } else {
    const names = existsSync(root) ? readdirSync(root).filter((f) => AGENT_DIR.test(f) && (!o.savedOnly || existsSync(join(root, f, "manifest.json")))) : [];
    if (names.length === 0) throw new CheckpointError(`${modelDir}: no trained model there (neither ${join("checkpoint", "agent-<seed>")} checkpoints nor a checkpoint's manifest.json; train one with liveq train --out ${modelDir})`);
    agents = names.map((name) => {
      const dir = join(root, name);
      const bundle = loadCheckpoint(dir);
      const agentSeed = Number(AGENT_DIR.exec(name)![1]);
      if (seedOf(bundle, dir) !== agentSeed) throw new CheckpointError(`checkpoint ${dir}: holds the agent of seed ${seedOf(bundle, dir)}, not ${agentSeed}`);
      return stored(bundle, dir, agentSeed);
    });
    agents.sort((a, b) => a.agentSeed - b.agentSeed);
  }
  const first = agents[0];
  for (const a of agents) {
    if (!a.bundle.meta.platform) throw new CheckpointError(`checkpoint ${a.dir}: not a platform DQN (meta.platform is missing)`);
    for (const key of ["platform", "world", "seeds"] as const) {
      if (JSON.stringify(a.bundle.meta[key]) !== JSON.stringify(first.bundle.meta[key])) {
        throw new CheckpointError(`${modelDir}: the agents of seeds ${first.agentSeed} and ${a.agentSeed} differ in meta.${key} (they were not trained alike and cannot be served as one)`);
      }
    }
  }
  return agents;
}

/** An agent as loaded, with the episodes its checkpoint says it had done. */
function stored(bundle: CheckpointBundle, dir: string, agentSeed: number): StoredAgent {
  const e = bundle.meta.episodes ?? 0;
  if (!Number.isInteger(e) || (e as number) < 0) throw new CheckpointError(`checkpoint ${dir}: meta.episodes must be a whole number, got ${JSON.stringify(e)}`);
  return { agentSeed, dir, bundle, episodes: e as number };
}

/**
 * The training runs an agent of the model was saved on (see liveq train): its world, its seeds
 * (taken in turn) and the episodes planned. Throws CheckpointError naming the field that is wrong.
 */
export function plannedRuns(agent: StoredAgent): { world: number; seeds: number[]; episodes: number } {
  const { world, seeds, episodes, plannedEpisodes } = agent.bundle.meta;
  if (!Number.isInteger(world)) throw new CheckpointError(`checkpoint ${agent.dir}: meta.world must be an integer, got ${JSON.stringify(world)}`);
  if (!Array.isArray(seeds) || seeds.length === 0 || !seeds.every((x) => Number.isInteger(x))) {
    throw new CheckpointError(`checkpoint ${agent.dir}: meta.seeds must be a non-empty list of integers, got ${JSON.stringify(seeds)}`);
  }
  // Checkpoints written before plannedEpisodes was kept: the episodes done, at least.
  const planned = plannedEpisodes ?? episodes;
  if (!Number.isInteger(planned) || (planned as number) < 0) throw new CheckpointError(`checkpoint ${agent.dir}: meta.plannedEpisodes must be a whole number, got ${JSON.stringify(planned)}`);
  return { world: world as number, seeds: seeds as number[], episodes: planned as number };
}

function seedOf(bundle: CheckpointBundle, dir: string): number {
  const seed = (bundle.meta.config as { seed?: unknown } | undefined)?.seed;
  if (!Number.isInteger(seed)) throw new CheckpointError(`checkpoint ${dir}: meta.config.seed must be an integer, got ${JSON.stringify(seed)}`);
  return seed as number;
}

/**
 * The training log liveq train appended to DIR/metrics.jsonl, by agent seed (a line without
 * agent_seed, from before ensembles were trained, is the only agent's: `soleSeed`). Empty when
 * there is no log. A resumed run logs again the episode that was interrupted (and any trained
 * after the last checkpoint): a point at or before an agent's previous one replaces the points it
 * repeats, so each curve runs forward once. A line cut short by a crash at the end is left out;
 * any other unreadable line is an error naming the file and the line.
 */
export function readTrainingLog(modelDir: string, soleSeed?: number): Map<number, TrainingPoint[]> {
  const path = join(modelDir, "metrics.jsonl");
  const log = new Map<number, TrainingPoint[]>();
  if (!existsSync(path)) return log;
  const lines = readFileSync(path, "utf8").split("\n");
  while (lines.length > 0 && lines[lines.length - 1].trim() === "") lines.pop();
  for (const [i, line] of lines.entries()) {
    let row: (TrainingPoint & { agent_seed?: number }) | null = null;
    try {
      row = JSON.parse(line) as TrainingPoint & { agent_seed?: number };
    } catch {
      if (i === lines.length - 1) break;
    }
    if (row === null || typeof row !== "object" || !Number.isFinite(row.tick) || !Number.isFinite(row.episode)) {
      throw new Error(`${path}:${i + 1}: not a training point of liveq train`);
    }
    const { agent_seed, ...point } = row;
    // JSON writes NaN (a TD loss before the first update) as null: read it back as NaN.
    for (const [k, v] of Object.entries(point)) if (v === null) (point as Record<string, number>)[k] = NaN;
    const seed = agent_seed ?? soleSeed;
    if (seed === undefined) throw new Error(`${path}:${i + 1}: the line names no agent_seed`);
    let points = log.get(seed);
    if (!points) log.set(seed, (points = []));
    const before = (p: TrainingPoint) => p.episode < point.episode || (p.episode === point.episode && p.tick < point.tick);
    while (points.length > 0 && !before(points[points.length - 1])) points.pop();
    points.push(point);
  }
  return log;
}
