/**
 * Checkpoints: resuming continues bit for bit like a run that never stopped; a corrupt, truncated
 * or mismatched checkpoint gives a clear error and loads nothing.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DqnAgent } from "../../../src/core/dqn/agent.js";
import type { DqnConfigInput } from "../../../src/core/dqn/config.js";
import { dqnCheckpoint, restoreDqn } from "../../../src/core/dqn/checkpoint.js";
import { loadCheckpoint, saveCheckpoint } from "../../../src/io/checkpoint-dir.js";
import { CartPole } from "../../../src/envs/cartpole.js";
import { Rng, type RngState } from "../../../src/core/random/rng.js";
import { CheckpointError } from "../../../src/core/checkpoint/bundle.js";

const config: DqnConfigInput = {
  obsSize: 4, actions: 2, network: { hidden: [16, 16], head: "dueling" },
  doubleDqn: true, nStep: 3, replay: { kind: "prioritized", capacity: 500 },
  learningStarts: 50, trainEvery: 2, batchSize: 16, target: { kind: "polyak", tau: 0.05 },
  exploration: { kind: "exponential", start: 1, end: 0.05, steps: 300 }, seed: 9,
};

/** A CartPole run whose whole state (agent, env, env RNG, current obs) can be saved. */
class Run {
  agent: DqnAgent;
  env = new CartPole();
  envRng = new Rng(77);
  obs = new Float32Array(4);
  next = new Float32Array(4);
  act = new Int32Array(1);
  constructor(agent?: DqnAgent) {
    this.agent = agent ?? new DqnAgent(config);
    if (!agent) this.env.reset(this.envRng, this.obs);
  }
  steps(n: number): void {
    for (let i = 0; i < n; i++) {
      this.agent.act(this.obs, 1, null, this.act);
      const r = this.env.step(this.act[0], this.next);
      this.agent.observe(0, this.obs, 0, this.act[0], r.reward, this.next, 0, r.terminated);
      if (r.truncated) this.agent.endEpisode(0);
      this.agent.learn();
      if (r.terminated || r.truncated) this.env.reset(this.envRng, this.obs);
      else this.obs.set(this.next);
    }
  }
}

function tmp(): string {
  return mkdtempSync(join(tmpdir(), "liveq-ckpt-"));
}

test("resume from a checkpoint continues bit for bit like a run that never stopped", () => {
  const straight = new Run();
  straight.steps(700);

  const first = new Run();
  first.steps(300);
  const dir = tmp();
  try {
    saveCheckpoint(dir, dqnCheckpoint(first.agent));
    const envState = first.env.getState();
    const envRng: RngState = first.envRng.getState();
    const obs = first.obs.slice();

    const resumed = new Run(restoreDqn(loadCheckpoint(dir)));
    resumed.env.setState(envState);
    resumed.envRng.setState(envRng);
    resumed.obs.set(obs);
    resumed.steps(400);

    assert.equal(resumed.agent.decisions, straight.agent.decisions);
    assert.equal(resumed.agent.updates, straight.agent.updates);
    assert.ok(resumed.agent.updates > 100);
    assert.deepEqual(resumed.agent.online.exportParams(), straight.agent.online.exportParams());
    assert.deepEqual(resumed.agent.target.exportParams(), straight.agent.target.exportParams());
    assert.deepEqual(resumed.agent.optimizer.getState(), straight.agent.optimizer.getState());
    assert.deepEqual(resumed.agent.actRng.getState(), straight.agent.actRng.getState());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a corrupt, truncated or mismatched checkpoint is refused with a clear error", () => {
  const run = new Run();
  run.steps(120);
  const dir = tmp();
  try {
    saveCheckpoint(dir, dqnCheckpoint(run.agent));
    const data = join(dir, readdirSync(dir).find((f) => f.startsWith("data-"))!);
    const good = readFileSync(data);

    // A flipped byte in the middle of the data.
    const bad = Buffer.from(good);
    bad[bad.length >> 1] ^= 0xff;
    writeFileSync(data, bad);
    assert.throws(() => loadCheckpoint(dir), (e: Error) => e instanceof CheckpointError && /fails its checksum/.test(e.message));

    // Truncated.
    writeFileSync(data, good);
    truncateSync(data, good.length - 100);
    assert.throws(() => loadCheckpoint(dir), /truncated/);

    // Of another kind or version.
    writeFileSync(data, good);
    assert.throws(() => loadCheckpoint(dir, { kind: "liveq.other" }), /expected a "liveq.other"/);
    const manifestPath = join(dir, "manifest.json");
    const manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
    writeFileSync(manifestPath, JSON.stringify({ ...manifest, formatVersion: 99 }));
    assert.throws(() => loadCheckpoint(dir), /format version 99 is not supported/);

    // Not JSON at all.
    writeFileSync(manifestPath, "{ not json");
    assert.throws(() => loadCheckpoint(dir), /not valid JSON/);

    // Arrays that do not fit the config they came with.
    writeFileSync(manifestPath, JSON.stringify(manifest));
    const bundle = loadCheckpoint(dir);
    const wrong = { ...bundle, meta: { ...bundle.meta, config: { ...(bundle.meta.config as object), network: { hidden: [32], head: "linear", backend: "wasm" } } } };
    assert.throws(() => restoreDqn(wrong), /online\.params" has length/);
    const badCounter = { ...bundle, meta: { ...bundle.meta, updates: -3 } };
    assert.throws(() => restoreDqn(badCounter), /updates must be an integer >= 0/);
    const badReplay = { ...bundle, arrays: { ...bundle.arrays, "replay.rewards": new Float32Array(3) } };
    assert.throws(() => restoreDqn(badReplay), /replay/);

    // The good checkpoint still loads.
    const restored = restoreDqn(loadCheckpoint(dir));
    assert.deepEqual(restored.online.exportParams(), run.agent.online.exportParams());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("saving again replaces the checkpoint atomically and leaves one data file", () => {
  const run = new Run();
  run.steps(80);
  const dir = tmp();
  try {
    saveCheckpoint(dir, dqnCheckpoint(run.agent));
    run.steps(80);
    saveCheckpoint(dir, dqnCheckpoint(run.agent));
    const files = readdirSync(dir).sort();
    assert.equal(files.filter((f) => f.startsWith("data-")).length, 1);
    assert.ok(files.includes("manifest.json"));
    assert.equal(files.filter((f) => f.includes(".tmp")).length, 0);
    assert.deepEqual(restoreDqn(loadCheckpoint(dir)).online.exportParams(), run.agent.online.exportParams());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
