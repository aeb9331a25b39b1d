import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { interactionLogFromRows } from "../../../src/data/interaction-log.js";
import { LiveRecProtocol } from "../../../src/eval/offline/liverec-protocol.js";
import type { OfflineRanker, TargetContext } from "../../../src/eval/offline/offline-ranker.js";
import { PopularityRanker } from "../../../src/policies/offline/popularity.js";
import { RepeatRanker } from "../../../src/policies/offline/repeat.js";
import { OfflineDqnRanker } from "../../../src/policies/offline/dqn/ranker.js";
import { parseOfflineDqnConfig, type OfflineDqnConfigInput } from "../../../src/policies/offline/dqn/config.js";
import { loadOfflineDqnModel, saveOfflineDqnModel } from "../../../src/policies/offline/dqn/model-dir.js";
import { FEATURE_NAMES, FEATURE_SIZE, StateEncoder } from "../../../src/policies/offline/dqn/state-encoder.js";
import { StreamerStats } from "../../../src/policies/offline/dqn/streamer-stats.js";
import { offlinePolicies } from "../../../src/policies/offline/registry.js";
import { saveCheckpoint } from "../../../src/io/checkpoint-dir.js";
import { plantedLog, SYNTHETIC_AVAIL, SYNTHETIC_WINDOW } from "./dqn-helpers.js";

/** Small and quick: the planted log has ~3,000 transitions. */
const QUICK: OfflineDqnConfigInput = { batchSize: 32, epochs: 4, hidden: [32] };

function protocol(seed = 1, protocolSeed = 0): LiveRecProtocol {
  return new LiveRecProtocol(interactionLogFromRows(plantedLog(seed)), { windowLength: SYNTHETIC_WINDOW, availWindow: SYNTHETIC_AVAIL, seed: protocolSeed });
}

/** Every raw score the ranker gives on the targets of the test window, in order. */
function allScores(p: LiveRecProtocol, ranker: OfflineRanker): number[] {
  const out: number[] = [];
  const probe: OfflineRanker = {
    name: "probe",
    fit: () => {},
    score: (ctx, cand, scores) => {
      ranker.score(ctx, cand, scores);
      out.push(...scores.subarray(0, cand.length));
    },
  };
  p.score("test", [probe]);
  return out;
}

test("on a log with a planted pattern the DQN beats POP, and finds new streamers that REP cannot", async () => {
  const p = protocol();
  const dqn = new OfflineDqnRanker({ config: QUICK });
  const e = await p.evaluate("test", [new PopularityRanker(), new RepeatRanker(), dqn]);
  const { pop, rep, dqn: d } = e.results;
  assert.ok(e.targets.new >= 10 && e.targets.rep >= 50, `targets ${JSON.stringify(e.targets)}`);
  assert.ok(d.all["ndcg@10"] > pop.all["ndcg@10"] + 0.4, `dqn ndcg@10 ${d.all["ndcg@10"]} vs pop ${pop.all["ndcg@10"]}`);
  assert.ok(d.all["hr@1"] > pop.all["hr@1"] + 0.4, `dqn hr@1 ${d.all["hr@1"]} vs pop ${pop.all["hr@1"]}`);
  // New streamers follow the user's category: POP and REP cannot see it, the co-watch features can.
  assert.ok(d.new["hr@10"] >= pop.new["hr@10"] + 0.3, `new hr@10: dqn ${d.new["hr@10"]} vs pop ${pop.new["hr@10"]}`);
  assert.ok(d.new["hr@10"] > rep.new["hr@10"] + 0.3, `new hr@10: dqn ${d.new["hr@10"]} vs rep ${rep.new["hr@10"]}`);
  // Repeats: about as good as counting (REP), the pattern the log was built on.
  assert.ok(d.rep["hr@1"] >= rep.rep["hr@1"] - 0.05, `rep hr@1: dqn ${d.rep["hr@1"]} vs rep ${rep.rep["hr@1"]}`);
});

test("plain offline DQN (TD on logged actions only) ranks far worse than its SQN and CQL fixes", async () => {
  const p = protocol();
  const ndcg = async (variant: "dqn" | "sqn" | "cql") => {
    const r = new OfflineDqnRanker({ name: variant, config: { ...QUICK, variant } });
    return (await p.evaluate("validation", [r])).results[variant].all["ndcg@10"];
  };
  const [plain, sqn, cql] = [await ndcg("dqn"), await ndcg("sqn"), await ndcg("cql")];
  assert.ok(sqn > plain + 0.2 && cql > plain + 0.2, `validation ndcg@10: dqn ${plain}, sqn ${sqn}, cql ${cql}`);
});

test("the same seed gives the same model bit for bit; another seed another one", async () => {
  const p = protocol();
  const fit = async (seed: number) => {
    const r = new OfflineDqnRanker({ config: { ...QUICK, epochs: 1, seed } });
    await r.fit(p.trainView("test"));
    return { scores: allScores(p, r), params: r.trained!.network.params().slice() };
  };
  const a = await fit(3), b = await fit(3), c = await fit(4);
  assert.deepEqual(a.scores, b.scores);
  assert.deepEqual(a.params, b.params);
  assert.notDeepEqual(a.params, c.params);
  // The protocol's seed is mixed in too.
  const other = new OfflineDqnRanker({ config: { ...QUICK, epochs: 1, seed: 3 } });
  await other.fit(protocol(1, 9).trainView("test"));
  assert.notDeepEqual(other.trained!.network.params().slice(), a.params);
});

test("the variant and the epochs are chosen on the validation window only", async () => {
  const p = protocol();
  const view = p.trainView("test");
  const selection = view.selection!;
  let calls = 0;
  const counted = { ...view, selection: { ...selection, evaluate: (r: OfflineRanker) => (calls++, selection.evaluate(r)) } };
  const lines: string[] = [];
  const notes: string[] = [];
  const progress: [string, number, number][] = [];
  const r = new OfflineDqnRanker({
    config: { ...QUICK, epochs: undefined, maxEpochs: 2 },
    variants: ["sqn", "cql"],
    onCheck: (l) => lines.push(l),
    onNote: (l) => notes.push(l),
    onProgress: (phase, done, total) => progress.push([phase, done, total]),
  });
  await r.fit(counted);
  assert.equal(calls, 4, "2 variants x 2 epochs");
  assert.equal(lines.length, 4);
  const s = r.selection!;
  assert.ok(["sqn", "cql"].includes(s.variant) && [1, 2].includes(s.epochs));
  assert.equal(s.validationNdcg10, Math.max(...s.checks.map((c) => c.metrics.all["ndcg@10"])));
  assert.match(notes[0], /^dqn: chose variant=(sqn|cql) epochs=[12] \(validation ndcg@10 \d\.\d{4}, 4 checks\)$/);
  assert.equal(r.trained!.cutoff, view.before, "the final model learns from everything before the test window");
  assert.equal(r.trained!.provenance.validation!.chosenEpoch, s.epochs);
  // progress: the search, then the final training, each counting up to its total
  const phases = [...new Set(progress.map((x) => x[0]))];
  assert.deepEqual(phases, ["validation search", "final training"]);
  for (const phase of phases) {
    const mine = progress.filter((x) => x[0] === phase);
    assert.equal(mine.at(-1)![1], mine.at(-1)![2]);
  }
  await assert.rejects(new OfflineDqnRanker({ config: { ...QUICK, epochs: undefined } }).fit({ ...view, selection: null }), /no fixed epochs and no validation window/);
});

test("a saved model loads and scores bit for bit the same; a model that saw the evaluated window is refused", async () => {
  const dir = mkdtempSync(join(tmpdir(), "liveq-dqn-"));
  try {
    const p = protocol();
    const trained = new OfflineDqnRanker({ config: { ...QUICK, epochs: 2 } });
    await trained.fit(p.trainView("test"));
    saveOfflineDqnModel(dir, trained.trained!);
    const loaded = new OfflineDqnRanker({ model: loadOfflineDqnModel(dir) });
    await loaded.fit(p.trainView("test"));
    assert.deepEqual(allScores(p, loaded), allScores(p, trained));
    // The model learned from everything before the test window, validation included.
    await assert.rejects(new OfflineDqnRanker({ model: loadOfflineDqnModel(dir) }).fit(p.trainView("validation")), /reaches into the evaluated window/);
    // The registry's dqn entry takes the directory as a setting.
    const viaRegistry = offlinePolicies.create("dqn", { seed: 0, progress: false, settings: { model: dir } });
    await viaRegistry.fit(p.trainView("test"));
    assert.deepEqual(allScores(p, viaRegistry), allScores(p, trained));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a loaded model scores a log whose streamers are listed in another order, and unknown streamers", async () => {
  const dir = mkdtempSync(join(tmpdir(), "liveq-dqn-"));
  try {
    const p = protocol();
    const trained = new OfflineDqnRanker({ config: { ...QUICK, epochs: 1 } });
    await trained.fit(p.trainView("test"));
    saveOfflineDqnModel(dir, trained.trained!);
    // Same interactions, rows reversed (so streamers are interned in another order), plus a newcomer.
    const rows = [...plantedLog(1)].reverse();
    rows.push({ user: "late", streamer: "newcomer", start: 399 });
    const shuffled = new LiveRecProtocol(interactionLogFromRows(rows), { windowLength: SYNTHETIC_WINDOW, availWindow: SYNTHETIC_AVAIL });
    const loaded = new OfflineDqnRanker({ model: loadOfflineDqnModel(dir) });
    await loaded.fit(shuffled.trainView("test"));
    const log = shuffled.log;
    const id = (s: string) => log.streamerIds.indexOf(s);
    const ctx: TargetContext = { user: 0, step: 380, historyStreamers: Int32Array.from([id("c0s3"), id("c0s3")]), historySteps: Int32Array.from([10, 20]) };
    const names = ["c0s3", "c1s5", "c2s0"];
    const a = new Float64Array(3);
    loaded.score(ctx, Int32Array.from(names.map(id)), a);
    const oid = (s: string) => p.log.streamerIds.indexOf(s);
    const b = new Float64Array(3);
    trained.score({ ...ctx, historyStreamers: Int32Array.from([oid("c0s3"), oid("c0s3")]) }, Int32Array.from(names.map(oid)), b);
    assert.deepEqual([...a], [...b]);
    loaded.score(ctx, Int32Array.from([id("c0s3"), id("c1s5"), id("newcomer")]), a);
    assert.ok(Number.isFinite(a[2]), "a streamer the model never saw still gets a score");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("corrupt or foreign model directories give a clear error", async () => {
  const dir = mkdtempSync(join(tmpdir(), "liveq-dqn-"));
  try {
    assert.throws(() => loadOfflineDqnModel(join(dir, "nowhere")), /offline DQN model: checkpoint .*nowhere: manifest\.json not found/);
    const p = protocol();
    const r = new OfflineDqnRanker({ config: { ...QUICK, epochs: 1 } });
    await r.fit(p.trainView("test"));
    const good = join(dir, "good");
    saveOfflineDqnModel(good, r.trained!);
    // a flipped byte in the data file
    const dataFile = join(good, readdirSync(good).find((f) => f.startsWith("data-"))!);
    const bytes = readFileSync(dataFile);
    bytes[bytes.length - 3] ^= 0xff;
    writeFileSync(dataFile, bytes);
    assert.throws(() => loadOfflineDqnModel(good), /offline DQN model: .*fails its checksum/);
    // a checkpoint of something else
    const foreign = join(dir, "foreign");
    saveCheckpoint(foreign, { kind: "liveq.dqn", version: 1, meta: {}, arrays: {} });
    assert.throws(() => loadOfflineDqnModel(foreign), /holds a "liveq\.dqn", expected a "liveq\.offline-dqn"/);
    // a model with other features than this code computes, or a broken config
    const edited = join(dir, "edited");
    saveOfflineDqnModel(edited, r.trained!);
    const manifestPath = join(edited, "manifest.json");
    const manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
    manifest.meta.features = manifest.meta.features.slice(1);
    writeFileSync(manifestPath, JSON.stringify(manifest));
    assert.throws(() => loadOfflineDqnModel(edited), /its features \(\d+\) are not this liveq's \d+: retrain it/);
    manifest.meta.features = FEATURE_NAMES;
    manifest.meta.config.batchSize = -1;
    writeFileSync(manifestPath, JSON.stringify(manifest));
    assert.throws(() => loadOfflineDqnModel(edited), /batchSize/);
    // a missing array
    manifest.meta.config.batchSize = 32;
    manifest.arrays = manifest.arrays.filter((a: { name: string }) => a.name !== "coCol");
    writeFileSync(manifestPath, JSON.stringify(manifest));
    assert.throws(() => loadOfflineDqnModel(edited), /array "coCol" is missing/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the state encoder: history pair features, and the user's own viewing left out of the streamer counts", () => {
  // Training period: steps < 10. u watched a twice and b once; v watched a and b; w watched c.
  const log = interactionLogFromRows([
    { user: "u", streamer: "a", start: 1 }, { user: "v", streamer: "a", start: 1 }, { user: "w", streamer: "c", start: 1 },
    { user: "u", streamer: "b", start: 2 }, { user: "v", streamer: "b", start: 3 }, { user: "u", streamer: "a", start: 4 },
    { user: "x", streamer: "c", start: 25 },
  ]);
  const p = new LiveRecProtocol(log, { windowLength: 8, availWindow: 1 }); // T = 25: test 18..25, validation 10..17
  const stats = StreamerStats.fromTrainView(p.trainView("validation"), 1);
  assert.equal(stats.meta.cutoff, 10);
  const enc = new StateEncoder(stats, 4);
  const s = (name: string) => log.streamerIds.indexOf(name);
  const f = (name: string) => FEATURE_NAMES.indexOf(name);
  const hist = Int32Array.from([s("a"), s("b"), s("a")]), steps = Int32Array.from([1, 2, 4]);
  const cand = Int32Array.from([s("a"), s("b"), s("c")]);
  const out = new Float32Array(3 * FEATURE_SIZE);
  enc.encode(hist, steps, hist, steps, 12, cand, 3, out, 0);
  const at = (c: number, name: string) => out[c * FEATURE_SIZE + f(name)];
  // a: u's own 2 views are left out; v's remains. b: v's view. c: w's.
  assert.equal(at(0, "action.log_count"), Math.fround(Math.log1p(1)));
  assert.equal(at(0, "action.log_users"), Math.fround(Math.log1p(1)));
  assert.equal(at(1, "action.log_count"), Math.fround(Math.log1p(1)));
  assert.equal(at(2, "action.log_count"), Math.fround(Math.log1p(1)));
  // pairs: a watched twice, last; b once, second most recent; c never
  assert.deepEqual([at(0, "pair.watched"), at(1, "pair.watched"), at(2, "pair.watched")], [1, 1, 0]);
  assert.equal(at(0, "pair.log_count"), Math.fround(Math.log1p(2)));
  assert.deepEqual([at(0, "pair.is_last"), at(1, "pair.is_last")], [1, 0]);
  assert.deepEqual([at(0, "pair.recency_rank"), at(1, "pair.recency_rank"), at(2, "pair.recency_rank")], [1, 0.5, 0]);
  // co-watch without u: a and b share viewer v only (cosine 1/sqrt(1*1)); c shares nobody with them
  assert.equal(at(1, "pair.cowatch_last"), 1);
  assert.equal(at(2, "pair.cowatch_max"), 0);
  // Someone who is not u sees u's views in the counts.
  enc.encode(hist, steps, new Int32Array(0), new Int32Array(0), 12, cand, 3, out, 0);
  assert.equal(at(0, "action.log_count"), Math.fround(Math.log1p(3)));
  assert.equal(at(0, "action.log_users"), Math.fround(Math.log1p(2)));
});

test("the configuration is validated with errors that name the field", () => {
  assert.equal(parseOfflineDqnConfig(undefined).variant, "sqn");
  assert.throws(() => parseOfflineDqnConfig({ variant: "ppo" }), /invalid offline DQN config:\n {2}variant:/);
  assert.throws(() => parseOfflineDqnConfig({ gamma: 1 }), /gamma/);
  assert.throws(() => parseOfflineDqnConfig({ hidden: [] }), /hidden/);
  assert.throws(() => parseOfflineDqnConfig({ batch: 3 }), /Unrecognized key/);
});
