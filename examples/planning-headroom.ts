/**
 * How much planning for tomorrow can gain over the myopic oracle on a platform of a given size, and
 * which long-term effect it rests on: runs the myopic oracle, the lookahead oracle with each of its
 * terms alone (src/policies/reference/lookahead-oracle.ts: a follow's returns, the session going
 * on, satisfaction through faster returns and less churn; coordination against crowding) and with
 * all of them, on the same weeks of one world, and prints each one's reward per user-day and its
 * ratio to the myopic oracle's. The lookahead oracle is a heuristic planner: its gain bounds from
 * below what planning can add to a learner that knew what the myopic oracle knows. It reads the
 * hidden truth: a diagnostic, like the partial oracles, never a policy input.
 *
 *   npx tsx examples/planning-headroom.ts [--users 2000 --streamers 300 --days 7] [--weeks 1001,...,1005] [--world 0]
 */
import { LookaheadOraclePolicy, MyopicOraclePolicy, Platform, runPolicy, type SimPolicy } from "../src/index.js";
import { oracleWeeksFromArgv } from "./oracle-weeks-flags.js";

const { users, streamers, days, weeks, world, sim } = oracleWeeksFromArgv();

const none = { follow: false, session: false, satisfaction: false };
const policies: [string, () => SimPolicy][] = [
  ["myopic oracle", () => new MyopicOraclePolicy()],
  ["+ a follow's returns", () => new LookaheadOraclePolicy({ coordinate: false, terms: { ...none, follow: true } })],
  ["+ the session going on", () => new LookaheadOraclePolicy({ coordinate: false, terms: { ...none, session: true } })],
  ["+ satisfaction", () => new LookaheadOraclePolicy({ coordinate: false, terms: { ...none, satisfaction: true } })],
  ["+ coordination", () => new LookaheadOraclePolicy({ terms: none })],
  ["lookahead oracle (all)", () => new LookaheadOraclePolicy()],
];

console.log(`${users} users, ${streamers} streamers, weeks of ${days} days, world ${world}, weeks ${weeks.join(",")}`);
let myopic = NaN;
for (const [label, make] of policies) {
  const rewards = weeks.map((seed) => runPolicy(new Platform(sim, seed, { world }), make()).metrics.reward_per_user_day);
  const mean = rewards.reduce((a, b) => a + b, 0) / rewards.length;
  if (Number.isNaN(myopic)) myopic = mean;
  console.log(`${label.padEnd(26)} ${mean.toFixed(3)}  ${(mean / myopic).toFixed(3)}x  (${rewards.map((r) => r.toFixed(3)).join(" ")})`);
}
