/**
 * CartPole-v1 with liveq's DQN, as the learning core's end-to-end check:
 *
 *   npm run bench:cartpole -- [--json] [--seeds 1,2,3] [--steps 100000] [--eval-every 2500]
 *
 * For each seed, trains examples/dqn-cartpole.ts's agent and, every `eval-every` environment steps,
 * plays 100 greedy evaluation episodes. The bar is a mean return >= 475 within `steps` steps. Last
 * line: {"seeds": [{"seed", "mean_return", "steps", "passed"}], "all_passed"}; `steps` is when the
 * run first met the bar (or the total if it never did) and mean_return the evaluation then (or the
 * best one seen).
 */
import { parseArgs } from "node:util";
import { cartPoleConfig, evaluateCartPole, trainCartPole } from "../examples/dqn-cartpole.js";

const { values } = parseArgs({
  options: {
    json: { type: "boolean", default: false },
    seeds: { type: "string", default: "1,2,3" },
    steps: { type: "string", default: "100000" },
    "eval-every": { type: "string", default: "2500" },
    "eval-episodes": { type: "string", default: "100" },
    bar: { type: "string", default: "475" },
  },
});
const seeds = values.seeds.split(",").map((s) => {
  const n = Number(s);
  if (!Number.isInteger(n)) throw new RangeError(`--seeds: "${s}" is not an integer`);
  return n;
});
const total = positive("steps", values.steps);
const every = positive("eval-every", values["eval-every"]);
const episodes = positive("eval-episodes", values["eval-episodes"]);
const bar = Number(values.bar);

function positive(name: string, v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new RangeError(`--${name} must be a positive integer, got "${v}"`);
  return n;
}

const results: { seed: number; mean_return: number; steps: number; passed: boolean; seconds: number }[] = [];
for (const seed of seeds) {
  const t0 = performance.now();
  let best = -Infinity;
  let metAt = -1;
  let metReturn = NaN;
  trainCartPole(cartPoleConfig(seed), total, {
    every,
    onCheckpoint(step, agent) {
      const score = evaluateCartPole(agent, episodes, 1_000_000 + seed * 1000 + step / every);
      best = Math.max(best, score);
      process.stderr.write(`seed ${seed}  step ${step}  epsilon ${agent.epsilon.toFixed(3)}  greedy mean return ${score.toFixed(1)}\n`);
      if (score >= bar) {
        metAt = step;
        metReturn = score;
        return true;
      }
      return false;
    },
  });
  const passed = metAt >= 0;
  results.push({ seed, mean_return: passed ? metReturn : best, steps: passed ? metAt : total, passed, seconds: (performance.now() - t0) / 1000 });
}

const summary = { seeds: results, all_passed: results.every((r) => r.passed), bar, eval_episodes: episodes, max_steps: total };
if (!values.json) {
  for (const r of results) console.log(`seed ${r.seed}: ${r.passed ? "met" : "did not meet"} the bar (mean return ${r.mean_return.toFixed(1)}) at ${r.steps} steps, ${r.seconds.toFixed(0)} s`);
}
console.log(JSON.stringify(summary));
