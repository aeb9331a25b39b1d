/**
 * DQN on CartPole, top to bottom, in the spirit of CleanRL's dqn.py: everything liveq's DQN does,
 * in the order it does it, built from the library's parts. Run it:
 *
 *   npx tsx examples/dqn-cartpole.ts [seed] [steps]
 *
 * The same agent, unchanged, learns for every user of a live platform at once (see src/train/):
 * there each user is an agent id, `act` takes a whole batch of users, and masks hide the streams
 * that are not live.
 */
import { fileURLToPath } from "node:url";
import { CartPole } from "../src/envs/cartpole.js";
import { DqnAgent } from "../src/core/dqn/agent.js";
import type { DqnConfigInput } from "../src/core/dqn/config.js";
import { Rng } from "../src/core/random/rng.js";

/**
 * Hyper-parameters: the classic 128 -> 64 network, Adam at 1e-3, a hard target copy every 100
 * updates, one update every 2 steps, epsilon from 1 to 0.04 over the first 16,000 steps.
 */
export function cartPoleConfig(seed: number): DqnConfigInput {
  return {
    obsSize: CartPole.obsSize,
    actions: CartPole.actions,
    network: { hidden: [128, 64], head: "linear" },
    gamma: 0.99,
    loss: "huber",
    optimizer: { lr: 1e-3 },
    maxGradNorm: 10,
    batchSize: 64,
    replay: { kind: "uniform", capacity: 100_000 },
    target: { kind: "hard", every: 100 },
    exploration: { kind: "linear", start: 1, end: 0.04, steps: 16_000 },
    learningStarts: 1_000,
    trainEvery: 2,
    seed,
  };
}

export interface CartPoleHooks {
  /** Called every `every` environment steps with the agent; return true to stop. */
  every: number;
  onCheckpoint(step: number, agent: DqnAgent): boolean;
}

/** Trains for `totalSteps` environment steps. Returns the agent. */
export function trainCartPole(config: DqnConfigInput, totalSteps: number, hooks?: CartPoleHooks): DqnAgent {
  // 1. The agent: online and target Q-networks, Adam, replay, epsilon schedule, target updates.
  const agent = new DqnAgent(config);
  const envRng = Rng.derive(agent.config.seed, 100);
  const env = new CartPole();

  // 2. Buffers for one state, the next state and the chosen action (reused every step).
  const obs = new Float32Array(CartPole.obsSize);
  const nextObs = new Float32Array(CartPole.obsSize);
  const action = new Int32Array(1);
  env.reset(envRng, obs);

  for (let step = 1; step <= totalSteps; step++) {
    // 3. Act epsilon-greedily (epsilon decays with the number of decisions).
    agent.act(obs, 1, null, action);

    // 4. Step the environment and store the transition. A time limit is not a terminal state:
    //    only `terminated` stops the bootstrap; a truncated episode is cut with endEpisode().
    const { reward, terminated, truncated } = env.step(action[0], nextObs);
    agent.observe(0, obs, 0, action[0], reward, nextObs, 0, terminated);
    if (truncated) agent.endEpisode(0);

    // 5. Learn: one gradient step every `trainEvery` decisions once `learningStarts` are made:
    //    sample a batch, y = r + gamma * (1 - done) * max_a' Q_target(s', a'), Huber loss on
    //    Q(s, a) - y, clip the gradient norm, Adam, and copy online -> target every C updates.
    agent.learn();

    // 6. Next state, or a new episode.
    if (terminated || truncated) env.reset(envRng, obs);
    else obs.set(nextObs);

    if (hooks && step % hooks.every === 0 && hooks.onCheckpoint(step, agent)) break;
  }
  return agent;
}

/**
 * Greedy evaluation: `episodes` CartPoles played at once, one batched forward pass per step.
 * Returns the mean return.
 */
export function evaluateCartPole(agent: DqnAgent, episodes: number, seed: number): number {
  const rng = new Rng(seed);
  const envs = Array.from({ length: episodes }, () => new CartPole());
  const obs = new Float32Array(episodes * CartPole.obsSize);
  const alive: number[] = [];
  const returns = new Float64Array(episodes);
  envs.forEach((e, i) => {
    e.reset(rng, obs, i * CartPole.obsSize);
    alive.push(i);
  });
  const batchObs = new Float32Array(episodes * CartPole.obsSize);
  const actions = new Int32Array(episodes);
  while (alive.length > 0) {
    for (let k = 0; k < alive.length; k++) {
      batchObs.set(obs.subarray(alive[k] * 4, alive[k] * 4 + 4), k * 4);
    }
    agent.greedy(batchObs.subarray(0, alive.length * 4), alive.length, null, actions);
    let w = 0;
    for (let k = 0; k < alive.length; k++) {
      const i = alive[k];
      const r = envs[i].step(actions[k], obs, i * 4);
      returns[i] += r.reward;
      if (!r.terminated && !r.truncated) alive[w++] = i;
    }
    alive.length = w;
  }
  return returns.reduce((a, b) => a + b, 0) / episodes;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const seed = Number(process.argv[2] ?? 1);
  const steps = Number(process.argv[3] ?? 50_000);
  trainCartPole(cartPoleConfig(seed), steps, {
    every: 5_000,
    onCheckpoint(step, agent) {
      const score = evaluateCartPole(agent, 20, seed + 1000);
      console.log(`step ${step}  epsilon ${agent.epsilon.toFixed(3)}  updates ${agent.updates}  loss ${agent.last.loss.toFixed(4)}  greedy return ${score.toFixed(1)}`);
      return false;
    },
  });
}
