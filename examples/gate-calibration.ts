/**
 * What a trained acceptance gate (dqn.gateEmbedding, src/core/qfunction/feature-qfunction.ts)
 * learned: one agent of a model served alone, greedily, on validation weeks, and for each
 * recommendation the gate's chance sigmoid(z) of the stream recommended against whether the user
 * accepted it, in tenths of the chance; and how much of the ranking each part carries, the mean
 * over decisions of the standard deviation, over the user's live streams, of log sigmoid(z) and of
 * the head's own score. A calibrated gate accepts about as often as it says. Established users
 * only: a new user's embeddings are folded in for the decision and put back once they are scored
 * (src/policies/dqn/new-user-fold-in.ts), so their rows here are not the ones the policy scored.
 *
 *   npx tsx examples/gate-calibration.ts --model DIR [--agent K] [--weeks 2001]
 */
import { Command } from "commander";
import { Platform, PlatformDqnPolicy, runPolicy, type FeatureQFunction, type SimPolicy } from "../src/index.js";
import { logSigmoid, sigmoid } from "../src/core/nn/logistic.js";
import { wholeNumbers } from "./oracle-weeks-flags.js";
import { servedModel } from "./served-model.js";

const o = new Command()
  .requiredOption("--model <dir>", "a model of liveq train with dqn.gateEmbedding (or a liveq compare work dir's feature folder)")
  .option("--agent <k>", "which of its agents (0 = the first)", "0")
  .option("--weeks <list>", "validation weeks", "2001")
  .parse(process.argv)
  .opts<{ model: string; agent: string; weeks: string }>();

const weeks = wholeNumbers("weeks", o.weeks);
const { world, models } = servedModel(o.model);
const k = Number(o.agent);
if (!(Number.isInteger(k) && k >= 0 && k < models.length)) throw new Error(`--agent: expected a whole number from 0 to ${models.length - 1}, got "${o.agent}"`);
const pd = models[k];
const q = pd.agent.online as FeatureQFunction;
if (q.kind !== "feature" || q.gate === null) throw new Error(`${o.model}: agent ${k} has no acceptance gate (dqn.gateEmbedding is 0)`);
if (pd.sim.slateSize !== 1) throw new Error(`${o.model}: a slate of ${pd.sim.slateSize} streams; this example reads one recommendation a decision`);

const bins = Array.from({ length: 10 }, () => ({ n: 0, chance: 0, accepted: 0 }));
let spreadGate = 0, spreadHead = 0, rows = 0, newUsers = 0;
for (const week of weeks) {
  const platform = new Platform(pd.sim, week, { world });
  const encoder = pd.encoderFor(platform);
  const policy = new PlatformDqnPolicy(pd.agent, encoder, { mode: "serve", newUserFoldIn: true });
  // The gate's z of each deciding user's recommendation, until its outcome comes.
  const pending = new Map<number, number>();
  const A = encoder.actions;
  const probe: SimPolicy = {
    name: "gate-calibration",
    act(p, actions) {
      policy.act(p, actions);
      const n = p.nDeciding;
      if (n === 0) return;
      // The rows the policy scored (its encoder keeps them); the new users' rows are back as trained.
      const obs = encoder.obs.subarray(0, n * encoder.obsSize), mask = encoder.mask.subarray(0, n * A);
      const z = q.gate!.forward(obs, n, mask).slice();
      const all = q.forward(obs, n, mask);
      for (let i = 0; i < n; i++) {
        if (p.users.isNew(p.deciding[i])) {
          newUsers++;
          continue;
        }
        pending.set(p.deciding[i], z[i * A + actions[i]]);
        let c = 0, g1 = 0, g2 = 0, h1 = 0, h2 = 0;
        for (let a = 0; a < A; a++) {
          if (mask[i * A + a] === 0) continue;
          const g = logSigmoid(z[i * A + a]), h = all[i * A + a] - g;
          c++;
          g1 += g;
          g2 += g * g;
          h1 += h;
          h2 += h * h;
        }
        if (c < 2) continue;
        spreadGate += Math.sqrt(Math.max(0, g2 / c - (g1 / c) ** 2));
        spreadHead += Math.sqrt(Math.max(0, h2 / c - (h1 / c) ** 2));
        rows++;
      }
    },
    learn(result) {
      for (let i = 0; i < result.n; i++) {
        const z = pending.get(result.users[i]);
        if (z === undefined) continue;
        pending.delete(result.users[i]);
        const chance = sigmoid(z), b = bins[Math.min(9, Math.floor(chance * 10))];
        b.n++;
        b.chance += chance;
        if (result.chosen[i] >= 0) b.accepted++;
      }
    },
  };
  runPolicy(platform, probe);
}
console.log(`agent ${k} of ${o.model} served alone, weeks ${weeks.join(", ")}: the gate's chance of each recommendation to an established user against acceptance (${newUsers} decisions of new users left out)`);
for (const [i, b] of bins.entries()) {
  if (b.n > 0) console.log(`  sigmoid(z) ${(i / 10).toFixed(1)}-${((i + 1) / 10).toFixed(1)}: ${b.n} recommendations, mean chance ${(b.chance / b.n).toFixed(3)}, accepted ${(b.accepted / b.n).toFixed(3)}`);
}
console.log(`standard deviation over a user's live streams, mean over ${rows} decisions: log sigmoid(z) ${(spreadGate / rows).toFixed(3)}, the head's own score ${(spreadHead / rows).toFixed(3)}`);
