/** A served model describes each new user by the embeddings of the users who watched what they watched. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Platform } from "../../src/sim/platform.js";
import { parseSimConfig } from "../../src/sim/config.js";
import { createPlatformDqn, DEFAULT_PLATFORM_DQN, foldsInNewUsers, platformDqnCheckpoint, restorePlatformDqn, withServingSettings, type PlatformDqn } from "../../src/train/platform-dqn-config.js";
import { PlatformDqnPolicy } from "../../src/policies/dqn/platform-dqn.js";
import { NewUserFoldIn } from "../../src/policies/dqn/new-user-fold-in.js";
import type { FeatureQFunction } from "../../src/core/qfunction/feature-qfunction.js";
import { trainOnPlatforms } from "../../src/train/platform-trainer.js";
import { runPolicy, type SimPolicy } from "../../src/sim/policy.js";
import { parseExperimentConfig } from "../../src/train/experiment-config.js";

// Many arrivals, so that an evaluation week meets new users (training withholds them).
const sim = parseSimConfig({ users: 150, streamers: 30, days: 4, population: { newUsersPerDay: 0.2 } });
const hyper = { ...DEFAULT_PLATFORM_DQN, hidden: [32], embedding: 8, learningStarts: 100, explorationDecisions: 500, replayCapacity: 5_000, trainEvery: 4, embeddingLrScale: 3 };
const trained = (async () => {
  const pd = createPlatformDqn(sim, "feature", hyper, 1);
  await trainOnPlatforms(pd, { world: 0, seeds: [1, 2], episodes: 1 });
  return platformDqnCheckpoint(pd);
})();
/** A fresh copy of the trained model (serving with the fold-in writes the new users' rows). */
const served = async (): Promise<PlatformDqn> => restorePlatformDqn(await trained);
const headOf = (pd: PlatformDqn) => pd.agent.online as FeatureQFunction;

/** The fold-in computed the long way: M_s from every user with past viewings, then u's viewings this week. */
function expectedEmbedding(G: Float32Array, pd: PlatformDqn, p: Platform, u: number): { value: number[]; fromViewings: boolean } {
  const d = headOf(pd).embedding, past = pd.pairPast!, S = past.streamers;
  const viewerMean = (s: number): number[] | null => {
    const m = new Array<number>(d).fill(0);
    let w = 0;
    for (let v = 0; v < past.users && v < headOf(pd).userEmbeddingCount; v++) {
      const x = past.views[v * S + s];
      if (!(x > 0)) continue;
      w += x;
      for (let c = 0; c < d; c++) m[c] += x * G[v * d + c];
    }
    return w > 0 ? m.map((x) => x / w) : null;
  };
  const out = new Array<number>(d).fill(0);
  let total = 0;
  const H = p.users.historyCapacity;
  for (let h = 0; h < H; h++) {
    const j = u * H + h, s = p.users.histStreamer[j];
    if (s < 0 || p.users.historyCount(j) <= 0) continue;
    const m = viewerMean(s);
    if (m === null) continue;
    total += p.users.historyCount(j);
    for (let c = 0; c < d; c++) out[c] += p.users.historyCount(j) * m[c];
  }
  if (total > 0) return { value: out.map((x) => x / total), fromViewings: true };
  // before any viewing: the mean G of the users with a past
  const prior = new Array<number>(d).fill(0);
  let known = 0;
  for (let v = 0; v < past.users; v++) {
    let any = false;
    for (let s = 0; s < S; s++) if (past.views[v * S + s] > 0) any = true;
    if (!any) continue;
    known++;
    for (let c = 0; c < d; c++) prior[c] += G[v * d + c];
  }
  return { value: prior.map((x) => x / known), fromViewings: false };
}

test("each deciding new user's G_u is the viewing-weighted mean of their streamers' viewer embeddings (the users' mean before any viewing), and restore() puts every row back", async () => {
  const pd = await served();
  const q = headOf(pd), d = q.embedding;
  const before = q.userEmbeddings();
  const p = new Platform(sim, 9);
  const fold = new NewUserFoldIn(q, pd.pairPast!);
  const policy = new PlatformDqnPolicy(pd.agent, pd.encoderFor(p), { mode: "serve", newUserFoldIn: true });
  let checkedWithHistory = 0, checkedEmpty = 0;
  const probe: SimPolicy = {
    name: "probe",
    act(platform, actions) {
      fold.update(platform);
      const G = q.userEmbeddings();
      for (const u of platform.deciding) {
        if (!platform.users.isNew(u)) {
          for (let c = 0; c < d; c++) assert.equal(G[u * d + c], before[u * d + c], `established user ${u}'s G_u was written`);
          continue;
        }
        const { value: want, fromViewings } = expectedEmbedding(before, pd, platform, u);
        const got = Array.from(G.subarray(u * d, (u + 1) * d));
        for (let c = 0; c < d; c++) assert.ok(Math.abs(got[c] - want[c]) < 1e-5, `user ${u}, component ${c}: ${got[c]} against ${want[c]}`);
        if (fromViewings) checkedWithHistory++; else checkedEmpty++;
      }
      fold.restore();
      assert.deepEqual(q.userEmbeddings(), before, "restore() left a row changed");
      // The policy folds in (and puts back) on its own, so the week goes as served with the fold-in.
      policy.act(platform, actions);
      assert.deepEqual(q.userEmbeddings(), before, "a decision of the policy left a row changed");
    },
  };
  runPolicy(p, probe);
  assert.ok(checkedWithHistory > 10, `only ${checkedWithHistory} decisions of new users with viewings were checked`);
  assert.ok(checkedEmpty > 0, "no new user was checked before their first viewing");
});

test("the first recommendation the fold-in changes is a new user's, and the same seed gives the same run", async () => {
  const runWith = async (foldIn: boolean) => {
    const pd = await served();
    const p = new Platform(sim, 11);
    const policy = new PlatformDqnPolicy(pd.agent, pd.encoderFor(p), { mode: "serve", newUserFoldIn: foldIn });
    const picks: string[] = [];
    const recorder: SimPolicy = {
      name: "recorder",
      act(platform, actions) {
        policy.act(platform, actions);
        for (let i = 0; i < platform.nDeciding; i++) picks.push(`${platform.tick}:${platform.deciding[i]}:${platform.users.isNew(platform.deciding[i]) ? "new" : "old"}:${actions[i]}`);
      },
    };
    return { summary: runPolicy(p, recorder), picks };
  };
  const off = await runWith(false), on = await runWith(true), again = await runWith(true);
  assert.deepEqual(again.summary.metrics, on.summary.metrics);
  assert.deepEqual(again.picks, on.picks);
  // Up to the first decision that differs, every difference is a new user's (after it, the runs part ways).
  const first = off.picks.findIndex((x, k) => x !== on.picks[k]);
  assert.ok(first >= 0, "the fold-in changed no recommendation");
  assert.match(on.picks[first], /:new:/, `the first recommendation to differ was an established user's: ${on.picks[first]}`);
});

test("a model served with the fold-in serves the next week, with or without it, exactly as a fresh copy does", async () => {
  const serveWeek = (pd: PlatformDqn, seed: number, newUserFoldIn: boolean) => {
    const p = new Platform(sim, seed);
    return runPolicy(p, new PlatformDqnPolicy(pd.agent, pd.encoderFor(p), { mode: "serve", newUserFoldIn }));
  };
  const reused = await served();
  serveWeek(reused, 21, true);
  assert.deepEqual(headOf(reused).userEmbeddings(), headOf(await served()).userEmbeddings(), "a week served with the fold-in left a user's row changed");
  assert.deepEqual(serveWeek(reused, 22, false).metrics, serveWeek(await served(), 22, false).metrics);
  assert.deepEqual(serveWeek(reused, 23, true).metrics, serveWeek(await served(), 23, true).metrics);
});

test("the fold-in is refused where it cannot work, with the reason", async () => {
  const pd = await served();
  const p = new Platform(sim, 3);
  assert.throws(() => new PlatformDqnPolicy(pd.agent, pd.encoderFor(p), { mode: "train", explore: false, newUserFoldIn: true }), /newUserFoldIn: a model that goes on learning/);
  const classic = createPlatformDqn(sim, "classic", hyper, 1);
  assert.throws(() => new PlatformDqnPolicy(classic.agent, classic.encoderFor(p), { mode: "serve", newUserFoldIn: true }), /newUserFoldIn: the classic head/);
  assert.equal(foldsInNewUsers(classic), false);
  const noPast = createPlatformDqn(sim, "feature", { ...hyper, pairPast: false, pairTerm: false }, 1);
  assert.throws(() => new PlatformDqnPolicy(noPast.agent, noPast.encoderFor(p), { mode: "serve", newUserFoldIn: true }), /newUserFoldIn: the encoder has no pairs' past/);
  assert.equal(foldsInNewUsers(noPast), false);
  const noUsers = createPlatformDqn(sim, "feature", { ...hyper, userEmbeddings: false }, 1);
  assert.throws(() => new NewUserFoldIn(headOf(noUsers), noUsers.pairPast!), /no user embeddings/);
  assert.throws(() => headOf(pd).writeUserEmbedding(headOf(pd).userEmbeddingCount, new Float32Array(8)), /has no embedding/);
  assert.throws(() => headOf(pd).writeUserEmbedding(0, new Float32Array(3)), /expected 8 values, got 3/);
  assert.throws(() => headOf(noUsers).readUserEmbedding(0, new Float32Array(8)), /this feature head has no user embeddings/);
});

test("newUserFoldIn is a dqn key of the experiment config, on by default, and a serving setting of a checkpoint", async () => {
  assert.equal(DEFAULT_PLATFORM_DQN.newUserFoldIn, true);
  assert.equal(parseExperimentConfig({ dqn: { newUserFoldIn: false } }).dqn.newUserFoldIn, false);
  assert.throws(() => parseExperimentConfig({ dqn: { newUserFoldIn: "yes" } }), /newUserFoldIn/);
  const bundle = await trained;
  assert.equal(foldsInNewUsers(restorePlatformDqn(bundle)), true);
  assert.equal(foldsInNewUsers(restorePlatformDqn(withServingSettings(bundle, { newUserFoldIn: false }))), false);
  // A checkpoint written before the key existed serves with it.
  const meta = bundle.meta as { platform: { hyper: Record<string, unknown> } };
  const { newUserFoldIn: _, ...older } = meta.platform.hyper;
  assert.equal(foldsInNewUsers(restorePlatformDqn({ ...bundle, meta: { ...bundle.meta, platform: { ...meta.platform, hyper: older } } })), true);
});
