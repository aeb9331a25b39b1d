/**
 * Online learning end to end, with the learner in its worker thread: feedback becomes transitions,
 * the learner trains and publishes versions, the serving model swaps them in and its scores move
 * toward what users rewarded. Then pin, rollback and unpin through the admin routes, and a restart
 * that keeps the learner's state, the pinned version and the platform state.
 *
 * Waiting here is for an outcome (a version number), with a generous deadline, never a duration.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ServeEventInput } from "../../src/serve/event-schema.js";
import { AUTH, eid, startStreams, startTestServer, type TestServer } from "./helpers.js";

async function until(what: string, check: () => boolean | Promise<boolean>, deadlineMs = 25_000): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Users who, shown s3 and s5, always pick s3 and watch it long; shown s5 alone, they decline. */
function feedback(round: number, users = 12): ServeEventInput[] {
  const events: ServeEventInput[] = [];
  for (let u = 0; u < users; u++) {
    const user = `fan${u}`;
    events.push({ id: eid(), type: "impression", user, streams: ["s3", "s5"] });
    events.push({ id: eid(), type: "click", user, stream: "s3" });
    events.push({ id: eid(), type: "watch", user, stream: "s3", minutes: 45 + (round % 5) });
    events.push({ id: eid(), type: "like", user, stream: "s3" });
    events.push({ id: eid(), type: "impression", user, streams: ["s5"] });
    events.push({ id: eid(), type: "leave", user });
  }
  return events;
}

const qOf = (body: { items: { stream: string; q: number }[] }, stream: string) => body.items.find((x) => x.stream === stream)!.q;

test("feedback trains the model online: versions are published, swapped in, and scores move", { timeout: 90_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "liveq-learning-"));
  let s: TestServer | null = await startTestServer({}, dir);
  try {
    await s.send(startStreams(8));
    const before = await s.get("/v1/recommend?user=fan0&k=8&explain=true");
    assert.equal(before.body.modelVersion, 0);
    const q0 = before.body.items.map((x: { q: number }) => x.q);

    for (let round = 0; round < 6; round++) assert.equal((await s.send(feedback(round))).status, 200);
    const server = s;
    await until("the learner to publish versions and the server to swap them in", () => server.service.model.servingVersion >= 3 && server.service.learnerStats.updates >= 40);

    const afterFeedback = await s.get("/v1/recommend?user=fan0&k=8&explain=true");
    assert.ok(afterFeedback.body.modelVersion >= 3, `serving version ${afterFeedback.body.modelVersion}`);
    const q1 = afterFeedback.body.items.map((x: { q: number }) => x.q);
    assert.notDeepEqual(q1, q0, "the scores changed");
    assert.ok(qOf(afterFeedback.body, "s3") > qOf(afterFeedback.body, "s5"), `Q(s3) ${qOf(afterFeedback.body, "s3")} > Q(s5) ${qOf(afterFeedback.body, "s5")}: the rewarded stream is valued higher`);
    const metrics = String((await s.get("/metrics")).body);
    assert.match(metrics, /liveq_model_version \d+/);
    assert.ok(!/liveq_model_version 0\n/.test(metrics));

    // pin: the learner goes on, the serving version stays
    const pin = await s.app.inject({ method: "POST", url: "/v1/admin/model/pin", headers: AUTH, payload: {} });
    assert.equal(pin.statusCode, 200);
    const pinned = pin.json().servingVersion as number;
    assert.equal(pin.json().pinned, true);
    for (let round = 6; round < 10; round++) await s.send(feedback(round));
    await until("a newer version while pinned", () => server.service.model.latestVersion > pinned);
    assert.equal((await s.get("/v1/recommend?user=fan0")).body.modelVersion, pinned, "still serving the pinned version");

    // rollback to an older version, and to one not held
    // The learner goes on publishing (it may still be learning from rounds 6-9) and the oldest held
    // versions are the first evicted: roll back to the newest one but one. Several publishes
    // between the listing and the rollback can evict even that one (seen once under load: 409),
    // so a version evicted in between is looked up again; a refusal of any other kind fails.
    let older = -1;
    let rollback;
    for (let attempt = 0; ; attempt++) {
      const held = (await s.app.inject({ method: "GET", url: "/v1/admin/model", headers: AUTH })).json().versions.map((v: { version: number }) => v.version);
      older = held[held.length - 2];
      rollback = await s.app.inject({ method: "POST", url: "/v1/admin/model/rollback", headers: AUTH, payload: { version: older } });
      if (rollback.statusCode !== 409 || attempt === 20) break;
      assert.match(rollback.json().message, /not held/);
    }
    assert.equal(rollback.statusCode, 200);
    assert.equal(rollback.json().servingVersion, older);
    assert.equal((await s.get("/v1/recommend?user=fan0")).body.modelVersion, older);
    const missing = await s.app.inject({ method: "POST", url: "/v1/admin/model/rollback", headers: AUTH, payload: { version: 999_999 } });
    assert.equal(missing.statusCode, 409);
    assert.match(missing.json().message, /not held/);
    const badBody = await s.app.inject({ method: "POST", url: "/v1/admin/model/rollback", headers: AUTH, payload: { version: "x" } });
    assert.equal(badBody.statusCode, 400);
    assert.match(badBody.json().message, /body\.version/);

    // a checkpoint, then a restart on the same directory: the pin, the learner and the platform survive
    const ckpt = await s.app.inject({ method: "POST", url: "/v1/admin/checkpoint", headers: AUTH });
    assert.equal(ckpt.statusCode, 200);
    const updatesBefore = s.service.learnerStats.updates;
    const userBefore = (await s.get("/v1/users/fan3")).body;
    const liveBefore = (await s.get("/v1/streams/live?limit=100")).body;
    await s.dispose();
    s = null;

    s = await startTestServer({}, dir);
    const restarted = s;
    assert.equal(restarted.service.model.servingVersion, older, "the rolled-back version is still served after a restart");
    assert.equal(restarted.service.model.pinned, true);
    assert.ok(restarted.service.learnerStats.updates >= updatesBefore, "the learner resumed from its checkpoint");
    assert.ok(restarted.service.learnerStats.replaySize > 0);
    const { features: _f1, ...userAfter } = (await s.get("/v1/users/fan3")).body;
    const { features: _f0, ...userThen } = userBefore;
    assert.deepEqual(userAfter, userThen, "the user rebuilt from the log (features depend on the clock, so they are left out)");
    assert.deepEqual((await s.get("/v1/streams/live?limit=100")).body, liveBefore);

    const unpin = await s.app.inject({ method: "POST", url: "/v1/admin/model/unpin", headers: AUTH });
    assert.equal(unpin.statusCode, 200);
    assert.equal(unpin.json().pinned, false);
    assert.equal(unpin.json().servingVersion, unpin.json().latestVersion);
  } finally {
    await s?.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("--model refuses a model of liveq train (the simulator's encoding) and a directory without a checkpoint, naming it", async () => {
  const dir = mkdtempSync(join(tmpdir(), "liveq-serve-model-"));
  try {
    // One agent's checkpoint of liveq train: a manifest whose meta names its platform.
    const agent = join(dir, "model", "checkpoint", "agent-1");
    mkdirSync(agent, { recursive: true });
    writeFileSync(join(agent, "manifest.json"), JSON.stringify({ format: "liveq-checkpoint", formatVersion: 1, kind: "liveq.dqn", version: 1, meta: { platform: {} } }));
    for (const model of [join(dir, "model"), agent]) {
      await assert.rejects(startTestServer({ model }, join(dir, "data")), new RegExp(`--model ${model}: a model of liveq train`));
    }
    await assert.rejects(startTestServer({ model: join(dir, "none") }, join(dir, "data")), /--model .*none: no checkpoint there/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
