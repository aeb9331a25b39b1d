import { test } from "node:test";
import assert from "node:assert/strict";
import { baselineNames, baselineSpec, createBaseline, resolveParams } from "../../../src/policies/baselines/registry.js";
import { runPolicy } from "../../../src/sim/policy.js";
import { runSteps, smallPlatform } from "./helpers.js";

const NAMES = ["random", "most-viewed-now", "pop", "rep", "bpr-mf", "linucb", "linucb-without-past", "myopic-oracle", "oracle-without-pair-appeal", "oracle-of-interests", "lookahead-oracle"];

test("the registry knows every baseline and reference policy, and which are oracles", () => {
  assert.deepEqual(baselineNames(), NAMES);
  assert.deepEqual(NAMES.filter((n) => baselineSpec(n).kind === "oracle"), ["myopic-oracle", "oracle-without-pair-appeal", "oracle-of-interests", "lookahead-oracle"]);
  for (const n of NAMES) assert.equal(createBaseline(n, { seed: 1 }).name, n);
});

test("an unknown policy or parameter is refused with the known names", () => {
  assert.throws(() => createBaseline("dqn-magic", { seed: 1 }), /unknown policy "dqn-magic"; known policies: random, most-viewed-now, pop, rep, bpr-mf, linucb, linucb-without-past, myopic-oracle, oracle-without-pair-appeal, oracle-of-interests, lookahead-oracle/);
  assert.throws(() => createBaseline("linucb", { seed: 1, params: { beta: 1 } }), /policy "linucb" has no parameter "beta"; its parameters: alpha, lambda/);
  assert.throws(() => createBaseline("rep", { seed: 1, params: { k: 1 } }), /policy "rep" has no parameter "k"; it takes none/);
  assert.throws(() => resolveParams("pop", { halfLifeDays: Number.NaN }), /parameter "halfLifeDays" must be a finite number/);
  assert.throws(() => createBaseline("pop", { seed: 1, params: { halfLifeDays: -2 } }), /halfLifeDays must be a number >= 0/);
  assert.deepEqual(resolveParams("linucb", { alpha: 0 }), { alpha: 0, lambda: 1 });
  assert.throws(() => createBaseline("rep", { seed: 1, past: true }), /policy "rep" reads no users' past/);
  assert.throws(() => createBaseline("linucb-without-past", { seed: 1, past: true }), /reads no users' past/);
});

test("every policy fills its slates with distinct live streams only", () => {
  for (const name of NAMES) {
    const p = smallPlatform(12, { slateSize: 3, days: 2 });
    const policy = createBaseline(name, { seed: 5 });
    let rows = 0;
    runSteps(p, policy, 10_000, (actions) => {
      for (let i = 0; i < p.nDeciding; i++) {
        const row = [...actions.subarray(3 * i, 3 * i + 3)];
        const shown = row.filter((s) => s >= 0);
        assert.ok(row[0] >= 0, `${name}: an empty slate`);
        for (const s of shown) assert.equal(p.liveMask[s], 1, `${name} recommended streamer ${s}, which is not live`);
        assert.equal(new Set(shown).size, shown.length, `${name} repeated a stream in a slate`);
        // the baselines (not the oracles, which may stop early by design) fill the slate when enough are live
        if (baselineSpec(name).kind === "baseline") assert.equal(shown.length, Math.min(3, p.nLive), `${name}: a short slate`);
        rows++;
      }
    });
    assert.ok(rows > 100, `${name}: ${rows} decisions`);
  }
});

test("every policy is deterministic by seed", () => {
  for (const name of NAMES) {
    const run = () => runPolicy(smallPlatform(13, { days: 2 }), createBaseline(name, { seed: 7 })).metrics;
    assert.deepEqual(run(), run(), name);
  }
});
