import { test } from "node:test";
import assert from "node:assert/strict";
import { GrowableInt32Array } from "../../src/data/growable-int32.js";
import { IdInterner } from "../../src/data/id-interner.js";
import { layoutFromHeader, parseColumnMap } from "../../src/data/log-columns.js";
import { interactionLogFromRows, lastStep } from "../../src/data/interaction-log.js";

test("a growable column keeps its values across growth, reserves once, and trims or shares on finish", () => {
  const col = new GrowableInt32Array(16);
  for (let i = 0; i < 1000; i++) col.push(i * 3 - 7);
  assert.equal(col.length, 1000);
  assert.ok(col.capacity >= 1000);
  const out = col.finish();
  assert.equal(out.length, 1000);
  assert.equal(out[999], 999 * 3 - 7);
  assert.equal(out.buffer.byteLength, 1000 * 4, "a column with much spare room is trimmed");

  const full = new GrowableInt32Array(16);
  full.reserve(1010);
  assert.equal(full.capacity, 1010);
  for (let i = 0; i < 1000; i++) full.push(i);
  const shared = full.finish();
  assert.equal(shared.length, 1000);
  assert.equal(shared.buffer.byteLength, 1010 * 4, "a nearly full column is returned without a copy");
});

test("ids are interned densely in order of first appearance", () => {
  const ids = new IdInterner();
  const enc = (s: string) => {
    const b = Buffer.from(`,${s},`);
    return ids.internBytes(b, 1, b.length - 1);
  };
  assert.deepEqual([enc("42"), enc("alice"), enc("42"), ids.intern("alice"), ids.intern("042"), enc("042"), ids.intern("42")], [0, 1, 0, 1, 2, 2, 0]);
  assert.deepEqual(ids.ids, ["42", "alice", "042"]);
  assert.equal(ids.lookup("alice"), 1);
  assert.equal(ids.lookup("nobody"), -1);
  assert.equal(ids.lookup("042"), 2);
});

test("column maps are parsed strictly", () => {
  assert.deepEqual(parseColumnMap("user=a, streamer=b,start=c,stop=d"), { user: "a", streamer: "b", start: "c", stop: "d" });
  assert.throws(() => parseColumnMap("user"), /"user" is not ROLE=COLUMN/);
  assert.throws(() => parseColumnMap("user=a,user=b"), /role "user" given twice/);
  assert.throws(() => parseColumnMap("user="), /no column given for role "user"/);
  assert.throws(() => parseColumnMap("stop=a,duration=b"), /stop or duration, not both/);
});

test("recognised header names, by preference, and the columns they come from", () => {
  const l = layoutFromHeader(["", "user_id", "streamer_name", "start_time", "stop_time", "community"]);
  assert.deepEqual([l.user, l.streamer, l.start, l.stop, l.duration], [1, 2, 3, 4, -1]);
  const k = layoutFromHeader(["user_id", "live_id", "streamer_id", "timestamp", "watch_live_time"]);
  assert.deepEqual([k.user, k.streamer, k.start, k.stop, k.duration], [0, 2, 3, -1, 4]);
});

test("logs built from rows; T is the largest start, or of starts and stops", () => {
  const a = interactionLogFromRows([
    { user: "u", streamer: "s", start: 4 },
    { user: "v", streamer: "s", start: 9 },
  ]);
  assert.equal(lastStep(a), 9);
  const b = interactionLogFromRows([{ user: "u", streamer: "s", start: 4, stop: 12 }]);
  assert.equal(lastStep(b), 12);
  assert.throws(() => interactionLogFromRows([{ user: "u", streamer: "s", start: 4, stop: 4 }]), /stop 4 must be an integer after start 4/);
  assert.throws(() => interactionLogFromRows([{ user: "u", streamer: "s", start: 4, stop: 5 }, { user: "u", streamer: "s", start: 4 }]), /row 1 lacks a stop step/);
});

test("the id table stays exact through many insertions and rehashes", () => {
  const ids = new IdInterner();
  const reference = new Map<string, number>();
  for (let i = 0; i < 60_000; i++) {
    const id = i % 3 === 0 ? String((i * 7919) % 40_000) : `ch_${((i * 104729) % 30_000).toString(36)}`;
    const want = reference.get(id) ?? reference.size;
    reference.set(id, want);
    assert.equal(ids.intern(id), want);
  }
  assert.equal(ids.size, reference.size);
  for (const [id, index] of reference) assert.equal(ids.lookup(id), index);
  assert.deepEqual(ids.ids, [...reference.keys()]);
});
