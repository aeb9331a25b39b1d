/**
 * `liveq train`: Ctrl-C saves every agent's checkpoint (after the episode it is in) and --resume continues from them; what it
 * trained is what `liveq compare --model` evaluates (real child processes).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runChild } from "./spawn-cli.js";

const run = runChild;

test("Ctrl-C saves every agent's checkpoint; --resume continues from them", async () => {
  const dir = mkdtempSync(join(tmpdir(), "liveq-train-"));
  try {
    const log = join(dir, "metrics.jsonl");
    const config = join(dir, "config.json");
    writeFileSync(config, JSON.stringify({ sim: { users: 150, streamers: 20, days: 2 }, training: { ensemble: 2, agentSeed: 7 } }));
    // --checkpoint-every 0: every agent hands over a checkpoint after every episode and trains on.
    const first = await run(["train", "--config", config, "--out", dir, "--episodes", "1000", "--checkpoint-every", "0", "--json", "--no-progress"], () => existsSync(log) && readFileSync(log, "utf8").split("\n").length > 40);
    assert.equal(first.code, 0, first.stderr);
    const summary = JSON.parse(first.stdout.trim().split("\n").pop()!);
    assert.equal(summary.stopped, true);
    assert.ok(summary.episodes_done < 1000);
    // The feature head trains training.ensemble agents, seeds agentSeed, agentSeed + 1: a checkpoint and log lines each.
    assert.deepEqual(summary.agents.map((a: { agent_seed: number }) => a.agent_seed), [7, 8]);
    assert.deepEqual(readdirSync(join(dir, "checkpoint")).sort(), ["agent-7", "agent-8"]);
    // Each agent's checkpoint is the one Ctrl-C saved: the episodes that agent had done.
    for (const a of summary.agents as { agent_seed: number; episodes_done: number }[]) {
      const manifest = JSON.parse(readFileSync(join(dir, "checkpoint", `agent-${a.agent_seed}`, "manifest.json"), "utf8"));
      assert.equal(manifest.meta.episodes, a.episodes_done);
      assert.equal(manifest.meta.plannedEpisodes, 1000);
    }
    const lines = readFileSync(log, "utf8").trim().split("\n").map((l) => JSON.parse(l) as { agent_seed: number; episode: number; tick: number });
    assert.deepEqual([...new Set(lines.map((l) => l.agent_seed))].sort(), [7, 8]);
    // Ctrl-C let each agent finish the episode it was in: its log ends at the end of its last episode.
    for (const a of summary.agents as { agent_seed: number; episodes_done: number }[]) {
      const last = lines.filter((l) => l.agent_seed === a.agent_seed).pop()!;
      assert.deepEqual([last.episode, last.tick], [a.episodes_done - 1, 2 * 144]);
    }
    assert.match(first.stderr, /stopping: each agent finishes the episode it is in, then its checkpoint is saved/);

    const target = Math.max(...summary.agents.map((a: { episodes_done: number }) => a.episodes_done)) + 1;
    const second = await run(["train", "--out", dir, "--resume", dir, "--episodes", String(target), "--json", "--no-progress"]);
    assert.equal(second.code, 0, second.stderr);
    const resumed = JSON.parse(second.stdout.trim().split("\n").pop()!);
    assert.equal(resumed.stopped, false);
    assert.equal(resumed.episodes_done, target);
    assert.ok(resumed.decisions > summary.decisions);
    assert.match(second.stderr, /resuming 2 agents from .*episodes done/);
    // A resumed run keeps the model's own config.
    const mixed = await run(["train", "--out", dir, "--resume", dir, "--users", "99", "--no-progress"]);
    assert.notEqual(mixed.code, 0);
    assert.match(mixed.stderr, /--resume continues the model in .* with its own config: leave out --users/);
    // A fresh run into a directory holding a model is refused (it would mix two trainings).
    rmSync(log);
    const again = await run(["train", "--config", config, "--out", dir, "--episodes", "1", "--no-progress"]);
    assert.notEqual(again.code, 0);
    assert.match(again.stderr, /holds a trained model: use another --out, or --resume/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("compare --model evaluates what liveq train trained: the same results as training in the comparison", async () => {
  const dir = mkdtempSync(join(tmpdir(), "liveq-model-"));
  try {
    const config = join(dir, "config.json");
    // Training seeds 1-2; the baselines of both comparisons learn from the same two weeks.
    writeFileSync(config, JSON.stringify({ sim: { users: 120, streamers: 16, days: 2 }, dqn: { learningStarts: 200 }, training: { seeds: [1, 2], episodes: 2, ensemble: 2 } }));
    const model = join(dir, "model");
    // Checkpoints after every episode: taking them must not change the training.
    const trained = await run(["train", "--config", config, "--out", model, "--checkpoint-every", "0", "--json", "--no-progress"]);
    assert.equal(trained.code, 0, trained.stderr);
    assert.ok(JSON.parse(trained.stdout.trim().split("\n").pop()!).updates > 0);
    const args = ["--heads", "feature", "--policies", "random,rep", "--seeds", "2", "--json", "--no-progress"];
    const [fromModel, inPlace] = await Promise.all([run(["compare", "--model", model, ...args]), run(["compare", "--config", config, ...args])]);
    assert.equal(fromModel.code, 0, fromModel.stderr);
    assert.equal(inPlace.code, 0, inPlace.stderr);
    const a = JSON.parse(fromModel.stdout.trim().split("\n").pop()!), b = JSON.parse(inPlace.stdout.trim().split("\n").pop()!);
    assert.match(fromModel.stderr, /evaluating the model in .*: 2 agents of the feature head, trained 2 episodes/);
    assert.deepEqual(a.setting, b.setting);
    // Every policy's every figure the same: the model on disk is the agents the comparison trains.
    assert.deepEqual(a.policies, b.policies);
    assert.equal(a.dqn_vs_best_baseline, b.dqn_vs_best_baseline);
    // Fewer episodes than training seeds: the model saw week 1 only, and so do the baselines, as
    // when the comparison trains in place with --episodes 1.
    const short = join(dir, "short");
    const one = await run(["train", "--config", config, "--out", short, "--episodes", "1", "--json", "--no-progress"]);
    assert.equal(one.code, 0, one.stderr);
    const [shortModel, shortInPlace] = await Promise.all([run(["compare", "--model", short, ...args]), run(["compare", "--config", config, "--episodes", "1", ...args])]);
    assert.equal(shortModel.code, 0, shortModel.stderr);
    assert.equal(shortInPlace.code, 0, shortInPlace.stderr);
    const c = JSON.parse(shortModel.stdout.trim().split("\n").pop()!), d = JSON.parse(shortInPlace.stdout.trim().split("\n").pop()!);
    assert.deepEqual(c.setting.trainSeeds, [1]);
    assert.deepEqual(c.policies, d.policies);
    assert.notDeepEqual(c.policies.dqn, a.policies.dqn);
    // A flag that contradicts the model's platform is refused, naming the key.
    const wrong = await run(["compare", "--model", model, "--users", "99", ...args]);
    assert.notEqual(wrong.code, 0);
    assert.match(wrong.stderr, /trained on another platform: users 120 \(asked: 99\)/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("bad flags and configs are refused with the name of what is wrong", async () => {
  const r = await run(["train", "--out", join(tmpdir(), "liveq-never"), "--head", "weird"]);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /--head must be "feature" or "classic"/);
  const r2 = await run(["train", "--out", join(tmpdir(), "liveq-never"), "--config", "/nonexistent/cfg.json"]);
  assert.notEqual(r2.code, 0);
  assert.match(r2.stderr, /\/nonexistent\/cfg.json: cannot read the config/);
});
