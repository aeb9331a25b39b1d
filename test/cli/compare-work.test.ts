/**
 * `liveq compare --work DIR`: Ctrl-C (a real SIGINT to a child process) stops it with exit code
 * 130 and the command to resume; the same command then goes on to the results of a comparison
 * never interrupted, and once done reads them back (in-process, as a refusal of other settings).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runChild } from "./spawn-cli.js";
import { runCli } from "./in-process.js";

/** The last line's JSON without its timing. */
function figures(stdout: string): unknown {
  const { seconds: _, ...rest } = JSON.parse(stdout.trim().split("\n").pop()!);
  return rest;
}

test("compare --work: Ctrl-C stops it (130), the same command resumes to the uninterrupted results", async () => {
  const dir = mkdtempSync(join(tmpdir(), "liveq-compare-work-"));
  try {
    const config = join(dir, "config.json");
    writeFileSync(config, JSON.stringify({ sim: { users: 60, streamers: 10, days: 1 }, dqn: { hidden: [8], embedding: 4, learningStarts: 30, replayCapacity: 2000 }, training: { episodes: 12, seeds: [1, 2], ensemble: 2 } }));
    const work = join(dir, "work");
    const args = ["compare", "--config", config, "--heads", "feature", "--policies", "random,rep", "--seeds", "2", "--json", "--no-progress"];
    const withWork = [...args, "--work", work, "--checkpoint-every", "0"];
    const log = join(work, "feature", "metrics.jsonl");
    const [whole, stopped] = await Promise.all([
      runChild(args),
      runChild(withWork, () => existsSync(log) && readFileSync(log, "utf8").split("\n").length > 60),
    ]);
    assert.equal(whole.code, 0, whole.stderr);
    assert.equal(stopped.code, 130, stopped.stderr);
    assert.match(stopped.stderr, /stopping: what is finished stays in .*work \(Ctrl-C again to quit at once\)/);
    assert.ok(stopped.stderr.includes(`Resume with the same command: liveq ${withWork.join(" ")}`), stopped.stderr);
    assert.ok(existsSync(join(work, "feature", "checkpoint", "agent-1", "manifest.json")));

    const resumed = await runChild(withWork);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.match(resumed.stderr, /resuming the comparison in .*work: \d+ evaluation runs done; feature agent 1: \d+ episodes trained/);
    assert.deepEqual(figures(resumed.stdout), figures(whole.stdout));
    // Kept when done: the same command reads every result back.
    const again = await runCli(withWork);
    assert.equal(again.error, null);
    assert.match(again.err, /6 evaluation runs done; feature agent 1: 12 episodes trained, feature agent 2: 12 episodes trained/);
    assert.deepEqual(figures(again.out), figures(whole.stdout));
    // --checkpoint-every alone has nothing to checkpoint into: refused, saying why.
    const alone = await runCli([...args, "--checkpoint-every", "5"]);
    assert.match(String(alone.error?.message), /--checkpoint-every needs --work DIR/);
    // Other settings are refused, naming them.
    const other = await runCli([...withWork, "--seeds", "3"]);
    assert.match(String(other.error?.message), /holds the work of another comparison: evalSeeds is \[1001,1002\] there, \[1001,1002,1003\] here/);
    // So is the work of another liveq version, naming both and how to start afresh.
    const manifest = join(work, "manifest.json");
    writeFileSync(manifest, readFileSync(manifest, "utf8").replace(/"liveq": "[^"]*"/, '"liveq": "0.0.1-old"'));
    const upgraded = await runCli(withWork);
    assert.match(String(upgraded.error?.message), /holds the work of another version of liveq, .*: liveq is "0\.0\.1-old" there, "[^"]+" here\. Use another work directory, or delete .*work to start this comparison afresh/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
