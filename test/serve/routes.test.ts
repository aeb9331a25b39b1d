/**
 * Every route of the service, in-process (app.inject): the happy path, bad input (fast-check
 * generated bodies and queries get 4xx naming the field, and the service stays up), idempotent
 * retries, auth, rate limiting, cold start, the OpenAPI document, and the promise that a stream
 * whose end event was acknowledged is never recommended again.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { Rng } from "../../src/core/random/rng.js";
import type { ServeEventInput } from "../../src/serve/event-schema.js";
import { AUTH, TOKEN, eid, startStreams, startTestServer, type TestServer } from "./helpers.js";

describe("the service's routes", () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
    const r = await s.send(startStreams(10));
    assert.equal(r.status, 200);
  });
  after(async () => s.dispose());

  test("POST /v1/events logs, applies and acknowledges a batch", async () => {
    const r = await s.send([
      { id: eid(), type: "user_upsert", user: "ann" },
      { id: eid(), type: "impression", user: "ann", streams: ["s1", "s2", "s3"] },
      { id: eid(), type: "click", user: "ann", stream: "s2" },
      { id: eid(), type: "watch", user: "ann", stream: "s2", minutes: 12.5 },
      { id: eid(), type: "like", user: "ann", stream: "s2" },
      { id: eid(), type: "comment", user: "ann", stream: "s2" },
      { id: eid(), type: "gift", user: "ann", stream: "s2", value: 3 },
      { id: eid(), type: "follow", user: "ann", stream: "s2" },
      { id: eid(), type: "leave", user: "ann" },
      { id: eid(), type: "streamer_upsert", streamer: "c1", category: "music" },
    ]);
    assert.equal(r.status, 200);
    assert.equal(r.body.accepted, 10);
    assert.equal(r.body.duplicates, 0);
    const u = await s.get("/v1/users/ann");
    assert.equal(u.status, 200);
    assert.equal(u.body.known, true);
    assert.equal(u.body.watchMinutes, 12.5);
    assert.equal(u.body.gifts, 3);
    assert.deepEqual(u.body.follows, ["c2"]);
    assert.equal(u.body.recent[0].streamer, "c2");
    assert.equal(u.body.watching, null, "left the app");
    assert.equal(u.body.features.new_user, 0);
  });

  test("a retried batch counts once; a half-new batch counts its new half", async () => {
    const batch: ServeEventInput[] = [
      { id: eid(), type: "watch", user: "bo", stream: "s1", minutes: 10 },
      { id: eid(), type: "watch", user: "bo", stream: "s1", minutes: 5 },
    ];
    assert.deepEqual((await s.send(batch)).body.accepted, 2);
    const again = await s.send(batch);
    assert.equal(again.status, 200);
    assert.equal(again.body.accepted, 0);
    assert.equal(again.body.duplicates, 2);
    const mixed = await s.send([batch[0], { id: eid(), type: "watch", user: "bo", stream: "s1", minutes: 1 }]);
    assert.deepEqual([mixed.body.accepted, mixed.body.duplicates], [1, 1]);
    assert.equal((await s.get("/v1/users/bo")).body.watchMinutes, 16);
  });

  test("GET /v1/recommend ranks live streams, with propensities; k is honoured", async () => {
    const r = await s.get("/v1/recommend?user=ann&k=4");
    assert.equal(r.status, 200);
    assert.equal(r.body.items.length, 4);
    assert.equal(r.body.candidates, 10);
    assert.equal(r.body.knownUser, true);
    assert.ok(typeof r.body.rec === "string" && r.body.rec.length > 0);
    const ids = r.body.items.map((x: { stream: string }) => x.stream);
    assert.equal(new Set(ids).size, 4, "no stream twice");
    for (const item of r.body.items) {
      assert.ok(item.propensity > 0 && item.propensity <= 1, `propensity ${item.propensity}`);
      assert.ok(Number.isFinite(item.q) && Number.isFinite(item.score));
    }
    const greedy = r.body.items.filter((x: { explored: boolean }) => !x.explored).map((x: { score: number }) => x.score);
    assert.deepEqual(greedy, [...greedy].sort((a, b) => b - a), "greedy items in descending score");
  });

  test("explain adds the features and the parts of each score, and the followed streamer ranks first", async () => {
    const r = await s.get("/v1/recommend?user=ann&k=10&explain=true");
    assert.equal(r.status, 200);
    assert.equal(r.body.features.new_user, 0);
    assert.ok(r.body.features.follows > 0);
    const first = r.body.items[0];
    assert.equal(first.stream, "s2", "ann follows c2 and watched it: the bonuses put it first");
    assert.equal(first.why.follows, true);
    assert.ok(first.why.recentBonus > 0);
    assert.ok(r.body.items.every((x: { explored: boolean }) => !x.explored), "explain never explores");
  });

  test("an unknown user gets cold-start recommendations, not an error", async () => {
    const r = await s.get("/v1/recommend?user=never-seen&k=3");
    assert.equal(r.status, 200);
    assert.equal(r.body.knownUser, false);
    assert.equal(r.body.items.length, 3);
    const u = await s.get("/v1/users/never-seen");
    assert.equal(u.status, 200);
    assert.equal(u.body.known, false);
    assert.equal(u.body.features.new_user, 1);
  });

  test("feedback on an unknown stream is accepted (cold start), not refused", async () => {
    const r = await s.send([{ id: eid(), type: "watch", user: "cy", stream: "no-such-stream", minutes: 3 }]);
    assert.equal(r.status, 200);
    assert.equal(r.body.accepted, 1);
  });

  test("GET /v1/streams/live, /v1/users, /v1/stats, /healthz, /metrics, / answer", async () => {
    const live = await s.get("/v1/streams/live?limit=3");
    assert.equal(live.status, 200);
    assert.equal(live.body.count, 10);
    assert.equal(live.body.streams.length, 3);
    const users = await s.get("/v1/users?limit=5");
    assert.ok(users.body.users.includes("ann"));
    const stats = await s.get("/v1/stats");
    assert.equal(stats.status, 200);
    assert.ok(stats.body.samples.length >= 1);
    assert.equal(stats.body.liveStreams, 10);
    const health = await s.get("/healthz");
    assert.equal(health.body.status, "ok");
    const metrics = await s.get("/metrics");
    assert.equal(metrics.status, 200);
    for (const name of ["liveq_http_request_duration_seconds_bucket", "liveq_events_ingested_total", "liveq_learner_updates_per_second", "liveq_replay_size", "liveq_model_version", "process_resident_memory_bytes"]) {
      assert.ok(metrics.body.includes(name), `metrics has ${name}`);
    }
    const page = await s.get("/");
    assert.equal(page.status, 200);
    assert.ok(String(page.body).includes("<title>liveq"));
    const vendor = await s.app.inject({ method: "GET", url: "/vendor/uPlot.iife.min.js" });
    assert.equal(vendor.statusCode, 200);
    assert.ok(vendor.body.includes("uPlot"));
  });

  test("write and admin routes need the bearer token; read routes do not", async () => {
    const body = { events: [{ id: eid(), type: "user_upsert", user: "dee" }] };
    const none = await s.app.inject({ method: "POST", url: "/v1/events", payload: body });
    assert.equal(none.statusCode, 401);
    assert.match(none.json().message, /Authorization: Bearer/);
    assert.equal(none.headers["www-authenticate"], 'Bearer realm="liveq"');
    const wrong = await s.app.inject({ method: "POST", url: "/v1/events", headers: { authorization: "Bearer nope-nope-nope" }, payload: body });
    assert.equal(wrong.statusCode, 401);
    const bad = await s.app.inject({ method: "POST", url: "/v1/events", headers: { authorization: TOKEN }, payload: body });
    assert.equal(bad.statusCode, 401, "the scheme is required");
    for (const url of ["/v1/admin/model", "/v1/admin/model/unpin", "/v1/admin/checkpoint"]) {
      const r = await s.app.inject({ method: url === "/v1/admin/model" ? "GET" : "POST", url });
      assert.equal(r.statusCode, 401, url);
    }
    assert.equal((await s.app.inject({ method: "GET", url: "/v1/admin/model", headers: AUTH })).statusCode, 200);
    assert.equal((await s.get("/v1/recommend?user=dee")).status, 200);
  });

  test("bad bodies get a 400 naming the field, and nothing of the batch is logged", async () => {
    const cases: [unknown, RegExp][] = [
      [{ events: [{ id: "a", type: "watch", user: "u", stream: "s1", minutes: -1 }] }, /body\.events\[0\]\.minutes/],
      [{ events: [{ id: eid(), type: "watch", user: "u", stream: "s1", minutes: 1 }, { id: "b", type: "teleport", user: "u" }] }, /body\.events\[1\]\.type/],
      [{ events: [{ id: "with space", type: "leave", user: "u" }] }, /body\.events\[0\]\.id/],
      [{ events: [{ id: "c", type: "leave", user: "u", extra: 1 }] }, /body\.events\[0\].*extra/],
      [{ events: [] }, /body\.events/],
      [{ events: Array.from({ length: 1001 }, () => ({ id: eid(), type: "leave", user: "u" })) }, /body\.events/],
      [{ nothing: true }, /body/],
    ];
    const before = (await s.get("/healthz")).body.events;
    for (const [payload, field] of cases) {
      const r = await s.app.inject({ method: "POST", url: "/v1/events", headers: AUTH, payload: payload as object });
      assert.equal(r.statusCode, 400, JSON.stringify(payload).slice(0, 80));
      assert.match(r.json().message, field);
      assert.ok(Array.isArray(r.json().issues) && r.json().issues.length > 0);
    }
    assert.equal((await s.get("/healthz")).body.events, before, "no event of a refused batch was applied");
    const notJson = await s.app.inject({ method: "POST", url: "/v1/events", headers: { ...AUTH, "content-type": "application/json" }, payload: "{not json" });
    assert.equal(notJson.statusCode, 400);
    assert.match(notJson.json().message, /^body: is not valid JSON/);
    const empty = await s.app.inject({ method: "POST", url: "/v1/events", headers: { ...AUTH, "content-type": "application/json" }, payload: "" });
    assert.equal(empty.statusCode, 400);
    assert.match(empty.json().message, /^body: is empty/);
    const tooBig = await s.app.inject({ method: "POST", url: "/v1/events", headers: { ...AUTH, "content-type": "application/json" }, payload: `{"events":[${'"x",'.repeat(300_000)}"x"]}` });
    assert.equal(tooBig.statusCode, 413);
    assert.equal(tooBig.json().statusCode, 413);
  });

  test("bad queries and paths get a 400 naming the parameter", async () => {
    for (const [url, field] of [
      ["/v1/recommend", /querystring\.user/],
      ["/v1/recommend?user=a&k=0", /querystring\.k/],
      ["/v1/recommend?user=a&k=abc", /querystring\.k/],
      ["/v1/recommend?user=a&k=101", /querystring\.k/],
      ["/v1/recommend?user=a&bogus=1", /bogus/],
      ["/v1/recommend?user=%20x", /querystring\.user/],
      ["/v1/streams/live?limit=-1", /querystring\.limit/],
      ["/v1/users/bad%20id", /params\.id/],
    ] as const) {
      const r = await s.get(url);
      assert.equal(r.status, 400, url);
      assert.match(r.body.message, field, url);
    }
    assert.equal((await s.get("/v1/nothing-here")).status, 404);
  });

  test("fast-check: generated bodies and queries get 4xx, never 5xx, and the service stays up", async () => {
    const valid: ServeEventInput = { id: "ok", type: "watch", user: "u1", stream: "s1", minutes: 5 };
    const corrupt = fc.record({
      key: fc.constantFrom("id", "type", "user", "stream", "minutes", "ts", "extra"),
      value: fc.oneof(fc.string(), fc.integer(), fc.double(), fc.constant(null), fc.boolean(), fc.array(fc.integer()), fc.object(), fc.constant(-1), fc.constant(1e9)),
    });
    await fc.assert(
      fc.asyncProperty(corrupt, async ({ key, value }) => {
        const event = { ...valid, id: eid(), [key]: value };
        const r = await s.app.inject({ method: "POST", url: "/v1/events", headers: AUTH, payload: { events: [event] } });
        if (r.statusCode === 200) return; // the corruption happened to be valid (e.g. a fine user id)
        assert.equal(r.statusCode, 400, r.body);
        assert.match(r.json().message, new RegExp(`body\\.events\\[0\\]`));
      }),
      { numRuns: 150, seed: 1 },
    );
    await fc.assert(
      fc.asyncProperty(fc.anything(), async (payload) => {
        const r = await s.app.inject({ method: "POST", url: "/v1/events", headers: { ...AUTH, "content-type": "application/json" }, payload: JSON.stringify(payload) ?? "null" });
        assert.ok(r.statusCode >= 400 && r.statusCode < 500, `${r.statusCode} for ${JSON.stringify(payload)?.slice(0, 60)}`);
      }),
      { numRuns: 150, seed: 2 },
    );
    await fc.assert(
      fc.asyncProperty(fc.string(), fc.string(), async (user, k) => {
        const r = await s.app.inject({ method: "GET", url: `/v1/recommend?user=${encodeURIComponent(user)}&k=${encodeURIComponent(k)}` });
        assert.ok(r.statusCode === 200 || r.statusCode === 400, `${r.statusCode} for user=${user} k=${k}`);
      }),
      { numRuns: 150, seed: 3 },
    );
    assert.equal((await s.get("/healthz")).status, 200);
    assert.equal((await s.get("/v1/recommend?user=ann&k=3")).body.items.length, 3);
  });

  test("the OpenAPI document covers every registered route, with its parameters", async () => {
    const r = await s.get("/v1/openapi.json");
    assert.equal(r.status, 200);
    assert.equal(r.body.openapi, "3.0.3");
    const registered = (s.app as unknown as { liveqRoutes: { method: string; url: string }[] }).liveqRoutes.filter((x) => x.method !== "HEAD");
    assert.ok(registered.length >= 18);
    for (const route of registered) {
      const path = route.url.replace(/:([A-Za-z0-9_]+)/g, "{$1}");
      assert.ok(r.body.paths[path]?.[route.method.toLowerCase()], `${route.method} ${route.url} is documented`);
    }
    const rec = r.body.paths["/v1/recommend"].get;
    assert.deepEqual(rec.parameters.map((p: { name: string }) => p.name).sort(), ["explain", "k", "user"]);
    assert.equal(rec.parameters.find((p: { name: string }) => p.name === "user").required, true);
    const events = r.body.paths["/v1/events"].post;
    assert.deepEqual(events.security, [{ bearer: [] }]);
    const eventSchema = events.requestBody.content["application/json"].schema.properties.events;
    assert.equal(eventSchema.maxItems, 1000);
    assert.equal(eventSchema.items.oneOf.length, 12, "one schema per event type");
  });
});

describe("ended streams", () => {
  test("a stream is never recommended once its end event is acknowledged (random start/end/recommend sequences)", async () => {
    const s = await startTestServer({ recommend: { explore: 0.5, defaultK: 10, maxK: 100, followBonus: 1, recentBonus: 0.5, recentHalfLifeHours: 72, viewersTieBreak: 0.01, seed: 3 } });
    try {
      const rng = new Rng(7);
      const live = new Set<string>();
      let next = 0;
      for (let step = 0; step < 300; step++) {
        const action = rng.float();
        if (action < 0.35 || live.size < 3) {
          const id = `live${next++}`;
          await s.send([{ id: eid(), type: "stream_start", stream: id, streamer: `streamer${rng.int(40)}` }]);
          // a streamer has one stream at a time: starting another ends the first
          const liveNow = await s.get("/v1/streams/live?limit=1000");
          live.clear();
          for (const x of liveNow.body.streams) live.add(x.stream);
          assert.ok(live.has(id));
        } else if (action < 0.6) {
          const ids = [...live];
          const id = ids[rng.int(ids.length)];
          const r = await s.send([{ id: eid(), type: "stream_end", stream: id }]);
          assert.equal(r.status, 200);
          live.delete(id);
          // at once after the acknowledgement, and for a user who loves that stream
          await s.send([
            { id: eid(), type: "follow", user: "fan", stream: id },
            { id: eid(), type: "watch", user: "fan", stream: id, minutes: 60 },
          ]);
        }
        for (const user of ["fan", `u${rng.int(5)}`]) {
          const r = await s.get(`/v1/recommend?user=${user}&k=100`);
          for (const item of r.body.items) assert.ok(live.has(item.stream), `step ${step}: ${item.stream} was recommended after its end`);
          assert.equal(r.body.candidates, live.size);
        }
      }
    } finally {
      await s.dispose();
    }
  });
});

describe("rate limiting", () => {
  test("a client over the limit gets 429 with Retry-After; /healthz and /metrics are exempt", async () => {
    const s = await startTestServer({ rateLimit: { max: 5, windowMs: 60_000 } });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 7; i++) codes.push((await s.get("/v1/recommend?user=x")).status);
      assert.deepEqual(codes, [200, 200, 200, 200, 200, 429, 429]);
      const r = await s.app.inject({ method: "GET", url: "/v1/streams/live" });
      assert.equal(r.statusCode, 429);
      assert.ok(Number(r.headers["retry-after"]) > 0);
      assert.match(r.json().message, /Rate limit exceeded/);
      assert.equal((await s.get("/healthz")).status, 200);
      assert.equal((await s.get("/metrics")).status, 200);
      const other = await s.app.inject({ method: "GET", url: "/v1/recommend?user=x", remoteAddress: "127.0.0.9" });
      assert.equal(other.statusCode, 200, "the limit is per client");
    } finally {
      await s.dispose();
    }
  });
});
