/** `liveq train`: Ctrl-C saves a checkpoint and --resume continues from it (a real child process). */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

function run(args: string[], interruptWhen?: () => boolean): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "", stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    let poll: NodeJS.Timeout | undefined;
    if (interruptWhen) {
      poll = setInterval(() => {
        if (interruptWhen()) {
          clearInterval(poll);
          child.kill("SIGINT");
        }
      }, 100);
    }
    child.on("close", (code) => {
      if (poll) clearInterval(poll);
      resolve({ code, stdout, stderr });
    });
  });
}

test("Ctrl-C saves a checkpoint; --resume continues from it", async () => {
  const dir = mkdtempSync(join(tmpdir(), "liveq-train-"));
  try {
    const log = join(dir, "metrics.jsonl");
    const first = await run(["train", "--out", dir, "--users", "150", "--streamers", "20", "--days", "2", "--episodes", "1000", "--json", "--no-progress"], () => existsSync(log) && readFileSync(log, "utf8").split("\n").length > 20);
    assert.equal(first.code, 0, first.stderr);
    const summary = JSON.parse(first.stdout.trim().split("\n").pop()!);
    assert.equal(summary.stopped, true);
    assert.ok(summary.episodes_done < 1000);
    assert.ok(existsSync(join(dir, "checkpoint", "manifest.json")));
    assert.match(first.stderr, /stopping: saving a checkpoint/);

    const target = summary.episodes_done + 1;
    const second = await run(["train", "--out", dir, "--resume", dir, "--episodes", String(target), "--json", "--no-progress"]);
    assert.equal(second.code, 0, second.stderr);
    const resumed = JSON.parse(second.stdout.trim().split("\n").pop()!);
    assert.equal(resumed.stopped, false);
    assert.equal(resumed.episodes_done, target);
    assert.ok(resumed.decisions > summary.decisions);
    assert.match(second.stderr, new RegExp(`resuming from .*: ${summary.episodes_done} episodes`));
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
