/**
 * The behaviour every ReplayBuffer must show, as one suite run against each implementation (see
 * uniform.test.ts and prioritized.test.ts).
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../../src/core/random/rng.js";
import type { ReplayBuffer, ReplaySpec, ReplayState } from "../../../src/core/replay/types.js";
import { createReplayBatch } from "../../../src/core/replay/batch.js";
import { cloneReplayState } from "../../../src/core/replay/create.js";
import { replayMemoryReport } from "../../../src/core/replay/memory.js";
import { SPEC, addTransition, batchSnapshot, checkBatchRow, fixtureRows } from "./fixtures.js";

export function replayBufferContract(name: string, make: (spec: ReplaySpec) => ReplayBuffer): void {
  describe(`ReplayBuffer contract: ${name}`, () => {
    test("sampled rows are exactly stored rows, with masks unpacked across mask words", () => {
      const buf = make(SPEC);
      for (let t = 0; t < 30; t++) assert.equal(addTransition(buf, t), t);
      assert.equal(buf.size, 30);
      const batch = createReplayBatch(SPEC, 64);
      const rng = new Rng(1);
      const seen = new Set<number>();
      for (let k = 0; k < 20; k++) {
        buf.sample(64, rng, batch);
        assert.equal(batch.size, 64);
        for (let b = 0; b < 64; b++) {
          const t = checkBatchRow(SPEC, batch, b);
          assert.ok(t < 30);
          assert.equal(batch.indices[b], t, "index is the slot of the row");
          assert.ok(batch.weights[b] > 0 && batch.weights[b] <= 1, `weight ${batch.weights[b]}`);
          seen.add(t);
        }
      }
      assert.equal(seen.size, 30, "every stored row gets sampled");
    });

    test("capacity wrap-around overwrites the oldest rows", () => {
      const spec = { ...SPEC, capacity: 16 };
      const buf = make(spec);
      for (let t = 0; t < 40; t++) assert.equal(addTransition(buf, t), t % 16);
      assert.equal(buf.size, 16);
      const batch = createReplayBatch(spec, 32);
      const rng = new Rng(2);
      const seen = new Set<number>();
      for (let k = 0; k < 30; k++) {
        buf.sample(32, rng, batch);
        for (let b = 0; b < 32; b++) {
          const t = checkBatchRow(spec, batch, b);
          assert.ok(t >= 24 && t < 40, `row ${t} should have been overwritten`);
          assert.equal(batch.indices[b], t % 16);
          seen.add(t);
        }
      }
      assert.equal(seen.size, 16);
    });

    test("without masks: the batch mask is empty and a mask argument is refused", () => {
      const spec = { ...SPEC, maskSize: 0 };
      const buf = make(spec);
      for (let t = 0; t < 10; t++) addTransition(buf, t);
      const batch = createReplayBatch(spec, 8);
      assert.equal(batch.nextMask.length, 0);
      buf.sample(8, new Rng(3), batch);
      for (let b = 0; b < 8; b++) checkBatchRow(spec, batch, b);
      const o = new Float32Array(3);
      assert.throws(() => buf.add(o, 0, 0, 0, o, 0, false, 1, new Uint8Array(37).fill(1), 0), /replay\.add: nextMask given but this buffer stores no masks/);
      // A batch sampled from a maskless buffer (empty nextMask) adds straight into another one.
      const copy = make(spec);
      copy.addBatch(batch, 0, 8);
      assert.equal(copy.size, 8);
    });

    test("a null mask stores every action as valid", () => {
      const buf = make(SPEC);
      const o = new Float32Array(3);
      buf.add(o, 0, 1, 0, o, 0, false, 1, null, 0);
      const batch = createReplayBatch(SPEC, 4);
      buf.sample(4, new Rng(4), batch);
      assert.deepEqual(Array.from(batch.nextMask), new Array(4 * 37).fill(1));
    });

    test("addBatch stores the same rows as add, and a sampled batch can be added to another buffer", () => {
      const a = make(SPEC), b = make(SPEC);
      for (let t = 0; t < 70; t++) addTransition(a, t);
      const rows = fixtureRows(SPEC, 0, 70);
      b.addBatch(rows, 0, 20);
      b.addBatch(rows, 20, 50);
      assert.deepEqual(b.getState(), a.getState());
      const batch = createReplayBatch(SPEC, 10);
      a.sample(10, new Rng(5), batch);
      const c = make(SPEC);
      c.addBatch(batch, 0, 10);
      const out = createReplayBatch(SPEC, 40);
      c.sample(40, new Rng(6), out);
      for (let r = 0; r < 40; r++) checkBatchRow(SPEC, out, r);
    });

    test("the same seed gives the same batches; another seed does not", () => {
      const a = make(SPEC), b = make(SPEC);
      for (let t = 0; t < 45; t++) {
        addTransition(a, t);
        addTransition(b, t);
      }
      const ba = createReplayBatch(SPEC, 32), bb = createReplayBatch(SPEC, 32);
      const ra = new Rng(7), rb = new Rng(7), rc = new Rng(8);
      for (let k = 0; k < 5; k++) {
        a.sample(32, ra, ba, k / 4);
        b.sample(32, rb, bb, k / 4);
        assert.deepEqual(batchSnapshot(ba), batchSnapshot(bb));
      }
      b.sample(32, rc, bb);
      assert.notDeepEqual(batchSnapshot(ba).indices, batchSnapshot(bb).indices);
    });

    test("state round-trip: a restored buffer samples, adds and updates bit for bit like the original", () => {
      const a = make(SPEC);
      for (let t = 0; t < 73; t++) addTransition(a, t);
      const batch = createReplayBatch(SPEC, 16), other = createReplayBatch(SPEC, 16);
      const rng = new Rng(9);
      a.sample(16, rng, batch);
      const td = new Float32Array(16).map((_, i) => (i % 4) - 1.5);
      a.updatePriorities(batch.indices, td, 16);
      const state = cloneReplayState(a.getState());
      const b = make(SPEC);
      b.setState(state);
      assert.equal(b.size, a.size);
      assert.deepEqual(b.getState(), a.getState());
      const rngB = new Rng(0);
      rngB.setState(rng.getState());
      for (let k = 0; k < 4; k++) {
        addTransition(a, 100 + k);
        addTransition(b, 100 + k);
        a.sample(16, rng, batch, 0.25 * k);
        b.sample(16, rngB, other, 0.25 * k);
        assert.deepEqual(batchSnapshot(other), batchSnapshot(batch));
        a.updatePriorities(batch.indices, td, 16);
        b.updatePriorities(other.indices, td, 16);
      }
      assert.deepEqual(b.getState(), a.getState());
    });

    test("state round-trip of a partly filled buffer, and of a buffer restored from its own views", () => {
      const a = make(SPEC);
      for (let t = 0; t < 7; t++) addTransition(a, t);
      const b = make(SPEC);
      b.setState(a.getState());
      a.setState(a.getState());
      assert.deepEqual(b.getState(), a.getState());
      assert.equal(b.getState().next, 7);
      const ba = createReplayBatch(SPEC, 8), bb = createReplayBatch(SPEC, 8);
      a.sample(8, new Rng(10), ba);
      b.sample(8, new Rng(10), bb);
      assert.deepEqual(batchSnapshot(bb), batchSnapshot(ba));
    });

    test("setState refuses a mismatched state with a clear error and leaves the buffer unchanged", () => {
      const b = make(SPEC);
      for (let t = 0; t < 20; t++) addTransition(b, t);
      const before = cloneReplayState(b.getState());
      const other = make({ ...SPEC, obsSize: 4 });
      addTransition(other, 0);
      assert.throws(() => b.setState(other.getState()), /setState: state has obsSize 4 but this buffer has obsSize 3/);
      const good = cloneReplayState(make(SPEC).getState());
      const full = make(SPEC);
      for (let t = 0; t < 60; t++) addTransition(full, t);
      const st = cloneReplayState(full.getState());
      const bad: [string, ReplayState, RegExp][] = [
        ["short obs", { ...st, obs: st.obs.subarray(1) }, /state\.obs has length 149, expected 150/],
        ["wrong type", { ...st, rewards: new Float64Array(50) as unknown as Float32Array }, /state\.rewards must be a Float32Array/],
        ["size > capacity", { ...st, size: 51 }, /state\.size must be an integer in \[0, 50\]/],
        ["next past size", { ...good, next: 3 }, /state\.next must equal state\.size/],
        ["NaN obs", { ...st, obs: st.obs.slice().fill(NaN, 7, 8) }, /state\.obs\[7\] is NaN/],
        ["bad action", { ...st, actions: st.actions.slice().fill(37, 2, 3) }, /state\.actions\[2\] is 37/],
        ["wrong kind", { ...st, kind: st.kind === "uniform" ? "prioritized" : "uniform" } as ReplayState, /kind/],
        ["version", { ...st, version: 2 } as unknown as ReplayState, /version 2/],
      ];
      for (const [label, state, message] of bad) {
        assert.throws(() => b.setState(state), message, label);
        assert.deepEqual(b.getState(), before, `${label}: buffer changed`);
      }
    });

    test("bad input is refused with a RangeError naming the field, and changes nothing", () => {
      const buf = make(SPEC);
      for (let t = 0; t < 5; t++) addTransition(buf, t);
      const before = cloneReplayState(buf.getState());
      const o = new Float32Array(3), m = new Uint8Array(37).fill(1);
      const nan = Float32Array.of(0, NaN, 0), inf = Float32Array.of(0, 0, -Infinity);
      const cases: [string, () => void, RegExp][] = [
        ["NaN obs", () => buf.add(nan, 0, 0, 0, o, 0, false, 1, m, 0), /^RangeError: replay\.add: obs\[1\] is NaN$/],
        ["Infinity nextObs", () => buf.add(o, 0, 0, 0, inf, 0, false, 1, m, 0), /replay\.add: nextObs\[2\] is -Infinity/],
        ["NaN reward", () => buf.add(o, 0, 0, NaN, o, 0, false, 1, m, 0), /^RangeError: replay\.add: reward is NaN$/],
        ["Infinity reward", () => buf.add(o, 0, 0, Infinity, o, 0, false, 1, m, 0), /replay\.add: reward is Infinity/],
        ["action too big", () => buf.add(o, 0, 37, 0, o, 0, false, 1, m, 0), /replay\.add: action must be an integer in \[0, 37\), got 37/],
        ["negative action", () => buf.add(o, 0, -1, 0, o, 0, false, 1, m, 0), /action/],
        ["fractional action", () => buf.add(o, 0, 1.5, 0, o, 0, false, 1, m, 0), /action/],
        ["discount > 1", () => buf.add(o, 0, 0, 0, o, 0, false, 1.5, m, 0), /replay\.add: discount must be in \[0, 1\]/],
        ["short obs", () => buf.add(o, 1, 0, 0, o, 0, false, 1, m, 0), /replay\.add: obs has length 3, too short for 3 values at offset 1/],
        ["short mask", () => buf.add(o, 0, 0, 0, o, 0, false, 1, m, 1), /replay\.add: nextMask has length 37/],
        ["negative offset", () => buf.add(o, -1, 0, 0, o, 0, false, 1, m, 0), /obs offset must be an integer >= 0/],
        ["no valid action", () => buf.add(o, 0, 0, 0, o, 0, false, 1, new Uint8Array(37), 0), /nextMask has no valid action/],
        ["done not boolean", () => buf.add(o, 0, 0, 0, o, 0, 1 as unknown as boolean, 1, m, 0), /done must be a boolean/],
      ];
      for (const [label, call, message] of cases) {
        assert.throws(call, (e: unknown) => e instanceof RangeError && message.test(String(e)), label);
        assert.deepEqual(buf.getState(), before, `${label}: buffer changed`);
      }
      // A terminal transition may have no valid next action.
      buf.add(o, 0, 0, 0, o, 0, true, 1, new Uint8Array(37), 0);
      assert.equal(buf.size, 6);
    });

    test("addBatch checks every row before writing any", () => {
      const buf = make(SPEC);
      const rows = fixtureRows(SPEC, 0, 5);
      rows.rewards[3] = NaN;
      assert.throws(() => buf.addBatch(rows, 0, 5), /^RangeError: replay\.addBatch: row 3: reward is NaN$/);
      assert.equal(buf.size, 0);
      rows.rewards[3] = 0;
      rows.dones[1] = 2;
      assert.throws(() => buf.addBatch(rows, 0, 5), /replay\.addBatch: row 1: dones\[1\] must be 0 or 1/);
      rows.dones[1] = 0;
      assert.throws(() => buf.addBatch(rows, 2, 4), /obs has length 15, too short/);
      assert.equal(buf.size, 0);
      buf.addBatch(rows, 0, 5);
      assert.equal(buf.size, 5);
    });

    test("a bad spec, sample or priority update is refused", () => {
      assert.throws(() => make({ ...SPEC, capacity: 0 }), /capacity must be an integer in \[1, /);
      assert.throws(() => make({ ...SPEC, capacity: 2.5 }), /capacity/);
      assert.throws(() => make({ ...SPEC, obsSize: 0 }), /obsSize/);
      assert.throws(() => make({ ...SPEC, maskSize: 5 }), /maskSize must be 0 \(no masks\) or numActions \(37\), got 5/);
      const buf = make(SPEC);
      const batch = createReplayBatch(SPEC, 8);
      assert.throws(() => buf.sample(8, new Rng(1), batch), /replay\.sample: the buffer is empty/);
      for (let t = 0; t < 5; t++) addTransition(buf, t);
      assert.throws(() => buf.sample(9, new Rng(1), batch), /batchSize must be an integer in \[1, 8\], got 9/);
      assert.throws(() => buf.sample(0, new Rng(1), batch), /batchSize/);
      assert.throws(() => buf.sample(8, new Rng(1), createReplayBatch({ obsSize: 4, maskSize: 37 }, 8)), /out has obsSize 4/);
      assert.throws(() => buf.sample(8, new Rng(1), batch, 1.5), /progress must be in \[0, 1\]/);
      assert.throws(() => buf.sample(8, new Rng(1), batch, NaN), /progress is NaN/);
      const before = cloneReplayState(buf.getState());
      assert.throws(() => buf.updatePriorities(Int32Array.of(0, 5), Float32Array.of(1, 1), 2), /indices\[1\] is 5, outside the 5 rows held/);
      assert.throws(() => buf.updatePriorities(Int32Array.of(0, 1), Float32Array.of(1, NaN), 2), /tdErrors\[1\] is NaN/);
      assert.throws(() => buf.updatePriorities(Int32Array.of(0), Float32Array.of(1), 2), /indices has length 1, too short/);
      assert.deepEqual(buf.getState(), before);
    });

    test("memory is fixed at construction and covers the raw bytes of the transitions", () => {
      const buf = make(SPEC);
      const report = replayMemoryReport(buf);
      assert.equal(report.rawBytesHeld, 0);
      assert.ok(report.byteLength >= report.rawBytes, `${report.byteLength} < ${report.rawBytes}`);
      for (let t = 0; t < 120; t++) addTransition(buf, t);
      assert.equal(buf.byteLength, report.byteLength);
      assert.equal(replayMemoryReport(buf).rawBytesHeld, report.rawBytes);
    });
  });
}
