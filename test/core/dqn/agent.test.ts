import { test } from "node:test";
import assert from "node:assert/strict";
import { DqnAgent } from "../../../src/core/dqn/agent.js";
import { parseDqnConfig } from "../../../src/core/dqn/config.js";

const base = { obsSize: 3, actions: 2, network: { hidden: [8], head: "linear" as const }, batchSize: 4, replay: { capacity: 32 }, seed: 1 };

test("config: defaults are the classic DQN, bad fields are named with their range", () => {
  const c = parseDqnConfig({ obsSize: 64, actions: 100 });
  assert.deepEqual(c.network.hidden, [128, 64]);
  assert.equal(c.gamma, 0.99);
  assert.equal(c.loss, "huber");
  assert.throws(() => parseDqnConfig({ obsSize: 64, actions: 100, gamma: 1.5 }), /gamma: .*(<=|less than).*1/i);
  assert.throws(() => parseDqnConfig({ obsSize: 64, actions: 100, replay: { capacity: -5 } }), /replay\.capacity/);
  assert.throws(() => parseDqnConfig({ obsSize: 64, actions: 100, lr: 0.1 }), /lr|Unrecognized key/);
  // Action dropout needs a learned per-action part to drop.
  assert.throws(() => parseDqnConfig({ obsSize: 64, actions: 100, network: { head: "dueling", actionDropout: 0.2 } }), /network\.actionDropout: 0\.2 needs network\.head "feature"/);
  // Only the feature head has embedding tables to give their own rate.
  assert.equal(c.optimizer.embeddingLrScale, 1);
  assert.throws(() => parseDqnConfig({ obsSize: 64, actions: 100, optimizer: { embeddingLrScale: 3 } }), /optimizer\.embeddingLrScale: 3 needs network\.head "feature"/);
  assert.throws(() => parseDqnConfig({ obsSize: 64, actions: 100, optimizer: { embeddingLrScale: 0 } }), /optimizer\.embeddingLrScale/);
  // A decay of lr x scale x weightDecay >= 1 would zero or flip the weights every step.
  assert.throws(() => parseDqnConfig({ obsSize: 64, actions: 100, optimizer: { lr: 0.5, weightDecay: 2 } }), /optimizer\.weightDecay: 2/);
});

test("bad input names the field: NaN state, NaN reward, wrong sizes", () => {
  const agent = new DqnAgent(base);
  const out = new Int32Array(1);
  assert.throws(() => agent.act(Float32Array.of(0, NaN, 0), 1, null, out), /input/);
  assert.throws(() => agent.act(Float32Array.of(0, 0), 1, null, out), /input/);
  const s = Float32Array.of(0, 0, 0);
  assert.throws(() => agent.observe(0, s, 0, 0, NaN, s, 0, false), /reward/);
  assert.throws(() => agent.observe(0, s, 0, 5, 1, s, 0, false), /action/);
  assert.throws(() => agent.observe(0, Float32Array.of(0, Infinity, 0), 0, 0, 1, s, 0, false), /obs/);
  assert.throws(() => agent.act(s, 1, Uint8Array.of(1), out), /mask/);
});

test("a loss that turns NaN stops training with an error", () => {
  const agent = new DqnAgent(base);
  const s = Float32Array.of(0.5, 0.5, 0.5);
  for (let i = 0; i < 8; i++) agent.observe(0, s, 0, i % 2, 1, s, 0, false);
  // Weights that overflow: Q values become infinite and the loss is no longer finite.
  agent.online.importParams(agent.online.exportParams().fill(3e38));
  assert.throws(() => agent.update(), /loss/i);
});

test("updates follow the rhythm: none before learningStarts, then one per trainEvery decisions", () => {
  const agent = new DqnAgent({ ...base, learningStarts: 10, trainEvery: 4 });
  const s = new Float32Array(3 * 5).fill(0.1);
  const out = new Int32Array(5);
  let updates = 0;
  for (let tick = 0; tick < 6; tick++) {
    agent.act(s, 5, null, out);
    for (let i = 0; i < 5; i++) agent.observe(0, s, 0, out[i], 1, s, 0, false);
    updates += agent.learn();
  }
  // 30 decisions: updates at decisions 10, 14, 18, 22, 26, 30 -> 6
  assert.equal(agent.decisions, 30);
  assert.equal(updates, 6);
  assert.equal(agent.updates, 6);
});

test("same seed, same agent: identical actions and weights after training", () => {
  const run = () => {
    const agent = new DqnAgent({ ...base, learningStarts: 4, trainEvery: 1, doubleDqn: true, nStep: 3, replay: { kind: "prioritized", capacity: 32 } });
    const s = new Float32Array(3);
    const out = new Int32Array(1);
    const acts: number[] = [];
    for (let t = 0; t < 60; t++) {
      s[0] = Math.sin(t); s[1] = Math.cos(t); s[2] = (t % 7) / 7;
      agent.act(s, 1, null, out);
      acts.push(out[0]);
      agent.observe(0, s, 0, out[0], out[0] === t % 2 ? 1 : 0, s, 0, t % 10 === 9);
      agent.learn();
    }
    return { acts, params: Array.from(agent.online.exportParams()) };
  };
  assert.deepEqual(run(), run());
});

test("gamma 0: targets are the rewards, the target network is neither read nor moved, and the updates equal the bootstrapping path's to the bit", () => {
  const run = (forceBootstrap: boolean) => {
    const agent = new DqnAgent({ ...base, gamma: 0, learningStarts: 4, trainEvery: 1, doubleDqn: true, nStep: 3, target: { kind: "polyak", tau: 0.1 } });
    // The general path (score s', y = r + 0 * Q_target(s', a*), Polyak): what gamma 0 skips.
    if (forceBootstrap) (agent as unknown as { bootstraps: boolean }).bootstraps = true;
    const target0 = Array.from(agent.target.exportParams());
    const s = new Float32Array(3), out = new Int32Array(1);
    for (let t = 0; t < 40; t++) {
      s[0] = Math.sin(t); s[1] = Math.cos(t); s[2] = (t % 5) / 5;
      agent.act(s, 1, null, out);
      agent.observe(0, s, 0, out[0], out[0] === t % 2 ? 1 : -0.5, s, 0, t % 9 === 8);
      agent.learn();
    }
    assert.ok(agent.updates > 30);
    return { online: Array.from(agent.online.exportParams()), targetMoved: Array.from(agent.target.exportParams()).some((v, i) => v !== target0[i]) };
  };
  const fast = run(false), general = run(true);
  assert.deepEqual(fast.online, general.online);
  assert.equal(fast.targetMoved, false);
  assert.equal(general.targetMoved, true);
  // No target reads a next state, so the replay keeps none.
  const g0 = new DqnAgent({ ...base, gamma: 0 }), g9 = new DqnAgent({ ...base, gamma: 0.9 });
  assert.equal(g0.replay.spec.nextStates, false);
  assert.equal(g9.replay.spec.nextStates, true);
  assert.ok(g0.replay.byteLength < g9.replay.byteLength, `${g0.replay.byteLength} bytes against ${g9.replay.byteLength}`);
  // A step's duration needs stepDiscounts (gamma per unit of time).
  const s = Float32Array.of(0, 0, 0);
  assert.throws(() => g0.observe(0, s, 0, 0, 1, s, 0, false, null, 0, 1), /stepDiscounts/);
  assert.throws(() => g9.observe(0, s, 0, 0, 1, s, 0, false, null, 0, 1), /stepDiscounts/);
  // stepDiscounts: every non-terminal step brings its duration, discounted by gamma^duration;
  // config needs gamma > 0 and nStep 1.
  const semi = new DqnAgent({ ...base, gamma: 0.5, stepDiscounts: true });
  assert.throws(() => semi.observe(0, s, 0, 0, 1, s, 0, false), /stepDiscounts/);
  assert.throws(() => semi.observe(0, s, 0, 0, 1, s, 0, false, null, 0, -1), /duration/);
  semi.observe(0, s, 0, 0, 1, s, 0, true);
  semi.observe(0, s, 0, 0, 1, s, 0, false, null, 0, 2);
  assert.deepEqual(Array.from(semi.replay.getState().discounts), [0.5, 0.25]);
  assert.throws(() => new DqnAgent({ ...base, gamma: 0, stepDiscounts: true }), /stepDiscounts/);
  assert.throws(() => new DqnAgent({ ...base, gamma: 0.5, nStep: 2, stepDiscounts: true }), /stepDiscounts/);
});

test("lrSchedule multiplies optimizer.lr by decisions: a constant 0.5 of 1e-3 trains exactly as 5e-4; a schedule that reaches 0 is refused", () => {
  const run = (extra: object) => {
    const agent = new DqnAgent({ ...base, learningStarts: 4, trainEvery: 1, ...extra });
    const s = new Float32Array(3), out = new Int32Array(1);
    for (let t = 0; t < 40; t++) {
      s[0] = Math.sin(t); s[1] = Math.cos(t); s[2] = (t % 5) / 5;
      agent.act(s, 1, null, out);
      agent.observe(0, s, 0, out[0], out[0] === t % 2 ? 1 : 0, s, 0, false);
      agent.learn();
    }
    return Array.from(agent.online.exportParams());
  };
  const half = run({ optimizer: { lr: 1e-3 }, lrSchedule: { kind: "constant", value: 0.5 } });
  assert.deepEqual(half, run({ optimizer: { lr: 5e-4 } }));
  assert.notDeepEqual(half, run({ optimizer: { lr: 1e-3 } }));
  const decaying = run({ optimizer: { lr: 1e-3 }, lrSchedule: { kind: "linear", start: 1, end: 0.1, steps: 40 } });
  assert.notDeepEqual(decaying, half);
  assert.throws(() => new DqnAgent({ ...base, lrSchedule: { kind: "linear", start: 1, end: 0, steps: 10 } }), /lrSchedule/);
});

test("continueAt: exploration goes on from there, and learning waits for learningStarts new decisions", () => {
  const agent = new DqnAgent({ ...base, learningStarts: 10, trainEvery: 2, exploration: { kind: "linear", start: 1, end: 0.1, steps: 100 } });
  agent.continueAt(1000);
  assert.equal(agent.epsilon, 0.1);
  const s = new Float32Array(3 * 4).fill(0.2);
  const out = new Int32Array(4);
  let updates = 0;
  for (let i = 0; i < 5; i++) {
    agent.act(s, 4, null, out);
    for (let j = 0; j < 4; j++) agent.observe(0, s, 0, out[j], 1, s, 0, false);
    updates += agent.learn();
  }
  // 20 new decisions: none owed before decision 1010, then one every 2 -> decisions 1010..1020 -> 6
  assert.equal(updates, 6);
  assert.throws(() => agent.continueAt(-1), /decisions must be an integer >= 0/);
});

test("poisson loss: Q learns the log of the mean reward of each state and action; mean Q is in the reward's units; it needs gamma 0", () => {
  assert.throws(() => parseDqnConfig({ ...base, loss: "poisson" }), /loss: "poisson" .* needs gamma 0.*got gamma 0\.99/);
  const agent = new DqnAgent({ ...base, gamma: 0, loss: "poisson", learningStarts: 64, trainEvery: 1, batchSize: 32, replay: { capacity: 4096 }, optimizer: { lr: 0.01 } });
  // Two states; the mean reward is a product (a chance to accept times what is then watched), the
  // draws exponential around it, with declines at 0.
  const means = [[0.5, 3], [2, 0.8]], accept = [[0.5, 0.75], [0.8, 0.4]];
  const states = [Float32Array.of(1, 0, 0.5), Float32Array.of(0, 1, 0.5)];
  let u = 12345;
  const uniform = () => ((u = (Math.imul(u, 1103515245) + 12345) >>> 0) / 2 ** 32);
  for (let t = 0; t < 6000; t++) {
    const k = t % 2, a = (t >> 1) % 2, p = accept[k][a];
    const reward = uniform() < p ? (-means[k][a] / p) * Math.log(1 - uniform()) : 0;
    agent.observe(0, states[k], 0, a, reward, states[k], 0, true);
    agent.decisions++;
    agent.learn();
  }
  for (let k = 0; k < 2; k++) {
    const q = agent.online.forward(states[k], 1, null);
    for (let a = 0; a < 2; a++) {
      const got = Math.exp(q[a]);
      assert.ok(Math.abs(got - means[k][a]) <= 0.25 * means[k][a], `state ${k}, action ${a}: exp(Q) ${got.toFixed(3)}, mean reward ${means[k][a]}`);
    }
    const best = new Int32Array(1);
    agent.greedy(states[k], 1, null, best);
    assert.equal(best[0], means[k][0] > means[k][1] ? 0 : 1, `state ${k}: greedy takes the larger mean`);
  }
  assert.ok(agent.last.meanQ > 0.4 && agent.last.meanQ < 3.5, `mean Q ${agent.last.meanQ} is a reward, not its log`);
});
