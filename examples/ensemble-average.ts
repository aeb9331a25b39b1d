/**
 * How the ensemble should average its agents: serve a trained model (a `liveq train --out DIR`, or
 * the `feature` folder of a `liveq compare --work DIR`) on validation weeks, its agents as one,
 * once per way of averaging their scores (src/policies/dqn/ensemble.ts): "reward", the mean of
 * the expected rewards the scores stand for (the default since session 20), and "score", the
 * plain mean of the scores (for the "poisson" loss the mean of the logs, as up to session 19).
 * Prints each week's reward per user-day, the mean, the weeks each way is ahead of the first, the
 * new users' reward per user-day (and their share of the user-days), and the new streamers'
 * parities (discovery parity over the weeks that have one). `--model A,B` serves the agents of
 * both models (trained on the same platform from different agent seeds) as one. Serving only:
 * the agents are not trained again. `--bonus X` serves them with the cold-start bonus X instead of the one they were
 * trained with (dqn.coldStartBonus). `--fold-in off,on` serves each way of averaging without and
 * with the new users' embeddings folded in (src/policies/dqn/new-user-fold-in.ts; the default,
 * "model", serves as the model's dqn.newUserFoldIn says, as liveq compare does).
 *
 *   npx tsx examples/ensemble-average.ts --model DIR[,DIR2...] [--weeks 2001,2002,2003] [--average score,reward] [--bonus X] [--fold-in off,on]
 */
import { Command } from "commander";
import { Platform, PlatformDqnEnsemblePolicy, PlatformDqnPolicy, evaluationRun, foldsInNewUsers, type EnsembleMean } from "../src/index.js";
import { wholeNumbers } from "./oracle-weeks-flags.js";
import { servedModels } from "./served-model.js";

const o = new Command()
  .requiredOption("--model <dirs>", "a model of liveq train (or a liveq compare work dir's feature folder); several, comma-separated, are served as one")
  .option("--weeks <list>", "validation weeks", "2001,2002,2003,2004,2005")
  .option("--average <list>", "ways of averaging: score, reward (each compared week by week with the first)", "score,reward")
  .option("--bonus <x>", "the cold-start bonus to serve with (default: the model's)")
  .option("--fold-in <list>", "the new users' fold-in: off, on, model (as the model says), each compared week by week with the first", "model")
  .parse(process.argv)
  .opts<{ model: string; weeks: string; average: string; bonus?: string; foldIn: string }>();

const weeks = wholeNumbers("weeks", o.weeks);
const averages = o.average.split(",") as EnsembleMean[];
for (const a of averages) if (a !== "reward" && a !== "score") throw new Error(`--average: "${a}" is neither reward nor score`);
const foldIns = o.foldIn.split(",");
for (const f of foldIns) if (f !== "off" && f !== "on" && f !== "model") throw new Error(`--fold-in: "${f}" is none of off, on, model`);

const bonus = o.bonus === undefined ? undefined : Number(o.bonus);
if (bonus !== undefined && !(bonus >= 0 && bonus <= 10)) throw new Error(`--bonus: expected a number from 0 to 10, got "${o.bonus}"`);
const { sim, world, models } = servedModels(o.model.split(","), bonus === undefined ? undefined : { coldStartBonus: bonus });
const mean = (x: number[]) => x.reduce((a, b) => a + b, 0) / x.length;
// A week whose newcomers were recommended fewer than 5 times each has no discovery parity (NaN): left out, as in liveq compare.
const meanOfDefined = (x: number[]) => mean(x.filter(Number.isFinite));

console.log(`${models.length} agent(s) of ${o.model} served as one, weeks ${weeks.join(", ")}, cold-start bonus ${models[0].hyper.coldStartBonus}`);
let first: number[] | null = null;
for (const average of averages) for (const foldIn of foldIns) {
  const reward: number[] = [], newUsers: number[] = [], newShare: number[] = [], discovery: number[] = [], exposure: number[] = [];
  for (const week of weeks) {
    const platform = new Platform(sim, week, { world });
    const members = models.map((pd) => new PlatformDqnPolicy(pd.agent, pd.encoderFor(platform), {
      mode: "serve", newUserFoldIn: foldIn === "model" ? foldsInNewUsers(pd) : foldIn === "on",
    }));
    const { summary, parity } = evaluationRun(platform, new PlatformDqnEnsemblePolicy(members, "dqn", { average }));
    reward.push(summary.metrics.reward_per_user_day);
    newUsers.push(summary.groups.new_users.reward_per_user_day);
    newShare.push(summary.groups.new_users.user_days / (summary.groups.new_users.user_days + summary.groups.initial_users.user_days));
    discovery.push(parity.discovery);
    exposure.push(parity.exposure);
  }
  const ahead = first === null ? "" : `, ahead in ${reward.filter((r, k) => r > first![k]).length} of ${weeks.length} weeks`;
  first ??= reward;
  console.log(`${average}, fold-in ${foldIn}: reward per user-day ${mean(reward).toFixed(4)} [${reward.map((r) => r.toFixed(3)).join(", ")}]${ahead}; ` +
    `new users' reward per user-day ${mean(newUsers).toFixed(4)} (${(100 * mean(newShare)).toFixed(1)}% of the user-days), discovery parity ${meanOfDefined(discovery).toFixed(3)}, exposure parity ${mean(exposure).toFixed(3)}`);
}
