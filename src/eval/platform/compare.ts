/**
 * The comparison behind `liveq compare` and `liveq demo`: train what needs training on training
 * seeds, then run every policy on the same held-apart evaluation seeds of the simulated platform
 * and report each metric's mean and 95% confidence interval.
 *
 * - DQN: the feature head is `training.ensemble` agents trained on the training seeds from their
 *   own agent seeds and served as one (argmax of their mean score); the classic head, a comparison
 *   arm that costs twice as much to train, is one agent. Both serve greedy and frozen (no learning
 *   on evaluation seeds unless dqnEval is "online"). A head given already trained (`trained`: the
 *   model `liveq train` wrote, say) is evaluated as it is, not trained again.
 * - Baselines: tuned on the training seeds (src/policies/baselines/tuning.ts); the learning ones
 *   (BPR-MF, LinUCB) go on learning during evaluation, as they would in production.
 * - Oracles read the hidden truth: a bar, never "the best baseline".
 */
import { setMaxListeners } from "node:events";
import { Platform } from "../../sim/platform.js";
import type { CheckpointBundle } from "../../core/checkpoint/bundle.js";
import type { SimSummary } from "../../sim/metrics.js";
import type { SimPolicy } from "../../sim/policy.js";
import { prepareBaselinesAsync, tunesToPlainData, tuningRuns, type PreparedBaseline, type TuningRecord } from "../../policies/baselines/tuning.js";
import { baselineSpec } from "../../policies/baselines/registry.js";
import { tuneInWorker } from "../../policies/baselines/tuning-worker.js";
import { PlatformDqnPolicy } from "../../policies/dqn/platform-dqn.js";
import { PlatformDqnEnsemblePolicy } from "../../policies/dqn/ensemble.js";
import { createPlatformDqn, foldsInNewUsers, platformDqnCheckpoint, restorePlatformDqn, settleExploration, type PlatformDqn, type PlatformHead } from "../../train/platform-dqn-config.js";
import { trainingRuns, type ExperimentConfig } from "../../train/experiment-config.js";
import { trainOnPlatforms, type TrainingPoint } from "../../train/platform-trainer.js";
import { meanCi, type MeanCi } from "../statistics.js";
import { allWhenSettled, trainInWorker } from "../../train/parallel-training.js";
import type { StreamerParities } from "./cold-start.js";
import { evaluationRunAsync } from "./evaluation-run.js";
import { runKey, type AgentCheckpoint, type CompareProgress, type ResumedAgent, type RunMetrics } from "./compare-progress.js";

export type PolicyKind = "learned" | "baseline" | "oracle";

export interface ComparedMetric {
  key: string;
  label: string;
  higherIsBetter: boolean;
  unit?: string;
  read(s: SimSummary, parity: StreamerParities): number;
}

export const COMPARED_METRICS: readonly ComparedMetric[] = [
  { key: "reward_per_user_day", label: "Reward per user-day", higherIsBetter: true, read: (s) => s.metrics.reward_per_user_day },
  { key: "watch_minutes_per_user_day", label: "Watch minutes per user-day", higherIsBetter: true, unit: "min", read: (s) => s.metrics.watch_minutes_per_user_day },
  { key: "return_rate", label: "Next-day return rate", higherIsBetter: true, read: (s) => s.metrics.return_rate },
  { key: "churned", label: "Churned users (share)", higherIsBetter: false, read: (s) => s.metrics.churned },
  { key: "ctr", label: "Click-through rate", higherIsBetter: true, read: (s) => s.metrics.ctr },
  { key: "coverage", label: "Coverage", higherIsBetter: true, read: (s) => s.metrics.coverage },
  { key: "exposure_gini", label: "Exposure Gini", higherIsBetter: false, read: (s) => s.metrics.exposure_gini },
  { key: "new_users_reward", label: "New users' reward per user-day", higherIsBetter: true, read: (s) => s.groups.new_users.reward_per_user_day },
  { key: "new_streamers_reward", label: "New streamers' reward per viewing", higherIsBetter: true, read: (s) => s.groups.new_streamers.reward_per_viewing },
  { key: "new_streamer_parity", label: "New vs established streamers of equal quality (reward per recommendation to a stranger)", higherIsBetter: true, read: (_s, p) => p.discovery },
  { key: "new_streamer_exposure_parity", label: "New vs established streamers of equal quality (reward per live hour)", higherIsBetter: true, read: (_s, p) => p.exposure },
];

export interface CompareOptions {
  readonly exp: ExperimentConfig;
  readonly evalSeeds: readonly number[];
  readonly heads: readonly PlatformHead[];
  readonly baselines: readonly string[];
  /** Training episodes per DQN head (default: trainingRuns(exp).episodes). */
  readonly episodes?: number;
  readonly onStage?: (stage: string) => void;
  readonly onProgress?: (done: number, total: number) => void;
  readonly onTrainingPoint?: (head: PlatformHead, p: TrainingPoint, agentSeed: number) => void;
  /** Train the heads in worker threads, side by side (default true); false trains them here in turn. */
  readonly parallel?: boolean;
  /**
   * "frozen" (default): the DQN serves greedily what it learned on the training seeds. "online": it
   * serves greedily and goes on learning on each evaluation platform from its feedback, as the
   * service does and as the learning baselines do (a fresh copy of the whole trained agent per
   * evaluation seed).
   */
  readonly dqnEval?: "frozen" | "online";
  /**
   * Agents already trained (on this platform's config and on the experiment's training runs), by
   * head: a head found here is evaluated with these agents (served as one when several) instead
   * of being trained.
   */
  readonly trained?: readonly TrainedAgent[];
  /**
   * What an interrupted run of this same comparison finished (src/io/compare-work-dir.ts reads it
   * back): its agents go on from their checkpoints, its finished evaluation runs are taken as they
   * are. The caller makes sure it is the same comparison.
   */
  readonly stored?: CompareProgress;
  /**
   * Stops the comparison: each agent in training finishes the episode it is in and is
   * checkpointed (onCheckpoint), a run in flight is abandoned, and compareOnPlatform rejects with
   * the signal's reason once its training has stopped. A failure stops the training alike before
   * it is thrown.
   */
  readonly signal?: AbortSignal;
  /** Each agent trained here, after an episode once this many ms passed since its last checkpoint (absent: never), and when its training ends. */
  readonly onCheckpoint?: (c: AgentCheckpoint) => void;
  readonly checkpointEveryMs?: number;
  /** Each evaluation run as it finishes, with its metrics. */
  readonly onRunDone?: (policy: string, seed: number, metrics: RunMetrics) => void;
  /** Each baseline as it is tuned. */
  readonly onTuned?: (record: TuningRecord) => void;
}

/** A trained agent of a head, with its training log. */
export interface TrainedAgent {
  head: PlatformHead;
  agentSeed: number;
  pd: PlatformDqn;
  points: TrainingPoint[];
}

export interface PolicyResult {
  name: string;
  label: string;
  kind: PolicyKind;
  perSeed: Record<string, number[]>;
  estimates: Record<string, MeanCi>;
}

export interface CompareResult {
  setting: { users: number; streamers: number; days: number; trainSeeds: number[]; evalSeeds: number[]; episodes: number };
  policies: PolicyResult[];
  /** What each trained agent logged: one curve per head and agent seed. */
  curves: { head: PlatformHead; agentSeed: number; points: TrainingPoint[] }[];
  tuning: TuningRecord[];
  headline: { dqn: string; bestBaseline: string; dqnVsBestBaseline: number; myopicOracle: string | null; dqnVsMyopicOracle: number | null };
  seconds: number;
}

const HEAD_NAME: Record<PlatformHead, string> = { feature: "dqn", classic: "dqn-classic" };
const HEAD_LABEL: Record<PlatformHead, string> = { feature: "DQN (feature head)", classic: "DQN (classic head)" };

export async function compareOnPlatform(o: CompareOptions): Promise<CompareResult> {
  const t0 = performance.now();
  const { exp } = o;
  const runs = trainingRuns(exp);
  const episodes = o.episodes ?? runs.episodes;
  // The weeks the DQN trains on, and so the weeks every learner learns from: the first `episodes`
  // seeds (all of them, in turn, when there are more episodes than seeds).
  const trainSeeds = episodes < runs.seeds.length ? runs.seeds.slice(0, episodes) : runs.seeds;
  for (const s of o.evalSeeds) {
    if (trainSeeds.includes(s)) throw new RangeError(`evaluation seed ${s} is also a training seed: keep them apart`);
  }
  const ticks = exp.sim.days * 144;
  const evalRuns = o.evalSeeds.length * (o.heads.length + o.baselines.length);
  const given = (head: PlatformHead) => (o.trained ?? []).filter((t) => t.head === head);
  for (const t of o.trained ?? []) {
    if (!o.heads.includes(t.head)) throw new RangeError(`compare: a trained agent of the ${t.head} head was given, but the heads compared are ${o.heads.join(", ")}`);
    const differ = Object.keys(exp.sim).filter((k) => JSON.stringify(exp.sim[k as keyof typeof exp.sim]) !== JSON.stringify(t.pd.sim[k as keyof typeof t.pd.sim]));
    if (differ.length > 0) throw new RangeError(`compare: the trained agent of seed ${t.agentSeed} (${t.head} head) was trained on another platform config (${differ.map((k) => `${k}: ${JSON.stringify(t.pd.sim[k as keyof typeof t.pd.sim])}, here ${JSON.stringify(exp.sim[k as keyof typeof exp.sim])}`).join("; ")})`);
  }
  // Agents to train: none for a head given trained.
  const agentSeedsOf = (head: PlatformHead) =>
    given(head).length > 0 ? [] : Array.from({ length: head === "feature" ? exp.training.ensemble : 1 }, (_, k) => exp.training.agentSeed + k);
  const agentCount = o.heads.reduce((a, h) => a + agentSeedsOf(h).length, 0);
  // Stops everything: the caller's signal (Ctrl-C), or a failure here, which must not leave the
  // training workers running on (they stop after the episode they are in, as on Ctrl-C).
  const stopAll = new AbortController();
  const onAbort = () => stopAll.abort(o.signal?.reason);
  if (o.signal?.aborted) onAbort();
  else o.signal?.addEventListener("abort", onAbort, { once: true });
  const signal = stopAll.signal;
  // Every training and tuning worker listens to it (eight agents, the classic head, two tuners):
  // more than Node's default of 10 is expected here, not a leak.
  setMaxListeners(agentCount + 16, signal);
  const stored = o.stored ?? { runs: new Map<string, RunMetrics>(), tuning: new Map<string, TuningRecord>(), agents: [] };
  const resumedAgent = (head: PlatformHead, agentSeed: number): ResumedAgent | undefined => stored.agents.find((a) => a.head === head && a.agentSeed === agentSeed);
  const total = agentCount * episodes * ticks + evalRuns * ticks;
  // Progress: training ticks of every head plus evaluation ticks, which run side by side; what
  // was stored counts as done.
  const agentDone = new Map<string, number>();
  for (const h of o.heads) for (const s of agentSeedsOf(h)) agentDone.set(`${h} ${s}`, Math.min(episodes, resumedAgent(h, s)?.episodes ?? 0) * ticks);
  const storedRuns = [...o.heads.map((h) => HEAD_NAME[h]), ...o.baselines].flatMap((n) => o.evalSeeds.filter((s) => stored.runs.has(runKey(n, s)))).length;
  let trainDone = [...agentDone.values()].reduce((a, b) => a + b, 0), evalDone = storedRuns * ticks;
  const progress = () => o.onProgress?.(Math.min(total, trainDone + evalDone), total);
  progress();
  const onPoint = (head: PlatformHead, agentSeed: number, p: TrainingPoint) => {
    o.onTrainingPoint?.(head, p, agentSeed);
    agentDone.set(`${head} ${agentSeed}`, p.episode * ticks + p.tick);
    trainDone = 0;
    for (const v of agentDone.values()) trainDone += v;
    progress();
  };
  // (settled on a probe week only when some agent starts training here: one that goes on from a checkpoint keeps its own)
  const fresh = o.heads.some((h) => agentSeedsOf(h).some((s) => resumedAgent(h, s) === undefined));
  const hyper = fresh ? settleExploration(exp.sim, exp.dqn, exp.training.world, trainSeeds, episodes) : exp.dqn;
  const job = (head: PlatformHead, agentSeed: number) => ({ sim: exp.sim, head, hyper, agentSeed, world: exp.training.world, seeds: [...trainSeeds], episodes });
  const checkpoint = (head: PlatformHead, agentSeed: number, bundle: CheckpointBundle, done: number) =>
    o.onCheckpoint?.({ head, agentSeed, bundle, episodes: done, plannedEpisodes: episodes, world: exp.training.world, seeds: [...trainSeeds] });
  /**
   * Trains one agent (in a worker thread, or here), from its checkpoint when one was stored.
   * Stopped (the signal), it first finishes the episode it is in, and that agent is checkpointed:
   * what it learned of an unfinished episode would make the comparison differ from one never
   * stopped, and a whole episode's checkpoint goes on to exactly the same training.
   */
  const trainAgent = async (head: PlatformHead, agentSeed: number, inWorker: boolean): Promise<TrainedAgent> => {
    const from = resumedAgent(head, agentSeed);
    const before = from ? from.points.filter((p) => p.episode < from.episodes) : [];
    if (from && from.episodes >= episodes) return { head, agentSeed, pd: restorePlatformDqn(from.bundle), points: before };
    const resume = from && { bundle: from.bundle, episodes: from.episodes };
    let t: { bundle?: CheckpointBundle; pd?: PlatformDqn; points: TrainingPoint[]; episodes: number; stopped: boolean };
    if (inWorker) {
      t = await trainInWorker({ ...job(head, agentSeed), resume, checkpointEveryMs: o.onCheckpoint ? o.checkpointEveryMs : undefined, finishEpisode: true }, {
        onPoint: (p) => onPoint(head, agentSeed, p),
        onCheckpoint: (bundle, done) => checkpoint(head, agentSeed, bundle, done),
        signal,
      });
    } else {
      const pd = resume ? restorePlatformDqn(resume.bundle) : createPlatformDqn(exp.sim, head, hyper, agentSeed);
      const points: TrainingPoint[] = [];
      const r = await trainOnPlatforms(pd, {
        ...job(head, agentSeed), startEpisode: resume?.episodes,
        onPoint: (p) => { points.push(p); onPoint(head, agentSeed, p); },
        checkpointEveryMs: o.onCheckpoint ? o.checkpointEveryMs : undefined,
        onCheckpoint: (done) => checkpoint(head, agentSeed, platformDqnCheckpoint(pd), done),
        shouldStop: () => signal.aborted,
        finishEpisode: true,
      });
      t = { pd, points, ...r };
    }
    const bundle = t.bundle ?? (o.onCheckpoint ? platformDqnCheckpoint(t.pd!) : undefined);
    if (bundle) checkpoint(head, agentSeed, bundle, t.episodes);
    if (t.stopped) throw signal.reason ?? new Error("compare: the training stopped");
    return { head, agentSeed, pd: t.pd ?? restorePlatformDqn(t.bundle!), points: [...before, ...t.points] };
  };
  type Entry = { name: string; label: string; kind: PolicyKind; make(seed: number, p: Platform): SimPolicy };
  /** Runs one policy on every evaluation seed (a fresh policy per seed: runs are independent); a stored run is read back. */
  const evaluate = async (e: Entry): Promise<PolicyResult> => {
    const result: PolicyResult = { name: e.name, label: e.label, kind: e.kind, perSeed: {}, estimates: {} };
    for (const seed of o.evalSeeds) {
      let metrics = stored.runs.get(runKey(e.name, seed));
      if (metrics === undefined) {
        const platform = new Platform(exp.sim, seed, { world: exp.training.world });
        const base = evalDone;
        const onTick = (tick: number) => {
          evalDone = base + tick;
          progress();
        };
        const { summary, parity } = await evaluationRunAsync(platform, e.make(seed, platform), { onTick, signal });
        evalDone = base + ticks;
        metrics = Object.fromEntries(COMPARED_METRICS.map((m) => [m.key, m.read(summary, parity)]));
        o.onRunDone?.(e.name, seed, metrics);
      }
      for (const m of COMPARED_METRICS) (result.perSeed[m.key] ??= []).push(metrics[m.key]);
    }
    return result;
  };
  const baselineEntry = (b: PreparedBaseline): Entry => ({ name: b.name, label: labelOf(b.name), kind: b.kind as PolicyKind, make: (seed: number) => b.create(seed) });
  /** Tuning stands for itself once every run of a baseline is stored with its tuning record: it is not tuned again. */
  const readBack = o.baselines.filter((n) => stored.tuning.has(n) && o.evalSeeds.every((s) => stored.runs.has(runKey(n, s))));
  const toTune = o.baselines.filter((n) => !readBack.includes(n));
  const baselineResults = new Map<string, { tuning: TuningRecord; result: PolicyResult }>();
  const evaluateBaseline = async (b: PreparedBaseline) => {
    o.onTuned?.(b.tuning);
    baselineResults.set(b.name, { tuning: b.tuning, result: await evaluate(baselineEntry(b)) });
  };
  const evaluateReadBack = async () => {
    for (const name of readBack) {
      const unreachable = () => { throw new Error(`compare: every run of ${name} was stored`); };
      baselineResults.set(name, { tuning: stored.tuning.get(name)!, result: await evaluate({ name, label: labelOf(name), kind: baselineSpec(name).kind as PolicyKind, make: unreachable }) });
    }
  };
  const headEntry = (head: PlatformHead, members: PlatformDqn[]): Entry => {
    const online = (o.dqnEval ?? "frozen") === "online";
    // A learning copy per evaluation seed starts from the whole trained agent (weights, target,
    // Adam's moments, replay): the runs stay independent, and none starts with an empty memory.
    const trainedStates = online ? members.map((pd) => platformDqnCheckpoint(pd)) : null;
    const name = HEAD_NAME[head];
    return {
      name, label: HEAD_LABEL[head], kind: "learned",
      make: (_seed: number, p: Platform) => {
        const policies = trainedStates === null
          ? members.map((pd) => new PlatformDqnPolicy(pd.agent, pd.encoderFor(p), { mode: "serve", name, newUserFoldIn: foldsInNewUsers(pd) }))
          : trainedStates.map((state) => {
            const copy = restorePlatformDqn(state);
            return new PlatformDqnPolicy(copy.agent, copy.encoderFor(p), { mode: "train", explore: false, name, outcomeValue: copy.outcomeValue });
          });
        return policies.length === 1 ? policies[0] : new PlatformDqnEnsemblePolicy(policies, name);
      },
    };
  };

  // 1. Train the DQN heads; 2. tune the baselines; 3. evaluate everything on the evaluation seeds.
  // With worker threads, the baselines are tuned and evaluated here while the heads train.
  const trained: TrainedAgent[] = [];
  const headResults: PolicyResult[] = [];
  const evaluateHead = async (head: PlatformHead) => {
    const agents = trained.filter((t) => t.head === head);
    const ensemble = agents.length > 1 ? ` (${agents.length} agents served as one)` : "";
    o.onStage?.(`evaluating ${HEAD_LABEL[head]}${ensemble} ${evaluating}`);
    headResults.push(await evaluate(headEntry(head, agents.map((t) => t.pd))));
  };
  const evaluating = `on ${o.evalSeeds.length} evaluation seeds`;
  // LinUCB reads the pairs' past when the DQN's feature head does (dqn.pairPast): the same facts for both.
  const dqnReadsPairs = o.heads.includes("feature") && (given("feature").length > 0 ? given("feature").some((t) => t.pd.pairPast !== null) : exp.dqn.pairPast);
  const tuning = { config: exp.sim, world: exp.training.world, trainSeeds, pairPast: dqnReadsPairs };
  if (o.parallel ?? true) {
    const training = o.heads.filter((h) => agentSeedsOf(h).some((s) => (resumedAgent(h, s)?.episodes ?? 0) < episodes));
    o.onStage?.(training.length > 0 ? `training ${training.map((h) => HEAD_LABEL[h]).join(" and ")} (worker threads) and tuning the baselines` : "tuning the baselines");
    const pending = o.heads.map((head) => given(head).length > 0 ? Promise.resolve(given(head)) : allWhenSettled(agentSeedsOf(head).map((agentSeed) => trainAgent(head, agentSeed, true))));
    // The baselines that learn on the training seeds and keep plain data (POP and BPR-MF: their
    // setting and log) are tuned in workers too; the others here. (Those not tuned again are
    // tuned on resume, to the same setting: their tuned state is not stored.)
    const away = toTune.filter((n) => tunesToPlainData(n) && tuningRuns([n], tuning) > 0);
    const tunedAway = away.map((name) => tuneInWorker({ name, options: tuning }, signal));
    // Awaited one by one below: a failure of a later one must not go unhandled meanwhile.
    for (const p of [...pending, ...tunedAway]) p.catch(() => undefined);
    try {
      // Let the workers start before the main thread gets busy with tuning.
      await new Promise((r) => setTimeout(r, 50));
      await evaluateReadBack();
      const here = await prepareBaselinesAsync(toTune.filter((n) => !away.includes(n)), tuning, signal);
      o.onStage?.(`evaluating ${here.length} baselines ${evaluating}${training.length > 0 ? " while the DQN trains" : ""}`);
      for (const b of here) await evaluateBaseline(b);
      for (const [i, pending] of tunedAway.entries()) {
        const b = await pending;
        o.onStage?.(`evaluating ${away[i]} (tuned in a worker thread) ${evaluating}`);
        await evaluateBaseline(b);
      }
      // Each head is evaluated as soon as its agents are trained, while the others go on training
      // (a core would otherwise wait idle for the slowest head).
      for (const [i, head] of o.heads.entries()) {
        trained.push(...(await pending[i]));
        await evaluateHead(head);
      }
    } catch (err) {
      // Stopped, or failed: the training workers stop too, saving their checkpoints on the way
      // out; wait for them, then say why.
      if (!signal.aborted) stopAll.abort(err);
      await Promise.allSettled(pending);
      throw o.signal?.aborted ? o.signal.reason : err;
    }
  } else {
    for (const head of o.heads) {
      trained.push(...given(head));
      for (const agentSeed of agentSeedsOf(head)) {
        o.onStage?.(`training ${HEAD_LABEL[head]}${agentSeedsOf(head).length > 1 ? `, agent seed ${agentSeed}` : ""}`);
        trained.push(await trainAgent(head, agentSeed, false));
      }
    }
    o.onStage?.("tuning the baselines on the training seeds");
    const prepared = await prepareBaselinesAsync(toTune, tuning, signal);
    o.onStage?.(`evaluating ${prepared.length} baselines ${evaluating}`);
    await evaluateReadBack();
    for (const b of prepared) await evaluateBaseline(b);
    for (const head of o.heads) await evaluateHead(head);
  }
  o.signal?.removeEventListener("abort", onAbort);
  const results: PolicyResult[] = [...headResults, ...o.baselines.map((n) => baselineResults.get(n)!.result)];
  for (const r of results) {
    for (const m of COMPARED_METRICS) {
      const values = r.perSeed[m.key].filter((v) => Number.isFinite(v));
      if (values.length > 0) r.estimates[m.key] = meanCi(values);
    }
  }

  // 4. The headline: DQN (feature head, else the first head) against the best baseline and the myopic oracle.
  const key = "reward_per_user_day";
  const dqn = results.find((r) => r.name === "dqn") ?? results.find((r) => r.kind === "learned");
  const baselines = results.filter((r) => r.kind === "baseline");
  const best = baselines.reduce<PolicyResult | undefined>((b, r) => (b === undefined || r.estimates[key].mean > b.estimates[key].mean ? r : b), undefined);
  const oracle = results.find((r) => r.name === "myopic-oracle") ?? null;
  if (!dqn || !best) throw new Error("compare: needs at least one DQN head and one non-oracle baseline");
  const ratio = (a: PolicyResult, b: PolicyResult) => a.estimates[key].mean / b.estimates[key].mean;
  return {
    setting: { users: exp.sim.users, streamers: exp.sim.streamers, days: exp.sim.days, trainSeeds: [...trainSeeds], evalSeeds: [...o.evalSeeds], episodes },
    policies: results,
    curves: trained.map((t) => ({ head: t.head, agentSeed: t.agentSeed, points: t.points })),
    tuning: o.baselines.map((n) => baselineResults.get(n)!.tuning),
    headline: {
      dqn: dqn.name,
      bestBaseline: best.name,
      dqnVsBestBaseline: ratio(dqn, best),
      myopicOracle: oracle?.name ?? null,
      dqnVsMyopicOracle: oracle ? ratio(dqn, oracle) : null,
    },
    seconds: (performance.now() - t0) / 1000,
  };
}

const LABELS: Record<string, string> = {
  random: "Random", "most-viewed-now": "Most viewed now", pop: "POP", rep: "REP", "bpr-mf": "BPR-MF",
  linucb: "LinUCB", "linucb-without-past": "LinUCB without past", "myopic-oracle": "Myopic oracle", "lookahead-oracle": "Lookahead oracle",
  "oracle-without-pair-appeal": "Oracle without pair appeal", "oracle-of-interests": "Oracle of interests",
};
function labelOf(name: string): string {
  return LABELS[name] ?? name;
}
