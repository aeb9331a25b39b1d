/**
 * Training the shared multi-agent DQN on simulated platforms: run after run (an "episode" is one
 * platform of the config, simulated for its `days`, on a training seed), every user of the
 * platform an agent of one DQN. Every run is the same world (its streamers and users) on other
 * days, without the world's newcomers: the streamers who debut and the users who arrive during a
 * run are left for evaluation to meet, so that cold start there is real. Over the last share of
 * the episodes (hyper.averageShare) the weights are averaged, and the agent ends with the mean.
 * Reports progress per simulated hour and can stop between ticks (Ctrl-C): what was learned stays
 * in the agent, and an interrupted episode is not counted. After each point it yields to the event
 * loop, so that signal handlers (Ctrl-C) and worker messages run.
 */
import { Platform } from "../sim/platform.js";
import { PlatformDqnPolicy } from "../policies/dqn/platform-dqn.js";
import type { PlatformDqn } from "./platform-dqn-config.js";
import type { WeightAverage } from "../core/dqn/weight-average.js";
import { TICKS_PER_HOUR } from "../sim/time.js";

/** One line of the training log. */
export interface TrainingPoint {
  episode: number;
  seed: number;
  day: number;
  tick: number;
  /** Decisions taken so far (all episodes). */
  decisions: number;
  updates: number;
  /** Mean reward per decision since the previous point. */
  reward: number;
  td_loss: number;
  mean_q: number;
  epsilon: number;
  decisions_per_s: number;
  updates_per_s: number;
}

export interface TrainOptions {
  /** The world (see PlatformOptions.world). */
  readonly world: number;
  /** Seeds of the training runs, used in turn. */
  readonly seeds: readonly number[];
  /** Episodes to run in total (including those already done, see `startEpisode`). */
  readonly episodes: number;
  /** Episodes already done (when resuming). */
  readonly startEpisode?: number;
  /** Simulated ticks between two points (default: one hour). */
  readonly every?: number;
  readonly onPoint?: (p: TrainingPoint) => void;
  /** Called after each completed episode. */
  readonly onEpisode?: (episode: number) => void;
  /**
   * Called after a completed episode, other than the last, once `checkpointEveryMs` have passed
   * since training began or since its previous call: when to save a checkpoint of the agent (the
   * caller saves the one at the end itself). Never without checkpointEveryMs.
   */
  readonly onCheckpoint?: (episode: number) => void;
  readonly checkpointEveryMs?: number;
  /** Polled between ticks; true stops the run. */
  readonly shouldStop?: () => boolean;
  /**
   * When shouldStop turns true, finish the episode in progress first (polling it only between
   * episodes): the agent then stops at an episode's end, where a checkpoint resumes to exactly the
   * training that never stopped. Without it the run stops between two ticks, and what the agent
   * learned of the unfinished episode stays in it while the episode is not counted.
   */
  readonly finishEpisode?: boolean;
}

export interface TrainResult {
  /** Episodes completed (including those done before a resume). */
  episodes: number;
  stopped: boolean;
}

export async function trainOnPlatforms(pd: PlatformDqn, o: TrainOptions): Promise<TrainResult> {
  if (o.seeds.length === 0) throw new RangeError("trainOnPlatforms: seeds must not be empty");
  const every = o.every ?? TICKS_PER_HOUR;
  const agent = pd.agent;
  let episode = o.startEpisode ?? 0;
  let lastCheckpoint = performance.now();
  while (episode < o.episodes) {
    if (o.shouldStop?.()) return { episodes: episode, stopped: true };
    const seed = o.seeds[episode % o.seeds.length];
    const platform = new Platform(pd.sim, seed, { world: o.world, withholdNewcomers: true });
    const policy = new PlatformDqnPolicy(agent, pd.encoderFor(platform), { mode: "train", outcomeValue: pd.outcomeValue });
    pd.pairPast?.startRun();
    pd.outcomeValue?.startRun();
    let lastTick = platform.tick;
    let t0 = performance.now(), d0 = agent.decisions, u0 = agent.updates;
    while (!platform.done) {
      if (!o.finishEpisode && o.shouldStop?.()) return { episodes: episode, stopped: true };
      const actions = platform.actions();
      policy.act(platform, actions);
      pd.pairPast?.beforeStep(platform, actions);
      const result = platform.step(actions);
      pd.pairPast?.afterStep(result);
      pd.outcomeValue?.afterStep(result, platform.streamers);
      policy.learn(result);
      if (platform.tick - lastTick >= every || platform.done) {
        const secs = Math.max(1e-9, (performance.now() - t0) / 1000);
        o.onPoint?.({
          episode, seed, day: platform.day, tick: platform.tick,
          decisions: agent.decisions, updates: agent.updates,
          reward: policy.rewardCount > 0 ? policy.rewardSum / policy.rewardCount : 0,
          td_loss: agent.last.loss, mean_q: agent.last.meanQ, epsilon: agent.epsilon,
          decisions_per_s: (agent.decisions - d0) / secs, updates_per_s: (agent.updates - u0) / secs,
        });
        policy.rewardSum = 0;
        policy.rewardCount = 0;
        lastTick = platform.tick;
        await new Promise<void>((resolve) => setImmediate(resolve));
        t0 = performance.now();
        d0 = agent.decisions;
        u0 = agent.updates;
      }
    }
    policy.finish();
    // The run is over: its minutes join the users' past, which the next runs (and serving) read.
    pd.past?.record(platform);
    pd.pairPast?.record(platform);
    pd.outcomeValue?.record(platform.horizon);
    episode++;
    if (pd.average !== null) averageWeights(pd, pd.average, episode, o.episodes);
    o.onEpisode?.(episode);
    if (o.onCheckpoint && o.checkpointEveryMs !== undefined && episode < o.episodes && performance.now() - lastCheckpoint >= o.checkpointEveryMs) {
      o.onCheckpoint(episode);
      lastCheckpoint = performance.now();
    }
  }
  return { episodes: episode, stopped: false };
}

/**
 * Weight averaging over the last hyper.averageShare of the episodes (at least one): after each of
 * them the weights join the average, and after the last the agent takes the mean (its target too,
 * so that a training that goes on bootstraps from what it serves). A training extended with more
 * episodes (`liveq train --resume --episodes N`) goes on from the averaged weights and starts a
 * new average, over the episodes it adds that fall in the new last share (the earlier episodes of
 * that share were averaged into the starting weights already).
 */
function averageWeights(pd: PlatformDqn, average: WeightAverage, episode: number, episodes: number): void {
  const from = episodes - Math.max(1, Math.round(pd.hyper.averageShare * episodes));
  if (episode <= from) return;
  if (average.from !== from) average.reset(from);
  average.add(pd.agent.online);
  if (episode === episodes) average.applyTo(pd.agent.online, pd.agent.target);
}
