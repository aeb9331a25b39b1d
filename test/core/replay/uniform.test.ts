import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../../src/core/random/rng.js";
import { UniformReplay } from "../../../src/core/replay/uniform.js";
import { createReplayBatch } from "../../../src/core/replay/batch.js";
import { createReplayBuffer } from "../../../src/core/replay/create.js";
import { replayBufferContract } from "./replay-contract.js";
import { SPEC, addTransition } from "./fixtures.js";

replayBufferContract("UniformReplay", (spec) => new UniformReplay(spec));
replayBufferContract("createReplayBuffer uniform", (spec) => createReplayBuffer({ kind: "uniform", ...spec }));

test("uniform sampling hits every slot about equally, with unit weights", () => {
  const spec = { ...SPEC, capacity: 10, maskSize: 0 };
  const buf = new UniformReplay(spec);
  for (let t = 0; t < 10; t++) addTransition(buf, t);
  const batch = createReplayBatch(spec, 100);
  const counts = new Array(10).fill(0);
  const rng = new Rng(11);
  const draws = 50_000;
  for (let k = 0; k < draws / 100; k++) {
    buf.sample(100, rng, batch);
    for (let b = 0; b < 100; b++) {
      counts[batch.indices[b]]++;
      assert.equal(batch.weights[b], 1);
    }
  }
  // Chi-square with 9 degrees of freedom; 27.88 is the 0.999 quantile.
  const expected = draws / 10;
  const chi2 = counts.reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
  assert.ok(chi2 < 27.88, `chi-square ${chi2.toFixed(2)} for counts ${counts}`);
});

test("createReplayBuffer refuses an unknown kind", () => {
  assert.throws(() => createReplayBuffer({ kind: "ranked" } as never), /kind must be "uniform" or "prioritized", got ranked/);
});
