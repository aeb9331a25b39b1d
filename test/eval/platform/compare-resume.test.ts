/**
 * An interrupted comparison goes on from its work directory (src/io/compare-work-dir.ts) to the
 * results of one never interrupted; a work directory of another comparison, or a damaged stored
 * run, is refused with what is wrong.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compareOnPlatform, type CompareOptions, type CompareResult } from "../../../src/eval/platform/compare.js";
import { toCompareJson, toReportData } from "../../../src/eval/platform/report-data.js";
import { openCompareWork } from "../../../src/io/compare-work-dir.js";
import { parseExperimentConfig } from "../../../src/train/experiment-config.js";

const settings = (): Pick<CompareOptions, "exp" | "evalSeeds" | "heads" | "baselines"> => ({
  exp: parseExperimentConfig({
    sim: { users: 60, streamers: 10, days: 1 },
    dqn: { hidden: [8], embedding: 4, learningStarts: 30, replayCapacity: 2000 },
    training: { episodes: 3, seeds: [1, 2], ensemble: 2 },
  }),
  evalSeeds: [1001, 1002],
  heads: ["feature"],
  baselines: ["random", "pop"],
});

/** Everything but the timings. */
function figures(r: CompareResult) {
  const { seconds: _, ...json } = toCompareJson(r);
  const { createdAt: __, ...report } = toReportData(r);
  const curves = r.curves.map((c) => ({ ...c, points: c.points.map(({ decisions_per_s: _d, updates_per_s: _u, ...p }) => p) }));
  return { json, report, perSeed: r.policies.map((p) => p.perSeed), curves };
}

/** The uninterrupted comparison, run once for the tests that compare with it. */
let wholeRun: Promise<CompareResult> | undefined;
const whole = () => (wholeRun ??= compareOnPlatform(settings()));

/**
 * Runs the comparison with its progress in `work` (`more` overriding its options); `on` hears each
 * event (a stage, a training point, a tuned baseline, a finished run) with `stop`, which aborts it.
 */
function attempt(work: string, on: (what: string, stop: () => void) => void, more: Partial<CompareOptions> = {}) {
  const w = openCompareWork(work, settings());
  const controller = new AbortController();
  const stop = () => controller.abort();
  let trainedPoints = 0, firstDone = -1;
  const tuned: string[] = [];
  const run = compareOnPlatform({
    ...settings(), ...w.hooks, stored: w.stored, signal: controller.signal, checkpointEveryMs: 0, ...more,
    onStage: (stage) => on(`stage ${stage}`, stop),
    onTrainingPoint(head, p, seed) {
      w.hooks.onTrainingPoint(head, p, seed);
      trainedPoints++;
      on(`train ${seed} ${p.episode}`, stop);
    },
    onTuned(record) {
      w.hooks.onTuned(record);
      tuned.push(record.policy);
      on(`tuned ${record.policy}`, stop);
    },
    onRunDone(policy, seed, m) {
      w.hooks.onRunDone(policy, seed, m);
      on(`run ${policy} ${seed}`, stop);
    },
    onProgress: (done) => void (firstDone < 0 && (firstDone = done)),
  });
  return { run, trainedPoints: () => trainedPoints, firstDone: () => firstDone, tuned: () => tuned, stored: w.stored };
}

/** Files of writes cut short (writeFileAtomic's temporaries) under `dir`. */
function leftovers(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((f) => f.includes(".tmp-"));
}

test("compare: interrupted in training and in evaluation, then resumed, gives every figure of an uninterrupted run", async () => {
  const dir = mkdtempSync(join(tmpdir(), "liveq-compare-work-"));
  try {
    const work = join(dir, "work");
    // Stopped once both agents are in their second episode: each finishes it and is checkpointed.
    const inSecond = new Set<string>();
    const first = attempt(work, (w, stop) => void (w.startsWith("train ") && w.endsWith(" 1") && inSecond.add(w).size === 2 && stop()));
    await assert.rejects(first.run, { name: "AbortError" });
    assert.deepEqual(readdirSync(join(work, "feature", "checkpoint")).sort(), ["agent-1", "agent-2"]);
    // (the message reaches a worker between two ticks: one that ran ahead may have finished a later episode)
    const saved = openCompareWork(work, settings()).stored.agents.map((a) => a.episodes);
    assert.ok(saved.every((e) => e >= 2), `each agent finished the episode it was in: ${saved}`);
    // Stopped after the DQN's first evaluation run: the agents are trained, the baselines' runs done.
    const second = attempt(work, (w, stop) => void (w === "run dqn 1001" && stop()));
    await assert.rejects(second.run, { name: "AbortError" });
    assert.ok(second.stored.agents.length === 2 && second.stored.agents.every((a) => a.episodes >= 1));
    assert.ok(second.firstDone() > 0, "progress counts what was stored");
    // The rest: no training, the three finished runs read back, one run to go.
    const third = attempt(work, () => undefined);
    const resumed = await third.run;
    assert.equal(third.trainedPoints(), 0);
    assert.equal(third.stored.runs.size, 5);
    assert.deepEqual(figures(resumed), figures(await whole()));
    // A work directory that is done gives the results again without running anything.
    const fourth = attempt(work, () => undefined);
    assert.deepEqual(figures(await fourth.run), figures(await whole()));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("compare: stopped while the baselines are tuned in this thread (the heads trained), then resumed, gives every figure of an uninterrupted run", async () => {
  const dir = mkdtempSync(join(tmpdir(), "liveq-compare-work-"));
  try {
    const work = join(dir, "work");
    // Trained in turn here, then tuned here: the stop comes one turn of the event loop after the
    // tuning stage begins, and tuning lets the loop turn after each training run, so it lands
    // between POP's first tuning run and its second.
    let tuning = false;
    const first = attempt(work, (w, stop) => {
      if (w.startsWith("stage tuning the baselines")) {
        tuning = true;
        setImmediate(stop);
      }
    }, { parallel: false });
    await assert.rejects(first.run, { name: "AbortError" });
    assert.ok(tuning);
    assert.deepEqual(first.tuned(), [], "no baseline was tuned through");
    // What is stored is the trained agents, whole, and nothing of the baselines.
    const stored = openCompareWork(work, settings()).stored;
    assert.deepEqual(stored.agents.map((a) => [a.agentSeed, a.episodes]), [[1, 3], [2, 3]]);
    assert.equal(stored.runs.size, 0);
    assert.equal(stored.tuning.size, 0);
    assert.deepEqual(leftovers(work), []);
    // Resumed (in turn as before): the agents are read back, the baselines tuned and evaluated.
    const second = attempt(work, () => undefined, { parallel: false });
    const resumed = await second.run;
    assert.equal(second.trainedPoints(), 0);
    assert.deepEqual(second.tuned(), ["random", "pop"]);
    assert.deepEqual(figures(resumed), figures(await whole()));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("compare: stopped while POP's tuning worker is under way and the heads train, then resumed, gives every figure of an uninterrupted run", async () => {
  const dir = mkdtempSync(join(tmpdir(), "liveq-compare-work-"));
  try {
    const work = join(dir, "work");
    // Side by side (the default): random is tuned here (nothing to tune) while POP is tuned in a
    // worker thread and the agents train in theirs; stopped as random's record comes, before its
    // first run. (POP's worker is then still starting, as a rule: it takes a second or two to load
    // from source, then tunes for a tenth of a second. Nothing tells when it is between two runs.)
    const first = attempt(work, (w, stop) => void (w === "tuned random" && stop()));
    await assert.rejects(first.run, { name: "AbortError" });
    // What is stored: random's tuning record and no run of it, nothing of POP (its worker was
    // ended), each agent checkpointed after the episode it was in.
    const stored = openCompareWork(work, settings()).stored;
    assert.deepEqual([...stored.tuning.keys()], ["random"]);
    assert.equal(stored.runs.size, 0);
    assert.deepEqual(stored.agents.map((a) => a.agentSeed), [1, 2]);
    assert.ok(stored.agents.every((a) => a.episodes >= 1 && a.points.filter((p) => p.episode < a.episodes).length > 0), `${stored.agents.map((a) => a.episodes)}`);
    assert.deepEqual(leftovers(work), []);
    // Resumed: the agents go on from their checkpoints, both baselines are tuned again (random's
    // runs were not done), everything is evaluated.
    const second = attempt(work, () => undefined);
    const resumed = await second.run;
    assert.deepEqual(second.tuned().sort(), ["pop", "random"]);
    assert.deepEqual(figures(resumed), figures(await whole()));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("compare work directory: another comparison's, or a damaged stored run, is refused naming what is wrong", async () => {
  const dir = mkdtempSync(join(tmpdir(), "liveq-compare-work-"));
  try {
    const w = openCompareWork(dir, settings());
    assert.equal(w.resumed, false);
    w.hooks.onRunDone("random", 1001, { reward_per_user_day: 1.5, churned: NaN });
    const other = settings();
    other.exp.sim = { ...other.exp.sim, users: 61 };
    assert.throws(() => openCompareWork(dir, other), (e: Error) => e.message.includes("sim.users is 60 there, 61 here") && e.message.includes(dir));
    assert.throws(() => openCompareWork(dir, { ...settings(), evalSeeds: [1001, 1003] }), /evalSeeds is \[1001,1002\] there, \[1001,1003\] here/);
    assert.throws(() => openCompareWork(dir, { ...settings(), baselines: ["random"], dqnEval: "online" }), /policies is .* there, \["random"\] here; dqnEval is "frozen" there, "online" here/);
    // A run stored without every metric, or cut short, is not taken: the error names the file.
    const run = join(dir, "runs", "random", "seed-1001.json");
    assert.throws(() => openCompareWork(dir, settings()), (e: Error) => e.message.startsWith(`${run}: not a finished evaluation run`) && /metrics\.watch_minutes_per_user_day is undefined/.test(e.message));
    writeFileSync(run, '{"policy":"random","seed":1001,"metr');
    assert.throws(() => openCompareWork(dir, settings()), (e: Error) => e.message.startsWith(`${run}: cannot read a finished evaluation run`));
    writeFileSync(join(dir, "manifest.json"), "{}");
    assert.throws(() => openCompareWork(dir, settings()), /manifest\.json: not the manifest of a comparison's work directory/);
    // A directory holding something else is not taken over.
    const busy = join(dir, "runs");
    assert.throws(() => openCompareWork(busy, settings()), /is not empty and holds no comparison's manifest/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("compare work directory: the liveq version is recorded; one written by another version, or before versions were recorded, is refused naming both", () => {
  const dir = mkdtempSync(join(tmpdir(), "liveq-compare-work-"));
  try {
    const version = (JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")) as { version: string }).version;
    openCompareWork(dir, settings());
    const path = join(dir, "manifest.json");
    const manifest = JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
    assert.equal(manifest.liveq, version);
    assert.equal(openCompareWork(dir, settings()).resumed, true);
    const afresh = `Use another work directory, or delete ${dir} to start this comparison afresh`;
    writeFileSync(path, JSON.stringify({ ...manifest, liveq: "0.0.1-old" }));
    assert.throws(() => openCompareWork(dir, settings()), (e: Error) =>
      e.message === `${dir} holds the work of another version of liveq, whose results are not mixed with this one's: liveq is "0.0.1-old" there, "${version}" here. ${afresh}`);
    // Settings that differ as well are named after the version.
    assert.throws(() => openCompareWork(dir, { ...settings(), evalSeeds: [1001] }), (e: Error) =>
      e.message.includes(`liveq is "0.0.1-old" there, "${version}" here; evalSeeds is [1001,1002] there, [1001] here. ${afresh}`));
    // A manifest written before the version was recorded: no "liveq" key.
    const { liveq: _, ...before } = manifest;
    writeFileSync(path, JSON.stringify(before));
    assert.throws(() => openCompareWork(dir, settings()), (e: Error) =>
      e.message.includes("another version of liveq") && e.message.includes(`liveq is absent there (written by a liveq that did not record its version: it cannot be known to match), "${version}" here`) && e.message.endsWith(afresh));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("compare work directory: a model trained further since is another comparison; an agent whose first checkpoint was never finished trains from the start", () => {
  const dir = mkdtempSync(join(tmpdir(), "liveq-compare-work-"));
  try {
    const model = (updates: number) => ({ path: "/models/m", agents: [{ head: "feature", agentSeed: 1, decisions: 500, updates }] });
    openCompareWork(dir, { ...settings(), model: model(40) });
    assert.equal(openCompareWork(dir, { ...settings(), model: model(40) }).resumed, true);
    assert.throws(() => openCompareWork(dir, { ...settings(), model: model(41) }), /model\.agents is .*"updates":40.* there, .*"updates":41.* here/);
    // Killed while writing an agent's first checkpoint: its folder holds no manifest yet.
    const cut = join(dir, "feature", "checkpoint", "agent-2");
    mkdirSync(cut, { recursive: true });
    writeFileSync(join(cut, "data-cut.bin"), "partial");
    assert.deepEqual(openCompareWork(dir, { ...settings(), model: model(40) }).stored.agents, []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("compare: a failure (not a stop) ends the comparison with that failure, after the training has stopped", async () => {
  const failure = new Error("disk full (test)");
  await assert.rejects(
    compareOnPlatform({ ...settings(), onRunDone: () => { throw failure; } }),
    (e: unknown) => e === failure,
  );
});
