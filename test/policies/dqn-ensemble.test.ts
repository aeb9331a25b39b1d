/** Platform DQNs served as one: the mean of the rewards they expect decides, each member learns from what the ensemble did. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Platform } from "../../src/sim/platform.js";
import { parseSimConfig } from "../../src/sim/config.js";
import { createPlatformDqn, DEFAULT_PLATFORM_DQN, type PlatformDqn } from "../../src/train/platform-dqn-config.js";
import { PlatformDqnPolicy } from "../../src/policies/dqn/platform-dqn.js";
import { PlatformDqnEnsemblePolicy, type EnsembleMean } from "../../src/policies/dqn/ensemble.js";
import { trainOnPlatforms } from "../../src/train/platform-trainer.js";
import { runPolicy } from "../../src/sim/policy.js";
import { parseExperimentConfig } from "../../src/train/experiment-config.js";

const sim = parseSimConfig({ users: 150, streamers: 30, days: 2 });
const hyper = { ...DEFAULT_PLATFORM_DQN, hidden: [32], embedding: 8, learningStarts: 100, explorationDecisions: 500, replayCapacity: 5_000, trainEvery: 4, embeddingLrScale: 3 };

async function trained(seed: number): Promise<PlatformDqn> {
  const pd = createPlatformDqn(sim, "feature", hyper, seed);
  await trainOnPlatforms(pd, { world: 0, seeds: [1], episodes: 1 });
  return pd;
}
const members = Promise.all([trained(1), trained(2)]);

test("an ensemble of one recommends exactly as its member alone", async () => {
  const [pd] = await members;
  const alone = runPolicy(new Platform(sim, 7), new PlatformDqnPolicy(pd.agent, pd.encoderFor(new Platform(sim, 7)), { mode: "serve" }));
  const p = new Platform(sim, 7);
  const one = runPolicy(p, new PlatformDqnEnsemblePolicy([new PlatformDqnPolicy(pd.agent, pd.encoderFor(p), { mode: "serve" })]));
  assert.deepEqual(one.metrics, alone.metrics);
});

/**
 * Serves the two members as one and scores each decision again from outside (independent
 * encoders); `combine` is the ensemble's score of a stream from the members' two scores.
 */
async function checkTwoMembers(average: EnsembleMean | undefined, combine: (qa: number, qb: number) => number): Promise<void> {
  const [a, b] = await members;
  const p = new Platform(sim, 9);
  const ma = new PlatformDqnPolicy(a.agent, a.encoderFor(p), { mode: "serve" });
  const mb = new PlatformDqnPolicy(b.agent, b.encoderFor(p), { mode: "serve" });
  const ensemble = new PlatformDqnEnsemblePolicy([ma, mb], "dqn", average === undefined ? {} : { average });
  const ea = a.encoderFor(p), eb = b.encoderFor(p);
  let decisions = 0, disagreements = 0, orderChanged = 0;
  while (!p.done && decisions < 3000) {
    const actions = p.actions();
    ensemble.act(p, actions);
    ea.refreshTable(p);
    eb.refreshTable(p);
    const n = ea.encode(p);
    assert.equal(eb.encode(p), n);
    const A = ea.actions;
    const qa = a.agent.serveScores(ea.obs.subarray(0, n * ea.obsSize), n, ea.mask.subarray(0, n * A)).slice();
    const qb = b.agent.serveScores(eb.obs.subarray(0, n * eb.obsSize), n, eb.mask.subarray(0, n * A));
    for (let i = 0; i < n; i++) {
      let best = -1, bestA = -1, bestB = -1, bestLogs = -1;
      const score = (s: number) => combine(qa[i * A + s], qb[i * A + s]);
      for (let s = 0; s < A; s++) {
        if (ea.mask[i * A + s] === 0) continue;
        if (best < 0 || score(s) > score(best)) best = s;
        if (bestLogs < 0 || qa[i * A + s] + qb[i * A + s] > qa[i * A + bestLogs] + qb[i * A + bestLogs]) bestLogs = s;
        if (bestA < 0 || qa[i * A + s] > qa[i * A + bestA]) bestA = s;
        if (bestB < 0 || qb[i * A + s] > qb[i * A + bestB]) bestB = s;
      }
      assert.equal(p.liveMask[actions[i]], 1);
      // float32 scores: the ensemble may round a near-tie the other way; then both score alike
      const chosen = actions[i];
      assert.ok(chosen === best || Math.abs(score(chosen) - score(best)) < 1e-5, `user ${p.deciding[i]}: chose ${chosen}, best ${best}`);
      if (bestA !== bestB) disagreements++;
      if (best !== bestLogs) orderChanged++;
      decisions++;
    }
    p.step(actions);
  }
  assert.ok(decisions > 300, `only ${decisions} decisions`);
  assert.ok(disagreements > 0, "the two members never disagreed: the test would not tell a mean from either member");
  if (average !== "score") assert.ok(orderChanged > 0, "the mean of the rewards never chose otherwise than the mean of the logs: the test would not tell them apart");
}

test("two members (the \"poisson\" loss): every recommendation is the live stream with the highest mean expected reward, log of the mean of exp(Q)", async () => {
  assert.equal((await members)[0].agent.config.loss, "poisson");
  await checkTwoMembers(undefined, (qa, qb) => Math.log((Math.exp(qa) + Math.exp(qb)) / 2));
});

test("average \"score\": the plain mean of the scores, as up to session 19", async () => {
  await checkTwoMembers("score", (qa, qb) => (qa + qb) / 2);
});

test("learning members: each one learns from the ensemble's own decisions", async () => {
  const [a, b] = await members;
  const copies = [a, b].map((pd) => createPlatformDqn(sim, "feature", hyper, pd === a ? 1 : 2, undefined));
  copies.forEach((c, k) => c.agent.online.copyFrom([a, b][k].agent.online));
  const p = new Platform(sim, 11);
  const policies = copies.map((c) => new PlatformDqnPolicy(c.agent, c.encoderFor(p), { mode: "train", explore: false }));
  const before = copies.map((c) => ({ decisions: c.agent.decisions, replay: c.agent.replay.size }));
  runPolicy(p, new PlatformDqnEnsemblePolicy(policies));
  for (const [k, c] of copies.entries()) {
    assert.ok(c.agent.decisions > before[k].decisions, "decisions were not counted");
    assert.ok(c.agent.replay.size > before[k].replay, "no transition was stored");
    assert.ok(c.agent.updates > 0, "no update ran");
  }
  // Both stored the same actions: the ensemble's, not each one's own choice.
  const n = Math.min(copies[0].agent.replay.size, 200);
  const actionsOf = (c: PlatformDqn) => Array.from(c.agent.replay.getState().actions.subarray(0, n));
  assert.deepEqual(actionsOf(copies[0]), actionsOf(copies[1]));
});

test("refused: no members, an exploring learner, members of other losses, an unknown average; training.ensemble is 1..16, 8 by default", async () => {
  const [a] = await members;
  const p = new Platform(sim, 3);
  assert.throws(() => new PlatformDqnEnsemblePolicy([]), /at least one member/);
  const huber = createPlatformDqn(sim, "feature", { ...hyper, loss: "huber" }, 3);
  const serve = (pd: PlatformDqn) => new PlatformDqnPolicy(pd.agent, pd.encoderFor(p), { mode: "serve" });
  assert.throws(() => new PlatformDqnEnsemblePolicy([serve(a), serve(huber)]), /"poisson" and "huber" losses/);
  assert.throws(() => new PlatformDqnEnsemblePolicy([serve(a)], "dqn", { average: "median" as EnsembleMean }), /average must be "reward" or "score", got "median"/);
  assert.throws(() => new PlatformDqnEnsemblePolicy([new PlatformDqnPolicy(a.agent, a.encoderFor(p), { mode: "train" })]), /explore: false/);
  assert.equal(parseExperimentConfig({ training: {} }, "cfg").training.ensemble, 8);
  assert.throws(() => parseExperimentConfig({ training: { ensemble: 0 } }, "cfg.json"), /cfg\.json: training\.ensemble/);
  assert.throws(() => parseExperimentConfig({ training: { ensemble: 1.5 } }, "cfg.json"), /training\.ensemble/);
});
