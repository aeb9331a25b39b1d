import { test } from "node:test";
import assert from "node:assert/strict";
import { interactionLogFromRows, type InteractionRow } from "../../../src/data/interaction-log.js";
import { LiveRecProtocol } from "../../../src/eval/offline/liverec-protocol.js";
import type { OfflineRanker, TargetContext } from "../../../src/eval/offline/offline-ranker.js";
import { PopularityRanker } from "../../../src/policies/offline/popularity.js";
import { RepeatRanker } from "../../../src/policies/offline/repeat.js";
import { MfBprRanker } from "../../../src/policies/offline/mf-bpr.js";
import { offlinePolicies, OfflinePolicyRegistry } from "../../../src/policies/offline/registry.js";
import { Rng } from "../../../src/core/random/rng.js";

// Window length 10, T = 40: test 31..40, validation 21..30, training ..20.
const rows: InteractionRow[] = [
  // popularity before the test window: a 4, b 2 (with u's), c 3 (with u's); before validation: a 2
  { user: "p", streamer: "a", start: 1 },
  { user: "q", streamer: "a", start: 2 },
  { user: "r", streamer: "a", start: 25 },
  { user: "p", streamer: "b", start: 3 },
  { user: "q", streamer: "a", start: 22 },
  { user: "p", streamer: "c", start: 4 },
  // d is hugely popular inside the test window only: POP must not see it
  ...Array.from({ length: 5 }, (_, i) => ({ user: `d${i}`, streamer: "d", start: 35 })),
  // the user under test: watched c twice, b once; target at 36
  { user: "u", streamer: "c", start: 5 },
  { user: "u", streamer: "c", start: 6 },
  { user: "u", streamer: "b", start: 7 },
  { user: "u", streamer: "b", start: 36 },
];
const log = interactionLogFromRows(rows);
const sid = (name: string) => log.streamerIds.indexOf(name);

function scoresFor(ranker: { score(ctx: TargetContext, c: Int32Array, out: Float64Array): void }, ctx: TargetContext, names: string[]): number[] {
  const cand = Int32Array.from(names.map(sid));
  const out = new Float64Array(cand.length);
  ranker.score(ctx, cand, out);
  return [...out];
}

test("POP counts interactions before the evaluated window, the same for everyone", () => {
  const p = new LiveRecProtocol(log, { windowLength: 10 });
  const pop = new PopularityRanker();
  pop.fit(p.trainView("test"));
  const ctx: TargetContext = { user: 0, step: 36, historyStreamers: new Int32Array(0), historySteps: new Int32Array(0) };
  assert.deepEqual(scoresFor(pop, ctx, ["a", "b", "c", "d"]), [4, 2, 3, 0]); // c: p at 4, u at 5 and 6
  pop.fit(p.trainView("validation")); // only before step 21
  assert.deepEqual(scoresFor(pop, ctx, ["a", "b", "c", "d"]), [2, 2, 3, 0]);
});

test("REP ranks by the user's own count, then by popularity", async () => {
  const p = new LiveRecProtocol(log, { windowLength: 10, availWindow: 40 });
  const rep = new RepeatRanker();
  rep.fit(p.trainView("test"));
  const ctx: TargetContext = { user: log.userIds.indexOf("u"), step: 36, historyStreamers: Int32Array.from([sid("c"), sid("c"), sid("b")]), historySteps: Int32Array.from([5, 6, 7]) };
  const [a, b, c, d] = scoresFor(rep, ctx, ["a", "b", "c", "d"]);
  assert.ok(c > b && b > a && a > d, `c (2 views) > b (1 view, pop 2) > a (0, pop 4) > d (0, pop 0): ${[a, b, c, d]}`);
  // the scratch counts are cleared between targets
  const empty: TargetContext = { ...ctx, historyStreamers: new Int32Array(0), historySteps: new Int32Array(0) };
  const [a2, b2, c2] = scoresFor(rep, empty, ["a", "b", "c"]);
  assert.deepEqual([a2, b2, c2], [4, 2, 3]);
  // end to end: u's target b ranks second behind c
  const ev = await p.evaluate("test", [new RepeatRanker(), new PopularityRanker()]);
  const iu = [...p.targets("test").user].indexOf(log.userIds.indexOf("u"));
  assert.equal(ev.ranks.rep[iu], 1);
  assert.equal(ev.ranks.pop[iu], 2); // a (4) and c (3) beat b (2); d (0) does not
});

/** Two communities: users 0-9 watch streamers 0-4, users 10-19 watch 5-9, all live all the time. */
function communityLog(seed: number): InteractionRow[] {
  const rng = new Rng(seed);
  const out: InteractionRow[] = [];
  for (let t = 0; t < 60; t++) {
    for (let s = 0; s < 10; s++) out.push({ user: `bg${s}`, streamer: `s${s}`, start: t }); // keeps all live
    for (let k = 0; k < 4; k++) {
      const u = rng.int(20);
      const s = (u < 10 ? 0 : 5) + rng.int(5);
      out.push({ user: `u${u}`, streamer: `s${s}`, start: t });
    }
  }
  return out;
}

test("MF-BPR learns who watches whom, and is deterministic for a seed", async () => {
  const l = interactionLogFromRows(communityLog(1));
  const p = new LiveRecProtocol(l, { windowLength: 10, availWindow: 0, seed: 4 });
  const config = { factors: 8, regularization: 1e-3, negatives: "available" as const, learningRate: 0.05, epochs: 30 };
  const mf = new MfBprRanker({ config });
  await mf.fit(p.trainView("test"));
  const inCommunity = (u: number) => {
    const cand = Int32Array.from({ length: 10 }, (_, i) => l.streamerIds.indexOf(`s${i}`));
    const out = new Float64Array(10);
    mf.score({ user: l.userIds.indexOf(`u${u}`), step: 55, historyStreamers: new Int32Array(0), historySteps: new Int32Array(0) }, cand, out);
    const own = u < 10 ? out.slice(0, 5) : out.slice(5);
    const other = u < 10 ? out.slice(5) : out.slice(0, 5);
    return Math.min(...own) > Math.max(...other);
  };
  const learned = Array.from({ length: 20 }, (_, u) => inCommunity(u)).filter(Boolean).length;
  assert.ok(learned >= 18, `${learned}/20 users rank their community's streamers first`);

  const again = new MfBprRanker({ config });
  await again.fit(p.trainView("test"));
  const a = await p.score("test", [mf]).ranks.mf;
  const b = await p.score("test", [again]).ranks.mf;
  assert.deepEqual([...a], [...b]);
});

test("MF-BPR chooses its configuration on the validation window only", async () => {
  const l = interactionLogFromRows(communityLog(2));
  const p = new LiveRecProtocol(l, { windowLength: 10, availWindow: 0 });
  const checks: string[] = [];
  const chosen: string[] = [];
  const grid = { factors: [2, 8], regularization: [1e-3], negatives: ["available" as const], learningRate: 0.05 };
  const mf = new MfBprRanker({ grid, maxEpochs: 10, checkEvery: 5, onCheck: (m) => checks.push(m), onChosen: (m) => chosen.push(m) });
  const view = p.trainView("test");
  const selection = view.selection!;
  let validationCalls = 0;
  const counted = { ...view, selection: { ...selection, evaluate: (r: OfflineRanker) => (validationCalls++, selection.evaluate(r)) } };
  await mf.fit(counted);
  assert.equal(validationCalls, 4, "2 configurations x 2 checks");
  assert.equal(checks.length, 4);
  assert.equal(mf.selection!.tried, 4);
  assert.ok([2, 8].includes(mf.selection!.config.factors));
  assert.ok([5, 10].includes(mf.selection!.config.epochs));
  assert.match(chosen[0], /^mf: chose factors=\d+ regularization=0.001 negatives=available epochs=\d+ \(validation ndcg@10 \d\.\d{4}, 4 checks\)$/);
  const best = Math.max(...checks.map((c) => Number(/ndcg@10 ([\d.]+)/.exec(c)![1])));
  assert.equal(mf.selection!.validationNdcg10.toFixed(4), best.toFixed(4));
  await assert.rejects(new MfBprRanker({ grid }).fit({ ...view, selection: null }), /no fixed configuration and no validation window/);
});

test("the policy registry: known names, clear errors, room for more", () => {
  assert.deepEqual(offlinePolicies.names(), ["pop", "rep", "mf", "dqn"]);
  assert.deepEqual(offlinePolicies.parseList("pop, REP,mf"), ["pop", "rep", "mf"]);
  assert.throws(() => offlinePolicies.parseList("pop,xyz"), /unknown policy "xyz"; known policies: pop, rep, mf, dqn/);
  assert.throws(() => offlinePolicies.parseList("pop,pop"), /listed twice/);
  assert.throws(() => offlinePolicies.parseList(" , "), /no policy given/);
  const reg = new OfflinePolicyRegistry().register("const", "always zero", () => ({ name: "const", fit: () => {}, score: () => {} }));
  assert.equal(reg.create("const", { seed: 0, progress: false }).name, "const");
  assert.throws(() => reg.register("const", "again", () => new PopularityRanker()), /already registered/);
  assert.throws(() => reg.register("Bad Name", "x", () => new PopularityRanker()), /lower-case word/);
  assert.equal(offlinePolicies.create("rep", { seed: 0, progress: false }).name, "rep");
});
