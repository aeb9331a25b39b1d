/**
 * What a trained DQN would earn if it also priced in what a recommendation does to the user's
 * satisfaction, as the lookahead oracle prices it from the hidden truth: serve a model of `liveq
 * train` (its agents as one) on validation weeks, once as trained and once per multiplier M with
 * each live stream's score raised to
 *
 *     log(exp(Q) + M x P(accept) x E[satisfaction score] x V_satisfaction)
 *
 * (the scores of the "poisson" loss are logs of expected rewards; the added term is the lookahead
 * oracle's satisfaction term, src/policies/reference/lookahead-oracle.ts, with the truth's
 * acceptance chance). `--no-pressure` leaves the streamer's monetisation pressure out of the
 * satisfaction score (only the minutes count), to see what part of the gain rests on it. Prints
 * the reward per user-day of each week, the next-day return rate and churn. It reads the hidden
 * truth: a diagnostic of the headroom a learned long-term term has, never a policy.
 *
 *   npx tsx examples/dqn-satisfaction-headroom.ts --model DIR [--weeks 2001,2002] [--multipliers 0.25,0.5,1] [--no-pressure]
 */
import { Command } from "commander";
import {
  Platform, PlatformDqnEnsemblePolicy, PlatformDqnPolicy, evaluationRun, loadPlatformModel, restorePlatformDqn, withServingSettings, foldsInNewUsers,
  type SimPolicy,
} from "../src/index.js";
import { acceptProbability } from "../src/sim/choice.js";
import { satisfactionFactor } from "../src/sim/effects/pressure.js";

const o = new Command()
  .requiredOption("--model <dir>", "a model of liveq train")
  .option("--weeks <list>", "validation weeks", "2001,2002")
  .option("--multipliers <list>", "multipliers M of the satisfaction term (0 = as trained)", "0,0.25,0.5,1")
  .option("--no-pressure", "leave the streamer's monetisation pressure out of the satisfaction score")
  .parse(process.argv)
  .opts<{ model: string; weeks: string; multipliers: string; pressure: boolean }>();

const list = (flag: string, text: string): number[] => {
  const xs = text.split(",").map((x) => (x.trim() === "" ? NaN : Number(x)));
  for (const x of xs) if (!(x >= 0)) throw new Error(`--${flag}: "${text}" is not a list of numbers >= 0`);
  return xs;
};
const weeks = list("weeks", o.weeks), multipliers = list("multipliers", o.multipliers);
const agents = loadPlatformModel(o.model);
const world = agents[0].bundle.meta.world as number;
/** Days over which the term counts a user kept (the lookahead oracle's default). */
const HORIZON_DAYS = 7;

/** The ensemble's scores with the satisfaction term added (M > 0), then its greedy choice. */
function withSatisfaction(members: PlatformDqnPolicy[], M: number): SimPolicy {
  const ensemble = new PlatformDqnEnsemblePolicy(members);
  if (M === 0) return ensemble;
  const A = members[0].encoder.actions;
  return {
    name: "dqn",
    act(p, actions) {
      const n = ensemble.scoreMean(p);
      if (n === 0) return;
      const mean = ensemble.meanScores;
      const live = p.liveStreams, L = p.nLive, truth = p.truth, v0 = truth.noThanks();
      for (let i = 0; i < n; i++) {
        // V_next as the lookahead oracle takes it: the best expected reward on offer now.
        let vNext = 0;
        for (let j = 0; j < L; j++) {
          const a = truth.assess(i, live[j]);
          vNext = Math.max(vNext, acceptProbability(a.utility, v0) * a.reward);
        }
        const vSatisfaction = truth.satisfactionValue(i, vNext, HORIZON_DAYS);
        for (let j = 0; j < L; j++) {
          const s = live[j], a = truth.assess(i, s);
          const score = o.pressure ? a.score : a.score / satisfactionFactor(p.streamers.pressure[s], p.pressureFx);
          mean[i * A + s] = Math.log(Math.exp(mean[i * A + s]) + M * acceptProbability(a.utility, v0) * score * vSatisfaction);
        }
      }
      ensemble.choose(p, n, actions);
    },
    learn(r) {
      ensemble.learn(r);
    },
  };
}

console.log(`${agents.length} agent(s) served as one, weeks ${weeks.join(", ")}${o.pressure ? "" : ", satisfaction score without the pressure"}`);
for (const M of multipliers) {
  const reward: number[] = [], returns: number[] = [], churn: number[] = [];
  for (const week of weeks) {
    const served = agents.map((a) => restorePlatformDqn(withServingSettings(a.bundle, {})));
    const platform = new Platform(served[0].sim, week, { world });
    if (platform.slateSize !== 1) throw new Error("dqn-satisfaction-headroom: slates of one stream only");
    const members = served.map((pd) => new PlatformDqnPolicy(pd.agent, pd.encoderFor(platform), { mode: "serve", newUserFoldIn: foldsInNewUsers(pd) }));
    const { summary } = evaluationRun(platform, withSatisfaction(members, M));
    reward.push(summary.metrics.reward_per_user_day);
    returns.push(summary.metrics.return_rate);
    churn.push(summary.metrics.churned);
  }
  const mean = (x: number[]): number => x.reduce((a, b) => a + b, 0) / x.length;
  console.log(`M ${String(M).padEnd(5)} reward per user-day ${mean(reward).toFixed(4)} [${reward.map((r) => r.toFixed(3)).join(", ")}], return rate ${mean(returns).toFixed(4)}, churned ${mean(churn).toFixed(4)}`);
}
