/**
 * The pieces under the HTTP layer, directly: the catalogue's slots and live set (recycling the
 * least recently live slot), the transitions the experience recorder makes from feedback, the
 * features of a newcomer, and the trainer's cold start (zero advantage for a new slot).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseServeConfig } from "../../src/serve/config.js";
import type { ServeEvent } from "../../src/serve/event-schema.js";
import { ExperienceRecorder } from "../../src/serve/model/experience.js";
import { FEATURE_COUNT, FEATURE_NAMES, FeatureEncoder } from "../../src/serve/model/features.js";
import type { ResetSlotMessage, TransitionsMessage } from "../../src/serve/model/learner-protocol.js";
import { OnlineTrainer } from "../../src/serve/model/trainer.js";
import { TransitionBuffer } from "../../src/serve/model/transition-buffer.js";
import { serviceDqnConfig } from "../../src/serve/service.js";
import { Catalogue } from "../../src/serve/state/catalogue.js";
import { PlatformState } from "../../src/serve/state/platform-state.js";

test("the catalogue keeps the live set by slot and recycles the least recently live slot", () => {
  const c = new Catalogue(3);
  const recycled: number[] = [];
  c.onSlotRecycled((slot) => recycled.push(slot));
  c.startStream("a1", "A", 100);
  c.startStream("b1", "B", 200);
  c.startStream("c1", "C", 300);
  assert.equal(c.nLive, 3);
  assert.deepEqual([...c.liveMask], [1, 1, 1]);
  c.endStream("b1", 400);
  c.endStream("a1", 500);
  assert.equal(c.nLive, 1);
  c.startStream("d1", "D", 600); // no free slot: B's (live least recently, at 400) is recycled
  assert.deepEqual(recycled, [1]);
  assert.equal(c.streamerSlot[c.findStreamer("B")], -1);
  assert.equal(c.slotOfStream(c.findStream("d1")), 1);
  c.startStream("a2", "A", 700); // A kept its slot
  assert.equal(c.slotOfStream(c.findStream("a2")), 0);
  c.startStream("c2", "C", 800); // a second stream of C ends the first
  assert.equal(c.streamLive[c.findStream("c1")], 0);
  assert.equal(c.nLive, 3);
  c.endStream("c1", 900); // already ended: nothing changes
  assert.equal(c.nLive, 3);
  c.startStream("e1", "E", 1000); // every slot live: E cannot be slotted (and is never recommended)
  assert.equal(c.unslotted, 1);
  assert.equal(c.slotOfStream(c.findStream("e1")), -1);
});

function setup() {
  const state = new PlatformState(8, () => 0);
  const encoder = new FeatureEncoder(state);
  const messages: (TransitionsMessage | ResetSlotMessage)[] = [];
  const buffer = new TransitionBuffer(FEATURE_COUNT, 8, (m) => messages.push(m));
  const weights = parseServeConfig({}).reward;
  const exp = new ExperienceRecorder(state, encoder, weights, buffer);
  let seq = 0;
  /** Applies an event (its id made up) as the service does: before, apply, after. */
  const apply = (e: Record<string, unknown> & { type: ServeEvent["type"]; ts: number }) => {
    const event = { id: `e${seq}`, ...e } as unknown as ServeEvent;
    seq++;
    exp.before(event, seq);
    state.apply(event, seq);
    exp.after(event, seq);
  };
  return { state, encoder, messages, buffer, weights, exp, apply };
}

test("feedback becomes one transition per decision: state when shown, picked slot, weighted reward, next state and mask", () => {
  const { state, encoder, messages, buffer, weights, apply } = setup();
  const t0 = 1_767_571_200_000;
  apply({ type: "stream_start", ts: t0, stream: "x", streamer: "X" });
  apply({ type: "stream_start", ts: t0, stream: "y", streamer: "Y" });
  const shownState = new Float32Array(FEATURE_COUNT);
  encoder.encode(-1, t0 + 1000, shownState, 0);
  apply({ type: "impression", ts: t0 + 1000, user: "u", streams: ["x", "y"] });
  apply({ type: "click", ts: t0 + 2000, user: "u", stream: "y" });
  apply({ type: "watch", ts: t0 + 3000, user: "u", stream: "y", minutes: 30 });
  apply({ type: "gift", ts: t0 + 3000, user: "u", stream: "y", value: 2 });
  apply({ type: "like", ts: t0 + 3000, user: "u", stream: "x" }); // not the picked stream: no credit
  apply({ type: "stream_end", ts: t0 + 4000, stream: "x" });
  const nextState = new Float32Array(FEATURE_COUNT);
  encoder.encode(state.users.find("u"), t0 + 5000, nextState, 0);
  apply({ type: "impression", ts: t0 + 5000, user: "u", streams: ["y"] }); // closes the first decision
  apply({ type: "leave", ts: t0 + 6000, user: "u" }); // closes the second (nothing picked: the first shown, reward 0)
  buffer.flush();

  const m = messages[0] as TransitionsMessage;
  assert.equal(m.kind, "transitions");
  assert.equal(m.count, 2);
  const slotY = state.catalogue.slotOfStream(state.catalogue.findStream("y"));
  assert.deepEqual([...m.actions], [slotY, slotY]);
  assert.ok(Math.abs(m.rewards[0] - (weights.click + 30 * weights.watchMinute + 2 * weights.gift)) < 1e-5, `reward ${m.rewards[0]}`);
  assert.equal(m.rewards[1], 0);
  assert.deepEqual([...m.obs.subarray(0, FEATURE_COUNT)], [...shownState], "the state when shown (a newcomer then)");
  assert.deepEqual([...m.nextObs.subarray(0, FEATURE_COUNT)], [...nextState], "the state at the next decision");
  const mask = m.masks.subarray(m.maskIndex[0] * 8, m.maskIndex[0] * 8 + 8);
  assert.equal(mask[state.catalogue.slotOfStream(state.catalogue.findStream("x"))], 0, "x had ended by the next decision");
  assert.equal(mask[slotY], 1);
  assert.equal(m.seq, 10, "the sequence number of the event that closed the last decision");
});

test("a newcomer's features: the clock, new_user = 1, the live context, zeros elsewhere", () => {
  const { state, encoder, apply } = setup();
  apply({ type: "stream_start", ts: 0, stream: "x", streamer: "X" });
  const v = new Float32Array(FEATURE_COUNT);
  encoder.encode(-1, Date.UTC(2026, 0, 5, 6), v, 0); // a Monday, 06:00 UTC
  const f = Object.fromEntries(FEATURE_NAMES.map((n, i) => [n, v[i]]));
  assert.ok(Math.abs(f.hour_sin - 1) < 1e-6 && Math.abs(f.hour_cos) < 1e-6, "06:00 is a quarter turn");
  assert.ok(Math.abs(f.weekday_sin - Math.sin((2 * Math.PI) / 7)) < 1e-6, "Monday is day 1");
  assert.equal(f.new_user, 1);
  assert.ok(f.live_streams > 0);
  assert.equal(f.decisions + f.follows + f.watch_hours, 0);
  assert.equal(state.users.count, 0);
});

test("cold start of a streamer: every slot starts with zero advantage, so an unseen streamer scores as the average", () => {
  const config = parseServeConfig({ catalogue: { slots: 16 }, dqn: { hidden: [8], batchSize: 4 } });
  const trainer = new OnlineTrainer({
    dqn: serviceDqnConfig(config), publishEvery: 1, updatesPerTransition: 1, maxUpdatesPerSecond: 1000, learningStarts: 4,
    checkpointEverySeconds: 0, checkpointDir: null, initialModelDir: null,
  });
  const obs = new Float32Array(FEATURE_COUNT).fill(0.3);
  const q = trainer.agent.qValues(obs, 1);
  for (let a = 1; a < 16; a++) assert.equal(q[a], q[0], "all slots equal before any training");
  // train on slot 2 only, rewarded
  const n = 16;
  const m: TransitionsMessage = {
    kind: "transitions", count: n, obs: new Float32Array(n * FEATURE_COUNT).fill(0.3), nextObs: new Float32Array(n * FEATURE_COUNT).fill(0.3),
    actions: new Int32Array(n).fill(2), rewards: new Float32Array(n).fill(1), maskIndex: new Int32Array(n), masks: new Uint8Array(16).fill(1), seq: 5,
  };
  trainer.add(m);
  while (trainer.canUpdate) trainer.update();
  const after = trainer.agent.qValues(obs, 1);
  assert.ok(after[2] > after[7], `the rewarded slot rises above the others (${after[2]} > ${after[7]})`);
  for (let a = 3; a < 16; a++) assert.ok(Math.abs(after[a] - after[7]) < 1e-5, "untrained slots stay alike");
  trainer.resetSlot(2, 6);
  const reset = trainer.agent.qValues(obs, 1);
  const mean = reset.reduce((x, y) => x + y, 0) / 16;
  assert.ok(Math.abs(reset[2] - mean) < 1e-5, `a recycled slot scores the mean Q again (${reset[2]} vs ${mean})`);
  assert.equal(trainer.seq, 6);
});
