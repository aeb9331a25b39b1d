import { test } from "node:test";
import assert from "node:assert/strict";
import { gridPoints, prepareBaselines, prepareBaselinesAsync, tuningRuns } from "../../../src/policies/baselines/tuning.js";
import { LinUcbPolicy } from "../../../src/policies/baselines/linucb.js";
import { tuneInWorker } from "../../../src/policies/baselines/tuning-worker.js";
import { parseSimConfig } from "../../../src/sim/config.js";
import { Platform } from "../../../src/sim/platform.js";
import { runPolicy } from "../../../src/sim/policy.js";

const config = parseSimConfig({ users: 150, streamers: 25, days: 2 });

test("gridPoints enumerates the cartesian product, the last parameter fastest", () => {
  assert.deepEqual(gridPoints({ a: [1, 2], b: [10, 20, 30] }), [
    { a: 1, b: 10 }, { a: 1, b: 20 }, { a: 1, b: 30 }, { a: 2, b: 10 }, { a: 2, b: 20 }, { a: 2, b: 30 },
  ]);
  assert.deepEqual(gridPoints({}), [{}]);
  assert.throws(() => gridPoints({ a: [] }), /"a" lists no values/);
});

test("tuning picks the best setting on the training seeds, says how, and warm-starts LinUCB", () => {
  const grids = { pop: { halfLifeDays: [0, 0.5] }, linucb: { alpha: [0, 1], lambda: [1] } };
  const progress: number[] = [];
  const prepared = prepareBaselines(["rep", "pop", "linucb"], {
    config, trainSeeds: [101, 102], grids, onProgress: (done, total) => progress.push(done / total),
  });
  assert.equal(tuningRuns(["rep", "pop", "linucb"], { trainSeeds: [101, 102], grids }), 8);
  assert.deepEqual(progress, [1, 2, 3, 4, 5, 6, 7, 8].map((k) => k / 8));
  const [rep, pop, lin] = prepared;

  assert.deepEqual(rep.tuning.results, []);
  assert.match(rep.tuning.summary, /^rep: nothing to tune\.$/);

  for (const b of [pop, lin]) {
    const rewards = b.tuning.results.map((r) => r.reward_per_user_day);
    const best = rewards.indexOf(Math.max(...rewards));
    assert.deepEqual(b.params, { ...b.params, ...b.tuning.results[best].params }, `${b.name} uses the best setting`);
    assert.deepEqual(b.tuning.trainSeeds, [101, 102]);
    for (const r of b.tuning.results) assert.equal(r.perSeed.length, 2);
    assert.match(b.tuning.summary, /by mean reward per user-day on training seeds 101, 102/);
  }
  // a tuned score is what a run of that setting on the training seeds gives
  const again = runPolicy(new Platform(config, 101), pop.create(0)).metrics.reward_per_user_day;
  const chosen = pop.tuning.results.find((r) => r.params.halfLifeDays === pop.params.halfLifeDays)!;
  assert.equal(again, chosen.perSeed[0]);

  assert.equal(lin.tuning.warmStarted, true);
  const a = lin.create(1) as LinUcbPolicy, b = lin.create(1) as LinUcbPolicy;
  assert.ok(a.model!.updates > 0, "starts from what it learned on the training seeds");
  runPolicy(new Platform(config, 500), a);
  assert.ok(a.model!.updates > b.model!.updates, "each evaluation run has its own copy");
  assert.deepEqual(JSON.parse(JSON.stringify(lin.tuning)), lin.tuning, "the record is plain JSON");
});

test("tuning is deterministic, and refuses a bad grid or no training seed", () => {
  const once = () => prepareBaselines(["bpr-mf"], { config, trainSeeds: [7], grids: { "bpr-mf": { factors: [4, 8] } } })[0].tuning;
  assert.deepEqual(once(), once());
  assert.throws(() => prepareBaselines(["pop"], { config, trainSeeds: [] }), /needs at least one training seed/);
  assert.throws(() => prepareBaselines(["pop"], { config, trainSeeds: [1], grids: { pop: { decay: [1] } } }), /policy "pop" has no parameter "decay"/);
  assert.throws(() => prepareBaselines(["nope"], { config, trainSeeds: [1] }), /unknown policy "nope"/);
});

test("a learner from logs with a window starts evaluation from the latest runs only (BPR-MF: 28 days)", () => {
  const cfg = parseSimConfig({ users: 60, streamers: 15, days: 14 });
  const seeds = [101, 102, 103, 104];
  const [pop, bpr] = prepareBaselines(["pop", "bpr-mf"], {
    config: cfg, world: 7, trainSeeds: seeds, tuneSeeds: 1, grids: { pop: { halfLifeDays: [0] }, "bpr-mf": { factors: [4], epochs: [1] } },
  });
  assert.match(pop.tuning.summary, /evaluation starts from the \d+ viewings it logged over training seeds 101, 102, 103, 104\./);
  // 28 days of 14-day runs: the last two.
  assert.match(bpr.tuning.summary, /evaluation starts from the \d+ viewings it logged in the last 2 training runs \(seeds 103, 104; its log window\)\./);
  const rows = (b: typeof pop) => Number(/starts from the (\d+) viewings/.exec(b.tuning.summary)![1]);
  assert.ok(rows(bpr) > 0 && rows(bpr) < rows(pop), `${rows(bpr)} of the last two runs, ${rows(pop)} of all four`);
});

test("in one world LinUCB carries the users' past from its training runs to evaluation; across worlds it has none", () => {
  const seeds = [101, 102, 103];
  const [lin] = prepareBaselines(["linucb"], { config, world: 3, trainSeeds: seeds, tuneSeeds: 1, grids: { linucb: { alpha: [0, 0.3], lambda: [1] } } });
  const a = lin.create(1) as LinUcbPolicy, b = lin.create(1) as LinUcbPolicy;
  assert.equal(a.past!.weeks, seeds.length, "every training run of the winner joined the past");
  assert.match(lin.tuning.summary, /, and the users. past of its 3 training runs\.$/);
  let total = 0;
  for (const x of a.past!.minutes) total += x;
  assert.ok(total > 0);
  runPolicy(new Platform(config, 900, { world: 3 }), a);
  assert.deepEqual(a.past!.minutes, b.past!.minutes, "evaluation reads the past, never grows it");
  assert.equal(a.model!.dims, b.model!.dims);
  const [noWorld] = prepareBaselines(["linucb"], { config, trainSeeds: [101], grids: { linucb: { alpha: [0], lambda: [1] } } });
  assert.equal((noWorld.create(1) as LinUcbPolicy).past, null, "user indices mean nothing across worlds");
});

test("with pairPast LinUCB also carries each pair's record from its training runs to evaluation, and evaluation only reads it", () => {
  const seeds = [101, 102, 103];
  const [lin] = prepareBaselines(["linucb"], { config, world: 3, trainSeeds: seeds, tuneSeeds: 1, grids: { linucb: { alpha: [0, 0.3], lambda: [1] } }, pairPast: true });
  const a = lin.create(1) as LinUcbPolicy, b = lin.create(1) as LinUcbPolicy;
  assert.equal(a.pairPast!.weeks, seeds.length, "every training run of the winner joined the pairs' past");
  assert.match(lin.tuning.summary, /, and the users. and the pairs. past of its 3 training runs\.$/);
  assert.ok(a.pairPast!.recs.some((x) => x > 0) && a.pairPast!.views.some((x) => x > 0));
  const recs = a.pairPast!.recs.slice();
  const week = new Platform(config, 900, { world: 3 });
  runPolicy(week, a);
  a.endRun(week);
  assert.deepEqual(a.pairPast!.recs, recs, "a policy given the pairs' past reads it, never grows it");
  assert.equal(a.model!.dims, b.model!.dims);
  const [plain] = prepareBaselines(["linucb"], { config, world: 3, trainSeeds: seeds, tuneSeeds: 1, grids: { linucb: { alpha: [0], lambda: [1] } } });
  assert.equal((plain.create(1) as LinUcbPolicy).pairPast, null, "off by default");
  assert.equal((plain.create(1) as LinUcbPolicy).model!.dims + 3, a.model!.dims);
});

test("a baseline tuned in a worker thread is the one tuned here (BPR-MF with its log); LinUCB, which keeps a model, is refused", async () => {
  const cfg = parseSimConfig({ users: 60, streamers: 15, days: 7 });
  const options = { config: cfg, world: 7, trainSeeds: [101, 102, 103], tuneSeeds: 1, grids: { "bpr-mf": { factors: [4, 8], epochs: [1] } } };
  const away = await tuneInWorker({ name: "bpr-mf", options });
  const [here] = prepareBaselines(["bpr-mf"], options);
  assert.deepEqual(away.tuning, here.tuning);
  assert.deepEqual(away.params, here.params);
  const run = (b: typeof here) => runPolicy(new Platform(cfg, 900, { world: 7 }), b.create(5)).metrics;
  assert.deepEqual(run(away), run(here));
  await assert.rejects(tuneInWorker({ name: "linucb", options }), /keeps a model or the users' past/);
});

test("prepareBaselinesAsync tunes as prepareBaselines does, turning the event loop between runs, and stops when aborted", async () => {
  const options = { config, trainSeeds: [101, 102], grids: { linucb: { alpha: [0, 1], lambda: [1] } } };
  const sync = prepareBaselines(["rep", "linucb"], options);
  let turns = 0;
  const ticker = setInterval(() => turns++, 0);
  const tuned = await prepareBaselinesAsync(["rep", "linucb"], options);
  clearInterval(ticker);
  assert.deepEqual(tuned.map((b) => b.tuning), sync.map((b) => b.tuning));
  assert.ok(turns > 0, "timers ran while it tuned");
  const stop = new AbortController();
  let runs = 0;
  const stopped = prepareBaselinesAsync(["linucb"], { ...options, onProgress: () => ++runs === 2 && stop.abort() }, stop.signal);
  await assert.rejects(stopped, { name: "AbortError" });
  assert.equal(runs, 2);
});
