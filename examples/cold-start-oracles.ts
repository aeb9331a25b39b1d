/**
 * How far the cold start alone keeps new streamers from established ones of equal quality: runs
 * the myopic oracle knowing as much of the newcomers (streamers who debuted during the run) as of
 * the others, and knowing less of them (src/policies/reference/myopic-oracle.ts, `newcomers`), on
 * the same weeks of one world, and prints each one's reward per user-day and the new streamers'
 * discovery and exposure parities (src/eval/platform/cold-start.ts).
 *
 * A learner knows a newcomer as "interests" at best: its category (and the user's interest in
 * it), its stream's features, but not how its audience's tastes match its own, which only
 * feedback shows. Of an established streamer it can know the tastes' match too, from many users'
 * viewings ("tastes"), but not the pair's own appeal of a user who never watched it. The oracle
 * with that asymmetry is the nearest of these to a learner's position (it still knows every
 * newcomer's quality, which a learner must estimate). It reads the hidden truth: a diagnostic, like
 * the partial oracles, never a policy input.
 *
 *   npx tsx examples/cold-start-oracles.ts [--users 2000 --streamers 300 --days 7] [--weeks 1001,...,1005] [--world 0]
 */
import { MyopicOraclePolicy, Platform, evaluationRun, type OracleKnowledge } from "../src/index.js";
import { oracleWeeksFromArgv } from "./oracle-weeks-flags.js";

const { users, streamers, days, weeks, world, sim } = oracleWeeksFromArgv();

/** [what it knows of established streamers, of newcomers]. */
const oracles: [OracleKnowledge, OracleKnowledge][] = [
  ["everything", "everything"],
  ["everything", "interests"],
  ["tastes", "tastes"],
  ["tastes", "interests"],
  ["interests", "interests"],
];

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const list = (xs: number[], digits: number): string => xs.map((x) => x.toFixed(digits)).join(" ");
console.log(`${users} users, ${streamers} streamers, weeks of ${days} days, world ${world}, weeks ${weeks.join(",")}`);
console.log("knows of established / of newcomers: reward per user-day, discovery parity, exposure parity (means, then per week)");
for (const [established, newcomers] of oracles) {
  const reward: number[] = [], discovery: number[] = [], exposure: number[] = [];
  for (const seed of weeks) {
    const { summary, parity } = evaluationRun(new Platform(sim, seed, { world }), new MyopicOraclePolicy(established, { newcomers }));
    reward.push(summary.metrics.reward_per_user_day);
    discovery.push(parity.discovery);
    exposure.push(parity.exposure);
  }
  console.log(
    `${`${established} / ${newcomers}`.padEnd(24)} ${mean(reward).toFixed(3)}  ${mean(discovery).toFixed(3)}  ${mean(exposure).toFixed(3)}` +
      `   (${list(reward, 3)}; ${list(discovery, 2)}; ${list(exposure, 2)})`,
  );
}
