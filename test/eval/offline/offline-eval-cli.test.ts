import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../../cli/in-process.js";
import { Rng } from "../../../src/core/random/rng.js";

const run = runCli;

function writeLog(dir: string): string {
  const rng = new Rng(3);
  const lines = ["user_id,streamer_id,start_step,community"];
  for (let t = 0; t < 700; t++) for (let k = 0; k < 3; k++) lines.push(`${rng.int(40)},${rng.int(15)},${t},0`);
  const path = join(dir, "log.csv");
  writeFileSync(path, lines.join("\n") + "\n");
  return path;
}

test("offline-eval --json prints one JSON object with targets, repeat_ratio and results per policy and segment", async () => {
  const dir = mkdtempSync(join(tmpdir(), "liveq-oe-"));
  try {
    const data = writeLog(dir);
    const { out, err, error } = await run(["offline-eval", "--data", data, "--policies", "pop,rep", "--json", "--no-progress"]);
    assert.equal(error, null, err);
    const last = out.trim().split("\n").at(-1)!;
    const json = JSON.parse(last);
    assert.deepEqual(Object.keys(json.results), ["pop", "rep"]);
    assert.equal(json.targets.all, json.targets.new + json.targets.rep);
    assert.ok(json.targets.all > 0);
    assert.equal(json.repeat_ratio, json.targets.rep / json.targets.all);
    for (const policy of ["pop", "rep"]) {
      for (const segment of ["all", "new", "rep"]) {
        assert.deepEqual(Object.keys(json.results[policy][segment]), ["hr@1", "hr@5", "hr@10", "ndcg@1", "ndcg@5", "ndcg@10"]);
      }
    }
    assert.deepEqual(json.window, { name: "test", first_step: 450, last_step: 699 });
    assert.match(err, /read .*log\.csv: 2,100 interactions of 40 users/);
    // the readable table and the validation window
    const table = await run(["offline-eval", "--data", data, "--policies", "rep", "--window", "validation", "--no-progress"]);
    assert.equal(table.error, null, table.err);
    assert.match(table.out, /^validation window: steps 200\.\.449, W=6;/);
    assert.match(table.out, /\nrep\s+all\s+\d\.\d{4}/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("offline-eval refuses unknown policies, bad flags and bad files with a clear message", async () => {
  const dir = mkdtempSync(join(tmpdir(), "liveq-oe-"));
  try {
    const data = writeLog(dir);
    const unknown = await run(["offline-eval", "--data", data, "--policies", "pop,magic", "--json"]);
    assert.match(unknown.error?.message ?? "", /unknown policy "magic"; known policies: pop, rep, mf/);
    const w = await run(["offline-eval", "--data", data, "--avail-window", "-2"]);
    assert.match(w.err + (w.error?.message ?? ""), /availability window must be an integer >= 0, got "-2"/);
    const win = await run(["offline-eval", "--data", data, "--window", "train"]);
    assert.match(win.err + (win.error?.message ?? ""), /window must be one of test, validation, got "train"/);
    const missing = await run(["offline-eval", "--data", join(dir, "nope.csv"), "--policies", "pop"]);
    assert.match(missing.error?.message ?? "", /nope\.csv: cannot read the log \(ENOENT\)/);
    const map = await run(["offline-eval", "--data", data, "--map", "user=who", "--policies", "pop"]);
    assert.match(map.error?.message ?? "", /user=who, but the header has no column "who"/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
