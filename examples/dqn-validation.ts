/**
 * Choosing the platform DQN's settings on validation weeks, with the library alone: train the
 * feature head once (or load it), then serve it greedily on validation weeks (2001, 2002, ...:
 * never training weeks, never the evaluation weeks 1001.. of `liveq compare`) under several
 * cold-start bonuses, and print the reward per user-day and the new streamers' parities. With
 * --adapt, each week is also served by a model that goes on learning from its feedback: a fresh
 * copy of the whole trained agent (weights, target, Adam's moments, replay) per week, acting
 * greedily ("greedy") or epsilon-greedily at its final rate ("explore"). With several agent seeds
 * (--agent-seed 1,2), each agent is trained and served alone, then all of them as one ensemble
 * (the mean of their scores decides, as `liveq compare` serves `training.ensemble` agents).
 *
 *   npx tsx examples/dqn-validation.ts --out runs/val [--users 2000 --streamers 300 --days 7]
 *     [--training '{"days": 280}'] [--dqn '{"trainEvery": 8}'] [--agent-seed 1,2]
 *     [--bonus 0,0.5,1] [--weeks 2001,2002,2003,2004,2005]
 *     [--adapt frozen,greedy,explore] [--online-lr 1e-3]
 *
 * The DQN alone is trained (no baselines), so a setting costs about half a `liveq compare`; each
 * agent's checkpoint (--out/seed-S/checkpoint) is reused when it is there (a different --training
 * or --dqn needs another --out).
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { Command } from "commander";
import {
  Platform, PlatformDqnEnsemblePolicy, PlatformDqnPolicy, createPlatformDqn, evaluationRun, loadCheckpoint, parseExperimentConfig,
  platformDqnCheckpoint, restorePlatformDqn, saveCheckpoint, settleExploration, trainOnPlatforms, trainingRuns, withServingSettings, foldsInNewUsers,
  type CheckpointBundle,
} from "../src/index.js";

const o = new Command()
  .requiredOption("--out <dir>", "where the trained checkpoint goes (and is reused from)")
  .option("--users <n>", "users", "2000")
  .option("--streamers <n>", "streamers", "300")
  .option("--days <n>", "days of a week", "7")
  .option("--training <json>", "the experiment's `training` keys", "{}")
  .option("--dqn <json>", "the experiment's `dqn` keys", "{}")
  .option("--agent-seed <list>", "seeds of the agents (each alone, then all as one)", "1")
  .option("--bonus <list>", "cold-start bonuses to serve with", "0,0.5,1")
  .option("--weeks <list>", "validation weeks", "2001,2002,2003,2004,2005")
  .option("--adapt <list>", "how the model serves: frozen, greedy (learning online), explore (learning online, epsilon-greedy)", "frozen")
  .option("--online-lr <x>", "learning rate while learning online (default: the training's)")
  .parse(process.argv)
  .opts<{ out: string; users: string; streamers: string; days: string; training: string; dqn: string; agentSeed: string; bonus: string; weeks: string; adapt: string; onlineLr?: string }>();

const agentSeeds = o.agentSeed.split(",").map(Number);
for (const a of agentSeeds) if (!Number.isInteger(a)) throw new Error(`--agent-seed: "${o.agentSeed}" is not a list of integers`);
const exp = parseExperimentConfig({
  sim: { users: Number(o.users), streamers: Number(o.streamers), days: Number(o.days) },
  dqn: JSON.parse(o.dqn),
  training: { ...JSON.parse(o.training), agentSeed: agentSeeds[0] },
}, "flags");
const bundles: CheckpointBundle[] = [];
const { seeds, episodes } = trainingRuns(exp);
let hyper: ReturnType<typeof settleExploration> | undefined; // settled (a probe run) once, if any agent needs training
for (const agentSeed of agentSeeds) {
  const ckpt = join(o.out, `seed-${agentSeed}`, "checkpoint");
  if (!existsSync(ckpt)) {
    hyper ??= settleExploration(exp.sim, exp.dqn, exp.training.world, seeds, episodes);
    const pd = createPlatformDqn(exp.sim, "feature", hyper, agentSeed);
    const t0 = performance.now();
    await trainOnPlatforms(pd, { world: exp.training.world, seeds, episodes });
    console.error(`agent seed ${agentSeed}: trained on ${episodes} weeks in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    saveCheckpoint(ckpt, platformDqnCheckpoint(pd));
  }
  bundles.push(loadCheckpoint(ckpt));
}

const onlineLr = o.onlineLr === undefined ? undefined : Number(o.onlineLr);
if (onlineLr !== undefined && !(onlineLr > 0)) throw new Error(`--online-lr: expected a number > 0, got "${o.onlineLr}"`);

const weeks = o.weeks.split(",").map(Number);
const mean = (x: number[]) => x.reduce((a, b) => a + b, 0) / x.length;
const fmt = (x: number[]) => `${mean(x).toFixed(3)} [${x.map((v) => v.toFixed(2)).join(", ")}]`;
const adapts = o.adapt.split(",");
for (const a of adapts) if (!["frozen", "greedy", "explore"].includes(a)) throw new Error(`--adapt: "${a}" is not frozen, greedy or explore`);
// Each agent alone, then (with several) all of them as one.
const groups = bundles.length === 1 ? [[0]] : [...bundles.map((_, k) => [k]), bundles.map((_, k) => k)];
for (const group of groups) {
  const who = group.length === 1 ? `agent seed ${agentSeeds[group[0]]}` : `ensemble of seeds ${group.map((k) => agentSeeds[k]).join("+")}`;
  for (const bonus of o.bonus.split(",").map(Number)) {
    for (const adapt of adapts) {
      const reward: number[] = [], discovery: number[] = [], exposure: number[] = [];
      const frozen = adapt === "frozen" ? group.map((k) => restorePlatformDqn(withServingSettings(bundles[k], { coldStartBonus: bonus }))) : null;
      for (const week of weeks) {
        const platform = new Platform(exp.sim, week, { world: exp.training.world });
        // a learning copy starts from the trained agent every week (weeks are independent runs)
        const members = (frozen ?? group.map((k) => restorePlatformDqn(withServingSettings(bundles[k], { coldStartBonus: bonus, lr: onlineLr })))).map((pd) => frozen
          ? new PlatformDqnPolicy(pd.agent, pd.encoderFor(platform), { mode: "serve", newUserFoldIn: foldsInNewUsers(pd) })
          : new PlatformDqnPolicy(pd.agent, pd.encoderFor(platform), { mode: "train", explore: adapt === "explore" }));
        const policy = members.length === 1 ? members[0] : new PlatformDqnEnsemblePolicy(members);
        const { summary, parity } = evaluationRun(platform, policy);
        reward.push(summary.metrics.reward_per_user_day);
        discovery.push(parity.discovery);
        exposure.push(parity.exposure);
      }
      const lr = adapt === "frozen" || onlineLr === undefined ? "" : `, lr ${onlineLr}`;
      console.log(`${who}, bonus ${bonus}, ${adapt}${lr}: reward per user-day ${fmt(reward)}; discovery parity ${fmt(discovery)}; exposure parity ${fmt(exposure)}`);
    }
  }
}
