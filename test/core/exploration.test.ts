import { test, describe } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { ConstantSchedule, ExponentialSchedule, LinearSchedule, createSchedule, type Schedule } from "../../src/core/exploration/schedule.js";
import { epsilonGreedyActions, greedyActions } from "../../src/core/exploration/epsilon-greedy.js";
import { Rng } from "../../src/core/random/rng.js";

// One suite for every Schedule: starts at its start, ends at its end, moves monotonically, depends on the step only.
const schedules: [string, Schedule, number, number][] = [
  ["constant", new ConstantSchedule(0.3), 0.3, 0.3],
  ["linear", new LinearSchedule(1, 0.05, 1000), 1, 0.05],
  ["exponential", new ExponentialSchedule(1, 0.05, 1000), 1, 0.05],
  ["linear (increasing)", createSchedule({ kind: "linear", start: 0.4, end: 1, steps: 50 }), 0.4, 1],
];
for (const [name, s, start, end] of schedules) {
  describe(`Schedule contract: ${name}`, () => {
    test("starts at start, reaches end (within 1% of the gap) by its horizon, stays there", () => {
      assert.ok(Math.abs(s.value(0) - start) < 1e-12);
      const gap = Math.abs(start - end);
      assert.ok(Math.abs(s.value(1000) - end) <= 0.01 * gap + 1e-12, `${s.value(1000)}`);
      assert.ok(Math.abs(s.value(1e9) - end) <= 0.01 * gap + 1e-12);
    });
    test("monotone from start towards end, and a pure function of the step", () => {
      let prev = s.value(0);
      for (let t = 1; t < 2000; t += 7) {
        const v = s.value(t);
        if (end <= start) assert.ok(v <= prev + 1e-12);
        else assert.ok(v >= prev - 1e-12);
        assert.equal(s.value(t), v);
        prev = v;
      }
    });
  });
}

test("schedules refuse bad parameters with the field named", () => {
  assert.throws(() => new LinearSchedule(1, 0, 0), /steps must be > 0/);
  assert.throws(() => new ExponentialSchedule(NaN, 0, 10), /start must be a finite number/);
});

test("linear decay is exact halfway", () => {
  assert.ok(Math.abs(new LinearSchedule(1, 0, 100).value(50) - 0.5) < 1e-12);
});

test("masked actions are never chosen, greedily or exploring (property)", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 8 }),
      fc.integer({ min: 1, max: 12 }),
      fc.integer({ min: 0, max: 1e9 }),
      fc.double({ min: 0, max: 1, noNaN: true }),
      (batch, actions, seed, epsilon) => {
        const rng = new Rng(seed);
        const q = new Float32Array(batch * actions).map(() => rng.normal() * 10);
        const mask = new Uint8Array(batch * actions).map(() => (rng.float() < 0.5 ? 1 : 0));
        for (let b = 0; b < batch; b++) mask[b * actions + rng.int(actions)] = 1; // at least one available
        // Masked actions get the highest Q values: a leak would pick them.
        for (let i = 0; i < q.length; i++) if (mask[i] === 0) q[i] = 1e9;
        const out = new Int32Array(batch);
        epsilonGreedyActions(q, batch, actions, mask, epsilon, rng, out);
        for (let b = 0; b < batch; b++) if (mask[b * actions + out[b]] !== 1) return false;
        greedyActions(q, batch, actions, mask, out);
        for (let b = 0; b < batch; b++) {
          if (mask[b * actions + out[b]] !== 1) return false;
          for (let a = 0; a < actions; a++) if (mask[b * actions + a] === 1 && q[b * actions + a] > q[b * actions + out[b]]) return false;
        }
        return true;
      },
    ),
    { seed: 42, numRuns: 300 },
  );
});

test("exploration is uniform over the available actions only", () => {
  const rng = new Rng(5);
  const actions = 6, batch = 1;
  const mask = Uint8Array.from([0, 1, 0, 1, 1, 0]);
  const q = new Float32Array(actions);
  const out = new Int32Array(1);
  const counts = new Array(actions).fill(0);
  for (let i = 0; i < 30_000; i++) {
    epsilonGreedyActions(q, batch, actions, mask, 1, rng, out);
    counts[out[0]]++;
  }
  assert.deepEqual([counts[0], counts[2], counts[5]], [0, 0, 0]);
  for (const a of [1, 3, 4]) assert.ok(Math.abs(counts[a] / 30_000 - 1 / 3) < 0.015, `action ${a}: ${counts[a]}`);
});

test("a row with no available action is refused", () => {
  assert.throws(() => greedyActions(new Float32Array(4), 2, 2, Uint8Array.from([1, 0, 0, 0]), new Int32Array(2)), /row 1 of mask has no available action/);
});
