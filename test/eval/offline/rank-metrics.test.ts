import { test } from "node:test";
import assert from "node:assert/strict";
import { RankAccumulator, segmentedMetrics, targetRank } from "../../../src/eval/offline/rank-metrics.js";

test("rank = number of other candidates scoring at least as high", () => {
  assert.equal(targetRank([0.5, 0.9, 0.1], 0), 1);
  assert.equal(targetRank([0.5, 0.5, 0.5], 1), 2);
  assert.equal(targetRank([3, 1, 2], 0), 0);
  assert.equal(targetRank([1], 0), 0);
  assert.equal(targetRank([-Infinity, -Infinity], 0), 1);
  assert.throws(() => targetRank([NaN, 1], 0), /NaN score/);
});

test("HR@k and NDCG@k computed by hand", () => {
  const acc = new RankAccumulator();
  for (const r of [0, 1, 4, 9, 10]) acc.add(r);
  const m = acc.metrics();
  assert.equal(m["hr@1"], 1 / 5);
  assert.equal(m["hr@5"], 3 / 5);
  assert.equal(m["hr@10"], 4 / 5);
  assert.equal(m["ndcg@1"], 1 / 5);
  const g = (r: number) => 1 / Math.log2(r + 2);
  assert.ok(Math.abs(m["ndcg@5"] - (g(0) + g(1) + g(4)) / 5) < 1e-15);
  assert.ok(Math.abs(m["ndcg@10"] - (1 + 1 / Math.log2(3) + 1 / Math.log2(6) + 1 / Math.log2(11)) / 5) < 1e-15);
  assert.ok(Number.isNaN(new RankAccumulator().metrics()["hr@1"]), "no target: NaN (null in JSON)");
});

test("segments: all, new and repeat targets", () => {
  const s = segmentedMetrics([0, 3, 12, 0], [1, 0, 0, 1]);
  assert.equal(s.all["hr@1"], 0.5);
  assert.equal(s.rep["hr@1"], 1);
  assert.equal(s.new["hr@1"], 0);
  assert.equal(s.new["hr@5"], 0.5);
  assert.equal(s.new["ndcg@10"], 0.5 / Math.log2(5));
});
