/**
 * A comparison's work directory: what `liveq compare --work DIR` (and `liveq demo`, in
 * OUT/.work) has finished, so that an interrupted comparison goes on where it stopped (see
 * src/eval/platform/compare-progress.ts):
 *
 *   DIR/manifest.json                  what the comparison is: every setting its results depend on, and the liveq version
 *   DIR/<head>/checkpoint/agent-<seed>/ each agent's checkpoint after whole episodes, and
 *   DIR/<head>/metrics.jsonl           its training log, as liveq train writes a model (src/io/platform-model-dir.ts)
 *   DIR/runs/<policy>/seed-<seed>.json each finished evaluation run's metrics
 *   DIR/tuning/<policy>.json           each baseline's tuning record
 *
 * Every file is written atomically (or, the training log, appended a line at a time), so an
 * interruption at any moment leaves what was finished readable. The baselines' tuned state (POP's
 * and BPR-MF's logs, LinUCB's warm start) is not stored: a baseline with runs still to do is tuned
 * again, to the same setting (tuning is deterministic); one whose every run is stored is not.
 * Reopening DIR for another comparison is refused, naming the settings that differ, and so is
 * reopening it with another version of liveq (or one written before the version was recorded):
 * results of two versions are not mixed. A stored file that cannot be read is an error naming the file.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "./checkpoint-dir.js";
import { appendTrainingPoint, hasPlatformModel, loadPlatformModel, readTrainingLog, saveTrainingCheckpoint } from "./platform-model-dir.js";
import { COMPARED_METRICS, type CompareOptions } from "../eval/platform/compare.js";
import { runKey, type CompareProgress, type ResumedAgent, type RunMetrics } from "../eval/platform/compare-progress.js";
import type { TuningRecord } from "../policies/baselines/tuning.js";
import { trainingRuns } from "../train/experiment-config.js";
import { LIVEQ_VERSION } from "../version.js";

const KIND = "liveq-compare-work";
const VERSION = 1;

/**
 * A trained model evaluated (`liveq compare --model`): where it is, and which training of it (each
 * agent's decisions and updates so far), so that a model trained further since is another one.
 */
export interface ComparedModel {
  readonly path: string;
  readonly agents: readonly { head: string; agentSeed: number; decisions: number; updates: number }[];
}

/** What identifies a comparison: the options its results depend on (`model`: the trained model evaluated, if one was given). */
export type ComparisonSettings = Pick<CompareOptions, "exp" | "evalSeeds" | "heads" | "baselines" | "episodes" | "dqnEval"> & { model?: ComparedModel };

export interface CompareWork {
  readonly dir: string;
  /** Whether DIR held this comparison already (its progress is in `stored`). */
  readonly resumed: boolean;
  readonly stored: CompareProgress;
  /** compareOnPlatform's hooks that store its progress in DIR as it goes. */
  readonly hooks: Required<Pick<CompareOptions, "onTrainingPoint" | "onCheckpoint" | "onRunDone" | "onTuned">>;
}

/**
 * Opens DIR for the comparison `settings`: a new (or empty) directory is started with its
 * manifest; one holding the same comparison is read back; one holding another is refused.
 */
export function openCompareWork(dir: string, settings: ComparisonSettings): CompareWork {
  const manifestPath = join(dir, "manifest.json");
  const comparison = manifestOf(settings);
  const resumed = existsSync(manifestPath);
  if (resumed) {
    const stored = readJson(manifestPath, "the manifest of a comparison's work directory") as { kind?: unknown; version?: unknown; liveq?: unknown; comparison?: unknown };
    if (stored?.kind !== KIND || stored.version !== VERSION || typeof stored.comparison !== "object" || stored.comparison === null) {
      throw new Error(`${manifestPath}: not the manifest of a comparison's work directory (kind ${KIND}, version ${VERSION})`);
    }
    const differ = differences(stored.comparison, comparison);
    const afresh = `Use another work directory, or delete ${dir} to start this comparison afresh`;
    // Another liveq may compute other figures from the same settings: its results are not mixed
    // with this one's. A manifest written before the version was recorded cannot be known to match.
    if (stored.liveq !== LIVEQ_VERSION) {
      const there = stored.liveq === undefined ? "absent there (written by a liveq that did not record its version: it cannot be known to match)" : `${JSON.stringify(stored.liveq)} there`;
      throw new Error(`${dir} holds the work of another version of liveq, whose results are not mixed with this one's: liveq is ${there}, ${JSON.stringify(LIVEQ_VERSION)} here${differ.map((d) => `; ${d}`).join("")}. ${afresh}`);
    }
    if (differ.length > 0) throw new Error(`${dir} holds the work of another comparison: ${differ.join("; ")}. ${afresh}`);
  } else {
    if (existsSync(dir) && readdirSync(dir).length > 0) throw new Error(`${dir} is not empty and holds no comparison's manifest: use an empty or new work directory`);
    mkdirSync(dir, { recursive: true });
    writeFileAtomic(manifestPath, JSON.stringify({ kind: KIND, version: VERSION, liveq: LIVEQ_VERSION, comparison }, null, 2) + "\n");
  }
  const headDir = (head: string) => join(dir, head);
  return {
    dir,
    resumed,
    stored: { runs: readRuns(dir), tuning: readTuning(dir), agents: resumed ? readAgents(dir, settings.heads) : [] },
    hooks: {
      onTrainingPoint(head, p, agentSeed) {
        mkdirSync(headDir(head), { recursive: true });
        appendTrainingPoint(headDir(head), agentSeed, p);
      },
      onCheckpoint(c) {
        saveTrainingCheckpoint(headDir(c.head), c.agentSeed, c.bundle, c);
      },
      onRunDone(policy, seed, metrics) {
        mkdirSync(join(dir, "runs", policy), { recursive: true });
        const encoded = Object.fromEntries(Object.entries(metrics).map(([k, v]) => [k, Number.isFinite(v) ? v : String(v)]));
        writeFileAtomic(runPath(dir, policy, seed), JSON.stringify({ policy, seed, metrics: encoded }) + "\n");
      },
      onTuned(record) {
        mkdirSync(join(dir, "tuning"), { recursive: true });
        writeFileAtomic(join(dir, "tuning", `${record.policy}.json`), JSON.stringify(record) + "\n");
      },
    },
  };
}

/** The manifest's `comparison`: the settings as plain JSON, episodes resolved. */
function manifestOf(s: ComparisonSettings): unknown {
  const { exp } = s;
  return JSON.parse(JSON.stringify({
    sim: exp.sim, dqn: exp.dqn, training: exp.training,
    episodes: s.episodes ?? trainingRuns(exp).episodes,
    evalSeeds: s.evalSeeds, heads: s.heads, policies: s.baselines, dqnEval: s.dqnEval ?? "frozen", model: s.model ?? null,
  }));
}

/** The keys (dotted paths) whose values differ, each with both values. */
function differences(stored: unknown, now: unknown): string[] {
  const a = flatten(stored), b = flatten(now);
  const keys = [...new Set([...a.keys(), ...b.keys()])];
  return keys.filter((k) => a.get(k) !== b.get(k)).map((k) => `${k} is ${a.get(k) ?? "absent"} there, ${b.get(k) ?? "absent"} here`);
}

function flatten(v: unknown, prefix = "", out = new Map<string, string>()): Map<string, string> {
  if (v !== null && typeof v === "object" && !Array.isArray(v)) {
    for (const [k, x] of Object.entries(v)) flatten(x, prefix ? `${prefix}.${k}` : k, out);
  } else out.set(prefix, JSON.stringify(v));
  return out;
}

function runPath(dir: string, policy: string, seed: number): string {
  return join(dir, "runs", policy, `seed-${seed}.json`);
}

/** Every finished run stored, checked against its place. */
function readRuns(dir: string): Map<string, RunMetrics> {
  const runs = new Map<string, RunMetrics>();
  const root = join(dir, "runs");
  if (!existsSync(root)) return runs;
  for (const policy of readdirSync(root)) {
    for (const file of readdirSync(join(root, policy))) {
      const m = /^seed-(-?\d+)\.json$/.exec(file);
      if (m === null) continue; // a temporary file of a write that was cut short
      const path = join(root, policy, file);
      const row = readJson(path, "a finished evaluation run") as { policy?: unknown; seed?: unknown; metrics?: Record<string, unknown> };
      const bad = (why: string) => new Error(`${path}: not a finished evaluation run of this comparison (${why}); delete the file to run it again`);
      if (row?.policy !== policy || row.seed !== Number(m[1])) throw bad(`it names ${JSON.stringify(row?.policy)} on seed ${JSON.stringify(row?.seed)}`);
      const metrics: RunMetrics = {};
      for (const { key } of COMPARED_METRICS) {
        const v = row.metrics?.[key];
        // Non-finite values are written as strings ("NaN"), which JSON has no numbers for.
        const x = typeof v === "number" ? v : typeof v === "string" && ["NaN", "Infinity", "-Infinity"].includes(v) ? Number(v) : undefined;
        if (x === undefined) throw bad(`metrics.${key} is ${JSON.stringify(v)}`);
        metrics[key] = x;
      }
      runs.set(runKey(policy, row.seed as number), metrics);
    }
  }
  return runs;
}

function readTuning(dir: string): Map<string, TuningRecord> {
  const records = new Map<string, TuningRecord>();
  const root = join(dir, "tuning");
  if (!existsSync(root)) return records;
  for (const file of readdirSync(root).filter((f) => f.endsWith(".json"))) {
    const path = join(root, file);
    const r = readJson(path, "a baseline's tuning record") as TuningRecord;
    if (r?.policy !== file.slice(0, -".json".length) || typeof r.summary !== "string" || typeof r.chosen !== "object" || !Array.isArray(r.results)) {
      throw new Error(`${path}: not the tuning record of ${file.slice(0, -".json".length)}; delete the file to tune it again`);
    }
    records.set(r.policy, r);
  }
  return records;
}

/**
 * Each head's agents saved so far, with their training logs. An agent whose first checkpoint was
 * never finished (the process killed while writing it) is not there: it trains from the start.
 */
function readAgents(dir: string, heads: CompareOptions["heads"]): ResumedAgent[] {
  return heads.flatMap((head) => {
    const headDir = join(dir, head);
    if (!hasPlatformModel(headDir)) return [];
    const log = readTrainingLog(headDir);
    return loadPlatformModel(headDir, { savedOnly: true }).map((a) => ({ head, agentSeed: a.agentSeed, bundle: a.bundle, episodes: a.episodes, points: log.get(a.agentSeed) ?? [] }));
  });
}

function readJson(path: string, what: string): unknown {
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new Error(`${path}: cannot read ${what} (${(err as Error).message})`);
  }
}
