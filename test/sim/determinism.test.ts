import { test } from "node:test";
import assert from "node:assert/strict";
import { referencePolicy } from "../../src/policies/reference/index.js";
import { runPolicy } from "../../src/sim/policy.js";
import { smallPlatform } from "./helpers.js";

/** Runs a policy and folds every step result and observation into a list of numbers. */
function trace(seed: number, policyName: string): { summary: unknown; values: number[] } {
  const p = smallPlatform(seed, { slateSize: 2, population: { newUsersPerDay: 0.05, newStreamersPerDay: 0.05 } }, 150, 50, 2);
  const policy = referencePolicy(policyName, seed);
  const values: number[] = [];
  let obsSum = 0;
  const summary = runPolicy(p, {
    name: policy.name,
    act(platform, actions) {
      for (const x of platform.userObservations) obsSum += x;
      for (const x of platform.streamObservations) obsSum += x;
      policy.act(platform, actions);
    },
    learn(r) {
      values.push(r.tick, r.n);
      for (let i = 0; i < r.n; i++) values.push(r.users[i], r.chosen[i], r.reward[i], r.minutes[i], r.events[i], r.sessionEnded[i], r.churned[i]);
    },
  });
  values.push(obsSum);
  return { summary, values };
}

for (const name of ["random", "myopic-oracle"]) {
  test(`same seed, same config: the same run bit for bit (${name})`, () => {
    const a = trace(11, name), b = trace(11, name);
    assert.deepEqual(a.summary, b.summary);
    assert.equal(a.values.length, b.values.length);
    for (let k = 0; k < a.values.length; k++) assert.ok(Object.is(a.values[k], b.values[k]), `value ${k}`);
    const c = trace(12, name);
    assert.notDeepEqual(c.values, a.values, "another seed gives another run");
  });
}
