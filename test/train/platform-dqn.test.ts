/** The shared multi-agent DQN on small simulated platforms: encoding, acting, training, checkpoints. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Platform } from "../../src/sim/platform.js";
import { parseSimConfig } from "../../src/sim/config.js";
import { createPlatformDqn, embeddingLrScaleFor, platformDqnCheckpoint, restorePlatformDqn, settleExploration, withServingSettings, DEFAULT_PLATFORM_DQN, EMBEDDING_LR_SCALE, EMBEDDING_LR_SCALE_MAX, EMBEDDING_ROW_VISITS, type PlatformDqn, type PlatformDqnHyper } from "../../src/train/platform-dqn-config.js";
import type { CheckpointBundle, StoredArray } from "../../src/core/checkpoint/bundle.js";
import { PlatformDqnPolicy } from "../../src/policies/dqn/platform-dqn.js";
import { trainOnPlatforms } from "../../src/train/platform-trainer.js";
import { platformBounds } from "../../src/train/platform-bounds.js";
import { loadCheckpoint, saveCheckpoint } from "../../src/io/checkpoint-dir.js";
import { parseExperimentConfig, trainingRuns } from "../../src/train/experiment-config.js";

const sim = parseSimConfig({ users: 150, streamers: 30, days: 2 });
const hyper = { ...DEFAULT_PLATFORM_DQN, hidden: [32], embedding: 8, learningStarts: 100, explorationDecisions: 500, replayCapacity: 5_000, trainEvery: 4, embeddingLrScale: 3 };

for (const head of ["feature", "classic"] as const) {
  test(`${head} head: the encoder masks to live streams and the sketch holds the user's history`, () => {
    const pd = createPlatformDqn(sim, head, hyper, 1);
    const p = new Platform(sim, 5);
    const enc = pd.encoderFor(p);
    // Advance a few ticks with the policy so users have history.
    const policy = new PlatformDqnPolicy(pd.agent, enc, { mode: "train" });
    for (let i = 0; i < 40 && !p.done; i++) {
      const a = p.actions();
      policy.act(p, a);
      for (let j = 0; j < p.nDeciding; j++) assert.equal(p.liveMask[a[j]], 1, "recommended a stream that is not live");
      policy.learn(p.step(a));
    }
    const n = enc.encode(p);
    const A = enc.actions;
    for (let i = 0; i < n; i++) {
      for (let s = 0; s < A; s++) assert.equal(enc.mask[i * A + s], s < p.liveMask.length ? p.liveMask[s] : 0);
    }
    if (head === "feature") {
      const { userSize: U, actionFeatureSize: f, pairSize: m, sketchSlots: K } = enc.layout;
      for (let i = 0; i < n; i++) {
        const u = p.deciding[i];
        for (let k = 0; k < K; k++) {
          const s = enc.obs[i * enc.obsSize + U + f + k * (1 + m)];
          if (s >= 0) assert.ok(p.users.findHistory(u, s) >= 0, `sketch of user ${u} holds streamer ${s} outside the history`);
        }
      }
    }
  });
}

test("training on platforms learns (updates happen, epsilon decays) and a checkpoint restores the same policy", async () => {
  const pd = createPlatformDqn(sim, "feature", hyper, 3);
  const points: number[] = [];
  const r = await trainOnPlatforms(pd, { world: 0, seeds: [1, 2], episodes: 2, onPoint: (pt) => points.push(pt.reward) });
  assert.equal(r.episodes, 2);
  assert.ok(pd.agent.updates > 100, `only ${pd.agent.updates} updates`);
  assert.ok(pd.agent.epsilon < 0.5);
  assert.ok(points.length > 10);
  const dir = mkdtempSync(join(tmpdir(), "liveq-pdqn-"));
  try {
    saveCheckpoint(dir, platformDqnCheckpoint(pd, { episodes: 2 }));
    const back = restorePlatformDqn(loadCheckpoint(dir));
    assert.deepEqual(back.agent.online.exportParams(), pd.agent.online.exportParams());
    const run = (x: typeof pd) => {
      const p = new Platform(sim, 77);
      const pol = new PlatformDqnPolicy(x.agent, x.encoderFor(p), { mode: "serve" });
      const seen: number[] = [];
      for (let i = 0; i < 30 && !p.done; i++) {
        const a = p.actions();
        pol.act(p, a);
        seen.push(...a.subarray(0, p.nDeciding));
        p.step(a);
      }
      return seen;
    };
    assert.deepEqual(run(back), run(pd));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("bounds hold every seed's catalogue; configs refuse unknown keys", () => {
  const b = platformBounds(sim);
  for (let seed = 0; seed < 20; seed++) assert.ok(new Platform(sim, seed).catalogueSize <= b.actions);
  assert.throws(() => parseExperimentConfig({ sim: {}, dqn: { gama: 0.9 } }), /dqn/);
  assert.throws(() => parseExperimentConfig({ sim: {}, extra: 1 }), /unknown key "extra"/);
  assert.equal(parseExperimentConfig({ users: 10 }).sim.users, 10);
  // dqn.loss reaches the agent (Poisson, a log link, by default); anything else is refused by name
  const mse = parseExperimentConfig({ sim: {}, dqn: { loss: "mse" } }).dqn;
  assert.equal(createPlatformDqn(sim, "feature", { ...hyper, loss: mse.loss }, 1).agent.config.loss, "mse");
  assert.equal(createPlatformDqn(sim, "feature", hyper, 1).agent.config.loss, "poisson");
  // The classic head's untrained slots would read as a reward of e^0 = 1 in a log: it keeps Huber.
  assert.equal(createPlatformDqn(sim, "classic", hyper, 1).agent.config.loss, "huber");
  assert.equal(createPlatformDqn(sim, "classic", { ...hyper, loss: "mse" }, 1).agent.config.loss, "mse");
  assert.throws(() => parseExperimentConfig({ sim: {}, dqn: { loss: "l1" } }), /dqn.*loss/);
  // A discount makes the default loss Huber (a log of rewards cannot bootstrap); Poisson asked for
  // with one is refused by name.
  assert.equal(parseExperimentConfig({ sim: {}, dqn: { gamma: 0.9 } }).dqn.loss, "huber");
  assert.equal(parseExperimentConfig({ sim: {}, dqn: { gammaPerHour: 0.5 } }).dqn.loss, "huber");
  assert.equal(parseExperimentConfig({ sim: {}, dqn: { gamma: 0.9, loss: "mse" } }).dqn.loss, "mse");
  assert.equal(parseExperimentConfig({ sim: {}, dqn: { gamma: 0.9, loss: "poisson" } }).dqn.loss, "poisson");
  assert.throws(() => createPlatformDqn(sim, "feature", { ...hyper, gamma: 0.9, loss: "poisson" }, 1), /loss "poisson" .* needs gamma 0 and gammaPerHour 0, got 0\.9 and 0/);
});

test("training runs cover training.days of the world's past whatever a run's length, unless seeds are given", () => {
  const runs = (json: unknown) => trainingRuns(parseExperimentConfig(json));
  assert.deepEqual(runs({ sim: { days: 7 } }), { seeds: Array.from({ length: 60 }, (_, i) => i + 1), episodes: 60 });
  assert.equal(runs({ sim: { days: 8 } }).seeds.length, 53, "420 days in runs of 8: 53 runs (the last one partly past 420)");
  assert.deepEqual(runs({ sim: { days: 3 }, training: { days: 10 } }), { seeds: [1, 2, 3, 4], episodes: 4 });
  assert.deepEqual(runs({ sim: { days: 3 }, training: { seeds: [5, 9] } }), { seeds: [5, 9], episodes: 2 });
  assert.deepEqual(runs({ sim: { days: 3 }, training: { seeds: [5, 9], episodes: 5 } }), { seeds: [5, 9], episodes: 5 });
  // A plain simulator config trains on the default 420 days too.
  assert.equal(runs({ days: 14 }).episodes, 30);
  assert.throws(() => parseExperimentConfig({ training: { days: 0 } }), /training\.days/);
});

test("exploration settles to a share of the training's decisions, so it scales with the platform", () => {
  const auto = { ...DEFAULT_PLATFORM_DQN, explorationDecisions: 0, explorationShare: 0.5 };
  const small = settleExploration(parseSimConfig({ users: 100, streamers: 20, days: 2 }), auto, 0, [1], 4);
  const large = settleExploration(parseSimConfig({ users: 200, streamers: 20, days: 2 }), auto, 0, [1], 4);
  assert.ok(small.explorationDecisions > 0);
  const ratio = large.explorationDecisions / small.explorationDecisions;
  assert.ok(ratio > 1.6 && ratio < 2.4, `twice the users: ${ratio}x the exploration`);
  assert.equal(settleExploration(parseSimConfig({ users: 100, streamers: 20, days: 2 }), { ...auto, explorationDecisions: 123 }, 0, [1], 4).explorationDecisions, 123);
  assert.throws(() => createPlatformDqn(parseSimConfig({ users: 100, streamers: 20, days: 1 }), "feature", auto, 1), /settle it first/);
});

test("trainEvery 0 settles to the decisions a day over updatesPerDay, so the updates per day of history stay the same at every size", () => {
  const auto = { ...DEFAULT_PLATFORM_DQN, explorationDecisions: 0, trainEvery: 0, updatesPerDay: 10 };
  const sim = (users: number) => parseSimConfig({ users, streamers: 20, days: 2 });
  const small = settleExploration(sim(100), auto, 0, [1], 4);
  const large = settleExploration(sim(200), auto, 0, [1], 4);
  // explorationShare of the decisions is settled beside it: the decisions over the 8 days, over 10.
  const decisions = (h: typeof small) => h.explorationDecisions / h.explorationShare;
  assert.equal(small.trainEvery, Math.max(1, Math.round(decisions(small) / 8 / 10)));
  assert.ok(small.trainEvery >= 1 && large.trainEvery > small.trainEvery, `twice the users, a step every ${large.trainEvery} decisions against ${small.trainEvery}`);
  const perDay = (h: typeof small) => decisions(h) / h.trainEvery / 8;
  assert.ok(Math.abs(perDay(large) / perDay(small) - 1) < 0.35, `about the same updates a day: ${perDay(small)} and ${perDay(large)}`);
  // The length of the training does not change the rhythm.
  assert.equal(settleExploration(sim(100), auto, 0, [1], 8).trainEvery, small.trainEvery);
  // A trainEvery given is kept, and an unsettled 0 is refused.
  assert.equal(settleExploration(sim(100), { ...auto, trainEvery: 3 }, 0, [1], 4).trainEvery, 3);
  assert.throws(() => createPlatformDqn(parseSimConfig({ users: 100, streamers: 20, days: 1 }), "feature", { ...auto, explorationDecisions: 10 }, 1), /trainEvery is 0/);
  assert.throws(() => parseExperimentConfig({ dqn: { updatesPerDay: 0 } }), /updatesPerDay/);
  assert.throws(() => parseExperimentConfig({ dqn: { trainEvery: -1 } }), /trainEvery/);
});

test("embeddingLrScale 0 settles by the visits of each user's row: 3 where rows are visited often, more (up to 6) where they are visited less", () => {
  assert.equal(embeddingLrScaleFor(10 * EMBEDDING_ROW_VISITS), EMBEDDING_LR_SCALE);
  assert.equal(embeddingLrScaleFor(EMBEDDING_ROW_VISITS), EMBEDDING_LR_SCALE);
  assert.ok(Math.abs(embeddingLrScaleFor(EMBEDDING_ROW_VISITS / 1.5) - 1.5 * EMBEDDING_LR_SCALE) < 1e-9, "rate x visits kept");
  assert.equal(embeddingLrScaleFor(1), EMBEDDING_LR_SCALE_MAX);
  assert.equal(embeddingLrScaleFor(0), EMBEDDING_LR_SCALE_MAX);
  const auto = { ...DEFAULT_PLATFORM_DQN, explorationDecisions: 0, trainEvery: 1, embeddingLrScale: 0 };
  const settle = (users: number, episodes: number) => settleExploration(parseSimConfig({ users, streamers: 20, days: 2 }), auto, 0, [1], episodes);
  // The visits the settled rhythm makes: the training's decisions over trainEvery, times the batch, over the users.
  const visits = (h: PlatformDqnHyper, users: number) => (h.explorationDecisions / h.explorationShare / h.trainEvery) * h.batchSize / users;
  const some = settle(100, 8);
  assert.ok(visits(some, 100) > EMBEDDING_ROW_VISITS / 2 && visits(some, 100) < EMBEDDING_ROW_VISITS, `a training between the bounds: ${visits(some, 100)} visits`);
  assert.ok(Math.abs(some.embeddingLrScale / embeddingLrScaleFor(visits(some, 100)) - 1) < 1e-3, `${some.embeddingLrScale}`);
  assert.ok(some.embeddingLrScale > EMBEDDING_LR_SCALE && some.embeddingLrScale < EMBEDDING_LR_SCALE_MAX);
  // Twice the users, each row visited half as often: a larger scale; a long training: the floor.
  assert.ok(settle(200, 8).embeddingLrScale > some.embeddingLrScale);
  assert.equal(settle(100, 40).embeddingLrScale, EMBEDDING_LR_SCALE);
  // A scale given is kept; an unsettled 0 is refused by the feature head (the classic head has no tables).
  assert.equal(settleExploration(parseSimConfig({ users: 100, streamers: 20, days: 2 }), { ...auto, embeddingLrScale: 2 }, 0, [1], 8).embeddingLrScale, 2);
  assert.throws(() => createPlatformDqn(sim, "feature", { ...hyper, embeddingLrScale: 0 }, 1), /embeddingLrScale is 0 .*settle it first/);
  assert.equal(createPlatformDqn(sim, "classic", { ...hyper, embeddingLrScale: 0 }, 1).agent.config.optimizer.embeddingLrScale, 1);
  assert.equal(parseExperimentConfig({}).dqn.embeddingLrScale, 0, "by the platform's size unless set");
});

test("gammaPerHour: each transition is discounted by the hours to the user's next decision (a session's next step a little, a visit days later nearly fully)", async () => {
  const perHour = { ...hyper, gammaPerHour: 0.5, loss: "huber" as const };
  const pd = createPlatformDqn(sim, "feature", perHour, 1);
  assert.equal(pd.agent.config.gamma, 0.5, "the agent bootstraps");
  assert.equal(pd.agent.replay.spec.nextStates, true);
  await trainOnPlatforms(pd, { world: 0, seeds: [1], episodes: 1 });
  const st = pd.agent.replay.getState();
  const kept: number[] = [];
  for (let r = 0; r < st.size; r++) if (st.dones[r] === 0) kept.push(st.discounts[r]);
  assert.ok(kept.length > 100);
  // Decisions come on ten-minute ticks: a discount is 0.5^(ticks / 6), at most 0.5^(1/6) (the next tick).
  assert.ok(kept.every((d) => d > 0 && d <= Math.fround(Math.pow(0.5, 1 / 6)) + 1e-7), "every discount in (0, 0.5^(1/6)]");
  assert.ok(kept.some((d) => d > 0.5) && kept.some((d) => d < 1e-3), `within the hour and days apart: ${Math.min(...kept)} .. ${Math.max(...kept)}`);
  // It replaces gamma per decision and needs nStep 1; it survives a checkpoint.
  assert.throws(() => createPlatformDqn(sim, "feature", { ...perHour, gamma: 0.9 }, 1), /gammaPerHour/);
  assert.throws(() => createPlatformDqn(sim, "feature", { ...perHour, nStep: 3 }, 1), /nStep 1/);
  assert.equal(restorePlatformDqn(platformDqnCheckpoint(pd)).hyper.gammaPerHour, 0.5);
  // The agent knows it discounts by the hour (stepDiscounts, gamma per hour); a plain one does not.
  assert.equal(pd.agent.config.stepDiscounts, true);
  assert.equal(createPlatformDqn(sim, "feature", hyper, 1).agent.config.stepDiscounts, false);
  assert.throws(() => parseExperimentConfig({ dqn: { gammaPerHour: 2 } }), /gammaPerHour/);
});

/** The whole agent of `there` (a checkpoint, as a worker hands it back) is `here`'s, bit for bit: every array's bytes, and the metadata. */
function assertSameAgent(there: CheckpointBundle, here: PlatformDqn): void {
  const a = platformDqnCheckpoint(here), b = platformDqnCheckpoint(restorePlatformDqn(there));
  const bytes = (x: StoredArray) => new Uint8Array(x.buffer, x.byteOffset, x.byteLength);
  assert.deepEqual(Object.keys(b.arrays).sort(), Object.keys(a.arrays).sort());
  for (const key of Object.keys(a.arrays)) {
    assert.equal(b.arrays[key].constructor, a.arrays[key].constructor, `${key}'s type differs`);
    assert.deepEqual(bytes(b.arrays[key]), bytes(a.arrays[key]), `${key} differs`);
  }
  assert.deepEqual(b.meta, a.meta);
}

test("a worker thread trains exactly as this thread does and hands back the whole agent (weights, target, Adam, replay)", async () => {
  const { trainInWorker } = await import("../../src/train/parallel-training.js");
  const job = { sim, head: "feature" as const, hyper, agentSeed: 3, world: 0, seeds: [1], episodes: 1 };
  const here = createPlatformDqn(sim, "feature", hyper, 3);
  await trainOnPlatforms(here, { world: 0, seeds: [1], episodes: 1 });
  assert.ok(here.agent.replay.size > 0 && here.agent.updates > 0);
  assertSameAgent((await trainInWorker(job)).bundle, here);
});

test("dqn.averageShare in a worker thread: the same averaged agent as this thread's, bit for bit, also going on from a checkpoint inside the averaging window", async () => {
  const { trainInWorker } = await import("../../src/train/parallel-training.js");
  const averaging = { ...hyper, averageShare: 0.5 };
  const episodes = 4, seeds = [1, 2];
  const here = createPlatformDqn(sim, "feature", averaging, 6);
  await trainOnPlatforms(here, { world: 0, seeds, episodes });
  assert.equal(here.average?.count, 2, "averaged over episodes 3 and 4");
  // Checkpointed after every episode but the last: after episode 3 the sum holds one snapshot.
  const checkpoints = new Map<number, CheckpointBundle>();
  const job = { sim, head: "feature" as const, hyper: averaging, agentSeed: 6, world: 0, seeds, episodes, checkpointEveryMs: 0 };
  const there = await trainInWorker(job, { onCheckpoint: (bundle, done) => void checkpoints.set(done, bundle) });
  assert.deepEqual([...checkpoints.keys()], [1, 2, 3]);
  assertSameAgent(there.bundle, here);
  // The agent handed back serves the mean (its target too), not its last weights.
  const back = restorePlatformDqn(there.bundle);
  assert.deepEqual(back.agent.online.exportParams(), back.average!.mean());
  assert.deepEqual(back.agent.target.exportParams(), back.average!.mean());
  const average = (b: CheckpointBundle) => b.meta.average as { count: number; from: number };
  assert.deepEqual(average(checkpoints.get(2)!), { count: 0, from: -1 });
  assert.deepEqual(average(checkpoints.get(3)!), { count: 1, from: 2 });
  // Another worker goes on from the checkpoint after episode 3 to the same agent.
  const resumed = await trainInWorker({ ...job, resume: { bundle: checkpoints.get(3)!, episodes: 3 } });
  assert.equal(resumed.episodes, episodes);
  assertSameAgent(resumed.bundle, here);
});

test("action dropout (dqn.actionDropout): the training draws it from the agent's own stream (same seed, same agent), changes what is learned, and leaves a streamer only ever dropped untrained", async () => {
  const train = async (actionDropout: number) => {
    const pd = createPlatformDqn(sim, "feature", { ...hyper, actionDropout }, 2);
    await trainOnPlatforms(pd, { world: 0, seeds: [1], episodes: 1 });
    return platformDqnCheckpoint(pd);
  };
  const [a, b, none] = [await train(0.3), await train(0.3), await train(0)];
  for (const key of Object.keys(a.arrays)) assert.deepEqual(a.arrays[key], b.arrays[key], `${key} differs between two runs of one seed`);
  assert.notDeepEqual(a.arrays["online.params"], none.arrays["online.params"]);
  // Nearly every row dropped: streamers stay untrained (b_a exactly 0) far more often.
  const untrained = (bundle: typeof a, pd = restorePlatformDqn(bundle)) => {
    const q = pd.agent.online as unknown as { head: Float32Array; actions: number; embedding: number };
    let n = 0;
    for (let s = 0; s < q.actions; s++) if (q.head[q.actions * q.embedding + s] === 0) n++;
    return n;
  };
  assert.ok(untrained(await train(0.95)) > untrained(none), "dropped rows must not train their streamer's own part");
  assert.throws(() => parseExperimentConfig({ dqn: { actionDropout: 1 } }), /actionDropout/);
});

test("dqn.embeddingLrScale reaches the feature head's optimizer (changing what is learned), and a checkpoint written before it existed restores at 1", async () => {
  const train = async (embeddingLrScale: number) => {
    const pd = createPlatformDqn(sim, "feature", { ...hyper, embeddingLrScale }, 2);
    assert.equal(pd.agent.config.optimizer.embeddingLrScale, embeddingLrScale);
    await trainOnPlatforms(pd, { world: 0, seeds: [1], episodes: 1 });
    return platformDqnCheckpoint(pd);
  };
  const [one, three] = [await train(1), await train(3)];
  assert.notDeepEqual(three.arrays["online.params"], one.arrays["online.params"]);
  assert.equal(restorePlatformDqn(three).hyper.embeddingLrScale, 3);
  // Served with other settings: the same weights, the bonus and rate said alike in both places.
  const served = restorePlatformDqn(withServingSettings(three, { coldStartBonus: 1.5, lr: 1e-3 }));
  assert.equal(served.hyper.coldStartBonus, 1.5);
  assert.equal(served.agent.config.network.coldStartBonus, 1.5);
  assert.equal(served.agent.config.optimizer.lr, 1e-3);
  assert.deepEqual(served.agent.online.exportParams(), restorePlatformDqn(three).agent.online.exportParams());
  assert.equal(restorePlatformDqn(withServingSettings(three, {})).hyper.coldStartBonus, hyper.coldStartBonus);
  // An older checkpoint: neither its hyper-parameters nor its agent's optimizer name the key.
  const meta = one.meta as { platform: { hyper: Record<string, unknown> }; config: { optimizer: Record<string, unknown> } };
  const { embeddingLrScale: _h, ...oldHyper } = meta.platform.hyper;
  const { embeddingLrScale: _o, ...oldOptimizer } = meta.config.optimizer;
  const old = { ...one, meta: { ...one.meta, platform: { ...meta.platform, hyper: oldHyper }, config: { ...meta.config, optimizer: oldOptimizer } } };
  const back = restorePlatformDqn(old);
  assert.equal(back.hyper.embeddingLrScale, 1);
  assert.equal(back.hyper.actionDropout, hyper.actionDropout, "a key the checkpoint names is kept");
  // Older still (before session 10): no action dropout either, which then means none.
  const net = (meta.config as unknown as { network: Record<string, unknown> }).network;
  const { actionDropout: _d, ...olderHyper } = oldHyper;
  const { actionDropout: _n, ...olderNetwork } = net;
  const older = { ...old, meta: { ...old.meta, platform: { ...meta.platform, hyper: olderHyper }, config: { ...meta.config, optimizer: oldOptimizer, network: olderNetwork } } };
  const backOlder = restorePlatformDqn(older);
  assert.equal(backOlder.hyper.actionDropout, 0);
  assert.equal(backOlder.agent.config.network.actionDropout, 0);
  assert.equal(back.agent.config.optimizer.embeddingLrScale, 1);
  // The classic head has no embedding tables: its optimizer keeps the default whatever the key.
  assert.equal(createPlatformDqn(sim, "classic", { ...hyper, embeddingLrScale: 3 }, 2).agent.config.optimizer.embeddingLrScale, 1);
  assert.throws(() => parseExperimentConfig({ dqn: { embeddingLrScale: -1 } }), /embeddingLrScale/);
  // Without a per-streamer part there is nothing to drop: the dropout's default is then none.
  const plain = parseExperimentConfig({ dqn: { actionEmbeddings: false } }).dqn;
  assert.equal(plain.actionDropout, 0);
  assert.throws(() => createPlatformDqn(sim, "feature", { ...hyper, actionEmbeddings: false, actionDropout: 0.25 }, 2), /set dqn\.actionDropout 0/);
});

test("dqn.averageShare: the agent ends with the mean of its weights after each of the last episodes, a training interrupted in that window resumes to the same mean, and older checkpoints restore without", async () => {
  const episodes = 4, seeds = [1, 2];
  // Averaging changes nothing before the last episode ends, so a training without it passes
  // through the same weights: its snapshots after episodes 3 and 4 are what the mean is of.
  const plain = createPlatformDqn(sim, "feature", { ...hyper, averageShare: 0 }, 2);
  assert.equal(plain.average, null);
  const snapshots: Float32Array[] = [];
  await trainOnPlatforms(plain, { world: 0, seeds, episodes, onEpisode: () => snapshots.push(plain.agent.online.exportParams()) });
  const want = new Float32Array(snapshots[0].length);
  for (let i = 0; i < want.length; i++) want[i] = (snapshots[2][i] + snapshots[3][i]) / 2;
  assert.notDeepEqual(want, snapshots[3]);

  const averaged = createPlatformDqn(sim, "feature", { ...hyper, averageShare: 0.5 }, 2);
  await trainOnPlatforms(averaged, { world: 0, seeds, episodes });
  assert.deepEqual(averaged.agent.online.exportParams(), want);
  assert.deepEqual(averaged.agent.target.exportParams(), want, "the target takes the mean too");
  assert.equal(averaged.average?.count, 2);

  // Stopped after episode 3 (inside the window), checkpointed, restored and finished.
  const first = createPlatformDqn(sim, "feature", { ...hyper, averageShare: 0.5 }, 2);
  let done = 0;
  const r = await trainOnPlatforms(first, { world: 0, seeds, episodes, onEpisode: (e) => (done = e), shouldStop: () => done === 3 });
  assert.deepEqual(r, { episodes: 3, stopped: true });
  const stored = platformDqnCheckpoint(first);
  assert.equal((stored.meta.average as { count: number }).count, 1);
  const resumed = restorePlatformDqn(stored);
  await trainOnPlatforms(resumed, { world: 0, seeds, episodes, startEpisode: 3 });
  assert.deepEqual(resumed.agent.online.exportParams(), want);

  // A checkpoint written before averaging existed: none, whatever the default.
  const meta = stored.meta as { platform: { hyper: Record<string, unknown> } };
  const { averageShare: _a, ...oldHyper } = meta.platform.hyper;
  const { average: _m, ...oldMeta } = stored.meta;
  const { "average.sum": _s, ...oldArrays } = stored.arrays;
  const old = restorePlatformDqn({ ...stored, arrays: oldArrays, meta: { ...oldMeta, platform: { ...meta.platform, hyper: oldHyper } } });
  assert.equal(old.hyper.averageShare, 0);
  assert.equal(old.average, null);
  // A stored average that does not fit is refused by name.
  assert.throws(() => restorePlatformDqn({ ...stored, arrays: oldArrays }), /average\.sum/);
  assert.throws(() => parseExperimentConfig({ dqn: { averageShare: 1.5 } }), /averageShare/);
});

test("finishEpisode: told to stop mid-episode, the training finishes that episode, and its checkpoint resumes to exactly the training that never stopped", async () => {
  const episodes = 3, seeds = [1, 2];
  const whole = createPlatformDqn(sim, "feature", hyper, 4);
  await trainOnPlatforms(whole, { world: 0, seeds, episodes });

  const first = createPlatformDqn(sim, "feature", hyper, 4);
  let stopAsked = -1;
  const r = await trainOnPlatforms(first, {
    world: 0, seeds, episodes, finishEpisode: true,
    // Asked to stop at the fifth hour of the second episode: it runs to that episode's end.
    onPoint: (p) => { if (p.episode === 1 && p.tick >= 5 * 6 && stopAsked < 0) stopAsked = p.tick; },
    shouldStop: () => stopAsked >= 0,
  });
  assert.ok(stopAsked > 0, "the stop must be asked for within the episode");
  assert.deepEqual(r, { episodes: 2, stopped: true });
  const resumed = restorePlatformDqn(platformDqnCheckpoint(first));
  await trainOnPlatforms(resumed, { world: 0, seeds, episodes, startEpisode: 2 });
  const a = platformDqnCheckpoint(whole), b = platformDqnCheckpoint(resumed);
  for (const key of Object.keys(a.arrays)) assert.deepEqual(b.arrays[key], a.arrays[key], `${key} differs`);

  // Without it, the run stops between two ticks: the unfinished episode is not counted.
  const cut = createPlatformDqn(sim, "feature", hyper, 4);
  let asked = false;
  const c = await trainOnPlatforms(cut, { world: 0, seeds, episodes, onPoint: (p) => { if (p.episode === 1 && p.tick >= 5 * 6) asked = true; }, shouldStop: () => asked });
  assert.deepEqual(c, { episodes: 1, stopped: true });
});
