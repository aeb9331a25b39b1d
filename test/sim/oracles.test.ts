import { test } from "node:test";
import assert from "node:assert/strict";
import { LookaheadOraclePolicy, referencePolicy } from "../../src/policies/reference/index.js";
import { MyopicOraclePolicy } from "../../src/policies/reference/myopic-oracle.js";
import { greedySlate } from "../../src/policies/reference/slate.js";
import { acceptProbability } from "../../src/sim/choice.js";
import { runPolicy } from "../../src/sim/policy.js";
import { smallPlatform } from "./helpers.js";
import { evaluationRun } from "../../src/eval/platform/evaluation-run.js";

function rewardOf(name: string, seed: number, slateSize = 1): number {
  const p = smallPlatform(seed, { slateSize }, 400, 100, 5);
  return runPolicy(p, referencePolicy(name, seed)).metrics.reward_per_user_day;
}

test("the myopic oracle beats random and most-viewed-now, with one stream and with slates", () => {
  for (const slate of [1, 4]) {
    const oracle = rewardOf("myopic-oracle", 31, slate);
    const random = rewardOf("random", 31, slate);
    const popular = rewardOf("most-viewed-now", 31, slate);
    assert.ok(oracle > 1.5 * random, `oracle ${oracle} vs random ${random} (slate ${slate})`);
    assert.ok(oracle > 1.2 * popular, `oracle ${oracle} vs most-viewed ${popular} (slate ${slate})`);
  }
});

test("looking ahead pays: the lookahead oracle earns more than the myopic one in the default world", () => {
  for (const seed of [32, 33]) {
    const p1 = smallPlatform(seed, {}, 500, 150, 7), p2 = smallPlatform(seed, {}, 500, 150, 7);
    const myopic = runPolicy(p1, referencePolicy("myopic-oracle", seed)).metrics;
    const lookahead = runPolicy(p2, referencePolicy("lookahead-oracle", seed)).metrics;
    assert.ok(lookahead.reward_per_user_day > myopic.reward_per_user_day, `seed ${seed}: ${lookahead.reward_per_user_day} vs ${myopic.reward_per_user_day}`);
  }
});

test("the lookahead oracle without its long-term terms and coordination chooses as the myopic oracle; each term changes choices", () => {
  const choices = (policy: ReturnType<typeof referencePolicy>) => {
    const p = smallPlatform(36, { slateSize: 2 }, 300, 80, 3);
    const out: number[] = [];
    while (!p.done) {
      const a = p.actions();
      policy.act(p, a);
      out.push(...a);
      p.step(a);
    }
    return out;
  };
  const none = { follow: false, session: false, satisfaction: false };
  const myopic = choices(new MyopicOraclePolicy());
  assert.deepEqual(choices(new LookaheadOraclePolicy({ coordinate: false, terms: none })), myopic);
  for (const term of ["follow", "session", "satisfaction"] as const) {
    const one = choices(new LookaheadOraclePolicy({ coordinate: false, terms: { ...none, [term]: true } }));
    assert.notDeepEqual(one, myopic, `${term} alone changes nothing`);
  }
  assert.deepEqual(choices(new LookaheadOraclePolicy({ terms: {} })), choices(referencePolicy("lookahead-oracle", 36)), "every term by default");
});

test("the myopic oracle picks the stream of highest expected immediate reward", () => {
  const p = smallPlatform(34, {}, 200, 80, 2);
  const a = p.actions();
  referencePolicy("myopic-oracle", 34).act(p, a);
  const v0 = p.truth.noThanks();
  for (let i = 0; i < p.nDeciding; i++) {
    let best = -Infinity, bestS = -1;
    for (const s of p.liveStreams) {
      const x = p.truth.assess(i, s);
      const q = acceptProbability(x.utility, v0) * x.reward;
      if (q > best) [best, bestS] = [q, s];
    }
    assert.equal(a[i], bestS);
  }
});

test("reference policies recommend live streams only, as slates of distinct streams", () => {
  for (const name of ["random", "most-viewed-now", "myopic-oracle", "lookahead-oracle"]) {
    const p = smallPlatform(35, { slateSize: 3 }, 150, 60, 1);
    const policy = referencePolicy(name, 35);
    let steps = 0;
    while (!p.done && steps++ < 60) {
      const a = p.actions();
      policy.act(p, a);
      for (let i = 0; i < p.nDeciding; i++) {
        const slate = Array.from(a.subarray(3 * i, 3 * i + 3)).filter((s) => s >= 0);
        assert.ok(slate.length >= 1 && new Set(slate).size === slate.length, `${name}: distinct slate`);
        for (const s of slate) assert.equal(p.liveMask[s], 1, `${name}: live`);
      }
      p.step(a);
    }
  }
});

test("most-viewed-now shows the streams with most viewers; greedySlate with K = 1 maximises P(accept) x value", () => {
  const p = smallPlatform(36, { slateSize: 2 }, 300, 40, 1);
  const policy = referencePolicy("most-viewed-now", 36);
  for (let k = 0; k < 30; k++) {
    const a = p.actions();
    policy.act(p, a);
    p.step(a);
  }
  const a = p.actions();
  policy.act(p, a);
  const viewers = Array.from(p.liveStreams, (s) => p.streamers.viewers[s]).sort((x, y) => y - x);
  assert.equal(p.streamers.viewers[a[0]], viewers[0]);
  assert.equal(p.streamers.viewers[a[1]], viewers[1]);

  const utility = Float64Array.from([0, 3, -1]), value = Float64Array.from([10, 4, 20]);
  const out = new Int32Array(1);
  greedySlate([7, 8, 9], utility, value, 3, 0, 1, out, 0, new Uint8Array(3));
  const q = [0, 1, 2].map((j) => acceptProbability(utility[j], 0) * value[j]);
  assert.equal(out[0], [7, 8, 9][q.indexOf(Math.max(...q))]);
});

test("partial oracles: pairTerms are the parts of evaluate they drop, and knowing less earns less", () => {
  const p = smallPlatform(36, {}, 200, 80, 2);
  // evaluate(u, s) moves by exactly the pair terms when the oracle does not know them.
  p.actions();
  const i = 0, u = p.userOf(i), s = p.liveStreams[0];
  const t = p.pairTerms(u, s);
  const full = p.truth.assess(i, s).utility;
  const tastes = p.truth.assess(i, s, 0, "tastes").utility;
  const interests = p.truth.assess(i, s, 0, "interests").utility;
  assert.ok(Math.abs(full - tastes - t.idiosyncratic) < 1e-9, `${full} - ${tastes} = ${t.idiosyncratic}`);
  assert.ok(Math.abs(tastes - interests - t.latent) < 1e-9, `${tastes} - ${interests} = ${t.latent}`);
  assert.ok(t.idiosyncratic !== 0 && t.latent !== 0);
  const reward = (policy: MyopicOraclePolicy, seed: number) => runPolicy(smallPlatform(seed, {}, 500, 120, 4), policy).metrics.reward_per_user_day;
  for (const seed of [37, 38]) {
    const all = reward(new MyopicOraclePolicy(), seed), noPair = reward(new MyopicOraclePolicy("tastes"), seed), interestsOnly = reward(new MyopicOraclePolicy("interests"), seed);
    assert.ok(all > noPair && noPair > interestsOnly, `seed ${seed}: ${all} > ${noPair} > ${interestsOnly}`);
    assert.equal(reward(new MyopicOraclePolicy("interests"), seed), interestsOnly, "the same seed, the same run");
  }
  assert.equal(new MyopicOraclePolicy("interests").name, "oracle-of-interests");
});

test("utilityTerms: the parts of evaluate, each on its own, sum to it (familiarity included once a user has watched)", () => {
  const p = smallPlatform(36, {}, 200, 80, 2);
  runPolicy(p, new MyopicOraclePolicy());
  let familiar = 0, fatigued = 0;
  for (let u = 0; u < 50; u++) {
    for (let s = 0; s < 80; s++) {
      const t = p.utilityTerms(u, s);
      const sum = t.interest + t.latent + t.idiosyncratic + t.quality + t.familiarity + t.fatigue;
      assert.ok(Math.abs(sum - p.evaluate(u, s)) < 1e-9, `user ${u}, streamer ${s}: ${sum} against ${p.evaluate(u, s)}`);
      const pair = p.pairTerms(u, s);
      assert.equal(t.latent, pair.latent);
      assert.equal(t.idiosyncratic, pair.idiosyncratic);
      assert.ok(t.fatigue <= 0);
      if (t.familiarity !== 0) familiar++;
      if (t.fatigue < 0) fatigued++;
    }
  }
  assert.ok(familiar > 0 && fatigued > 0, `some pairs familiar (${familiar}), some categories tiring (${fatigued})`);
});

test("cold-start oracles: knowing less of the newcomers alone changes only their assessment, and lowers their discovery parity", () => {
  const population = { newStreamersPerDay: 0.1 };
  assert.equal(new MyopicOraclePolicy("everything", { newcomers: "interests" }).name, "myopic-oracle (newcomers: interests)");
  assert.equal(new MyopicOraclePolicy("tastes", { newcomers: "tastes" }).name, "oracle-without-pair-appeal");
  for (const seed of [41, 42]) {
    const run = (policy: MyopicOraclePolicy) => evaluationRun(smallPlatform(seed, { population }, 500, 120, 5), policy);
    // Knowing as much of the newcomers as of the others is the plain oracle, to the bit.
    assert.deepEqual(run(new MyopicOraclePolicy("everything", { newcomers: "everything" })), run(new MyopicOraclePolicy()));
    const full = run(new MyopicOraclePolicy()), cold = run(new MyopicOraclePolicy("everything", { newcomers: "interests" }));
    assert.ok(Number.isFinite(full.parity.discovery) && Number.isFinite(cold.parity.discovery), `seed ${seed}: parities ${full.parity.discovery}, ${cold.parity.discovery}`);
    assert.ok(cold.parity.discovery < full.parity.discovery, `seed ${seed}: discovery parity ${cold.parity.discovery} (newcomers' tastes unknown) < ${full.parity.discovery}`);
    assert.ok(cold.parity.exposure < full.parity.exposure, `seed ${seed}: exposure parity ${cold.parity.exposure} < ${full.parity.exposure}`);
  }
});

test("the oracle told the pairs' appeal where a record holds enough of them: all pairs is the full oracle, none the oracle without it", () => {
  const population = { newStreamersPerDay: 0.1 };
  const all = { evidence: () => 3 }, none = { evidence: () => 0 };
  const told = new MyopicOraclePolicy("tastes", { newcomers: "interests", pairRecord: { record: all, minEvidence: 3 } });
  assert.equal(told.name, "oracle-without-pair-appeal (newcomers: interests) (+ pair appeal with evidence >= 3)");
  assert.throws(() => new MyopicOraclePolicy("everything", { pairRecord: { record: all, minEvidence: 1 } }), /pairRecord needs knows "tastes"/);
  assert.throws(() => new MyopicOraclePolicy("tastes", { pairRecord: { record: all, minEvidence: NaN } }), /minEvidence must be a number >= 0, got NaN/);
  for (const seed of [43, 44]) {
    const run = (policy: MyopicOraclePolicy) => evaluationRun(smallPlatform(seed, { population }, 400, 100, 4), policy);
    // Newcomers known as the others, every pair told: the full oracle, to the bit; no pair told: the oracle without the pairs' appeal.
    assert.deepEqual(run(new MyopicOraclePolicy("tastes", { newcomers: "everything", pairRecord: { record: all, minEvidence: 3 } })), run(new MyopicOraclePolicy("everything")));
    assert.deepEqual(run(new MyopicOraclePolicy("tastes", { pairRecord: { record: none, minEvidence: 1 } })), run(new MyopicOraclePolicy("tastes")));
    // A record of some pairs only: the record is asked of established streamers and real users alone, and the choices differ from both.
    const asked = { users: new Set<number>(), newcomer: 0 };
    let platform = smallPlatform(seed, { population }, 400, 100, 4);
    const half = {
      evidence: (u: number, s: number) => {
        asked.users.add(u);
        if (platform.streamers.isNew(s)) asked.newcomer++;
        return (u + s) % 2 === 0 ? 5 : 0;
      },
    };
    const partial = evaluationRun(platform, new MyopicOraclePolicy("tastes", { newcomers: "interests", pairRecord: { record: half, minEvidence: 1 } }));
    assert.equal(asked.newcomer, 0, "a newcomer's pairs are never looked up");
    assert.ok(asked.users.size > 100 && [...asked.users].every((u) => Number.isInteger(u) && u >= 0 && u < platform.users.active), `users asked: ${asked.users.size}`);
    platform = smallPlatform(seed, { population }, 400, 100, 4);
    const learner = run(new MyopicOraclePolicy("tastes", { newcomers: "interests" }));
    const allTold = run(new MyopicOraclePolicy("tastes", { newcomers: "interests", pairRecord: { record: all, minEvidence: 1 } }));
    assert.notDeepEqual(partial.summary.metrics, learner.summary.metrics);
    assert.notDeepEqual(partial.summary.metrics, allTold.summary.metrics);
  }
});
