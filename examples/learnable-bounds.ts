/**
 * How far a learner can get in this world, beside what the trained DQN got: on the same weeks,
 * the myopic oracle (the bar), the myopic oracle knowing what a learner can know, and the
 * trained model's agents served as one (as liveq compare serves them).
 *
 * A learner can know, of an established streamer, how its audience's tastes match each user's
 * ("tastes": many users' feedback teaches it), of a newcomer only its category and stream
 * features ("interests"), and of a user and streamer pair its own appeal only from that pair's
 * record (src/policies/pair-past.ts). The rows:
 *
 *   myopic oracle                       knows everything (the bar of the 0.95x);
 *   learner's knowledge                 tastes of the established, interests of newcomers;
 *   ... + the record's pair appeal >= E the same, told each pair's appeal exactly wherever the
 *                                       model's pairs' record holds at least E recommendations and
 *                                       viewings of it: a bound on what the record can teach, since
 *                                       a learner reads it through noisy rewards. (Each agent keeps
 *                                       the record of its own training runs; the first agent's is
 *                                       read.)
 *
 * Each is a myopic policy: it plans nothing, so a learner that prices tomorrow (the DQN's outcome
 * value) can pass the rows in principle; the lookahead oracle's headroom (planning-headroom.ts)
 * says by how much. Each row's reward per user-day is given with its share of the myopic
 * oracle's, and the DQN's share of each row's; a record's row also says at what share of its
 * assessments of an established stream for a user the record held enough of the pair. It reads
 * the hidden truth: a diagnostic, like the partial oracles, never a policy input.
 *
 *   npx tsx examples/learnable-bounds.ts --model DIR [--weeks 1001,1002,1003,1004,1005] [--min-evidence 1,3,10]
 */
import { Command } from "commander";
import { MyopicOraclePolicy, Platform, PlatformDqnEnsemblePolicy, PlatformDqnPolicy, evaluationRun, foldsInNewUsers, type PairEvidence, type SimPolicy } from "../src/index.js";
import { wholeNumbers } from "./oracle-weeks-flags.js";
import { servedModel } from "./served-model.js";

const o = new Command()
  .requiredOption("--model <dir>", "a model of liveq train (or a liveq compare work dir's feature folder): its platform, world and pairs' record")
  .option("--weeks <list>", "the weeks (seeds) to run: 1001-1005 are liveq compare's evaluation weeks", "1001,1002,1003,1004,1005")
  .option("--min-evidence <list>", "the record's evidence (recommendations and viewings of a pair) from which the pair's appeal is told", "1,3,10")
  .parse(process.argv)
  .opts<{ model: string; weeks: string; minEvidence: string }>();

const weeks = wholeNumbers("weeks", o.weeks);
const minEvidence = wholeNumbers("min-evidence", o.minEvidence);
for (const e of minEvidence) if (e < 1) throw new Error(`--min-evidence: ${e} is below 1 (every pair would be told, with or without a record)`);
const { sim, world, models } = servedModel(o.model);
const pairPast = models[0].pairPast;
if (pairPast === null) throw new Error(`--model ${o.model}: the model keeps no pairs' record (dqn.pairPast is off), so the record's rows cannot be drawn`);
/** The record, counting how often it is asked of a pair and how often it holds at least `min` of it. */
function countedRecord(min: number): PairEvidence & { asked: number; held: number } {
  return {
    asked: 0,
    held: 0,
    evidence(u: number, s: number): number {
      const e = pairPast!.evidence(u, s);
      this.asked++;
      if (e >= min) this.held++;
      return e;
    },
  };
}

const rows: { label: string; policy: (platform: Platform) => SimPolicy; record?: ReturnType<typeof countedRecord> }[] = [
  { label: "myopic oracle", policy: () => new MyopicOraclePolicy() },
  { label: "learner's knowledge", policy: () => new MyopicOraclePolicy("tastes", { newcomers: "interests" }) },
  ...minEvidence.map((e) => {
    const record = countedRecord(e);
    return {
      label: `... + the record's pair appeal >= ${e}`,
      policy: () => new MyopicOraclePolicy("tastes", { newcomers: "interests", pairRecord: { record, minEvidence: e } }),
      record,
    };
  }),
  {
    label: `DQN (${models.length} agents as one)`,
    policy: (platform: Platform) => new PlatformDqnEnsemblePolicy(
      models.map((pd) => new PlatformDqnPolicy(pd.agent, pd.encoderFor(platform), { mode: "serve", newUserFoldIn: foldsInNewUsers(pd) })), "dqn",
    ),
  },
];

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
console.log(`${o.model}: ${sim.users} users, ${sim.streamers} streamers, weeks of ${sim.days} days, world ${world}, weeks ${weeks.join(",")}`);
console.log("reward per user-day (mean, then per week); its share of the myopic oracle's; the DQN's share of it");
const results = rows.map((row) => ({
  ...row,
  reward: weeks.map((week) => {
    const platform = new Platform(sim, week, { world });
    return evaluationRun(platform, row.policy(platform)).summary.metrics.reward_per_user_day;
  }),
}));
const oracle = mean(results[0].reward), dqn = mean(results[results.length - 1].reward);
for (const r of results) {
  const m = mean(r.reward);
  const told = r.record === undefined ? "" : `; told at ${(r.record.held / r.record.asked).toFixed(3)} of its assessments of established streams`;
  console.log(`${r.label.padEnd(40)} ${m.toFixed(4)}  ${(m / oracle).toFixed(3)}  ${(dqn / m).toFixed(3)}   (${r.reward.map((x) => x.toFixed(3)).join(" ")}${told})`);
}
