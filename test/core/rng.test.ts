import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../src/core/random/rng.js";

test("same seed gives the same stream; different seeds differ", () => {
  const a = new Rng(42), b = new Rng(42), c = new Rng(43);
  const xa = Array.from({ length: 100 }, () => a.nextU32());
  const xb = Array.from({ length: 100 }, () => b.nextU32());
  const xc = Array.from({ length: 100 }, () => c.nextU32());
  assert.deepEqual(xa, xb);
  assert.notDeepEqual(xa, xc);
});

test("state round-trips bit for bit, including the spare normal", () => {
  const a = new Rng(7);
  a.normal();
  const st = a.getState();
  const b = new Rng(0);
  b.setState(st);
  for (let i = 0; i < 50; i++) assert.equal(a.normal(), b.normal());
  assert.throws(() => b.setState({ s: [0, 0, 0, 0], spareNormal: null }), /all zero/);
});

test("float and int are uniform enough, normal has mean 0 and variance 1", () => {
  const r = new Rng(1);
  const counts = new Array(10).fill(0);
  let s = 0, s2 = 0;
  const n = 200_000;
  for (let i = 0; i < n; i++) {
    const f = r.float();
    assert.ok(f >= 0 && f < 1);
    counts[r.int(10)]++;
    const z = r.normal();
    s += z; s2 += z * z;
  }
  for (const c of counts) assert.ok(Math.abs(c / n - 0.1) < 0.005, `bucket ${c}`);
  assert.ok(Math.abs(s / n) < 0.01);
  assert.ok(Math.abs(s2 / n - 1) < 0.02);
});
