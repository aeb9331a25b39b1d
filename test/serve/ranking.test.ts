/**
 * The ranking and the hand-over of events between threads, checked against plain definitions:
 * the top-k of a recommendation is the first k of the full ranking of every live stream, each
 * score the sum of its documented parts (whatever bonuses a user has); and events packed into
 * columns by the store thread come back as the very objects the schema gave, and so do the
 * recommendations the main thread collects for the log.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { Rng } from "../../src/core/random/rng.js";
import { eventSchema, type ServeEvent, type ServeEventInput } from "../../src/serve/event-schema.js";
import { eventAt, toColumns } from "../../src/serve/store/event-columns.js";
import { RecommendationCollector, recommendationRows } from "../../src/serve/store/recommendation-columns.js";
import { eid, startStreams, startTestServer, type TestServer } from "./helpers.js";

describe("the ranking", () => {
  let s: TestServer;
  const LIVE = 60;
  before(async () => {
    s = await startTestServer({ catalogue: { slots: 64 } });
    const rng = new Rng(5);
    const events: ServeEventInput[] = [...startStreams(LIVE)];
    // users with follows and recent watches (the bonuses), some of them on many streams
    for (let u = 0; u < 12; u++) {
      for (let i = 0; i < rng.int(3 + u * 3); i++) {
        const stream = `s${rng.int(LIVE)}`;
        events.push({ id: eid(), type: rng.bernoulli(0.4) ? "follow" : "watch", user: `r${u}`, stream, minutes: 1 + rng.int(60) } as ServeEventInput);
      }
    }
    const clean = events.map((e) => (e.type === "follow" ? { id: e.id, type: e.type, user: e.user, stream: e.stream } : e)) as ServeEventInput[];
    assert.equal((await s.send(clean)).status, 200);
  });
  after(async () => s.dispose());

  test("top-k is the first k of the full ranking, and every score is the sum of its parts", async () => {
    const { followBonus } = s.service.config.recommend;
    s.service.model.pin(); // one model version for every request below (the learner keeps publishing)
    for (let u = 0; u < 12; u++) {
      const all = (await s.get(`/v1/recommend?user=r${u}&k=${LIVE}&explain=true`)).body;
      assert.equal(all.items.length, LIVE);
      assert.equal(new Set(all.items.map((x: { stream: string }) => x.stream)).size, LIVE, "every live stream once");
      for (let i = 0; i < LIVE; i++) {
        const x = all.items[i];
        const parts = x.q + (x.why.follows ? followBonus : 0) + x.why.recentBonus + x.why.tieBreak;
        assert.ok(Math.abs(x.score - parts) < 1e-5, `score ${x.score} = ${parts}`);
        if (i > 0) assert.ok(all.items[i - 1].score >= x.score, "descending");
      }
      assert.ok(all.items.some((x: { why: { follows: boolean; recentBonus: number } }) => x.why.follows || x.why.recentBonus > 0) || u === 0);
      for (const k of [1, 3, 10]) {
        const top = (await s.get(`/v1/recommend?user=r${u}&k=${k}&explain=true`)).body;
        assert.deepEqual(top.items.map((x: { stream: string }) => x.stream), all.items.slice(0, k).map((x: { stream: string }) => x.stream), `user r${u}, k=${k}`);
      }
    }
  });
});

describe("event columns", () => {
  test("events packed into columns come back as the schema gave them (fast-check)", () => {
    const id = fc.stringMatching(/^[A-Za-z0-9_.:@~-]{1,12}$/);
    const label = fc.string({ minLength: 1, maxLength: 10 });
    const ts = fc.integer({ min: 0, max: 2e12 });
    const event = fc.oneof(
      fc.record({ type: fc.constant("impression"), id, ts, user: id, streams: fc.array(id, { minLength: 1, maxLength: 12 }), rec: fc.option(id, { nil: undefined }) }, { requiredKeys: ["type", "id", "ts", "user", "streams"] }),
      fc.record({ type: fc.constantFrom("click", "like", "comment", "follow"), id, ts, user: id, stream: id, rec: id }, { requiredKeys: ["type", "id", "ts", "user", "stream"] }),
      fc.record({ type: fc.constant("watch"), id, ts, user: id, stream: id, minutes: fc.double({ min: 0, max: 1440, noNaN: true }) }),
      fc.record({ type: fc.constant("gift"), id, ts, user: id, stream: id, value: fc.double({ min: 0, max: 1e6, noNaN: true }) }, { requiredKeys: ["type", "id", "ts", "user", "stream"] }),
      fc.record({ type: fc.constantFrom("leave", "user_upsert"), id, ts, user: id }),
      fc.record({ type: fc.constant("stream_start"), id, ts, stream: id, streamer: id, category: label }, { requiredKeys: ["type", "id", "ts", "stream", "streamer"] }),
      fc.record({ type: fc.constant("stream_end"), id, ts, stream: id }),
      fc.record({ type: fc.constant("streamer_upsert"), id, ts, streamer: id, category: label }, { requiredKeys: ["type", "id", "ts", "streamer"] }),
    );
    fc.assert(
      fc.property(fc.array(event, { minLength: 1, maxLength: 20 }), (inputs) => {
        // as received: JSON, then the schema
        const events = inputs.map((e) => eventSchema.parse(JSON.parse(JSON.stringify(e))) as ServeEvent);
        const columns = toColumns(events);
        assert.equal(columns.count, events.length);
        events.forEach((e, i) => assert.deepEqual(eventAt(columns, i), e));
      }),
      { numRuns: 300, seed: 4 },
    );
  });
});

describe("recommendation columns", () => {
  test("the log rows hold each recommendation served, its items as JSON", async () => {
    const s = await startTestServer();
    try {
      await s.send(startStreams(12));
      const served = [];
      for (const user of ["a", "b b", "c", "é-not-an-id"]) served.push(s.service.recommend(user, 1 + served.length * 3));
      const collector = new RecommendationCollector();
      served.forEach((r, i) => collector.add(r, 1000 + i));
      assert.equal(collector.count, 4);
      const rows = recommendationRows(collector.take());
      assert.equal(collector.count, 0, "taken");
      assert.deepEqual(
        rows,
        served.map((r, i) => ({
          rec: r.rec, user: r.user, ts: 1000 + i, modelVersion: r.modelVersion,
          items: JSON.stringify(r.items.map((x) => ({ stream: x.stream, propensity: x.propensity, explored: x.explored, q: x.q }))),
        })),
      );
      assert.deepEqual(recommendationRows(collector.take()), []);
    } finally {
      await s.dispose();
    }
  });
});
