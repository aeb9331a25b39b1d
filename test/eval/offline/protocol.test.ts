import { test } from "node:test";
import assert from "node:assert/strict";
import { interactionLogFromRows, type InteractionRow } from "../../../src/data/interaction-log.js";
import { LiveRecProtocol } from "../../../src/eval/offline/liverec-protocol.js";
import type { OfflineRanker, TargetContext } from "../../../src/eval/offline/offline-ranker.js";

/** A ranker that records what it is shown and scores by a given function. */
function spy(name: string, scoreOf: (streamer: string, ctx: TargetContext) => number, streamerIds: string[]) {
  const seen: Array<{ user: number; step: number; history: string[]; historySteps: number[]; candidates: string[] }> = [];
  const ranker: OfflineRanker = {
    name,
    fit: () => {},
    score(ctx, candidates, out) {
      seen.push({
        user: ctx.user,
        step: ctx.step,
        history: [...ctx.historyStreamers].map((s) => streamerIds[s]),
        historySteps: [...ctx.historySteps],
        candidates: [...candidates].map((s) => streamerIds[s]),
      });
      for (let i = 0; i < candidates.length; i++) out[i] = scoreOf(streamerIds[candidates[i]], ctx);
    },
  };
  return { ranker, seen };
}

// Window length 10 and T = 30: test = steps 21..30, validation = 11..20, training = ..10.
const rows: InteractionRow[] = [
  { user: "D", streamer: "q", start: 28 }, // D's rows are out of order in the file
  { user: "A", streamer: "x", start: 25 },
  { user: "A", streamer: "y", start: 25 }, // same step as the row above, later in the file: A's test target
  { user: "A", streamer: "z", start: 10 },
  { user: "B", streamer: "x", start: 30 },
  { user: "B", streamer: "y", start: 5 },
  { user: "B", streamer: "x", start: 12 },
  { user: "C", streamer: "z", start: 3 },
  { user: "D", streamer: "w", start: 15 },
  { user: "E", streamer: "x", start: 20 }, // last step of validation
  { user: "F", streamer: "z", start: 21 }, // first step of test
];
const log = interactionLogFromRows(rows);

test("windows: T is the largest step, test = (T-250, T], validation the 250 before (here 10)", () => {
  const p = new LiveRecProtocol(log, { windowLength: 10 });
  assert.equal(p.lastStep, 30);
  const test = p.targets("test"), val = p.targets("validation");
  assert.deepEqual([test.first, test.last], [21, 30]);
  assert.deepEqual([val.first, val.last], [11, 20]);
  const users = (t: typeof test) => [...t.user].map((u) => log.userIds[u]);
  const streamers = (t: typeof test) => [...t.streamer].map((s) => log.streamerIds[s]);
  // one target per user with an interaction in the window, sorted by step
  assert.deepEqual(users(test), ["F", "A", "D", "B"]);
  assert.deepEqual([...test.step], [21, 25, 28, 30]);
  assert.deepEqual(streamers(test), ["z", "y", "q", "x"]);
  assert.deepEqual([...test.repeat], [0, 0, 0, 1]);
  assert.deepEqual(users(val), ["B", "D", "E"]);
  assert.deepEqual(streamers(val), ["x", "w", "x"]);
  assert.deepEqual([...val.repeat], [0, 0, 0]);
});

test("the ranker sees the user's history in (step, file) order, up to the target, and every available streamer", async () => {
  const p = new LiveRecProtocol(log, { windowLength: 10, availWindow: 100 });
  const { ranker, seen } = spy("spy", () => 0, log.streamerIds);
  const ev = await p.evaluate("test", [ranker]);
  assert.deepEqual(ev.targets, { all: 4, new: 3, rep: 1 });
  assert.equal(ev.repeatRatio, 0.25);
  const byUser = Object.fromEntries(seen.map((s) => [log.userIds[s.user], s]));
  assert.deepEqual(byUser.A.history, ["z", "x"]); // x at 25 comes before y at 25 (file order)
  assert.deepEqual(byUser.A.historySteps, [10, 25]);
  assert.deepEqual(byUser.B.history, ["y", "x"]);
  assert.deepEqual(byUser.D.history, ["w"]);
  assert.deepEqual(byUser.F.history, []);
  // W = 100 makes everything that started at or before the target step available
  assert.deepEqual(byUser.F.candidates.sort(), ["q", "w", "x", "y", "z"].filter((s) => rows.some((r) => r.streamer === s && r.start <= 21)).sort());
  assert.ok(!byUser.F.candidates.includes("q"), "q starts at 28, after F's target step");
  // constant scores: every target ranks last among its candidates (ties count against it)
  seen.forEach((s, i) => assert.equal(ev.ranks.spy[i], s.candidates.length - 1));
});

test("availability without stop steps: a streamer is live at t when an interaction with it starts in [t - W, t]", async () => {
  const r: InteractionRow[] = [
    { user: "u", streamer: "target", start: 100 },
    { user: "v", streamer: "edge", start: 98 }, // t - W with W = 2: available
    { user: "v", streamer: "old", start: 97 }, // t - W - 1: not
    { user: "v", streamer: "now", start: 100 }, // t: available
    { user: "v", streamer: "next", start: 101 }, // after t: not
  ];
  const l = interactionLogFromRows(r);
  const p = new LiveRecProtocol(l, { windowLength: 5, availWindow: 2 });
  const { ranker, seen } = spy("spy", () => 0, l.streamerIds);
  await p.evaluate("test", [ranker]);
  const atTarget = seen.find((s) => l.userIds[s.user] === "u")!;
  assert.equal(atTarget.step, 100);
  assert.deepEqual(atTarget.candidates.sort(), ["edge", "now", "target"]);
  const w0 = new LiveRecProtocol(l, { windowLength: 5, availWindow: 0 });
  const s0 = spy("spy", () => 0, l.streamerIds);
  await w0.evaluate("test", [s0.ranker]);
  assert.deepEqual(s0.seen.find((s) => l.userIds[s.user] === "u")!.candidates.sort(), ["now", "target"]);
});

test("availability with stop steps: start <= t < stop, whatever W is", async () => {
  const r: InteractionRow[] = [
    { user: "u", streamer: "target", start: 100, stop: 101 },
    { user: "v", streamer: "open", start: 50, stop: 101 }, // live at 100
    { user: "v", streamer: "ended", start: 90, stop: 100 }, // stop is exclusive: not live at 100
    { user: "v", streamer: "later", start: 101, stop: 102 }, // not yet
  ];
  const l = interactionLogFromRows(r);
  const p = new LiveRecProtocol(l, { windowLength: 5, availWindow: 1000 });
  assert.equal(p.lastStep, 102);
  const { ranker, seen } = spy("spy", () => 0, l.streamerIds);
  await p.evaluate("test", [ranker]);
  assert.deepEqual(seen.find((s) => l.userIds[s.user] === "u")!.candidates.sort(), ["open", "target"]);
});

test("a tie counts against the target; ranks and metrics follow", async () => {
  const r: InteractionRow[] = [
    { user: "u", streamer: "t", start: 10 },
    { user: "v", streamer: "a", start: 10 },
    { user: "v", streamer: "b", start: 9 },
    { user: "v", streamer: "c", start: 8 },
  ];
  const l = interactionLogFromRows(r);
  const p = new LiveRecProtocol(l, { windowLength: 1, availWindow: 5 });
  // scores: t = 2, a = 2 (tie), b = 3, c = 1 -> rank of t = 2 (b and a)
  const scores: Record<string, number> = { t: 2, a: 2, b: 3, c: 1 };
  const { ranker } = spy("tie", (s) => scores[s], l.streamerIds);
  const best = spy("best", (s) => (s === "t" ? 1 : 0), l.streamerIds).ranker;
  const ev = await p.evaluate("test", [ranker, best]);
  // targets: u's t at 10 and v's a at 10 (both users end at step 10)
  assert.equal(ev.targets.all, 2);
  const users = [...p.targets("test").user].map((u) => l.userIds[u]);
  const iu = users.indexOf("u"), iv = users.indexOf("v");
  assert.equal(ev.ranks.tie[iu], 2);
  assert.equal(ev.ranks.tie[iv], 2); // a (2) ties with t (2) and is below b (3)
  assert.equal(ev.ranks.best[iu], 0);
  assert.equal(ev.ranks.best[iv], 3); // a scores 0 like b and c (ties), and t scores 1
  const m = ev.results.tie.all;
  assert.equal(m["hr@1"], 0);
  assert.equal(m["hr@5"], 1);
  assert.equal(m["ndcg@10"], 1 / Math.log2(4));
});

test("the training view holds what comes before the window; model selection uses the validation window", async () => {
  const p = new LiveRecProtocol(log, { windowLength: 10, seed: 9 });
  const view = p.trainView("test");
  assert.equal(view.before, 21);
  assert.equal(view.seed, 9);
  const trainRows = rows.filter((r) => r.start < 21).length;
  assert.equal(view.rows, trainRows);
  for (let u = 0; u < view.timelines.users; u++) {
    for (let k = view.timelines.offset[u]; k < view.trainEnd[u]; k++) assert.ok(view.timelines.step[k] < 21);
    for (let k = view.trainEnd[u]; k < view.timelines.offset[u + 1]; k++) assert.ok(view.timelines.step[k] >= 21);
  }
  const sel = view.selection!;
  assert.equal(sel.window, "validation");
  assert.equal(sel.train.before, 11);
  assert.equal(sel.train.selection, null);
  const { ranker, seen } = spy("probe", () => 0, log.streamerIds);
  const metrics = await sel.evaluate(ranker);
  assert.equal(seen.length, 3, "the validation targets");
  assert.ok(seen.every((s) => s.step >= 11 && s.step <= 20));
  assert.equal(metrics.all["hr@1"], 0);
  // evaluating the validation window itself: training before it, selection on it
  const vview = p.trainView("validation");
  assert.equal(vview.before, 11);
  assert.equal(vview.selection!.train.before, 11);
});

test("bad settings are refused with the value named", () => {
  assert.throws(() => new LiveRecProtocol(log, { availWindow: -1 }), /availability window must be a non-negative integer.*-1/);
  assert.throws(() => new LiveRecProtocol(log, { windowLength: 0 }), /window length must be a positive integer.*0/);
  const p = new LiveRecProtocol(log);
  assert.throws(() => p.targets("train" as never), /window must be one of test, validation, got "train"/);
  const dup: OfflineRanker = { name: "x", fit: () => {}, score: () => {} };
  assert.throws(() => p.score("test", [dup, dup]), /two rankers are named "x"/);
});
