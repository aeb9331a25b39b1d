/**
 * The durability promise, tested on a real process: `liveq serve` runs as a child on a temp
 * directory (fsync on), batches of events stream in from several concurrent senders, the process
 * is killed with SIGKILL while requests are in flight, and a new process on the same directory
 * must hold every acknowledged event exactly once, in its log and in its state.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EventLog } from "../../src/serve/store/event-log.js";

const TOKEN = "crash-test-token";

function startService(dir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", "serve", "--data", dir, "--port", "0", "--token", TOKEN], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  return new Promise((resolve, reject) => {
    let out = "", err = "";
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve({ child, url: m[1] });
    });
    child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
    child.on("exit", (code) => reject(new Error(`liveq serve exited (${code}) before listening: ${err}`)));
  });
}

async function post(url: string, events: unknown[]): Promise<{ accepted: number; duplicates: number }> {
  const res = await fetch(`${url}/v1/events`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${TOKEN}` },
    body: JSON.stringify({ events }),
  });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return (await res.json()) as { accepted: number; duplicates: number };
}

test("kill -9 mid-stream: every acknowledged event is there after a restart, none twice", { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "liveq-crash-"));
  let child: ChildProcess | null = null;
  try {
    const first = await startService(dir);
    child = first.child;
    await post(first.url, [{ id: "start", type: "stream_start", stream: "s1", streamer: "c1" }]);

    const acked: { id: string; type: "watch"; user: string; stream: string; minutes: number }[][] = [];
    let sent = 0, killed = false;
    const sender = async (k: number) => {
      for (let b = 0; !killed; b++) {
        const batch = Array.from({ length: 25 }, (_, i) => ({ id: `w${k}-${b}-${i}`, type: "watch" as const, user: "crash-user", stream: "s1", minutes: 1 }));
        sent++;
        try {
          const r = await post(first.url, batch);
          if (killed) return; // answered, but after the kill was ordered: count it as unknown
          assert.equal(r.accepted, 25);
          acked.push(batch);
          if (acked.length === 40) {
            killed = true;
            first.child.kill("SIGKILL"); // other senders have requests in flight now
          }
        } catch {
          return; // the connection died with the process
        }
      }
    };
    await Promise.all([0, 1, 2, 3].map(sender));
    if (first.child.exitCode === null && first.child.signalCode === null) await new Promise((r) => first.child.once("exit", r));
    assert.ok(acked.length >= 40 && sent > acked.length, `acknowledged ${acked.length} of ${sent} batches before the kill`);

    const second = await startService(dir);
    child = second.child;
    const ids = acked.flat().map((e) => e.id);

    // the log: each acknowledged id exactly once (the UNIQUE constraint allows no more)
    const log = new EventLog(join(dir, "events.sqlite"), { readonly: true });
    const counts = log.countIds(ids);
    const total = log.count();
    log.close();
    const missing = ids.filter((id) => counts.get(id) !== 1);
    assert.deepEqual(missing, [], "acknowledged events missing from the log");

    // the state: one minute per logged watch event, so an event applied twice would show
    const user = (await (await fetch(`${second.url}/v1/users/crash-user`)).json()) as { watchMinutes: number };
    const logged = total - 1; // all but the stream_start
    assert.ok(user.watchMinutes >= ids.length, `state has ${user.watchMinutes} minutes, ${ids.length} acknowledged`);
    assert.equal(user.watchMinutes, logged, "every logged event applied exactly once");

    // retrying every acknowledged batch changes nothing
    let accepted = 0, duplicates = 0;
    for (const batch of acked) {
      const r = await post(second.url, batch);
      accepted += r.accepted;
      duplicates += r.duplicates;
    }
    assert.deepEqual({ accepted, duplicates }, { accepted: 0, duplicates: ids.length });
    const again = (await (await fetch(`${second.url}/v1/users/crash-user`)).json()) as { watchMinutes: number };
    assert.equal(again.watchMinutes, user.watchMinutes);

    // a clean stop
    const exited = new Promise<number | null>((r) => second.child.once("exit", r));
    second.child.kill("SIGTERM");
    assert.equal(await exited, 0);
    child = null;
  } finally {
    child?.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  }
});
