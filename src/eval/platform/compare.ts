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
import { Platform } from "../../sim/platform.js";
import type { SimSummary } from "../../sim/metrics.js";
import type { SimPolicy } from "../../sim/policy.js";
import { prepareBaselines, tunesToPlainData, tuningRuns, type PreparedBaseline, type TuningRecord } from "../../policies/baselines/tuning.js";
import { tuneInWorker } from "../../policies/baselines/tuning-worker.js";
import { PlatformDqnPolicy } from "../../policies/dqn/platform-dqn.js";
import { PlatformDqnEnsemblePolicy } from "../../policies/dqn/ensemble.js";
import { createPlatformDqn, platformDqnCheckpoint, restorePlatformDqn, settleExploration, type PlatformDqn, type PlatformHead } from "../../train/platform-dqn-config.js";
import { trainingRuns, type ExperimentConfig } from "../../train/experiment-config.js";
import { trainOnPlatforms, type TrainingPoint } from "../../train/platform-trainer.js";
import { meanCi, type MeanCi } from "../statistics.js";
import { trainInWorker } from "../../train/parallel-training.js";
import type { StreamerParities } from "./cold-start.js";
import { evaluationRun } from "./evaluation-run.js";

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
  const total = agentCount * episodes * ticks + evalRuns * ticks;
  // Progress: training ticks of every head plus evaluation ticks, which run side by side.
  let trainDone = 0, evalDone = 0;
  const progress = () => o.onProgress?.(Math.min(total, trainDone + evalDone), total);
  const agentDone = new Map<string, number>();
  const onPoint = (head: PlatformHead, agentSeed: number, p: TrainingPoint) => {
    o.onTrainingPoint?.(head, p, agentSeed);
    agentDone.set(`${head} ${agentSeed}`, p.episode * ticks + p.tick);
    trainDone = 0;
    for (const v of agentDone.values()) trainDone += v;
    progress();
  };
  // (settled on a probe week only when some agent is to be trained here)
  const hyper = agentCount > 0 ? settleExploration(exp.sim, exp.dqn, exp.training.world, trainSeeds, episodes) : exp.dqn;
  const job = (head: PlatformHead, agentSeed: number) => ({ sim: exp.sim, head, hyper, agentSeed, world: exp.training.world, seeds: [...trainSeeds], episodes });
  type Entry = { name: string; label: string; kind: PolicyKind; make(seed: number, p: Platform): SimPolicy };
  /** Runs one policy on every evaluation seed (a fresh policy per seed: runs are independent). */
  const evaluate = (e: Entry): PolicyResult => {
    const result: PolicyResult = { name: e.name, label: e.label, kind: e.kind, perSeed: {}, estimates: {} };
    for (const seed of o.evalSeeds) {
      const platform = new Platform(exp.sim, seed, { world: exp.training.world });
      const base = evalDone;
      const { summary, parity } = evaluationRun(platform, e.make(seed, platform), (tick) => {
        evalDone = base + tick;
        progress();
      });
      evalDone = base + ticks;
      for (const m of COMPARED_METRICS) (result.perSeed[m.key] ??= []).push(m.read(summary, parity));
    }
    return result;
  };
  const baselineEntries = (prepared: ReturnType<typeof prepareBaselines>): Entry[] =>
    prepared.map((b) => ({ name: b.name, label: labelOf(b.name), kind: b.kind as PolicyKind, make: (seed: number) => b.create(seed) }));
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
          ? members.map((pd) => new PlatformDqnPolicy(pd.agent, pd.encoderFor(p), { mode: "serve", name }))
          : trainedStates.map((state) => {
            const copy = restorePlatformDqn(state);
            return new PlatformDqnPolicy(copy.agent, copy.encoderFor(p), { mode: "train", explore: false, name });
          });
        return policies.length === 1 ? policies[0] : new PlatformDqnEnsemblePolicy(policies, name);
      },
    };
  };

  // 1. Train the DQN heads; 2. tune the baselines; 3. evaluate everything on the evaluation seeds.
  // With worker threads, the baselines are tuned and evaluated here while the heads train.
  const trained: TrainedAgent[] = [];
  let prepared: ReturnType<typeof prepareBaselines>;
  let baselineResults: PolicyResult[];
  const headResults: PolicyResult[] = [];
  const evaluateHead = (head: PlatformHead) => {
    const agents = trained.filter((t) => t.head === head);
    const ensemble = agents.length > 1 ? ` (${agents.length} agents served as one)` : "";
    o.onStage?.(`evaluating ${HEAD_LABEL[head]}${ensemble} ${evaluating}`);
    headResults.push(evaluate(headEntry(head, agents.map((t) => t.pd))));
  };
  const evaluating = `on ${o.evalSeeds.length} evaluation seeds`;
  if (o.parallel ?? true) {
    const training = o.heads.filter((h) => agentSeedsOf(h).length > 0);
    o.onStage?.(training.length > 0 ? `training ${training.map((h) => HEAD_LABEL[h]).join(" and ")} (worker threads) and tuning the baselines` : "tuning the baselines");
    const pending = o.heads.map((head) => given(head).length > 0 ? Promise.resolve(given(head)) : Promise.all(agentSeedsOf(head).map((agentSeed) =>
      trainInWorker(job(head, agentSeed), { onPoint: (p) => onPoint(head, agentSeed, p) }).then((t): TrainedAgent => ({ head, agentSeed, pd: restorePlatformDqn(t.bundle), points: t.points })))));
    // The baselines that learn on the training seeds and keep plain data (POP and BPR-MF: their
    // setting and log) are tuned in workers too; the others here.
    const tuning = { config: exp.sim, world: exp.training.world, trainSeeds };
    const away = o.baselines.filter((n) => tunesToPlainData(n) && tuningRuns([n], tuning) > 0);
    const tunedAway = away.map((name) => tuneInWorker({ name, options: tuning }));
    // Awaited one by one below: a failure of a later one must not go unhandled meanwhile.
    for (const p of [...pending, ...tunedAway]) p.catch(() => undefined);
    // Let the workers start before the main thread gets busy with tuning.
    await new Promise((r) => setTimeout(r, 50));
    const here = prepareBaselines(o.baselines.filter((n) => !away.includes(n)), tuning);
    o.onStage?.(`evaluating ${here.length} baselines ${evaluating}${training.length > 0 ? " while the DQN trains" : ""}`);
    const results = new Map<string, { prepared: PreparedBaseline; result: PolicyResult }>();
    for (const [k, e] of baselineEntries(here).entries()) results.set(here[k].name, { prepared: here[k], result: evaluate(e) });
    for (const [i, pending] of tunedAway.entries()) {
      const b = await pending;
      o.onStage?.(`evaluating ${away[i]} (tuned in a worker thread) ${evaluating}`);
      results.set(b.name, { prepared: b, result: evaluate(baselineEntries([b])[0]) });
    }
    prepared = o.baselines.map((n) => results.get(n)!.prepared);
    baselineResults = o.baselines.map((n) => results.get(n)!.result);
    // Each head is evaluated as soon as its agents are trained, while the others go on training
    // (a core would otherwise wait idle for the slowest head).
    for (const [i, head] of o.heads.entries()) {
      trained.push(...(await pending[i]));
      evaluateHead(head);
    }
  } else {
    for (const head of o.heads) {
      trained.push(...given(head));
      for (const agentSeed of agentSeedsOf(head)) {
        o.onStage?.(`training ${HEAD_LABEL[head]}${agentSeedsOf(head).length > 1 ? `, agent seed ${agentSeed}` : ""}`);
        const pd = createPlatformDqn(exp.sim, head, hyper, agentSeed);
        const points: TrainingPoint[] = [];
        await trainOnPlatforms(pd, { ...job(head, agentSeed), onPoint: (p) => { points.push(p); onPoint(head, agentSeed, p); } });
        trained.push({ head, agentSeed, pd, points });
      }
    }
    o.onStage?.("tuning the baselines on the training seeds");
    prepared = prepareBaselines(o.baselines, { config: exp.sim, world: exp.training.world, trainSeeds });
    o.onStage?.(`evaluating ${prepared.length} baselines ${evaluating}`);
    baselineResults = baselineEntries(prepared).map(evaluate);
    for (const head of o.heads) evaluateHead(head);
  }
  const results: PolicyResult[] = [...headResults, ...baselineResults];
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
    tuning: prepared.map((b) => b.tuning),
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
