/**
 * How the users who arrive during the week fare, session by session: serves a trained model (a
 * `liveq train --out DIR`, or the `feature` folder of a `liveq compare --work DIR`) on validation
 * weeks, without and with the new users' embeddings folded in (src/policies/dqn/new-user-fold-in.ts),
 * beside the myopic oracle, and prints for new and established users, by the session of the week
 * the decision falls in (1, 2, ..., 6 and later), how many decisions there were, the reward per
 * decision and the share of recommendations accepted. Serving only, at the cold-start bonus 0.
 *
 *   npx tsx examples/new-users-by-session.ts --model DIR [--weeks 2001,2002] [--fold-in off,on] [--no-oracle]
 */
import { Command } from "commander";
import { MyopicOraclePolicy, Platform, PlatformDqnEnsemblePolicy, PlatformDqnPolicy, evaluationRun, type SimPolicy } from "../src/index.js";
import { SESSIONS } from "../src/sim/users.js";
import { wholeNumbers } from "./oracle-weeks-flags.js";
import { servedModel } from "./served-model.js";

const o = new Command()
  .requiredOption("--model <dir>", "a model of liveq train (or a liveq compare work dir's feature folder)")
  .option("--weeks <list>", "validation weeks", "2001,2002")
  .option("--fold-in <list>", "the new users' fold-in: off, on (each served in turn)", "off,on")
  .option("--no-oracle", "leave out the myopic oracle")
  .parse(process.argv)
  .opts<{ model: string; weeks: string; foldIn: string; oracle: boolean }>();

const weeks = wholeNumbers("weeks", o.weeks);
const foldIns = o.foldIn.split(",");
for (const f of foldIns) if (f !== "off" && f !== "on") throw new Error(`--fold-in: "${f}" is neither off nor on`);
const { sim, world, models } = servedModel(o.model, { coldStartBonus: 0 });

/** Sessions counted apart: 1 .. BUCKETS - 1, then BUCKETS and later together. */
const BUCKETS = 6;
type Tally = { decisions: Float64Array; reward: Float64Array; accepted: Float64Array };
const tally = (): Tally => ({ decisions: new Float64Array(BUCKETS), reward: new Float64Array(BUCKETS), accepted: new Float64Array(BUCKETS) });

/** Runs `make`'s policy on every week, counting each decision by its user's group and session. */
function bySession(make: (p: Platform) => SimPolicy): { fresh: Tally; known: Tally } {
  const fresh = tally(), known = tally();
  for (const week of weeks) {
    const platform = new Platform(sim, week, { world });
    const inner = make(platform);
    // The session and group of each decision are read when it is made (the step may end the session).
    const session = new Int32Array(platform.userCapacity), isNew = new Uint8Array(platform.userCapacity);
    const counted: SimPolicy = {
      name: inner.name,
      act(p, actions) {
        for (const u of p.deciding) {
          session[u] = p.users.get(u, SESSIONS);
          isNew[u] = p.users.isNew(u) ? 1 : 0;
        }
        inner.act(p, actions);
      },
      learn(r, p) {
        for (let i = 0; i < r.n; i++) {
          const u = r.users[i], t = isNew[u] ? fresh : known, b = Math.min(BUCKETS, Math.max(1, session[u])) - 1;
          t.decisions[b]++;
          t.reward[b] += r.reward[i];
          if (r.chosen[i] >= 0) t.accepted[b]++;
        }
        inner.learn?.(r, p);
      },
    };
    evaluationRun(platform, counted);
  }
  return { fresh, known };
}

function print(label: string, t: Tally): void {
  const cells = Array.from({ length: BUCKETS }, (_, b) => {
    const n = t.decisions[b];
    return `s${b + 1}${b === BUCKETS - 1 ? "+" : ""} ${n} ${n > 0 ? (t.reward[b] / n).toFixed(2) : "-"} ${n > 0 ? (t.accepted[b] / n).toFixed(2) : "-"}`;
  });
  console.log(`${label.padEnd(28)} ${cells.join(" | ")}`);
}

console.log(`${models.length} agent(s) of ${o.model}, weeks ${weeks.join(", ")}; per session of the week: decisions, reward per decision, share accepted`);
const served: [string, (p: Platform) => SimPolicy][] = foldIns.map((f) => [
  `DQN, fold-in ${f}`,
  (p) => new PlatformDqnEnsemblePolicy(models.map((pd) => new PlatformDqnPolicy(pd.agent, pd.encoderFor(p), { mode: "serve", newUserFoldIn: f === "on" }))),
]);
if (o.oracle) served.push(["myopic oracle", () => new MyopicOraclePolicy()]);
for (const [label, make] of served) {
  const { fresh, known } = bySession(make);
  print(`${label}: new users`, fresh);
  print(`${label}: established`, known);
}
