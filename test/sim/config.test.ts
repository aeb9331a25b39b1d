import { test } from "node:test";
import assert from "node:assert/strict";
import { SimConfigError, defaultSimConfig, describeSimConfig, parseSimConfig, withOverrides } from "../../src/sim/config.js";

function messageOf(input: unknown): string {
  try {
    parseSimConfig(input, "world.json");
  } catch (err) {
    assert.ok(err instanceof SimConfigError, "a SimConfigError");
    return err.message;
  }
  assert.fail("the config was accepted");
}

test("the defaults parse, and every parameter is documented with its default inside its range", () => {
  const c = defaultSimConfig();
  assert.equal(c.users, 2000);
  assert.equal(c.effects.fatigue.enabled, true);
  const params = describeSimConfig();
  assert.ok(params.length > 60);
  for (const p of params) {
    assert.ok(p.doc.length > 10, `${p.key} is documented`);
    if (p.kind !== "boolean") assert.ok((p.def as number) >= p.min! && (p.def as number) <= p.max!, `${p.key} default in range`);
  }
});

test("an unknown key is refused, naming the key and the keys allowed there", () => {
  const msg = messageOf({ effects: { fatigu: { enabled: false } } });
  assert.match(msg, /world\.json/);
  assert.match(msg, /effects\.fatigu: unknown key/);
  assert.match(msg, /fatigue/);
  assert.match(messageOf({ usrs: 10 }), /usrs: unknown key \(known keys here: users, streamers/);
});

test("a negative count is refused with the key and the allowed range", () => {
  assert.match(messageOf({ users: -5 }), /users: must be a whole number from 1 to 1000000 \(got -5\)/);
  assert.match(messageOf({ streamers: 2.5 }), /streamers: must be a whole number from 1 to 200000 \(got 2\.5\)/);
});

test("a weight that does not parse is refused with the key and the allowed range", () => {
  assert.match(messageOf({ reward: { gift: "ten" } }), /reward\.gift: must be a number from 0 to 1000 \(got "ten"\)/);
  assert.match(messageOf({ reward: { like: -1 } }), /reward\.like: must be a number from 0 to 1000 \(got -1\)/);
  assert.match(messageOf({ effects: { crowding: { enabled: "yes" } } }), /effects\.crowding\.enabled: must be true or false/);
  assert.match(messageOf({ effects: 3 }), /effects: must be an object of settings/);
});

test("every problem is reported at once, and cross-key rules name both keys", () => {
  const msg = messageOf({ users: 0, days: 1000 });
  assert.match(msg, /users:/);
  assert.match(msg, /days: must be a whole number from 1 to 366/);
  assert.match(messageOf({ user: { followCapacity: 60, historyCapacity: 40 } }), /user\.followCapacity: must be below user\.historyCapacity \(40\)/);
  assert.match(messageOf({ streamer: { streamsPerWeekMin: 6, streamsPerWeekMax: 2 } }), /streamer\.streamsPerWeekMin: must be at most streamer\.streamsPerWeekMax/);
});

test("a partial config keeps the other defaults, and overrides merge deeply", () => {
  const c = parseSimConfig({ effects: { fatigue: { enabled: false } } });
  assert.equal(c.effects.fatigue.enabled, false);
  assert.equal(c.effects.fatigue.perHour, defaultSimConfig().effects.fatigue.perHour);
  const d = withOverrides(c, { users: 7, effects: { crowding: { threshold: 3 } } });
  assert.equal(d.users, 7);
  assert.equal(d.effects.fatigue.enabled, false);
  assert.equal(d.effects.crowding.threshold, 3);
  assert.equal(d.effects.crowding.enabled, true);
});
