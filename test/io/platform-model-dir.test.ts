/** A trained model's directory: its training log read back as curves, and bad input named. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadPlatformModel, readTrainingLog } from "../../src/io/platform-model-dir.js";

const point = (agent_seed: number | undefined, episode: number, tick: number) =>
  JSON.stringify({ ...(agent_seed === undefined ? {} : { agent_seed }), episode, seed: 1, day: 0, tick, decisions: 0, updates: 0, reward: 1, td_loss: 0, mean_q: 0, epsilon: 1, decisions_per_s: 0, updates_per_s: 0 });

test("the training log: one curve per agent, each running forward once after a resume, a torn last line left out", () => {
  const dir = mkdtempSync(join(tmpdir(), "liveq-log-"));
  try {
    // Agent 1 was interrupted in episode 1 at tick 12, resumed from its checkpoint after episode 0,
    // and logged episode 1 again; agent 2 went on. The last line was cut short by a crash.
    const lines = [point(1, 0, 6), point(2, 0, 6), point(1, 0, 12), point(1, 1, 6), point(1, 1, 12), point(1, 1, 6), point(1, 1, 12), point(1, 1, 18), point(2, 0, 12)];
    writeFileSync(join(dir, "metrics.jsonl"), lines.join("\n") + "\n" + point(2, 1, 6).slice(0, 30));
    const log = readTrainingLog(dir);
    assert.deepEqual(log.get(1)!.map((p) => [p.episode, p.tick]), [[0, 6], [0, 12], [1, 6], [1, 12], [1, 18]]);
    assert.deepEqual(log.get(2)!.map((p) => [p.episode, p.tick]), [[0, 6], [0, 12]]);
    assert.equal("agent_seed" in log.get(1)![0], false);
    // A line without agent_seed belongs to the sole agent, when there is one; else it is an error.
    writeFileSync(join(dir, "metrics.jsonl"), point(undefined, 0, 6) + "\n");
    assert.deepEqual([...readTrainingLog(dir, 5).keys()], [5]);
    assert.throws(() => readTrainingLog(dir), /metrics\.jsonl:1: the line names no agent_seed/);
    // An unreadable line before the last is named.
    writeFileSync(join(dir, "metrics.jsonl"), "{oops\n" + point(1, 0, 6) + "\n");
    assert.throws(() => readTrainingLog(dir), /metrics\.jsonl:1: not a training point/);
    assert.equal(readTrainingLog(join(dir, "none")).size, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a directory without a model is refused with its name", () => {
  const dir = mkdtempSync(join(tmpdir(), "liveq-model-"));
  try {
    assert.throws(() => loadPlatformModel(dir), new RegExp(`${dir}: no trained model there`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
