import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../../cli/in-process.js";
import { readInteractionLog } from "../../../src/data/read-log.js";
import { LiveRecProtocol } from "../../../src/eval/offline/liverec-protocol.js";
import { OfflineDqnRanker } from "../../../src/policies/offline/dqn/ranker.js";
import { plantedCsv, SYNTHETIC_AVAIL, SYNTHETIC_WINDOW } from "./dqn-helpers.js";

const run = runCli;

const lastJson = (out: string) => JSON.parse(out.trim().split("\n").at(-1)!);
const windowFlags = ["--window-length", String(SYNTHETIC_WINDOW), "--avail-window", String(SYNTHETIC_AVAIL)];

test("train-offline writes a model that offline-eval --model scores exactly as the model trained in memory", async () => {
  const dir = mkdtempSync(join(tmpdir(), "liveq-dqn-cli-"));
  try {
    const data = join(dir, "log.csv");
    writeFileSync(data, plantedCsv(1));
    const model = join(dir, "model");
    const trained = await run(["train-offline", "--data", data, "--out", model, ...windowFlags, "--variants", "sqn", "--epochs", "2", "--seed", "5", "--json", "--no-progress"]);
    assert.equal(trained.error, null, trained.err);
    assert.ok(existsSync(join(model, "manifest.json")));
    const summary = lastJson(trained.out);
    assert.equal(summary.variant, "sqn");
    assert.equal(summary.epochs, 2);
    assert.equal(summary.train_before_step, 350);
    assert.deepEqual(summary.validation, [], "fixed epochs and one variant: no search");
    assert.match(trained.err, /saved the model \(variant sqn, 2 epochs, trained on steps before 350\)/);

    const evaluated = await run(["offline-eval", "--data", data, ...windowFlags, "--policies", "pop,dqn", "--model", model, "--seed", "5", "--json", "--no-progress"]);
    assert.equal(evaluated.error, null, evaluated.err);
    const json = lastJson(evaluated.out);
    assert.deepEqual(Object.keys(json.results), ["pop", "dqn"]);

    // The same training in memory, scored by the protocol: the same metrics to the last bit.
    const { log } = await readInteractionLog(data);
    const p = new LiveRecProtocol(log, { windowLength: SYNTHETIC_WINDOW, availWindow: SYNTHETIC_AVAIL, seed: 5 });
    const ranker = new OfflineDqnRanker({ config: { variant: "sqn", epochs: 2, seed: 5 }, variants: ["sqn"] });
    const e = await p.evaluate("test", [ranker]);
    assert.deepEqual(json.results.dqn, JSON.parse(JSON.stringify(e.results.dqn)));
    assert.ok(json.results.dqn.all["ndcg@10"] > json.results.pop.all["ndcg@10"]);

    // A model that has seen the validation window cannot be evaluated on it.
    const leak = await run(["offline-eval", "--data", data, ...windowFlags, "--window", "validation", "--policies", "dqn", "--model", model, "--json", "--no-progress"]);
    assert.match(leak.error?.message ?? "", /reaches into the evaluated window/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("train-offline and offline-eval --model refuse bad flags and bad model directories clearly", async () => {
  const dir = mkdtempSync(join(tmpdir(), "liveq-dqn-cli-"));
  try {
    const data = join(dir, "log.csv");
    writeFileSync(data, plantedCsv(2));
    const missing = await run(["offline-eval", "--data", data, "--policies", "dqn", "--model", join(dir, "none"), "--no-progress"]);
    assert.match(missing.error?.message ?? "", /offline DQN model: checkpoint .*none: manifest\.json not found/);
    const notListed = await run(["offline-eval", "--data", data, "--policies", "pop", "--model", join(dir, "none"), "--no-progress"]);
    assert.match(notListed.error?.message ?? "", /--model is for the dqn policy, which --policies \(pop\) does not list/);
    const badVariant = await run(["train-offline", "--data", data, "--out", join(dir, "m"), "--variants", "sqn,ppo"]);
    assert.match(badVariant.err, /unknown variant "ppo"; known: dqn, sqn, cql/);
    const badConfig = await run(["train-offline", "--data", data, "--out", join(dir, "m"), "--config", '{"gamma": 2}']);
    assert.match(badConfig.err, /invalid offline DQN config:\n {2}gamma:/);
    const notJson = await run(["train-offline", "--data", data, "--out", join(dir, "m"), "--config", "gamma=2"]);
    assert.match(notJson.err, /--config must be a JSON object/);
    const noOut = await run(["train-offline", "--data", data]);
    assert.match(noOut.err, /required option '--out <dir>' not specified/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
