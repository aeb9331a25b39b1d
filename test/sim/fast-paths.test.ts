/**
 * The simulator's fast paths give exactly what the plain formulas give: each replaces a call to
 * Math.exp, Math.log, Math.cos or `%` on the hot path, and a seed must still fix a run bit for bit.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { Rng } from "../../src/core/random/rng.js";
import { acceptProbability, accepts } from "../../src/sim/choice.js";
import { parseSimConfig } from "../../src/sim/config.js";
import { COSINE_TABLE_ERROR, TABLE_STEPS, belowOnePlusCosine, cosineNear, settleOnePlusCosine } from "../../src/sim/cosine-table.js";
import { churnCeiling, churnChance, churns, satisfactionEffect } from "../../src/sim/effects/satisfaction.js";
import { IntFunctionTable } from "../../src/sim/tables.js";
import { TICKS_PER_DAY, TICKS_PER_HOUR, tickOfDay } from "../../src/sim/time.js";
import { UniformBuffer } from "../../src/sim/uniform-buffer.js";
import { eventHappens } from "../../src/sim/watch.js";

const TWO_POW_32 = 4294967296;

test("a lookup table gives f(k) bit for bit, and refuses arguments beyond it", () => {
  const f = (k: number): number => 0.1 * Math.log1p(k < 200 ? k : 200);
  const table = new IntFunctionTable(f, 500);
  for (let k = 0; k < 500; k++) assert.ok(Object.is(table.at(k), f(k)), `k = ${k}`);
  assert.throws(() => table.at(500), /beyond the table/);
  assert.equal(table.byteSize(), 500 * 8);
});

test("tickOfDay is the remainder of `%`, bit for bit, also just below whole days", () => {
  const cases: number[] = [0, 1e-300, 143.99999999999997, 144, 288, 1000.5];
  for (let day = 1; day < 400; day++) {
    const x = day * TICKS_PER_DAY;
    cases.push(x, x * (1 - Number.EPSILON), x * (1 - 2 * Number.EPSILON), x * (1 + Number.EPSILON), x - 1e-9);
  }
  for (const x of cases) assert.ok(Object.is(tickOfDay(x), x % TICKS_PER_DAY), `x = ${x}`);
  fc.assert(fc.property(fc.double({ min: 0, max: 60_000, noNaN: true }), (x) => Object.is(tickOfDay(x), x % TICKS_PER_DAY)), { numRuns: 20_000 });
});

test("the cosine table is within its stated error of Math.cos", () => {
  let worst = 0;
  for (let k = 0; k <= 400_000; k++) {
    const theta = -4 * Math.PI + (8 * Math.PI * k) / 400_000 * (1 - 1e-12);
    worst = Math.max(worst, Math.abs(cosineNear(theta) - Math.cos(theta)));
  }
  assert.ok(worst <= COSINE_TABLE_ERROR, `worst error ${worst}`);
  assert.ok(worst > COSINE_TABLE_ERROR / 2, "the bound is not loose by more than a factor 2");
});

test("belowOnePlusCosine answers draw < 1 + amp cos(theta) exactly", () => {
  fc.assert(fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: -2 * Math.PI, max: 2 * Math.PI, noNaN: true, maxExcluded: true }), (n, amp, theta) => {
    const draw = (n / TWO_POW_32) * (1 + amp);
    return belowOnePlusCosine(draw, amp, theta) === draw < 1 + amp * Math.cos(theta);
  }), { numRuns: 50_000 });
  // Draws right at the threshold, where only Math.cos can tell.
  for (let k = 0; k < 5000; k++) {
    const theta = -2 * Math.PI + (4 * Math.PI * k) / 5000, amp = (k % 11) / 10;
    const edge = 1 + amp * Math.cos(theta);
    for (const draw of [edge, edge * (1 - Number.EPSILON), edge * (1 + Number.EPSILON), edge - amp * COSINE_TABLE_ERROR]) {
      assert.equal(belowOnePlusCosine(draw, amp, theta), draw < edge, `theta = ${theta}, amp = ${amp}, draw = ${draw}`);
    }
  }
});

test("settleOnePlusCosine, given the daily rhythm's angle in table steps, settles only what Math.cos says", () => {
  // As the platform's return times use it: the angle of tick x for preferred hour `pref`, in table
  // steps without the divisions, against the angle computed as it always was.
  const check = (x: number, pref: number, amp: number, draw: number): boolean => {
    const theta = (2 * Math.PI * (tickOfDay(x) / TICKS_PER_HOUR - pref)) / 24;
    const side = settleOnePlusCosine(draw, amp, x * (TABLE_STEPS / TICKS_PER_DAY) - pref * (TABLE_STEPS / 24));
    return side === -1 || (side === 1) === draw < 1 + amp * Math.cos(theta);
  };
  fc.assert(fc.property(
    fc.double({ min: 0, max: 400 * TICKS_PER_DAY, noNaN: true }), fc.double({ min: 0, max: 24, noNaN: true, maxExcluded: true }),
    fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 0, max: 2 ** 32 - 1 }),
    (x, pref, amp, n) => check(x, pref, amp, (n / TWO_POW_32) * (1 + amp)),
  ), { numRuns: 50_000 });
  // Draws at the threshold and just clear of the table's margin.
  let settled = 0;
  for (let k = 0; k < 20_000; k++) {
    const x = k * 0.7311, pref = (k * 0.37) % 24, amp = (k % 10 + 1) / 10;
    const edge = 1 + amp * Math.cos((2 * Math.PI * (tickOfDay(x) / TICKS_PER_HOUR - pref)) / 24);
    for (const draw of [edge, edge * (1 - Number.EPSILON), edge * (1 + Number.EPSILON), edge - 2 * amp * COSINE_TABLE_ERROR, edge + 2 * amp * COSINE_TABLE_ERROR]) {
      assert.ok(check(x, pref, amp, draw), `x = ${x}, pref = ${pref}, amp = ${amp}, draw = ${draw}`);
      if (settleOnePlusCosine(draw, amp, x * (TABLE_STEPS / TICKS_PER_DAY) - pref * (TABLE_STEPS / 24)) >= 0) settled++;
    }
  }
  assert.ok(settled >= 2 * 20_000, "draws clear of the margin are settled by the table");
});

test("eventHappens answers u < 1 - exp(-x) exactly, for draws on the generator's grid", () => {
  const exact = (u: number, x: number): boolean => u < 1 - Math.exp(-x);
  fc.assert(fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.double({ min: -1, max: 50, noNaN: true }), (n, x) => {
    const u = n / TWO_POW_32;
    return eventHappens(u, x) === exact(u, x);
  }), { numRuns: 50_000 });
  // Near the threshold: x just around a draw, where a careless shortcut would flip the answer.
  for (let n = 1; n < 2000; n++) {
    const u = (n * 2_147_483) / TWO_POW_32;
    for (const x of [u, u * (1 + 1e-12), u * (1 - 1e-12), -Math.log(1 - u), -Math.log(1 - u) * (1 + 1e-15), 1e-12, 0]) {
      assert.equal(eventHappens(u, x), exact(u, x), `u = ${u}, x = ${x}`);
    }
  }
  assert.equal(eventHappens(0.5, Number.POSITIVE_INFINITY), exact(0.5, Number.POSITIVE_INFINITY));
  assert.equal(eventHappens(0.5, Number.NaN), exact(0.5, Number.NaN));
});

test("accepts answers u < acceptProbability(v, v0) exactly", () => {
  fc.assert(fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.double({ min: -50, max: 50, noNaN: true }), fc.double({ min: -5, max: 5, noNaN: true }), (n, v, v0) => {
    const u = n / TWO_POW_32;
    return accepts(u, v, v0) === u < acceptProbability(v, v0);
  }), { numRuns: 50_000 });
  // Draws at the threshold, and utilities on and next to the table's grid.
  for (let k = -1100; k <= 1100; k++) {
    for (const d of [k / 32, k / 32 + 1e-13, k / 32 - 1e-13, k / 32 + 1 / 64]) {
      const p = acceptProbability(0, d);
      for (const u of [p, p * (1 - Number.EPSILON), p * (1 + Number.EPSILON), p - 1e-14, p + 1e-14, 0]) {
        assert.equal(accepts(u, 0, d), u < p, `d = ${d}, u = ${u}`);
      }
    }
  }
  assert.equal(accepts(0.5, Number.NaN, 0), 0.5 < acceptProbability(Number.NaN, 0));
  assert.equal(accepts(0.5, -1e9, 0), 0.5 < acceptProbability(-1e9, 0));
});

test("churns answers u < churnChance(s) exactly", () => {
  for (const overrides of [{}, { churn: 0 }, { churnBase: 0.5, churn: 20 }, { churnBase: 1 }, { churnBase: 0 }]) {
    const e = satisfactionEffect(parseSimConfig({ effects: { satisfaction: overrides } }));
    const ceiling = churnCeiling(e);
    fc.assert(fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.double({ min: -0.5, max: 1.5, noNaN: true }), (n, s) => {
      const u = n / TWO_POW_32;
      return churns(u, s, e, ceiling) === u < churnChance(s, e);
    }), { numRuns: 20_000 });
    for (const s of [0, 1e-300, 0.5, 1]) {
      const c = churnChance(s, e);
      for (const u of [c, c * (1 - 1e-12), c * (1 + 1e-12), ceiling, 0]) assert.equal(churns(u, s, e, ceiling), u < c);
    }
  }
});

test("a uniform buffer gives the generator's draws in order, and exponentials as Rng does", () => {
  // The buffer runs the generator's steps itself, a block at a time: over many blocks and seeds.
  for (const seed of [42, 7, 123_456_789, -5]) {
    const plain = new Rng(seed), buffered = new UniformBuffer(new Rng(seed));
    for (let k = 0; k < 3000; k++) {
      if (k % 3 === 0) assert.ok(Object.is(buffered.exponential(2.5), plain.exponential(2.5)), `seed ${seed}, draw ${k}`);
      else assert.ok(Object.is(buffered.float(), plain.float()), `seed ${seed}, draw ${k}`);
    }
  }
});
