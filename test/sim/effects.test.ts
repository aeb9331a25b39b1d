import { test } from "node:test";
import assert from "node:assert/strict";
import type { SimConfigInput } from "../../src/sim/config.js";
import type { Platform } from "../../src/sim/platform.js";
import { crowdingEffect, crowdingPenalty } from "../../src/sim/effects/crowding.js";
import { socialProof, socialProofEffect } from "../../src/sim/effects/social-proof.js";
import { giftFactor, pressureEffect, satisfactionFactor } from "../../src/sim/effects/pressure.js";
import { parseSimConfig } from "../../src/sim/config.js";
import { RandomPolicy } from "../../src/policies/reference/random.js";
import { SATISFACTION, USER_RECORD } from "../../src/sim/users.js";
import { smallPlatform } from "./helpers.js";

/** Everything off but what a test turns on; "no thanks" is never chosen, so every recommendation is watched. */
function isolated(effects: SimConfigInput["effects"] = {}): SimConfigInput {
  const off = { enabled: false };
  return {
    choice: { noThanks: -20 },
    effects: {
      repeat: off, fatigue: off, satisfaction: off, pressure: off, drift: off, socialProof: off, crowding: off, ...effects,
    },
  };
}

/**
 * Makes decision 0 watch `s` (the rest watch it too), then returns how the user's utility for
 * `other` changed (evaluated before and after, at the same fatigue clock).
 */
function utilityChange(p: Platform, s: number, other: number): { before: number; after: number; user: number } {
  const u = p.deciding[0];
  const before = p.evaluate(u, other);
  const a = p.actions();
  a.fill(s);
  const r = p.step(a);
  assert.ok(r.chosen[0] === s && r.minutes[0] > 0, "watched");
  return { before, after: p.evaluate(u, other), user: u };
}

function sameCategoryPair(p: Platform): [number, number] | null {
  const live = p.liveStreams;
  for (let a = 0; a < live.length; a++) {
    for (let b = 0; b < live.length; b++) if (a !== b && p.streamers.category[live[a]] === p.streamers.category[live[b]]) return [live[a], live[b]];
  }
  return null;
}

/** Steps with the random policy until `ready` holds. */
function advanceUntil(p: Platform, ready: () => boolean): void {
  const policy = new RandomPolicy(99);
  while (!ready()) {
    assert.ok(!p.done, "the condition came true before the end");
    const a = p.actions();
    policy.act(p, a);
    p.step(a);
  }
}

test("fatigue: watching a category lowers the appeal of its other streams; switched off, it does not", () => {
  for (const enabled of [true, false]) {
    const p = smallPlatform(21, isolated({ fatigue: { enabled } }), 200, 200, 2);
    advanceUntil(p, () => sameCategoryPair(p) !== null);
    const pair = sameCategoryPair(p)!;
    const { before, after } = utilityChange(p, pair[0], pair[1]);
    if (enabled) assert.ok(after < before - 1e-6, `fatigue lowers appeal (${before} -> ${after})`);
    else assert.equal(after, before);
  }
});

test("repeat consumption: a followed or known streamer appeals more; switched off, knowing it changes nothing", () => {
  for (const enabled of [true, false]) {
    const p = smallPlatform(22, isolated({ repeat: { enabled } }), 200, 60, 2);
    const s = p.liveStreams[0];
    const { before, after } = utilityChange(p, s, s);
    if (enabled) assert.ok(after > before + 1e-6, "the streamer watched once appeals more");
    else assert.equal(after, before);
    assert.equal(p.truth.notifyResponse() > 0, enabled, "followed streamers going live bring users back only when on");
  }
});

test("interest drift: watching moves interest towards the category; switched off, interests stay", () => {
  for (const enabled of [true, false]) {
    const p = smallPlatform(23, isolated({ drift: { enabled, perHour: 0.5 } }), 200, 60, 2);
    const s = p.liveStreams[0], c = p.streamers.category[s];
    const u = p.deciding[0];
    const at = p.users.interestAt(u) + c;
    const before = p.users.vec[at];
    utilityChange(p, s, s);
    if (enabled) assert.ok(p.users.vec[at] > before, "interest in the watched category grows");
    else assert.equal(p.users.vec[at], before);
    let sum = 0;
    for (let k = 0; k < p.categories; k++) sum += p.users.vec[p.users.interestAt(u) + k];
    assert.ok(Math.abs(sum - 1) < 1e-5, "interests stay a distribution");
  }
});

test("satisfaction: outcomes move it and it changes session ends; switched off, it stays at its initial value", () => {
  for (const enabled of [true, false]) {
    const p = smallPlatform(24, { effects: { satisfaction: { enabled } } }, 200, 60, 2);
    const policy = new RandomPolicy(24);
    for (let k = 0; k < 50 && !p.done; k++) {
      const a = p.actions();
      policy.act(p, a);
      p.step(a);
    }
    const initial = p.config.effects.satisfaction.initial;
    let moved = 0;
    for (let u = 0; u < p.users.active; u++) if (p.users.rec[u * USER_RECORD + SATISFACTION] !== initial) moved++;
    if (enabled) assert.ok(moved > 20, "satisfaction moved");
    else assert.equal(moved, 0);
  }
  // A dissatisfied user ends sessions sooner, in the truth the oracles read.
  const p = smallPlatform(25, {}, 200, 60, 2);
  assert.ok(p.truth.sessionEndChance(0, true, 0) > p.truth.sessionEndChance(0, false, 1));
});

test("social proof raises appeal with viewers up to a cap, crowding lowers the experience beyond a threshold; off, neither", () => {
  const on = parseSimConfig({ effects: { socialProof: { strength: 0.5, capViewers: 100 }, crowding: { threshold: 10, strength: 1 } } });
  const off = parseSimConfig({ effects: { socialProof: { enabled: false }, crowding: { enabled: false } } });
  const sp = socialProofEffect(on), cr = crowdingEffect(on);
  assert.ok(socialProof(10, sp) > socialProof(0, sp));
  assert.equal(socialProof(1000, sp), socialProof(100, sp), "capped");
  assert.equal(crowdingPenalty(10, cr), 0);
  assert.ok(crowdingPenalty(40, cr) > crowdingPenalty(20, cr));
  assert.equal(socialProof(50, socialProofEffect(off)), 0);
  assert.equal(crowdingPenalty(1000, crowdingEffect(off)), 0);
  // On the platform: the same stream, crowded by others joining in the same tick, is worth less.
  for (const enabled of [true, false]) {
    const p = smallPlatform(26, { effects: { crowding: { enabled, threshold: 5 } } }, 200, 60, 2);
    const s = p.liveStreams[0];
    const alone = p.truth.assess(0, s, 0).reward;
    const crowded = p.truth.assess(0, s, 500).reward;
    if (enabled) assert.ok(crowded < alone);
    else assert.equal(crowded, alone);
  }
});

test("monetisation pressure: more gifts now, less satisfaction; off, neither", () => {
  const p = smallPlatform(27, {}, 200, 60, 2);
  const plain = smallPlatform(27, { effects: { pressure: { enabled: false } } }, 200, 60, 2);
  const live = Array.from(p.liveStreams);
  const pushy = live.reduce((a, b) => (p.streamers.pressure[a] > p.streamers.pressure[b] ? a : b));
  assert.ok(p.streamers.pressure[pushy] > 0.3);
  const on = p.truth.assess(0, pushy, 0);
  const pGift = on.pGift, score = on.score;
  const off = plain.truth.assess(0, pushy, 0);
  assert.ok(pGift > off.pGift && score < off.score);
  const offFx = pressureEffect(parseSimConfig({ effects: { pressure: { enabled: false } } }));
  assert.equal(giftFactor(0.9, offFx), 1);
  assert.equal(satisfactionFactor(0.9, offFx), 1);
});
