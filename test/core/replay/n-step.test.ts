import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../../src/core/random/rng.js";
import { NStepWriter } from "../../../src/core/replay/n-step.js";
import { UniformReplay } from "../../../src/core/replay/uniform.js";
import type { ReplaySpec } from "../../../src/core/replay/types.js";

interface Row {
  obs: number[];
  action: number;
  reward: number;
  nextObs: number[];
  done: boolean;
  discount: number;
  mask: number[] | null;
}

/** The rows a buffer holds, in the order they were written (the buffers here never wrap). */
function written(buf: UniformReplay): Row[] {
  const s = buf.getState();
  const { obsSize, maskSize } = buf.spec;
  const words = Math.ceil(maskSize / 32);
  const rows: Row[] = [];
  for (let r = 0; r < s.size; r++) {
    rows.push({
      obs: Array.from(s.obs.subarray(r * obsSize, (r + 1) * obsSize)),
      action: s.actions[r],
      reward: s.rewards[r],
      nextObs: Array.from(s.nextObs.subarray(r * obsSize, (r + 1) * obsSize)),
      done: s.dones[r] === 1,
      discount: s.discounts[r],
      mask: maskSize === 0 ? null : Array.from({ length: maskSize }, (_, a) => (s.nextMaskWords[r * words + (a >>> 5)] >>> (a & 31)) & 1),
    });
  }
  return rows;
}

const SPEC2: ReplaySpec = { capacity: 10_000, obsSize: 2, numActions: 3, maskSize: 0 };

/** Step of `agent` from obs [agent, i] to [agent, i + 1]. */
function stepOf(w: NStepWriter, agent: number, i: number, reward: number, done = false, mask: Uint8Array | null = null) {
  w.step(agent, Float32Array.of(agent, i), 0, i % 3, reward, Float32Array.of(agent, i + 1), 0, done, mask, 0);
}

function assertRowsClose(got: Row[], want: Row[]) {
  assert.equal(got.length, want.length, "number of rows written");
  for (let r = 0; r < want.length; r++) {
    const g = got[r], e = want[r];
    assert.deepEqual({ ...g, reward: 0, discount: 0 }, { ...e, reward: 0, discount: 0 }, `row ${r}`);
    assert.ok(Math.abs(g.reward - e.reward) <= 1e-6 * Math.abs(e.reward), `row ${r} reward ${g.reward} vs ${e.reward}`);
    assert.ok(Math.abs(g.discount - e.discount) <= 1e-7, `row ${r} discount ${g.discount} vs ${e.discount}`);
  }
}

test("interleaved agents: hand-computed 3-step returns, terminal tails and flushed tails", () => {
  const buf = new UniformReplay(SPEC2);
  const w = new NStepWriter(buf, { n: 3, gamma: 0.9, maxAgents: 10 });
  stepOf(w, 7, 0, 1);
  stepOf(w, 2, 0, 10);
  stepOf(w, 7, 1, 2);
  stepOf(w, 2, 1, 20);
  assert.equal(buf.size, 0, "nothing written before an agent has n steps");
  assert.equal(w.pending(7), 2);
  assert.equal(w.activeAgents, 2);
  stepOf(w, 7, 2, 3);
  assert.equal(buf.size, 1);
  assert.equal(w.pending(7), 2);
  stepOf(w, 7, 3, 4, true);
  assert.equal(w.pending(7), 0);
  assert.equal(w.activeAgents, 1);
  w.flush(2);
  assert.equal(w.activeAgents, 0);
  const row = (obs: number[], action: number, reward: number, nextObs: number[], done: boolean, discount: number): Row => ({
    obs, action, reward, nextObs, done, discount, mask: null,
  });
  assertRowsClose(written(buf), [
    row([7, 0], 0, 1 + 0.9 * 2 + 0.81 * 3, [7, 3], false, 0.729),
    row([7, 1], 1, 2 + 0.9 * 3 + 0.81 * 4, [7, 4], true, 0.729),
    row([7, 2], 2, 3 + 0.9 * 4, [7, 4], true, 0.81),
    row([7, 3], 0, 4, [7, 4], true, 0.9),
    row([2, 0], 0, 10 + 0.9 * 20, [2, 2], false, 0.81),
    row([2, 1], 1, 20, [2, 2], false, 0.9),
  ]);
});

test("an episode shorter than n is written on done with k = its length .. 1", () => {
  const buf = new UniformReplay(SPEC2);
  const w = new NStepWriter(buf, { n: 5, gamma: 0.5, maxAgents: 3 });
  stepOf(w, 1, 0, 1, true);
  stepOf(w, 0, 0, 2);
  stepOf(w, 0, 1, 4, true);
  const row = (obs: number[], action: number, reward: number, nextObs: number[], discount: number): Row => ({
    obs, action, reward, nextObs, done: true, discount, mask: null,
  });
  assertRowsClose(written(buf), [row([1, 0], 0, 1, [1, 1], 0.5), row([0, 0], 0, 2 + 0.5 * 4, [0, 2], 0.25), row([0, 1], 1, 4, [0, 2], 0.5)]);
});

test("n = 1 is a pass-through: each step is added at once with discount gamma", () => {
  const spec: ReplaySpec = { capacity: 100, obsSize: 2, numActions: 3, maskSize: 3 };
  const a = new UniformReplay(spec), b = new UniformReplay(spec);
  const w = new NStepWriter(a, { n: 1, gamma: 0.97, maxAgents: 5 });
  const rng = new Rng(31);
  for (let i = 0; i < 40; i++) {
    const obs = Float32Array.of(rng.normal(), rng.normal()), next = Float32Array.of(rng.normal(), rng.normal());
    const mask = Uint8Array.of(1, rng.int(2), rng.int(2));
    const agent = rng.int(5), action = rng.int(3), reward = rng.normal(), done = rng.bernoulli(0.2);
    w.step(agent, obs, 0, action, reward, next, 0, done, mask, 0);
    b.add(obs, 0, action, reward, next, 0, done, 0.97, mask, 0);
    assert.equal(w.pending(agent), 0);
  }
  assert.equal(w.activeAgents, 0);
  assert.deepEqual(a.getState(), b.getState());
});

test("a discount per step (n = 1) replaces gamma for that step; n > 1 and a discount outside [0, 1] are refused, recording nothing", () => {
  const buf = new UniformReplay(SPEC2);
  const w = new NStepWriter(buf, { n: 1, gamma: 0.9, maxAgents: 2 });
  const obs = Float32Array.of(0, 1), next = Float32Array.of(1, 2);
  w.step(0, obs, 0, 1, 1, next, 0, false, null, 0, 0.25);
  w.step(0, obs, 0, 1, 1, next, 0, false, null, 0);
  assert.deepEqual(written(buf).map((r) => r.discount), [0.25, Math.fround(0.9)]);
  assert.throws(() => w.step(0, obs, 0, 1, 1, next, 0, false, null, 0, 1.5), /discount/);
  const three = new NStepWriter(new UniformReplay(SPEC2), { n: 3, gamma: 0.9, maxAgents: 2 });
  assert.throws(() => three.step(0, obs, 0, 1, 1, next, 0, false, null, 0, 0.5), /needs n = 1/);
  assert.equal(three.pending(0), 0);
  assert.equal(buf.size, 2);
  // With n > 1 the writer holds next states itself: it reads them even for a buffer that keeps none.
  const lean = new NStepWriter(new UniformReplay({ ...SPEC2, nextStates: false }), { n: 3, gamma: 0, maxAgents: 2 });
  assert.throws(() => lean.step(0, obs, 0, 1, 1, Float32Array.of(NaN, 0), 0, false, null, 0), /nextObs/);
  const leanOne = new NStepWriter(new UniformReplay({ ...SPEC2, nextStates: false }), { n: 1, gamma: 0, maxAgents: 2 });
  leanOne.step(0, obs, 0, 1, 1, Float32Array.of(NaN, 0), 0, false, null, 0);
  assert.throws(() => leanOne.step(0, obs, 0, 1, 1, Float32Array.of(0), 0, false, null, 0), /nextObs/, "a span too short is refused all the same");
});

test("the next-state mask of a transition is the one after its last step, also in flushed tails", () => {
  const spec: ReplaySpec = { capacity: 100, obsSize: 2, numActions: 4, maskSize: 4 };
  const buf = new UniformReplay(spec);
  const w = new NStepWriter(buf, { n: 2, gamma: 1, maxAgents: 1 });
  const masks = [Uint8Array.of(1, 0, 0, 0), Uint8Array.of(0, 1, 0, 0), Uint8Array.of(0, 0, 1, 1), Uint8Array.of(5, 0, 0, 9)];
  for (let i = 0; i < 4; i++) stepOf(w, 0, i, i, false, masks[i]);
  w.flush(0);
  const rows = written(buf);
  assert.deepEqual(rows.map((r) => [r.obs[1], r.nextObs[1], r.reward, r.discount]), [[0, 2, 1, 1], [1, 3, 3, 1], [2, 4, 5, 1], [3, 4, 3, 1]]);
  assert.deepEqual(rows.map((r) => r.mask), [[0, 1, 0, 0], [0, 0, 1, 1], [1, 0, 0, 1], [1, 0, 0, 1]]);
  assert.ok(rows.every((r) => !r.done));
});

/** The definition, written plainly: per-agent lists of pending steps. */
function reference(n: number, gamma: number) {
  const out: Row[] = [];
  const pending = new Map<number, { obs: number[]; action: number; reward: number }[]>();
  const last = new Map<number, { nextObs: number[]; mask: number[] | null }>();
  const emit = (agent: number, done: boolean) => {
    const steps = pending.get(agent)!;
    const { nextObs, mask } = last.get(agent)!;
    let ret = 0;
    for (let i = 0; i < steps.length; i++) ret += Math.pow(gamma, i) * steps[i].reward;
    out.push({ obs: steps[0].obs, action: steps[0].action, reward: Math.fround(ret), nextObs, done, discount: Math.fround(Math.pow(gamma, steps.length)), mask });
    steps.shift();
  };
  return {
    out,
    step(agent: number, obs: number[], action: number, reward: number, nextObs: number[], done: boolean, mask: number[] | null) {
      if (!pending.has(agent)) pending.set(agent, []);
      pending.get(agent)!.push({ obs, action, reward });
      last.set(agent, { nextObs, mask });
      if (done) {
        while (pending.get(agent)!.length > 0) emit(agent, true);
        pending.delete(agent);
      } else if (pending.get(agent)!.length === n) emit(agent, false);
    },
    flush(agent: number) {
      while ((pending.get(agent)?.length ?? 0) > 0) emit(agent, false);
      pending.delete(agent);
    },
    flushAll() {
      for (const agent of [...pending.keys()].sort((x, y) => x - y)) this.flush(agent);
    },
  };
}

test("300 interleaved agents match the plain definition row for row (pool grows past its first 64 rings)", () => {
  const spec: ReplaySpec = { capacity: 20_000, obsSize: 3, numActions: 5, maskSize: 5 };
  for (const n of [2, 3, 5]) {
    const buf = new UniformReplay(spec);
    const w = new NStepWriter(buf, { n, gamma: 0.93, maxAgents: 300 });
    const ref = reference(n, 0.93);
    const rng = new Rng(40 + n);
    let peak = 0;
    const round = (x: number) => Math.fround(x);
    for (let i = 0; i < 6000; i++) {
      const agent = rng.int(300);
      if (rng.bernoulli(0.01)) {
        w.flush(agent);
        ref.flush(agent);
        continue;
      }
      const obs = [rng.normal(), rng.normal(), rng.normal()].map(round), next = [rng.normal(), rng.normal(), rng.normal()].map(round);
      const mask = Array.from({ length: 5 }, () => rng.int(2));
      mask[rng.int(5)] = 1;
      const action = rng.int(5), reward = rng.uniform(-1, 1), done = rng.bernoulli(0.08);
      w.step(agent, Float32Array.from(obs), 0, action, reward, Float32Array.from(next), 0, done, Uint8Array.from(mask), 0);
      ref.step(agent, obs, action, reward, next, done, mask);
      peak = Math.max(peak, w.activeAgents);
    }
    w.flushAll();
    ref.flushAll();
    assert.ok(peak > 64, `peak active agents ${peak}`);
    assert.equal(w.activeAgents, 0);
    assert.deepEqual(written(buf), ref.out, `n = ${n}`);
  }
});

test("stepBatch records rows like step() one by one, and checks all rows first", () => {
  const spec: ReplaySpec = { capacity: 1000, obsSize: 2, numActions: 3, maskSize: 3 };
  const a = new UniformReplay(spec), b = new UniformReplay(spec);
  const wa = new NStepWriter(a, { n: 3, gamma: 0.9, maxAgents: 4 }), wb = new NStepWriter(b, { n: 3, gamma: 0.9, maxAgents: 4 });
  const rng = new Rng(50);
  const count = 200;
  const rows = {
    obs: Float32Array.from({ length: 2 * count }, () => rng.normal()),
    nextObs: Float32Array.from({ length: 2 * count }, () => rng.normal()),
    actions: Int32Array.from({ length: count }, () => rng.int(3)),
    rewards: Float32Array.from({ length: count }, () => rng.normal()),
    dones: Uint8Array.from({ length: count }, () => (rng.bernoulli(0.1) ? 1 : 0)),
    discounts: new Float32Array(count),
    nextMask: Uint8Array.from({ length: 3 * count }, (_, k) => (k % 3 === 0 ? 1 : rng.int(2))),
  };
  const agents = Int32Array.from({ length: count }, () => rng.int(4));
  wa.stepBatch(agents, rows, 0, count);
  for (let i = 0; i < count; i++) {
    wb.step(agents[i], rows.obs, 2 * i, rows.actions[i], rows.rewards[i], rows.nextObs, 2 * i, rows.dones[i] === 1, rows.nextMask, 3 * i);
  }
  wa.flushAll();
  wb.flushAll();
  assert.ok(a.size > 150);
  assert.deepEqual(a.getState(), b.getState());
  const bad = { ...rows, rewards: rows.rewards.slice() };
  bad.rewards[7] = NaN;
  const c = new UniformReplay(spec);
  const wc = new NStepWriter(c, { n: 3, gamma: 0.9, maxAgents: 4 });
  assert.throws(() => wc.stepBatch(agents, bad, 0, count), /^RangeError: nstep\.stepBatch: row 7: reward is NaN$/);
  assert.throws(() => wc.stepBatch(Int32Array.of(0, 4), rows, 0, 2), /nstep\.stepBatch: row 1: agents\[1\] must be an integer in \[0, 3\], got 4/);
  assert.equal(wc.activeAgents, 0);
  assert.equal(c.size, 0);
});

test("flushAll writes agents in ascending id order; discard forgets without writing", () => {
  const buf = new UniformReplay(SPEC2);
  const w = new NStepWriter(buf, { n: 4, gamma: 0.9, maxAgents: 10 });
  for (const agent of [9, 3, 6, 0]) stepOf(w, agent, 0, 1);
  w.discard(6);
  assert.equal(w.pending(6), 0);
  w.flushAll();
  assert.deepEqual(written(buf).map((r) => r.obs[0]), [0, 3, 9]);
  w.flush(5); // nothing pending: a no-op
  assert.equal(buf.size, 3);
});

test("bad steps are refused with the field named, recording nothing", () => {
  const buf = new UniformReplay({ ...SPEC2, maskSize: 3 });
  const w = new NStepWriter(buf, { n: 3, gamma: 0.9, maxAgents: 10 });
  const o = Float32Array.of(0, 0), m = Uint8Array.of(1, 1, 1);
  const cases: [() => void, RegExp][] = [
    [() => w.step(10, o, 0, 0, 0, o, 0, false, m, 0), /^RangeError: nstep\.step: agent must be an integer in \[0, 9\], got 10$/],
    [() => w.step(0, o, 0, 0, NaN, o, 0, false, m, 0), /^RangeError: nstep\.step: reward is NaN$/],
    [() => w.step(0, Float32Array.of(0, Infinity), 0, 0, 0, o, 0, false, m, 0), /nstep\.step: obs\[1\] is Infinity/],
    [() => w.step(0, o, 0, 3, 0, o, 0, false, m, 0), /nstep\.step: action must be an integer in \[0, 3\), got 3/],
    [() => w.step(0, o, 0, 0, 0, o, 0, false, Uint8Array.of(0, 0, 0), 0), /nextMask has no valid action/],
    [() => w.pending(-1), /nstep\.pending: agent/],
    [() => w.flush(1.5), /nstep\.flush: agent/],
  ];
  for (const [call, message] of cases) assert.throws(call, (e: unknown) => e instanceof RangeError && message.test(String(e)));
  assert.equal(w.activeAgents, 0);
  assert.equal(buf.size, 0);
  assert.throws(() => new NStepWriter(buf, { n: 0, gamma: 0.9, maxAgents: 1 }), /NStepWriter: n must be an integer in \[1, 1000\], got 0/);
  assert.throws(() => new NStepWriter(buf, { n: 2, gamma: 1.1, maxAgents: 1 }), /gamma must be in \[0, 1\]/);
  assert.throws(() => new NStepWriter(buf, { n: 2, gamma: 0.9, maxAgents: 0 }), /maxAgents/);
});

test("state round-trip: a restored writer continues exactly like the original", () => {
  const spec: ReplaySpec = { capacity: 5000, obsSize: 2, numActions: 3, maskSize: 3 };
  const a = new UniformReplay(spec), b = new UniformReplay(spec);
  const wa = new NStepWriter(a, { n: 4, gamma: 0.8, maxAgents: 50 });
  const rng = new Rng(60);
  const step = (w: NStepWriter, r: Rng) => {
    const obs = Float32Array.of(r.normal(), r.normal()), next = Float32Array.of(r.normal(), r.normal());
    w.step(r.int(50), obs, 0, r.int(3), r.normal(), next, 0, r.bernoulli(0.1), Uint8Array.of(1, r.int(2), r.int(2)), 0);
  };
  for (let i = 0; i < 500; i++) step(wa, rng);
  const state = wa.getState();
  assert.ok(state.agents.length > 10);
  const wb = new NStepWriter(b, { n: 4, gamma: 0.8, maxAgents: 50 });
  stepOf(wb, 3, 0, 1); // pending steps that setState must replace
  wb.setState(state);
  assert.deepEqual(wb.getState(), state);
  const sizeA = a.size;
  const rngB = new Rng(0);
  rngB.setState(rng.getState());
  for (let i = 0; i < 500; i++) {
    step(wa, rng);
    step(wb, rngB);
  }
  wa.flushAll();
  wb.flushAll();
  assert.deepEqual(written(b), written(a).slice(sizeA));
  // A mismatched state is refused and changes nothing.
  const wc = new NStepWriter(new UniformReplay(spec), { n: 3, gamma: 0.8, maxAgents: 50 });
  stepOf(wc, 1, 0, 1);
  assert.throws(() => wc.setState(state), /NStepWriter\.setState: state has n 4 but this writer has n 3/);
  const wd = new NStepWriter(new UniformReplay(spec), { n: 4, gamma: 0.8, maxAgents: 50 });
  assert.throws(() => wd.setState({ ...state, counts: state.counts.map(() => 4) }), /state\.counts\[0\] is 4, expected 1 \.\. 3/);
  assert.throws(() => wd.setState({ ...state, agents: state.agents.slice().reverse() }), /ascending/);
  assert.equal(wc.pending(1), 1);
  assert.equal(wd.activeAgents, 0);
});
