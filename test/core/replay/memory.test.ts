import { test } from "node:test";
import assert from "node:assert/strict";
import { UniformReplay } from "../../../src/core/replay/uniform.js";
import { PrioritizedReplay } from "../../../src/core/replay/prioritized.js";
import { rawTransitionBytes, replayMemoryReport } from "../../../src/core/replay/memory.js";

test("raw bytes per transition: two float32 states, action, reward, discount, done byte, mask bits", () => {
  assert.equal(rawTransitionBytes({ obsSize: 64, maskSize: 0 }), 512 + 13);
  assert.equal(rawTransitionBytes({ obsSize: 64, maskSize: 100 }), 512 + 13 + 13);
  assert.equal(rawTransitionBytes({ obsSize: 1, maskSize: 8 }), 8 + 13 + 1);
});

test("a uniform buffer takes within 10% of the raw bytes it stores, with and without masks", () => {
  for (const maskSize of [0, 100]) {
    const buf = new UniformReplay({ capacity: 10_000, obsSize: 64, numActions: 100, maskSize });
    const r = replayMemoryReport(buf);
    // Per row: obs + nextObs + action + reward + discount + done + 4 mask words (+ one all-valid mask).
    assert.equal(r.byteLength, 10_000 * (512 + 13 + (maskSize ? 16 : 0)) + (maskSize ? 16 : 0));
    assert.equal(r.rawBytes, 10_000 * rawTransitionBytes(buf.spec));
    assert.ok(r.overhead >= 0 && r.overhead < 0.1, `overhead ${r.overhead}`);
  }
});

test("a prioritized buffer adds its two trees of 2 * nextPow2(capacity) float64 nodes", () => {
  const buf = new PrioritizedReplay({ capacity: 1_000_000, obsSize: 64, numActions: 100, maskSize: 0 });
  const uniform = new UniformReplay(buf.spec);
  assert.equal(buf.byteLength - uniform.byteLength, 2 * 2 * 1_048_576 * 8);
  assert.ok(replayMemoryReport(buf).overhead < 0.1, `overhead ${replayMemoryReport(buf).overhead}`);
});
