import { test } from "node:test";
import assert from "node:assert/strict";
import { parseSimConfig } from "../../../src/sim/config.js";
import { Platform } from "../../../src/sim/platform.js";
import type { SimPolicy } from "../../../src/sim/policy.js";
import { RandomPolicy } from "../../../src/policies/reference/random.js";
import { ColdStartTracker, newStreamerParities } from "../../../src/eval/platform/cold-start.js";

const config = parseSimConfig({ users: 400, streamers: 60, days: 4, population: { newStreamersPerDay: 0.1 } });

function run(policy: SimPolicy, seed = 1): { p: Platform; t: ColdStartTracker; strangers: number; shown: number } {
  const p = new Platform(config, seed);
  const t = new ColdStartTracker(p);
  let strangers = 0, shown = 0;
  while (!p.done) {
    const actions = p.actions();
    policy.act(p, actions);
    for (let i = 0; i < p.nDeciding; i++) {
      shown++;
      if (p.users.findHistory(p.deciding[i], actions[i]) < 0) strangers++;
    }
    t.beforeStep(p, actions);
    t.afterStep(p.step(actions));
  }
  return { p, t, strangers, shown };
}

test("the tracker counts every recommendation to a stranger, and their reward", () => {
  const { p, t, strangers, shown } = run(new RandomPolicy(3));
  const counted = t.discoveries.reduce((a, b) => a + b, 0);
  assert.equal(counted, strangers);
  assert.ok(strangers > 0 && strangers < shown, "some recommendations go to users who know the streamer");
  const reward = t.discoveryReward.reduce((a, b) => a + b, 0);
  const total = p.metrics.streamerReward.reduce((a, b) => a + b, 0);
  assert.ok(reward > 0 && reward <= total + 1e-6, `discoveries' reward ${reward} vs all ${total}`);
  for (let s = 0; s < p.catalogueSize; s++) if (t.discoveries[s] === 0) assert.equal(t.discoveryReward[s], 0);
});

test("a random policy treats new and established streamers alike (discovery parity near 1); one that shows newcomers to the users who like them least does not", () => {
  const parities: number[] = [];
  for (const seed of [1, 2, 3]) {
    const { p, t } = run(new RandomPolicy(seed), seed);
    parities.push(newStreamerParities(p, t).discovery);
  }
  const mean = parities.reduce((a, b) => a + b, 0) / parities.length;
  assert.ok(mean > 0.7 && mean < 1.3, `random policy's discovery parity ${mean}`);
  // Reads the hidden truth: a random stream, but a newcomer only as the worst match among the live newcomers.
  const rng = new RandomPolicy(9);
  const unfair: SimPolicy = {
    name: "unfair-to-newcomers",
    act(p, actions) {
      rng.act(p, actions);
      for (let i = 0; i < p.nDeciding; i++) {
        if (!p.streamers.isNew(actions[i])) continue;
        let worst = actions[i], low = Infinity;
        for (let j = 0; j < p.nLive; j++) {
          const s = p.liveStreams[j];
          if (!p.streamers.isNew(s)) continue;
          const v = p.truth.utility(i, s);
          if (v < low) [low, worst] = [v, s];
        }
        actions[i] = worst;
      }
    },
  };
  const { p, t } = run(unfair);
  const par = newStreamerParities(p, t).discovery;
  assert.ok(par < 0.8 * mean, `unfair policy's discovery parity ${par} vs random's ${mean}`);
});
